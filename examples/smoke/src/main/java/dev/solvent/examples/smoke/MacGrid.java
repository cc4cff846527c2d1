package dev.solvent.examples.smoke;

import dev.solvent.gen.CellType;
import dev.solvent.gen.FluidGrid;

/**
 * The state of the smoke on a staggered (MAC) grid of {@code nx x ny x nz} unit cells: face
 * velocities, and density and temperature at cell centres, over the cell types of a
 * {@link FluidGrid} (FLUID, SOLID walls and obstacles, AIR above an open top).
 *
 * <p>Units are grid units: a cell is 1 wide and a time step is 1 long, so velocities are in cells
 * per step and the pressure is {@code p dt / rho} (Solvent's {@code FluidGrid.pressureProblem}
 * convention). Cell {@code (i, j, k)} spans {@code [i, i+1] x [j, j+1] x [k, k+1]}. In 3D, z (k)
 * points up; in 2D ({@code nz = 1}, no w) y (j) points up.
 *
 * <pre>
 *   u[i + (nx+1) (j + ny k)]      x velocity on the face x = i,  i = 0..nx   (between cells i-1 and i)
 *   v[i + nx (j + (ny+1) k)]      y velocity on the face y = j,  j = 0..ny
 *   w[i + nx (j + ny k)]          z velocity on the face z = k,  k = 0..nz   (3D only)
 *   density[c], temperature[c]    at the centre of cell c = i + nx (j + ny k)
 * </pre>
 *
 * The discrete divergence of a cell is its net outflow, {@code u[i+1] - u[i] + v[j+1] - v[j] + w[k+1] - w[k]}.
 */
public final class MacGrid {

    private final int dims;
    private final int nx;
    private final int ny;
    private final int nz;
    private final FluidGrid geometry;
    /** Cell types as bytes (0 fluid, 1 solid, 2 air), refreshed by {@link #refreshGeometry}. */
    private final byte[] type;
    private int geometryVersion;

    double[] u;
    double[] v;
    double[] w;
    double[] density;
    double[] temperature;

    static final byte FLUID = 0;
    static final byte SOLID = 1;
    static final byte AIR = 2;

    /**
     * A grid at rest (all velocities, density and temperature zero) over the given geometry.
     *
     * @param dims 2 (then the geometry must have {@code nz = 1}) or 3
     */
    public MacGrid(int dims, FluidGrid geometry) {
        if (dims != 2 && dims != 3) {
            throw new IllegalArgumentException("dims must be 2 or 3, got " + dims);
        }
        if (dims == 2 && geometry.nz() != 1) {
            throw new IllegalArgumentException("a 2D grid needs a geometry with nz = 1, got " + geometry.nz());
        }
        this.dims = dims;
        this.nx = geometry.nx();
        this.ny = geometry.ny();
        this.nz = geometry.nz();
        this.geometry = geometry;
        this.type = new byte[nx * ny * nz];
        this.u = new double[(nx + 1) * ny * nz];
        this.v = new double[nx * (ny + 1) * nz];
        this.w = dims == 3 ? new double[nx * ny * (nz + 1)] : new double[0];
        this.density = new double[nx * ny * nz];
        this.temperature = new double[nx * ny * nz];
        refreshGeometry();
    }

