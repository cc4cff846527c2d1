package dev.solvent.gen;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Where the unknowns of a system sit on a structured grid of {@code nx x ny x nz} cells: unknown
 * {@code u} lives in cell {@code cellOfUnknown[u] = i + nx (j + ny k)}. A full box numbers every
 * cell; a pressure system numbers only its fluid cells ({@link FluidGrid#fluidCells()}). Solvers
 * that look at the geometry (the learned DCDM preconditioner) need it; a matrix alone does not
 * say it.
 *
 * <p>It travels inside a Matrix Market file as comment lines after the banner, which any reader
 * of the format skips ({@link #toComments()}, {@link #fromComments}):
 * <pre>
 *   %solvent-grid NX NY NZ
 *   %solvent-cells FIRST-LAST FIRST-LAST ...      the cells of unknowns 0, 1, 2, ... as runs
 * </pre>
 * where each run {@code a-b} stands for the cells {@code a, a+1, ..., b} (a single cell is
 * written {@code a}); the runs of all {@code %solvent-cells} lines, in order, list every unknown.
 * A 2D grid has {@code NZ = 1}.
 *
 * @param nx            cells along x (at least 1)
 * @param ny            cells along y
 * @param nz            cells along z (1 for a 2D grid)
 * @param cellOfUnknown the cell of each unknown, each in {@code [0, nx ny nz)}, all different
 */
public record GridLayout(int nx, int ny, int nz, int[] cellOfUnknown) {

    /** The comment keyword of the grid size line. */
    public static final String GRID = "solvent-grid";
    /** The comment keyword of the cell-list lines. */
    public static final String CELLS = "solvent-cells";

    public GridLayout {
        if (nx < 1 || ny < 1 || nz < 1) {
            throw new IllegalArgumentException("grid " + nx + " x " + ny + " x " + nz + " has an empty dimension");
        }
        Objects.requireNonNull(cellOfUnknown, "cellOfUnknown");
        long cells = (long) nx * ny * nz;
        if (cells > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("grid " + nx + " x " + ny + " x " + nz + " has more cells than an int counts");
        }
        boolean[] seen = new boolean[(int) cells];
        for (int u = 0; u < cellOfUnknown.length; u++) {
            int c = cellOfUnknown[u];
            if (c < 0 || c >= cells) {
                throw new IllegalArgumentException("unknown " + u + " is at cell " + c + ", outside the " + nx + " x " + ny
                        + " x " + nz + " grid");
            }
            if (seen[c]) {
                throw new IllegalArgumentException("unknowns share cell " + c);
            }
            seen[c] = true;
        }
    }

    /** Every cell of the box is an unknown, numbered {@code i + nx (j + ny k)}. */
    public static GridLayout box(int nx, int ny, int nz) {
        int[] cells = new int[Math.multiplyExact(Math.multiplyExact(nx, ny), nz)];
        for (int c = 0; c < cells.length; c++) {
            cells[c] = c;
        }
        return new GridLayout(nx, ny, nz, cells);
    }

    /** The pressure unknowns of a fluid grid (its fluid cells, in {@link FluidGrid#pressureProblem} order). */
    public static GridLayout of(FluidGrid g) {
        return new GridLayout(g.nx(), g.ny(), g.nz(), g.fluidCells());
    }

    /** Number of unknowns. */
    public int unknowns() {
        return cellOfUnknown.length;
    }

    /** 2 for a grid with one layer of cells in z, else 3. */
    public int dimensions() {
        return nz == 1 ? 2 : 3;
    }

    /** The comment lines (without the leading {@code %}) that describe this layout in a Matrix Market file. */
    public List<String> toComments() {
        List<String> lines = new ArrayList<>();
        lines.add(GRID + " " + nx + " " + ny + " " + nz);
        StringBuilder line = new StringBuilder(CELLS);
        int u = 0;
        while (u < cellOfUnknown.length) {
            int first = cellOfUnknown[u];
            int last = first;
            u++;
            while (u < cellOfUnknown.length && cellOfUnknown[u] == last + 1) {
                last++;
                u++;
            }
            String run = first == last ? Integer.toString(first) : first + "-" + last;
            if (line.length() + 1 + run.length() > 100 && line.length() > CELLS.length()) {
                lines.add(line.toString());
                line.setLength(0);
                line.append(CELLS);
            }
            line.append(' ').append(run);
        }
        if (line.length() > CELLS.length() || cellOfUnknown.length == 0) {
            lines.add(line.toString());
        }
        return lines;
    }

    /**
     * The layout in a Matrix Market file's comment lines (as {@code MatrixMarket.readComments}
     * returns them), or null when they hold none.
     *
     * @param source names the file in error messages
     * @throws IllegalArgumentException if the lines are present but malformed
     */
    public static GridLayout fromComments(List<String> comments, String source) {
        int[] dims = null;
        int[] cells = new int[16];
        int count = 0;
        boolean sawCells = false;
        for (String raw : comments) {
            String line = raw.strip();
            String[] words = line.split("\\s+");
            if (words[0].equals(GRID)) {
                if (dims != null) {
                    throw new IllegalArgumentException(source + ": two '%" + GRID + "' lines");
                }
                if (words.length != 4) {
                    throw new IllegalArgumentException(source + ": '%" + line + "' must give three sizes, NX NY NZ");
                }
                dims = new int[3];
                for (int d = 0; d < 3; d++) {
                    dims[d] = parse(words[d + 1], source, line);
                }
            } else if (words[0].equals(CELLS)) {
                sawCells = true;
                for (int w = 1; w < words.length; w++) {
                    int dash = words[w].indexOf('-');
                    int first = parse(dash < 0 ? words[w] : words[w].substring(0, dash), source, line);
                    int last = dash < 0 ? first : parse(words[w].substring(dash + 1), source, line);
                    if (last < first) {
                        throw new IllegalArgumentException(source + ": run '" + words[w] + "' in '%" + CELLS + "' ends before it starts");
                    }
                    long needed = (long) count + (last - first) + 1;
                    if (needed > Integer.MAX_VALUE - 8) {
                        throw new IllegalArgumentException(source + ": '%" + CELLS + "' lists too many cells");
                    }
                    if (needed > cells.length) {
                        cells = Arrays.copyOf(cells, (int) Math.max(needed, Math.min(Integer.MAX_VALUE - 8L, 2L * cells.length)));
                    }
                    for (int c = first; c <= last; c++) {
                        cells[count++] = c;
                    }
                }
            }
        }
        if (dims == null) {
            if (sawCells) {
                throw new IllegalArgumentException(source + ": '%" + CELLS + "' lines without a '%" + GRID + "' line");
            }
            return null;
        }
        if (!sawCells) {
            throw new IllegalArgumentException(source + ": a '%" + GRID + "' line without '%" + CELLS + "' lines");
        }
        try {
            return new GridLayout(dims[0], dims[1], dims[2], Arrays.copyOf(cells, count));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": bad grid layout: " + e.getMessage(), e);
        }
    }

    private static int parse(String word, String source, String line) {
        try {
            int v = Integer.parseInt(word);
            if (v >= 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(source + ": '" + word + "' in '%" + line + "' is not a non-negative integer");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GridLayout g && nx == g.nx && ny == g.ny && nz == g.nz && Arrays.equals(cellOfUnknown, g.cellOfUnknown);
    }

    @Override
    public int hashCode() {
        return 31 * Objects.hash(nx, ny, nz) + Arrays.hashCode(cellOfUnknown);
    }

    @Override
    public String toString() {
        return "GridLayout[" + nx + " x " + ny + " x " + nz + ", " + cellOfUnknown.length + " unknowns]";
    }
}
