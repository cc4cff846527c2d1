package dev.solvent.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.solvent.matrix.Stencil7Operator;
import org.junit.jupiter.api.Test;

/** The benchmark builds its Poisson matrix by hand (for speed at 256^3): it must be the stencil's. */
class GpuBenchmarkMatrixTest {

    @Test
    void handBuiltPoissonEqualsTheStencilsMatrix() {
        for (int n : new int[] {1, 2, 5}) {
            assertEquals(Stencil7Operator.poisson(n, n, n).toCsr(), GpuBenchmark.poissonCsr(n));
        }
    }
}
