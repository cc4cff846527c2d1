package dev.solvent.tune;

import dev.solvent.matrix.CsrMatrix;

/**
 * The paper's second experiment: the 2D heat equation {@code u_t = kappa(t) Lap u + f(t, x)} on the
 * unit square with zero Dirichlet boundaries, stepped by Crank-Nicolson. A sequence of SPD systems
 * whose conditioning swings with the diffusion coefficient, each right-hand side built from the
 * previous step's solution.
 *
 * <p>Grid: {@code nx} intervals per side, {@code h = 1/nx}, unknowns at the {@code (nx-1)^2} interior
 * points in row-major order. With {@code K = -Lap_h} (the 5-point stencil: {@code 4/h^2} on the
 * diagonal, {@code -1/h^2} for each interior neighbour) and {@code s = kappa(t + dt/2) dt / 2}:
 * <pre>
 *   (I + s K) u_{n+1} = (I - s K) u_n + dt f(t_n + dt/2)
 * </pre>
 * (the trapezoidal rule in time, with the coefficient and forcing taken at the half step).
 *
 * <p>{@code kappa(t) = max(0.1 sin 2 pi t, -10 sin 2 pi t)}: gentle diffusion for half of each unit
 * of time, strong for the other half, so the best omega moves with the step. The forcing is a
 * smooth bump of height 32 and radius 1/8 circling the centre at radius 1/4 (eight turns per unit
 * time); the initial state is a bump of height 1 and radius 1/4 in the middle.
 */
public final class HeatEquation {

    private final int nx;
    private final double dt;
    private final double h;
    private final CsrMatrix stiffness;
    private final int[] diagonal;
    private final double[] px;
    private final double[] py;
    private double[] u;
    private double t;
    private double cachedKappa = Double.NaN;
    private CsrMatrix cachedMatrix;

    /**
     * @param nx intervals per side (at least 2), giving {@code (nx-1)^2} unknowns
     * @param dt time step, positive
     */
    public HeatEquation(int nx, double dt) {
        this(nx, dt, 0.0);
    }

    /** As {@link #HeatEquation(int, double)}, starting the clock at {@code startTime} (for warm-up runs). */
    HeatEquation(int nx, double dt, double startTime) {
        if (nx < 2) {
            throw new IllegalArgumentException("nx must be at least 2, got " + nx);
        }
        if (!(dt > 0) || Double.isInfinite(dt)) {
            throw new IllegalArgumentException("dt must be positive, got " + dt);
        }
        this.nx = nx;
        this.dt = dt;
        this.h = 1.0 / nx;
        this.stiffness = stiffness(nx);
        this.diagonal = diagonalPositions(stiffness);
        int m = nx - 1;
        this.px = new double[m * m];
        this.py = new double[m * m];
        this.u = new double[m * m];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < m; j++) {
                int k = i * m + j;
                px[k] = (j + 1) * h;
                py[k] = (i + 1) * h;
                u[k] = bump(px[k], py[k], 0.5, 0.5, 0.25);
            }
        }
        this.t = startTime;
    }

    /** {@code K = -Lap_h}: the 5-point stencil scaled by {@code 1/h^2}, h = 1/nx, on (nx-1)^2 points. */
    public static CsrMatrix stiffness(int nx) {
        CsrMatrix lap = Problems.shiftedLaplacian(nx - 1, 0.0);
        double[] v = lap.values().clone();
        double scale = (double) nx * nx;
        for (int k = 0; k < v.length; k++) {
            v[k] *= scale;
        }
        return lap.withValues(v);
    }

    /** The Crank-Nicolson matrix {@code I + (kappa dt / 2) K} on an nx grid. */
    public static CsrMatrix crankNicolsonMatrix(int nx, double kappa, double dt) {
        CsrMatrix k = stiffness(nx);
        return shifted(k, diagonalPositions(k), 0.5 * kappa * dt);
    }

    /** {@code kappa(t) = max(0.1 sin 2 pi t, -10 sin 2 pi t)}. */
    public static double kappa(double time) {
        double s = Math.sin(2.0 * Math.PI * time);
        return Math.max(0.1 * s, -10.0 * s);
    }

    /** Smooth bump {@code exp(1 - 1/(1 - r^2/R^2))} for {@code r < R}, zero outside; height 1. */
    static double bump(double x, double y, double cx, double cy, double radius) {
        double q = ((x - cx) * (x - cx) + (y - cy) * (y - cy)) / (radius * radius);
        return q < 1.0 ? Math.exp(1.0 - 1.0 / (1.0 - q)) : 0.0;
    }

    /** The forcing at time t and point (x, y). */
    public static double forcing(double time, double x, double y) {
        double cx = 0.5 + 0.25 * Math.cos(16.0 * Math.PI * time);
        double cy = 0.5 + 0.25 * Math.sin(16.0 * Math.PI * time);
        return 32.0 * bump(x, y, cx, cy, 0.125);
    }

    public int unknowns() {
        return u.length;
    }

    public int nx() {
        return nx;
    }

    public double time() {
        return t;
    }

    /** The context of the next step: the diffusion coefficient at its half step. */
    public double context() {
        return kappa(t + 0.5 * dt);
    }

    /** The matrix of the next step, {@code I + s K}. */
    public CsrMatrix matrix() {
        double kap = context();
        if (kap != cachedKappa) {
            cachedMatrix = shifted(stiffness, diagonal, 0.5 * kap * dt);
            cachedKappa = kap;
        }
        return cachedMatrix;
    }

    /** The right-hand side of the next step, {@code (I - s K) u + dt f(t + dt/2)}. */
    public double[] rhs() {
        double half = t + 0.5 * dt;
        double s = 0.5 * kappa(half) * dt;
        double[] ku = new double[u.length];
        stiffness.apply(u, ku);
        double[] b = new double[u.length];
        for (int k = 0; k < b.length; k++) {
            b[k] = u[k] - s * ku[k] + dt * forcing(half, px[k], py[k]);
        }
        return b;
    }

    /** The current state (a copy). */
    public double[] state() {
        return u.clone();
    }

    /** Accepts the solution of the step's system as the new state and moves time on by dt. */
    public void advance(double[] next) {
        if (next.length != u.length) {
            throw new IllegalArgumentException("state has length " + u.length + ", got " + next.length);
        }
        u = next.clone();
        t += dt;
    }

    private static CsrMatrix shifted(CsrMatrix k, int[] diag, double s) {
        double[] v = k.values().clone();
        for (int i = 0; i < v.length; i++) {
            v[i] *= s;
        }
        for (int d : diag) {
            v[d] += 1.0;
        }
        return k.withValues(v);
    }

    private static int[] diagonalPositions(CsrMatrix a) {
        int[] rp = a.rowPtr();
        int[] ci = a.colIdx();
        int[] d = new int[a.rows()];
        for (int i = 0; i < a.rows(); i++) {
            d[i] = -1;
            for (int k = rp[i]; k < rp[i + 1]; k++) {
                if (ci[k] == i) {
                    d[i] = k;
                }
            }
        }
        return d;
    }
}
