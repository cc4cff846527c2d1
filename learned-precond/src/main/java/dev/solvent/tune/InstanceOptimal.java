package dev.solvent.tune;

import java.util.function.DoubleUnaryOperator;

/**
 * The per-instance ("instance-optimal") baseline: for each system separately, search for the
 * omega that costs least on that very system. Not a tuner: it pays for many solves per system and
 * only its best one is counted, so it is the yardstick the contextual bandits aim at, not a method
 * one would deploy.
 */
public final class InstanceOptimal {

    private InstanceOptimal() {
    }

    /** The best omega found, its cost, and how many cost evaluations (solves) the search spent. */
    public record Result(double omega, double cost, int evaluations) {
    }

    /** Exhaustive search over {@code omegas}; ties go to the first. */
    public static Result grid(double[] omegas, DoubleUnaryOperator cost) {
        if (omegas.length == 0) {
            throw new IllegalArgumentException("empty omega grid");
        }
        double bestOmega = omegas[0];
        double best = cost.applyAsDouble(omegas[0]);
        for (int i = 1; i < omegas.length; i++) {
            double c = cost.applyAsDouble(omegas[i]);
            if (c < best) {
                best = c;
                bestOmega = omegas[i];
            }
        }
        return new Result(bestOmega, best, omegas.length);
    }

    /**
     * A coarse scan over the sorted {@code seeds}, then golden-section search in the bracket around
     * the best seed (its two neighbours, or the ends of {@code [lo, hi]}).
     *
     * <pre>
     *   bracket [a, b];  phi = (sqrt 5 - 1) / 2
     *   c = b - phi (b - a),  d = a + phi (b - a)
     *   repeat: if f(c) &lt;= f(d): b = d, d = c, c = b - phi (b - a)
     *           else:            a = c, c = d, d = a + phi (b - a)
     * </pre>
     *
     * Each step shrinks the bracket by phi and costs one evaluation. Iteration counts are integers
     * and only roughly unimodal in omega, so the result is the best point evaluated anywhere in the
     * search, not the bracket's centre.
     *
     * @param budget total evaluations, at least {@code seeds.length}
     */
    public static Result goldenSection(DoubleUnaryOperator cost, double lo, double hi, double[] seeds, int budget) {
        if (seeds.length == 0 || budget < seeds.length) {
            throw new IllegalArgumentException("need at least one seed and a budget covering the seeds");
        }
        double[] s = seeds.clone();
        java.util.Arrays.sort(s);
        double[] f = new double[s.length];
        int besti = 0;
        for (int i = 0; i < s.length; i++) {
            f[i] = cost.applyAsDouble(s[i]);
            if (f[i] < f[besti]) {
                besti = i;
            }
        }
        double bestOmega = s[besti];
        double best = f[besti];
        int used = s.length;
        double a = besti > 0 ? s[besti - 1] : lo;
        double b = besti < s.length - 1 ? s[besti + 1] : hi;
        final double phi = (Math.sqrt(5.0) - 1.0) / 2.0;
        double c = b - phi * (b - a);
        double d = a + phi * (b - a);
        double fc = Double.NaN;
        double fd = Double.NaN;
        while (used < budget) {
            if (Double.isNaN(fc)) {
                fc = cost.applyAsDouble(c);
                used++;
                if (fc < best) {
                    best = fc;
                    bestOmega = c;
                }
                continue;
            }
            if (Double.isNaN(fd)) {
                fd = cost.applyAsDouble(d);
                used++;
                if (fd < best) {
                    best = fd;
                    bestOmega = d;
                }
                continue;
            }
            if (fc <= fd) {
                b = d;
                d = c;
                fd = fc;
                c = b - phi * (b - a);
                fc = Double.NaN;
            } else {
                a = c;
                c = d;
                fc = fd;
                d = a + phi * (b - a);
                fd = Double.NaN;
            }
        }
        return new Result(bestOmega, best, used);
    }
}
