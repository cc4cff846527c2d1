package dev.solvent.matrix;

import java.util.Arrays;

/**
 * Sparse matrix products and transposes for setup work (a multigrid hierarchy's Galerkin
 * operators {@code P^T A P}), row-parallel on a {@link ParallelRows} team.
 *
 * <p>{@link #multiply} is Gustavson's row-by-row product in one pass: each thread fills the rows
 * of a block of {@code C = A B} through a dense accumulator per column (zero outside the row in
 * progress, so a zero marks a column not yet listed), sorts each row's columns, and keeps the
 * block; the blocks are then copied into place. Entry {@code c_ij} is
 * summed in a fixed order (A's row i in storage order, each of B's rows in storage order), and
 * every row is computed by one thread alone, so the product is the same bit for bit for any
 * thread count. Entries that cancel to zero are kept: the pattern of the product depends on the
 * patterns of A and B only, which is what lets {@link #multiplyNumeric} refill it for new values.
 * Where B has at most one entry per row (a tentative prolongator), the product is written straight
 * into place in two passes instead, summed in the same order.
 *
 * <p>{@link #galerkin} forms {@code R (A P)} and keeps the middle product {@code A P} as the blocks
 * its threads built, never copied into one array: on the 3D Laplacian A P has about nine entries
 * per fine row, the largest array of a multigrid setup, and a copy would double the fresh memory
 * the setup touches (each first touch of a page costs a fault).
 */
public final class SparseProducts {

    /** Rows per parallel block: {@code 2^BLOCK_SHIFT}. */
    private static final int BLOCK_SHIFT = 10;
    private static final int BLOCK = 1 << BLOCK_SHIFT;

    private SparseProducts() {
    }

    /**
     * {@code C = A B}.
     *
     * @throws IllegalArgumentException if the inner dimensions differ or C would have more than
     *                                  {@code 2^31 - 1} stored entries
     */
    public static CsrMatrix multiply(CsrMatrix a, CsrMatrix b, ParallelRows par) {
        return multiply(a, b, null, par);
    }

    /**
     * {@code C = A B} on the rows {@code i} with {@code rows[i]} (every row where {@code rows} is
     * null); the other rows of C are empty.
     *
     * @throws IllegalArgumentException as {@link #multiply(CsrMatrix, CsrMatrix, ParallelRows)}, or
     *                                  if {@code rows} is not one flag per row of A
     */
    public static CsrMatrix multiply(CsrMatrix a, CsrMatrix b, boolean[] rows, ParallelRows par) {
        requireRowFlags(a, rows);
        int[] columnOf = a.cols() == b.rows() ? columnOfEachRow(b) : null;
        if (columnOf != null) {
            return multiplyBySelection(a, b, columnOf, rows, par);
        }
        return multiplyInBlocks(a, Rows.of(b), rows, par).concatenated(par);
    }

    /**
     * The column of each row's one stored entry (-1 for an empty row), or null if a row of
     * {@code b} has more than one.
     */
    private static int[] columnOfEachRow(CsrMatrix b) {
        if (b.nnz() > b.rows()) {
            return null;
        }
        int[] rp = b.rowPtr();
        int[] ci = b.colIdx();
        int[] column = new int[b.rows()];
        for (int i = 0; i < column.length; i++) {
            int len = rp[i + 1] - rp[i];
            if (len > 1) {
                return null;
            }
            column[i] = len == 0 ? -1 : ci[rp[i]];
        }
        return column;
    }

