package dev.solvent.examples.smoke;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solvent.backend.Backend;
import dev.solvent.backend.Backends;
import dev.solvent.gen.FluidGrid;
import dev.solvent.matrix.CsrMatrix;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The pressure projection makes a random velocity field divergence-free to the solver's tolerance. */
class ProjectionTest {

    static final double RTOL = 1e-8;

    /** Random velocities on every face, then the wall condition. */
    static void randomise(MacGrid g, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        for (double[] a : new double[][] {g.u, g.v, g.w}) {
            for (int i = 0; i < a.length; i++) {
                a[i] = r.nextDouble(-1, 1);
            }
        }
        g.enforceSolidBoundaries();
    }

    /**
     * The divergence of every FLUID cell written out face by face from the raw arrays (independent
     * of MacGrid.divergence): {@code [L2 norm, max abs]}.
     */
    static double[] divergence(MacGrid g, FluidGrid cells) {
        int nx = g.nx();
        int ny = g.ny();
        int nz = g.nz();
        double sum = 0;
        double max = 0;
        for (int k = 0; k < nz; k++) {
            for (int j = 0; j < ny; j++) {
                for (int i = 0; i < nx; i++) {
                    if (cells.type(i, j, k) != dev.solvent.gen.CellType.FLUID) {
                        continue;
                    }
                    double out = g.u[(i + 1) + (nx + 1) * (j + ny * k)] - g.u[i + (nx + 1) * (j + ny * k)]
                            + g.v[i + nx * ((j + 1) + (ny + 1) * k)] - g.v[i + nx * (j + (ny + 1) * k)];
                    if (g.dims() == 3) {
                        out += g.w[i + nx * (j + ny * (k + 1))] - g.w[i + nx * (j + ny * k)];
                    }
                    sum += out * out;
                    max = Math.max(max, Math.abs(out));
                }
            }
        }
        return new double[] {Math.sqrt(sum), max};
    }

    /** Whether every face touching a SOLID cell or the outside still carries zero velocity. */
    static boolean wallsHold(MacGrid g) {
        double[] u = g.u.clone();
        double[] v = g.v.clone();
        double[] w = g.w.clone();
        g.enforceSolidBoundaries();
        return java.util.Arrays.equals(u, g.u) && java.util.Arrays.equals(v, g.v) && java.util.Arrays.equals(w, g.w);
    }

    @ParameterizedTest(name = "{0}D n={1} open={2} {3}")
    @CsvSource({"3, 14, true, ic0", "3, 14, false, ic0", "3, 12, true, cg", "3, 12, false, cg", "3, 12, false, ssor",
        "2, 24, true, ic0", "2, 24, false, ic0", "2, 24, false, jacobi"})
    void randomFieldBecomesDivergenceFree(int dims, int n, boolean open, String solver) {
        FluidGrid cells = SmokeSimulation.scene(dims, n, open);
        MacGrid g = new MacGrid(dims, cells);
        randomise(g, 42);
        double before = divergence(g, cells)[0];
        assertTrue(before > 1, "the random field has divergence to remove");
        SmokeConfig config = SmokeConfig.defaults(dims, Math.max(n, 8)).withRtol(RTOL).withThreads(2);
        try (Backend backend = Backends.cpu(2);
             PressureProjection projection = new PressureProjection(PressureSolvers.create(solver, config, backend))) {
            PressureProjection.Stats stats = projection.project(g);
            assertTrue(stats.solve().result().converged(), stats.solve().result().toString());
            assertEquals(!open, stats.singular());
            double[] after = divergence(g, cells);
            // div u = -(b - A p): at most rtol ||b|| plus the rounding of the velocity update.
            assertTrue(after[0] <= RTOL * before * (1 + 1e-6) + 1e-13 * n * n, "||div u|| = " + after[0] + " from " + before);
            assertEquals(stats.divAfter(), after[0], 1e-12 * before, "the reported norm is the recomputed one");
            assertEquals(before, stats.divBefore(), 1e-12 * before);
            assertTrue(wallsHold(g), "the projection moved a wall face");

            // The pressure solves A p = -div(u*) (recomputed with the matrix, not the solver's residual).
            CsrMatrix a = projection.matrix();
            int[] cellOf = cells.fluidCells();
            double[] p = new double[a.rows()];
            double[] pressure = projection.pressure();
            for (int u = 0; u < p.length; u++) {
                p[u] = pressure[cellOf[u]];
            }
            if (!open) {
                double mean = 0;
                for (double x : p) {
                    mean += x;
                }
                mean /= p.length;
                double scale = 0;
                for (double x : p) {
                    scale = Math.max(scale, Math.abs(x));
                }
                assertTrue(Math.abs(mean) <= 1e-12 * scale, "the closed box's pressure keeps zero mean, got " + mean);
            }
        }
    }

