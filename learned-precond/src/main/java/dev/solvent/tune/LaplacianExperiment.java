package dev.solvent.tune;

import dev.solvent.matrix.CsrMatrix;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The paper's first experiment: SOR on {@code A_t = A + c_t I}, A the unscaled 5-point Laplacian on
 * a 10 x 10 grid (n = 100), {@code b_t} a standard Gaussian rejected until {@code ||b|| <= sqrt(n)},
 * zero initial guess, tolerance 1e-8, cap 10,000, and the offset drawn as
 * {@code c = -0.15 + 0.6 Beta(0.5, 1.5)} (high variance: much mass near -0.15, where the matrix is
 * nearly singular) or {@code c = -0.15 + 0.6 Beta(2, 6)} (low variance).
 *
 * <p>With a zero initial guess every solve is a deterministic function of (A_t, b_t, omega), so the
 * experiment first fills a table {@code cost[t][arm]} by solving every system with every arm; the
 * fixed omegas, the best fixed omega in hindsight and the instance-optimal baseline read it, and
 * each bandit is replayed against it, seeing exactly the cost its live solve would have
 * returned (a test checks this against {@link SequenceSolver} run live).
 */
public final class LaplacianExperiment {

    /** Grid side of the paper's problem (n = 100). */
    public static final int GRID = 10;
    /** Ends of the context interval {@code -0.15 + 0.6 [0, 1]}. */
    public static final double CONTEXT_LO = -0.15;
    public static final double CONTEXT_HI = 0.45;

    /** The two offset distributions. */
    public enum Offsets {
        HIGH_VARIANCE(0.5, 1.5, "high variance, c = -0.15 + 0.6 Beta(0.5, 1.5)"),
        LOW_VARIANCE(2.0, 6.0, "low variance, c = -0.15 + 0.6 Beta(2, 6)");

        private final double a;
        private final double b;
        private final String description;

        Offsets(double a, double b, String description) {
            this.a = a;
            this.b = b;
            this.description = description;
        }

        public String description() {
            return description;
        }

        /** One offset {@code c = -0.15 + 0.6 Beta(a, b)}. */
        public double sample(SplittableRandom random) {
            return CONTEXT_LO + (CONTEXT_HI - CONTEXT_LO) * Sampling.beta(random, a, b);
        }
    }

    /** The generated systems: offsets (the contexts) and right-hand sides. */
    public record Instances(double[] offsets, double[][] rhs) {
        public int size() {
            return offsets.length;
        }

        public CsrMatrix matrix(int t) {
            return Problems.shiftedLaplacian(GRID, offsets[t]);
        }
    }

    /** What one run produced: the cost table and every method's trace. */
    public record Result(Offsets offsets, long seed, double[] arms, double[][] costTable, List<Trace> traces,
                         double[] offsetsPerRound) {
        public Trace trace(String method) {
            for (Trace t : traces) {
                if (t.method().equals(method)) {
                    return t;
                }
            }
            throw new IllegalArgumentException("no method " + method);
        }

        /** Index of the arm with the least mean cost over rounds {@code [from, T)}. */
        public int bestFixedArm(int from) {
            int best = -1;
            double bestMean = Double.POSITIVE_INFINITY;
            for (int a = 0; a < arms.length; a++) {
                double s = 0.0;
                for (int t = from; t < costTable.length; t++) {
                    s += costTable[t][a];
                }
                if (s < bestMean) {
                    bestMean = s;
                    best = a;
                }
            }
            return best;
        }

        /** The fixed arm's trace. */
        public Trace fixed(int arm) {
            double[] c = new double[costTable.length];
            double[] w = new double[costTable.length];
            for (int t = 0; t < c.length; t++) {
                c[t] = costTable[t][arm];
                w[t] = arms[arm];
            }
            return new Trace("omega=" + SequenceReport.fmtOmega(arms[arm]), c, new double[0], w);
        }
    }

