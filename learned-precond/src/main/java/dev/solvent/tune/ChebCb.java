package dev.solvent.tune;

import java.util.SplittableRandom;

/**
 * ChebCB: a contextual bandit that regresses each arm's cost on the context with a Chebyshev
 * series and samples by inverse-gap weighting (SquareCB, Foster and Rakhlin 2020), as in "Learning
 * to Relax".
 *
 * <pre>
 *   z = 2 (c - lo) / (hi - lo) - 1  in [-1, 1]        (context, clamped)
 *   phi(z) = (T_0(z), ..., T_m(z)),  T_0 = 1, T_1 = z, T_{j+1} = 2 z T_j - T_{j-1}
 *   per arm a:  theta_a = argmin sum_{s: I_s = a} (phi(z_s).theta - (k_s - 1))^2 + lambda |theta|^2
 *               yhat_a = phi(z).theta_a / scale      (scale = running mean of k - 1)
 *   b = argmin_a yhat_a
 *   p_a = 1 / (K + eta_t (yhat_a - yhat_b))   for a != b,   p_b = 1 - sum_{a != b} p_a
 *   eta_t = gamma sqrt(K t)
 * </pre>
 *
 * <p>Inverse-gap weighting plays an arm with probability falling like one over its predicted
 * excess cost, so arms that the regression rates badly are still tried now and then, and the
 * learning rate {@code eta_t} growing like {@code sqrt(t)} shrinks that exploration as the fits
 * firm up. The best arm keeps at least {@code 1/K}.
 *
 * <p>The ridge term (lambda = 1, on features of size about one) makes the normal equations
 * solvable before an arm has m + 1 observations, and shrinks an unexplored arm's prediction
 * towards zero cost: optimism, so every arm is tried early. The fits use the raw excess cost
 * {@code k - 1}; dividing the predictions by the running scale afterwards is the same as fitting
 * normalised costs, since least squares is linear in the targets.
 */
public final class ChebCb implements Tuner {

    /** Default multiplier of the learning rate {@code eta_t = gamma sqrt(K t)}. */
    public static final double DEFAULT_GAMMA = 1.0;
    private static final double RIDGE = 1.0;

    private final double[] arms;
    private final int degree;
    private final double lo;
    private final double hi;
    private final double gamma;
    private final SplittableRandom random;
    private final CostScale scale = new CostScale();
    private final double[][][] gram;
    private final double[][] moment;
    private final double[][] theta;
    private double[] p;
    private int round;
    private int pending = -1;
    private double[] pendingFeatures;

    /**
     * @param arms   candidate omegas
     * @param degree degree m of the Chebyshev series (the paper uses 6)
     * @param lo     lower end of the context interval
     * @param hi     upper end, greater than lo
     * @param gamma  learning-rate multiplier, positive ({@link #DEFAULT_GAMMA})
     * @param seed   seed of this tuner's random stream
     */
    public ChebCb(double[] arms, int degree, double lo, double hi, double gamma, long seed) {
        if (arms.length == 0) {
            throw new IllegalArgumentException("need at least one arm");
        }
        if (degree < 0) {
            throw new IllegalArgumentException("degree must be non-negative, got " + degree);
        }
        if (!(hi > lo) || !Double.isFinite(lo) || !Double.isFinite(hi)) {
            throw new IllegalArgumentException("context interval must satisfy lo < hi, got [" + lo + ", " + hi + "]");
        }
        if (!(gamma > 0) || Double.isInfinite(gamma)) {
            throw new IllegalArgumentException("gamma must be positive, got " + gamma);
        }
        this.arms = arms.clone();
        this.degree = degree;
        this.lo = lo;
        this.hi = hi;
        this.gamma = gamma;
        this.random = new SplittableRandom(seed);
        int k = arms.length;
        int d = degree + 1;
        this.gram = new double[k][d][d];
        this.moment = new double[k][d];
        this.theta = new double[k][d];
        this.p = TsallisInf.uniform(k);
    }

