package dev.solvent.backend;

import dev.solvent.matrix.CsrMatrix;
import dev.solvent.matrix.LinearOperator;

/**
 * A {@link CsrMatrix} bound to a host backend: the matrix itself plus what the kernels derive
 * from it once (the position of each row's diagonal entry, and row splits for threads).
 */
public class HostCsr implements BoundOperator {

    private final CsrMatrix matrix;
    private int[] diagonalPositions;

    public HostCsr(CsrMatrix matrix) {
        this.matrix = matrix;
    }

    public CsrMatrix matrix() {
        return matrix;
    }

    @Override
    public LinearOperator source() {
        return matrix;
    }

    /**
     * Index into {@code values} of each row's diagonal entry, computed on first use.
     *
     * @throws IllegalArgumentException naming the first row whose diagonal is missing or zero
     */
    public synchronized int[] diagonalPositions() {
        if (diagonalPositions == null) {
            int n = matrix.rows();
            if (!matrix.isSquare()) {
                throw new IllegalArgumentException("relaxation needs a square matrix, got " + n + " x " + matrix.cols());
            }
            int[] rp = matrix.rowPtr();
            int[] ci = matrix.colIdx();
            double[] v = matrix.values();
            int[] pos = new int[n];
            for (int i = 0; i < n; i++) {
                pos[i] = java.util.Arrays.binarySearch(ci, rp[i], rp[i + 1], i);
                if (pos[i] < 0 || v[pos[i]] == 0.0) {
                    throw new IllegalArgumentException("row " + (i + 1) + " (counted from 1) has a zero diagonal entry: relaxation and"
                            + " triangular solves need every diagonal entry nonzero");
                }
            }
            diagonalPositions = pos;
        }
        return diagonalPositions;
    }

    /** Unwraps a bound operator that must be an assembled matrix on a host backend. */
    public static HostCsr of(BoundOperator a, String kernel) {
        if (a instanceof HostCsr) {
            return (HostCsr) a;
        }
        throw new UnsupportedOperationException(kernel + " needs an assembled CsrMatrix, got "
                + a.source().getClass().getSimpleName());
    }
}
