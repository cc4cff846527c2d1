package dev.solvent.multigrid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solvent.Residuals;
import dev.solvent.backend.Backend;
import dev.solvent.backend.Backends;
import dev.solvent.matrix.CooBuilder;
import dev.solvent.matrix.CsrMatrix;
import dev.solvent.solve.BoundSolver;
import dev.solvent.solve.ConvergedReason;
import dev.solvent.solve.SolveResult;
import dev.solvent.solve.SolverOptions;
import dev.solvent.solve.Solvers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A block system with a near null space of three vectors: 2D linear elasticity (plane strain,
 * linear triangles on a square grid, clamped on the left edge), unknowns (u_x, u_y) of a node
 * consecutive. Its near null space is the rigid-body modes, two translations and a rotation
 * {@code (-y, x)}; given them with block size 2, smoothed aggregation reproduces all three on
 * every level, and AMG-PCG needs far fewer iterations than with the constant vector alone (which
 * misses the rotation and couples the two displacement components wrongly).
 */
@Timeout(120)
class ElasticityTest {

    /** The stiffness matrix and the rigid-body modes of an n x n grid of cells, left edge clamped. */
    static Object[] elasticity(int n) {
        double young = 1.0;
        double nu = 0.3;
        // Plane strain constitutive matrix.
        double f = young / ((1 + nu) * (1 - 2 * nu));
        double[][] c = {{f * (1 - nu), f * nu, 0}, {f * nu, f * (1 - nu), 0}, {0, 0, f * (1 - 2 * nu) / 2}};
        double h = 1.0 / n;
        int nodesX = n + 1;
        // Free nodes: i > 0 (column i = 0 clamped), numbered row by row.
        int[] free = new int[nodesX * nodesX];
        int count = 0;
        for (int j = 0; j <= n; j++) {
            for (int i = 0; i <= n; i++) {
                free[i + nodesX * j] = i == 0 ? -1 : count++;
            }
        }
        int dofs = 2 * count;
        CooBuilder k = CsrMatrix.builder(dofs, dofs);
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < n; i++) {
                int n00 = i + nodesX * j;
                int[][] triangles = {{n00, n00 + 1, n00 + 1 + nodesX}, {n00, n00 + 1 + nodesX, n00 + nodesX}};
                for (int[] t : triangles) {
                    double[] x = new double[3];
                    double[] y = new double[3];
                    for (int a = 0; a < 3; a++) {
                        x[a] = (t[a] % nodesX) * h;
                        y[a] = (t[a] / nodesX) * h;
                    }
                    double area2 = (x[1] - x[0]) * (y[2] - y[0]) - (x[2] - x[0]) * (y[1] - y[0]);
                    double[] bGrad = {y[1] - y[2], y[2] - y[0], y[0] - y[1]};
                    double[] cGrad = {x[2] - x[1], x[0] - x[2], x[1] - x[0]};
                    double[][] b = new double[3][6];
                    for (int a = 0; a < 3; a++) {
                        b[0][2 * a] = bGrad[a] / area2;
                        b[1][2 * a + 1] = cGrad[a] / area2;
                        b[2][2 * a] = cGrad[a] / area2;
                        b[2][2 * a + 1] = bGrad[a] / area2;
                    }
                    double area = area2 / 2;
                    for (int p = 0; p < 6; p++) {
                        int gp = free[t[p / 2]];
                        if (gp < 0) {
                            continue;
                        }
                        for (int q = 0; q < 6; q++) {
                            int gq = free[t[q / 2]];
                            if (gq < 0) {
                                continue;
                            }
                            double s = 0.0;
                            for (int r = 0; r < 3; r++) {
                                for (int m = 0; m < 3; m++) {
                                    s += b[r][p] * c[r][m] * b[m][q];
                                }
                            }
                            k.add(2 * gp + p % 2, 2 * gq + q % 2, area * s);
                        }
                    }
                }
            }
        }
        double[][] modes = new double[3][dofs];
        for (int j = 0; j <= n; j++) {
            for (int i = 1; i <= n; i++) {
                int g = free[i + nodesX * j];
                modes[0][2 * g] = 1.0;
                modes[1][2 * g + 1] = 1.0;
                modes[2][2 * g] = -j * h;
                modes[2][2 * g + 1] = i * h;
            }
        }
        return new Object[] {k.build(), modes};
    }

    @Test
    void rigidBodyModesMakeElasticityConverge() {
        Object[] problem = elasticity(48);
        CsrMatrix a = (CsrMatrix) problem[0];
        double[][] modes = (double[][]) problem[1];
        assertTrue(a.isSymmetric(1e-14));
        double[] b = new double[a.rows()];
        for (int i = 1; i < b.length; i += 2) {
            b[i] = -1e-3;
        }
        SolverOptions options = SolverOptions.defaults().withRtol(1e-8).withMaxIterations(2000);
        AmgOptions scalar = AmgOptions.defaults().withCoarseSize(60);
        AmgOptions rigid = scalar.withBlockSize(2).withNearNullSpace(modes);
        int[] iterations = new int[2];
        try (Backend be = Backends.cpu(2)) {
            AmgOptions[] variants = {scalar, rigid};
            for (int v = 0; v < 2; v++) {
                double[] x = new double[a.rows()];
                try (BoundSolver s = Solvers.create("cg", "amg", options, variants[v]).setup(a, be)) {
                    SolveResult r = s.solve(b, x);
                    assertEquals(ConvergedReason.CONVERGED_RTOL, r.reason(), r.toString());
                    assertTrue(Residuals.relative(a, x, b) <= 1e-8);
                    iterations[v] = r.iterations();
                }
            }
        }
        assertTrue(iterations[1] <= 30, "with rigid-body modes: " + iterations[1] + " iterations");
        assertTrue(iterations[1] * 3 <= iterations[0] * 2,
                "rigid-body modes " + iterations[1] + " iterations, constant only " + iterations[0]);
    }
}
