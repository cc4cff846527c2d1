package dev.solvent.dcdm;

/**
 * A 2D or 3D grid of voxels as the network sees it: {@code nx x ny x nz} (nz = 1 in 2D), voxel
 * {@code v = x + nx (y + ny z)}, the same numbering as {@link dev.solvent.gen.FluidGrid}. A
 * feature map of C channels is a {@code float[voxels * C]} with the channel innermost,
 * {@code t[v * C + c]}, so that a convolution's inner loop runs over contiguous channels.
 *
 * @param dims 2 or 3
 */
public record Shape(int dims, int nx, int ny, int nz) {

    public Shape {
        if (dims != 2 && dims != 3) {
            throw new IllegalArgumentException("a grid has 2 or 3 dimensions, got " + dims);
        }
        if (nx < 1 || ny < 1 || nz < 1 || (dims == 2 && nz != 1)) {
            throw new IllegalArgumentException("bad grid " + nx + " x " + ny + " x " + nz + " for " + dims + "D");
        }
        if ((long) nx * ny * nz > Integer.MAX_VALUE / 64) {
            throw new IllegalArgumentException("grid " + nx + " x " + ny + " x " + nz + " is too large");
        }
    }

    public static Shape of3d(int nx, int ny, int nz) {
        return new Shape(3, nx, ny, nz);
    }

    public static Shape of2d(int nx, int ny) {
        return new Shape(2, nx, ny, 1);
    }

    public int voxels() {
        return nx * ny * nz;
    }

    /** Rows of x-lines: {@code ny * nz}; kernels split work by contiguous rows (z-slabs in 3D). */
    int rows() {
        return ny * nz;
    }

    /** Kernel taps of a 3-wide convolution: 27 in 3D, 9 in 2D. */
    int taps() {
        return dims == 3 ? 27 : 9;
    }

    /** Whether every dimension the pooling halves is even. */
    boolean poolable() {
        return nx % 2 == 0 && ny % 2 == 0 && (dims == 2 || nz % 2 == 0);
    }

    /** The narrowest dimension (nz does not count in 2D). */
    int minWidth() {
        return dims == 3 ? Math.min(nx, Math.min(ny, nz)) : Math.min(nx, ny);
    }

    /** The grid after 2x pooling. */
    Shape coarse() {
        if (!poolable()) {
            throw new IllegalArgumentException("the network pools by 2: every grid dimension must be even, got " + this);
        }
        return new Shape(dims, nx / 2, ny / 2, dims == 3 ? nz / 2 : 1);
    }

    @Override
    public String toString() {
        return dims == 3 ? nx + "x" + ny + "x" + nz : nx + "x" + ny;
    }
}
