package dev.solvent.matrix;

import java.util.Arrays;

/**
 * An immutable sparse matrix in compressed sparse row (CSR) form.
 *
 * <p>Invariants, checked on construction: {@code rowPtr[0] = 0}, {@code rowPtr} non-decreasing,
 * {@code rowPtr[rows] = nnz}, and within each row the column indices are strictly increasing and
 * inside {@code [0, cols)}. Values may be any double, NaN included: a solver reports a non-finite
 * matrix as {@code DIVERGED_NAN} rather than refusing to build it, so that a corrupted operator in a
 * long simulation comes back as a result, not an exception from deep inside a time step.
 *
 * <p>The accessors {@link #rowPtr()}, {@link #colIdx()} and {@link #values()} return the internal
 * arrays without copying, so that kernels can run on them directly (as EJML and MTJ do). They are
 * shared: treat them as read-only. Every path that builds a {@code CsrMatrix} from caller-owned
 * arrays copies them first, so the matrix itself cannot be changed from outside.
 */
public final class CsrMatrix implements LinearOperator {

    private final int rows;
    private final int cols;
    private final int[] rowPtr;
    private final int[] colIdx;
    private final double[] values;

    /** Takes ownership of already validated arrays: only for code in this package that built them. */
    CsrMatrix(int rows, int cols, int[] rowPtr, int[] colIdx, double[] values, boolean trusted) {
        this.rows = rows;
        this.cols = cols;
        this.rowPtr = rowPtr;
        this.colIdx = colIdx;
        this.values = values;
        if (!trusted) {
            validate();
        }
    }

    /**
     * Builds a matrix from CSR arrays, which are copied and validated.
     *
     * @throws IllegalArgumentException naming the first violated invariant (row and entry)
     */
    public static CsrMatrix of(int rows, int cols, int[] rowPtr, int[] colIdx, double[] values) {
        if (rowPtr == null || colIdx == null || values == null) {
            throw new IllegalArgumentException("CSR arrays must not be null");
        }
        return new CsrMatrix(rows, cols, rowPtr.clone(), colIdx.clone(), values.clone(), false);
    }

    /**
     * Builds a matrix on CSR arrays that the caller hands over and no longer touches: validated as
     * by {@link #of}, but not copied (for large matrices built once, such as a multigrid setup's
     * prolongators, where a copy doubles the memory the build touches).
     *
     * @throws IllegalArgumentException naming the first violated invariant (row and entry)
     */
    public static CsrMatrix adopt(int rows, int cols, int[] rowPtr, int[] colIdx, double[] values) {
        if (rowPtr == null || colIdx == null || values == null) {
            throw new IllegalArgumentException("CSR arrays must not be null");
        }
        return new CsrMatrix(rows, cols, rowPtr, colIdx, values, false);
    }

    /** A triplet (COO) builder; duplicate entries are summed when the matrix is built. */
    public static CooBuilder builder(int rows, int cols) {
        return new CooBuilder(rows, cols);
    }

