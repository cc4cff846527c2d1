package dev.solvent.cuda;

import dev.solvent.cuda.internal.EmulatedDevice;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Records, for {@link KernelCoverageCheck}, which test classes ran in this JVM and which kernels
 * they launched on the emulated device. Registered for the JUnit Platform (META-INF/services);
 * writes only where the system property {@value #FILE_PROPERTY} names a file (Maven's Surefire
 * sets it), so a JUnit console run elsewhere (the GPU bundle) records nothing.
 */
public final class KernelCoverageListener implements TestExecutionListener {

    /** The file the record is written to. */
    public static final String FILE_PROPERTY = "solvent.cuda.kernelCoverageFile";

    /** Surefire may run each class in its own test plan: the record accumulates over the JVM. */
    private static final Set<String> CLASSES = new TreeSet<>();

    @Override
    public void testPlanExecutionStarted(TestPlan plan) {
        synchronized (CLASSES) {
            for (TestIdentifier root : plan.getRoots()) {
                collect(plan, root);
            }
        }
    }

    private static void collect(TestPlan plan, TestIdentifier id) {
        id.getSource().ifPresent(s -> {
            if (s instanceof ClassSource c) {
                CLASSES.add(c.getClassName());
            }
        });
        for (TestIdentifier child : plan.getChildren(id)) {
            collect(plan, child);
        }
    }

    @Override
    public void testPlanExecutionFinished(TestPlan plan) {
        String file = System.getProperty(FILE_PROPERTY);
        if (file == null || file.isBlank()) {
            return;
        }
        Properties p = new Properties();
        synchronized (CLASSES) {
            p.setProperty("classes", String.join(",", CLASSES));
        }
        p.setProperty("emulated", String.valueOf(EmulatedDevice.used()));
        p.setProperty("launched", String.join(",", EmulatedDevice.launchedKernels()));
        Path path = Path.of(file);
        try {
            Files.createDirectories(path.toAbsolutePath().getParent());
            try (OutputStream out = Files.newOutputStream(path)) {
                p.store(out, "test classes run and kernels launched on the emulated device (KernelCoverageListener)");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + path, e);
        }
    }
}
