package dev.solvent.tune;

import dev.solvent.matrix.CsrMatrix;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ProblemsTest {

    @Test
    void shiftedLaplacianOnA3x3GridByHand() {
        CsrMatrix a = Problems.shiftedLaplacian(3, 0.25);
        assertEquals(9, a.rows());
        // Row-major numbering:  0 1 2 / 3 4 5 / 6 7 8
        double[][] expected = new double[9][9];
        int[][] neighbours = {
            {1, 3}, {0, 2, 4}, {1, 5},
            {0, 4, 6}, {1, 3, 5, 7}, {2, 4, 8},
            {3, 7}, {4, 6, 8}, {5, 7},
        };
        for (int i = 0; i < 9; i++) {
            expected[i][i] = 4.25;
            for (int j : neighbours[i]) {
                expected[i][j] = -1.0;
            }
        }
        for (int i = 0; i < 9; i++) {
            for (int j = 0; j < 9; j++) {
                assertEquals(expected[i][j], a.get(i, j), 0.0, "entry (" + i + ", " + j + ")");
            }
        }
        // 2 and 3 are consecutive numbers but not grid neighbours.
        assertEquals(0.0, a.get(2, 3), 0.0);
        assertEquals(33, a.nnz());
    }

    @Test
    void youngOmegaOfThePoissonProblemIsTheClassicalOne() {
        // c = 0: omega* = 2 / (1 + sin(pi h)), h = 1/11.
        assertEquals(2.0 / (1.0 + Math.sin(Math.PI / 11.0)), Problems.youngOmega(10, 0.0), 1e-14);
        // A positive shift makes Jacobi contract faster, so less over-relaxation is wanted.
        assertEquals(true, Problems.youngOmega(10, 0.4) < Problems.youngOmega(10, 0.0));
        assertThrows(IllegalArgumentException.class, () -> Problems.youngOmega(10, -0.2));
    }

    @Test
    void crankNicolsonMatrixOnA2x2GridByHand() {
        // nx = 3: h = 1/3, unknowns 0 1 / 2 3.  K = 9 * (4 on the diagonal, -1 per neighbour).
        // kappa = 2, dt = 0.1: s = 0.1, so A = I + 0.1 K has 1 + 3.6 = 4.6 and -0.9.
        CsrMatrix a = HeatEquation.crankNicolsonMatrix(3, 2.0, 0.1);
        double[][] expected = {
            {4.6, -0.9, -0.9, 0.0},
            {-0.9, 4.6, 0.0, -0.9},
            {-0.9, 0.0, 4.6, -0.9},
            {0.0, -0.9, -0.9, 4.6},
        };
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) {
                assertEquals(expected[i][j], a.get(i, j), 1e-14, "entry (" + i + ", " + j + ")");
            }
        }
    }

    @Test
    void diffusionCoefficientByHand() {
        assertEquals(0.0, HeatEquation.kappa(0.0), 1e-15);
        assertEquals(0.1, HeatEquation.kappa(0.25), 1e-15);
        assertEquals(10.0, HeatEquation.kappa(0.75), 1e-12);
        assertEquals(10.0 * Math.sin(Math.PI / 3), HeatEquation.kappa(2.0 / 3.0), 1e-12);
    }

    @Test
    void heatRightHandSideAndInitialStateByHand() {
        // nx = 3, interior points (1/3, 1/3), (2/3, 1/3), (1/3, 2/3), (2/3, 2/3), all at the same
        // distance from the centre: r^2 / R^2 = (2/36) / (1/16) = 8/9, bump = exp(1 - 9) = e^-8.
        HeatEquation pde = new HeatEquation(3, 0.1);
        double u0 = Math.exp(-8.0);
        assertArrayEquals(new double[] {u0, u0, u0, u0}, pde.state(), 1e-15);
        // Half step t = 0.05: kappa = 0.1 sin(0.1 pi), s = kappa * 0.05. Each point has two interior
        // neighbours, so (K u)_i = 9 (4 - 2) u0 = 18 u0, and b_i = u0 - 18 s u0 + 0.1 f(0.05, x_i).
        double s = 0.1 * Math.sin(0.1 * Math.PI) * 0.05;
        double[] b = pde.rhs();
        double[][] pts = {{1 / 3.0, 1 / 3.0}, {2 / 3.0, 1 / 3.0}, {1 / 3.0, 2 / 3.0}, {2 / 3.0, 2 / 3.0}};
        for (int i = 0; i < 4; i++) {
            double f = HeatEquation.forcing(0.05, pts[i][0], pts[i][1]);
            assertEquals(u0 - 18 * s * u0 + 0.1 * f, b[i], 1e-15, "b_" + i);
        }
        assertEquals(HeatEquation.kappa(0.05), pde.context(), 0.0);
        pde.advance(new double[] {1, 2, 3, 4});
        assertEquals(0.1, pde.time(), 1e-15);
        assertEquals(HeatEquation.kappa(0.15), pde.context(), 0.0);
    }

    @Test
    void forcingIsABumpOfHeight32OnItsCircle() {
        // At t = 0 the centre is (0.75, 0.5); at t = 1/32 (a quarter turn) it is (0.5, 0.75).
        assertEquals(32.0, HeatEquation.forcing(0.0, 0.75, 0.5), 1e-12);
        assertEquals(32.0, HeatEquation.forcing(1.0 / 32.0, 0.5, 0.75), 1e-12);
        assertEquals(0.0, HeatEquation.forcing(0.0, 0.5, 0.5), 0.0);
    }
}
