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

    @Test
    void the27PointMatrixCouplesEachPointToItsWholeBox() {
        dev.solvent.matrix.CsrMatrix a = GpuBenchmark.poisson27(3);
        // Per axis a point has 2, 3 and 2 neighbours-or-self at positions 0, 1, 2: 7^3 in all.
        assertEquals(343, a.nnz());
        assertEquals(27, a.rowPtr()[14] - a.rowPtr()[13], "the centre point's row");
        assertEquals(8, a.rowPtr()[1] - a.rowPtr()[0], "a corner's row");
        double[] ones = new double[27];
        java.util.Arrays.fill(ones, 1.0);
        double[] y = new double[27];
        a.apply(ones, y);
        assertEquals(0.0, y[13], "the centre's row sums to 26 - 26");
        assertEquals(26.0 - 7, y[0], "a corner's row: 26 - 7 neighbours");
        assertEquals(a, a.transpose(), "symmetric");
    }
}
