package dev.solvent.examples.smoke;

import dev.solvent.gen.FluidGrid;
import dev.solvent.gen.Problem;
import dev.solvent.matrix.CsrMatrix;

/**
 * The pressure projection of a MAC grid, solved by Solvent: makes the face velocities
 * divergence-free in every FLUID cell.
 *
 * <pre>
 *   b = -div(u*)  on the fluid cells              (u* the velocity after advection and forces)
 *   A p = b                                        (FluidGrid.pressureProblem's matrix, grid units)
 *   u = u* - grad p  on faces between two non-SOLID cells, p = 0 in AIR
 * </pre>
 * Then {@code div(u) = div(u*) + A p = -(b - A p)}: the divergence left after the projection is
 * exactly minus the solver's residual, so {@code ||div u||_2 <= rtol ||div u*||_2} whenever the
 * solve meets its tolerance. {@link Stats} reports both norms, recomputed from the new velocities.
 *
 * <p>The matrix depends only on the cell types: it is assembled, and the solver set up, when the
 * grid's geometry version changes and never otherwise. The right-hand side is built directly from
 * the divergence each step.
 *
 * <p>A closed box (no AIR cell) makes A singular: the constant on a fluid region without AIR is in
 * its null space, and {@code A p = b} is solvable only if b sums to zero over that region. The
 * discrete divergence of a region whose boundary faces are all walls sums to zero exactly (each
 * inner face enters two cells with opposite signs), so b is consistent up to rounding; the
 * projection removes b's mean over each such region (the rounding) and, after the solve, p's mean
 * there (the null-space component, which does not change the velocity but would otherwise drift
 * from step to step through the warm start). CG on a consistent semi-definite system with an SPD
 * preconditioner converges like on the range of A (Kaasschieter, 1988): no pinned cell is needed.
 */
public final class PressureProjection implements AutoCloseable {

    /**
     * What one projection did.
     *
     * @param solve        the pressure solve
     * @param divBefore    {@code ||div u*||_2} over the fluid cells, before the projection
     * @param divAfter     {@code ||div u||_2} after it, recomputed from the new face velocities
     * @param divAfterMax  {@code max |div u|} after it
     * @param singular     whether the system had a null space (a closed region)
     */
    public record Stats(PressureSolve solve, double divBefore, double divAfter, double divAfterMax, boolean singular) {
        /** {@code ||div u||_2 / ||div u*||_2} (0 when there was no divergence to remove). */
        public double relativeDivergence() {
            return divBefore == 0 ? 0.0 : divAfter / divBefore;
        }
    }

    private final PressureSolver solver;
    private int boundVersion = -1;
    private int assemblies;
    private CsrMatrix matrix;
    private int[] cellOf;
    private int[] regionOf;
    private int[] regionSize;
    private boolean[] floating;
    private boolean anyFloating;
    private double[] b;
    private double[] x;
    private double[] previous;
    private double[] divergence;
    /** The pressure per cell (0 outside the fluid), kept across geometry changes for the warm start. */
    private double[] pressure;

    public PressureProjection(PressureSolver solver) {
        this.solver = solver;
    }

    public PressureSolver solver() {
        return solver;
    }

    /** How many times the pressure matrix has been assembled (once per geometry). */
    public int assemblies() {
        return assemblies;
    }

    /** The pressure of the last projection per cell, in grid units ({@code p dt / rho}); 0 outside the fluid. */
    public double[] pressure() {
        return pressure == null ? new double[0] : pressure.clone();
    }

    /** The current pressure matrix (null before the first projection). */
    public CsrMatrix matrix() {
        return matrix;
    }

    private void assemble(MacGrid g) {
        FluidGrid geometry = g.geometry();
        Problem problem = geometry.pressureProblem(new double[geometry.cellCount()]);
        matrix = problem.matrix();
        cellOf = geometry.fluidCells();
        findRegions(matrix);
        int m = matrix.rows();
        b = new double[m];
        x = new double[m];
        previous = new double[m];
        if (divergence == null) {
            divergence = new double[g.cellCount()];
            pressure = new double[g.cellCount()];
        }
        solver.bind(matrix, geometry);
        boundVersion = g.geometryVersion();
        assemblies++;
    }

