package dev.solvent.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solvent.backend.Backend;
import dev.solvent.backend.BackendProvider;
import dev.solvent.backend.BackendUnavailableException;
import dev.solvent.backend.ReferenceBackend;
import dev.solvent.matrix.CsrMatrix;
import dev.solvent.solve.ConjugateGradient;
import dev.solvent.solve.SolverOptions;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * On a machine without an NVIDIA driver (CI, this project's build machines) asking for the CUDA
 * backend on the driver must fail with a {@link BackendUnavailableException} that says why, again
 * and again, and leave the JVM working. On a GPU machine these tests skip (CudaConformanceTest's
 * providerCreatesACudaBackend covers it). The emulated device does not count here: these tests ask
 * for the driver ({@link DeviceKind#DRIVER}, the default of {@value DeviceKind#PROPERTY}).
 */
class CudaUnavailableTest {

    private static void assumeNoGpu() {
        Assumptions.assumeFalse(CudaBackend.isAvailable(DeviceKind.DRIVER),
                "a CUDA device is present: this test is for machines without one");
    }

    /** The provider as a program that sets no {@value DeviceKind#PROPERTY} sees it: the driver. */
    private static Backend createWithTheDefaultKind(BackendProvider provider) {
        String previous = System.getProperty(DeviceKind.PROPERTY);
        System.clearProperty(DeviceKind.PROPERTY);
        try {
            return provider.create(0);
        } finally {
            if (previous != null) {
                System.setProperty(DeviceKind.PROPERTY, previous);
            }
        }
    }

    @Test
    void providerIsRegisteredUnderTheNameCuda() {
        List<String> names = ServiceLoader.load(BackendProvider.class).stream()
                .map(p -> p.get().name()).collect(Collectors.toList());
        assertTrue(names.contains("cuda"), "providers found: " + names);
    }

    @Test
    void providerCreateThrowsBackendUnavailableSayingWhy() {
        assumeNoGpu();
        BackendProvider cuda = ServiceLoader.load(BackendProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.name().equals("cuda")).findFirst().orElseThrow();
        BackendUnavailableException first = assertThrows(BackendUnavailableException.class,
                () -> createWithTheDefaultKind(cuda));
        String message = first.getMessage();
        assertTrue(message.startsWith("CUDA backend unavailable: "), message);
        // Names the missing piece (the driver library or a device) ...
        assertTrue(message.contains("libcuda.so.1") || message.contains("device") || message.contains("driver"), message);
        // ... in one line, not JCuda's multi-kilobyte nested stack traces.
        assertFalse(message.contains("\n"), message);
        assertTrue(message.length() < 600, "message of " + message.length() + " characters");
        // A second attempt gives the same answer without touching the native loader again.
        BackendUnavailableException second = assertThrows(BackendUnavailableException.class,
                () -> CudaBackend.create(DeviceKind.DRIVER, 0, true));
        assertEquals(message, second.getMessage());
        assertEquals(message, CudaBackend.unavailableReason(DeviceKind.DRIVER));
    }

    @Test
    void theJvmCarriesOnAfterTheFailedProbe() {
        assumeNoGpu();
        assertThrows(BackendUnavailableException.class, () -> CudaBackend.create(DeviceKind.DRIVER, 0, false));
        CsrMatrix a = TestMatrices.poisson3d(6);
        double[] b = TestMatrices.randomVector(a.rows(), 3);
        double[] x = new double[a.rows()];
        try (var solver = new ConjugateGradient(SolverOptions.defaults()).setup(a, new ReferenceBackend())) {
            assertTrue(solver.solve(b, x).converged());
        }
    }
}
