package dev.solvent.ot;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and writes DOTmark images: a CSV file of r rows of r comma-separated non-negative numbers
 * (integers in the benchmark), one grid row per line. Blank lines are ignored. The grid is returned
 * as read; a probability histogram is made from it by {@link #histogram(double[][])}.
 * {@link #gaussianBlobs} makes such images, for examples and tests that need no benchmark files.
 */
public final class DotmarkCsv {

    private DotmarkCsv() {
    }

    /**
     * Reads the grid of a CSV image.
     *
     * @throws IOException naming the file and line for a malformed number, a negative or non-finite
     *                     value, a row of a different length than the first, or an empty file
     */
    public static double[][] read(Path file) throws IOException {
        List<double[]> rows = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int lineNo = 0;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                String[] fields = line.split(",", -1);
                double[] row = new double[fields.length];
                for (int k = 0; k < fields.length; k++) {
                    String f = fields[k].trim();
                    double v;
                    try {
                        v = Double.parseDouble(f);
                    } catch (NumberFormatException e) {
                        throw new IOException(file + ": line " + lineNo + ", column " + (k + 1)
                                + ": '" + f + "' is not a number");
                    }
                    if (!Double.isFinite(v) || v < 0) {
                        throw new IOException(file + ": line " + lineNo + ", column " + (k + 1)
                                + ": mass " + f + " is not a finite non-negative number");
                    }
                    row[k] = v;
                }
                if (!rows.isEmpty() && row.length != rows.get(0).length) {
                    throw new IOException(file + ": line " + lineNo + " has " + row.length
                            + " values but the first row has " + rows.get(0).length);
                }
                rows.add(row);
            }
        }
        if (rows.isEmpty()) {
            throw new IOException(file + ": no data (empty file)");
        }
        return rows.toArray(new double[0][]);
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
        Files.writeString(file, sb, StandardCharsets.UTF_8);
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
     *                                  has zero total mass
     */
    public static double[] histogram(double[][] grid) {
        int cols = grid[0].length;
        double[] h = new double[grid.length * cols];
        double total = 0.0;
        for (int i = 0; i < grid.length; i++) {
            if (grid[i].length != cols) {
                throw new IllegalArgumentException("grid row " + i + " has " + grid[i].length
                        + " values but row 0 has " + cols);
            }
            for (int j = 0; j < cols; j++) {
                double v = grid[i][j];
                if (!Double.isFinite(v) || v < 0) {
                    throw new IllegalArgumentException("grid value (" + i + ", " + j + ") = " + v
                            + " is not a finite non-negative number");
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
