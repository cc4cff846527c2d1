package dev.solvent.precond;

import dev.solvent.matrix.CsrMatrix;

/**
 * Incomplete Cholesky with zero fill on A's lower-triangular pattern, plain (IC(0)) or modified
 * (MIC(0)), with symmetric diagonal scaling and an optional diagonal shift on breakdown. Only the
 * lower triangle of A is read, so A must be symmetric for the result to mean anything.
 *
 * <p><b>Scaling.</b> The factorisation runs on {@code A_s = W^-1 A W^-1}, {@code W = diag(sqrt(a_ii))},
 * which has a unit diagonal; the factor returned is {@code L = W L_s}, so that
 * {@code L L^T = W L_s L_s^T W} approximates A itself. Plain IC(0) is invariant under this scaling
 * (up to rounding); the scaling fixes the units of the shift and of MIC's compensation. A diagonal
 * entry that is not positive means A is not SPD and ends the factorisation at once.
 *
 * <p><b>Elimination</b> (right-looking, column k = 0, 1, ..., on the pattern P of the lower triangle):
 * <pre>
 *   l_kk = sqrt(a_kk)                         (breakdown if a_kk &lt;= 0: the pivot of row k)
 *   l_ik = a_ik / l_kk                        for i &gt; k, (i, k) in P
 *   for every pair i &gt;= j &gt; k with (i, k), (j, k) in P, u = l_ik l_jk:
 *     (i, j) in P:      a_ij -= u
 *     (i, j) not in P:  dropped fill; MIC adds it to the diagonals instead:
 *                       a_ii -= omega u w_j / w_i,   a_jj -= omega u w_i / w_j
 * </pre>
 * With {@code omega = 0} this is IC(0) (the same factor as the row-by-row formula
 * {@code l_ij = (a_ij - sum_{m<j} l_im l_jm) / l_jj}). With {@code omega = 1} (MIC(0), Gustafsson)
 * the dropped fill is compensated so that {@code L L^T w = A_s w} for {@code w = W e}, i.e.
 * {@code (L L^T) e = A e} in A's units: the preconditioner is exact on the constant vector, which
 * is what makes MIC(0) need far fewer iterations than IC(0) on Poisson-type problems. An omega in
 * between blends the two.
 *
 * <p><b>Long columns.</b> The pairs of a column of {@code s} entries number {@code s^2 / 2}: a row
 * coupled to every unknown (a global constraint) would make the elimination quadratic in n. A column
 * longer than {@link #LONG_COLUMN} is therefore eliminated from the other side: the updates
 * {@code (i, j) in P} are found by walking column j's pattern (each entry of P met once), and MIC's
 * dropped fill of row i is its column-k sum {@code sum_{j<i} l_jk w_j} (a prefix sum) less the pairs
 * in P, the same quantities added in another order. Shorter columns take the pairwise loop.
 *
 * <p><b>Shift.</b> On a non-positive pivot, and when the {@link ShiftPolicy} allows, the
 * factorisation restarts on {@code A_s + alpha I} with the policy's growing alpha (Manteuffel).
 */
public final class IncompleteCholesky {

    /** Columns with more entries below the diagonal than this take the pattern-driven update. */
    static final int LONG_COLUMN = 256;

    private IncompleteCholesky() {
    }

    /**
     * What a factorisation produced.
     *
     * @param lower      the factor L (lower triangular, diagonal last in each row, {@code L L^T ~ A}),
     *                   or null when it failed
     * @param shift      the alpha that succeeded (0 when plain factorisation did), or the last one tried
     * @param retries    shifted attempts made after the unshifted one
     * @param breakdown  where the unshifted attempt broke down ("row 595 (counted from 1): pivot -0.0123"), or null
     * @param failure    why there is no factor, or null
     */
    public record Factorization(CsrMatrix lower, double shift, int retries, String breakdown, String failure) {
        public boolean succeeded() {
            return failure == null;
        }
    }

    /**
     * Factors A.
     *
     * @param name       {@code ic0} or {@code mic0}, for messages
     * @param relaxation MIC's omega in [0, 1] (0: IC(0))
     * @throws IllegalArgumentException if A is not square or omega lies outside [0, 1]
     */
    public static Factorization factor(CsrMatrix a, String name, double relaxation, ShiftPolicy policy) {
        return factor(a, name, relaxation, policy, LONG_COLUMN);
    }

