package dev.solvent.ot;

/** Why an optimal transport solve stopped. Non-convergence is a result, not an exception. */
public enum OtReason {
    /** The marginal error reached the tolerance. */
    CONVERGED(true),
    /** The iteration limit was reached first. */
    MAX_ITERATIONS(false),
    /** The time limit was reached first. */
    TIME_LIMIT(false),
    /**
     * Newton made no more progress: the line search failed repeatedly, also after Sinkhorn fallback
     * steps (the tolerance is below what rounding allows for this problem).
     */
    STALLED(false),
    /** A NaN appeared (in the potentials or the plan). */
    DIVERGED_NAN(false),
    /**
     * The solving thread was interrupted; the solve stopped after the step in progress, the result
     * describes the potentials reached, and the thread's interrupt status is left set.
     */
    CANCELLED(false);

    private final boolean converged;

    OtReason(boolean converged) {
        this.converged = converged;
    }

    public boolean converged() {
        return converged;
    }
}
