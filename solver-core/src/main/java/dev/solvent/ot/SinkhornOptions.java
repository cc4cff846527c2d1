package dev.solvent.ot;

import dev.solvent.solve.IterationListener;

/**
 * Options of log-domain {@link Sinkhorn}. Start from {@link #defaults()}.
 *
 * @param tolerance     stop when {@code ||P 1 - r||_1} (the marginal Sinkhorn leaves violated; the
 *                      other is met exactly after each column step) is at or below this
 * @param maxIterations iteration limit (one row and one column step each)
 * @param timeLimitSeconds stop after this much wall time (checked once per iteration)
 * @param threads       worker threads of the dense kernels
 * @param planThreshold the result's plan keeps the entries at or above this fraction of the total mass
 * @param listener      called after every iteration with the iteration count and the marginal error
 *                      of the state reached, or null (the default)
 */
public record SinkhornOptions(double tolerance, int maxIterations, double timeLimitSeconds, int threads,
                              double planThreshold, IterationListener listener) {

    public SinkhornOptions {
        if (!(tolerance > 0)) {
            throw new IllegalArgumentException("tolerance must be positive, got " + tolerance);
        }
        if (maxIterations < 0) {
            throw new IllegalArgumentException("maxIterations must be non-negative, got " + maxIterations);
        }
        if (!(timeLimitSeconds > 0)) {
            throw new IllegalArgumentException("timeLimitSeconds must be positive, got " + timeLimitSeconds);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        if (!(planThreshold >= 0)) {
            throw new IllegalArgumentException("planThreshold must be non-negative, got " + planThreshold);
        }
    }

    /** Tolerance 1e-12, 1,000,000 iterations, no time limit, all processors, plan threshold 1e-12. */
    public static SinkhornOptions defaults() {
        return new SinkhornOptions(1e-12, 1_000_000, Double.POSITIVE_INFINITY,
                Runtime.getRuntime().availableProcessors(), 1e-12, null);
    }

    public SinkhornOptions withTolerance(double value) {
        return new SinkhornOptions(value, maxIterations, timeLimitSeconds, threads, planThreshold, listener);
    }

    public SinkhornOptions withMaxIterations(int value) {
        return new SinkhornOptions(tolerance, value, timeLimitSeconds, threads, planThreshold, listener);
    }

    public SinkhornOptions withTimeLimitSeconds(double value) {
        return new SinkhornOptions(tolerance, maxIterations, value, threads, planThreshold, listener);
    }

    public SinkhornOptions withThreads(int value) {
        return new SinkhornOptions(tolerance, maxIterations, timeLimitSeconds, value, planThreshold, listener);
    }

    public SinkhornOptions withPlanThreshold(double value) {
        return new SinkhornOptions(tolerance, maxIterations, timeLimitSeconds, threads, value, listener);
    }

    public SinkhornOptions withListener(IterationListener value) {
        return new SinkhornOptions(tolerance, maxIterations, timeLimitSeconds, threads, planThreshold, value);
    }
}
