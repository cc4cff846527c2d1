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

    /** The same operator as an assembled matrix (for preconditioners that need entries). */
    public CsrMatrix toCsr() {
        int n = rows();
        CooBuilder b = CsrMatrix.builder(n, n).reserve(7 * n);
        for (int k = 0; k < nz; k++) {
            for (int j = 0; j < ny; j++) {
                for (int i = 0; i < nx; i++) {
                    int p = i + nx * (j + ny * k);
                    if (k > 0) {
                        b.add(p, p - nx * ny, wz);
                    }
                    if (j > 0) {
                        b.add(p, p - nx, wy);
                    }
                    if (i > 0) {
                        b.add(p, p - 1, wx);
                    }
                    b.add(p, p, center);
                    if (i < nx - 1) {
                        b.add(p, p + 1, wx);
                    }
                    if (j < ny - 1) {
                        b.add(p, p + nx, wy);
                    }
                    if (k < nz - 1) {
                        b.add(p, p + nx * ny, wz);
                    }
                }
            }
        }
        return b.build();
    }

    @Override
    public String toString() {
        return "Stencil7Operator[" + nx + " x " + ny + " x " + nz + "]";
    }
}
