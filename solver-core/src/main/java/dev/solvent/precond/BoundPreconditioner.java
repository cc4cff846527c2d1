package dev.solvent.precond;

import dev.solvent.backend.Vector;

/** A preconditioner bound to one operator: applies {@code z = M^-1 r}. */
public interface BoundPreconditioner extends AutoCloseable {

    /** Computes {@code z = M^-1 r} and returns {@code r . z} (fused, as PCG needs it next). */
    double applyDot(Vector r, Vector z);

    /**
     * Why the preconditioner cannot be used (for example the row where an incomplete
     * factorisation broke down), or null when it is ready. A solver reports this as
     * {@code DIVERGED_PRECONDITIONER_FAILED} instead of iterating.
     */
    default String failure() {
        return null;
    }

    /**
     * Why {@code A x = b} has no solution within {@code tolerance} (a residual norm), as far as
     * this preconditioner knows, or null: b has a component larger than the tolerance along a
     * null space of A that the preconditioner recognised (no x makes {@code ||b - A x||} smaller
     * than that component). A solver reports this as {@code DIVERGED_INCONSISTENT_RHS} instead of
     * iterating. Null by default.
     */
    default String inconsistency(Vector b, double tolerance) {
        return null;
    }

    /**
     * What setup built, for reports and logs: named values in a stable order (a multigrid
     * hierarchy's levels and complexities, the diagonal shift an incomplete factorisation needed).
     * Values are strings, numbers, booleans, or lists and maps of those. Empty by default.
     */
    default java.util.Map<String, Object> setupReport() {
        return java.util.Map.of();
    }

    /**
     * Numeric re-setup: the operator {@code a} has new values on the sparsity pattern this
     * preconditioner was set up for (the next time step of a simulation), and what depends on the
     * pattern alone (an AMG hierarchy's aggregates and prolongator patterns, a factor's pattern)
     * is kept while the numbers are recomputed. Returns false when this preconditioner has nothing
     * to reuse: the solver then closes it and runs a full {@link Preconditioner#setup} (the
     * default).
     *
     * @throws IllegalArgumentException if {@code a}'s pattern differs from the one set up for
     */
    default boolean resetup(dev.solvent.backend.BoundOperator a) {
        return false;
    }

    @Override
    default void close() {
    }
}
