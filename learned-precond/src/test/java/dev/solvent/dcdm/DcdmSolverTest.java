package dev.solvent.dcdm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solvent.backend.ReferenceBackend;
import dev.solvent.gen.FluidGrid;
import dev.solvent.gen.Generators;
import dev.solvent.gen.Problem;
import dev.solvent.matrix.CsrMatrix;
import dev.solvent.precond.Ic0;
import dev.solvent.solve.ConjugateGradient;
import dev.solvent.solve.ConvergedReason;
import dev.solvent.solve.SolveResult;
import dev.solvent.solve.SolverOptions;
import org.junit.jupiter.api.Test;

/** The DCDM iteration end to end; residuals recomputed here from A, b and the returned x. */
class DcdmSolverTest {

    /** {@code ||b - A x||}, recomputed here (also used by the other DCDM tests of this package). */
    static double trueResidual(CsrMatrix a, double[] b, double[] x) {
        double[] ax = new double[b.length];
        a.apply(x, ax);
        double s = 0;
        for (int i = 0; i < b.length; i++) {
            double d = b[i] - ax[i];
            s += d * d;
        }
        return Math.sqrt(s);
    }

    static double norm(double[] v) {
        double s = 0;
        for (double d : v) {
            s += d * d;
        }
        return Math.sqrt(s);
    }

    @Test
    void untrainedNetworkStillConvergesThroughTheSafeguardOnAFluidProblem() {
        FluidGrid g = FluidGrid.withObstacles(12, 3, true);
        Problem p = g.pressureProblem(null);
        DcdmNetwork net = DcdmNetwork.random(new DcdmArchitecture(3, 4, 1, 1, 1), 99);
        SolverOptions opts = SolverOptions.defaults().withRtol(1e-8).withMaxIterations(500);
        Dcdm.Bound solver = new Dcdm(opts, net, GridMap.of(g)).setup(p.matrix(), new ReferenceBackend());
        double[] x = new double[p.rhs().length];
        SolveResult res = solver.solve(p.rhs(), x);
        assertEquals(ConvergedReason.CONVERGED_RTOL, res.reason(), res.toString());
        double r = trueResidual(p.matrix(), p.rhs(), x);
        assertTrue(r <= 1e-8 * norm(p.rhs()), "recomputed residual " + r);
        assertEquals(r, res.residualNorm(), 1e-12 * norm(p.rhs()), "the result reports the true residual");
        assertEquals(res.iterations(), solver.fallbacks() + solver.networkDirections());
        assertTrue(solver.fallbacks() > 0, "a random network loses to IC(0) at least sometimes: " + res.message());
        assertTrue(res.message().contains("fallback directions " + solver.fallbacks()), res.message());
        assertEquals(res.iterations() + 1, res.residualHistory().length);
    }

    @Test
    void combinedModeConvergesAndUsesTheNetworkEveryIterationItIsEvaluated() {
        FluidGrid g = FluidGrid.withObstacles(12, 4, true);
        Problem p = g.pressureProblem(null);
        DcdmNetwork net = DcdmNetwork.random(new DcdmArchitecture(3, 4, 1, 1, 1), 8);
        SolverOptions opts = SolverOptions.defaults().withRtol(1e-8).withMaxIterations(500);
        Dcdm dcdm = new Dcdm(opts, net, GridMap.of(g), Dcdm.Settings.defaults().withCombine(true).withDirections(4));
        Dcdm.Bound solver = dcdm.setup(p.matrix(), new ReferenceBackend());
        double[] x = new double[p.rhs().length];
        SolveResult res = solver.solve(p.rhs(), x);
        assertTrue(res.converged(), res.toString());
        assertTrue(trueResidual(p.matrix(), p.rhs(), x) <= 1e-8 * norm(p.rhs()));
        assertEquals(res.iterations(), solver.fallbacks() + solver.networkDirections());
        assertTrue(solver.networkDirections() > 0, res.message());
    }

    @Test
    void untrainedNetworkConvergesIn2d() {
        Problem p = Generators.poisson2d(10, 8);
        DcdmNetwork net = DcdmNetwork.random(new DcdmArchitecture(2, 3, 1, 1, 1), 5);
        SolverOptions opts = SolverOptions.defaults().withRtol(1e-7).withMaxIterations(400);
        Dcdm.Bound solver = new Dcdm(opts, net, GridMap.box2d(10, 8)).setup(p.matrix(), new ReferenceBackend());
        double[] x = new double[p.rhs().length];
        SolveResult res = solver.solve(p.rhs(), x);
        assertTrue(res.converged(), res.toString());
        assertTrue(trueResidual(p.matrix(), p.rhs(), x) <= 1e-7 * norm(p.rhs()));
    }

