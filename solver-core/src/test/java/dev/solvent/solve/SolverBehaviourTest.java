package dev.solvent.solve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solvent.Residuals;
import dev.solvent.backend.Backend;
import dev.solvent.backend.ReferenceBackend;
import dev.solvent.matrix.CsrMatrix;
import dev.solvent.matrix.Stencil7Operator;
import dev.solvent.precond.Ic0;
import dev.solvent.precond.ShiftPolicy;
import dev.solvent.precond.Jacobi;
import dev.solvent.precond.SsorPreconditioner;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Tier 3 and 4: end-to-end answers, and every way a solve can go wrong coming back as a reason. */
class SolverBehaviourTest {

    private final Backend backend = new ReferenceBackend();

    private static CsrMatrix poisson2d(int n) {
        // 5-point Laplacian built here by hand, independent of the generators.
        var b = CsrMatrix.builder(n * n, n * n);
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < n; i++) {
                int p = i + n * j;
                b.add(p, p, 4);
                if (i > 0) {
                    b.add(p, p - 1, -1);
                }
                if (i < n - 1) {
                    b.add(p, p + 1, -1);
                }
                if (j > 0) {
                    b.add(p, p - n, -1);
                }
                if (j < n - 1) {
                    b.add(p, p + n, -1);
                }
            }
        }
        return b.build();
    }

    private static double[] randomVector(int n, long seed) {
        java.util.Random rnd = new java.util.Random(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = rnd.nextDouble() - 0.5;
        }
        return v;
    }

    private SolveResult solve(IterativeSolver solver, CsrMatrix a, double[] b, double[] x) {
        try (BoundSolver bound = solver.setup(a, backend)) {
            return bound.solve(b, x);
        }
    }

    @Test
    void everySolverAndPreconditionerSolvesPoisson2dToTolerance() {
        CsrMatrix a = poisson2d(20);
        double[] b = randomVector(a.rows(), 1);
        SolverOptions options = SolverOptions.defaults().withRtol(1e-8).withOmega(1.5);
        for (String solver : Solvers.solverNames()) {
            List<String> pcs = solver.equals("cg") ? Solvers.preconditionerNames() : List.of("none");
            for (String pc : pcs) {
                double[] x = new double[a.rows()];
                SolveResult r = solve(Solvers.create(solver, pc, options), a, b, x);
                String what = solver + "/" + pc + ": " + r;
                assertEquals(ConvergedReason.CONVERGED_RTOL, r.reason(), what);
                double independent = Residuals.relative(a, x, b);
                assertTrue(independent <= 1e-8, what + " independent residual " + independent);
                assertEquals(independent, r.relativeResidual(), 1e-12, what);
                assertEquals(r.iterations() + 1, r.residualHistory().length, what);
            }
        }
    }

    @Test
    void zeroRightHandSideGivesExactlyZeroInNoIterations() {
        CsrMatrix a = poisson2d(5);
        double[] x = randomVector(a.rows(), 2);
        SolverOptions options = SolverOptions.defaults().withNonzeroInitialGuess(true);
        for (String solver : List.of("cg", "sor", "gs-symmetric")) {
            double[] guess = x.clone();
            SolveResult r = solve(Solvers.create(solver, "none", options), a, new double[a.rows()], guess);
            assertEquals(ConvergedReason.CONVERGED_ZERO_RHS, r.reason());
            assertEquals(0, r.iterations());
            assertArrayEquals(new double[a.rows()], guess, 0.0);
            assertEquals(0.0, r.residualNorm());
        }
    }

    @Test
    void nanInRightHandSideIsReportedNotIterated() {
        CsrMatrix a = poisson2d(4);
        double[] b = randomVector(a.rows(), 3);
        b[5] = Double.NaN;
        SolveResult r = solve(new ConjugateGradient(SolverOptions.defaults()), a, b, new double[a.rows()]);
        assertEquals(ConvergedReason.DIVERGED_NAN, r.reason());
        assertEquals(0, r.iterations());
    }

    @Test
    void nanOrInfinityInMatrixIsReported() {
        CsrMatrix good = poisson2d(4);
        for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY}) {
            double[] values = good.values().clone();
            values[7] = bad;
            CsrMatrix a = CsrMatrix.of(good.rows(), good.cols(), good.rowPtr(), good.colIdx(), values);
            double[] b = randomVector(a.rows(), 4);
            SolveResult cg = solve(new ConjugateGradient(SolverOptions.defaults()), a, b, new double[a.rows()]);
            assertEquals(ConvergedReason.DIVERGED_NAN, cg.reason(), cg.toString());
            SolveResult sor = solve(StationaryIteration.sor(SolverOptions.defaults()), a, b, new double[a.rows()]);
            assertEquals(ConvergedReason.DIVERGED_NAN, sor.reason(), sor.toString());
        }
    }

    @Test
    void indefiniteMatrixStopsCgWithItsReason() {
        // diag(1, -1, 2, -2, ...) is symmetric and indefinite; b = ones excites the negative modes.
        int n = 10;
        var builder = CsrMatrix.builder(n, n);
        for (int i = 0; i < n; i++) {
            builder.add(i, i, (i % 2 == 0 ? 1 : -1) * (1 + i / 2));
        }
        CsrMatrix a = builder.build();
        double[] b = new double[n];
        Arrays.fill(b, 1.0);
        SolveResult r = solve(new ConjugateGradient(SolverOptions.defaults()), a, b, new double[n]);
        assertEquals(ConvergedReason.DIVERGED_INDEFINITE_MATRIX, r.reason(), r.toString());
        assertTrue(r.message().contains("not positive definite"), r.message());
    }

    @Test
    void negativeDefiniteMatrixTakesTheIndefiniteBranchOnTheFirstStep() {
        CsrMatrix a = CsrMatrix.of(2, 2, new int[] {0, 1, 2}, new int[] {0, 1}, new double[] {-1, -2});
        SolveResult r = solve(new ConjugateGradient(SolverOptions.defaults()), a, new double[] {1, 1}, new double[2]);
        assertEquals(ConvergedReason.DIVERGED_INDEFINITE_MATRIX, r.reason());
        assertEquals(0, r.iterations());
    }

    @Test
    void divergingGaussSeidelIsReportedAsDiverging() {
        // [[1,3],[3,1]]: the Gauss-Seidel iteration matrix has spectral radius 9.
        CsrMatrix a = CsrMatrix.of(2, 2, new int[] {0, 2, 4}, new int[] {0, 1, 0, 1}, new double[] {1, 3, 3, 1});
        SolveResult r = solve(Solvers.create("gs", "none", SolverOptions.defaults()), a, new double[] {1, 2}, new double[2]);
        assertEquals(ConvergedReason.DIVERGED_DTOL, r.reason(), r.toString());
        // Growth by 9 per sweep passes 1e5 after a handful of sweeps, not 10,000.
        assertTrue(r.iterations() < 10, r.toString());
    }

    @Test
    void iterationLimitIsAResult() {
        CsrMatrix a = poisson2d(30);
        double[] b = randomVector(a.rows(), 5);
        SolveResult r = solve(new ConjugateGradient(SolverOptions.defaults().withMaxIterations(3)), a, b, new double[a.rows()]);
        assertEquals(ConvergedReason.DIVERGED_MAX_ITERATIONS, r.reason());
        assertEquals(3, r.iterations());
        assertEquals(4, r.residualHistory().length);
    }

    @Test
    void absoluteToleranceReportsAtol() {
        CsrMatrix a = poisson2d(10);
        double[] b = randomVector(a.rows(), 6);
        SolverOptions o = SolverOptions.defaults().withRtol(1e-14).withAtol(1e-3);
        double[] x = new double[a.rows()];
        SolveResult r = solve(new ConjugateGradient(o), a, b, x);
        assertEquals(ConvergedReason.CONVERGED_ATOL, r.reason());
        assertTrue(Residuals.norm(a, x, b) <= 1e-3);
    }

    @Test
    void exactInitialGuessNeedsNoIteration() {
        CsrMatrix a = poisson2d(6);
        double[] xExact = randomVector(a.rows(), 7);
        double[] b = new double[a.rows()];
        a.apply(xExact, b);
        double[] x = xExact.clone();
        SolveResult r = solve(new ConjugateGradient(SolverOptions.defaults().withNonzeroInitialGuess(true)), a, b, x);
        assertTrue(r.converged());
        assertEquals(0, r.iterations());
        assertArrayEquals(xExact, x, 0.0);
    }

    @Test
    void withoutNonzeroGuessTheIncomingXIsIgnored() {
        CsrMatrix a = poisson2d(6);
        double[] b = randomVector(a.rows(), 8);
        double[] x1 = new double[a.rows()];
        double[] x2 = randomVector(a.rows(), 9);
        SolveResult r1 = solve(new ConjugateGradient(SolverOptions.defaults()), a, b, x1);
        SolveResult r2 = solve(new ConjugateGradient(SolverOptions.defaults()), a, b, x2);
        assertEquals(r1.iterations(), r2.iterations());
        assertArrayEquals(x1, x2, 0.0);
    }

    @Test
    void listenerSeesEveryIterationInOrder() {
        CsrMatrix a = poisson2d(8);
        double[] b = randomVector(a.rows(), 10);
        List<Integer> seen = new ArrayList<>();
        List<Double> norms = new ArrayList<>();
        SolverOptions o = SolverOptions.defaults().withListener((k, rn) -> {
            seen.add(k);
            norms.add(rn);
        });
        SolveResult r = solve(new ConjugateGradient(o), a, b, new double[a.rows()]);
        assertEquals(r.iterations() + 1, seen.size());
        for (int k = 0; k < seen.size(); k++) {
            assertEquals(k, seen.get(k));
            assertEquals(r.residualHistory()[k], norms.get(k));
        }
        // With x0 = 0 the initial residual is b itself.
        double bNorm = Math.sqrt(Arrays.stream(b).map(v -> v * v).sum());
        assertEquals(bNorm, norms.get(0), 1e-12 * bNorm);
    }

    @Test
    void misuseThrowsWithTheCause() {
        CsrMatrix rect = CsrMatrix.builder(3, 4).add(0, 0, 1).build();
        IllegalArgumentException e1 = assertThrows(IllegalArgumentException.class,
                () -> new ConjugateGradient(SolverOptions.defaults()).setup(rect, backend));
        assertTrue(e1.getMessage().contains("square"), e1.getMessage());

        CsrMatrix a = poisson2d(3);
        try (BoundSolver s = new ConjugateGradient(SolverOptions.defaults()).setup(a, backend)) {
            IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class, () -> s.solve(new double[5], new double[9]));
            assertTrue(e2.getMessage().contains("length 5"), e2.getMessage());
        }
        CsrMatrix zeroDiagonal = CsrMatrix.of(2, 2, new int[] {0, 1, 2}, new int[] {1, 0}, new double[] {1, 1});
        IllegalArgumentException e3 = assertThrows(IllegalArgumentException.class,
                () -> StationaryIteration.sor(SolverOptions.defaults()).setup(zeroDiagonal, backend));
        assertTrue(e3.getMessage().contains("row 1"), e3.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> StationaryIteration.sor(SolverOptions.defaults()).setup(Stencil7Operator.poisson(2, 2, 2), backend));
        assertThrows(IllegalArgumentException.class, () -> SolverOptions.defaults().withOmega(2.0));
        assertThrows(IllegalArgumentException.class, () -> SolverOptions.defaults().withRtol(-1));
    }

    @Test
    void registryRejectsUnknownNamesAndMisplacedPreconditioners() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Solvers.create("gmres", "none", SolverOptions.defaults()));
        assertTrue(e.getMessage().contains("cg"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Solvers.create("cg", "boomeramg", SolverOptions.defaults()));
        assertThrows(IllegalArgumentException.class, () -> Solvers.create("sor", "jacobi", SolverOptions.defaults()));
        assertEquals("ssor", Solvers.create("SSOR", "none", SolverOptions.defaults()).name());
    }

    @Test
    void ic0BreakdownIsReportedWithItsRowWhenTheShiftIsOff() {
        // Symmetric, indefinite: the second pivot is 1 - 4 = -3.
        CsrMatrix a = CsrMatrix.of(2, 2, new int[] {0, 2, 4}, new int[] {0, 1, 0, 1}, new double[] {1, 2, 2, 1});
        SolveResult r = solve(new ConjugateGradient(SolverOptions.defaults(), new Ic0(ShiftPolicy.off())), a,
                new double[] {1, 0}, new double[2]);
        assertEquals(ConvergedReason.DIVERGED_PRECONDITIONER_FAILED, r.reason());
        assertTrue(r.message().contains("row 2 (counted from 1)"), r.message());
        assertTrue(r.message().contains("-3"), r.message());
    }

    @Test
    void shiftedIc0OnAnIndefiniteMatrixLetsCgReportTheMatrixIndefinite() {
        // The shift makes the factorisation complete; CG then finds the matrix itself indefinite.
        CsrMatrix a = CsrMatrix.of(2, 2, new int[] {0, 2, 4}, new int[] {0, 1, 0, 1}, new double[] {1, 2, 2, 1});
        SolveResult r = solve(new ConjugateGradient(SolverOptions.defaults(), new Ic0()), a, new double[] {1, 0}, new double[2]);
        assertEquals(ConvergedReason.DIVERGED_INDEFINITE_MATRIX, r.reason(), r.toString());
    }

    @Test
    void ic0OfATridiagonalMatrixIsExactSoPcgTakesOneIteration() {
        // A tridiagonal matrix's Cholesky factor has no fill, so IC(0) is the exact factorisation.
        int n = 50;
        var builder = CsrMatrix.builder(n, n);
        for (int i = 0; i < n; i++) {
            builder.add(i, i, 2.5);
            if (i > 0) {
                builder.add(i, i - 1, -1);
                builder.add(i - 1, i, -1);
            }
        }
        CsrMatrix a = builder.build();
        double[] b = randomVector(n, 11);
        double[] x = new double[n];
        SolveResult r = solve(new ConjugateGradient(SolverOptions.defaults().withRtol(1e-12), new Ic0()), a, b, x);
        assertTrue(r.converged(), r.toString());
        assertEquals(1, r.iterations());
        assertTrue(Residuals.relative(a, x, b) <= 1e-12);
    }

    @Test
    void jacobiOnADiagonalMatrixIsExact() {
        int n = 20;
        var builder = CsrMatrix.builder(n, n);
        for (int i = 0; i < n; i++) {
            builder.add(i, i, 1 + i * i);
        }
        CsrMatrix a = builder.build();
        double[] b = randomVector(n, 12);
        double[] x = new double[n];
        SolveResult r = solve(new ConjugateGradient(SolverOptions.defaults(), new Jacobi()), a, b, x);
        assertEquals(1, r.iterations());
        for (int i = 0; i < n; i++) {
            assertEquals(b[i] / (1 + i * i), x[i], 1e-15);
        }
    }

    @Test
    void ssorPreconditionerMatchesTheDenseFormula() {
        // z = M^-1 r with M = (D + wL) D^-1 (D + wU) / (w (2 - w)), formed densely here and solved
        // by Gaussian elimination, independent of the sweep kernels.
        CsrMatrix a = poisson2d(3);
        int n = a.rows();
        double w = 1.3;
        double[][] lower = new double[n][n];
        double[][] upper = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double aij = a.get(i, j);
                if (i == j) {
                    lower[i][i] = aij;
                    upper[i][i] = aij;
                } else if (j < i) {
                    lower[i][j] = w * aij;
                } else {
                    upper[i][j] = w * aij;
                }
            }
        }
        double[][] m = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int k = 0; k < n; k++) {
                    s += lower[i][k] / a.get(k, k) * upper[k][j];
                }
                m[i][j] = s / (w * (2 - w));
            }
        }
        double[] r = randomVector(n, 13);
        double[] expected = gaussianSolve(m, r);
        var pc = new SsorPreconditioner(w).setup(backend.bind(a), backend);
        double[] z = new double[n];
        double rz = pc.applyDot(backend.wrap(r), backend.wrap(z));
        assertArrayEquals(expected, z, 1e-12);
        double dot = 0;
        for (int i = 0; i < n; i++) {
            dot += r[i] * expected[i];
        }
        assertEquals(dot, rz, 1e-12);
    }

    @Test
    void aBoundSolverIsALinearOperator() {
        CsrMatrix a = poisson2d(5);
        double[] b = randomVector(a.rows(), 14);
        double[] x = new double[a.rows()];
        try (BoundSolver inverse = new ConjugateGradient(SolverOptions.defaults().withRtol(1e-12)).setup(a, backend)) {
            inverse.apply(b, x);
        }
        assertTrue(Residuals.relative(a, x, b) <= 1e-12);
    }

    private static double[] gaussianSolve(double[][] m, double[] rhs) {
        int n = rhs.length;
        double[][] a = new double[n][];
        for (int i = 0; i < n; i++) {
            a[i] = Arrays.copyOf(m[i], n + 1);
            a[i][n] = rhs[i];
        }
        for (int c = 0; c < n; c++) {
            int piv = c;
            for (int i = c + 1; i < n; i++) {
                if (Math.abs(a[i][c]) > Math.abs(a[piv][c])) {
                    piv = i;
                }
            }
            double[] t = a[c];
            a[c] = a[piv];
            a[piv] = t;
            for (int i = c + 1; i < n; i++) {
                double f = a[i][c] / a[c][c];
                for (int j = c; j <= n; j++) {
                    a[i][j] -= f * a[c][j];
                }
            }
        }
        double[] x = new double[n];
        for (int i = n - 1; i >= 0; i--) {
            double s = a[i][n];
            for (int j = i + 1; j < n; j++) {
                s -= a[i][j] * x[j];
            }
            x[i] = s / a[i][i];
        }
        return x;
    }
}
