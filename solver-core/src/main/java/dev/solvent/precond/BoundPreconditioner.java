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
     * What setup built, for reports and logs: named values in a stable order (a multigrid
     * hierarchy's levels and complexities, the diagonal shift an incomplete factorisation needed).
     * Values are strings, numbers, booleans, or lists and maps of those. Empty by default.
     */
    default java.util.Map<String, Object> setupReport() {
        return java.util.Map.of();
    }

    @Override
    default void close() {
    }
}
