package dev.solvent.gen;

import dev.solvent.matrix.CsrMatrix;
import java.util.Arrays;

/**
 * Appends a CSR matrix row by row, each row's columns given in strictly increasing order. The
 * stencil generators know their sorted row layout, so this avoids the triplet sort of a COO
 * assembly (a 7-point matrix of 10^7 unknowns would otherwise hold 7 x 10^7 triplets on top of the
 * result). {@link CsrMatrix#of} still validates what comes out.
 */
final class RowAssembler {

    /** Largest array length that every JVM grants. */
    static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    private final int rows;
    private final int cols;
    private final int[] rowPtr;
    private final int[] colIdx;
    private final double[] values;
    private int row;
    private int size;

    /**
     * @param maxNnz an upper bound on the stored entries; checked against the array limit so that
     *               an oversized problem fails here with its name rather than as an overflow later
     */
    RowAssembler(String what, int rows, int cols, long maxNnz) {
        if (maxNnz > MAX_ARRAY) {
            throw new IllegalArgumentException(what + " would have " + maxNnz
                    + " nonzeros, more than a Java array can hold (2^31 - 9)");
        }
        // Refused before allocating: an array the heap cannot hold would end in an OutOfMemoryError.
        long bytes = 12 * maxNnz + 4L * (rows + 1);
        long heap = Runtime.getRuntime().maxMemory();
        if (heap != Long.MAX_VALUE && bytes > heap) {
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
                    "%s needs %.2f GB for its %d nonzeros, but this JVM may use at most %.2f GB: give it more heap"
                            + " (-Xmx; JAVA_OPTS=-Xmx... for the command line) or choose a smaller grid",
                    what, bytes / 1e9, maxNnz, heap / 1e9));
        }
        this.rows = rows;
        this.cols = cols;
        this.rowPtr = new int[rows + 1];
        this.colIdx = new int[(int) maxNnz];
        this.values = new double[(int) maxNnz];
    }

    void add(int col, double value) {
        colIdx[size] = col;
        values[size] = value;
        size++;
    }

    void endRow() {
        rowPtr[++row] = size;
    }

    CsrMatrix build() {
        if (row != rows) {
            throw new IllegalStateException("assembled " + row + " rows of " + rows);
        }
        return CsrMatrix.of(rows, cols, rowPtr,
                size == colIdx.length ? colIdx : Arrays.copyOf(colIdx, size),
                size == values.length ? values : Arrays.copyOf(values, size));
    }
}
