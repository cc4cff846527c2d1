package dev.solvent.solve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solvent.Residuals;
import dev.solvent.backend.Backend;
import dev.solvent.backend.ReferenceBackend;
import dev.solvent.backend.SweepDirection;
import dev.solvent.backend.cpu.ParallelCpuBackend;
import dev.solvent.gen.Generators;
import dev.solvent.matrix.CooBuilder;
import dev.solvent.matrix.CsrMatrix;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every iterative method stops in bounded time on a system it cannot solve, with a reason that
 * says why: the divergence tolerance (DIVERGED_DTOL) and stagnation (DIVERGED_STAGNATION), even
 * when the iteration limit is as large as an int allows. And the tolerances combine as documented.
 */
class StoppingRulesTest {

    /** Far more iterations than any of these systems takes to show what it does. */
    private static final int UNBOUNDED = 50_000_000;

    /** {@code I + S}, S skew-symmetric tridiagonal: {@code p.Ap = p.p > 0}, so CG never sees indefiniteness. */
    private static CsrMatrix identityPlusSkew(int n, double c) {
        CooBuilder b = CsrMatrix.builder(n, n);
        for (int i = 0; i < n; i++) {
            b.add(i, i, 1.0);
            if (i + 1 < n) {
                b.add(i, i + 1, c);
                b.add(i + 1, i, -c);
            }
        }
        return b.build();
    }

    /** The 1D Laplacian with Neumann ends: singular, null space the constant vector. */
    private static CsrMatrix neumann1d(int n) {
        CooBuilder b = CsrMatrix.builder(n, n);
        for (int i = 0; i < n; i++) {
            b.add(i, i, i == 0 || i == n - 1 ? 1.0 : 2.0);
            if (i + 1 < n) {
                b.add(i, i + 1, -1.0);
                b.add(i + 1, i, -1.0);
            }
        }
        return b.build();
    }

    private static double[] ones(int n) {
        double[] v = new double[n];
        java.util.Arrays.fill(v, 1.0);
        return v;
    }

    @Test
    void cgOnANonsymmetricMatrixStopsByItself() {
        CsrMatrix a = identityPlusSkew(40, 3.0);
        double[] b = ones(a.rows());
        for (Backend backend : List.of(new ReferenceBackend(), new ParallelCpuBackend(2, 1))) {
            try (backend; BoundSolver cg = new ConjugateGradient(SolverOptions.defaults().withRtol(1e-10)
                    .withMaxIterations(UNBOUNDED)).setup(a, backend)) {
                double[] x = new double[a.rows()];
                SolveResult r = cg.solve(b, x);
                assertTrue(r.reason() == ConvergedReason.DIVERGED_DTOL || r.reason() == ConvergedReason.DIVERGED_STAGNATION
                        || r.converged(), r.toString());
                assertTrue(r.iterations() < 100_000, "ran " + r.iterations() + " iterations: " + r);
                assertEquals(Residuals.norm(a, x, b), r.residualNorm(), 1e-9 * Math.max(1, r.residualNorm()));
                if (r.converged()) {
                    assertTrue(Residuals.relative(a, x, b) <= 1e-10 * 1.01, r.toString());
                }
            }
        }
    }

    @Test
    void cgWhoseResidualExplodesStopsAtTheDivergenceTolerance() {
        CsrMatrix a = identityPlusSkew(40, 3.0);
        double[] b = ones(a.rows());
        SolverOptions options = SolverOptions.defaults().withRtol(1e-10).withMaxIterations(UNBOUNDED)
                .withDivergenceTolerance(10.0);
        try (Backend ref = new ReferenceBackend(); BoundSolver cg = new ConjugateGradient(options).setup(a, ref)) {
            SolveResult r = cg.solve(b, new double[a.rows()]);
            assertEquals(ConvergedReason.DIVERGED_DTOL, r.reason(), r.toString());
            double[] h = r.residualHistory();
            assertTrue(h[h.length - 1] > 10.0 * h[0], r.toString());
        }
    }

