package dev.solvent.matrix;

import java.util.Arrays;
import java.util.Objects;
import org.ejml.data.DMatrixRMaj;
import org.ejml.data.DMatrixSparseCSC;

/**
 * Conversions between {@link CsrMatrix} and EJML's matrices, so that EJML's direct solvers and
 * decompositions can be used beside ours (and serve as an independent check in tests). Every
 * conversion copies; nothing is shared with the source.
 */
public final class EjmlInterop {

    private EjmlInterop() {
    }

    /**
     * The same matrix in EJML's compressed sparse column form, row indices sorted within each column
     * and explicit zeros kept.
     */
    public static DMatrixSparseCSC toEjml(CsrMatrix a) {
        Objects.requireNonNull(a, "a");
        // The CSR arrays of A^T are, read column by column, exactly the CSC arrays of A; transpose()
        // returns fresh arrays, so EJML can own them.
        CsrMatrix t = a.transpose();
        DMatrixSparseCSC c = new DMatrixSparseCSC(a.rows(), a.cols(), 0);
        c.col_idx = t.rowPtr();
        c.nz_rows = t.colIdx();
        c.nz_values = t.values();
        c.nz_length = t.nnz();
        c.indicesSorted = true;
        return c;
    }

    /**
     * A {@link CsrMatrix} equal to {@code m}. Row indices within a column may be in any order (EJML
     * leaves them unsorted after some operations); explicit zeros are kept as stored entries.
     *
     * @throws IllegalArgumentException if {@code m}'s arrays are inconsistent or a position is stored
     *     twice
     */
    public static CsrMatrix fromEjml(DMatrixSparseCSC m) {
        Objects.requireNonNull(m, "m");
        int rows = m.numRows;
        int cols = m.numCols;
        int nnz = m.nz_length;
        int[] colPtr = m.col_idx;
        int[] rowIdx = m.nz_rows;
        double[] vals = m.nz_values;
        if (rows < 0 || cols < 0 || nnz < 0) {
            throw new IllegalArgumentException("EJML matrix has negative size " + rows + " x " + cols + ", nz_length " + nnz);
        }
        if (colPtr == null || colPtr.length < cols + 1 || colPtr[0] != 0 || colPtr[cols] != nnz) {
            throw new IllegalArgumentException("EJML matrix has inconsistent col_idx (expected length >= " + (cols + 1)
                    + ", col_idx[0] = 0 and col_idx[numCols] = nz_length = " + nnz + ")");
        }
        if (rowIdx == null || rowIdx.length < nnz || vals == null || vals.length < nnz) {
            throw new IllegalArgumentException("EJML matrix arrays are shorter than nz_length = " + nnz);
        }
        int[] rowPtr = new int[rows + 1];
        for (int j = 0; j < cols; j++) {
            if (colPtr[j + 1] < colPtr[j]) {
                throw new IllegalArgumentException("EJML matrix col_idx decreases at column " + j);
            }
            for (int k = colPtr[j]; k < colPtr[j + 1]; k++) {
                int i = rowIdx[k];
                if (i < 0 || i >= rows) {
                    throw new IllegalArgumentException("EJML matrix row index " + i + " out of range [0, " + rows
                            + ") in column " + j);
                }
                rowPtr[i + 1]++;
            }
        }
        for (int i = 0; i < rows; i++) {
            rowPtr[i + 1] += rowPtr[i];
        }
        int[] next = Arrays.copyOf(rowPtr, rows);
        int[] colIdx = new int[nnz];
        double[] values = new double[nnz];
        // Columns are visited in increasing order, so every CSR row comes out sorted whatever the
        // order of row indices inside each CSC column.
        for (int j = 0; j < cols; j++) {
            for (int k = colPtr[j]; k < colPtr[j + 1]; k++) {
                int dst = next[rowIdx[k]]++;
                if (dst > rowPtr[rowIdx[k]] && colIdx[dst - 1] == j) {
                    throw new IllegalArgumentException("EJML matrix stores entry (" + rowIdx[k] + ", " + j + ") twice");
                }
                colIdx[dst] = j;
                values[dst] = vals[k];
            }
        }
        return new CsrMatrix(rows, cols, rowPtr, colIdx, values, true);
    }

    /** The matrix as a dense row-major EJML matrix (absent entries zero). */
    public static DMatrixRMaj toDense(CsrMatrix a) {
        Objects.requireNonNull(a, "a");
        long size = (long) a.rows() * a.cols();
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a dense " + a.rows() + " x " + a.cols() + " matrix does not fit in one array");
        }
        DMatrixRMaj d = new DMatrixRMaj(a.rows(), a.cols());
        int[] rp = a.rowPtr();
        int[] ci = a.colIdx();
        double[] v = a.values();
        int cols = a.cols();
        for (int i = 0; i < a.rows(); i++) {
            for (int k = rp[i]; k < rp[i + 1]; k++) {
                d.data[i * cols + ci[k]] = v[k];
            }
        }
        return d;
    }
}