    /** {@link #factor} with columns longer than {@code longColumn} taking the pattern-driven update (for tests). */
    static Factorization factor(CsrMatrix a, String name, double relaxation, ShiftPolicy policy, int longColumn) {
        if (!a.isSquare()) {
            throw new IllegalArgumentException(name + " needs a square matrix, got " + a.rows() + " x " + a.cols());
        }
        if (!(relaxation >= 0.0 && relaxation <= 1.0)) {
            throw new IllegalArgumentException(name + ": the MIC relaxation must lie in [0, 1], got " + relaxation);
        }
        Columns cols = Columns.of(a);
        if (cols.failure != null) {
            return new Factorization(null, 0.0, 0, null, name + " breakdown at row " + (cols.failureRow + 1)
                    + " (counted from 1): " + cols.failure);
        }
        double[] work = new double[cols.values.length];
        cols.longColumn = longColumn;
        int broken = eliminate(cols, 0.0, relaxation, work);
        if (broken < 0) {
            return new Factorization(cols.toLower(work), 0.0, 0, null, null);
        }
        String row = "row " + (broken + 1) + " (counted from 1)";
        String breakdown = row + ": pivot " + cols.pivot + " (scaled to a unit diagonal)";
        if (!policy.enabled()) {
            return new Factorization(null, 0.0, 0, breakdown, name + " breakdown at " + row + ": pivot " + cols.pivot
                    + " is not positive (after scaling to a unit diagonal; the matrix is not SPD, or " + name
                    + " is unstable for it)");
        }
        double alpha = 0.0;
        for (int k = 1; k <= policy.maxRetries(); k++) {
            alpha = policy.shift(k);
            if (eliminate(cols, alpha, relaxation, work) < 0) {
                return new Factorization(cols.toLower(work), alpha, k, breakdown, null);
            }
        }
        return new Factorization(null, alpha, policy.maxRetries(), breakdown, name + " breakdown at " + row
                + " (pivot " + cols.pivot + "), and still after " + policy.maxRetries() + " shifted retries up to alpha = "
                + alpha + ": the matrix is probably not positive definite");
    }

    /**
     * One elimination of {@code A_s + alpha I} into {@code work}; returns -1 on success, else the
     * row whose pivot was not positive (its value left in {@code cols.pivot}).
     */
    private static int eliminate(Columns c, double alpha, double omega, double[] v) {
        int n = c.n;
        int[] cp = c.colPtr;
        int[] ri = c.rowIdx;
        double[] w = c.weight;
        System.arraycopy(c.values, 0, v, 0, v.length);
        if (alpha != 0.0) {
            for (int k = 0; k < n; k++) {
                v[cp[k]] += alpha;
            }
        }
        for (int k = 0; k < n; k++) {
            int p0 = cp[k];
            int end = cp[k + 1];
            double pivot = v[p0];
            if (!(pivot > 0.0) || !Double.isFinite(pivot)) {
                c.pivot = pivot;
                return k;
            }
            double lkk = Math.sqrt(pivot);
            v[p0] = lkk;
            for (int p = p0 + 1; p < end; p++) {
                v[p] /= lkk;
            }
            if (end - p0 - 1 > c.longColumn) {
                if (c.mark == null) {
                    c.mark = new int[n];
                    java.util.Arrays.fill(c.mark, -1);
                }
                longColumn(c, p0, end, omega, v);
                continue;
            }
            // Pairs (i, j), i >= j > k, of column k's rows: update column j at row i.
            for (int q = p0 + 1; q < end; q++) {
                int j = ri[q];
                double ljk = v[q];
                int m = cp[j];
                int mEnd = cp[j + 1];
                v[m] -= ljk * ljk;
                m++;
                for (int p = q + 1; p < end; p++) {
                    int i = ri[p];
                    double u = v[p] * ljk;
                    while (m < mEnd && ri[m] < i) {
                        m++;
                    }
                    if (m < mEnd && ri[m] == i) {
                        v[m] -= u;
                    } else if (omega != 0.0) {
                        v[cp[i]] -= omega * u * w[j] / w[i];
                        v[cp[j]] -= omega * u * w[i] / w[j];
                    }
                }
            }
        }
        return -1;
    }