    /**
     * {@code C = A B} for B with at most one entry per row (a tentative prolongator of one
     * near-null-space vector: one aggregate per unknown), straight into C's arrays in two passes:
     * the first counts each row's distinct columns, the second lists them, sorts them, and sums
     * each entry in A's storage order, as {@link #productRow} does, so C is the same bit for bit
     * as the general product's. Neither the blocks nor their copy are needed: at about 3.6 entries
     * per row of C against 7 of A (the 3D Laplacian), the per-row work of the general product and
     * its two copies of C outweighed the arithmetic (128^3, one thread: 0.12 s against 0.17 s).
     */
    private static CsrMatrix multiplyBySelection(CsrMatrix a, CsrMatrix b, int[] columnOf, boolean[] rows,
                                                 ParallelRows par) {
        int n = a.rows();
        int m = b.cols();
        int[] arp = a.rowPtr();
        int[] aci = a.colIdx();
        double[] av = a.values();
        int[] brp = b.rowPtr();
        double[] bv = b.values();
        int[] crp = new int[n + 1];
        int[][] marks = new int[par.threads()][];
        // Pass 1: distinct columns of each row. mark[j] = i + 1 once row i has listed column j.
        par.forEach(n, BLOCK, (w, lo, hi) -> {
            int[] mark = marks[w] == null ? (marks[w] = new int[m]) : marks[w];
            for (int i = lo; i < hi; i++) {
                int count = 0;
                if (rows == null || rows[i]) {
                    for (int k = arp[i]; k < arp[i + 1]; k++) {
                        int j = columnOf[aci[k]];
                        if (j >= 0 && mark[j] != i + 1) {
                            mark[j] = i + 1;
                            count++;
                        }
                    }
                }
                crp[i + 1] = count;
            }
        });
        long total = 0;
        for (int i = 0; i < n; i++) {
            total += crp[i + 1];
            if (total > Integer.MAX_VALUE - 8) {
                throw tooManyEntries(a, b.rows(), b.cols());
            }
            crp[i + 1] = (int) total;
        }
        int[] cci = new int[crp[n]];
        double[] cv = new double[crp[n]];
        // Pass 2: the columns again (mark[j] = -2 - i once listed in row i: no value of pass 1, nor
        // a position, is negative, so the marks need no reset), sorted; then mark[j] = the
        // position of column j in row i.
        par.forEach(n, BLOCK, (w, lo, hi) -> {
            int[] mark = marks[w] == null ? (marks[w] = new int[m]) : marks[w];
            for (int i = lo; i < hi; i++) {
                int start = crp[i];
                int end = crp[i + 1];
                if (start == end) {
                    continue;
                }
                int p = start;
                for (int k = arp[i]; k < arp[i + 1]; k++) {
                    int j = columnOf[aci[k]];
                    if (j >= 0 && mark[j] != -2 - i) {
                        mark[j] = -2 - i;
                        cci[p++] = j;
                    }
                }
                sortSmall(cci, start, end);
                for (int t = start; t < end; t++) {
                    mark[cci[t]] = t;
                }
                for (int k = arp[i]; k < arp[i + 1]; k++) {
                    int j = columnOf[aci[k]];
                    if (j >= 0) {
                        cv[mark[j]] += av[k] * bv[brp[aci[k]]];
                    }
                }
            }
        });
        return new CsrMatrix(n, m, crp, cci, cv, true);
    }

    private static void requireRowFlags(CsrMatrix a, boolean[] rows) {
        if (rows != null && rows.length != a.rows()) {
            throw new IllegalArgumentException(rows.length + " row flags for a matrix of " + a.rows() + " rows");
        }
    }

    /**
     * {@code C = R (A P)} for a Galerkin coarse operator ({@code R = P^T} in multigrid), with
     * {@code A P} held in blocks (see the class comment); the same bit for bit as
     * {@code multiply(r, multiply(a, p))}. The result keeps the pattern of {@code A P} (its
     * blocks' row pointers and columns, not its values) for {@link #galerkinNumeric}.
     */
    public static Galerkin galerkin(CsrMatrix r, CsrMatrix a, CsrMatrix p, ParallelRows par) {
        Rows ap = multiplyInBlocks(a, Rows.of(p), null, par);
        CsrMatrix c = multiplyInBlocks(r, ap, null, par).concatenated(par);
        return new Galerkin(c, new MiddlePattern(ap.withoutValues()));
    }

    /**
     * A Galerkin product and the pattern of its middle product {@code A P}, what a numeric
     * re-computation on new values of the same patterns keeps.
     */
    public record Galerkin(CsrMatrix coarse, MiddlePattern middle) {
    }

    /** The pattern of the middle product {@code A P} of a {@link #galerkin}, held in its blocks. */
    public static final class MiddlePattern {
        private final Rows rows;

