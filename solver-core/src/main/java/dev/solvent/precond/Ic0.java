package dev.solvent.precond;

import dev.solvent.backend.Backend;
import dev.solvent.backend.BoundOperator;
import dev.solvent.backend.Vector;
import dev.solvent.matrix.CsrMatrix;
import dev.solvent.matrix.LinearOperator;
import dev.solvent.matrix.Stencil7Operator;

/**
 * Incomplete Cholesky with zero fill, IC(0): {@code A ~ L L^T} with L on the pattern of A's lower
 * triangle. Entries, row by row:
 * <pre>
 *   l_ij = (a_ij - sum_{m&lt;j} l_im l_jm) / l_jj      for j &lt; i in the pattern
 *   l_ii = sqrt(a_ii - sum_{m&lt;i} l_im^2)
 * </pre>
 * The factorisation can break down (a non-positive pivot) even for an SPD matrix; then the
 * bound preconditioner reports the row and pivot through {@link BoundPreconditioner#failure()}
 * and the solver returns {@code DIVERGED_PRECONDITIONER_FAILED}. Only the lower triangle of A is
 * read, so A must be symmetric for the result to mean anything.
 */
public final class Ic0 implements Preconditioner {

    @Override
    public String name() {
        return "ic0";
    }

    @Override
    public BoundPreconditioner setup(BoundOperator a, Backend backend) {
        CsrMatrix A = csrOf(a.source(), "ic0");
        Factor factor = factor(A);
        if (factor.failure != null) {
            String why = factor.failure;
            return new BoundPreconditioner() {
                @Override
                public double applyDot(Vector r, Vector z) {
                    throw new IllegalStateException(why);
                }

                @Override
                public String failure() {
                    return why;
                }
            };
        }
        BoundOperator lower = backend.bind(factor.lower);
        return new BoundPreconditioner() {
            @Override
            public double applyDot(Vector r, Vector z) {
                return backend.choleskySolveDot(lower, r, z);
            }

            @Override
            public void close() {
                lower.close();
            }
        };
    }

    /** The IC(0) factor, or the reason it broke down. */
    public record Factor(CsrMatrix lower, String failure) {
    }

    /** Computes the IC(0) factor of the lower triangle of {@code a}. */
    public static Factor factor(CsrMatrix a) {
        if (!a.isSquare()) {
            throw new IllegalArgumentException("ic0 needs a square matrix, got " + a.rows() + " x " + a.cols());
        }
        CsrMatrix lowerPattern = a.lowerTriangle();
        int n = lowerPattern.rows();
        int[] rp = lowerPattern.rowPtr();
        int[] ci = lowerPattern.colIdx();
        double[] l = lowerPattern.values().clone();
        for (int i = 0; i < n; i++) {
            int start = rp[i];
            int end = rp[i + 1];
            if (end == start || ci[end - 1] != i) {
                return new Factor(null, "ic0 breakdown at row " + (i + 1) + " (counted from 1): no diagonal entry");
            }
            for (int k = start; k < end - 1; k++) {
                int j = ci[k];
                // Sparse dot of row i and row j over columns m < j (both rows sorted).
                double s = l[k];
                int p = start;
                int q = rp[j];
                int qEnd = rp[j + 1] - 1;
                while (p < k && q < qEnd) {
                    int cp = ci[p];
                    int cq = ci[q];
                    if (cp == cq) {
                        s -= l[p] * l[q];
                        p++;
                        q++;
                    } else if (cp < cq) {
                        p++;
                    } else {
                        q++;
                    }
                }
                l[k] = s / l[qEnd];
            }
            double pivot = l[end - 1];
            for (int k = start; k < end - 1; k++) {
                pivot -= l[k] * l[k];
            }
            if (!(pivot > 0.0) || !Double.isFinite(pivot)) {
                return new Factor(null, "ic0 breakdown at row " + (i + 1) + " (counted from 1): pivot " + pivot
                        + " is not positive (the matrix is not SPD, or IC(0) is unstable for it)");
            }
            l[end - 1] = Math.sqrt(pivot);
        }
        return new Factor(lowerPattern.withValues(l), null);
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
