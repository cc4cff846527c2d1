package dev.solvent.multigrid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solvent.Residuals;
import dev.solvent.backend.Backend;
import dev.solvent.backend.Backends;
import dev.solvent.gen.Generators;
import dev.solvent.gen.Problem;
import dev.solvent.solve.BoundSolver;
import dev.solvent.solve.ConjugateGradient;
import dev.solvent.solve.ConvergedReason;
import dev.solvent.solve.SolveResult;
import dev.solvent.solve.SolverOptions;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Convergence factors of the multigrid iteration ({@code x += M (b - A x)}) on the model problems,
 * measured as the geometric mean of the residual reduction per iteration until 1e-10, from a
 * random right-hand side. For smoothed aggregation with a degree-2 Chebyshev smoother on the
 * Poisson matrices the two-grid factor is about 0.1 (1D) and 0.17 (2D) and, as the theory of
 * smoothed aggregation says, it does not grow as the grid is refined; the V-cycle factor grows
 * slowly with the number of levels. The bounds below leave room for rounding but fail for a
 * wrong prolongator (no smoothing), a wrong Chebyshev interval or a broken coarse correction,
 * all of which give factors above 0.5.
 */
@Timeout(300)
class AmgConvergenceTest {

    private static Backend backend;

    @BeforeAll
    static void start() {
        backend = Backends.cpu(2);
    }

    @AfterAll
    static void stop() {
        backend.close();
    }

    /** Factor and level count of the amg iteration on p with a random right-hand side. */
    private static double[] factor(Problem p, AmgOptions amg) {
        double[] b = new double[p.size()];
        Random rnd = new Random(5);
        for (int i = 0; i < b.length; i++) {
            b[i] = rnd.nextDouble() - 0.5;
        }
        double[] x = new double[b.length];
        SolverOptions options = SolverOptions.defaults().withRtol(1e-10).withMaxIterations(200);
        try (BoundSolver s = new MultigridSolver(options, amg).setup(p.matrix(), backend)) {
            SolveResult r = s.solve(b, x);
            assertEquals(ConvergedReason.CONVERGED_RTOL, r.reason(), p.name() + ": " + r);
            assertTrue(Residuals.relative(p.matrix(), x, b) <= 1e-10, p.name());
            double[] h = r.residualHistory();
            int k = h.length - 1;
            int levels = ((List<?>) ((Map<?, ?>) s.setupReport().get("multigrid")).get("levels")).size();
            // From iteration 1: the first iteration's reduction is not yet the asymptotic one.
            return new double[] {Math.pow(h[k] / h[1], 1.0 / Math.max(1, k - 1)), levels};
        }
    }

    private static AmgOptions twoGrid() {
        return AmgOptions.defaults().withMaxLevels(2).withCoarseSize(50);
    }

    @Test
    void twoGridFactorIsSmallAndGridIndependentIn1d() {
        double[] coarse = factor(Generators.poisson1d(1000), twoGrid());
        double[] fine = factor(Generators.poisson1d(4000), twoGrid());
        assertEquals(2, coarse[1], "two levels");
        assertEquals(2, fine[1], "two levels");
        assertTrue(coarse[0] < 0.15 && fine[0] < 0.15, "1D two-grid factors " + coarse[0] + ", " + fine[0]);
        assertTrue(Math.abs(fine[0] - coarse[0]) < 0.02, "1D two-grid factor depends on h: " + coarse[0] + " -> " + fine[0]);
        double[] l1 = factor(Generators.poisson1d(1000), twoGrid().withSmoother(AmgOptions.Smoother.L1_JACOBI));
        assertTrue(l1[0] < 0.6, "1D two-grid factor with l1-Jacobi " + l1[0]);
    }

    @Test
    void twoGridFactorIsSmallAndGridIndependentIn2d() {
        double[] coarse = factor(Generators.poisson2d(32), twoGrid());
        double[] fine = factor(Generators.poisson2d(64), twoGrid());
        assertTrue(coarse[0] < 0.22 && fine[0] < 0.22, "2D two-grid factors " + coarse[0] + ", " + fine[0]);
        assertTrue(Math.abs(fine[0] - coarse[0]) < 0.03, "2D two-grid factor depends on h: " + coarse[0] + " -> " + fine[0]);
        double[] l1 = factor(Generators.poisson2d(64), twoGrid().withSmoother(AmgOptions.Smoother.L1_JACOBI));
        assertTrue(l1[0] < 0.66, "2D two-grid factor with l1-Jacobi " + l1[0]);
    }

    @Test
    void vAndWCycleFactorsOnMultilevel2dPoisson() {
        AmgOptions multi = AmgOptions.defaults().withCoarseSize(20);
        double[] v = factor(Generators.poisson2d(128), multi);
        assertTrue(v[1] >= 4, "a multilevel hierarchy: " + v[1] + " levels");
        assertTrue(v[0] < 0.33, "2D V-cycle factor " + v[0]);
        double[] w = factor(Generators.poisson2d(128), multi.withCycle(AmgOptions.Cycle.W));
        // The W-cycle solves the coarse problem better: close to the two-grid factor.
        assertTrue(w[0] < 0.22 && w[0] <= v[0], "2D W-cycle factor " + w[0] + " (V " + v[0] + ")");
        double[] f = factor(Generators.poisson2d(128), multi.withCycle(AmgOptions.Cycle.F));
        assertTrue(f[0] < 0.25 && f[0] <= v[0], "2D F-cycle factor " + f[0] + " (V " + v[0] + ")");
        double[] v1 = factor(Generators.poisson1d(4000), multi);
        assertTrue(v1[1] >= 5 && v1[0] < 0.3, "1D V-cycle over " + v1[1] + " levels: factor " + v1[0]);
    }

    @Test
    void pcgIterationsStayFlatOn3dPoisson() {
        // The property a CFD code needs: refining the grid does not raise the count.
        int[] counts = new int[2];
        int[] sizes = {16, 32};
        for (int s = 0; s < sizes.length; s++) {
            Problem p = Generators.poisson3d(sizes[s]);
            double[] x = new double[p.size()];
            try (BoundSolver cg = new ConjugateGradient(SolverOptions.defaults().withRtol(1e-8),
                    new AmgPreconditioner(AmgOptions.defaults().withCoarseSize(50))).setup(p.matrix(), backend)) {
                SolveResult r = cg.solve(p.rhs(), x);
                assertEquals(ConvergedReason.CONVERGED_RTOL, r.reason(), r.toString());
                assertTrue(Residuals.relative(p.matrix(), x, p.rhs()) <= 1e-8);
                counts[s] = r.iterations();
            }
        }
        assertTrue(counts[0] <= 10 && counts[1] <= 10 && counts[1] <= counts[0] + 1,
                "AMG-PCG iterations on 16^3 and 32^3 Poisson: " + counts[0] + ", " + counts[1]);
    }
}
