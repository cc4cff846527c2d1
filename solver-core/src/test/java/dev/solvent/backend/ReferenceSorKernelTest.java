package dev.solvent.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.solvent.backend.cpu.ParallelCpuBackend;
import dev.solvent.matrix.CsrMatrix;
import org.junit.jupiter.api.Test;

/**
 * Tier 1: the SOR kernel against values computed by hand, on tridiag(-1, 2, -1) (3 x 3), b = 0,
 * x0 = [0, 1, 2]. Row i of a sweep sets x_i = (x_{i-1} + x_{i+1}) / 2 with the newest neighbours
 * (Gauss-Seidel), relaxed by omega for SOR. All values are dyadic, so they are exact in binary.
 */
class ReferenceSorKernelTest {

    private static CsrMatrix tridiag() {
        return CsrMatrix.builder(3, 3)
                .add(0, 0, 2).add(0, 1, -1)
                .add(1, 0, -1).add(1, 1, 2).add(1, 2, -1)
                .add(2, 1, -1).add(2, 2, 2)
                .build();
    }

    private static double[] sweep(Backend backend, double omega, SweepDirection direction) {
        double[] x = {0, 1, 2};
        backend.sorSweep(backend.bind(tridiag()), backend.wrap(new double[3]), backend.wrap(x), omega, direction);
        return x;
    }

    @Test
    void forwardGaussSeidel() {
        // x0 = (0 + 1)/2 = 1/2;  x1 = (1/2 + 2)/2 = 5/4;  x2 = (5/4 + 0)/2 = 5/8
        assertArrayEquals(new double[] {0.5, 1.25, 0.625}, sweep(new ReferenceBackend(), 1.0, SweepDirection.FORWARD));
    }

    @Test
    void backwardGaussSeidel() {
        // x2 = (1 + 0)/2 = 1/2;  x1 = (0 + 1/2)/2 = 1/4;  x0 = (0 + 1/4)/2 = 1/8
        assertArrayEquals(new double[] {0.125, 0.25, 0.5}, sweep(new ReferenceBackend(), 1.0, SweepDirection.BACKWARD));
    }

    @Test
    void symmetricGaussSeidelIsForwardThenBackward() {
        // From the forward result [1/2, 5/4, 5/8]: x2 = (5/4)/2 = 5/8;  x1 = (1/2 + 5/8)/2 = 9/16;
        // x0 = (9/16)/2 = 9/32
        assertArrayEquals(new double[] {9.0 / 32, 9.0 / 16, 5.0 / 8},
                sweep(new ReferenceBackend(), 1.0, SweepDirection.SYMMETRIC));
    }

    @Test
    void forwardSorWithOmegaThreeHalves() {
        // x_i <- (1 - w) x_i + w * GS value, w = 3/2:
        // x0 = -1/2 * 0 + 3/2 * (1/2)            = 3/4
        // x1 = -1/2 * 1 + 3/2 * (3/4 + 2)/2      = -1/2 + 33/16 = 25/16
        // x2 = -1/2 * 2 + 3/2 * (25/16)/2        = -1 + 75/64   = 11/64
        assertArrayEquals(new double[] {0.75, 25.0 / 16, 11.0 / 64},
                sweep(new ReferenceBackend(), 1.5, SweepDirection.FORWARD));
    }

    @Test
    void parallelBackendGivesTheSameHandValues() {
        try (ParallelCpuBackend cpu = new ParallelCpuBackend(2, 1)) {
            assertArrayEquals(new double[] {0.5, 1.25, 0.625}, sweep(cpu, 1.0, SweepDirection.FORWARD));
            assertArrayEquals(new double[] {0.125, 0.25, 0.5}, sweep(cpu, 1.0, SweepDirection.BACKWARD));
        }
    }
}
