package dev.solvent.order;

import dev.solvent.matrix.CsrMatrix;

/**
 * Level scheduling over BLOCKS of consecutive rows, for recurrences in the natural ordering: the
 * rows are cut into blocks (ranges {@code [start, end)}), a block depends on every earlier block
 * holding a row that one of its rows couples with, and blocks are grouped by dependency level as
 * rows are in {@link LevelSchedule}. A kernel runs the blocks of a level in parallel, each block's
 * rows one after another in natural order, and the levels in sequence (reversed for a backward
 * recurrence). Every row therefore sees exactly the values the row-by-row recurrence would give it:
 * the arithmetic is the natural ordering's.
 *
 * <p>Why blocks: on a grid in natural numbering the rows of one dependency level lie on a diagonal
 * plane, scattered through memory, one row per cache line. Cutting the rows where a row does not
 * couple with the row before it (on a 7-point grid: at the start of every grid line) gives blocks
 * that are contiguous in memory, and the blocks still have wide levels (the lines with
 * {@code j + k = const}): 2n - 1 levels of up to n lines on an n^3 grid. Where such cuts leave too
 * little parallelism (a banded finite-element matrix couples almost every row with the one before
 * it), each row becomes its own block and the levels are {@link LevelSchedule}'s.
 *
 * <p>Rule: the rows are first cut into RUNS at every row that does not couple with its
 * predecessor (the grid lines); then every m consecutive runs, m = 1, 2, 4, ..., are merged into a
 * block, as long as the critical path (the sum over levels of the largest block) leaves the wanted
 * parallelism (rows / critical path): longer blocks stream memory better and need fewer joins, and
 * with a wanted parallelism of 1 the whole matrix becomes one block, the plain row-by-row sweep.
 * When even the runs leave too little parallelism and single rows would leave more, each row
 * becomes its own block and the levels are {@link LevelSchedule}'s: on a 2D grid the lines form one
 * chain (each depends on the one before). On a 128^3 grid with a wanted parallelism of 8, blocks of
 * 8 lines give 143 levels. Either way the arithmetic is the natural ordering's, so the choice
 * changes speed, never results.
 */
public final class BlockSchedule {

    private final int size;
    private final int[] blockStart;
    private final int[] blockEnd;
    private final int[] levelPtr;
    private final boolean singleRows;

    private BlockSchedule(int size, int[] blockStart, int[] blockEnd, int[] levelPtr, boolean singleRows) {
        this.size = size;
        this.blockStart = blockStart;
        this.blockEnd = blockEnd;
        this.levelPtr = levelPtr;
        this.singleRows = singleRows;
    }

    /**
     * For relaxation over a square matrix: rows couple where {@code a_ij} or {@code a_ji} is stored.
     *
     * @param parallelism the rows-per-critical-path ratio wanted from blocks (say 4 per thread);
     *                    1 always keeps the blocks
     * @throws IllegalArgumentException if the matrix is not square
     */
    public static BlockSchedule of(CsrMatrix a, int parallelism) {
        return build(a, true, parallelism);
    }

    /**
     * For a lower-triangular factor: row i couples with the rows {@code j < i} where {@code l_ij}
     * is stored. A backward solve with {@code L^T} runs the same levels in reverse.
     *
     * @param parallelism as for {@link #of}
     * @throws IllegalArgumentException if the matrix is not square
     */
    public static BlockSchedule ofLower(CsrMatrix lower, int parallelism) {
        return build(lower, false, parallelism);
    }