    /**
     * The update of column k (entries {@code (p0, end)} of {@code v}, already divided by the pivot)
     * driven by the pattern: for each row j of the column, column j's rows i are looked up in
     * column k through {@code c.mark}; MIC's dropped fill comes from prefix sums of
     * {@code l_jk w_j} over the column, less the pairs in the pattern.
     */
    private static void longColumn(Columns c, int p0, int end, double omega, double[] v) {
        int[] cp = c.colPtr;
        int[] ri = c.rowIdx;
        double[] w = c.weight;
        int[] mark = c.mark;
        int len = end - p0 - 1;
        for (int p = p0 + 1; p < end; p++) {
            mark[ri[p]] = p;
        }
        // For MIC: per entry of column k, the sums of l w over its partners in the pattern, as the
        // lower (i) and as the upper (j) end of a pair.
        double[] asLower = omega != 0.0 ? new double[len] : null;
        double[] asUpper = omega != 0.0 ? new double[len] : null;
        for (int q = p0 + 1; q < end; q++) {
            int j = ri[q];
            double ljk = v[q];
            int m = cp[j];
            v[m] -= ljk * ljk;
            for (m++; m < cp[j + 1]; m++) {
                int p = mark[ri[m]];
                if (p >= 0) {
                    int i = ri[m];
                    v[m] -= v[p] * ljk;
                    if (asLower != null) {
                        asLower[p - p0 - 1] += ljk * w[j];
                        asUpper[q - p0 - 1] += v[p] * w[i];
                    }
                }
            }
        }
        if (asLower != null) {
            double total = 0.0;
            for (int p = p0 + 1; p < end; p++) {
                total += v[p] * w[ri[p]];
            }
            double before = 0.0;
            for (int p = p0 + 1; p < end; p++) {
                int r = ri[p];
                double lw = v[p] * w[r];
                double after = total - before - lw;
                // Dropped pairs with a smaller row (r as i) and with a larger row (r as j).
                double dropped = v[p] / w[r] * ((before - asLower[p - p0 - 1]) + (after - asUpper[p - p0 - 1]));
                v[cp[r]] -= omega * dropped;
                before += lw;
            }
        }
        for (int p = p0 + 1; p < end; p++) {
            mark[ri[p]] = -1;
        }
    }

    /** The lower triangle of A_s stored by columns (rows ascending, the diagonal first), and W. */
    private static final class Columns {
        int n;
        int[] colPtr;
        int[] rowIdx;
        double[] values;
        double[] weight;
        /** Set by a failed elimination: the non-positive pivot. */
        double pivot;
        /** Position in the current long column of each row, -1 elsewhere (made when first needed). */
        int[] mark;
        /** Columns with more entries than this below the diagonal take the pattern-driven update. */
        int longColumn = LONG_COLUMN;
        String failure;
        int failureRow;
        /** Pattern of the lower triangle by rows, to write the factor back in that layout. */
        CsrMatrix lowerPattern;
        /** Position in values of each entry of lowerPattern. */
        int[] positionOf;

        static Columns of(CsrMatrix a) {
            Columns c = new Columns();
            CsrMatrix lower = a.lowerTriangle();
            int n = lower.rows();
            int[] rp = lower.rowPtr();
            int[] ci = lower.colIdx();
            double[] lv = lower.values();
            c.n = n;
            c.lowerPattern = lower;
            c.weight = new double[n];
            for (int i = 0; i < n; i++) {
                int last = rp[i + 1] - 1;
                if (last < rp[i] || ci[last] != i) {
                    c.failure = "no diagonal entry";
                    c.failureRow = i;
                    return c;
                }
                double d = lv[last];
                if (!(d > 0.0) || !Double.isFinite(d)) {
                    c.failure = "diagonal entry " + d + " is not positive (the matrix is not SPD)";
                    c.failureRow = i;
                    return c;
                }
                c.weight[i] = Math.sqrt(d);
            }
            int nnz = rp[n];
            int[] cp = new int[n + 1];
            for (int k = 0; k < nnz; k++) {
                cp[ci[k] + 1]++;
            }
            for (int j = 0; j < n; j++) {
                cp[j + 1] += cp[j];
            }
            int[] next = java.util.Arrays.copyOf(cp, n);
            int[] ri = new int[nnz];
            double[] v = new double[nnz];
            int[] pos = new int[nnz];
            // Rows ascending, so each column lists its rows ascending and its diagonal (row j) first.
            for (int i = 0; i < n; i++) {
                for (int k = rp[i]; k < rp[i + 1]; k++) {
                    int j = ci[k];
                    int p = next[j]++;
                    ri[p] = i;
                    v[p] = lv[k] / (c.weight[i] * c.weight[j]);
                    pos[k] = p;
                }
            }
            c.colPtr = cp;
            c.rowIdx = ri;
            c.values = v;
            c.positionOf = pos;
            return c;
        }

        /** {@code L = W L_s} by rows, diagonal last. */
        CsrMatrix toLower(double[] factor) {
            int[] rp = lowerPattern.rowPtr();
            double[] out = new double[factor.length];
            for (int i = 0; i < n; i++) {
                for (int k = rp[i]; k < rp[i + 1]; k++) {
                    out[k] = weight[i] * factor[positionOf[k]];
                }
            }
            return lowerPattern.withValues(out);
        }
    }
}
