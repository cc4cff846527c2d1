package dev.solvent.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solvent.cuda.internal.Kernels;
import dev.solvent.cuda.internal.PtxModule;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The PTX kept as resources: present, declaring the ISA and target chosen in build-ptx.sh, holding
 * every kernel the Java side launches and every kernel the .cu sources define, and generated from
 * the current sources. No driver is involved: these checks run on any machine.
 */
class PtxResourceTest {

    private static final Path CUDA_SOURCES = Path.of("src", "main", "cuda");

    private static String ptx(String module) {
        return new String(PtxModule.readResource(module), StandardCharsets.US_ASCII);
    }

    private static Set<String> entries(String ptx) {
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("^\\.visible \\.entry (\\w+)\\(", Pattern.MULTILINE).matcher(ptx);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    private static List<String> launched(String module) {
        return switch (module) {
            case "blas" -> Kernels.BLAS_ENTRIES;
            case "spmv" -> Kernels.SPMV_ENTRIES;
            case "relax" -> Kernels.RELAX_ENTRIES;
            case "ot" -> Kernels.OT_ENTRIES;
            case "conv" -> Kernels.CONV_ENTRIES;
            default -> throw new IllegalArgumentException(module);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"blas", "spmv", "relax", "ot", "conv"})
    void declaresIsa80ForCompute75With64BitAddresses(String module) {
        String text = ptx(module);
        List<String> directives = text.lines().filter(l -> l.startsWith(".version") || l.startsWith(".target")
                || l.startsWith(".address_size")).toList();
        // PTX ISA 8.0 is what CUDA 12.0 drivers accept (12.x and 13.x drivers accept it too);
        // compute_75 is the oldest virtual architecture nvcc 13 can target.
        assertEquals(List.of(".version 8.0", ".target sm_75", ".address_size 64"), directives);
    }

    @ParameterizedTest
    @ValueSource(strings = {"blas", "spmv", "relax", "ot", "conv"})
    void declaresExactlyTheKernelsTheJavaSideLaunches(String module) {
        assertEquals(new TreeSet<>(launched(module)), entries(ptx(module)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"blas", "spmv", "relax", "ot", "conv"})
    void declaresEveryKernelOfItsCudaSource(String module) throws IOException {
        String source = Files.readString(CUDA_SOURCES.resolve(module + ".cu"));
        Set<String> kernels = new TreeSet<>();
        Matcher m = Pattern.compile("extern \"C\" __global__ void (\\w+)\\(").matcher(source);
        while (m.find()) {
            kernels.add(m.group(1));
        }
        assertTrue(kernels.size() >= 3, "found " + kernels);
        assertEquals(kernels, entries(ptx(module)));
    }

    /** build-ptx.sh stamps the SHA-256 of the sources; a mismatch means the PTX is stale. */
    @ParameterizedTest
    @ValueSource(strings = {"blas", "spmv", "relax", "ot", "conv"})
    void wasGeneratedFromTheCurrentSources(String module) throws IOException, NoSuchAlgorithmException {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update(Files.readAllBytes(CUDA_SOURCES.resolve("solvent_common.cuh")));
        sha.update(Files.readAllBytes(CUDA_SOURCES.resolve(module + ".cu")));
        String expected = HexFormat.of().formatHex(sha.digest());
        Matcher m = Pattern.compile("^// source-sha256: ([0-9a-f]{64})$", Pattern.MULTILINE).matcher(ptx(module));
        assertTrue(m.find(), "no source-sha256 line in " + module + ".ptx");
        assertEquals(expected, m.group(1), module + ".ptx is stale: run mvn -Pnvcc generate-resources (needs nvcc)");
    }

    /**
     * Where a CUDA toolkit is installed (not needed for the build), ptxas assembles the resource
     * as it is: it rejects any instruction newer than the declared .version, which is what a 12.x
     * driver's JIT would do. Skipped without ptxas.
     */
    @ParameterizedTest
    @ValueSource(strings = {"blas", "spmv", "relax", "ot", "conv"})
    void ptxasAcceptsItAtTheDeclaredIsa(String module) throws Exception {
        Path ptxas = findPtxas();
        Assumptions.assumeTrue(ptxas != null, "ptxas not found (no CUDA toolkit): skipping");
        // A CUDA 11 ptxas does not know ISA 8.0 at all; only 12.x and newer can judge the file.
        Process v = new ProcessBuilder(ptxas.toString(), "--version").redirectErrorStream(true).start();
        String version = new String(v.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        v.waitFor(60, TimeUnit.SECONDS);
        Matcher release = Pattern.compile("release (\\d+)\\.").matcher(version);
        Assumptions.assumeTrue(release.find() && Integer.parseInt(release.group(1)) >= 12,
                () -> "ptxas older than CUDA 12 cannot check ISA 8.0: " + version.trim());
        Path file = Files.createTempFile("solvent-" + module, ".ptx");
        try {
            Files.write(file, PtxModule.readResource(module));
            for (String arch : new String[] {"sm_75", "sm_90"}) {
                Process p = new ProcessBuilder(ptxas.toString(), "-arch=" + arch, "-o", "/dev/null", file.toString())
                        .redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(p.waitFor(120, TimeUnit.SECONDS), "ptxas timed out");
                assertEquals(0, p.exitValue(), "ptxas -arch=" + arch + " rejected " + module + ".ptx:\n" + out);
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static Path findPtxas() {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : (path + ":/usr/local/cuda/bin").split(":")) {
            if (!dir.isEmpty()) {
                Path candidate = Path.of(dir, "ptxas");
                if (Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        return null;
    }
}