    private static BlockSchedule build(CsrMatrix a, boolean symmetrise, int parallelism) {
        if (!a.isSquare()) {
            throw new IllegalArgumentException("level scheduling needs a square matrix, got " + a.rows() + " x " + a.cols());
        }
        int n = a.rows();
        int[] rp = a.rowPtr();
        int[] ci = a.colIdx();
        // Cut before row i unless i couples with i - 1: the runs between cuts.
        int runs = 0;
        int[] runStart = new int[n];
        for (int i = 0; i < n; i++) {
            boolean joined = i > 0 && (java.util.Arrays.binarySearch(ci, rp[i], rp[i + 1], i - 1) >= 0
                    || symmetrise && java.util.Arrays.binarySearch(ci, rp[i - 1], rp[i], i) >= 0);
            if (!joined) {
                runStart[runs++] = i;
            }
        }
        // Merge every m consecutive runs into one block, m = 1, 2, 4, ...: the largest m that keeps
        // the wanted parallelism wins (fewer, longer blocks stream better and need fewer joins).
        Levels best = null;
        for (int m = 1; runs > 0; m *= 2) {
            int blocks = (runs + m - 1) / m;
            int[] start = new int[blocks];
            for (int b = 0; b < blocks; b++) {
                start[b] = runStart[b * m];
            }
            Levels levels = levels(rp, ci, n, start, symmetrise);
            if (best != null && levels.parallelism() < parallelism) {
                break;
            }
            best = levels;
            if (blocks == 1 || levels.parallelism() < parallelism) {
                break;
            }
        }
        if (n == 0) {
            return new BlockSchedule(0, new int[0], new int[0], new int[] {0}, false);
        }
        if (best.parallelism() < parallelism) {
            LevelSchedule rows = symmetrise ? LevelSchedule.of(a) : LevelSchedule.ofLower(a);
            long rowParallelism = n / Math.max(1, rows.levels());
            if (rowParallelism > best.parallelism()) {
                int[] order = rows.order();
                int[] ends = new int[n];
                for (int t = 0; t < n; t++) {
                    ends[t] = order[t] + 1;
                }
                return new BlockSchedule(n, order, ends, rows.groupPtr(), true);
            }
        }
        int blocks = best.start.length;
        int[][] listed = RowSchedule.listByGroup(best.level, best.levels);
        int[] byLevel = listed[0];
        int[] s = new int[blocks];
        int[] e = new int[blocks];
        for (int t = 0; t < blocks; t++) {
            int bb = byLevel[t];
            s[t] = best.start[bb];
            e[t] = bb + 1 < blocks ? best.start[bb + 1] : n;
        }
        return new BlockSchedule(n, s, e, listed[1], false);
    }

    /** Block levels for blocks starting at {@code start}, and the critical path (sum over levels of the largest block). */
    private record Levels(int n, int[] start, int[] level, int levels, long path) {
        long parallelism() {
            return path == 0 ? n : n / path;
        }
    }

    private static Levels levels(int[] rp, int[] ci, int n, int[] start, boolean symmetrise) {
        int blocks = start.length;
        int[] blockOf = new int[n];
        for (int b = 0; b < blocks; b++) {
            int end = b + 1 < blocks ? start[b + 1] : n;
            java.util.Arrays.fill(blockOf, start[b], end, b);
        }
        int[] level = new int[blocks];
        for (int bb = 0; bb < blocks; bb++) {
            int end = bb + 1 < blocks ? start[bb + 1] : n;
            int l = level[bb];
            for (int i = start[bb]; i < end; i++) {
                for (int k = rp[i]; k < rp[i + 1] && ci[k] < start[bb]; k++) {
                    l = Math.max(l, level[blockOf[ci[k]]] + 1);
                }
            }
            level[bb] = l;
            if (symmetrise) {
                for (int i = start[bb]; i < end; i++) {
                    for (int k = rp[i + 1] - 1; k >= rp[i] && ci[k] >= end; k--) {
                        int c = blockOf[ci[k]];
                        level[c] = Math.max(level[c], l + 1);
                    }
                }
            }
        }
        int levels = 0;
        for (int l : level) {
            levels = Math.max(levels, l + 1);
        }
        long[] widest = new long[levels];
        for (int bb = 0; bb < blocks; bb++) {
            int end = bb + 1 < blocks ? start[bb + 1] : n;
            widest[level[bb]] = Math.max(widest[level[bb]], end - start[bb]);
        }
        long path = 0;
        for (long w : widest) {
            path += w;
        }
        return new Levels(n, start, level, levels, path);
    }

    /** Number of rows. */
    public int size() {
        return size;
    }

    /** Number of blocks. */
    public int blocks() {
        return blockStart.length;
    }

    /** Number of dependency levels. */
    public int levels() {
        return levelPtr.length - 1;
    }

    /** Whether every block is a single row (the fallback to plain row levels). */
    public boolean singleRows() {
        return singleRows;
    }

    // The arrays themselves, for kernels: treat them as read-only.

    /** First row of each block, blocks listed level by level. */
    public int[] blockStart() {
        return blockStart;
    }

    /** One past the last row of each block. */
    public int[] blockEnd() {
        return blockEnd;
    }

    /** Level l holds blocks {@code [levelPtr[l], levelPtr[l+1])}. */
    public int[] levelPtr() {
        return levelPtr;
    }

    @Override
    public String toString() {
        return "BlockSchedule[" + size + " rows, " + blocks() + " blocks, " + levels() + " levels"
                + (singleRows ? ", single rows" : "") + "]";
    }
}