    /**
     * A network with all-zero weights outputs 0: every direction is the fallback M^-1 r,
     * A-orthogonalised against the last two, which in exact arithmetic is IC(0)-PCG itself. So
     * the counts must match PCG's (within rounding) and every direction is a fallback.
     */
    @Test
    void aUselessNetworkMakesItIc0PcgWithEveryDirectionAFallback() {
        FluidGrid g = FluidGrid.smokeBox(10, true);
        Problem p = g.pressureProblem(null);
        DcdmNetwork net = DcdmNetwork.random(new DcdmArchitecture(3, 2, 1, 1, 1), 1);
        for (int i = 0; i < net.parameterTensors(); i++) {
            java.util.Arrays.fill(net.param(i), 0f);
        }
        SolverOptions opts = SolverOptions.defaults().withRtol(1e-8).withMaxIterations(500);
        Dcdm.Bound solver = new Dcdm(opts, net, GridMap.of(g)).setup(p.matrix(), new ReferenceBackend());
        double[] x = new double[p.rhs().length];
        SolveResult res = solver.solve(p.rhs(), x);
        double[] y = new double[x.length];
        SolveResult pcg = new ConjugateGradient(opts, new Ic0()).setup(p.matrix(), new ReferenceBackend()).solve(p.rhs(), y);
        assertTrue(res.converged() && pcg.converged());
        assertEquals(pcg.iterations(), res.iterations(), 2, "DCDM with only fallbacks vs IC(0)-PCG");
        assertEquals(res.iterations(), solver.fallbacks());
        assertEquals(0, solver.networkDirections());
        assertEquals("ic0", solver.fallbackName());
    }

    @Test
    void zeroRightHandSideGivesExactlyZeroInNoIterations() {
        FluidGrid g = FluidGrid.smokeBox(8, true);
        Problem p = g.pressureProblem(null);
        DcdmNetwork net = DcdmNetwork.random(new DcdmArchitecture(3, 2, 1, 1, 1), 1);
        SolverOptions opts = SolverOptions.defaults().withNonzeroInitialGuess(true);
        Dcdm.Bound solver = new Dcdm(opts, net, GridMap.of(g)).setup(p.matrix(), new ReferenceBackend());
        double[] x = new double[p.rhs().length];
        java.util.Arrays.fill(x, 3.0);
        SolveResult res = solver.solve(new double[x.length], x);
        assertEquals(ConvergedReason.CONVERGED_ZERO_RHS, res.reason());
        assertEquals(0, res.iterations());
        for (double v : x) {
            assertEquals(0.0, v, 0.0);
        }
    }

    @Test
    void nanRightHandSideIsDivergedNan() {
        FluidGrid g = FluidGrid.smokeBox(8, true);
        Problem p = g.pressureProblem(null);
        DcdmNetwork net = DcdmNetwork.random(new DcdmArchitecture(3, 2, 1, 1, 1), 1);
        Dcdm.Bound solver = new Dcdm(SolverOptions.defaults(), net, GridMap.of(g)).setup(p.matrix(), new ReferenceBackend());
        double[] b = p.rhs().clone();
        b[3] = Double.NaN;
        SolveResult res = solver.solve(b, new double[b.length]);
        assertEquals(ConvergedReason.DIVERGED_NAN, res.reason());
    }

    @Test
    void iterationLimitIsAResult() {
        FluidGrid g = FluidGrid.smokeBox(10, true);
        Problem p = g.pressureProblem(null);
        DcdmNetwork net = DcdmNetwork.random(new DcdmArchitecture(3, 2, 1, 1, 1), 1);
        SolverOptions opts = SolverOptions.defaults().withRtol(1e-12).withMaxIterations(3);
        SolveResult res = new Dcdm(opts, net, GridMap.of(g)).setup(p.matrix(), new ReferenceBackend())
                .solve(p.rhs(), new double[p.rhs().length]);
        assertEquals(ConvergedReason.DIVERGED_MAX_ITERATIONS, res.reason());
        assertEquals(3, res.iterations());
    }

    @Test
    void mismatchedSizesAndDimensionsAreErrors() {
        FluidGrid g = FluidGrid.smokeBox(8, true);
        DcdmNetwork net3 = DcdmNetwork.random(new DcdmArchitecture(3, 2, 1, 1, 1), 1);
        DcdmNetwork net2 = DcdmNetwork.random(new DcdmArchitecture(2, 2, 1, 1, 1), 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Dcdm(SolverOptions.defaults(), net2, GridMap.of(g)));
        assertTrue(e.getMessage().contains("2D"), e.getMessage());
        CsrMatrix other = Generators.poisson3d(4).matrix();
        e = assertThrows(IllegalArgumentException.class,
                () -> new Dcdm(SolverOptions.defaults(), net3, GridMap.of(g)).setup(other, new ReferenceBackend()));
        assertTrue(e.getMessage().contains("unknowns"), e.getMessage());
    }

    @Test
    void oddGridsArePaddedForTheNetwork() {
        GridMap m = GridMap.of(FluidGrid.smokeBox(9, true));
        assertEquals(Shape.of3d(10, 10, 10), m.shape());
        double[] r = new double[m.unknowns()];
        java.util.Arrays.fill(r, 2.0);
        float[] grid = new float[m.shape().voxels()];
        m.scatter(r, 0.5, grid);
        double sum = 0;
        for (float v : grid) {
            sum += v;
        }
        assertEquals(m.unknowns(), sum, 1e-9, "each unknown lands on its own voxel with value 1");
        double[] back = new double[m.unknowns()];
        m.gather(grid, back);
        for (double v : back) {
            assertEquals(1.0, v, 0.0);
        }
    }
}