    /** Degree 6 and the default learning rate, as in the paper. */
    public ChebCb(double[] arms, double lo, double hi, long seed) {
        this(arms, 6, lo, hi, DEFAULT_GAMMA, seed);
    }

    @Override
    public String name() {
        return "chebcb";
    }

    @Override
    public double[] arms() {
        return arms.clone();
    }

    /** Chebyshev features {@code T_0..T_m} of the context mapped to [-1, 1]. */
    double[] features(double context) {
        if (Double.isNaN(context)) {
            throw new IllegalArgumentException(name() + " needs a context, got NaN");
        }
        double z = 2.0 * (context - lo) / (hi - lo) - 1.0;
        z = Math.max(-1.0, Math.min(1.0, z));
        double[] phi = new double[degree + 1];
        phi[0] = 1.0;
        if (degree >= 1) {
            phi[1] = z;
        }
        for (int j = 1; j < degree; j++) {
            phi[j + 1] = 2.0 * z * phi[j] - phi[j - 1];
        }
        return phi;
    }

    /** Predicted normalised cost of every arm at this context. */
    public double[] predict(double context) {
        double[] phi = features(context);
        double s = scale.scale();
        double[] y = new double[arms.length];
        for (int a = 0; a < arms.length; a++) {
            double v = 0.0;
            for (int j = 0; j < phi.length; j++) {
                v += phi[j] * theta[a][j];
            }
            y[a] = s > 0 ? v / s : 0.0;
        }
        return y;
    }

    @Override
    public int choose(double context) {
        if (pending >= 0) {
            throw new IllegalStateException(name() + ": choose called twice without observe");
        }
        round++;
        double[] y = predict(context);
        int k = arms.length;
        int best = 0;
        for (int a = 1; a < k; a++) {
            if (y[a] < y[best]) {
                best = a;
            }
        }
        double eta = gamma * Math.sqrt((double) k * round);
        double[] q = new double[k];
        double others = 0.0;
        for (int a = 0; a < k; a++) {
            if (a != best) {
                q[a] = 1.0 / (k + eta * (y[a] - y[best]));
                others += q[a];
            }
        }
        q[best] = 1.0 - others;
        p = q;
        pending = TsallisInf.sample(q, random);
        pendingFeatures = features(context);
        return pending;
    }

    @Override
    public void observe(double cost) {
        CostScale.checkCost(cost);
        if (pending < 0) {
            throw new IllegalStateException(name() + ": observe called without a pending choice");
        }
        scale.normalise(cost);
        double target = Math.max(cost - 1.0, 0.0);
        double[] phi = pendingFeatures;
        double[][] g = gram[pending];
        for (int i = 0; i < phi.length; i++) {
            moment[pending][i] += phi[i] * target;
            for (int j = 0; j < phi.length; j++) {
                g[i][j] += phi[i] * phi[j];
            }
        }
        theta[pending] = ridgeSolve(g, moment[pending], RIDGE);
        pending = -1;
    }

    @Override
    public double[] probabilities() {
        return p.clone();
    }

    /** Solves {@code (G + lambda I) x = h} by Cholesky ({@code G} is a Gram matrix, so this is SPD). */
    static double[] ridgeSolve(double[][] g, double[] h, double lambda) {
        int d = h.length;
        double[][] l = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j <= i; j++) {
                double s = g[i][j] + (i == j ? lambda : 0.0);
                for (int k = 0; k < j; k++) {
                    s -= l[i][k] * l[j][k];
                }
                if (i == j) {
                    l[i][i] = Math.sqrt(s);
                } else {
                    l[i][j] = s / l[j][j];
                }
            }
        }
        double[] x = new double[d];
        for (int i = 0; i < d; i++) {
            double s = h[i];
            for (int k = 0; k < i; k++) {
                s -= l[i][k] * x[k];
            }
            x[i] = s / l[i][i];
        }
        for (int i = d - 1; i >= 0; i--) {
            double s = x[i];
            for (int k = i + 1; k < d; k++) {
                s -= l[k][i] * x[k];
            }
            x[i] = s / l[i][i];
        }
        return x;
    }
}
