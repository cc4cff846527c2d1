package dev.solvent.ot;

import dev.solvent.precond.Jacobi;
import dev.solvent.precond.Preconditioner;
import dev.solvent.solve.IterationListener;

/**
 * Options of {@link SinkhornNewtonSparse}. Start from {@link #defaults()}.
 *
 * @param sinkhornSteps     N1, Sinkhorn iterations before the Newton stage (paper: 20; 700 for an L1 cost)
 * @param keptPerRow        lambda n: the Hessian keeps the {@code keptPerRow * n} largest entries of P
 *                          over the whole plan (paper: lambda = 2/n, so 2; 15 for an L1 cost)
 * @param relativeThreshold adaptive extension of the paper's rule: also keep every entry at least
 *                          this fraction of the largest entry of its row or of its column. It lets
 *                          the kept set follow the spread of the plan (a few entries per row for a
 *                          random cost, a stencil of neighbours for a grid). 0 keeps every positive
 *                          entry (the dense Hessian); {@code Double.POSITIVE_INFINITY} turns the rule
 *                          off and leaves the paper's rule alone
 * @param tolerance         stop when {@code ||P 1 - r||_1 + ||P^T 1 - c||_1} is at or below this
 * @param maxNewtonIterations limit on Newton steps (Sinkhorn fallback steps count towards it)
 * @param cgRtol            relative residual at which each Newton system's CG stops
 * @param cgMaxIterations   CG iteration limit per Newton step (the direction so far is used when hit)
 * @param preconditioner    CG preconditioner (Jacobi by default, see the class comment)
 * @param timeLimitSeconds  stop after this much wall time (checked once per iteration)
 * @param threads           worker threads of the dense kernels
 * @param planThreshold     the result's plan keeps entries at or above this fraction of the total mass
 * @param listener          sees {@code (iteration, marginal error)} after each Sinkhorn step of the first
 *                          stage and each Newton step (iterations counted as in {@link OtResult#iterations()}),
 *                          or null
 */
