package dev.solvent.order;

import dev.solvent.matrix.CsrMatrix;

/**
 * A square matrix laid out for scheduled recurrences: rows stored in the order of a
 * {@link RowSchedule} (group after group, so that the rows a kernel visits next lie next to each
 * other in memory), each row's off-diagonal entries split into the part BEFORE it in the schedule
 * (couplings to rows of earlier groups) and the part AFTER it (later groups), plus one scale per row.
 * Column indices stay natural row numbers, so the vectors a kernel reads and writes keep the
 * natural numbering: no permutation of vectors, only of the matrix. Within each part the entries
 * keep increasing column order.
 *
 * <p>Position t of the schedule holds row {@code perm()[t]}; its BEFORE entries are
 * {@code beforeCol/beforeVal[beforePtr[t] .. beforePtr[t+1])}, likewise AFTER; its scale is
 * {@code scale()[t]}. For relaxation ({@link #relaxation}) both parts hold {@code a_ij / a_ii} and
 * the scale is {@code 1 / a_ii}: each row's update divides by its diagonal once, at setup. The
 * multicolour sweeps of the CPU backend run on this layout: a colour's rows are scattered through
 * the matrix (every other row, for red-black), and the copy makes each worker's share of a colour
 * one contiguous stretch.
 *
 * <p>Memory: the matrix once more (12 bytes per off-diagonal entry, 8 per row for the scale, 12 per
 * row for the permutation and the two row pointers).
 */
public final class ScheduledRows {

    private final int[] perm;
    private final int[] groupPtr;
    private final int[] beforePtr;
    private final int[] beforeCol;
    private final double[] beforeVal;
    private final int[] afterPtr;
    private final int[] afterCol;
    private final double[] afterVal;
    private final double[] scale;

    private ScheduledRows(int[] perm, int[] groupPtr, int[] beforePtr, int[] beforeCol, double[] beforeVal,
                          int[] afterPtr, int[] afterCol, double[] afterVal, double[] scale) {
        this.perm = perm;
        this.groupPtr = groupPtr;
        this.beforePtr = beforePtr;
        this.beforeCol = beforeCol;
        this.beforeVal = beforeVal;
        this.afterPtr = afterPtr;
        this.afterCol = afterCol;
        this.afterVal = afterVal;
        this.scale = scale;
    }

    /**
     * The layout for relaxation (SOR, Gauss-Seidel, SSOR) in the schedule's order: parts hold
     * {@code a_ij / a_ii}, the scale is {@code 1 / a_ii}.
     *
     * @throws IllegalArgumentException if a diagonal entry is missing or zero (naming the row), if
     *                                  the sizes differ, or if two rows of one group couple
     */
    public static ScheduledRows relaxation(CsrMatrix a, RowSchedule schedule) {
        int n = checkSize(a, schedule);
        int[] rp = a.rowPtr();
        int[] ci = a.colIdx();
        double[] v = a.values();
        double[] inverse = new double[n];
        for (int i = 0; i < n; i++) {
            int d = java.util.Arrays.binarySearch(ci, rp[i], rp[i + 1], i);
            if (d < 0 || v[d] == 0.0) {
                throw new IllegalArgumentException("row " + (i + 1) + " (counted from 1) has a zero diagonal entry: relaxation and"
                        + " triangular solves need every diagonal entry nonzero");
            }
            inverse[i] = 1.0 / v[d];
        }
        int[] perm = schedule.order();
        int[] group = schedule.groupOf();
        int[] beforePtr = new int[n + 1];
        int[] afterPtr = new int[n + 1];
        for (int t = 0; t < n; t++) {
            int i = perm[t];
            int before = 0;
            int after = 0;
            for (int k = rp[i]; k < rp[i + 1]; k++) {
                int j = ci[k];
                if (j == i) {
                    continue;
                }
                if (group[j] < group[i]) {
                    before++;
                } else if (group[j] > group[i]) {
                    after++;
                } else {
                    throw new IllegalArgumentException("rows " + (i + 1) + " and " + (j + 1) + " (counted from 1) couple but"
                            + " share a group of the schedule: it is not valid for this matrix");
                }
            }
            beforePtr[t + 1] = beforePtr[t] + before;
            afterPtr[t + 1] = afterPtr[t] + after;
        }
        int[] beforeCol = new int[beforePtr[n]];
        double[] beforeVal = new double[beforePtr[n]];
        int[] afterCol = new int[afterPtr[n]];
        double[] afterVal = new double[afterPtr[n]];
        double[] scale = new double[n];
        for (int t = 0; t < n; t++) {
            int i = perm[t];
            int b = beforePtr[t];
            int f = afterPtr[t];
            double inv = inverse[i];
            scale[t] = inv;
            for (int k = rp[i]; k < rp[i + 1]; k++) {
                int j = ci[k];
                if (j == i) {
                    continue;
                }
                if (group[j] < group[i]) {
                    beforeCol[b] = j;
                    beforeVal[b++] = v[k] * inv;
                } else {
                    afterCol[f] = j;
                    afterVal[f++] = v[k] * inv;
                }
            }
        }
        return new ScheduledRows(perm, schedule.groupPtr(), beforePtr, beforeCol, beforeVal, afterPtr, afterCol, afterVal,
                scale);
    }

    private static int checkSize(CsrMatrix a, RowSchedule schedule) {
        if (!a.isSquare()) {
            throw new IllegalArgumentException("relaxation needs a square matrix, got " + a.rows() + " x " + a.cols());
        }
        if (schedule.size() != a.rows()) {
            throw new IllegalArgumentException("the schedule has " + schedule.size() + " rows, the matrix " + a.rows());
        }
        return a.rows();
    }

    /** Number of rows. */
    public int size() {
        return perm.length;
    }

    /** Number of groups (levels or colours). */
    public int groups() {
        return groupPtr.length - 1;
    }

    // The arrays themselves, not copies, for kernels: treat them as read-only.

    /** Row at each schedule position. */
    public int[] perm() {
        return perm;
    }

    /** Group g covers positions {@code [groupPtr[g], groupPtr[g+1])}. */
    public int[] groupPtr() {
        return groupPtr;
    }

    public int[] beforePtr() {
        return beforePtr;
    }

    public int[] beforeCol() {
        return beforeCol;
    }

    public double[] beforeVal() {
        return beforeVal;
    }

    public int[] afterPtr() {
        return afterPtr;
    }

    public int[] afterCol() {
        return afterCol;
    }

    public double[] afterVal() {
        return afterVal;
    }

    public double[] scale() {
        return scale;
    }

    /** Stored entries of both parts. */
    public long entries() {
        return (long) beforeCol.length + afterCol.length;
    }

    @Override
    public String toString() {
        return "ScheduledRows[" + size() + " rows, " + groups() + " groups, " + entries() + " off-diagonal entries]";
    }
}
