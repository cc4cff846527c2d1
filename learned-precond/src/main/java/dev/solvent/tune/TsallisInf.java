package dev.solvent.tune;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Tsallis-INF with the 1/2-Tsallis entropy (Zimmert and Seldin, "Tsallis-INF: an optimal
 * algorithm for stochastic and adversarial bandits", JMLR 2021), the non-contextual learner of
 * "Learning to Relax".
 *
 * <pre>
 *   Lhat_i = 0 for every arm i = 1..K
 *   round t:   eta_t = 2 / sqrt(t)
 *              find x &lt; min_i Lhat_i with  sum_i 4 / (eta_t (Lhat_i - x))^2 = 1
 *              p_i = 4 / (eta_t (Lhat_i - x))^2
 *              draw I ~ p, pay loss l = (k - 1) / running mean of (k - 1)
 *              Lhat_I += l / p_I         (importance weighting: an unbiased estimate of every
 *                                          arm's cumulative loss, E[l 1{I=i} / p_i] = l_i)
 * </pre>
 *
 * <p>The estimate is unbiased only if {@code p_I} is exactly the probability the arm was drawn
 * with. So the normaliser is solved to machine precision, the distribution is then divided by its
 * sum (a correction of order 1e-15), and the same array is used both to draw and to weight.
 *
 * <h2>The normaliser</h2>
 * With {@code d_i = Lhat_i - min Lhat >= 0} and {@code y = min Lhat - x > 0}, solve
 * <pre>
 *   g(y) = sum_i 4 / (eta^2 (d_i + y)^2) - 1 = 0.
 * </pre>
 * g is decreasing and convex on {@code y > 0} (the pole at {@code y = 0} is {@code x = min Lhat}).
 * The root lies in {@code [2/eta, 2 sqrt(K)/eta]}: at {@code y = 2/eta} the best arm alone has
 * {@code p = 1}, so {@code g >= 0}; at {@code y = 2 sqrt(K)/eta} every term is at most 1/K, so
 * {@code g <= 0}. Newton's step is {@code y <- y + g(y) / (eta sum_i p_i^(3/2))} (since
 * {@code g'(y) = -eta sum p_i^(3/2)}). For a convex decreasing g, Newton started left of the root
 * (where g >= 0) climbs to it monotonically and never crosses it; started right of it, the first
 * step lands left. The iteration keeps a bracket and bisects whenever a step would leave it, so
 * the pole is never reached. The previous round's normaliser is the warm start: the losses change
 * in one arm only and eta changes slowly, so a few Newton steps suffice.
 */
public final class TsallisInf implements Tuner {

    private static final int MAX_NEWTON = 100;

    private final double[] arms;
    private final double[] lossEstimate;
    private final SplittableRandom random;
    private final CostScale scale = new CostScale();
    private final String name;
    private double[] p;
    private int round;
    private double normaliser = Double.NaN;
    private int pending = -1;
    private double pendingProbability;
    private int lastNewtonIterations;

    /**
     * @param arms candidate omegas (at least one)
     * @param seed seed of this tuner's own random stream
     */
    public TsallisInf(double[] arms, long seed) {
        this(arms, new SplittableRandom(seed), "tsallis-inf");
    }

    TsallisInf(double[] arms, SplittableRandom random, String name) {
        if (arms.length == 0) {
            throw new IllegalArgumentException("need at least one arm");
        }
        this.arms = arms.clone();
        this.lossEstimate = new double[arms.length];
        this.random = random;
        this.name = name;
        this.p = uniform(arms.length);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public double[] arms() {
        return arms.clone();
    }

    @Override
    public int choose(double context) {
        if (pending >= 0) {
            throw new IllegalStateException(name + ": choose called twice without observe");
        }
        round++;
        double eta = 2.0 / Math.sqrt(round);
        int[] its = new int[1];
        normaliser = normaliser(lossEstimate, eta, normaliser, its);
        lastNewtonIterations = its[0];
        p = probabilities(lossEstimate, eta, normaliser);
        pending = sample(p, random);
        pendingProbability = p[pending];
        return pending;
    }

    @Override
    public void observe(double cost) {
        CostScale.checkCost(cost);
        if (pending < 0) {
            throw new IllegalStateException(name + ": observe called without a pending choice");
        }
        double loss = scale.normalise(cost);
        lossEstimate[pending] += loss / pendingProbability;
        pending = -1;
    }

    @Override
    public double[] probabilities() {
        return p.clone();
    }

    /** The importance-weighted cumulative loss estimates (a copy). */
    public double[] lossEstimates() {
        return lossEstimate.clone();
    }

    /** Newton steps the last normaliser solve took. */
    public int lastNewtonIterations() {
        return lastNewtonIterations;
    }

    /** Rounds played so far. */
    public int rounds() {
        return round;
    }

    /**
     * The Tsallis-INF distribution {@code p_i = 4 / (eta (L_i - x))^2} for the normaliser x,
     * divided by its sum so that it sums to one to rounding.
     */
    public static double[] probabilities(double[] losses, double eta, double x) {
        double[] q = new double[losses.length];
        double sum = 0.0;
        for (int i = 0; i < q.length; i++) {
            double s = eta * (losses[i] - x);
            q[i] = 4.0 / (s * s);
            sum += q[i];
        }
        for (int i = 0; i < q.length; i++) {
            q[i] /= sum;
        }
        return q;
    }

    /**
     * Solves {@code sum_i 4 (eta (L_i - x))^-2 = 1} for {@code x < min L} by safeguarded Newton (see
     * the class comment).
     *
     * @param warm       a previous solution to start from, or NaN
     * @param iterations if not null, receives the number of Newton/bisection steps in element 0
     */
    public static double normaliser(double[] losses, double eta, double warm, int[] iterations) {
        checkEta(eta);
        double min = min(losses);
        int k = losses.length;
        double lo = 2.0 / eta;
        double hi = 2.0 * Math.sqrt(k) / eta;
        if (k == 1) {
            if (iterations != null) {
                iterations[0] = 0;
            }
            return min - lo;
        }
        double[] d = new double[k];
        for (int i = 0; i < k; i++) {
            d[i] = losses[i] - min;
        }
        double y = min - warm;
        if (!(y >= lo && y <= hi)) {
            y = lo;
        }
        int steps = 0;
        for (; steps < MAX_NEWTON; steps++) {
            double g = -1.0;
            double slope = 0.0; // -g'(y) = eta * sum p_i^(3/2) > 0
            for (double di : d) {
                double s = eta * (di + y);
                double pi = 4.0 / (s * s);
                g += pi;
                slope += eta * pi * Math.sqrt(pi);
            }
            if (g == 0.0) {
                break;
            }
            if (g > 0) {
                lo = y;
            } else {
                hi = y;
            }
            if (Math.abs(g) <= 1e-15 || hi - lo <= 1e-15 * hi) {
                break;
            }
            double next = y + g / slope;
            if (!(next > lo && next < hi)) {
                next = 0.5 * (lo + hi);
            }
            if (next == y) {
                break;
            }
            y = next;
        }
        if (iterations != null) {
            iterations[0] = steps;
        }
        return min - y;
    }

    /** The same root by plain bisection on {@code [2/eta, 2 sqrt(K)/eta]}: slow, but obviously right. */
    public static double normaliserByBisection(double[] losses, double eta) {
        checkEta(eta);
        double min = min(losses);
        double lo = 2.0 / eta;
        double hi = 2.0 * Math.sqrt(losses.length) / eta;
        for (int it = 0; it < 200 && hi - lo > 0; it++) {
            double mid = 0.5 * (lo + hi);
            if (mid == lo || mid == hi) {
                break;
            }
            double sum = 0.0;
            for (double l : losses) {
                double s = eta * (l - min + mid);
                sum += 4.0 / (s * s);
            }
            if (sum > 1.0) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return min - 0.5 * (lo + hi);
    }

    /** Inverse-CDF draw from p; rounding in the cumulative sum falls to the last arm with p > 0. */
    static int sample(double[] p, SplittableRandom random) {
        double u = random.nextDouble();
        double cumulative = 0.0;
        int last = -1;
        for (int i = 0; i < p.length; i++) {
            if (p[i] > 0) {
                last = i;
                cumulative += p[i];
                if (u < cumulative) {
                    return i;
                }
            }
        }
        if (last < 0) {
            throw new IllegalStateException("no arm has positive probability: " + Arrays.toString(p));
        }
        return last;
    }

    static double[] uniform(int k) {
        double[] q = new double[k];
        Arrays.fill(q, 1.0 / k);
        return q;
    }

    private static double min(double[] v) {
        double m = Double.POSITIVE_INFINITY;
        for (double x : v) {
            if (!Double.isFinite(x)) {
                throw new IllegalArgumentException("loss estimates must be finite, got " + x);
            }
            m = Math.min(m, x);
        }
        return m;
    }

    private static void checkEta(double eta) {
        if (!(eta > 0) || Double.isInfinite(eta)) {
            throw new IllegalArgumentException("eta must be positive and finite, got " + eta);
        }
    }
}