    /** Connected components of the matrix graph; a component floats if no row has a nonzero row sum (no AIR neighbour). */
    private void findRegions(CsrMatrix a) {
        int m = a.rows();
        int[] rp = a.rowPtr();
        int[] ci = a.colIdx();
        double[] val = a.values();
        regionOf = new int[m];
        java.util.Arrays.fill(regionOf, -1);
        int[] queue = new int[m];
        int[] sizes = new int[Math.max(1, m)];
        boolean[] fl = new boolean[Math.max(1, m)];
        int count = 0;
        for (int seed = 0; seed < m; seed++) {
            if (regionOf[seed] >= 0) {
                continue;
            }
            int r = count++;
            boolean touchesAir = false;
            int head = 0;
            int tail = 0;
            queue[tail++] = seed;
            regionOf[seed] = r;
            while (head < tail) {
                int row = queue[head++];
                double sum = 0.0;
                for (int p = rp[row]; p < rp[row + 1]; p++) {
                    sum += val[p];
                    int col = ci[p];
                    if (regionOf[col] < 0) {
                        regionOf[col] = r;
                        queue[tail++] = col;
                    }
                }
                touchesAir |= sum != 0.0;
            }
            sizes[r] = tail;
            fl[r] = !touchesAir;
        }
        regionSize = java.util.Arrays.copyOf(sizes, count);
        floating = java.util.Arrays.copyOf(fl, count);
        anyFloating = false;
        for (boolean f : floating) {
            anyFloating |= f;
        }
    }

    /** Removes the mean over each floating region. */
    private void removeFloatingMeans(double[] vec) {
        if (!anyFloating) {
            return;
        }
        double[] sum = new double[regionSize.length];
        for (int u = 0; u < vec.length; u++) {
            sum[regionOf[u]] += vec[u];
        }
        for (int u = 0; u < vec.length; u++) {
            int r = regionOf[u];
            if (floating[r]) {
                vec[u] -= sum[r] / regionSize[r];
            }
        }
    }

    /** Projects the grid's velocity; assembles and sets up only if the geometry changed. */
    public Stats project(MacGrid g) {
        if (g.geometryVersion() != boundVersion) {
            assemble(g);
        }
        g.divergence(divergence);
        double before = 0.0;
        for (int u = 0; u < b.length; u++) {
            int c = cellOf[u];
            b[u] = -divergence[c];
            before += divergence[c] * divergence[c];
            previous[u] = pressure[c];
        }
        removeFloatingMeans(b);
        PressureSolve solve = solver.solve(b, previous, x);
        removeFloatingMeans(x);
        java.util.Arrays.fill(pressure, 0.0);
        for (int u = 0; u < x.length; u++) {
            pressure[cellOf[u]] = x[u];
        }
        subtractGradient(g);
        double[] after = g.divergenceNorms();
        return new Stats(solve, Math.sqrt(before), after[0], after[1], anyFloating);
    }

    /** {@code u -= p_hi - p_lo} on every face between two non-SOLID cells (p = 0 in AIR). */
    private void subtractGradient(MacGrid g) {
        int nx = g.nx();
        int ny = g.ny();
        int nz = g.nz();
        double[] u = g.u;
        double[] v = g.v;
        double[] w = g.w;
        for (int k = 0; k < nz; k++) {
            for (int j = 0; j < ny; j++) {
                for (int i = 1; i < nx; i++) {
                    int c = i + nx * (j + ny * k);
                    if (g.type(c) != MacGrid.SOLID && g.type(c - 1) != MacGrid.SOLID) {
                        u[i + (nx + 1) * (j + ny * k)] -= pressure[c] - pressure[c - 1];
                    }
                }
            }
        }
        for (int k = 0; k < nz; k++) {
            for (int j = 1; j < ny; j++) {
                for (int i = 0; i < nx; i++) {
                    int c = i + nx * (j + ny * k);
                    if (g.type(c) != MacGrid.SOLID && g.type(c - nx) != MacGrid.SOLID) {
                        v[i + nx * (j + (ny + 1) * k)] -= pressure[c] - pressure[c - nx];
                    }
                }
            }
        }
        if (g.dims() == 3) {
            int layer = nx * ny;
            for (int k = 1; k < nz; k++) {
                for (int j = 0; j < ny; j++) {
                    for (int i = 0; i < nx; i++) {
                        int c = i + nx * (j + ny * k);
                        if (g.type(c) != MacGrid.SOLID && g.type(c - layer) != MacGrid.SOLID) {
                            w[c] -= pressure[c] - pressure[c - layer];
                        }
                    }
                }
            }
        }
    }

    @Override
    public void close() {
        solver.close();
    }
}