    /** The n-by-n identity. */
    public static CsrMatrix identity(int n) {
        int[] rp = new int[n + 1];
        int[] ci = new int[n];
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            rp[i + 1] = i + 1;
            ci[i] = i;
            v[i] = 1.0;
        }
        return new CsrMatrix(n, n, rp, ci, v, true);
    }

    private void validate() {
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException("negative dimensions " + rows + " x " + cols);
        }
        if (rowPtr.length != rows + 1) {
            throw new IllegalArgumentException("rowPtr has length " + rowPtr.length + ", expected rows + 1 = " + (rows + 1));
        }
        if (rowPtr[0] != 0) {
            throw new IllegalArgumentException("rowPtr[0] is " + rowPtr[0] + ", expected 0");
        }
        if (colIdx.length != values.length) {
            throw new IllegalArgumentException("colIdx has " + colIdx.length + " entries but values has " + values.length);
        }
        if (rowPtr[rows] != colIdx.length) {
            throw new IllegalArgumentException("rowPtr[rows] is " + rowPtr[rows] + " but there are " + colIdx.length + " entries");
        }
        for (int i = 0; i < rows; i++) {
            int start = rowPtr[i];
            int end = rowPtr[i + 1];
            if (end < start) {
                throw new IllegalArgumentException("rowPtr decreases at row " + i + " (" + start + " > " + end + ")");
            }
            int previous = -1;
            for (int k = start; k < end; k++) {
                int j = colIdx[k];
                if (j < 0 || j >= cols) {
                    throw new IllegalArgumentException("column index " + j + " out of range [0, " + cols + ") in row " + i);
                }
                if (j <= previous) {
                    throw new IllegalArgumentException("column indices of row " + i + " are not strictly increasing ("
                            + previous + " then " + j + ")");
                }
                previous = j;
            }
        }
    }

    @Override
    public int rows() {
        return rows;
    }

    @Override
    public int cols() {
        return cols;
    }

    /** Number of stored entries (explicit zeros included). */
    public int nnz() {
        return values.length;
    }

    /** Row pointers, length {@code rows + 1}. Shared, read-only by contract. */
    public int[] rowPtr() {
        return rowPtr;
    }

    /** Column indices, length {@code nnz}. Shared, read-only by contract. */
    public int[] colIdx() {
        return colIdx;
    }

    /** Values, length {@code nnz}. Shared, read-only by contract. */
    public double[] values() {
        return values;
    }

    /** Whether the matrix is square. */
    public boolean isSquare() {
        return rows == cols;
    }

    /** Entry (i, j), zero where nothing is stored. Binary search within the row. */
    public double get(int i, int j) {
        if (i < 0 || i >= rows || j < 0 || j >= cols) {
            throw new IndexOutOfBoundsException("(" + i + ", " + j + ") outside " + rows + " x " + cols);
        }
        int k = Arrays.binarySearch(colIdx, rowPtr[i], rowPtr[i + 1], j);
        return k >= 0 ? values[k] : 0.0;
    }

    /** Single-threaded {@code y = A x}, the plain host form; backends run their own kernels. */
    @Override
    public void apply(double[] x, double[] y) {
        LinearOperator.checkApply(this, x, y);
        for (int i = 0; i < rows; i++) {
            double sum = 0.0;
            for (int k = rowPtr[i]; k < rowPtr[i + 1]; k++) {
                sum += values[k] * x[colIdx[k]];
            }
            y[i] = sum;
        }
    }

    /** The main diagonal (zero where a row stores no diagonal entry). */
    @Override
    public double[] diagonal() {
        int n = Math.min(rows, cols);
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = get(i, i);
        }
        return d;
    }

    /** The transpose, built by a counting sort over columns (O(nnz)). */
    public CsrMatrix transpose() {
        int nnz = nnz();
        int[] tPtr = new int[cols + 1];
        for (int k = 0; k < nnz; k++) {
            tPtr[colIdx[k] + 1]++;
        }
        for (int j = 0; j < cols; j++) {
            tPtr[j + 1] += tPtr[j];
        }
        int[] next = Arrays.copyOf(tPtr, cols);
        int[] tIdx = new int[nnz];
        double[] tVal = new double[nnz];
        for (int i = 0; i < rows; i++) {
            for (int k = rowPtr[i]; k < rowPtr[i + 1]; k++) {
                int dst = next[colIdx[k]]++;
                tIdx[dst] = i;
                tVal[dst] = values[k];
            }
        }
        // Rows are visited in increasing order, so each transposed row comes out sorted.
        return new CsrMatrix(cols, rows, tPtr, tIdx, tVal, true);
    }

    /** Whether the stored pattern is symmetric (ignoring values). */
    public boolean isStructurallySymmetric() {
        if (!isSquare()) {
            return false;
        }
        CsrMatrix t = transpose();
        return Arrays.equals(rowPtr, t.rowPtr) && Arrays.equals(colIdx, t.colIdx);
    }

    /**
     * Whether {@code |a_ij - a_ji| <= relTol * max|a|} for every pair, an entry missing on one side
     * counting as zero. {@code relTol = 0} asks for exact symmetry.
     */
    public boolean isSymmetric(double relTol) {
        if (!isSquare()) {
            return false;
        }
        double maxAbs = 0.0;
        for (double v : values) {
            maxAbs = Math.max(maxAbs, Math.abs(v));
        }
        double tol = relTol * maxAbs;
        for (int i = 0; i < rows; i++) {
            for (int k = rowPtr[i]; k < rowPtr[i + 1]; k++) {
                int j = colIdx[k];
                if (j == i) {
                    continue;
                }
                if (!(Math.abs(values[k] - get(j, i)) <= tol)) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * The lower triangle including the diagonal ({@code j <= i}), the pattern IC(0) keeps.
     */
    public CsrMatrix lowerTriangle() {
        int[] rp = new int[rows + 1];
        for (int i = 0; i < rows; i++) {
            int count = 0;
            for (int k = rowPtr[i]; k < rowPtr[i + 1]; k++) {
                if (colIdx[k] <= i) {
                    count++;
                }
            }
            rp[i + 1] = rp[i] + count;
        }
        int[] ci = new int[rp[rows]];
        double[] v = new double[rp[rows]];
        int dst = 0;
        for (int i = 0; i < rows; i++) {
            for (int k = rowPtr[i]; k < rowPtr[i + 1]; k++) {
                if (colIdx[k] <= i) {
                    ci[dst] = colIdx[k];
                    v[dst] = values[k];
                    dst++;
                }
            }
        }
        return new CsrMatrix(rows, cols, rp, ci, v, true);
    }

    /** Whether {@code other} has this matrix's size and stored pattern (values may differ). */
    public boolean hasSamePattern(CsrMatrix other) {
        return firstPatternDifference(other) < 0;
    }

    /**
     * The first row whose stored columns differ in {@code other} (its row count when only the
     * sizes differ), or -1 when the sizes and patterns are the same.
     */
    public int firstPatternDifference(CsrMatrix other) {
        if (rows != other.rows || cols != other.cols) {
            return Math.min(rows, other.rows);
        }
        if (rowPtr == other.rowPtr && colIdx == other.colIdx) {
            return -1;
        }
        for (int i = 0; i < rows; i++) {
            if (rowPtr[i + 1] - rowPtr[i] != other.rowPtr[i + 1] - other.rowPtr[i]
                    || !Arrays.equals(colIdx, rowPtr[i], rowPtr[i + 1], other.colIdx, other.rowPtr[i], other.rowPtr[i + 1])) {
                return i;
            }
        }
        return -1;
    }

    /** A copy with the given values on the same pattern (for factorisations that keep the pattern). */
    public CsrMatrix withValues(double[] newValues) {
        if (newValues.length != nnz()) {
            throw new IllegalArgumentException("expected " + nnz() + " values, got " + newValues.length);
        }
        return new CsrMatrix(rows, cols, rowPtr, colIdx, newValues.clone(), true);
    }

    /** Whether every stored value is finite. */
    public boolean isFinite() {
        for (double v : values) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof CsrMatrix)) {
            return false;
        }
        CsrMatrix m = (CsrMatrix) o;
        return rows == m.rows && cols == m.cols && Arrays.equals(rowPtr, m.rowPtr)
                && Arrays.equals(colIdx, m.colIdx) && Arrays.equals(values, m.values);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * rows + cols) + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "CsrMatrix[" + rows + " x " + cols + ", nnz=" + nnz() + "]";
    }
}