public record SnsOptions(int sinkhornSteps, double keptPerRow, double relativeThreshold, double tolerance,
                         int maxNewtonIterations, double cgRtol, int cgMaxIterations, Preconditioner preconditioner,
                         double timeLimitSeconds, int threads, double planThreshold, IterationListener listener) {

    public SnsOptions {
        if (sinkhornSteps < 0) {
            throw new IllegalArgumentException("sinkhornSteps (N1) must be non-negative, got " + sinkhornSteps);
        }
        if (!(keptPerRow >= 0) || Double.isInfinite(keptPerRow)) {
            throw new IllegalArgumentException("keptPerRow (lambda n) must be finite and non-negative, got " + keptPerRow);
        }
        if (!(relativeThreshold >= 0)) {
            throw new IllegalArgumentException("relativeThreshold must be non-negative (or +Infinity to turn it off), got "
                    + relativeThreshold);
        }
        if (!(tolerance > 0)) {
            throw new IllegalArgumentException("tolerance must be positive, got " + tolerance);
        }
        if (maxNewtonIterations < 0) {
            throw new IllegalArgumentException("maxNewtonIterations must be non-negative, got " + maxNewtonIterations);
        }
        if (!(cgRtol > 0 && cgRtol < 1)) {
            throw new IllegalArgumentException("cgRtol must lie in (0, 1), got " + cgRtol);
        }
        if (cgMaxIterations < 1) {
            throw new IllegalArgumentException("cgMaxIterations must be at least 1, got " + cgMaxIterations);
        }
        if (preconditioner == null) {
            throw new IllegalArgumentException("preconditioner must not be null (use NoPreconditioner.INSTANCE)");
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

    /**
     * N1 = 20, lambda n = 2 (the paper's defaults), relative threshold 1e-3, tolerance 1e-12, 500
     * Newton steps, CG to 1e-6 with at most 1000 iterations and Jacobi, no time limit, all
     * processors, plan threshold 1e-12.
     */
    public static SnsOptions defaults() {
        return new SnsOptions(20, 2.0, 1e-3, 1e-12, 500, 1e-6, 1000, new Jacobi(), Double.POSITIVE_INFINITY,
                Runtime.getRuntime().availableProcessors(), 1e-12, null);
    }

    public SnsOptions withSinkhornSteps(int value) {
        return new SnsOptions(value, keptPerRow, relativeThreshold, tolerance, maxNewtonIterations, cgRtol,
                cgMaxIterations, preconditioner, timeLimitSeconds, threads, planThreshold, listener);
    }

    public SnsOptions withKeptPerRow(double value) {
        return new SnsOptions(sinkhornSteps, value, relativeThreshold, tolerance, maxNewtonIterations, cgRtol,
                cgMaxIterations, preconditioner, timeLimitSeconds, threads, planThreshold, listener);
    }

    public SnsOptions withRelativeThreshold(double value) {
        return new SnsOptions(sinkhornSteps, keptPerRow, value, tolerance, maxNewtonIterations, cgRtol,
                cgMaxIterations, preconditioner, timeLimitSeconds, threads, planThreshold, listener);
    }

    public SnsOptions withTolerance(double value) {
        return new SnsOptions(sinkhornSteps, keptPerRow, relativeThreshold, value, maxNewtonIterations, cgRtol,
                cgMaxIterations, preconditioner, timeLimitSeconds, threads, planThreshold, listener);
    }

    public SnsOptions withMaxNewtonIterations(int value) {
        return new SnsOptions(sinkhornSteps, keptPerRow, relativeThreshold, tolerance, value, cgRtol,
                cgMaxIterations, preconditioner, timeLimitSeconds, threads, planThreshold, listener);
    }

    public SnsOptions withCgRtol(double value) {
        return new SnsOptions(sinkhornSteps, keptPerRow, relativeThreshold, tolerance, maxNewtonIterations, value,
                cgMaxIterations, preconditioner, timeLimitSeconds, threads, planThreshold, listener);
    }

    public SnsOptions withCgMaxIterations(int value) {
        return new SnsOptions(sinkhornSteps, keptPerRow, relativeThreshold, tolerance, maxNewtonIterations, cgRtol,
                value, preconditioner, timeLimitSeconds, threads, planThreshold, listener);
    }

    public SnsOptions withPreconditioner(Preconditioner value) {
        return new SnsOptions(sinkhornSteps, keptPerRow, relativeThreshold, tolerance, maxNewtonIterations, cgRtol,
                cgMaxIterations, value, timeLimitSeconds, threads, planThreshold, listener);
    }

    public SnsOptions withTimeLimitSeconds(double value) {
        return new SnsOptions(sinkhornSteps, keptPerRow, relativeThreshold, tolerance, maxNewtonIterations, cgRtol,
                cgMaxIterations, preconditioner, value, threads, planThreshold, listener);
    }

    public SnsOptions withThreads(int value) {
        return new SnsOptions(sinkhornSteps, keptPerRow, relativeThreshold, tolerance, maxNewtonIterations, cgRtol,
                cgMaxIterations, preconditioner, timeLimitSeconds, value, planThreshold, listener);
    }

    public SnsOptions withPlanThreshold(double value) {
        return new SnsOptions(sinkhornSteps, keptPerRow, relativeThreshold, tolerance, maxNewtonIterations, cgRtol,
                cgMaxIterations, preconditioner, timeLimitSeconds, threads, value, listener);
    }

    /** Watches the marginal error as the solve goes (see {@code listener}); null for none. */
    public SnsOptions withListener(IterationListener value) {
        return new SnsOptions(sinkhornSteps, keptPerRow, relativeThreshold, tolerance, maxNewtonIterations, cgRtol,
                cgMaxIterations, preconditioner, timeLimitSeconds, threads, planThreshold, value);
    }
}
