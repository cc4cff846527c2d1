package dev.solvent.solve;

import dev.solvent.backend.Backend;
import dev.solvent.backend.Vector;
import dev.solvent.matrix.LinearOperator;

/**
 * A solver bound to one operator and backend, ready to solve {@code A x = b} many times. As a
 * {@link LinearOperator} it applies an approximate inverse, {@code x = solve(b)}, so solvers nest.
 *
 * <p><b>One thread at a time.</b> A bound solver owns its work vectors. A {@code solve} entered
 * while another solve of the same bound solver runs (on another thread, or re-entered from a
 * listener) is refused at once with an {@link IllegalStateException}, before it touches anything;
 * the running solve is unaffected. Set up one bound solver per thread: any number of them may share
 * one {@link Backend} and run at the same time.
 *
 * <p><b>Cancellation.</b> Interrupting the thread that runs a solve ends it after the iteration in
 * progress with {@link ConvergedReason#CANCELLED}; x holds the last iterate and the thread's
 * interrupt status stays set.
 *
 * <p><b>Lifetime.</b> After {@link #close}, and once its backend is closed, {@code solve} throws
 * {@link IllegalStateException}.
 */
public interface BoundSolver extends LinearOperator, AutoCloseable {

    /**
     * Solves {@code A x = b}. {@code x} is the initial guess when the options ask for a nonzero
     * one (it is zeroed first otherwise) and holds the answer on return, whatever the reason.
     *
     * @throws IllegalArgumentException if a length does not match the operator, or b and x are
     *                                  the same array (x is overwritten while b is still read)
     * @throws IllegalStateException    if this bound solver or its backend is closed, or another
     *                                  solve of this bound solver is running
     */
    SolveResult solve(double[] b, double[] x);

    /** As {@link #solve(double[], double[])} on vectors already on this solver's backend. */
    SolveResult solve(Vector b, Vector x);

    /**
     * What {@code setup} built, for reports: {@code setupSeconds} (wall time of setup) and, for a
     * preconditioned solver, the preconditioner's own report under {@code preconditioner} (see
     * {@link dev.solvent.precond.BoundPreconditioner#setupReport()}). Values are strings, numbers,
     * booleans, or lists and maps of those; keys keep a stable order.
     */
    default java.util.Map<String, Object> setupReport() {
        return java.util.Map.of();
    }

    /**
     * Numeric re-setup for a sequence of systems on one sparsity pattern (a CFD code's pressure
     * matrix when the density or the time step changes): the following solves use {@code a}.
     * Preconditioners that can reuse their pattern work do so (an AMG hierarchy keeps its
     * aggregates); the others are set up afresh.
     *
     * @throws IllegalArgumentException if {@code a} differs from the bound operator in size or in
     *                                  sparsity pattern (a stencil: in grid size)
     * @throws UnsupportedOperationException if this solver cannot change its operator
     */
    default void resetup(LinearOperator a) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot re-setup: set up a new solver");
    }

    /** The backend the kernels run on. */
    Backend backend();

    /** Releases bound operators, preconditioner factors and work vectors (device memory). */
    @Override
    void close();

    /** Applies the approximate inverse: {@code x = solve(b)} from a zero guess. */
    @Override
    default void apply(double[] b, double[] x) {
        LinearOperator.checkApply(this, b, x);
        java.util.Arrays.fill(x, 0.0);
        solve(b, x);
    }
}