        private MiddlePattern(Rows rows) {
            this.rows = rows;
        }

        /** Stored entries. */
        public long nonzeros() {
            long n = 0;
            for (int[] idx : rows.idx) {
                n += idx.length;
            }
            return n;
        }
    }

    /**
     * {@link #galerkin} on new values of the same patterns: the middle product numerically on
     * {@code middle}, the result on {@code coarse}, each summed in the same order as
     * {@link #galerkin}, so the two agree bit for bit.
     */
    public static CsrMatrix galerkinNumeric(CsrMatrix r, CsrMatrix a, CsrMatrix p, MiddlePattern middle, Pattern coarse,
                                            ParallelRows par) {
        Rows ap = multiplyNumericInBlocks(a, Rows.of(p), middle.rows, par);
        return multiplyNumeric(r, ap, coarse, null, par);
    }

    /** {@code A B} on the blocked pattern of a {@link #multiplyInBlocks} of matrices with these patterns. */
    private static Rows multiplyNumericInBlocks(CsrMatrix a, Rows b, Rows pattern, ParallelRows par) {
        if (a.cols() != b.rows || pattern.rows != a.rows() || pattern.cols != b.cols || pattern.shift != BLOCK_SHIFT) {
            throw new IllegalArgumentException("pattern " + pattern.rows + " x " + pattern.cols
                    + " does not fit the product of " + a.rows() + " x " + a.cols() + " and " + b.rows + " x " + b.cols);
        }
        int[] arp = a.rowPtr();
        int[] aci = a.colIdx();
        double[] av = a.values();
        double[][] values = new double[pattern.idx.length][];
        int[][] positions = new int[par.threads()][];
        par.forEach(a.rows(), BLOCK, (w, lo, hi) -> {
            int[] pos = positions[w] == null ? (positions[w] = new int[b.cols]) : positions[w];
            int blk = lo / BLOCK;
            int[] cp = pattern.ptr[blk];
            int[] cc = pattern.idx[blk];
            double[] cv = new double[cc.length];
            for (int i = lo; i < hi; i++) {
                rowOnPattern(i, arp, aci, av, b, cp, cc, cv, i - lo, pos);
            }
            values[blk] = cv;
        });
        return new Rows(pattern.rows, pattern.cols, pattern.shift, pattern.ptr, pattern.idx, values);
    }

    /**
     * Row i of {@code A B} added into {@code cv} at the positions of local row {@code l} of the
     * pattern {@code (cp, cc)}, in the order of {@link #productRow}.
     */
    private static void rowOnPattern(int i, int[] arp, int[] aci, double[] av, Rows b, int[] cp, int[] cc, double[] cv,
                                     int l, int[] pos) {
        for (int q = cp[l]; q < cp[l + 1]; q++) {
            pos[cc[q]] = q;
        }
        int shift = b.shift;
        int mask = (int) ((1L << shift) - 1);
        for (int k = arp[i]; k < arp[i + 1]; k++) {
            int row = aci[k];
            double aik = av[k];
            int blk = row >>> shift;
            int[] bp = b.ptr[blk];
            int[] bci = b.idx[blk];
            double[] bv = b.val[blk];
            int lb = row & mask;
            for (int q = bp[lb]; q < bp[lb + 1]; q++) {
                cv[pos[bci[q]]] += aik * bv[q];
            }
        }
    }

