package dev.solvent.matrix;

/**
 * Anything that maps a vector to a vector: an assembled {@link CsrMatrix}, a matrix-free stencil,
 * a preconditioner, a trained network, a whole solver. Solvers and preconditioners accept a
 * {@code LinearOperator}, which is what lets them nest and lets a learned preconditioner plug in
 * where Jacobi does.
 *
 * <p>{@link #apply} is the plain host form (Java arrays, the calling thread). Backends turn an
 * operator into their own bound form ({@link dev.solvent.backend.Backend#bind}) with fast kernels
 * for the operator types they know.
 */
public interface LinearOperator {

    /** Number of rows (length of the output vector). */
    int rows();

    /** Number of columns (length of the input vector). */
    int cols();

    /**
     * Computes {@code y = A x}. {@code x} and {@code y} must not alias.
     *
     * @throws IllegalArgumentException if a vector length does not match the operator
     */
    void apply(double[] x, double[] y);

    /**
     * The main diagonal, where the operator can supply it cheaply (assembled matrices and
     * stencils can; a black-box operator cannot).
     *
     * @throws UnsupportedOperationException when the operator has no explicit diagonal
     */
    default double[] diagonal() {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " has no explicit diagonal");
    }

    /** Checks the lengths of an {@link #apply} call and throws a message naming both sizes. */
    static void checkApply(LinearOperator op, double[] x, double[] y) {
        if (x.length != op.cols()) {
            throw new IllegalArgumentException("input vector has length " + x.length
                    + " but the operator has " + op.cols() + " columns");
        }
        if (y.length != op.rows()) {
            throw new IllegalArgumentException("output vector has length " + y.length
                    + " but the operator has " + op.rows() + " rows");
        }
        if (x == y) {
            throw new IllegalArgumentException("input and output vectors must not be the same array");
        }
    }
}