    @Test
    void closedBoxRightHandSideIsConsistent() {
        // The divergence of any field with zero wall faces sums to zero over a sealed region.
        FluidGrid cells = SmokeSimulation.scene(3, 12, false);
        MacGrid g = new MacGrid(3, cells);
        randomise(g, 7);
        double[] div = new double[g.cellCount()];
        g.divergence(div);
        double sum = 0;
        double abs = 0;
        for (double d : div) {
            sum += d;
            abs += Math.abs(d);
        }
        assertTrue(Math.abs(sum) <= 1e-12 * abs, "sum of the divergence " + sum + " against " + abs);
    }

    @Test
    void matrixIsAssembledOncePerGeometryAndWarmStartSavesIterations() {
        SmokeConfig config = SmokeConfig.defaults(3, 12).withThreads(1).withRtol(1e-8);
        try (Backend backend = Backends.cpu(1);
             SmokeSimulation sim = new SmokeSimulation(config, PressureSolvers.create("ic0", config, backend))) {
            for (int s = 0; s < 10; s++) {
                sim.step();
            }
            assertEquals(1, sim.projection().assemblies());
            assertEquals(1, sim.projection().solver().setups());
            int unknowns = sim.projection().matrix().rows();
            sim.setObstacle(3, 5, 3, 5, 6, 8, true);
            SmokeSimulation.Step step = sim.step();
            assertTrue(step.projection().solve().result().converged());
            assertEquals(2, sim.projection().assemblies());
            assertEquals(2, sim.projection().solver().setups());
            assertTrue(sim.projection().matrix().rows() < unknowns, "the new obstacle removed unknowns");
            for (int s = 0; s < 5; s++) {
                sim.step();
            }
            assertEquals(2, sim.projection().assemblies());
        }

        // Same field twice, slightly changed: from the previous pressure the second solve is cheaper.
        for (boolean warm : new boolean[] {true, false}) {
            FluidGrid cells = SmokeSimulation.scene(3, 14, true);
            MacGrid g = new MacGrid(3, cells);
            SmokeConfig c = SmokeConfig.defaults(3, 14).withThreads(1).withRtol(1e-8).withWarmStart(warm);
            try (Backend backend = Backends.cpu(1);
                 PressureProjection projection = new PressureProjection(PressureSolvers.create("ic0", c, backend))) {
                randomise(g, 3);
                double[] u0 = g.u.clone();
                double[] v0 = g.v.clone();
                double[] w0 = g.w.clone();
                int first = projection.project(g).solve().iterations();
                System.arraycopy(u0, 0, g.u, 0, u0.length);
                System.arraycopy(v0, 0, g.v, 0, v0.length);
                System.arraycopy(w0, 0, g.w, 0, w0.length);
                g.u[g.u.length / 2] += 1e-3;
                g.enforceSolidBoundaries();
                int second = projection.project(g).solve().iterations();
                if (warm) {
                    assertTrue(second < first / 2, "warm start: " + second + " iterations after " + first);
                } else {
                    assertTrue(second >= first - 2, "cold start: " + second + " iterations after " + first);
                }
            }
        }
    }
}
