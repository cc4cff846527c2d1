package dev.solvent.ot;

import dev.solvent.matrix.CsrMatrix;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The dense and sparsification kernels against brute-force forms of their formulas. */
class OtKernelsTest {

    @Test
    void quickselectMatchesSorting() {
        Random rnd = new Random(1);
        for (int trial = 0; trial < 50; trial++) {
            int count = 1 + rnd.nextInt(200);
            double[] a = new double[count];
            for (int i = 0; i < count; i++) {
                a[i] = rnd.nextInt(5) == 0 ? 0.5 : rnd.nextDouble(); // with ties
            }
            double[] sorted = a.clone();
            Arrays.sort(sorted);
            int rank = rnd.nextInt(count);
            assertEquals(sorted[rank], SinkhornNewtonSparse.select(a.clone(), count, rank));
        }
    }

    @Test
    void topThresholdIsTheKthLargestPositiveEntry() {
        double[] p = {0, 0.3, 0.1, 0, 0.7, 0.2, 0.05};
        double[] scratch = new double[p.length];
        assertEquals(0.7, SinkhornNewtonSparse.topThreshold(p, 1, scratch));
        assertEquals(0.2, SinkhornNewtonSparse.topThreshold(p, 3, scratch));
        assertEquals(0.05, SinkhornNewtonSparse.topThreshold(p, 5, scratch));
        assertEquals(0.05, SinkhornNewtonSparse.topThreshold(p, 9, scratch), "fewer positives than k: keep all");
        assertEquals(Double.POSITIVE_INFINITY, SinkhornNewtonSparse.topThreshold(p, 0, scratch));
    }

