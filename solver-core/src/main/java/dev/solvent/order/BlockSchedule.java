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
 * <p>Rule: blocks are cut at every row that does not couple with its predecessor; the schedule
 * keeps those blocks when their critical path (the sum over levels of the largest block) leaves at
 * least the wanted parallelism (rows / critical path), or at least as much as single rows would,
 * and falls back to single-row blocks otherwise. On a 2D grid the lines form one chain (each
 * depends on the one before), so it falls back; on an n^3 grid the blocks give about n/2-way
 * parallelism. Either way the arithmetic is the natural ordering's, so the choice changes speed,
 * never results.
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
        // Cut before row i unless i couples with i - 1.
        boolean[] joined = new boolean[n];
        for (int i = 1; i < n; i++) {
            if (java.util.Arrays.binarySearch(ci, rp[i], rp[i + 1], i - 1) >= 0) {
                joined[i] = true;
            } else if (symmetrise && java.util.Arrays.binarySearch(ci, rp[i - 1], rp[i], i) >= 0) {
                joined[i] = true;
            }
        }
        int blocks = 0;
        for (int i = 0; i < n; i++) {
            if (!joined[i]) {
                blocks++;
            }
        }
        int[] start = new int[blocks];
        int[] blockOf = new int[n];
        int b = -1;
        for (int i = 0; i < n; i++) {
            if (!joined[i]) {
                start[++b] = i;
            }
            blockOf[i] = b;
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
        // Critical path: per level, the largest block.
        long[] widest = new long[levels];
        for (int bb = 0; bb < blocks; bb++) {
            int end = bb + 1 < blocks ? start[bb + 1] : n;
            widest[level[bb]] = Math.max(widest[level[bb]], end - start[bb]);
        }
        long path = 0;
        for (long w : widest) {
            path += w;
        }
        LevelSchedule rows = symmetrise ? LevelSchedule.of(a) : LevelSchedule.ofLower(a);
        long blockParallelism = path == 0 ? n : n / path;
        long rowParallelism = rows.levels() == 0 ? n : n / rows.levels();
        if (n > 0 && blockParallelism < Math.min(parallelism, rowParallelism)) {
            int[] order = rows.order();
            int[] ends = new int[n];
            for (int t = 0; t < n; t++) {
                ends[t] = order[t] + 1;
            }
            return new BlockSchedule(n, order, ends, rows.groupPtr(), true);
        }
        int[][] listed = RowSchedule.listByGroup(level, levels);
        int[] byLevel = listed[0];
        int[] s = new int[blocks];
        int[] e = new int[blocks];
        for (int t = 0; t < blocks; t++) {
            int bb = byLevel[t];
            s[t] = start[bb];
            e[t] = bb + 1 < blocks ? start[bb + 1] : n;
        }
        return new BlockSchedule(n, s, e, listed[1], false);
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