    public int dims() {
        return dims;
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

    public int cellCount() {
        return type.length;
    }

    /** The cell types and the pressure system's numbering ({@code fluidCells()}). */
    public FluidGrid geometry() {
        return geometry;
    }

    /** Incremented each time the cell types change: the pressure matrix is rebuilt only then. */
    public int geometryVersion() {
        return geometryVersion;
    }

    /**
     * Changes the type of one cell. A cell that becomes SOLID loses its smoke; its faces get zero
     * normal velocity at the next boundary update.
     */
    public void setCell(int i, int j, int k, CellType t) {
        if (geometry.type(i, j, k) == t) {
            return;
        }
        geometry.set(i, j, k, t);
        refreshGeometry();
    }

    /** Re-reads the cell types from the geometry (call after changing it directly) and bumps the version. */
    public void refreshGeometry() {
        for (int k = 0; k < nz; k++) {
            for (int j = 0; j < ny; j++) {
                for (int i = 0; i < nx; i++) {
                    CellType t = geometry.type(i, j, k);
                    int c = cell(i, j, k);
                    type[c] = t == CellType.FLUID ? FLUID : t == CellType.SOLID ? SOLID : AIR;
                    if (t == CellType.SOLID) {
                        density[c] = 0.0;
                        temperature[c] = 0.0;
                    }
                }
            }
        }
        geometryVersion++;
    }

    public int cell(int i, int j, int k) {
        return i + nx * (j + ny * k);
    }

    byte type(int c) {
        return type[c];
    }

    /** Whether cell (i, j, k) is SOLID or outside the grid (both block the flow). */
    boolean blocked(int i, int j, int k) {
        if (i < 0 || i >= nx || j < 0 || j >= ny || k < 0 || k >= nz) {
            return true;
        }
        return type[i + nx * (j + ny * k)] == SOLID;
    }

    public boolean isSolid(int i, int j, int k) {
        return type[cell(i, j, k)] == SOLID;
    }

    public boolean isFluid(int i, int j, int k) {
        return type[cell(i, j, k)] == FLUID;
    }

    public double[] density() {
        return density;
    }

    public double[] temperature() {
        return temperature;
    }

    public double[] u() {
        return u;
    }

    public double[] v() {
        return v;
    }

    /** The z velocities (empty in 2D). */
    public double[] w() {
        return w;
    }

    /** The velocity array along axis d (0 x, 1 y, 2 z). */
    double[] velocity(int d) {
        return d == 0 ? u : d == 1 ? v : w;
    }

    /**
     * Zero normal velocity on every face that touches a SOLID cell or the outside of the box: walls
     * and obstacles do not move. Faces between two non-solid cells keep their value.
     */
    public void enforceSolidBoundaries() {
        for (int k = 0; k < nz; k++) {
            for (int j = 0; j < ny; j++) {
                for (int i = 0; i <= nx; i++) {
                    if (blocked(i - 1, j, k) || blocked(i, j, k)) {
                        u[i + (nx + 1) * (j + ny * k)] = 0.0;
                    }
                }
            }
        }
        for (int k = 0; k < nz; k++) {
            for (int j = 0; j <= ny; j++) {
                for (int i = 0; i < nx; i++) {
                    if (blocked(i, j - 1, k) || blocked(i, j, k)) {
                        v[i + nx * (j + (ny + 1) * k)] = 0.0;
                    }
                }
            }
        }
        if (dims == 3) {
            for (int k = 0; k <= nz; k++) {
                for (int j = 0; j < ny; j++) {
                    for (int i = 0; i < nx; i++) {
                        if (blocked(i, j, k - 1) || blocked(i, j, k)) {
                            w[i + nx * (j + ny * k)] = 0.0;
                        }
                    }
                }
            }
        }
    }

    /** Net outflow of cell (i, j, k): {@code u[i+1] - u[i] + v[j+1] - v[j] (+ w[k+1] - w[k])}. */
    double divergence(int i, int j, int k) {
        int iu = i + (nx + 1) * (j + ny * k);
        int iv = i + nx * (j + (ny + 1) * k);
        double d = u[iu + 1] - u[iu] + v[iv + nx] - v[iv];
        if (dims == 3) {
            int iw = i + nx * (j + ny * k);
            d += w[iw + nx * ny] - w[iw];
        }
        return d;
    }

    /** The divergence of every cell into {@code out} (length {@link #cellCount()}); 0 for SOLID and AIR cells. */
    public void divergence(double[] out) {
        for (int k = 0; k < nz; k++) {
            for (int j = 0; j < ny; j++) {
                for (int i = 0; i < nx; i++) {
                    int c = i + nx * (j + ny * k);
                    out[c] = type[c] == FLUID ? divergence(i, j, k) : 0.0;
                }
            }
        }
    }

    /** The discrete divergence over the FLUID cells: {@code [sqrt(sum div^2), max |div|]}. */
    public double[] divergenceNorms() {
        double sum = 0.0;
        double max = 0.0;
        for (int k = 0; k < nz; k++) {
            for (int j = 0; j < ny; j++) {
                for (int i = 0; i < nx; i++) {
                    if (type[i + nx * (j + ny * k)] == FLUID) {
                        double d = divergence(i, j, k);
                        sum += d * d;
                        max = Math.max(max, Math.abs(d));
                    }
                }
            }
        }
        return new double[] {Math.sqrt(sum), max};
    }

    /** Total smoke: the sum of density over FLUID cells (cell volume 1). */
    public double totalMass() {
        double m = 0.0;
        for (int c = 0; c < type.length; c++) {
            if (type[c] == FLUID) {
                m += density[c];
            }
        }
        return m;
    }

    /** Largest face speed, in cells per step. */
    public double maxSpeed() {
        double m = 0.0;
        for (double[] a : new double[][] {u, v, w}) {
            for (double x : a) {
                m = Math.max(m, Math.abs(x));
            }
        }
        return m;
    }

    // ------------------------------------------------------------------ interpolation

    /**
     * Multilinear interpolation of a field sampled at integer points {@code (a, b, c)}, index
     * {@code a + sx (b + sy c)}, at the real point (x, y, z) in the same coordinates, clamped to the
     * sampled box. With {@code sz = 1} it is bilinear in (x, y). The weights sum to one, so a
     * constant field interpolates to that constant.
     */
    static double sample(double[] f, int sx, int sy, int sz, double x, double y, double z) {
        x = x < 0 ? 0 : (x > sx - 1 ? sx - 1 : x);
        y = y < 0 ? 0 : (y > sy - 1 ? sy - 1 : y);
        int i = Math.min((int) x, sx - 2);
        int j = Math.min((int) y, sy - 2);
        double tx = x - i;
        double ty = y - j;
        int base = i + sx * j;
        if (sz == 1) {
            double a = f[base] + tx * (f[base + 1] - f[base]);
            double b = f[base + sx] + tx * (f[base + sx + 1] - f[base + sx]);
            return a + ty * (b - a);
        }
        z = z < 0 ? 0 : (z > sz - 1 ? sz - 1 : z);
        int k = Math.min((int) z, sz - 2);
        double tz = z - k;
        int p = base + sx * sy * k;
        int q = p + sx * sy;
        double a0 = f[p] + tx * (f[p + 1] - f[p]);
        double b0 = f[p + sx] + tx * (f[p + sx + 1] - f[p + sx]);
        double a1 = f[q] + tx * (f[q + 1] - f[q]);
        double b1 = f[q + sx] + tx * (f[q + sx + 1] - f[q + sx]);
        double lo = a0 + ty * (b0 - a0);
        double hi = a1 + ty * (b1 - a1);
        return lo + tz * (hi - lo);
    }

    /** x velocity at the point (x, y, z), in cell units. */
    double uAt(double[] uf, double x, double y, double z) {
        return sample(uf, nx + 1, ny, nz, x, y - 0.5, z - 0.5);
    }

    double vAt(double[] vf, double x, double y, double z) {
        return sample(vf, nx, ny + 1, nz, x - 0.5, y, z - 0.5);
    }

    double wAt(double[] wf, double x, double y, double z) {
        return dims == 3 ? sample(wf, nx, ny, nz + 1, x - 0.5, y - 0.5, z) : 0.0;
    }

    /** A cell-centred field at the point (x, y, z). */
    double cellAt(double[] f, double x, double y, double z) {
        return sample(f, nx, ny, nz, x - 0.5, y - 0.5, z - 0.5);
    }
}
