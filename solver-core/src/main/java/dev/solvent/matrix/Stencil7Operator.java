package dev.solvent.matrix;

/**
 * The constant-coefficient 7-point stencil on an {@code nx x ny x nz} grid with homogeneous
 * Dirichlet boundaries, applied without storing a matrix:
 *
 * <pre>
 *   y[i,j,k] = c x[i,j,k] + wx (x[i-1,j,k] + x[i+1,j,k])
 *                         + wy (x[i,j-1,k] + x[i,j+1,k])
 *                         + wz (x[i,j,k-1] + x[i,j,k+1])
 * </pre>
 *
 * with neighbours outside the grid taken as zero. Unknowns are numbered {@code i + nx (j + ny k)}
 * (x fastest), the same order as {@link dev.solvent.gen.Generators#poisson3d}, so
 * {@link #poisson(int, int, int)} equals that matrix entry for entry. It moves only x and y
 * (16 bytes per unknown) where CSR moves about 7 x 12 bytes of matrix as well.
 */
public final class Stencil7Operator implements LinearOperator {

    private final int nx;
    private final int ny;
    private final int nz;
    private final double center;
    private final double wx;
    private final double wy;
    private final double wz;

    public Stencil7Operator(int nx, int ny, int nz, double center, double wx, double wy, double wz) {
        if (nx <= 0 || ny <= 0 || nz <= 0) {
            throw new IllegalArgumentException("grid dimensions must be positive, got " + nx + " x " + ny + " x " + nz);
        }
        if ((long) nx * ny * nz > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("grid " + nx + " x " + ny + " x " + nz + " has more than 2^31-1 unknowns");
        }
        this.nx = nx;
        this.ny = ny;
        this.nz = nz;
        this.center = center;
        this.wx = wx;
        this.wy = wy;
        this.wz = wz;
    }

    /** The unscaled Poisson stencil: 6 on the diagonal, -1 to each neighbour. */
    public static Stencil7Operator poisson(int nx, int ny, int nz) {
        return new Stencil7Operator(nx, ny, nz, 6.0, -1.0, -1.0, -1.0);
    }

    public int nx() {
        return nx;
    }

    public int ny() {
        return ny;
    }

    public int nz() {
        return nz;
    }

    public double center() {
        return center;
    }

    public double wx() {
        return wx;
    }

    public double wy() {
        return wy;
    }

    public double wz() {
        return wz;
    }

    @Override
    public int rows() {
        return nx * ny * nz;
    }

    @Override
    public int cols() {
        return rows();
    }

    @Override
    public void apply(double[] x, double[] y) {
        LinearOperator.checkApply(this, x, y);
        applyPlanes(x, y, 0, nz);
    }

    /**
     * {@code y = A x} on the z-planes {@code [k0, k1)} only; the kernel the threaded backend splits
     * by planes. Boundary tests are hoisted out of the inner x loop: the first and last point of
     * each grid line are handled apart, the interior runs branch-free.
     */
    public void applyPlanes(double[] x, double[] y, int k0, int k1) {
        final int sx = 1;
        final int sy = nx;
        final int sz = nx * ny;
        for (int k = k0; k < k1; k++) {
            boolean hasDown = k > 0;
            boolean hasUp = k < nz - 1;
            for (int j = 0; j < ny; j++) {
                boolean hasSouth = j > 0;
                boolean hasNorth = j < ny - 1;
                int row = sz * k + sy * j;
                for (int i = 0; i < nx; i++) {
                    int p = row + i;
                    double s = center * x[p];
                    double lr = 0.0;
                    if (i > 0) {
                        lr += x[p - sx];
                    }
                    if (i < nx - 1) {
                        lr += x[p + sx];
                    }
                    double ns = 0.0;
                    if (hasSouth) {
                        ns += x[p - sy];
                    }
                    if (hasNorth) {
                        ns += x[p + sy];
                    }
                    double ud = 0.0;
                    if (hasDown) {
                        ud += x[p - sz];
                    }
                    if (hasUp) {
                        ud += x[p + sz];
                    }
                    y[p] = s + wx * lr + wy * ns + wz * ud;
                }
            }
        }
    }

    @Override
    public double[] diagonal() {
        double[] d = new double[rows()];
        java.util.Arrays.fill(d, center);
        return d;
    }

    /**
     * The same operator as an assembled matrix (for preconditioners that need entries), built row
     * by row straight into CSR arrays: the columns of a row (-z, -y, -x, centre, +x, +y, +z) are
     * already in increasing order.
     */
    public CsrMatrix toCsr() {
        try (ParallelRows par = new ParallelRows(1)) {
            return toCsr(par);
        }
    }

    /**
     * As {@link #toCsr()}, the z-planes filled in parallel: a plane's entries start at an offset
     * known in closed form (its rows have the in-plane neighbours, plus a -z neighbour unless it is
     * the first plane and a +z neighbour unless it is the last).
     */
    public CsrMatrix toCsr(ParallelRows par) {
        int n = rows();
        int sy = nx;
        int sz = nx * ny;
        long nnz = (long) n + 2L * ((long) (nx - 1) * ny * nz + (long) nx * (ny - 1) * nz + (long) nx * ny * (nz - 1));
        if (nnz > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(this + " has " + nnz + " entries, more than a CSR array holds");
        }
        long inPlane = (long) sz + 2L * ((long) (nx - 1) * ny + (long) nx * (ny - 1));
        int[] rp = new int[n + 1];
        int[] ci = new int[(int) nnz];
        double[] v = new double[(int) nnz];
        par.forEach(nz, 1, (w, zlo, zhi) -> {
            for (int z = zlo; z < zhi; z++) {
                // Planes before z: z of them, each with the in-plane entries and a +z entry per row,
                // and all but the first with a -z entry per row.
                int k = (int) (z * (inPlane + sz) + (long) Math.max(0, z - 1) * sz);
                for (int y = 0; y < ny; y++) {
                    for (int x = 0; x < nx; x++) {
                        int p = x + sy * y + sz * z;
                        if (z > 0) {
                            ci[k] = p - sz;
                            v[k++] = wz;
                        }
                        if (y > 0) {
                            ci[k] = p - sy;
                            v[k++] = wy;
                        }
                        if (x > 0) {
                            ci[k] = p - 1;
                            v[k++] = wx;
                        }
                        ci[k] = p;
                        v[k++] = center;
                        if (x < nx - 1) {
                            ci[k] = p + 1;
                            v[k++] = wx;
                        }
                        if (y < ny - 1) {
                            ci[k] = p + sy;
                            v[k++] = wy;
                        }
                        if (z < nz - 1) {
                            ci[k] = p + sz;
                            v[k++] = wz;
                        }
                        rp[p + 1] = k;
                    }
                }
            }
        });
        return new CsrMatrix(n, n, rp, ci, v, true);
    }

    @Override
    public String toString() {
        return "Stencil7Operator[" + nx + " x " + ny + " x " + nz + "]";
    }
}