    private static Rows multiplyInBlocks(CsrMatrix a, Rows b, boolean[] rows, ParallelRows par) {
        if (a.cols() != b.rows) {
            throw new IllegalArgumentException("cannot multiply a " + a.rows() + " x " + a.cols() + " matrix by a "
                    + b.rows + " x " + b.cols + " matrix");
        }
        int n = a.rows();
        int m = b.cols;
        int[] arp = a.rowPtr();
        int[] aci = a.colIdx();
        double[] av = a.values();
        int threads = par.threads();
        int blocks = (n + BLOCK - 1) / BLOCK;
        int[][] blockPtr = new int[blocks][];
        int[][] blockCols = new int[blocks][];
        double[][] blockValues = new double[blocks][];
        Scratch[] scratch = new Scratch[threads];
        par.forEach(n, BLOCK, (w, lo, hi) -> {
            Scratch sc = scratch[w] == null ? (scratch[w] = new Scratch(m)) : scratch[w];
            int[] ptr = new int[hi - lo + 1];
            int pos = 0;
            for (int i = lo; i < hi; i++) {
                if (rows == null || rows[i]) {
                    pos = productRow(i, arp, aci, av, b, sc, pos);
                }
                ptr[i - lo + 1] = pos;
            }
            int blk = lo / BLOCK;
            blockPtr[blk] = ptr;
            blockCols[blk] = Arrays.copyOf(sc.cols, pos);
            blockValues[blk] = Arrays.copyOf(sc.values, pos);
        });
        long total = 0;
        for (int[] ptr : blockPtr) {
            total += ptr[ptr.length - 1];
        }
        if (total > Integer.MAX_VALUE - 8) {
            throw tooManyEntries(a, b.rows, b.cols);
        }
        return new Rows(n, m, BLOCK_SHIFT, blockPtr, blockCols, blockValues);
    }

    private static IllegalArgumentException tooManyEntries(CsrMatrix a, int bRows, int bCols) {
        return new IllegalArgumentException("the product of a " + a.rows() + " x " + a.cols() + " and a " + bRows + " x "
                + bCols + " matrix has more than 2^31 - 1 stored entries");
    }

    /**
     * A sparse matrix as blocks of rows: row i is local row {@code i & (2^shift - 1)} of block
     * {@code i >>> shift}, each block with its own row pointers (from 0), columns and values. A
     * CSR matrix is the one block of shift 31.
     */
    private record Rows(int rows, int cols, int shift, int[][] ptr, int[][] idx, double[][] val) {

        Rows withoutValues() {
            return new Rows(rows, cols, shift, ptr, idx, null);
        }

        static Rows of(CsrMatrix m) {
            return new Rows(m.rows(), m.cols(), 31, new int[][] {m.rowPtr()}, new int[][] {m.colIdx()},
                    new double[][] {m.values()});
        }

        /**
         * The blocks copied into one CSR matrix, each block by one thread, which lets go of the
         * block once it is copied (the blocks are not used again), so that the copy and the blocks
         * need not all be held at once.
         */
        CsrMatrix concatenated(ParallelRows par) {
            int blockRows = (int) Math.min(1L << shift, Integer.MAX_VALUE);
            int[] crp = new int[rows + 1];
            for (int blk = 0, base = 0; blk < ptr.length; blk++) {
                int[] bp = ptr[blk];
                int lo = blk * blockRows;
                for (int l = 1; l < bp.length; l++) {
                    crp[lo + l] = base + bp[l];
                }
                base += bp[bp.length - 1];
            }
            int[] cci = new int[crp[rows]];
            double[] cv = new double[crp[rows]];
            par.forEach(rows, blockRows, (w, lo, hi) -> {
                int blk = lo / blockRows;
                System.arraycopy(idx[blk], 0, cci, crp[lo], idx[blk].length);
                System.arraycopy(val[blk], 0, cv, crp[lo], val[blk].length);
                idx[blk] = null;
                val[blk] = null;
            });
            return new CsrMatrix(rows, cols, crp, cci, cv, true);
        }
    }

