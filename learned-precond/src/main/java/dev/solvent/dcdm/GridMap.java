package dev.solvent.dcdm;

import dev.solvent.gen.FluidGrid;
import dev.solvent.gen.GridLayout;

/**
 * Where each unknown of a pressure system lives on the network's grid: the cell grid padded by
 * one layer of zero cells in any odd dimension (the network pools by 2), unknown {@code u} at the
 * voxel of its cell. Non-fluid cells (solid, air, padding) carry zero: the network sees the
 * residual scattered onto the full grid and its output is gathered back to the unknowns.
 */
public final class GridMap {

    private final Shape shape;
    private final int[] voxelOfUnknown;

    /**
     * @param dims       2 or 3
     * @param nx         cells along x (ny, nz likewise; nz = 1 in 2D)
     * @param cellOfUnknown the cell number {@code i + nx (j + ny k)} of each unknown
     */
    public GridMap(int dims, int nx, int ny, int nz, int[] cellOfUnknown) {
        int px = nx + (nx & 1);
        int py = ny + (ny & 1);
        int pz = dims == 3 ? nz + (nz & 1) : 1;
        this.shape = new Shape(dims, px, py, pz);
        this.voxelOfUnknown = new int[cellOfUnknown.length];
        long cells = (long) nx * ny * nz;
        for (int u = 0; u < cellOfUnknown.length; u++) {
            int c = cellOfUnknown[u];
            if (c < 0 || c >= cells) {
                throw new IllegalArgumentException("unknown " + u + " is at cell " + c + ", outside the "
                        + nx + " x " + ny + " x " + nz + " grid");
            }
            int i = c % nx;
            int j = (c / nx) % ny;
            int k = c / (nx * ny);
            voxelOfUnknown[u] = i + px * (j + py * k);
        }
    }

    /** The map of a {@link FluidGrid}'s pressure unknowns (its {@code fluidCells()} numbering). */
    public static GridMap of(FluidGrid g) {
        return new GridMap(3, g.nx(), g.ny(), g.nz(), g.fluidCells());
    }

    /** The map of any grid layout (for example one read from a Matrix Market file's comments). */
    public static GridMap of(GridLayout layout) {
        return new GridMap(layout.dimensions(), layout.nx(), layout.ny(), layout.nz(), layout.cellOfUnknown());
    }

    /** Every cell of a full 3D box is an unknown (for {@code poisson3d}-style problems). */
    public static GridMap box3d(int nx, int ny, int nz) {
        int[] cells = new int[nx * ny * nz];
        for (int i = 0; i < cells.length; i++) {
            cells[i] = i;
        }
        return new GridMap(3, nx, ny, nz, cells);
    }

    /** Every cell of a full 2D rectangle is an unknown. */
    public static GridMap box2d(int nx, int ny) {
        int[] cells = new int[nx * ny];
        for (int i = 0; i < cells.length; i++) {
            cells[i] = i;
        }
        return new GridMap(2, nx, ny, 1, cells);
    }

    public Shape shape() {
        return shape;
    }

    public int unknowns() {
        return voxelOfUnknown.length;
    }

    /** The voxel of each unknown (the array itself: callers must not change it). */
    int[] voxelOfUnknown() {
        return voxelOfUnknown;
    }

    /** {@code out[voxel(u)] = scale * r[u]}, zero elsewhere. */
    public void scatter(double[] r, double scale, float[] out) {
        java.util.Arrays.fill(out, 0f);
        for (int u = 0; u < voxelOfUnknown.length; u++) {
            out[voxelOfUnknown[u]] = (float) (scale * r[u]);
        }
    }

    /** {@code q[u] = y[voxel(u)]}. */
    public void gather(float[] y, double[] q) {
        for (int u = 0; u < voxelOfUnknown.length; u++) {
            q[u] = y[voxelOfUnknown[u]];
        }
    }

    /** The adjoint of {@link #gather}: {@code out[voxel(u)] = g[u]}, zero elsewhere. */
    public void scatterGradient(double[] g, float[] out) {
        scatter(g, 1.0, out);
    }
}