    private LaplacianExperiment() {
    }

    /** Draws T systems from the given seed. */
    public static Instances generate(int rounds, Offsets offsets, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int n = GRID * GRID;
        double[] c = new double[rounds];
        double[][] b = new double[rounds][];
        for (int t = 0; t < rounds; t++) {
            c[t] = offsets.sample(random);
            b[t] = Sampling.truncatedGaussian(random, n);
        }
        return new Instances(c, b);
    }

    /** Solves every system with every arm by SOR from zero: {@code cost[t][arm]}. */
    public static double[][] costTable(Instances instances, double[] arms) {
        SequenceSolver sor = SequenceSolver.sor();
        double[][] cost = new double[instances.size()][arms.length];
        for (int t = 0; t < instances.size(); t++) {
            CsrMatrix a = instances.matrix(t);
            for (int k = 0; k < arms.length; k++) {
                cost[t][k] = sor.trial(a, instances.rhs()[t], arms[k]).cost();
            }
        }
        return cost;
    }

    /** Plays a tuner against a cost table: round t shows context {@code contexts[t]} and costs {@code cost[t][arm]}. */
    public static Trace replay(Tuner tuner, double[][] cost, double[] contexts) {
        double[] arms = tuner.arms();
        double[] c = new double[cost.length];
        double[] w = new double[cost.length];
        for (int t = 0; t < cost.length; t++) {
            int arm = tuner.choose(contexts[t]);
            c[t] = cost[t][arm];
            w[t] = arms[arm];
            tuner.observe(c[t]);
        }
        return new Trace(tuner.name(), c, new double[0], w);
    }

    /**
     * Runs the whole comparison on T systems: fixed omegas, best fixed in hindsight (over all
     * rounds), instance-optimal over the arm grid, Young's omega per instance, and the three
     * bandits seeded from {@code seed}.
     */
    public static Result run(int rounds, Offsets offsets, long seed) {
        double[] arms = Tuner.defaultArms();
        Instances inst = generate(rounds, offsets, seed);
        double[][] table = costTable(inst, arms);
        double[] ctx = inst.offsets();
        List<Trace> traces = new ArrayList<>();

        double[] opt = new double[rounds];
        double[] optOmega = new double[rounds];
        for (int t = 0; t < rounds; t++) {
            int best = 0;
            for (int k = 1; k < arms.length; k++) {
                if (table[t][k] < table[t][best]) {
                    best = k;
                }
            }
            opt[t] = table[t][best];
            optOmega[t] = arms[best];
        }
        traces.add(new Trace(SequenceReport.INSTANCE_OPTIMAL, opt, new double[0], optOmega));

        SequenceSolver sor = SequenceSolver.sor();
        double[] young = new double[rounds];
        double[] youngOmega = new double[rounds];
        for (int t = 0; t < rounds; t++) {
            youngOmega[t] = Problems.youngOmega(GRID, ctx[t]);
            young[t] = sor.trial(inst.matrix(t), inst.rhs()[t], youngOmega[t]).cost();
        }
        traces.add(new Trace(SequenceReport.YOUNG, young, new double[0], youngOmega));

        SplittableRandom seeds = new SplittableRandom(seed ^ 0x5DEECE66DL);
        traces.add(replay(new TsallisInf(arms, seeds.nextLong()), table, ctx));
        traces.add(replay(new TsallisInfCb(arms, 6, CONTEXT_LO, CONTEXT_HI, seeds.nextLong()), table, ctx));
        traces.add(replay(new ChebCb(arms, CONTEXT_LO, CONTEXT_HI, seeds.nextLong()), table, ctx));
        // Not in the paper: the same learner with bins at the quantiles of the first 300 contexts.
        traces.add(replay(TsallisInfCb.adaptive(arms, 6, 300, seeds.nextLong()), table, ctx));
        return new Result(offsets, seed, arms, table, traces, ctx);
    }
}
