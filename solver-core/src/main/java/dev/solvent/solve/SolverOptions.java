package dev.solvent.solve;

/**
 * Immutable solver configuration, apart from any matrix (Ginkgo factories, PETSc KSP options).
 * Start from {@link #defaults()} and change what you need with the {@code with...} methods.
 *
 * <p>Stopping rule: stop when {@code ||r|| <= max(rtol * ||b||, atol)}, with {@code r = b - Ax}
 * (the norm of b, as SciPy and MTJ use, so that the answer does not depend on the initial guess).
 * Either tolerance may be 0 (for example {@code withRtol(0).withAtol(1e-12)} for an absolute
 * tolerance alone, in either order); both 0 would never stop, and a solver refuses such options
 * when it is created or set up ({@link #requireStoppable()}).
 *
 * <p>Every iterative method also stops, with its own reason, when the residual norm exceeds
 * {@code divergenceTolerance} times the initial one ({@code DIVERGED_DTOL}), when its smallest
 * residual norm has not fallen by 0.1% over {@code stagnationWindow} iterations
 * ({@code DIVERGED_STAGNATION}), and when the solving thread is interrupted ({@code CANCELLED}).
 *
 * @param rtol                relative tolerance on the residual norm, against {@code ||b||}
 * @param atol                absolute tolerance on the residual norm
 * @param maxIterations       iteration limit
 * @param omega               relaxation parameter for SOR/SSOR (and the SSOR preconditioner), in (0, 2)
 * @param nonzeroInitialGuess use the x passed to {@code solve} as the initial guess; when false
 *                            (the default) x is overwritten with zero first
 * @param divergenceTolerance a solve whose residual norm exceeds this multiple of the initial
 *                            residual norm stops as diverging ({@code DIVERGED_DTOL}, PETSc's dtol)
 * @param recordHistory       keep the residual norm of every iteration in the result
 * @param listener            called after every iteration, or null
 * @param stagnationWindow    iterations over which the smallest residual norm must fall by at least
 *                            0.1%, else the solve stops ({@code DIVERGED_STAGNATION}); 0 turns the
 *                            test off
 */
public record SolverOptions(double rtol, double atol, int maxIterations, double omega,
                            boolean nonzeroInitialGuess, double divergenceTolerance,
                            boolean recordHistory, IterationListener listener, int stagnationWindow) {

    public SolverOptions {
        if (!(rtol >= 0) || !(atol >= 0) || Double.isInfinite(rtol) || Double.isInfinite(atol)) {
            throw new IllegalArgumentException("tolerances must be finite and non-negative (rtol="
                    + rtol + ", atol=" + atol + ")");
        }
        if (maxIterations < 0) {
            throw new IllegalArgumentException("maxIterations must be non-negative, got " + maxIterations);
        }
        if (!(omega > 0 && omega < 2)) {
            throw new IllegalArgumentException("omega must lie in (0, 2) for SOR to converge on SPD matrices, got " + omega);
        }
        if (!(divergenceTolerance > 1)) {
            throw new IllegalArgumentException("divergenceTolerance must exceed 1, got " + divergenceTolerance);
        }
        if (stagnationWindow < 0) {
            throw new IllegalArgumentException("stagnationWindow must be 0 (off) or positive, got " + stagnationWindow);
        }
    }

    /**
     * Checks that a solve with these options can stop: rtol and atol are not both zero. Solvers
     * call it when they are created and set up, so the order of the {@code with} calls that built
     * the options does not matter.
     *
     * @throws IllegalArgumentException naming both tolerances
     */
    public SolverOptions requireStoppable() {
        if (rtol == 0 && atol == 0) {
            throw new IllegalArgumentException("rtol and atol are both 0: no residual can meet that; give a positive"
                    + " relative (rtol) or absolute (atol) tolerance");
        }
        return this;
    }

    /**
     * rtol 1e-8, atol 0, 10000 iterations, omega 1, zero initial guess, divergence at 1e5 growth,
     * history on, stagnation window 1000 iterations.
     */
    public static SolverOptions defaults() {
        return new SolverOptions(1e-8, 0.0, 10_000, 1.0, false, 1e5, true, null, 1000);
    }

    public SolverOptions withRtol(double value) {
        return new SolverOptions(value, atol, maxIterations, omega, nonzeroInitialGuess, divergenceTolerance, recordHistory, listener, stagnationWindow);
    }

    public SolverOptions withAtol(double value) {
        return new SolverOptions(rtol, value, maxIterations, omega, nonzeroInitialGuess, divergenceTolerance, recordHistory, listener, stagnationWindow);
    }

    public SolverOptions withMaxIterations(int value) {
        return new SolverOptions(rtol, atol, value, omega, nonzeroInitialGuess, divergenceTolerance, recordHistory, listener, stagnationWindow);
    }

    public SolverOptions withOmega(double value) {
        return new SolverOptions(rtol, atol, maxIterations, value, nonzeroInitialGuess, divergenceTolerance, recordHistory, listener, stagnationWindow);
    }

    public SolverOptions withNonzeroInitialGuess(boolean value) {
        return new SolverOptions(rtol, atol, maxIterations, omega, value, divergenceTolerance, recordHistory, listener, stagnationWindow);
    }

    public SolverOptions withDivergenceTolerance(double value) {
        return new SolverOptions(rtol, atol, maxIterations, omega, nonzeroInitialGuess, value, recordHistory, listener, stagnationWindow);
    }

    public SolverOptions withRecordHistory(boolean value) {
        return new SolverOptions(rtol, atol, maxIterations, omega, nonzeroInitialGuess, divergenceTolerance, value, listener, stagnationWindow);
    }

    public SolverOptions withListener(IterationListener value) {
        return new SolverOptions(rtol, atol, maxIterations, omega, nonzeroInitialGuess, divergenceTolerance, recordHistory, value, stagnationWindow);
    }

    public SolverOptions withStagnationWindow(int value) {
        return new SolverOptions(rtol, atol, maxIterations, omega, nonzeroInitialGuess, divergenceTolerance, recordHistory, listener, value);
    }

    /**
     * The residual norm at which a solve with right-hand-side norm {@code bNorm} stops (the norms
     * of the system as given; a bound solver that rescales an extreme b rescales the threshold).
     */
    public double threshold(double bNorm) {
        return Math.max(rtol * bNorm, atol);
    }

    /** Which reason a converged solve reports: the bound that set the threshold. */
    public ConvergedReason convergedReason(double bNorm) {
        return rtol * bNorm >= atol ? ConvergedReason.CONVERGED_RTOL : ConvergedReason.CONVERGED_ATOL;
    }
}
