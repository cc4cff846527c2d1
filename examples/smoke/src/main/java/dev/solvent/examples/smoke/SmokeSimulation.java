package dev.solvent.examples.smoke;

import dev.solvent.gen.CellType;
import dev.solvent.gen.FluidGrid;
import java.util.SplittableRandom;

/**
 * An incompressible smoke simulation on a MAC grid (Fedkiw, Stam and Jensen, "Visual simulation of
 * smoke", 2001; Bridson, "Fluid Simulation for Computer Graphics"), whose pressure projection is
 * solved by Solvent every step. One {@link #step}:
 * <ol>
 *   <li>advect velocity, density and temperature by the (divergence-free) velocity, semi-Lagrangian
 *       with an RK2 back-trace ({@link Advection});</li>
 *   <li>the source: the cells of a disc on the floor, partly below the obstacle, get density 1 and a
 *       temperature of 1 plus seeded noise, and their vertical faces the inflow speed;</li>
 *   <li>buoyancy on each vertical face: {@code w += beta T - alpha rho} (averaged over the two
 *       cells), and the temperature cools by 1% a step;</li>
 *   <li>walls and obstacles: zero normal velocity on every face touching a SOLID cell;</li>
 *   <li>the pressure projection ({@link PressureProjection}), solved by the chosen Solvent solver;</li>
 *   <li>smoke carried into AIR cells (through the open top) leaves the box: counted as outflow and cleared.</li>
 * </ol>
 *
 * <p>The scene is Solvent's {@code FluidGrid.smokeBox(n, openTop)} in 3D: walls all round, a
 * solid sphere off-centre near the bottom, AIR above an open top (or a closed lid). In 2D the same
 * in a vertical n x n slice (y up) with a disc. Speeds scale with n so that the plume crosses the
 * box in about the same number of steps at any resolution.
 *
 * <p>Deterministic: the same configuration, pressure solver and thread count give the same fields
 * bit for bit (the loops write each element from the old fields alone; Solvent's CPU backend fixes
 * its reduction order per thread count; the noise is a seeded {@link SplittableRandom}).
 */
public final class SmokeSimulation implements AutoCloseable {

    /** Inflow speed in box heights per step (0.5 cells per step at n = 64). */
    static final double INFLOW = 0.5 / 64;
    /** Buoyancy per unit temperature, box heights per step squared. */
    static final double BUOYANCY = 0.05 / 64;
    /** Weight of the smoke per unit density, box heights per step squared. */
    static final double WEIGHT = 0.01 / 64;
    /** Fraction of the temperature kept per step. */
    static final double COOLING = 0.995;
    /** Source centre along x as a fraction of n: the plume's left part hits the obstacle, its right part passes it. */
    static final double SOURCE_X = 0.6;
    /** Source radius as a fraction of n. */
    static final double SOURCE_RADIUS = 0.09;

    /**
     * What a step did.
     *
     * @param step       1-based step number
     * @param projection the pressure projection's solve and divergence norms
     * @param mass       total smoke in the fluid after the step
     * @param injected   smoke added by the source this step
     * @param outflow    smoke that left through the open top this step
     * @param maxSpeed   largest face speed after the projection, in cells per step
     * @param seconds    wall time of the whole step
     */
    public record Step(int step, PressureProjection.Stats projection, double mass, double injected, double outflow,
                       double maxSpeed, double seconds) {
    }

    private final SmokeConfig config;
    private final MacGrid grid;
    private final PressureProjection projection;
    private final Slabs slabs;
    private final SplittableRandom noise;
    private final int[] sourceCells;
    private int steps;

    private double[] u2;
    private double[] v2;
    private double[] w2;
    private double[] density2;
    private double[] temperature2;

    /**
     * A smoke box at rest.
     *
     * @param solver the pressure solver; the simulation owns it from now on and closes it
     */
    public SmokeSimulation(SmokeConfig config, PressureSolver solver) {
        this.config = config;
        this.grid = new MacGrid(config.dims(), scene(config.dims(), config.n(), config.openTop()));
        this.projection = new PressureProjection(solver);
        this.slabs = new Slabs(config.threads());
        this.noise = new SplittableRandom(config.seed());
        this.sourceCells = sourceCells();
        this.u2 = new double[grid.u.length];
        this.v2 = new double[grid.v.length];
        this.w2 = new double[grid.w.length];
        this.density2 = new double[grid.cellCount()];
        this.temperature2 = new double[grid.cellCount()];
    }

