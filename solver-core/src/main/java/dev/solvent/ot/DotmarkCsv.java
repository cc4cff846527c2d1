package dev.solvent.ot;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads and writes DOTmark images: a CSV file of r rows of r comma-separated non-negative numbers
 * (integers in the benchmark), one grid row per line. Blank lines are ignored. The grid is returned
 * as read; a probability histogram is made from it by {@link #histogram(double[][])}.
 * {@link #gaussianBlobs} makes such images, for examples and tests that need no benchmark files.
 *
 * <p>The file is read as a byte stream, value by value: memory grows with the values actually
 * read (8 bytes per value, at least two bytes of text each), never with the length of a line, and
 * a line longer than {@value #MAX_LINE_BYTES} bytes is refused as soon as it is seen (a DOTmark
 * line of 512 pixels takes a few KB). Only ASCII text is accepted.
 */
public final class DotmarkCsv {

    /** Longest line accepted, in bytes. */
    public static final int MAX_LINE_BYTES = 1 << 20;

    /** Longest single value accepted, in characters (a double needs about 25). */
    static final int MAX_VALUE_CHARS = 64;

    private DotmarkCsv() {
    }

    /**
     * Reads the grid of a CSV image.
     *
     * @throws DotmarkFormatException naming the file and line for a malformed number, a negative or
     *                                non-finite value, a row of a different length than the first,
     *                                a line too long, a byte that is not ASCII text, or an empty file
     * @throws IOException            if the file cannot be read (the message names it)
     */
    public static double[][] read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString());
        } catch (java.nio.file.NoSuchFileException e) {
            throw new java.nio.file.NoSuchFileException(file.toString(), null, "no such DOTmark CSV file");
        } catch (DotmarkFormatException | java.nio.file.FileSystemException e) {
            throw e;
        } catch (IOException e) {
            // A read error in the middle of the file: say which file.
            throw new IOException(file + ": read failed: " + e.getMessage(), e);
        }
    }

    /**
     * Reads the grid of a CSV image from a stream (not closed); {@code source} names it in errors.
     *
     * @throws DotmarkFormatException as {@link #read(Path)}
     */
    public static double[][] read(InputStream stream, String source) throws IOException {
        InputStream in = new BufferedInputStream(stream, 1 << 16);
        List<double[]> rows = new ArrayList<>();
        double[] row = new double[16];
        int count = 0;
        byte[] value = new byte[MAX_VALUE_CHARS];
        int valueLength = 0;
        long line = 1;
        long lineBytes = 0;
        boolean lineHasText = false;
        boolean blankAfterValue = false;
        while (true) {
            int c = in.read();
            if (c == '\n' || c < 0) {
                if (lineHasText) {
                    row = append(row, count++, parse(value, valueLength, source, line, count));
                    if (!rows.isEmpty() && count != rows.get(0).length) {
                        throw new DotmarkFormatException(source, line, "found " + count
                                + " values but the first row has " + rows.get(0).length);
                    }
                    rows.add(Arrays.copyOf(row, count));
                }
                if (c < 0) {
                    break;
                }
                count = 0;
                valueLength = 0;
                blankAfterValue = false;
                lineHasText = false;
                lineBytes = 0;
                line++;
                continue;
            }
            if (++lineBytes > MAX_LINE_BYTES) {
                throw new DotmarkFormatException(source, line, "the line is longer than " + MAX_LINE_BYTES
                        + " bytes (is this a DOTmark CSV image?)");
            }
            if (c == ',') {
                lineHasText = true;
                row = append(row, count++, parse(value, valueLength, source, line, count));
                if (!rows.isEmpty() && count > rows.get(0).length) {
                    throw new DotmarkFormatException(source, line, "has more values than the first row ("
                            + rows.get(0).length + ")");
                }
                valueLength = 0;
                blankAfterValue = false;
            } else if (c == ' ' || c == '\t' || c == '\r') {
                // Blanks around values are ignored, but not inside one: "1 2" is not a number.
                blankAfterValue = valueLength > 0;
            } else if (c < 0x20 || c > 0x7e) {
                throw new DotmarkFormatException(source, line, "column " + (count + 1) + ": byte 0x"
                        + Integer.toHexString(c) + " is not CSV text");
            } else {
                lineHasText = true;
                if (blankAfterValue) {
                    throw new DotmarkFormatException(source, line, "column " + (count + 1) + ": '"
                            + new String(value, 0, valueLength, StandardCharsets.US_ASCII) + " " + (char) c
                            + "...' is not a number (a blank inside a value)");
                }
                if (valueLength >= MAX_VALUE_CHARS) {
                    throw new DotmarkFormatException(source, line, "column " + (count + 1) + ": a value longer than "
                            + MAX_VALUE_CHARS + " characters");
                }
                value[valueLength++] = (byte) c;
            }
        }
        if (rows.isEmpty()) {
            throw new DotmarkFormatException(source, 0, "no data (empty file)");
        }
        return rows.toArray(new double[0][]);
    }

    private static double[] append(double[] row, int at, double v) {
        if (at == row.length) {
            row = Arrays.copyOf(row, 2 * row.length);
        }
        row[at] = v;
        return row;
    }

    /** The value of one field (column {@code column}, counted from 1). */
    private static double parse(byte[] text, int length, String source, long line, int column)
            throws DotmarkFormatException {
        if (length > 0 && length <= 15) {
            // DOTmark's values are integers: convert plain digits exactly, without a String.
            long digits = 0;
            int k = 0;
            while (k < length && text[k] >= '0' && text[k] <= '9') {
                digits = 10 * digits + (text[k++] - '0');
            }
            if (k == length) {
                return digits;
            }
        }
        String f = new String(text, 0, length, StandardCharsets.US_ASCII);
        double v;
        try {
            v = Double.parseDouble(f);
        } catch (NumberFormatException e) {
            throw new DotmarkFormatException(source, line, "column " + column + ": '" + f + "' is not a number");
        }
        if (!Double.isFinite(v) || v < 0) {
            throw new DotmarkFormatException(source, line, "column " + column + ": mass " + f
                    + " is not a finite non-negative number");
        }
        return v;
    }

    /**
     * Writes a grid in the same format, one row per line, values in Java's shortest round-trip
     * form (integral values without a fraction).
     *
     * @throws IllegalArgumentException if the grid is empty or ragged, or holds a negative or
     *                                  non-finite value
     */
    public static void write(double[][] grid, Path file) throws IOException {
        if (grid.length == 0 || grid[0].length == 0) {
            throw new IllegalArgumentException("cannot write an empty grid");
        }
        StringBuilder sb = new StringBuilder();
        for (double[] row : grid) {
            if (row.length != grid[0].length) {
                throw new IllegalArgumentException("ragged grid: rows of " + grid[0].length + " and " + row.length + " values");
            }
            for (int j = 0; j < row.length; j++) {
                double v = row[j];
                if (!Double.isFinite(v) || v < 0) {
                    throw new IllegalArgumentException("mass " + v + " is not a finite non-negative number");
                }
                if (j > 0) {
                    sb.append(',');
                }
                if (v == Math.rint(v) && v < 1e15) {
                    sb.append((long) v);
                } else {
                    sb.append(v);
                }
            }
            sb.append('\n');
        }
        dev.solvent.io.AtomicFiles.writeString(file, sb.toString());
    }

    /**
     * An r x r image of three Gaussian blobs on a faint background, in integer intensities 0..255
     * like the benchmark's: centres, widths and weights drawn with {@code java.util.Random(seed)}.
     * Different seeds give different images to transport between.
     */
    public static double[][] gaussianBlobs(int r, long seed) {
        if (r < 2) {
            throw new IllegalArgumentException("an image needs at least 2 x 2 pixels, got " + r);
        }
        java.util.Random rnd = new java.util.Random(seed);
        int blobs = 3;
        double[] cy = new double[blobs];
        double[] cx = new double[blobs];
        double[] width = new double[blobs];
        double[] weight = new double[blobs];
        for (int b = 0; b < blobs; b++) {
            cy[b] = r * (0.15 + 0.7 * rnd.nextDouble());
            cx[b] = r * (0.15 + 0.7 * rnd.nextDouble());
            width[b] = r * (0.05 + 0.1 * rnd.nextDouble());
            weight[b] = 0.4 + 0.6 * rnd.nextDouble();
        }
        double[][] grid = new double[r][r];
        double max = 0;
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < r; j++) {
                double v = 0.02;
                for (int b = 0; b < blobs; b++) {
                    double d2 = (i + 0.5 - cy[b]) * (i + 0.5 - cy[b]) + (j + 0.5 - cx[b]) * (j + 0.5 - cx[b]);
                    v += weight[b] * Math.exp(-d2 / (2 * width[b] * width[b]));
                }
                grid[i][j] = v;
                max = Math.max(max, v);
            }
        }
        for (double[] row : grid) {
            for (int j = 0; j < row.length; j++) {
                row[j] = Math.round(255 * row[j] / max);
            }
        }
        return grid;
    }

    /**
     * The grid flattened row by row (pixel (i, j) at index {@code i * cols + j}) and divided by its
     * total, so that it sums to 1.
     *
     * @throws IllegalArgumentException if the grid is ragged, has a negative or non-finite value, or
     *                                  has zero total mass (rows and columns counted from 1)
     */
    public static double[] histogram(double[][] grid) {
        int cols = grid[0].length;
        if ((long) grid.length * cols > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a grid of " + grid.length + " x " + cols + " pixels is larger than"
                    + " one Java array holds");
        }
        double[] h = new double[grid.length * cols];
        double total = 0.0;
        for (int i = 0; i < grid.length; i++) {
            if (grid[i].length != cols) {
                throw new IllegalArgumentException("grid row " + (i + 1) + " has " + grid[i].length
                        + " values but row 1 has " + cols + " (rows counted from 1)");
            }
            for (int j = 0; j < cols; j++) {
                double v = grid[i][j];
                if (!Double.isFinite(v) || v < 0) {
                    throw new IllegalArgumentException("grid value at row " + (i + 1) + ", column " + (j + 1) + " = " + v
                            + " is not a finite non-negative number (counted from 1)");
                }
                h[i * cols + j] = v;
                total += v;
            }
        }
        if (!(total > 0)) {
            throw new IllegalArgumentException("the grid has zero total mass");
        }
        for (int k = 0; k < h.length; k++) {
            h[k] /= total;
        }
        return h;
    }

    /** Pixel centres of a grid, {@code (row, column)} for index {@code row * cols + column}. */
    public static double[][] gridPoints(int rows, int cols) {
        double[][] p = new double[rows * cols][];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                p[i * cols + j] = new double[] {i, j};
            }
        }
        return p;
    }
}
