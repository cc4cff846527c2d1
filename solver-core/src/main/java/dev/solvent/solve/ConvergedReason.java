package dev.solvent.solve;

/**
 * Why an iteration stopped (PETSc's converged reasons). Non-convergence is a result, not an
 * exception: a CFD code inspects the reason and decides, rather than catching.
 */
public enum ConvergedReason {
    /** Residual norm at or below {@code rtol * ||b||}. */
    CONVERGED_RTOL(true),
    /** Residual norm at or below {@code atol} (and {@code atol} was the looser bound). */
    CONVERGED_ATOL(true),
    /** {@code b = 0}: the answer is exactly zero, found in 0 iterations. */
    CONVERGED_ZERO_RHS(true),
    /** The iteration limit was reached first. */
    DIVERGED_MAX_ITERATIONS(false),
    /** CG met a direction with {@code p . Ap <= 0}: the matrix is not positive definite. */
    DIVERGED_INDEFINITE_MATRIX(false),
    /** The preconditioner gave {@code r . z <= 0}: it is not positive definite. */
    DIVERGED_INDEFINITE_PRECONDITIONER(false),
    /** A NaN or infinity appeared (in b, the matrix, or the iteration). */
    DIVERGED_NAN(false),
    /**
     * The residual norm grew past {@code divergenceTolerance * ||r0||} (PETSc's dtol): the iteration
     * diverges (a stationary method whose iteration matrix has spectral radius above one, CG on a
     * nonsymmetric matrix).
     */
    DIVERGED_DTOL(false),
    /** The preconditioner could not be built (an IC(0) breakdown); the message says where. */
    DIVERGED_PRECONDITIONER_FAILED(false),
    /**
     * The recursively updated residual met the tolerance but the true residual {@code b - Ax} did
     * not, even after restarting from it: rounding limits the attainable accuracy.
     */
    DIVERGED_BREAKDOWN(false),
    /**
     * The smallest residual norm seen fell by less than 0.1% over the last
     * {@code stagnationWindow} iterations: the iteration makes no progress (an inconsistent
     * singular system, CG on a nonsymmetric matrix, a tolerance below attainable accuracy).
     */
    DIVERGED_STAGNATION(false),
    /**
     * The right-hand side has a component along a null space of A, known to the preconditioner
     * (the constant that AMG recognises on a pure-Neumann problem), larger than the tolerance:
     * no x brings {@code ||b - A x||} below it, so the solve stops before iterating (x is the
     * initial guess).
     * The message gives the component and how to remove it.
     */
    DIVERGED_INCONSISTENT_RHS(false),
    /**
     * The solving thread was interrupted ({@link Thread#interrupt()}); the solve stopped after the
     * iteration in progress, x holds that iterate, and the thread's interrupt status is left set.
     */
    CANCELLED(false);

    private final boolean converged;

    ConvergedReason(boolean converged) {
        this.converged = converged;
    }

    /** Whether this reason means success. */
    public boolean converged() {
        return converged;
    }
}
