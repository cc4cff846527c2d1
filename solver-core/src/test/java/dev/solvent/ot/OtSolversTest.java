package dev.solvent.ot;

import dev.solvent.matrix.CsrMatrix;
import dev.solvent.precond.Ic0;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** End-to-end checks of log-domain Sinkhorn and Sinkhorn-Newton-Sparse against independent answers. */
class OtSolversTest {

    private static final SinkhornOptions SK = SinkhornOptions.defaults().withPlanThreshold(0).withThreads(2);
    private static final SnsOptions SNS = SnsOptions.defaults().withPlanThreshold(0).withThreads(2);

    private static double[][] randomCost(int n, int m, long seed) {
        Random rnd = new Random(seed);
        double[][] c = new double[n][m];
        for (double[] row : c) {
            for (int j = 0; j < m; j++) {
                row[j] = rnd.nextDouble();
            }
        }
        return c;
    }

    private static double[] randomHistogram(int n, long seed) {
        Random rnd = new Random(seed);
        double[] h = new double[n];
        double s = 0;
        for (int i = 0; i < n; i++) {
            h[i] = 0.1 + rnd.nextDouble();
            s += h[i];
        }
        for (int i = 0; i < n; i++) {
            h[i] /= s;
        }
        return h;
    }

    private static double[] uniform(int n) {
        double[] h = new double[n];
        java.util.Arrays.fill(h, 1.0 / n);
        return h;
    }

