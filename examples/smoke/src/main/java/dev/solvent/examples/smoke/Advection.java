package dev.solvent.examples.smoke;

/**
 * Semi-Lagrangian advection on the MAC grid (Stam, "Stable Fluids", 1999): a quantity at a sample
 * point x is replaced by its old value at the departure point, traced back along the velocity with
 * the explicit midpoint rule (RK2), {@code dt = 1} step:
 * <pre>
 *   x_mid = x - (dt/2) u(x);   x_dep = x - dt u(x_mid);   q_new(x) = q_old(x_dep)
 * </pre>
 * with {@code u} and {@code q_old} interpolated multilinearly from their own staggered samples
 * (face centres for velocity components, cell centres for density and temperature). Departure
 * points are clamped to the box. Unconditionally stable; the interpolation weights sum to one, so
 * a constant field stays constant (to rounding) whatever the velocity. Not conservative: the total
 * smoke changes by the interpolation error, which the run reports.
 */
final class Advection {

    private Advection() {
    }

    /** Departure point of (x, y, z) along the velocity (u, v, w) over one step, into {@code out}. */
    static void departure(MacGrid g, double[] u, double[] v, double[] w, double x, double y, double z, double[] out) {
        double ux = g.uAt(u, x, y, z);
        double vy = g.vAt(v, x, y, z);
        double wz = g.wAt(w, x, y, z);
        double mx = x - 0.5 * ux;
        double my = y - 0.5 * vy;
        double mz = z - 0.5 * wz;
        out[0] = x - g.uAt(u, mx, my, mz);
        out[1] = y - g.vAt(v, mx, my, mz);
        out[2] = z - g.wAt(w, mx, my, mz);
    }

    /**
     * Advects cell-centred fields by the face velocities (u, v, w): {@code out[f][c] = in[f](x_dep(c))}.
     * All fields share one departure point per cell.
     */
    static void advectCells(MacGrid g, double[] u, double[] v, double[] w, double[][] in, double[][] out, Slabs slabs) {
        int nx = g.nx();
        int ny = g.ny();
        int nz = g.nz();
        int rows = ny * nz;
        slabs.forRange(rows, (from, to) -> {
            double[] dep = new double[3];
            for (int row = from; row < to; row++) {
                int j = row % ny;
                int k = row / ny;
                for (int i = 0; i < nx; i++) {
                    int c = i + nx * row;
                    departure(g, u, v, w, i + 0.5, j + 0.5, k + 0.5, dep);
                    for (int f = 0; f < in.length; f++) {
                        out[f][c] = g.cellAt(in[f], dep[0], dep[1], dep[2]);
                    }
                }
            }
        });
    }

    /**
     * Advects the velocity by itself: each face component is traced back from its face centre and
     * takes the old component's value there. Reads (u, v, w), writes (uOut, vOut, wOut).
     */
    static void advectVelocity(MacGrid g, double[] u, double[] v, double[] w,
                               double[] uOut, double[] vOut, double[] wOut, Slabs slabs) {
        int nx = g.nx();
        int ny = g.ny();
        int nz = g.nz();
        // u faces: (i, j + 1/2, k + 1/2), i = 0..nx
        slabs.forRange(ny * nz, (from, to) -> {
            double[] dep = new double[3];
            for (int row = from; row < to; row++) {
                int j = row % ny;
                int k = row / ny;
                for (int i = 0; i <= nx; i++) {
                    departure(g, u, v, w, i, j + 0.5, k + 0.5, dep);
                    uOut[i + (nx + 1) * row] = g.uAt(u, dep[0], dep[1], dep[2]);
                }
            }
        });
        // v faces: (i + 1/2, j, k + 1/2), j = 0..ny
        slabs.forRange((ny + 1) * nz, (from, to) -> {
            double[] dep = new double[3];
            for (int row = from; row < to; row++) {
                int j = row % (ny + 1);
                int k = row / (ny + 1);
                for (int i = 0; i < nx; i++) {
                    departure(g, u, v, w, i + 0.5, j, k + 0.5, dep);
                    vOut[i + nx * row] = g.vAt(v, dep[0], dep[1], dep[2]);
                }
            }
        });
        if (g.dims() == 3) {
            // w faces: (i + 1/2, j + 1/2, k), k = 0..nz
            slabs.forRange(ny * (nz + 1), (from, to) -> {
                double[] dep = new double[3];
                for (int row = from; row < to; row++) {
                    int j = row % ny;
                    int k = row / ny;
                    for (int i = 0; i < nx; i++) {
                        departure(g, u, v, w, i + 0.5, j + 0.5, k, dep);
                        wOut[i + nx * row] = g.wAt(w, dep[0], dep[1], dep[2]);
                    }
                }
            });
        }
    }
}
