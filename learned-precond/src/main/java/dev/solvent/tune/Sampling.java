package dev.solvent.tune;

import java.util.SplittableRandom;

/** Random variates the experiments need, from a caller's seeded stream. */
final class Sampling {

    private Sampling() {
    }

    /** Beta(a, b) as {@code X / (X + Y)} with {@code X ~ Gamma(a), Y ~ Gamma(b)}. */
    static double beta(SplittableRandom random, double a, double b) {
        double x = gamma(random, a);
        double y = gamma(random, b);
        return x / (x + y);
    }

    /**
     * Gamma(shape, 1) by Marsaglia and Tsang (2000): with {@code d = shape - 1/3},
     * {@code c = 1/sqrt(9d)}, draw a normal z, set {@code v = (1 + c z)^3} and accept {@code d v} when
     * {@code log U < z^2/2 + d - d v + d log v}. Shapes below one use
     * {@code Gamma(shape) = Gamma(shape + 1) U^(1/shape)}.
     */
    static double gamma(SplittableRandom random, double shape) {
        if (!(shape > 0)) {
            throw new IllegalArgumentException("gamma shape must be positive, got " + shape);
        }
        if (shape < 1.0) {
            double u = random.nextDouble();
            return gamma(random, shape + 1.0) * Math.pow(u, 1.0 / shape);
        }
        double d = shape - 1.0 / 3.0;
        double c = 1.0 / Math.sqrt(9.0 * d);
        while (true) {
            double z = random.nextGaussian();
            double v = 1.0 + c * z;
            if (v <= 0) {
                continue;
            }
            v = v * v * v;
            double u = random.nextDouble();
            if (Math.log(u) < 0.5 * z * z + d - d * v + d * Math.log(v)) {
                return d * v;
            }
        }
    }

    /** A standard Gaussian vector in R^n, redrawn until {@code ||b|| <= sqrt(n)}. */
    static double[] truncatedGaussian(SplittableRandom random, int n) {
        double[] b = new double[n];
        while (true) {
            double s = 0.0;
            for (int i = 0; i < n; i++) {
                b[i] = random.nextGaussian();
                s += b[i] * b[i];
            }
            if (s <= n) {
                return b;
            }
        }
    }
}
