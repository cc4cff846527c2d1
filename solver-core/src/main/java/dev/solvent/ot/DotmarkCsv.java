package dev.solvent.ot;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads DOTmark images: a CSV file of r rows of r comma-separated non-negative numbers (integers in
 * the benchmark), one grid row per line. Blank lines are ignored. The grid is returned as read; a
 * probability histogram is made from it by {@link #histogram(double[][])}.
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
