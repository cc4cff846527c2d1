package dev.solvent.matrix;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solvent.gen.Generators;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Stencil7OperatorTest {

    /** Shapes with every direction of extent 1 somewhere, and a few ordinary boxes. */
    private static final int[][] SHAPES = {
        {1, 1, 1}, {2, 1, 1}, {1, 2, 1}, {1, 1, 2}, {7, 1, 1}, {1, 7, 1}, {1, 1, 7},
        {5, 4, 1}, {1, 5, 4}, {4, 1, 5}, {3, 4, 5}, {6, 6, 6}, {2, 9, 3}};

    private static double[] random(Random rnd, int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = rnd.nextDouble() * 2 - 1;
        }
        return x;
    }

    /** The stencil evaluated point by point straight from its definition, neighbours outside = 0. */
    private static double[] byDefinition(Stencil7Operator s, double[] x) {
        int nx = s.nx(), ny = s.ny(), nz = s.nz();
        double[] y = new double[x.length];
        for (int k = 0; k < nz; k++) {
            for (int j = 0; j < ny; j++) {
                for (int i = 0; i < nx; i++) {
                    double v = s.center() * at(x, nx, ny, nz, i, j, k)
                            + s.wx() * (at(x, nx, ny, nz, i - 1, j, k) + at(x, nx, ny, nz, i + 1, j, k))
                            + s.wy() * (at(x, nx, ny, nz, i, j - 1, k) + at(x, nx, ny, nz, i, j + 1, k))
                            + s.wz() * (at(x, nx, ny, nz, i, j, k - 1) + at(x, nx, ny, nz, i, j, k + 1));
                    y[i + nx * (j + ny * k)] = v;
                }
            }
        }
        return y;
    }

    private static double at(double[] x, int nx, int ny, int nz, int i, int j, int k) {
        if (i < 0 || j < 0 || k < 0 || i >= nx || j >= ny || k >= nz) {
            return 0.0;
        }
        return x[i + nx * (j + ny * k)];
    }

    @Test
    void smallestGridsByHand() {
        assertArrayEquals(new double[] {6}, Stencil7Operator.poisson(1, 1, 1).toCsr().values());
        CsrMatrix two = Stencil7Operator.poisson(1, 1, 2).toCsr();
        assertEquals(6.0, two.get(0, 0));
        assertEquals(-1.0, two.get(0, 1));
        assertEquals(-1.0, two.get(1, 0));
        assertEquals(6.0, two.get(1, 1));
        double[] y = new double[2];
        Stencil7Operator.poisson(2, 1, 1).apply(new double[] {1, 2}, y);
        assertArrayEquals(new double[] {6 - 2, 12 - 1}, y);
    }

    @Test
    void toCsrEqualsGeneratedPoisson3d() {
        for (int[] s : SHAPES) {
            assertEquals(Generators.poisson3d(s[0], s[1], s[2]).matrix(),
                    Stencil7Operator.poisson(s[0], s[1], s[2]).toCsr(), Arrays.toString(s));
        }
    }

    @Test
    void applyMatchesDefinitionAndCsrOnRandomVectors() {
        Random rnd = new Random(7);
        for (int[] s : SHAPES) {
            // Distinct weights per direction, so an x/y/z mix-up cannot cancel out.
            Stencil7Operator op = new Stencil7Operator(s[0], s[1], s[2], 5.0, -0.5, -1.25, -2.0);
            CsrMatrix csr = op.toCsr();
            for (int trial = 0; trial < 3; trial++) {
                double[] x = random(rnd, op.rows());
                double[] y = new double[op.rows()];
                double[] yc = new double[op.rows()];
                op.apply(x, y);
                csr.apply(x, yc);
                double[] yd = byDefinition(op, x);
                assertArrayEquals(yd, y, 1e-13, "stencil vs definition " + Arrays.toString(s));
                assertArrayEquals(yd, yc, 1e-13, "csr vs definition " + Arrays.toString(s));
            }
        }
    }

    @Test
    void applyPlanesWritesOnlyItsPlanes() {
        Random rnd = new Random(11);
        int[][] shapes = {{3, 4, 5}, {1, 1, 6}, {4, 3, 2}, {2, 2, 1}};
        for (int[] s : shapes) {
            Stencil7Operator op = new Stencil7Operator(s[0], s[1], s[2], 6.0, -1.0, -0.5, -0.25);
            int plane = s[0] * s[1];
            double[] x = random(rnd, op.rows());
            double[] full = byDefinition(op, x);
            for (int k0 = 0; k0 <= s[2]; k0++) {
                for (int k1 = k0; k1 <= s[2]; k1++) {
                    double[] y = new double[op.rows()];
                    Arrays.fill(y, Double.NaN);
                    op.applyPlanes(x, y, k0, k1);
                    for (int p = 0; p < y.length; p++) {
                        int k = p / plane;
                        if (k >= k0 && k < k1) {
                            assertEquals(full[p], y[p], 1e-13, "planes [" + k0 + "," + k1 + ") point " + p);
                        } else {
                            assertTrue(Double.isNaN(y[p]), "point " + p + " outside planes [" + k0 + "," + k1 + ") was written");
                        }
                    }
                }
            }
            // Pieces split by planes put together give the whole product.
            double[] y = new double[op.rows()];
            op.applyPlanes(x, y, 0, 1);
            op.applyPlanes(x, y, 1, s[2]);
            assertArrayEquals(full, y, 1e-13);
        }
    }

    @Test
    void diagonalAndSizes() {
        Stencil7Operator op = new Stencil7Operator(3, 4, 5, 2.5, -1, -1, -1);
        assertEquals(60, op.rows());
        assertEquals(60, op.cols());
        double[] d = op.diagonal();
        assertEquals(60, d.length);
        for (double v : d) {
            assertEquals(2.5, v);
        }
        assertArrayEquals(op.toCsr().diagonal(), d);
    }

    @Test
    void rejectsBadGridsAndVectors() {
        assertThrows(IllegalArgumentException.class, () -> Stencil7Operator.poisson(0, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> Stencil7Operator.poisson(1, -2, 1));
        assertThrows(IllegalArgumentException.class, () -> Stencil7Operator.poisson(2000, 2000, 2000));
        Stencil7Operator op = Stencil7Operator.poisson(2, 2, 2);
        assertThrows(IllegalArgumentException.class, () -> op.apply(new double[7], new double[8]));
        assertThrows(IllegalArgumentException.class, () -> op.apply(new double[8], new double[9]));
        double[] same = new double[8];
        assertThrows(IllegalArgumentException.class, () -> op.apply(same, same));
    }

    @Test
    void parallelAssemblyIsTheSequentialOne() {
        for (int[] shape : SHAPES) {
            Stencil7Operator s = new Stencil7Operator(shape[0], shape[1], shape[2], 6.5, -1.0, -1.5, -2.0);
            CsrMatrix sequential = s.toCsr();
            for (int threads : new int[] {2, 3}) {
                try (ParallelRows par = new ParallelRows(threads)) {
                    assertEquals(sequential, s.toCsr(par), Arrays.toString(shape) + ", " + threads + " threads");
                }
            }
        }
    }
}