    /**
     * The scene's cell types: {@code FluidGrid.smokeBox(n, openTop)} in 3D; in 2D an n x n slice
     * (y up) with walls, a solid disc of radius n/6 at (0.42 n, 0.3 n), and an AIR top row when open.
     */
    public static FluidGrid scene(int dims, int n, boolean openTop) {
        if (dims == 3) {
            return FluidGrid.smokeBox(n, openTop);
        }
        FluidGrid g = new FluidGrid(n, n, 1);
        double cx = 0.42 * n;
        double cy = 0.3 * n;
        double r = n / 6.0;
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < n; i++) {
                boolean wall = i == 0 || i == n - 1 || j == 0;
                double dx = i + 0.5 - cx;
                double dy = j + 0.5 - cy;
                if (wall || dx * dx + dy * dy <= r * r) {
                    g.set(i, j, 0, CellType.SOLID);
                } else if (j == n - 1) {
                    g.set(i, j, 0, openTop ? CellType.AIR : CellType.SOLID);
                }
            }
        }
        return g;
    }

    /** The FLUID cells of the source: a disc of radius 0.09 n centred at (0.6 n, 0.5 n) on the floor (in 2D a segment), 1 or 2 cells high. */
    private int[] sourceCells() {
        int n = config.n();
        int height = Math.max(1, n / 32);
        double radius = Math.max(1.5, SOURCE_RADIUS * n);
        double cx = SOURCE_X * n;
        double cy = 0.5 * n;
        java.util.List<Integer> cells = new java.util.ArrayList<>();
        for (int h = 1; h <= height; h++) {
            for (int b = 0; b < (config.dims() == 3 ? n : 1); b++) {
                for (int i = 0; i < n; i++) {
                    double dx = i + 0.5 - cx;
                    double dy = b + 0.5 - cy;
                    boolean inside = config.dims() == 3 ? dx * dx + dy * dy <= radius * radius : Math.abs(dx) <= radius;
                    int c = config.dims() == 3 ? grid.cell(i, b, h) : grid.cell(i, h, 0);
                    if (inside && grid.type(c) == MacGrid.FLUID) {
                        cells.add(c);
                    }
                }
            }
        }
        return cells.stream().mapToInt(Integer::intValue).toArray();
    }

    public SmokeConfig config() {
        return config;
    }

    public MacGrid grid() {
        return grid;
    }

    public PressureProjection projection() {
        return projection;
    }

    /** Steps taken so far. */
    public int steps() {
        return steps;
    }

    /**
     * Turns a box of cells (inclusive bounds, clipped to the interior) into SOLID or back into
     * FLUID: a geometry change, after which the next projection assembles a new matrix and sets
     * the solver up again.
     */
    public void setObstacle(int i0, int i1, int j0, int j1, int k0, int k1, boolean solid) {
        FluidGrid geometry = grid.geometry();
        for (int k = Math.max(0, k0); k <= Math.min(grid.nz() - 1, k1); k++) {
            for (int j = Math.max(1, j0); j <= Math.min(grid.ny() - 2, j1); j++) {
                for (int i = Math.max(1, i0); i <= Math.min(grid.nx() - 2, i1); i++) {
                    if (grid.dims() == 3 && (k == 0 || k == grid.nz() - 1)) {
                        continue;
                    }
                    geometry.set(i, j, k, solid ? CellType.SOLID : CellType.FLUID);
                }
            }
        }
        grid.refreshGeometry();
    }

    /** Advances one step (see the class comment). */
    public Step step() {
        long start = System.nanoTime();
        int n = config.n();
        int up = grid.dims() - 1;

        // 1. Advection: old fields -> the spare arrays, then swap.
        Advection.advectVelocity(grid, grid.u, grid.v, grid.w, u2, v2, w2, slabs);
        Advection.advectCells(grid, grid.u, grid.v, grid.w, new double[][] {grid.density, grid.temperature},
                new double[][] {density2, temperature2}, slabs);
        double[] t = grid.u; grid.u = u2; u2 = t;
        t = grid.v; grid.v = v2; v2 = t;
        t = grid.w; grid.w = w2; w2 = t;
        t = grid.density; grid.density = density2; density2 = t;
        t = grid.temperature; grid.temperature = temperature2; temperature2 = t;

        // 2. Source: smoke, heat (with seeded noise) and the inflow speed on its vertical faces.
        double injected = 0.0;
        double inflow = INFLOW * n;
        double[] vertical = grid.velocity(up);
        int verticalStride = up == 2 ? grid.nx() * grid.ny() : grid.nx();
        for (int c : sourceCells) {
            injected += 1.0 - grid.density[c];
            grid.density[c] = 1.0;
            grid.temperature[c] = 1.0 + 0.5 * (noise.nextDouble() - 0.5);
            int face = verticalFace(c);
            vertical[face] = inflow;
            vertical[face + verticalStride] = inflow;
        }

        // 3. Buoyancy and cooling.
        double beta = BUOYANCY * n;
        double alpha = WEIGHT * n;
        double[] rho = grid.density;
        double[] temp = grid.temperature;
        int cells = grid.cellCount();
        for (int c = verticalStride; c < cells; c++) {
            int below = c - verticalStride;
            if (grid.type(c) != MacGrid.SOLID && grid.type(below) != MacGrid.SOLID) {
                double tf = 0.5 * (temp[c] + temp[below]);
                double rf = 0.5 * (rho[c] + rho[below]);
                vertical[verticalFace(c)] += beta * tf - alpha * rf;
            }
        }
        for (int c = 0; c < cells; c++) {
            temp[c] *= COOLING;
        }

        // 4. Walls and obstacles.
        grid.enforceSolidBoundaries();

        // 5. Projection.
        PressureProjection.Stats stats = projection.project(grid);

        // 6. Outflow through the open top; nothing lives inside solids.
        double outflow = 0.0;
        for (int c = 0; c < cells; c++) {
            byte type = grid.type(c);
            if (type == MacGrid.AIR) {
                outflow += rho[c];
                rho[c] = 0.0;
                temp[c] = 0.0;
            } else if (type == MacGrid.SOLID) {
                rho[c] = 0.0;
                temp[c] = 0.0;
            }
        }
        steps++;
        return new Step(steps, stats, grid.totalMass(), injected, outflow, grid.maxSpeed(),
                (System.nanoTime() - start) * 1e-9);
    }

    /** The vertical face below cell c (its lower face along the up axis). */
    private int verticalFace(int c) {
        if (grid.dims() == 3) {
            return c; // w[i + nx (j + ny k)] is the face below cell (i, j, k)
        }
        int nx = grid.nx();
        int i = c % nx;
        int j = c / nx;
        return i + nx * j; // v[i + nx j] is the face below cell (i, j)
    }

    @Override
    public void close() {
        slabs.close();
        projection.close();
    }
}