    @Test
    void sparsifiedHessianFollowsTheRule() {
        int n = 7;
        int m = 5;
        Random rnd = new Random(2);
        double[] p = new double[n * m];
        for (int q = 0; q < p.length; q++) {
            p[q] = rnd.nextInt(4) == 0 ? 0 : Math.pow(10, -6 * rnd.nextDouble());
        }
        double[] rowSum = new double[n];
        double[] colSum = new double[m];
        double[] rowMax = new double[n];
        double[] colMax = new double[m];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                double v = p[i * m + j];
                rowSum[i] += v;
                colSum[j] += v;
                rowMax[i] = Math.max(rowMax[i], v);
                colMax[j] = Math.max(colMax[j], v);
            }
        }
        double top = 0.5;
        double rel = 0.1;
        double shift = 1e-3;
        CsrMatrix h = SinkhornNewtonSparse.sparsifiedHessian(p, n, m, rowSum, colSum, rowMax, colMax, top, rel, shift);
        assertEquals(n + m, h.rows());
        for (int i = 0; i < n; i++) {
            assertEquals((1 + shift) * rowSum[i], h.get(i, i), 1e-18);
            for (int j = 0; j < m; j++) {
                double v = p[i * m + j];
                boolean keep = v > 0 && (v >= top || v >= rel * rowMax[i] || v >= rel * colMax[j]);
                assertEquals(keep ? v : 0.0, h.get(i, n + j), "entry (" + i + ", " + j + ")");
                assertEquals(h.get(i, n + j), h.get(n + j, i), "symmetry");
            }
            for (int i2 = 0; i2 < n; i2++) {
                if (i2 != i) {
                    assertEquals(0.0, h.get(i, i2));
                }
            }
        }
        for (int j = 0; j < m; j++) {
            assertEquals((1 + shift) * colSum[j], h.get(n + j, n + j), 1e-18);
        }
        // Diagonal dominance (hence positive semidefiniteness) in every row.
        for (int r = 0; r < n + m; r++) {
            double off = 0;
            for (int k = h.rowPtr()[r]; k < h.rowPtr()[r + 1]; k++) {
                if (h.colIdx()[k] != r) {
                    off += Math.abs(h.values()[k]);
                }
            }
            assertTrue(off <= h.get(r, r), "row " + r);
        }
    }

    @Test
    void nullVectorProjection() {
        double[] z = {1, 2, 3, 10, -4};
        SinkhornNewtonSparse.projectOutNullVector(z, 3);
        double dot = z[0] + z[1] + z[2] - z[3] - z[4];
        assertEquals(0.0, dot, 1e-14);
        // The part kept is z minus a multiple of (1,1,1,-1,-1): differences inside each part are unchanged.
        assertEquals(1.0, z[1] - z[0], 1e-14);
        assertEquals(14.0, z[3] - z[4], 1e-14);
    }

    @Test
    void maxPairSumIsTheBruteForceMaximum() {
        Random rnd = new Random(3);
        double[] a = new double[6];
        double[] b = new double[4];
        for (int t = 0; t < 20; t++) {
            for (int i = 0; i < a.length; i++) {
                a[i] = rnd.nextGaussian();
            }
            for (int j = 0; j < b.length; j++) {
                b[j] = rnd.nextGaussian();
            }
            double brute = 0;
            for (double x : a) {
                for (double y : b) {
                    brute = Math.max(brute, Math.abs(x + y));
                }
            }
            assertEquals(brute, SinkhornNewtonSparse.maxPairSum(a, b), 1e-15);
        }
    }

    @Test
    void phiMatchesItsSeries() {
        for (double t : new double[] {-0.5, -1e-3, -2e-4, -1e-8, 1e-9, 3e-5, 9.99e-4, 1e-3, 0.01, 0.7}) {
            // e^t - 1 - t = sum_{k>=2} t^k / k!, summed far past double precision.
            double term = t;
            double s = 0;
            for (int k = 2; k < 40; k++) {
                term *= t / k;
                s += term;
            }
            assertEquals(s, DualState.phi(t), Math.abs(s) * 1e-12, "t = " + t);
        }
        assertEquals(Math.exp(5) - 6, DualState.phi(5), 1e-12);
    }

    @Test
    void sinkhornHalfStepsMatchTheDirectFormula() {
        // At eta = 3 nothing under- or overflows, so the unshifted formula is exact enough to compare.
        Random rnd = new Random(4);
        int n = 9;
        int m = 11;
        double[][] cost = new double[n][m];
        for (double[] row : cost) {
            for (int j = 0; j < m; j++) {
                row[j] = rnd.nextDouble();
            }
        }
        double[] r = new double[n];
        double[] c = new double[m];
        Arrays.fill(r, 1.0 / n);
        Arrays.fill(c, 1.0 / m);
        double eta = 3;
        TransportProblem prob = TransportProblem.of(r, c, cost, eta);
        for (int threads : new int[] {1, 2}) {
            try (DualState s = new DualState(prob, threads)) {
                for (int i = 0; i < n; i++) {
                    s.u[i] = rnd.nextGaussian();
                }
                for (int j = 0; j < m; j++) {
                    s.v[j] = rnd.nextGaussian();
                }
                double[] u0 = s.u.clone();
                double err = s.rowStep();
                double expectErr = 0;
                for (int i = 0; i < n; i++) {
                    double sum = 0;
                    for (int j = 0; j < m; j++) {
                        sum += Math.exp(u0[i] + s.v[j] - eta * cost[i][j]);
                    }
                    expectErr += Math.abs(sum - r[i]);
                    assertEquals(u0[i] + Math.log(r[i]) - Math.log(sum), s.u[i], 1e-13);
                }
                assertEquals(expectErr, err, 1e-14);
                double[] v0 = s.v.clone();
                s.columnStep();
                for (int j = 0; j < m; j++) {
                    double sum = 0;
                    for (int i = 0; i < n; i++) {
                        sum += Math.exp(s.u[i] + v0[j] - eta * cost[i][j]);
                    }
                    assertEquals(v0[j] + Math.log(c[j]) - Math.log(sum), s.v[j], 1e-13);
                }
            }
        }
    }

    @Test
    void logSumExpSurvivesUnderflowOfEveryTerm() {
        // Potentials 2000 below where they should be: every exp(u_i + v_j - K_ij) underflows, and the
        // exact shifted log-sum-exp must still put u_i where the row sum equals r_i.
        double[] h = {0.5, 0.5};
        double[][] cost = {{0, 1}, {1, 0}};
        TransportProblem prob = TransportProblem.of(h, h, cost, 1200);
        try (DualState s = new DualState(prob, 1)) {
            Arrays.fill(s.u, -2000);
            s.rowStep();
            for (int i = 0; i < 2; i++) {
                // Row i: terms exp(u_i + v_j - K_ij) with v = 0, K = 1200 C: the diagonal one dominates.
                double logRow = s.u[i] + Math.log(1 + Math.exp(-1200));
                assertEquals(Math.log(0.5), logRow, 1e-12);
            }
            assertTrue(s.finite());
        }
    }
}
