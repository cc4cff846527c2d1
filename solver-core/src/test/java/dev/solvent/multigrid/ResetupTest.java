package dev.solvent.multigrid;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solvent.Residuals;
import dev.solvent.backend.Backend;
import dev.solvent.backend.BoundOperator;
import dev.solvent.backend.Backends;
import dev.solvent.gen.Generators;
import dev.solvent.matrix.CsrMatrix;
import dev.solvent.matrix.Stencil7Operator;
import dev.solvent.precond.BoundPreconditioner;
import dev.solvent.solve.BoundSolver;
import dev.solvent.solve.ConvergedReason;
import dev.solvent.solve.SolveResult;
import dev.solvent.solve.SolverOptions;
import dev.solvent.solve.Solvers;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Numeric re-setup for a sequence of matrices on one pattern: the re-setup hierarchy equals a
 * fresh setup on the new values (bit for bit, when the fresh setup makes the same aggregates),
 * the following solves use the new matrix, a changed pattern is refused with a clear message, and
 * preconditioners without a numeric re-setup (IC(0)) are set up afresh by the solver.
 */
@Timeout(120)
class ResetupTest {

    private static final SolverOptions OPTIONS = SolverOptions.defaults().withRtol(1e-8);

    /** Two diffusion matrices on the same 5-point pattern (the density of a CFD step changing). */
    private static CsrMatrix step(int k) {
        return Generators.variableCoefficient2d(45, 38, (x, y) -> 1.0 + k * 30.0 * Math.sin(3 * x + k) * Math.sin(3 * x + k)
                + 5.0 * y * k).matrix();
    }

    @Test
    void resetupEqualsAFreshSetupOnTheNewValues() {
        CsrMatrix first = step(1);
        CsrMatrix second = step(2);
        assertTrue(first.hasSamePattern(second) && !first.equals(second));
        // theta = 0: every stored coupling is strong, so a fresh setup makes the same aggregates.
        AmgOptions options = AmgOptions.defaults().withStrengthThreshold(0.0).withCoarseSize(30);
        Hierarchy resetup = Hierarchy.build(first, options, 2);
        resetup.resetup(second, 3);
        Hierarchy fresh = Hierarchy.build(second, options, 1);
        assertEquals(fresh.size(), resetup.size());
        assertTrue(fresh.size() >= 3);
        for (int l = 0; l < fresh.size(); l++) {
            assertEquals(fresh.level(l).a, resetup.level(l).a, "A on level " + l);
            assertEquals(Double.doubleToLongBits(fresh.level(l).rho), Double.doubleToLongBits(resetup.level(l).rho));
            if (l < fresh.size() - 1) {
                assertArrayEquals(fresh.level(l).aggregates, resetup.level(l).aggregates, "same aggregates");
                assertEquals(fresh.level(l).p, resetup.level(l).p, "P on level " + l);
                assertEquals(fresh.level(l).restriction(), resetup.level(l).restriction(), "R on level " + l);
            }
        }
        assertEquals(1, resetup.resetups);

        // The bound preconditioner after re-setup applies the same operator as a fresh one.
        double[] r = CycleTest.random(second.rows(), 9);
        try (Backend be = Backends.cpu(2)) {
            BoundOperator a1 = be.bind(first);
            BoundOperator a2 = be.bind(second);
            try (BoundPreconditioner reused = new AmgPreconditioner(options).setup(a1, be)) {
                assertTrue(reused.resetup(a2));
                double[] z1 = new double[r.length];
                reused.applyDot(be.wrap(r), be.wrap(z1));
                double[] z2 = CycleTest.applyM(be, second, options, r);
                assertArrayEquals(z2, z1, 0.0, "M after re-setup");
                assertEquals(1, reused.setupReport().get("resetups"));
            }
        }
    }

