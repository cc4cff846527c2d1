package dev.solvent.tune;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static dev.solvent.tune.TsallisInfTest.assertValid;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ContextualTunerTest {

    private static final double[] ARMS = Tuner.defaultArms();

    /** The omega that is best at context c in [0, 1]: 1.2 at c = 0 rising to 1.9 at c = 1. */
    private static double bestOmega(double c) {
        return 1.2 + 0.7 * c;
    }

    /** Synthetic cost: quadratic in the distance to the context's best omega, plus noise. */
    private static double cost(int arm, double c, SplittableRandom noise) {
        double d = ARMS[arm] - bestOmega(c);
        return Math.max(1.0, 60.0 + 4000.0 * d * d + 5.0 * noise.nextGaussian());
    }

    private static int nearestArm(double omega) {
        int best = 0;
        for (int i = 1; i < ARMS.length; i++) {
            if (Math.abs(ARMS[i] - omega) < Math.abs(ARMS[best] - omega)) {
                best = i;
            }
        }
        return best;
    }

    /** Mean cost of the last 500 of {@code rounds} divided by the mean cost of the per-context best arm. */
    private static double ratioToInstanceOptimal(Tuner tuner, int rounds) {
        SplittableRandom contexts = new SplittableRandom(17);
        SplittableRandom noise = new SplittableRandom(18);
        double paid = 0.0;
        double optimal = 0.0;
        for (int t = 0; t < rounds; t++) {
            double c = contexts.nextDouble();
            int arm = tuner.choose(c);
            assertValid(tuner.probabilities());
            double k = cost(arm, c, noise);
            tuner.observe(k);
            if (t >= rounds - 500) {
                paid += k;
                double d = ARMS[nearestArm(bestOmega(c))] - bestOmega(c);
                optimal += 60.0 + 4000.0 * d * d;
            }
        }
        return paid / optimal;
    }

    @Test
    void chebCbTracksAContextDependentOptimum() {
        double ratio = ratioToInstanceOptimal(new ChebCb(ARMS, 0.0, 1.0, 5), 3000);
        assertTrue(ratio < 1.25, "ChebCB pays " + ratio + " times the per-context optimum");
        // Tsallis-INF cannot follow the context: the best single arm costs about 1.6 times the optimum here.
        double plain = ratioToInstanceOptimal(new TsallisInf(ARMS, 5), 3000);
        assertTrue(plain > ratio, "context-blind Tsallis-INF " + plain + " beat ChebCB " + ratio);
    }

    @Test
    void tsallisInfCbTracksAContextDependentOptimum() {
        // Six copies of Tsallis-INF each see a sixth of the rounds, so this learner is slower than
        // ChebCB; binning also caps it near the best piecewise-constant policy (about 1.1 here).
        double cb = ratioToInstanceOptimal(new TsallisInfCb(ARMS, 6, 0.0, 1.0, 5), 12_000);
        assertTrue(cb < 1.35, "Tsallis-INF-CB pays " + cb + " times the per-context optimum");
        double plain = ratioToInstanceOptimal(new TsallisInf(ARMS, 5), 12_000);
        assertTrue(plain > 2 * cb, "context-blind Tsallis-INF " + plain + " vs Tsallis-INF-CB " + cb);
    }

    @Test
    void binsSplitTheIntervalEvenly() {
        TsallisInfCb cb = new TsallisInfCb(ARMS, 5, -0.15, 0.45, 1);
        assertEquals(0, cb.bin(-0.15));
        assertEquals(0, cb.bin(-1.0));
        assertEquals(0, cb.bin(-0.031));
        assertEquals(1, cb.bin(-0.029));
        assertEquals(4, cb.bin(0.45));
        assertEquals(4, cb.bin(3.0));
        assertThrows(IllegalArgumentException.class, () -> cb.bin(Double.NaN));
    }

    @Test
    void adaptiveBinsSitAtTheQuantilesOfTheWarmUpContexts() {
        // Warm-up of 4 contexts, 2 bins: the edge is the 2nd smallest of the sorted 4 (index 4*1/2 = 2).
        TsallisInfCb cb = TsallisInfCb.adaptive(ARMS, 2, 4, 1);
        double[] contexts = {0.9, 0.1, 0.3, 0.2};
        for (double c : contexts) {
            cb.choose(c);
            cb.observe(50);
        }
        // sorted: 0.1, 0.2, 0.3, 0.9 -> edge 0.3
        assertEquals(0, cb.bin(0.29));
        assertEquals(1, cb.bin(0.3));
        // After the warm-up the edges stay where they are, whatever comes next.
        for (int t = 0; t < 50; t++) {
            cb.choose(5.0);
            cb.observe(50);
        }
        assertEquals(0, cb.bin(0.29));
        assertEquals(1, cb.bin(0.31));
        assertEquals("tsallis-inf-cb-quantile", cb.name());
        assertThrows(IllegalArgumentException.class, () -> TsallisInfCb.adaptive(ARMS, 6, 5, 1));
    }

    @Test
    void adaptiveBinsFollowCrowdedContextsBetterThanEqualWidths() {
        // Contexts crowd near 0 (c = u^4), where the best omega moves fastest; equal-width bins put
        // most rounds in one bin, quantile bins spread them.
        SplittableRandom contexts = new SplittableRandom(21);
        SplittableRandom noise = new SplittableRandom(22);
        Tuner equal = new TsallisInfCb(ARMS, 6, 0.0, 1.0, 5);
        Tuner quantile = TsallisInfCb.adaptive(ARMS, 6, 300, 5);
        double paidEqual = 0;
        double paidQuantile = 0;
        int rounds = 12_000;
        for (int t = 0; t < rounds; t++) {
            double u = contexts.nextDouble();
            double c = u * u * u * u;
            double sqrtC = Math.sqrt(Math.sqrt(c));
            SplittableRandom n2 = noise.split();
            int a1 = equal.choose(c);
            double k1 = costOfCrowded(a1, sqrtC, noise);
            equal.observe(k1);
            int a2 = quantile.choose(c);
            double k2 = costOfCrowded(a2, sqrtC, n2);
            quantile.observe(k2);
            if (t >= rounds - 2000) {
                paidEqual += k1;
                paidQuantile += k2;
            }
        }
        assertTrue(paidQuantile < 0.9 * paidEqual, "quantile bins " + paidQuantile + " vs equal widths " + paidEqual);
    }

    /** Best omega rises with the fourth root of the context, so it changes fastest near 0. */
    private static double costOfCrowded(int arm, double fourthRoot, SplittableRandom noise) {
        double d = ARMS[arm] - (1.2 + 0.7 * fourthRoot);
        return Math.max(1.0, 60.0 + 4000.0 * d * d + 5.0 * noise.nextGaussian());
    }

    @Test
    void binsLearnIndependently() {
        // Costs in bin 0 favour arm 2, in bin 1 arm 17: each copy must find its own.
        TsallisInfCb cb = new TsallisInfCb(ARMS, 2, 0.0, 1.0, 3);
        SplittableRandom r = new SplittableRandom(4);
        for (int t = 0; t < 4000; t++) {
            double c = r.nextDouble();
            int best = c < 0.5 ? 2 : 17;
            int arm = cb.choose(c);
            cb.observe(TsallisInfTest.syntheticCost(arm, best, r));
        }
        cb.choose(0.25);
        double[] low = cb.probabilities();
        cb.observe(100);
        cb.choose(0.75);
        double[] high = cb.probabilities();
        cb.observe(100);
        assertEquals(2, argmax(low), Arrays.toString(low));
        assertEquals(17, argmax(high), Arrays.toString(high));
    }

    @Test
    void contextualTunersReproduceWithTheSameSeed() {
        for (long seedB : new long[] {21, 22}) {
            int[] a = play(new ChebCb(ARMS, 0.0, 1.0, 21));
            int[] b = play(new ChebCb(ARMS, 0.0, 1.0, seedB));
            int[] c = play(new TsallisInfCb(ARMS, 6, 0.0, 1.0, 21));
            int[] d = play(new TsallisInfCb(ARMS, 6, 0.0, 1.0, seedB));
            if (seedB == 21) {
                assertArrayEquals(a, b);
                assertArrayEquals(c, d);
            } else {
                assertFalse(Arrays.equals(a, b));
                assertFalse(Arrays.equals(c, d));
            }
        }
    }

    private static int[] play(Tuner tuner) {
        SplittableRandom r = new SplittableRandom(8);
        int[] arms = new int[400];
        for (int t = 0; t < arms.length; t++) {
            double c = r.nextDouble();
            arms[t] = tuner.choose(c);
            tuner.observe(cost(arms[t], c, r));
        }
        return arms;
    }

    @Test
    void chebyshevFeaturesAndRidgeSolve() {
        ChebCb cb = new ChebCb(ARMS, 4, -1.0, 3.0, 1.0, 1);
        // context 2 maps to z = 0.5: T0..T4 = 1, 0.5, 2(0.25)-1 = -0.5, 4(0.125)-3(0.5) = -1, 8(0.0625)-8(0.25)+1 = -0.5
        assertArrayEquals(new double[] {1, 0.5, -0.5, -1, -0.5}, cb.features(2.0), 1e-15);
        // (G + I) x = h with G = [[3, 1], [1, 2]], h = [9, 8]: [[4, 1], [1, 3]] x = [9, 8] gives x = (19/11, 23/11).
        double[] x = ChebCb.ridgeSolve(new double[][] {{3, 1}, {1, 2}}, new double[] {9, 8}, 1.0);
        assertArrayEquals(new double[] {19.0 / 11.0, 23.0 / 11.0}, x, 1e-14);
    }

    @Test
    void contextualTunersNeedAContext() {
        assertThrows(IllegalArgumentException.class, () -> new ChebCb(ARMS, 0.0, 1.0, 1).choose(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new TsallisInfCb(ARMS, 6, 0.0, 1.0, 1).choose(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new ChebCb(ARMS, 1.0, 1.0, 1));
    }

    @Test
    void fixedOmegaAlwaysPlaysItsOmega() {
        FixedOmega f = new FixedOmega(1.7);
        for (int t = 0; t < 3; t++) {
            assertEquals(0, f.choose(0.3));
            f.observe(10);
        }
        assertArrayEquals(new double[] {1.7}, f.arms());
        assertThrows(IllegalArgumentException.class, () -> new FixedOmega(2.0));
    }

    @Test
    void goldenSectionFindsTheMinimumOfAUnimodalCost() {
        int[] calls = new int[1];
        InstanceOptimal.Result r = InstanceOptimal.goldenSection(w -> {
            calls[0]++;
            return 50 + 1000 * (w - 1.437) * (w - 1.437);
        }, 1.0, 1.95, HeatExperiment.FIXED, 20);
        assertEquals(20, r.evaluations());
        assertEquals(20, calls[0]);
        assertEquals(1.437, r.omega(), 2e-3);
        // The grid can only get as close as its nearest point, 1.45.
        InstanceOptimal.Result g = InstanceOptimal.grid(ARMS, w -> 50 + 1000 * (w - 1.437) * (w - 1.437));
        assertEquals(1.45, g.omega(), 1e-12);
        assertEquals(20, g.evaluations());
    }

    @Test
    void goldenSectionSearchesOutsideTheSeedsAtTheEnds() {
        InstanceOptimal.Result r = InstanceOptimal.goldenSection(w -> Math.abs(w - 1.93), 1.0, 1.95,
                new double[] {1.0, 1.5, 1.75}, 15);
        assertEquals(1.93, r.omega(), 5e-3);
    }

    private static int argmax(double[] p) {
        int b = 0;
        for (int i = 1; i < p.length; i++) {
            if (p[i] > p[b]) {
                b = i;
            }
        }
        return b;
    }
}
