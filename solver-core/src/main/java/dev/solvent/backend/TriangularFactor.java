package dev.solvent.backend;

import dev.solvent.matrix.CsrMatrix;

/**
 * An incomplete Cholesky factor L (lower triangular, diagonal last in each row) rewritten for
 * scheduled triangular solves, in natural numbering. With {@code D = diag(L)} and the unit lower
 * triangular {@code L' = L D^-1}, {@code L L^T = L' D^2 L'^T}, and {@code L L^T z = r} becomes
 * <pre>
 *   forward  (rows ascending, or level by level):   y_i = r_i - sum_{j&lt;i} (l_ij l_jj) u_j;   u_i = y_i / l_ii^2
 *   backward (rows descending, levels reversed):    z_i = u_i - sum_{j&gt;i} (l_ji / l_ii) z_j
 * </pre>
 * with u and z in the same vector. The forward pass reads the LOWER rows ({@code l_ij l_jj}, j &lt; i)
 * and {@code 1 / l_ii^2}; the backward pass reads the UPPER rows, the rows of {@code L'^T}
 * ({@code l_ji / l_ii}, j &gt; i), so both passes gather (no scattered writes) and each row's
 * diagonal is read once per solve. {@code r . z = sum_i y_i u_i}, since it equals {@code y^T D^-2 y},
 * so the forward pass also yields the dot product and the backward pass need not read r.
 *
 * <p>Memory: the strictly lower part twice (once as L's rows, once as L^T's), 12 bytes per entry,
 * plus 8 bytes per row for the scale and 8 for the two row pointers.
 */
public final class TriangularFactor {

    private final CsrMatrix source;
    private final int[] lowerPtr;
    private final int[] lowerCol;
    private final double[] lowerVal;
    private final int[] upperPtr;
    private final int[] upperCol;
    private final double[] upperVal;
    private final double[] scale;

    /**
     * @throws IllegalArgumentException if L is not square or a row does not end in a positive,
     *                                  finite diagonal entry (naming the row)
     */
    public TriangularFactor(CsrMatrix lower) {
        if (!lower.isSquare()) {
            throw new IllegalArgumentException("a triangular factor must be square, got " + lower.rows() + " x " + lower.cols());
        }
        int n = lower.rows();
        int[] rp = lower.rowPtr();
        int[] ci = lower.colIdx();
        double[] v = lower.values();
        double[] d = new double[n];
        int[] up = new int[n + 1];
        int[] lp = new int[n + 1];
        for (int i = 0; i < n; i++) {
            int last = rp[i + 1] - 1;
            if (last < rp[i] || ci[last] != i || !(v[last] > 0.0) || !Double.isFinite(v[last])) {
                throw new IllegalArgumentException("row " + (i + 1) + " (counted from 1) of the factor does not end in a"
                        + " positive diagonal entry");
            }
            d[i] = v[last];
            lp[i + 1] = lp[i] + (last - rp[i]);
            for (int k = rp[i]; k < last; k++) {
                up[ci[k] + 1]++;
            }
        }
        for (int i = 0; i < n; i++) {
            up[i + 1] += up[i];
        }
        int[] lc = new int[lp[n]];
        double[] lv = new double[lp[n]];
        int[] uc = new int[up[n]];
        double[] uv = new double[up[n]];
        int[] next = java.util.Arrays.copyOf(up, n);
        double[] sc = new double[n];
        for (int i = 0; i < n; i++) {
            sc[i] = 1.0 / (d[i] * d[i]);
            int dst = lp[i];
            for (int k = rp[i]; k < rp[i + 1] - 1; k++) {
                int j = ci[k];
                lc[dst] = j;
                lv[dst++] = v[k] * d[j];
                // Row j of L'^T gets column i (rows visited ascending, so columns ascend).
                uc[next[j]] = i;
                uv[next[j]++] = v[k] / d[j];
            }
        }
        this.source = lower;
        this.lowerPtr = lp;
        this.lowerCol = lc;
        this.lowerVal = lv;
        this.upperPtr = up;
        this.upperCol = uc;
        this.upperVal = uv;
        this.scale = sc;
    }

    /** The factor this was made from. */
    public CsrMatrix source() {
        return source;
    }

    public int rows() {
        return scale.length;
    }

    // The arrays themselves, for kernels: treat them as read-only.

    public int[] lowerPtr() {
        return lowerPtr;
    }

    public int[] lowerCol() {
        return lowerCol;
    }

    /** {@code l_ij l_jj} for j &lt; i. */
    public double[] lowerVal() {
        return lowerVal;
    }

    public int[] upperPtr() {
        return upperPtr;
    }

    public int[] upperCol() {
        return upperCol;
    }

    /** {@code l_ji / l_ii} for j &gt; i. */
    public double[] upperVal() {
        return upperVal;
    }

    /** {@code 1 / l_ii^2}. */
    public double[] scale() {
        return scale;
    }

    /** The strictly lower pattern, as a matrix for scheduling (values are the {@link #lowerVal}). */
    public CsrMatrix strictlyLower() {
        return CsrMatrix.of(rows(), rows(), lowerPtr, lowerCol, lowerVal);
    }
}