    @Test
    void solvesAfterResetupUseTheNewMatrix() {
        CsrMatrix first = step(1);
        CsrMatrix second = step(3);
        double[] b = CycleTest.random(first.rows(), 10);
        try (Backend be = Backends.cpu(2)) {
            for (String[] sp : new String[][] {{"cg", "amg"}, {"amg", "none"}, {"cg", "ic0"}, {"cg", "jacobi"}}) {
                try (BoundSolver s = Solvers.create(sp[0], sp[1], OPTIONS).setup(first, be)) {
                    double[] x = new double[b.length];
                    assertEquals(ConvergedReason.CONVERGED_RTOL, s.solve(b, x).reason());
                    assertTrue(Residuals.relative(first, x, b) <= 1e-8);
                    s.resetup(second);
                    x = new double[b.length];
                    SolveResult r = s.solve(b, x);
                    String what = sp[0] + "/" + sp[1];
                    assertEquals(ConvergedReason.CONVERGED_RTOL, r.reason(), what + ": " + r);
                    assertTrue(Residuals.relative(second, x, b) <= 1e-8, what + " solves the new system");
                    assertTrue(Residuals.relative(first, x, b) > 1e-4, what + " no longer solves the old one");
                    if (sp[0].equals("cg")) {
                        assertEquals(1, s.setupReport().get("resetups"), what);
                    }
                }
            }
        }
    }

    @Test
    void changedPatternOrSizeIsRefused() {
        CsrMatrix first = step(1);
        CsrMatrix other = Generators.poisson2d(45, 38).matrix();
        // Same size, one entry more in row 100.
        var builder = CsrMatrix.builder(first.rows(), first.cols());
        for (int i = 0; i < first.rows(); i++) {
            for (int k = first.rowPtr()[i]; k < first.rowPtr()[i + 1]; k++) {
                builder.add(i, first.colIdx()[k], first.values()[k]);
            }
        }
        builder.add(100, 300, 0.0);
        CsrMatrix extra = builder.build();
        try (Backend be = Backends.cpu(2);
             BoundSolver s = Solvers.create("cg", "amg", OPTIONS).setup(first, be)) {
            assertTrue(first.hasSamePattern(other), "the Poisson matrix shares the pattern");
            s.resetup(other);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.resetup(extra));
            assertTrue(e.getMessage().contains("same sparsity pattern") && e.getMessage().contains("row 100"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> s.resetup(Generators.poisson2d(10).matrix()));
            // Still usable with the matrix it had.
            double[] b = CycleTest.random(first.rows(), 11);
            double[] x = new double[b.length];
            assertEquals(ConvergedReason.CONVERGED_RTOL, s.solve(b, x).reason());
            assertTrue(Residuals.relative(other, x, b) <= 1e-8);
        }
        IllegalArgumentException amgLevel = assertThrows(IllegalArgumentException.class,
                () -> Hierarchy.build(first, AmgOptions.defaults(), 1).resetup(extra, 1));
        assertTrue(amgLevel.getMessage().contains("row 100"), amgLevel.getMessage());
    }

