package dev.solvent.solve;

import dev.solvent.backend.Backend;
import dev.solvent.matrix.LinearOperator;

/**
 * A solver configuration: immutable, matrix-free, reusable. {@link #setup} does the expensive,
 * matrix-bound part once (factorisation, upload, partitioning); the {@link BoundSolver} it returns
 * then solves for as many right-hand sides as needed.
 */
public interface IterativeSolver {

    /** Registry name: {@code cg}, {@code sor}, {@code ssor}, {@code gs}, ... */
    String name();

    /** The options this solver was built with. */
    SolverOptions options();

    /**
     * Binds the solver to a square operator on a backend. The backend stays owned by the caller.
     *
     * @throws IllegalArgumentException if the operator is not square or lacks what the solver needs
     * @throws IllegalStateException    if the backend has been closed
     */
    BoundSolver setup(LinearOperator a, Backend backend);
}