    /**
     * Row i of {@code A B} appended to the scratch buffers at {@code pos}, columns sorted; returns
     * the end of the row. A small method of its own, called once per row, so that the JIT compiles
     * it early and fully instead of replacing a long-running loop mid-way.
     */
    private static int productRow(int i, int[] arp, int[] aci, double[] av, Rows b, Scratch sc, int pos) {
        int shift = b.shift;
        int mask = (int) ((1L << shift) - 1);
        int[][] bptr = b.ptr;
        int[][] bidx = b.idx;
        double[][] bval = b.val;
        int start = pos;
        int kEnd = arp[i + 1];
        // At most this many new columns: make room once per row.
        int bound = 0;
        for (int k = arp[i]; k < kEnd; k++) {
            int[] bp = bptr[aci[k] >>> shift];
            int l = aci[k] & mask;
            bound += bp[l + 1] - bp[l];
        }
        if (pos + bound > sc.cols.length) {
            sc.grow(pos + bound);
        }
        int[] cols = sc.cols;
        double[] acc = sc.acc;
        for (int k = arp[i]; k < kEnd; k++) {
            int row = aci[k];
            double aik = av[k];
            int blk = row >>> shift;
            int[] bp = bptr[blk];
            int[] bci = bidx[blk];
            double[] bv = bval[blk];
            int l = row & mask;
            int qEnd = bp[l + 1];
            for (int q = bp[l]; q < qEnd; q++) {
                // acc is zero outside the row being built: a zero marks a column not yet listed (or
                // one whose sum cancelled to zero: listed twice, merged below).
                int j = bci[q];
                double t = acc[j];
                if (t == 0.0) {
                    cols[pos++] = j;
                }
                acc[j] = t + aik * bv[q];
            }
        }
        sortSmall(cols, start, pos);
        double[] vals = sc.values;
        int end = start;
        for (int p = start; p < pos; p++) {
            int j = cols[p];
            if (p > start && j == cols[p - 1]) {
                continue;
            }
            cols[end] = j;
            vals[end++] = acc[j];
            acc[j] = 0.0;
        }
        return end;
    }

    /** One thread's work space for {@link #multiply}: an accumulator per column (zero between rows) and a row buffer. */
    private static final class Scratch {
        final double[] acc;
        int[] cols = new int[1 << 14];
        double[] values = new double[1 << 14];

        Scratch(int columns) {
            acc = new double[columns];
        }

        void grow(int needed) {
            int size = Math.max(needed, cols.length * 2);
            cols = Arrays.copyOf(cols, size);
            values = Arrays.copyOf(values, size);
        }
    }

    /**
     * {@code A B} on a known pattern: {@code pattern} must hold every entry of the product (as
     * {@link #multiply} of matrices with A's and B's patterns returns it). Returns a matrix that
     * shares the pattern's row pointers and column indices, with new values summed in the same
     * order as {@link #multiply}, so the two agree bit for bit.
     */
    public static CsrMatrix multiplyNumeric(CsrMatrix a, CsrMatrix b, CsrMatrix pattern, ParallelRows par) {
        return multiplyNumeric(a, Rows.of(b), Pattern.of(pattern), null, par);
    }

    /**
     * {@link #multiplyNumeric(CsrMatrix, CsrMatrix, CsrMatrix, ParallelRows)} on the rows flagged
     * in {@code rows} (all where null), as {@link #multiply(CsrMatrix, CsrMatrix, boolean[], ParallelRows)}
     * made the pattern: the other rows stay empty.
     */
    public static CsrMatrix multiplyNumeric(CsrMatrix a, CsrMatrix b, CsrMatrix pattern, boolean[] rows,
                                            ParallelRows par) {
        requireRowFlags(a, rows);
        return multiplyNumeric(a, Rows.of(b), Pattern.of(pattern), rows, par);
    }

    /**
     * A matrix's sparsity pattern without its values (its arrays shared, not copied): what a
     * numeric re-computation of a product keeps between calls.
     */
    public record Pattern(int rows, int cols, int[] rowPtr, int[] colIdx) {

        /** The pattern of {@code m}, sharing its arrays. */
        public static Pattern of(CsrMatrix m) {
            return new Pattern(m.rows(), m.cols(), m.rowPtr(), m.colIdx());
        }
    }

    /** As {@link #multiplyNumeric(CsrMatrix, CsrMatrix, CsrMatrix, ParallelRows)} on a kept pattern. */
    public static CsrMatrix multiplyNumeric(CsrMatrix a, CsrMatrix b, Pattern pattern, ParallelRows par) {
        return multiplyNumeric(a, Rows.of(b), pattern, null, par);
    }

