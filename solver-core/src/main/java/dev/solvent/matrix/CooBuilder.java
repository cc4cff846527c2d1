package dev.solvent.matrix;

import java.util.Arrays;

/**
 * Assembles a {@link CsrMatrix} from triplets (i, j, value) in any order. Entries given more than
 * once at the same position are summed, as finite-element and finite-volume assembly expects.
 * Explicit zeros are kept as stored entries.
 */
public final class CooBuilder {

    private final int rows;
    private final int cols;
    private int size;
    private int[] is;
    private int[] js;
    private double[] vs;

    CooBuilder(int rows, int cols) {
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException("negative dimensions " + rows + " x " + cols);
        }
        this.rows = rows;
        this.cols = cols;
        this.is = new int[16];
        this.js = new int[16];
        this.vs = new double[16];
    }

    /** Reserves room for at least {@code expected} triplets, to avoid regrowth on large assemblies. */
    public CooBuilder reserve(int expected) {
        if (expected > is.length) {
            grow(expected);
        }
        return this;
    }

    /** Adds {@code value} at (i, j), summed with anything already there. */
    public CooBuilder add(int i, int j, double value) {
        if (i < 0 || i >= rows || j < 0 || j >= cols) {
            throw new IndexOutOfBoundsException("entry (" + i + ", " + j + ") outside a " + rows + " x " + cols + " matrix");
        }
        if (size == is.length) {
            grow(Math.max(16, size + (size >> 1)));
        }
        is[size] = i;
        js[size] = j;
        vs[size] = value;
        size++;
        return this;
    }

    /** Number of triplets added so far (before duplicates are summed). */
    public int size() {
        return size;
    }

    private void grow(int capacity) {
        is = Arrays.copyOf(is, capacity);
        js = Arrays.copyOf(js, capacity);
        vs = Arrays.copyOf(vs, capacity);
    }

    /** Sorts by row (counting sort) then by column within each row, sums duplicates, builds. */
    public CsrMatrix build() {
        int[] count = new int[rows + 1];
        for (int t = 0; t < size; t++) {
            count[is[t] + 1]++;
        }
        for (int i = 0; i < rows; i++) {
            count[i + 1] += count[i];
        }
        int[] next = Arrays.copyOf(count, rows);
        int[] col = new int[size];
        double[] val = new double[size];
        for (int t = 0; t < size; t++) {
            int dst = next[is[t]]++;
            col[dst] = js[t];
            val[dst] = vs[t];
        }
        int[] rowPtr = new int[rows + 1];
        int out = 0;
        for (int i = 0; i < rows; i++) {
            int start = count[i];
            int end = count[i + 1];
            sortRow(col, val, start, end);
            for (int k = start; k < end; k++) {
                if (out > rowPtr[i] && col[out - 1] == col[k]) {
                    val[out - 1] += val[k];
                } else {
                    col[out] = col[k];
                    val[out] = val[k];
                    out++;
                }
            }
            rowPtr[i + 1] = out;
        }
        return new CsrMatrix(rows, cols, rowPtr, Arrays.copyOf(col, out), Arrays.copyOf(val, out), true);
    }

    /** Insertion sort for short rows, an index sort otherwise; stable so duplicates sum in order. */
    private static void sortRow(int[] col, double[] val, int start, int end) {
        int len = end - start;
        if (len <= 32) {
            for (int a = start + 1; a < end; a++) {
                int c = col[a];
                double v = val[a];
                int b = a - 1;
                while (b >= start && col[b] > c) {
                    col[b + 1] = col[b];
                    val[b + 1] = val[b];
                    b--;
                }
                col[b + 1] = c;
                val[b + 1] = v;
            }
            return;
        }
        long[] keys = new long[len];
        for (int a = 0; a < len; a++) {
            keys[a] = ((long) col[start + a] << 32) | a;
        }
        Arrays.sort(keys);
        int[] c2 = new int[len];
        double[] v2 = new double[len];
        for (int a = 0; a < len; a++) {
            int src = (int) (keys[a] & 0xffffffffL);
            c2[a] = col[start + src];
            v2[a] = val[start + src];
        }
        System.arraycopy(c2, 0, col, start, len);
        System.arraycopy(v2, 0, val, start, len);
    }
}
