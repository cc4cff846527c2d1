package dev.solvent.order;

import dev.solvent.matrix.CsrMatrix;

/**
 * Dependency levels of a lower-triangular recurrence (level scheduling, Anderson and Saad): row i
 * depends on every row {@code j < i} it couples with, and
 * <pre>  level(i) = 0 if i depends on no row, else 1 + max { level(j) : i depends on j }  </pre>
 * Rows of one level depend on none of each other, so a forward recurrence (a triangular solve, a
 * forward Gauss-Seidel sweep) may run the rows of a level in parallel, level after level, and
 * compute exactly what the row-by-row recurrence computes; a backward recurrence runs the levels in
 * reverse. The number of levels is the length of the longest dependency chain: 3n - 2 on an
 * n x n x n 7-point grid in natural numbering (the diagonal planes i + j + k = const), n for a
 * tridiagonal matrix (no parallelism at all).
 *
 * <p>{@link #of} takes the couplings of both triangles ({@code a_ij} or {@code a_ji} stored), which a
 * relaxation sweep needs: its row i reads the new values of rows before it and the old values of
 * rows after it, so neither may share its level. {@link #ofLower} takes only the stored lower
 * entries of a triangular factor. Explicitly stored zeros count as couplings.
 */
public final class LevelSchedule implements RowSchedule {

    private final int[] levelOf;
    private final int[] order;
    private final int[] levelPtr;

    private LevelSchedule(int[] levelOf, int levels) {
        this.levelOf = levelOf;
        int[][] listed = RowSchedule.listByGroup(levelOf, levels);
        this.order = listed[0];
        this.levelPtr = listed[1];
    }

    /**
     * Levels for a relaxation sweep over a square matrix: row i depends on the rows {@code j < i}
     * with {@code a_ij} or {@code a_ji} stored.
     *
     * @throws IllegalArgumentException if the matrix is not square
     */
    public static LevelSchedule of(CsrMatrix a) {
        return compute(a, true);
    }

    /**
     * Levels for a solve with a lower-triangular factor: row i depends on the rows {@code j < i}
     * with {@code l_ij} stored (entries above the diagonal are ignored). A backward solve with
     * {@code L^T} may run the same levels in reverse order.
     *
     * @throws IllegalArgumentException if the matrix is not square
     */
    public static LevelSchedule ofLower(CsrMatrix lower) {
        return compute(lower, false);
    }

    private static LevelSchedule compute(CsrMatrix a, boolean symmetrise) {
        if (!a.isSquare()) {
            throw new IllegalArgumentException("level scheduling needs a square matrix, got " + a.rows() + " x " + a.cols());
        }
        int n = a.rows();
        int[] rp = a.rowPtr();
        int[] ci = a.colIdx();
        // level[i] first holds what rows before i pushed to it through their upper entries.
        int[] level = new int[n];
        int levels = n == 0 ? 0 : 1;
        for (int i = 0; i < n; i++) {
            int l = level[i];
            for (int k = rp[i]; k < rp[i + 1]; k++) {
                int j = ci[k];
                if (j < i) {
                    l = Math.max(l, level[j] + 1);
                }
            }
            level[i] = l;
            levels = Math.max(levels, l + 1);
            if (symmetrise) {
                for (int k = rp[i + 1] - 1; k >= rp[i] && ci[k] > i; k--) {
                    int j = ci[k];
                    level[j] = Math.max(level[j], l + 1);
                }
            }
        }
        return new LevelSchedule(level, levels);
    }

    @Override
    public int size() {
        return levelOf.length;
    }

    /** Number of levels. */
    public int levels() {
        return levelPtr.length - 1;
    }

    @Override
    public int groups() {
        return levels();
    }

    @Override
    public int[] groupOf() {
        return levelOf.clone();
    }

    @Override
    public int[] order() {
        return order.clone();
    }

    @Override
    public int[] groupPtr() {
        return levelPtr.clone();
    }

    /** Rows in the largest level. */
    public int widestLevel() {
        int w = 0;
        for (int l = 0; l < levels(); l++) {
            w = Math.max(w, levelPtr[l + 1] - levelPtr[l]);
        }
        return w;
    }

    @Override
    public String toString() {
        return "LevelSchedule[" + size() + " rows, " + levels() + " levels]";
    }
}