    @Test
    void refusedValuesLeaveTheSolverOnTheOldSystem() {
        CsrMatrix first = step(1);
        double[] v = first.values().clone();
        int row = 200;
        int diag = java.util.Arrays.binarySearch(first.colIdx(), first.rowPtr()[row], first.rowPtr()[row + 1], row);
        v[diag] = 0.0;
        CsrMatrix zeroDiagonal = first.withValues(v);
        double[] b = CycleTest.random(first.rows(), 13);
        try (Backend be = Backends.cpu(2)) {
            for (String[] sp : new String[][] {{"cg", "amg"}, {"amg", "none"}}) {
                try (BoundSolver s = Solvers.create(sp[0], sp[1], OPTIONS).setup(first, be)) {
                    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.resetup(zeroDiagonal));
                    assertTrue(e.getMessage().contains("row 200 has a zero diagonal"), e.getMessage());
                    double[] x = new double[b.length];
                    assertEquals(ConvergedReason.CONVERGED_RTOL, s.solve(b, x).reason());
                    assertTrue(Residuals.relative(first, x, b) <= 1e-8, "still the old system");
                }
            }
        }
    }

    @Test
    void stencilResetupKeepsTheGridAndStaysMatrixFree() {
        Stencil7Operator first = new Stencil7Operator(14, 12, 10, 6.0, -1.0, -1.0, -1.0);
        Stencil7Operator second = new Stencil7Operator(14, 12, 10, 12.0, -2.5, -2.0, -1.0);
        double[] b = CycleTest.random(first.rows(), 12);
        try (Backend be = Backends.cpu(2);
             BoundSolver s = Solvers.create("cg", "amg", OPTIONS, AmgOptions.defaults().withCoarseSize(30)).setup(first, be)) {
            s.resetup(second);
            double[] x = new double[b.length];
            assertEquals(ConvergedReason.CONVERGED_RTOL, s.solve(b, x).reason());
            assertTrue(Residuals.relative(second.toCsr(), x, b) <= 1e-8);
            assertThrows(IllegalArgumentException.class, () -> s.resetup(Stencil7Operator.poisson(14, 12, 11)));
        }
    }

    @Test
    void aStencilsAssembledMatrixIsLetGoAfterSetupAndResetup() {
        Stencil7Operator first = new Stencil7Operator(14, 12, 10, 6.0, -1.0, -1.0, -1.0);
        // Twice the first: the same strength graphs on every level, so a fresh setup makes the
        // aggregates the re-setup keeps, and the two hierarchies agree bit for bit.
        Stencil7Operator second = new Stencil7Operator(14, 12, 10, 12.0, -2.0, -2.0, -2.0);
        AmgOptions options = AmgOptions.defaults().withCoarseSize(30);
        CsrMatrix assembled = first.toCsr();
        double[] r = CycleTest.random(first.rows(), 5);
        try (Backend be = Backends.cpu(2);
             BoundOperator a1 = be.bind(first);
             BoundOperator a2 = be.bind(second);
             AmgPreconditioner.Multigrid mg = new AmgPreconditioner.Multigrid(a1, be, options);
             AmgPreconditioner.Multigrid fresh = new AmgPreconditioner.Multigrid(a2, be, options)) {
            assertEquals(null, mg.hierarchy.level(0).a, "the finest matrix is let go");
            @SuppressWarnings("unchecked")
            Map<String, Object> level0 = ((java.util.List<Map<String, Object>>) mg.report().get("levels")).get(0);
            assertEquals(assembled.rows(), level0.get("rows"));
            assertEquals((long) assembled.nnz(), level0.get("nonzeros"));
            mg.resetup(a2);
            assertEquals(null, mg.hierarchy.level(0).a, "and let go again after a re-setup");
            assertEquals(fresh.report().get("operatorComplexity"), mg.report().get("operatorComplexity"));
            // The re-set-up cycle is the fresh one on the new stencil, bit for bit.
            double[] z1 = new double[r.length];
            double[] z2 = new double[r.length];
            try (var rv = be.upload(r); var zv1 = be.allocate(r.length); var zv2 = be.allocate(r.length)) {
                mg.cycle.precondition(rv, zv1);
                fresh.cycle.precondition(rv, zv2);
                be.download(zv1, z1);
                be.download(zv2, z2);
            }
            assertArrayEquals(z2, z1);
            assertThrows(IllegalArgumentException.class, () -> mg.resetup(be.bind(Stencil7Operator.poisson(14, 12, 11))));
        }
    }

    @Test
    void resetupOfAClosedSolverIsRefused() {
        try (Backend be = Backends.cpu(1)) {
            BoundSolver s = Solvers.create("cg", "amg", OPTIONS).setup(step(1), be);
            s.close();
            assertThrows(IllegalStateException.class, () -> s.resetup(step(2)));
        }
    }

    @Test
    void setupReportCountsResetups() {
        try (Backend be = Backends.cpu(1);
             BoundSolver s = Solvers.create("amg", "none", OPTIONS).setup(step(1), be)) {
            s.resetup(step(2));
            s.resetup(step(3));
            Map<?, ?> mg = (Map<?, ?>) s.setupReport().get("multigrid");
            assertEquals(2, mg.get("resetups"));
        }
    }
}
