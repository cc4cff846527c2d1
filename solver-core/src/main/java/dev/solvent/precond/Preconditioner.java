package dev.solvent.precond;

import dev.solvent.backend.Backend;
import dev.solvent.backend.BoundOperator;

/**
 * A preconditioner configuration: immutable, bound to a matrix by {@link #setup}, which does the
 * expensive part (factorisation, inverse diagonal, upload) once.
 */
public interface Preconditioner {

    /** Registry name: {@code none}, {@code jacobi}, {@code ssor}, {@code ic0}, ... */
    String name();

    /**
     * Prepares the preconditioner for the operator the solver has already bound.
     *
     * @throws IllegalArgumentException if the operator lacks what this preconditioner needs (an
     *                                  explicit diagonal, assembled entries, a nonzero diagonal)
     */
    BoundPreconditioner setup(BoundOperator a, Backend backend);
}