    /**
     * The plan rebuilt from the returned potentials with the paper's formula, in plain loops:
     * P_ij = exp(eta (-C_ij + x_i + y_j) - 1); zero where a potential is -Infinity.
     */
    private static double[][] planFromPotentials(double[][] cost, double eta, OtResult res) {
        double[] x = res.sourcePotential();
        double[] y = res.targetPotential();
        double[][] p = new double[x.length][y.length];
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < y.length; j++) {
                p[i][j] = Double.isInfinite(x[i]) || Double.isInfinite(y[j]) ? 0.0
                        : Math.exp(eta * (-cost[i][j] + x[i] + y[j]) - 1);
            }
        }
        return p;
    }

    private static double marginalError(double[][] p, double[] r, double[] c) {
        double e = 0;
        for (int i = 0; i < r.length; i++) {
            double s = 0;
            for (int j = 0; j < c.length; j++) {
                s += p[i][j];
            }
            e += Math.abs(s - r[i]);
        }
        for (int j = 0; j < c.length; j++) {
            double s = 0;
            for (int i = 0; i < r.length; i++) {
                s += p[i][j];
            }
            e += Math.abs(s - c[j]);
        }
        return e;
    }

    /** Plain (not log-domain) Sinkhorn matrix scaling, P = diag(a) exp(-eta C) diag(b), at a small eta. */
    private static double[][] plainSinkhorn(double[] r, double[] c, double[][] cost, double eta) {
        int n = r.length;
        int m = c.length;
        double[][] kern = new double[n][m];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                kern[i][j] = Math.exp(-eta * cost[i][j]);
            }
        }
        double[] a = new double[n];
        double[] b = new double[m];
        java.util.Arrays.fill(b, 1.0);
        for (int it = 0; it < 100_000; it++) {
            for (int i = 0; i < n; i++) {
                double s = 0;
                for (int j = 0; j < m; j++) {
                    s += kern[i][j] * b[j];
                }
                a[i] = r[i] / s;
            }
            for (int j = 0; j < m; j++) {
                double s = 0;
                for (int i = 0; i < n; i++) {
                    s += kern[i][j] * a[i];
                }
                b[j] = c[j] / s;
            }
        }
        double[][] p = new double[n][m];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                p[i][j] = a[i] * kern[i][j] * b[j];
            }
        }
        return p;
    }

    private static void assertPlanEquals(double[][] expected, CsrMatrix plan, double tol) {
        for (int i = 0; i < expected.length; i++) {
            for (int j = 0; j < expected[i].length; j++) {
                assertEquals(expected[i][j], plan.get(i, j), tol, "plan entry (" + i + ", " + j + ")");
            }
        }
    }

    @Test
    void bothMethodsMatchPlainSinkhornAtModerateEta() {
        double[] r = randomHistogram(6, 1);
        double[] c = randomHistogram(8, 2);
        double[][] cost = randomCost(6, 8, 3);
        double eta = 5;
        double[][] expected = plainSinkhorn(r, c, cost, eta);
        TransportProblem p = TransportProblem.of(r, c, cost, eta);
        OtResult sk = new Sinkhorn(SK).solve(p);
        OtResult sns = new SinkhornNewtonSparse(SNS.withSinkhornSteps(2)).solve(p);
        assertEquals(OtReason.CONVERGED, sk.reason(), sk.toString());
        assertEquals(OtReason.CONVERGED, sns.reason(), sns.toString());
        assertTrue(sns.newtonIterations() > 0, sns.toString());
        assertPlanEquals(expected, sk.plan(), 1e-12);
        assertPlanEquals(expected, sns.plan(), 1e-12);
        double cost0 = 0;
        for (int i = 0; i < 6; i++) {
            for (int j = 0; j < 8; j++) {
                cost0 += expected[i][j] * cost[i][j];
            }
        }
        assertEquals(cost0, sk.transportCost(), 1e-12);
        assertEquals(cost0, sns.transportCost(), 1e-12);
    }

    @Test
    void marginalsMetToToleranceAndReportedHonestly() {
        double[] r = randomHistogram(30, 4);
        double[] c = randomHistogram(25, 5);
        double[][] cost = randomCost(30, 25, 6);
        double eta = 300;
        TransportProblem p = TransportProblem.of(r, c, cost, eta);
        for (OtResult res : new OtResult[] {
                new Sinkhorn(SK.withTolerance(1e-11)).solve(p),
                new SinkhornNewtonSparse(SNS.withTolerance(1e-12)).solve(p)}) {
            assertEquals(OtReason.CONVERGED, res.reason(), res.toString());
            double independent = marginalError(planFromPotentials(cost, eta, res), r, c);
            assertTrue(independent <= (res.method().equals("sns") ? 1e-12 : 1e-11) * 1.01, res + " vs " + independent);
            assertEquals(independent, res.marginalError(), 1e-14);
            // The plan with threshold 0 holds every positive entry: its row sums are P 1.
            CsrMatrix plan = res.plan();
            double rowErr = 0;
            for (int i = 0; i < 30; i++) {
                double s = 0;
                for (int k = plan.rowPtr()[i]; k < plan.rowPtr()[i + 1]; k++) {
                    s += plan.values()[k];
                }
                rowErr += Math.abs(s - r[i]);
            }
            assertTrue(rowErr <= 1e-11, "plan row error " + rowErr);
        }
    }

    @Test
    void sinkhornAndSnsAgreeOnPlanCostAndObjective() {
        // Sinkhorn needs millions of iterations at large eta on random costs, so compare at eta = 50.
        TransportProblem p = TransportProblem.randomAssignment(60, 7, 50);
        OtResult sk = new Sinkhorn(SK).solve(p);
        OtResult sns = new SinkhornNewtonSparse(SNS).solve(p);
        assertTrue(sk.converged() && sns.converged(), sk + " / " + sns);
        assertEquals(sk.transportCost(), sns.transportCost(), 1e-11);
        assertEquals(sk.entropicObjective(), sns.entropicObjective(), 1e-11);
        for (int i = 0; i < 60; i++) {
            for (int j = 0; j < 60; j++) {
                assertEquals(sk.plan().get(i, j), sns.plan().get(i, j), 1e-11);
            }
        }
        // Strong duality at the optimum: primal entropic objective = dual objective.
        assertEquals(sns.entropicObjective(), sns.dualObjective(), 1e-10);
        assertEquals(sk.entropicObjective(), sk.dualObjective(), 1e-10);
        assertTrue(sns.iterations() < sk.iterations(), sns + " vs " + sk);
    }

    /** All permutations of 0..n-1 (Heap's algorithm), for the exact assignment optimum. */
    private static double bruteForceAssignment(double[][] cost) {
        int n = cost.length;
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        int[] cnt = new int[n];
        double best = value(cost, perm);
        int i = 0;
        while (i < n) {
            if (cnt[i] < i) {
                int k = i % 2 == 0 ? 0 : cnt[i];
                int t = perm[k];
                perm[k] = perm[i];
                perm[i] = t;
                best = Math.min(best, value(cost, perm));
                cnt[i]++;
                i = 0;
            } else {
                cnt[i] = 0;
                i++;
            }
        }
        return best;
    }

    private static double value(double[][] cost, int[] perm) {
        double s = 0;
        for (int i = 0; i < perm.length; i++) {
            s += cost[i][perm[i]];
        }
        return s / perm.length;
    }

    @Test
    void costApproachesTheExactOptimumAsEtaGrows() {
        // With uniform marginals 1/n the optimal plans include a permutation matrix / n (Birkhoff), so the
        // exact optimum is the best assignment. The entropic plan satisfies
        //   0 <= <C, P_eta> - OPT <= (H(P_eta) - H(P*)) / eta <= (2 log n - log n) / eta = log(n) / eta.
        for (int n = 3; n <= 7; n++) {
            double[][] cost = randomCost(n, n, 100 + n);
            double opt = bruteForceAssignment(cost);
            double previousGap = Double.POSITIVE_INFINITY;
            for (double eta : new double[] {10, 100, 1000, 10000}) {
                TransportProblem p = TransportProblem.of(uniform(n), uniform(n), cost, eta);
                OtResult sns = new SinkhornNewtonSparse(SNS).solve(p);
                // Sinkhorn is too slow at large eta on random costs (that is the point of SNS).
                OtResult[] results = eta <= 10
                        ? new OtResult[] {new Sinkhorn(SK.withTolerance(1e-12)).solve(p), sns} : new OtResult[] {sns};
                for (OtResult res : results) {
                    assertTrue(res.converged(), res.toString());
                    double gap = res.transportCost() - opt;
                    assertTrue(gap >= -1e-10 && gap <= Math.log(n) / eta + 1e-10,
                            "n=" + n + " eta=" + eta + " gap " + gap + " " + res);
                }
                double gap = sns.transportCost() - opt;
                assertTrue(gap <= previousGap + 1e-12, "gap grew with eta: " + gap + " after " + previousGap);
                previousGap = gap;
            }
            assertTrue(previousGap <= Math.log(n) / 10000 + 1e-10);
        }
    }

    @Test
    void finiteAtEta1200WithUnitCosts() {
        TransportProblem p = TransportProblem.randomAssignment(80, 11, 1200);
        // Sinkhorn would need millions of iterations here: check it stays finite and makes progress.
        OtResult early = new Sinkhorn(SK.withMaxIterations(100)).solve(p);
        OtResult sk = new Sinkhorn(SK.withMaxIterations(3000)).solve(p);
        assertTrue(sk.marginalError() < early.marginalError(), early + " then " + sk);
        OtResult sns = new SinkhornNewtonSparse(SNS).solve(p);
        assertTrue(sns.converged(), sns.toString());
        for (OtResult res : new OtResult[] {early, sk, sns}) {
            assertTrue(Double.isFinite(res.transportCost()) && Double.isFinite(res.entropicObjective())
                    && Double.isFinite(res.dualObjective()), res.toString());
            for (double v : res.sourcePotential()) {
                assertTrue(Double.isFinite(v));
            }
            for (double v : res.targetPotential()) {
                assertTrue(Double.isFinite(v));
            }
        }
        assertTrue(sns.marginalError() <= 1e-12, sns.toString());
        // exp(-1200 C) underflows for C > 0.62: plain matrix scaling would divide by zero here.
        assertEquals(0.0, Math.exp(-1200 * 0.63 - 1));
    }

    @Test
    void imageGridAtEta1200MatchesBetweenMethods() {
        // Two 8 x 8 "images" with zero-mass pixels, W2 cost scaled to [0, 1].
        double[][] a = new double[8][8];
        double[][] b = new double[8][8];
        Random rnd = new Random(12);
        for (int i = 0; i < 8; i++) {
            for (int j = 0; j < 8; j++) {
                a[i][j] = i < 5 && j > 1 ? rnd.nextInt(10) : 0;
                b[i][j] = i > 2 ? rnd.nextInt(10) : 0;
            }
        }
        TransportProblem p = TransportProblem.fromGrids(a, b, GroundCost.SQEUCLIDEAN, true, 1200);
        OtResult sk = new Sinkhorn(SK).solve(p);
        OtResult sns = new SinkhornNewtonSparse(SNS).solve(p);
        assertTrue(sk.converged() && sns.converged(), sk + " / " + sns);
        assertEquals(sk.transportCost(), sns.transportCost(), 1e-11);
        assertEquals(64, sns.plan().rows());
        assertEquals(64, sns.plan().cols());
        for (int i = 0; i < 64; i++) {
            for (int j = 0; j < 64; j++) {
                assertEquals(sk.plan().get(i, j), sns.plan().get(i, j), 1e-11);
            }
        }
    }

    @Test
    void zeroMassBinsGiveEmptyRowsAndTheSameSolutionAsWithoutThem() {
        double[] rFull = {0.3, 0, 0.5, 0.2};
        double[] cFull = {0, 0.6, 0.4};
        double[][] costFull = randomCost(4, 3, 21);
        double[][] costReduced = {
                {costFull[0][1], costFull[0][2]}, {costFull[2][1], costFull[2][2]}, {costFull[3][1], costFull[3][2]}};
        double eta = 50;
        OtResult full = new SinkhornNewtonSparse(SNS).solve(TransportProblem.of(rFull, cFull, costFull, eta));
        OtResult reduced = new SinkhornNewtonSparse(SNS).solve(
                TransportProblem.of(new double[] {0.3, 0.5, 0.2}, new double[] {0.6, 0.4}, costReduced, eta));
        assertTrue(full.converged(), full.toString());
        assertEquals(reduced.transportCost(), full.transportCost(), 1e-13);
        assertEquals(reduced.entropicObjective(), full.entropicObjective(), 1e-13);
        assertEquals(Double.NEGATIVE_INFINITY, full.sourcePotential()[1]);
        assertEquals(Double.NEGATIVE_INFINITY, full.targetPotential()[0]);
        CsrMatrix plan = full.plan();
        assertEquals(4, plan.rows());
        assertEquals(3, plan.cols());
        assertEquals(plan.rowPtr()[1], plan.rowPtr()[2], "row of the zero-mass source bin is empty");
        for (int i = 0; i < 4; i++) {
            assertEquals(0.0, plan.get(i, 0));
        }
        assertEquals(reduced.plan().get(1, 0), plan.get(2, 1), 1e-15);
    }

    @Test
    void resultsDoNotDependOnTheThreadCount() {
        TransportProblem p = TransportProblem.randomAssignment(50, 3, 800);
        OtResult one = new SinkhornNewtonSparse(SNS.withThreads(1)).solve(p);
        OtResult three = new SinkhornNewtonSparse(SNS.withThreads(3)).solve(p);
        assertEquals(one.newtonIterations(), three.newtonIterations());
        assertEquals(one.marginalError(), three.marginalError(), 0);
        assertArrayEquals(one.sourcePotential(), three.sourcePotential(), 0);
        assertArrayEquals(one.plan().values(), three.plan().values(), 0);
    }

    @Test
    void stoppingReasons() {
        TransportProblem p = TransportProblem.randomAssignment(40, 5, 1200);
        OtResult capped = new Sinkhorn(SK.withMaxIterations(3)).solve(p);
        assertEquals(OtReason.MAX_ITERATIONS, capped.reason());
        assertEquals(3, capped.sinkhornIterations());
        assertTrue(capped.marginalError() > 1e-12);
        OtResult timed = new Sinkhorn(SK.withTimeLimitSeconds(1e-9)).solve(p);
        assertEquals(OtReason.TIME_LIMIT, timed.reason());
        OtResult newtonCapped = new SinkhornNewtonSparse(SNS.withMaxNewtonIterations(1)).solve(p);
        assertEquals(OtReason.MAX_ITERATIONS, newtonCapped.reason());
        assertEquals(20, newtonCapped.sinkhornIterations() + newtonCapped.newtonIterations() - 1);
        // Sinkhorn converging inside the first stage ends SNS there.
        OtResult easy = new SinkhornNewtonSparse(SNS.withTolerance(1e-3)).solve(TransportProblem.randomAssignment(40, 5, 1));
        assertTrue(easy.converged());
        assertEquals(0, easy.newtonIterations());
    }

    @Test
    void ic0PreconditionerAlsoConverges() {
        TransportProblem p = TransportProblem.randomAssignment(40, 9, 30);
        OtResult res = new SinkhornNewtonSparse(SNS.withPreconditioner(new Ic0())).solve(p);
        OtResult ref = new Sinkhorn(SK).solve(p);
        assertTrue(res.converged(), res.toString());
        assertEquals(ref.transportCost(), res.transportCost(), 1e-11);
    }

    @Test
    void sinkhornListenerSeesDecreasingTail() {
        TransportProblem p = TransportProblem.randomAssignment(30, 2, 100);
        double[] last = {Double.NaN};
        int[] calls = {0};
        OtResult res = new Sinkhorn(SK.withTolerance(1e-10).withListener((it, err) -> {
            calls[0]++;
            last[0] = err;
        })).solve(p);
        assertTrue(res.converged());
        assertEquals(res.sinkhornIterations(), calls[0]);
        assertTrue(last[0] <= 1e-10);
    }
}
