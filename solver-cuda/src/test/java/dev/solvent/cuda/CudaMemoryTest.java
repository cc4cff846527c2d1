package dev.solvent.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solvent.backend.Vector;
import dev.solvent.matrix.CsrMatrix;
import dev.solvent.precond.Jacobi;
import dev.solvent.solve.BoundSolver;
import dev.solvent.solve.ConjugateGradient;
import dev.solvent.solve.SolveResult;
import dev.solvent.solve.SolverOptions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Device memory comes back, and running out of it is an exception. Skipped where no GPU is usable.
 * On the emulated device (see {@link Gpu}) with 500 solves instead of 10,000 and chunks of an
 * eighth of its memory ({@code solvent.cuda.emulator.memory}) instead of 2 GiB.
 */
@Tag("gpu")
class CudaMemoryTest {

    /**
     * 10,000 small solves (500 on the emulated device), each binding the matrix, solving (which
     * uploads b and x and allocates work vectors) and closing: afterwards this backend holds exactly
     * what it held before, and the device's free memory (cuMemGetInfo) is back where it was, give or
     * take what other processes on the device did meanwhile (16 MiB of slack).
     */
    @Test
    void tenThousandSmallSolvesLeaveDeviceMemoryWhereItWas() {
        try (CudaBackend gpu = Gpu.backend(true)) {
            int solves = Gpu.sanitized() ? 50 : gpu.isEmulated() ? 500 : 10_000;
            CsrMatrix a = TestMatrices.poisson3d(8);
            double[] b = TestMatrices.randomVector(a.rows(), 5);
            SolverOptions options = SolverOptions.defaults().withRtol(1e-8).withRecordHistory(false);
            ConjugateGradient cg = new ConjugateGradient(options, new Jacobi());
            // Warm up: the first solve creates the cuSPARSE workspace pattern, JIT caches and so on.
            for (int i = 0; i < 10; i++) {
                solveOnce(cg, a, b, gpu);
            }
            long heldBefore = settle(gpu);
            long freeBefore = gpu.memoryInfo().freeBytes();
            for (int i = 0; i < solves; i++) {
                solveOnce(cg, a, b, gpu);
            }
            assertEquals(heldBefore, settle(gpu), "bytes held by the backend");
            long freeAfter = gpu.memoryInfo().freeBytes();
            assertTrue(freeAfter >= freeBefore - (16L << 20), "device free memory went from " + freeBefore + " to " + freeAfter);
        }
    }

    /** Reclaims until the backend's held bytes stop changing; returns them. */
    private static long settle(CudaBackend gpu) {
        long previous = -1;
        for (int i = 0; i < 20; i++) {
            gpu.reclaim();
            long now = gpu.liveDeviceBytes();
            if (now == previous) {
                return now;
            }
            previous = now;
        }
        return previous;
    }

    private static void solveOnce(ConjugateGradient cg, CsrMatrix a, double[] b, CudaBackend gpu) {
        double[] x = new double[a.rows()];
        try (BoundSolver s = cg.setup(a, gpu)) {
            SolveResult r = s.solve(b, x);
            if (!r.converged()) {
                throw new AssertionError(r.toString());
            }
        }
    }

    @Test
    void releaseFreesAtOnce() {
        try (CudaBackend gpu = Gpu.backend(false)) {
            long before = gpu.liveDeviceBytes();
            Vector v = gpu.allocate(1 << 20);
            assertEquals(before + (8L << 20), gpu.liveDeviceBytes());
            gpu.release(v);
            assertEquals(before, gpu.liveDeviceBytes());
            assertThrows(IllegalStateException.class, () -> gpu.dot(v, v));
        }
    }

    /** Filling the device ends in DeviceOutOfMemoryException, and the backend works afterwards. */
    @Test
    void runningOutOfDeviceMemoryIsAnException() {
        try (CudaBackend gpu = Gpu.backend(false)) {
            long total = gpu.memoryInfo().totalBytes();
            // 2 GiB of doubles on a GPU; an eighth of the emulated device's (host) memory there.
            int chunk = (int) Math.min(1L << 28, Math.max(1, total / 64));
            List<Vector> held = new ArrayList<>();
            DeviceOutOfMemoryException oom = null;
            try {
                for (long i = 0; i <= total / (8L * chunk) + 2 && oom == null; i++) {
                    try {
                        held.add(gpu.allocate(chunk));
                    } catch (DeviceOutOfMemoryException e) {
                        oom = e;
                    }
                }
            } finally {
                for (Vector v : held) {
                    gpu.release(v);
                }
            }
            assertTrue(oom != null, "allocated " + held.size() + " x " + 8L * chunk + " bytes without running out");
            assertTrue(oom.getMessage().contains("cannot allocate"), oom.getMessage());
            assertEquals("CUDA_ERROR_OUT_OF_MEMORY", oom.errorName());
            Vector v = gpu.upload(new double[] {1, 2, 2});
            assertEquals(9.0, gpu.dot(v, v), 0.0);
        }
    }
}
