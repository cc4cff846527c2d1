package dev.solvent.cuda;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solvent.cuda.internal.KernelSources;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Tags;
import org.junit.jupiter.api.Test;

/**
 * A kernel that no test launches fails the build: every kernel of the {@code .cu} sources must
 * have been launched by this module's gpu tests on the emulated device. Run by Surefire's second
 * execution ({@code kernel-coverage}, after the tests) from the record {@link KernelCoverageListener}
 * wrote; the name keeps it out of the first. It checks only a full run on the emulated device and
 * skips, saying why, after a partial run ({@code -Dtest=...}), a run on a GPU (launches are
 * recorded on the emulated device only) or one where the gpu tests could not run.
 */
class KernelCoverageCheck {

    @Test
    void everyKernelOfTheCudaSourcesIsLaunchedByTheGpuTests() throws IOException, URISyntaxException {
        Path file = Path.of(System.getProperty(KernelCoverageListener.FILE_PROPERTY, "target/kernel-coverage.properties"));
        Assumptions.assumeTrue(Files.isRegularFile(file), () -> "no record of this module's test run at " + file);
        java.util.Properties record = new java.util.Properties();
        try (InputStream in = Files.newInputStream(file)) {
            record.load(in);
        }
        // Read once: a later partial run must not find this record and take it for its own.
        Files.delete(file);
        Set<String> ran = split(record.getProperty("classes", ""));
        Set<String> gpuClasses = gpuTestClasses();
        assertTrue(!gpuClasses.isEmpty(), "no gpu-tagged test classes found");
        Set<String> missing = new TreeSet<>(gpuClasses);
        missing.removeAll(ran);
        Assumptions.assumeTrue(missing.isEmpty(), () -> "a partial test run (without " + missing
                + "): kernel coverage is checked when every gpu test class runs");
        Assumptions.assumeTrue(Boolean.parseBoolean(record.getProperty("emulated")), () -> "the gpu tests did not run on"
                + " the emulated device (on a GPU, or without a C++ compiler: " + CudaBackend.unavailableReason(DeviceKind.AUTO)
                + "): launches are recorded there only");
        Set<String> launched = split(record.getProperty("launched", ""));
        Set<String> kernels = new TreeSet<>();
        for (KernelSources.Kernel k : KernelSources.fromDirectory(Path.of("src", "main", "cuda")).kernels()) {
            kernels.add(k.name());
        }
        Set<String> never = new TreeSet<>(kernels);
        never.removeAll(launched);
        assertTrue(never.isEmpty(), "kernels that no gpu test launched: " + never + " (of " + kernels.size()
                + "). Test them here, against a reference, on the emulated device (mvn -B test runs it where g++ is).");
    }

    private static Set<String> split(String s) {
        Set<String> out = new TreeSet<>(Arrays.asList(s.split(",")));
        out.remove("");
        return out;
    }

    /** The classes of this module's test classes directory that carry {@code @Tag("gpu")}. */
    private static Set<String> gpuTestClasses() throws IOException, URISyntaxException {
        Path root = Path.of(KernelCoverageCheck.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Set<String> out = new TreeSet<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.filter(f -> f.toString().endsWith(".class") && !f.getFileName().toString().contains("$"))
                    .toList()) {
                String rel = root.relativize(p).toString();
                String name = rel.substring(0, rel.length() - ".class".length()).replace('/', '.').replace('\\', '.');
                Class<?> c;
                try {
                    c = Class.forName(name, false, KernelCoverageCheck.class.getClassLoader());
                } catch (ClassNotFoundException | LinkageError e) {
                    continue;
                }
                boolean gpu = c.isAnnotationPresent(Tag.class) && c.getAnnotation(Tag.class).value().equals("gpu");
                if (c.isAnnotationPresent(Tags.class)) {
                    gpu |= Arrays.stream(c.getAnnotation(Tags.class).value()).anyMatch(t -> t.value().equals("gpu"));
                }
                if (gpu) {
                    out.add(name);
                }
            }
        }
        return out;
    }
}
