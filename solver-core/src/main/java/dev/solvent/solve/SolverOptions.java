package dev.solvent.solve;

/**
 * Immutable solver configuration, apart from any matrix (Ginkgo factories, PETSc KSP options).
 * Start from {@link #defaults()} and change what you need with the {@code with...} methods.
 *
 * <p>Stopping rule: stop when {@code ||r|| <= max(rtol * ||b||, atol)}, with {@code r = b - Ax}
 * (the norm of b, as SciPy and MTJ use, so that the answer does not depend on the initial guess).
 *
 * @param rtol                relative tolerance on the residual norm, against {@code ||b||}
 * @param atol                absolute tolerance on the residual norm
 * @param maxIterations       iteration limit
 * @param omega               relaxation parameter for SOR/SSOR (and the SSOR preconditioner), in (0, 2)
 * @param nonzeroInitialGuess use the x passed to {@code solve} as the initial guess; when false
 *                            (the default) x is overwritten with zero first
 * @param divergenceTolerance a stationary iteration whose residual exceeds this multiple of the
 *                            initial residual is reported as diverging
 * @param recordHistory       keep the residual norm of every iteration in the result
 * @param listener            called after every iteration, or null
 */
public record SolverOptions(double rtol, double atol, int maxIterations, double omega,
                            boolean nonzeroInitialGuess, double divergenceTolerance,
                            boolean recordHistory, IterationListener listener) {

    public SolverOptions {
        if (!(rtol >= 0) || !(atol >= 0) || (rtol == 0 && atol == 0)) {
            throw new IllegalArgumentException("tolerances must be non-negative and not both zero (rtol="
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
    }

    /** rtol 1e-8, atol 0, 10000 iterations, omega 1, zero initial guess, divergence at 1e5 growth, history on. */
    public static SolverOptions defaults() {
        return new SolverOptions(1e-8, 0.0, 10_000, 1.0, false, 1e5, true, null);
    }

    public SolverOptions withRtol(double value) {
        return new SolverOptions(value, atol, maxIterations, omega, nonzeroInitialGuess, divergenceTolerance, recordHistory, listener);
    }

    public SolverOptions withAtol(double value) {
        return new SolverOptions(rtol, value, maxIterations, omega, nonzeroInitialGuess, divergenceTolerance, recordHistory, listener);
    }

    public SolverOptions withMaxIterations(int value) {
        return new SolverOptions(rtol, atol, value, omega, nonzeroInitialGuess, divergenceTolerance, recordHistory, listener);
    }

    public SolverOptions withOmega(double value) {
        return new SolverOptions(rtol, atol, maxIterations, value, nonzeroInitialGuess, divergenceTolerance, recordHistory, listener);
    }

    public SolverOptions withNonzeroInitialGuess(boolean value) {
        return new SolverOptions(rtol, atol, maxIterations, omega, value, divergenceTolerance, recordHistory, listener);
    }

    public SolverOptions withDivergenceTolerance(double value) {
        return new SolverOptions(rtol, atol, maxIterations, omega, nonzeroInitialGuess, value, recordHistory, listener);
    }

    public SolverOptions withRecordHistory(boolean value) {
        return new SolverOptions(rtol, atol, maxIterations, omega, nonzeroInitialGuess, divergenceTolerance, value, listener);
    }

    public SolverOptions withListener(IterationListener value) {
        return new SolverOptions(rtol, atol, maxIterations, omega, nonzeroInitialGuess, divergenceTolerance, recordHistory, value);
    }

    /** The residual norm at which a solve with right-hand-side norm {@code bNorm} stops. */
    public double threshold(double bNorm) {
        return Math.max(rtol * bNorm, atol);
    }

    /** Which reason a converged solve reports: the bound that set the threshold. */
    public ConvergedReason convergedReason(double bNorm) {
        return rtol * bNorm >= atol ? ConvergedReason.CONVERGED_RTOL : ConvergedReason.CONVERGED_ATOL;
    }
}
