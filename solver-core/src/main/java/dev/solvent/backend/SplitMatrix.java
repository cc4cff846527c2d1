package dev.solvent.backend;

import dev.solvent.matrix.CsrMatrix;

/**
 * A square matrix split for the SSOR preconditioner's two passes, in natural numbering: the
 * strictly lower rows and the strictly upper rows as separate CSR arrays, each entry divided by its
 * row's diagonal ({@code a_ij / a_ii}), and {@code 1 / a_ii}. The forward pass then streams only
 * the lower part and the backward pass only the upper part, and neither divides:
 * <pre>
 *   forward:   t_i = c r_i / a_ii - w sum_{j&lt;i} (a_ij / a_ii) t_j      (c = w (2 - w))
 *   backward:  z_i = t_i - w sum_{j&gt;i} (a_ij / a_ii) z_j
 * </pre>
 * which is {@link SequentialKernels#ssorApplyDot}'s recurrence with the divisions moved to setup
 * (equal to it up to rounding). Memory: the off-diagonal entries once more (12 bytes each) and 16
 * bytes per row.
 */
public final class SplitMatrix {

    private final int[] lowerPtr;
    private final int[] lowerCol;
    private final double[] lowerVal;
    private final int[] upperPtr;
    private final int[] upperCol;
    private final double[] upperVal;
    private final double[] inverseDiagonal;

    /**
     * @throws IllegalArgumentException if A is not square, or a diagonal entry is missing or zero
     *                                  (naming the row)
     */
    public SplitMatrix(CsrMatrix a) {
        if (!a.isSquare()) {
            throw new IllegalArgumentException("relaxation needs a square matrix, got " + a.rows() + " x " + a.cols());
        }
        int n = a.rows();
        int[] rp = a.rowPtr();
        int[] ci = a.colIdx();
        double[] v = a.values();
        int[] lp = new int[n + 1];
        int[] up = new int[n + 1];
        double[] inv = new double[n];
        int[] diag = new int[n];
        for (int i = 0; i < n; i++) {
            int d = java.util.Arrays.binarySearch(ci, rp[i], rp[i + 1], i);
            if (d < 0 || v[d] == 0.0) {
                throw new IllegalArgumentException("row " + (i + 1) + " (counted from 1) has a zero diagonal entry: relaxation and"
                        + " triangular solves need every diagonal entry nonzero");
            }
            diag[i] = d;
            inv[i] = 1.0 / v[d];
            lp[i + 1] = lp[i] + (d - rp[i]);
            up[i + 1] = up[i] + (rp[i + 1] - d - 1);
        }
        int[] lc = new int[lp[n]];
        double[] lv = new double[lp[n]];
        int[] uc = new int[up[n]];
        double[] uv = new double[up[n]];
        for (int i = 0; i < n; i++) {
            int l = lp[i];
            for (int k = rp[i]; k < diag[i]; k++, l++) {
                lc[l] = ci[k];
                lv[l] = v[k] * inv[i];
            }
            int u = up[i];
            for (int k = diag[i] + 1; k < rp[i + 1]; k++, u++) {
                uc[u] = ci[k];
                uv[u] = v[k] * inv[i];
            }
        }
        this.lowerPtr = lp;
        this.lowerCol = lc;
        this.lowerVal = lv;
        this.upperPtr = up;
        this.upperCol = uc;
        this.upperVal = uv;
        this.inverseDiagonal = inv;
    }

    public int rows() {
        return inverseDiagonal.length;
    }

    // The arrays themselves, for kernels: treat them as read-only.

    public int[] lowerPtr() {
        return lowerPtr;
    }

    public int[] lowerCol() {
        return lowerCol;
    }

    /** {@code a_ij / a_ii} for j &lt; i. */
    public double[] lowerVal() {
        return lowerVal;
    }

    public int[] upperPtr() {
        return upperPtr;
    }

    public int[] upperCol() {
        return upperCol;
    }

    /** {@code a_ij / a_ii} for j &gt; i. */
    public double[] upperVal() {
        return upperVal;
    }

    /** {@code 1 / a_ii}. */
    public double[] inverseDiagonal() {
        return inverseDiagonal;
    }
}