    private static CsrMatrix multiplyNumeric(CsrMatrix a, Rows b, Pattern pattern, boolean[] rows, ParallelRows par) {
        if (a.cols() != b.rows || pattern.rows() != a.rows() || pattern.cols() != b.cols) {
            throw new IllegalArgumentException("pattern " + pattern.rows() + " x " + pattern.cols()
                    + " does not fit the product of " + a.rows() + " x " + a.cols() + " and " + b.rows + " x " + b.cols);
        }
        int[] arp = a.rowPtr();
        int[] aci = a.colIdx();
        double[] av = a.values();
        int[] crp = pattern.rowPtr();
        int[] cci = pattern.colIdx();
        double[] cv = new double[cci.length];
        int[][] positions = new int[par.threads()][];
        par.forEach(a.rows(), BLOCK, (w, lo, hi) -> {
            int[] pos = positions[w] == null ? (positions[w] = new int[b.cols]) : positions[w];
            for (int i = lo; i < hi; i++) {
                if (rows == null || rows[i]) {
                    rowOnPattern(i, arp, aci, av, b, crp, cci, cv, i, pos);
                }
            }
        });
        return new CsrMatrix(pattern.rows(), pattern.cols(), crp, cci, cv, true);
    }

    /** Sorts {@code a[from, to)}: insertion sort for the short rows of a product, else the library sort. */
    private static void sortSmall(int[] a, int from, int to) {
        if (to - from > 32) {
            Arrays.sort(a, from, to);
            return;
        }
        for (int i = from + 1; i < to; i++) {
            int v = a[i];
            int j = i - 1;
            while (j >= from && a[j] > v) {
                a[j + 1] = a[j];
                j--;
            }
            a[j + 1] = v;
        }
    }

    /**
     * A transpose and where each entry went: entry {@code k} of the source is entry
     * {@code position[k]} of {@code transpose}.
     */
    public record Transposed(CsrMatrix transpose, int[] position) {

        /** The transpose of a matrix with the source's pattern and new {@code values}, sharing the pattern. */
        public CsrMatrix withSourceValues(double[] values, ParallelRows par) {
            if (values.length != position.length) {
                throw new IllegalArgumentException("expected " + position.length + " values, got " + values.length);
            }
            double[] tv = new double[values.length];
            par.forEach(values.length, 1 << 16, (w, lo, hi) -> {
                for (int k = lo; k < hi; k++) {
                    tv[position[k]] = values[k];
                }
            });
            return new CsrMatrix(transpose.rows(), transpose.cols(), transpose.rowPtr(), transpose.colIdx(), tv, true);
        }
    }

    /**
     * The transpose by a counting sort over columns (O(nnz), rows of the result sorted), with the
     * position map that {@link Transposed#withSourceValues} reuses. The rows are cut into one
     * contiguous range per thread; each range counts its columns, and places its entries after
     * those of the ranges before it, so the result is the sequential one for any thread count.
     */
    public static Transposed transpose(CsrMatrix a, ParallelRows par) {
        int rows = a.rows();
        int cols = a.cols();
        int[] rp = a.rowPtr();
        int[] ci = a.colIdx();
        double[] v = a.values();
        int nnz = v.length;
        int parts = Math.max(1, Math.min(par.threads(), rows / 4096));
        int chunk = Math.max(1, (rows + parts - 1) / parts);
        int[][] counts = new int[parts][cols + 1];
        par.forEach(rows, chunk, (w, lo, hi) -> {
            int[] c = counts[lo / chunk];
            for (int k = rp[lo]; k < rp[hi]; k++) {
                c[ci[k]]++;
            }
        });
        // Column j of part t starts after column j of the parts before it: offsets in place.
        int[] tp = new int[cols + 1];
        int running = 0;
        for (int j = 0; j < cols; j++) {
            tp[j] = running;
            for (int t = 0; t < parts; t++) {
                int c = counts[t][j];
                counts[t][j] = running;
                running += c;
            }
        }
        tp[cols] = running;
        int[] ti = new int[nnz];
        double[] tv = new double[nnz];
        int[] position = new int[nnz];
        par.forEach(rows, chunk, (w, lo, hi) -> {
            int[] next = counts[lo / chunk];
            for (int i = lo; i < hi; i++) {
                for (int k = rp[i]; k < rp[i + 1]; k++) {
                    int dst = next[ci[k]]++;
                    ti[dst] = i;
                    tv[dst] = v[k];
                    position[k] = dst;
                }
            }
        });
        return new Transposed(new CsrMatrix(cols, rows, tp, ti, tv, true), position);
    }

}
