package dev.solvent.precond;

import dev.solvent.backend.Backend;
import dev.solvent.backend.BoundOperator;
import dev.solvent.matrix.CsrMatrix;
import dev.solvent.matrix.LinearOperator;
import dev.solvent.matrix.Stencil7Operator;

/**
 * Incomplete Cholesky with zero fill, IC(0): {@code A ~ L L^T} with L on the pattern of A's lower
 * triangle (see {@link IncompleteCholesky} for the elimination). Entries, row by row:
 * <pre>
 *   l_ij = (a_ij - sum_{m&lt;j} l_im l_jm) / l_jj      for j &lt; i in the pattern
 *   l_ii = sqrt(a_ii - sum_{m&lt;i} l_im^2)
 * </pre>
 * The factorisation can break down (a non-positive pivot) even for an SPD matrix. By default it
 * then retries on the diagonally shifted, unit-diagonal-scaled matrix ({@link ShiftPolicy#DEFAULT});
 * the shift used and the retries appear in the setup report. With {@link ShiftPolicy#off()} the
 * bound preconditioner instead reports the row and pivot through {@link BoundPreconditioner#failure()}
 * and the solver returns {@code DIVERGED_PRECONDITIONER_FAILED}. Only the lower triangle of A is
 * read, so A must be symmetric for the result to mean anything.
 *
 * <p>Applying it solves {@code L L^T z = r} with the backend's triangular solves: on the CPU backend
 * by level scheduling over its threads, on the CUDA backend one kernel launch per level.
 */
public final class Ic0 extends CholeskyPreconditioner {

    /** IC(0) with the default shift policy. */
    public Ic0() {
        this(ShiftPolicy.DEFAULT);
    }

    /** IC(0) with the given shift policy ({@link ShiftPolicy#off()} for plain IC(0)). */
    public Ic0(ShiftPolicy shiftPolicy) {
        super(shiftPolicy);
    }

    @Override
    public String name() {
        return "ic0";
    }

    @Override
    double relaxation() {
        return 0.0;
    }

    /** The IC(0) factor, or the reason it broke down. */
    public record Factor(CsrMatrix lower, String failure) {
    }

    /**
     * The unshifted IC(0) factor of the lower triangle of {@code a} (computed on the unit-diagonal
     * scaling, returned in A's units), or the row where it broke down.
     */
    public static Factor factor(CsrMatrix a) {
        IncompleteCholesky.Factorization f = IncompleteCholesky.factor(a, "ic0", 0.0, ShiftPolicy.off());
        return new Factor(f.lower(), f.failure());
    }

    /** The operator as assembled entries, for preconditioners that need them. */
    static CsrMatrix csrOf(LinearOperator op, String who) {
        if (op instanceof CsrMatrix) {
            return (CsrMatrix) op;
        }
        if (op instanceof Stencil7Operator) {
            return ((Stencil7Operator) op).toCsr();
        }
        throw new IllegalArgumentException(who + " needs an assembled matrix (CsrMatrix or a stencil), got "
                + op.getClass().getSimpleName());
    }

    /** {@code a} itself when it is a bound CsrMatrix, else its assembled form bound anew. */
    static BoundOperator assembled(BoundOperator a, Backend backend, String who) {
        if (a.source() instanceof CsrMatrix) {
            return a;
        }
        return backend.bind(csrOf(a.source(), who));
    }
}