    @Test
    void gaussSeidelOnAnInconsistentSingularSystemStagnates() {
        CsrMatrix a = neumann1d(12);
        double[] b = ones(a.rows());   // not orthogonal to the null space: no solution exists
        for (SweepDirection d : SweepDirection.values()) {
            SolverOptions options = SolverOptions.defaults().withMaxIterations(UNBOUNDED);
            try (Backend ref = new ReferenceBackend();
                 BoundSolver gs = StationaryIteration.gaussSeidel(options, d).setup(a, ref)) {
                SolveResult r = gs.solve(b, new double[a.rows()]);
                assertEquals(ConvergedReason.DIVERGED_STAGNATION, r.reason(), d + ": " + r);
                assertTrue(r.iterations() < 100_000, r.toString());
                assertTrue(r.message().contains("iterations"), r.message());
            }
        }
    }

    @Test
    void stagnationDetectionCanBeTurnedOffAndDoesNotStopAConvergingSolve() {
        CsrMatrix a = neumann1d(12);
        SolverOptions off = SolverOptions.defaults().withMaxIterations(3000).withStagnationWindow(0);
        try (Backend ref = new ReferenceBackend();
             BoundSolver gs = StationaryIteration.gaussSeidel(off, SweepDirection.FORWARD).setup(a, ref)) {
            SolveResult r = gs.solve(ones(a.rows()), new double[a.rows()]);
            assertEquals(ConvergedReason.DIVERGED_MAX_ITERATIONS, r.reason(), r.toString());
        }
        // A slowly converging Gauss-Seidel (spectral radius close to 1) is progress, not stagnation.
        CsrMatrix slow = Generators.poisson2d(40).matrix();
        double[] b = Generators.poisson2d(40).rhs();
        SolverOptions options = SolverOptions.defaults().withRtol(1e-6).withMaxIterations(UNBOUNDED);
        try (Backend cpu = new ParallelCpuBackend(2);
             BoundSolver gs = StationaryIteration.gaussSeidel(options, SweepDirection.FORWARD).setup(slow, cpu)) {
            double[] x = new double[slow.rows()];
            SolveResult r = gs.solve(b, x);
            assertEquals(ConvergedReason.CONVERGED_RTOL, r.reason(), r.toString());
            assertTrue(Residuals.relative(slow, x, b) <= 1e-6 * 1.01);
        }
    }

    @Test
    void absoluteToleranceAloneWorksWhateverTheOrderOfTheCalls() {
        CsrMatrix a = Generators.poisson2d(10).matrix();
        double[] b = Generators.poisson2d(10).rhs();
        SolverOptions atolOnly = SolverOptions.defaults().withRtol(0).withAtol(1e-12);
        assertEquals(SolverOptions.defaults().withAtol(1e-12).withRtol(0), atolOnly);
        try (Backend ref = new ReferenceBackend(); BoundSolver cg = new ConjugateGradient(atolOnly).setup(a, ref)) {
            double[] x = new double[a.rows()];
            SolveResult r = cg.solve(b, x);
            assertEquals(ConvergedReason.CONVERGED_ATOL, r.reason(), r.toString());
            assertTrue(Residuals.norm(a, x, b) <= 1e-12, r.toString());
        }
        // Both zero is refused where the options are used, naming both.
        SolverOptions none = SolverOptions.defaults().withRtol(0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Solvers.create("cg", "none", none));
        assertTrue(e.getMessage().contains("rtol") && e.getMessage().contains("atol"), e.getMessage());
        try (Backend ref = new ReferenceBackend()) {
            assertThrows(IllegalArgumentException.class, () -> new ConjugateGradient(none).setup(a, ref));
            assertThrows(IllegalArgumentException.class, () -> StationaryIteration.sor(none).setup(a, ref));
        }
        assertThrows(IllegalArgumentException.class, () -> SolverOptions.defaults().withRtol(-1));
        assertThrows(IllegalArgumentException.class, () -> SolverOptions.defaults().withAtol(Double.NaN));
    }
}
