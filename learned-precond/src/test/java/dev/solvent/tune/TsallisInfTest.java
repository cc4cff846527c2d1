package dev.solvent.tune;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TsallisInfTest {

    /** Noisy synthetic costs: arm i costs about 100 + 15 |i - best| iterations. */
    static double syntheticCost(int arm, int best, SplittableRandom noise) {
        return Math.max(1.0, 100.0 + 15.0 * Math.abs(arm - best) + 20.0 * noise.nextGaussian());
    }

    static void assertValid(double[] p) {
        double sum = 0.0;
        for (double q : p) {
            assertTrue(q >= 0.0 && Double.isFinite(q), "probability " + q + " in " + Arrays.toString(p));
            sum += q;
        }
        assertEquals(1.0, sum, 1e-12, "probabilities sum to " + sum);
    }

    @Test
    void concentratesOnTheBestArm() {
        int best = 13;
        TsallisInf tuner = new TsallisInf(Tuner.defaultArms(), 42);
        SplittableRandom noise = new SplittableRandom(7);
        int hits = 0;
        int rounds = 3000;
        for (int t = 0; t < rounds; t++) {
            int arm = tuner.choose(Double.NaN);
            if (t >= rounds - 500 && arm == best) {
                hits++;
            }
            tuner.observe(syntheticCost(arm, best, noise));
        }
        assertTrue(hits > 250, "best arm played " + hits + " of the last 500 rounds");
        double[] p = tuner.probabilities();
        for (int i = 0; i < p.length; i++) {
            if (i != best) {
                assertTrue(p[i] < p[best], "arm " + i + " has p " + p[i] + " >= best's " + p[best]);
            }
        }
    }

    @Test
    void probabilitiesAreValidEveryRoundEvenWithHeavyTailedCosts() {
        TsallisInf tuner = new TsallisInf(Tuner.defaultArms(), 3);
        SplittableRandom noise = new SplittableRandom(11);
        for (int t = 0; t < 4000; t++) {
            int arm = tuner.choose(Double.NaN);
            assertValid(tuner.probabilities());
            // Occasional huge costs (a capped, near-singular solve) stress the normaliser.
            double cost = noise.nextDouble() < 0.02 ? 10_000 : 1 + 50 * noise.nextDouble() + 3 * arm;
            tuner.observe(cost);
        }
    }

    @Test
    void importanceWeightUsesTheSampledProbability() {
        TsallisInf tuner = new TsallisInf(Tuner.defaultArms(), 5);
        int arm = tuner.choose(Double.NaN);
        double[] p = tuner.probabilities();
        // Round 1: all estimates 0, so p is uniform, 1/20; the first cost normalised by itself is 1.
        assertEquals(0.05, p[arm], 1e-15);
        tuner.observe(57);
        double[] l = tuner.lossEstimates();
        assertEquals(20.0, l[arm], 1e-12);
        // Round 2: the estimate moves by exactly loss / p_I with p_I the probability just sampled.
        int arm2 = tuner.choose(Double.NaN);
        double p2 = tuner.probabilities()[arm2];
        tuner.observe(1 + 2 * 56); // (k - 1) = 112, running mean (56 + 112) / 2 = 84: loss 4/3
        double[] l2 = tuner.lossEstimates();
        assertEquals(l[arm2] + (4.0 / 3.0) / p2, l2[arm2], 1e-9);
    }

    @Test
    void fixedSeedReproducesTheRunExactly() {
        int[][] arms = new int[3][];
        double[][] probs = new double[3][];
        long[] seeds = {9, 9, 10};
        for (int run = 0; run < 3; run++) {
            TsallisInf tuner = new TsallisInf(Tuner.defaultArms(), seeds[run]);
            SplittableRandom noise = new SplittableRandom(1);
            arms[run] = new int[500];
            for (int t = 0; t < 500; t++) {
                arms[run][t] = tuner.choose(Double.NaN);
                tuner.observe(syntheticCost(arms[run][t], 4, noise));
            }
            probs[run] = tuner.probabilities();
        }
        assertArrayEquals(arms[0], arms[1]);
        assertArrayEquals(probs[0], probs[1]);
        assertFalse(Arrays.equals(arms[0], arms[2]), "a different seed gave the same choices");
    }

    @Test
    void newtonNormaliserMatchesBisection() {
        SplittableRandom r = new SplittableRandom(123);
        double[][] cases = {
            new double[20],                                   // all equal: p uniform
            {0, 1e6, 1e6, 1e6},                               // one arm dominates
            {5, 5, 5.0000001, 300, 7000},                     // near ties and a wide spread
            {-3, 2, 1},                                       // negative estimates
        };
        for (double[] losses : cases) {
            for (double eta : new double[] {2.0, 0.3, 2.0 / Math.sqrt(5000)}) {
                check(losses, eta, Double.NaN);
            }
        }
        for (int trial = 0; trial < 200; trial++) {
            int k = 2 + r.nextInt(30);
            double[] losses = new double[k];
            for (int i = 0; i < k; i++) {
                losses[i] = Math.pow(10, r.nextDouble(-2, 4)) * r.nextDouble();
            }
            double eta = 2.0 / Math.sqrt(1 + r.nextInt(10_000));
            // Good, bad and absent warm starts all reach the same root.
            check(losses, eta, Double.NaN);
            check(losses, eta, TsallisInf.normaliserByBisection(losses, eta) - 1e-3);
            check(losses, eta, -1e9);
        }
    }

    private static void check(double[] losses, double eta, double warm) {
        int[] its = new int[1];
        double newton = TsallisInf.normaliser(losses, eta, warm, its);
        double bisect = TsallisInf.normaliserByBisection(losses, eta);
        double min = Arrays.stream(losses).min().orElseThrow();
        assertTrue(newton < min, "normaliser " + newton + " not below min " + min);
        assertEquals(bisect, newton, 1e-9 * Math.max(1.0, Math.abs(bisect)), "losses " + Arrays.toString(losses));
        // The unnormalised Newton distribution itself already sums to one.
        double sum = 0.0;
        for (double l : losses) {
            double s = eta * (l - newton);
            sum += 4.0 / (s * s);
        }
        assertEquals(1.0, sum, 1e-12);
        assertTrue(its[0] < 100, "Newton took " + its[0] + " steps");
        assertArrayEquals(TsallisInf.probabilities(losses, eta, bisect), TsallisInf.probabilities(losses, eta, newton), 1e-9);
    }

    @Test
    void warmStartedNewtonTakesFewSteps() {
        TsallisInf tuner = new TsallisInf(Tuner.defaultArms(), 1);
        SplittableRandom noise = new SplittableRandom(2);
        int total = 0;
        for (int t = 0; t < 1000; t++) {
            int arm = tuner.choose(Double.NaN);
            if (t >= 10) {
                total += tuner.lastNewtonIterations();
            }
            tuner.observe(syntheticCost(arm, 3, noise));
        }
        assertTrue(total / 990.0 < 8, "mean Newton steps " + total / 990.0);
    }

    @Test
    void callsMustAlternate() {
        TsallisInf tuner = new TsallisInf(Tuner.defaultArms(), 1);
        assertThrows(IllegalStateException.class, () -> tuner.observe(3));
        tuner.choose(Double.NaN);
        assertThrows(IllegalStateException.class, () -> tuner.choose(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> tuner.observe(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> tuner.observe(-1));
    }

    @Test
    void defaultArmsAreThePapers() {
        double[] a = Tuner.defaultArms();
        assertEquals(20, a.length);
        assertEquals(1.0, a[0], 0.0);
        assertEquals(1.4, a[8], 1e-15);
        assertEquals(1.95, a[19], 1e-15);
    }
}
