package dev.solvent.multigrid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solvent.Residuals;
import dev.solvent.backend.Backend;
import dev.solvent.backend.Backends;
import dev.solvent.gen.FluidGrid;
import dev.solvent.gen.Problem;
import dev.solvent.solve.BoundSolver;
import dev.solvent.solve.ConvergedReason;
import dev.solvent.solve.SolveResult;
import dev.solvent.solve.SolverOptions;
import dev.solvent.solve.Solvers;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The pure-Neumann pressure problem (a closed smoke box: solid walls all round, so the constant is
 * in the null space and the right-hand side has been projected onto the range): AMG-PCG and the
 * multigrid iteration converge to rtol 1e-8, checked by an independent residual, in about as many
 * iterations as the open box needs; the answer has no constant component, and the report says the
 * null space was projected out.
 */
@Timeout(120)
class SingularSystemTest {

    @Test
    void inconsistentRightHandSideIsAReasonBeforeAnyIteration() {
        Problem closed = FluidGrid.smokeBox(12, false).pressureProblem(null);
        SolverOptions options = SolverOptions.defaults().withRtol(1e-8).withMaxIterations(200)
                .withNonzeroInitialGuess(true);
        AmgOptions amg = AmgOptions.defaults().withCoarseSize(40);
        int n = closed.size();
        double[] consistent = closed.rhs();
        double bNorm = 0.0;
        for (double v : consistent) {
            bNorm += v * v;
        }
        bNorm = Math.sqrt(bNorm);
        try (Backend be = Backends.cpu(2)) {
            for (String solver : new String[] {"cg", "amg"}) {
                String pc = solver.equals("cg") ? "amg" : "none";
                try (BoundSolver s = Solvers.create(solver, pc, options, amg).setup(closed.matrix(), be)) {
                    // A constant of norm 1e-3 ||b||: five orders above the tolerance, no solution.
                    double[] b = consistent.clone();
                    for (int i = 0; i < n; i++) {
                        b[i] += 1e-3 * bNorm / Math.sqrt(n);
                    }
                    double[] x = new double[n];
                    java.util.Arrays.fill(x, 0.25);
                    SolveResult r = s.solve(b, x);
                    assertEquals(ConvergedReason.DIVERGED_INCONSISTENT_RHS, r.reason(), solver + ": " + r);
                    assertEquals(0, r.iterations(), solver);
                    assertTrue(r.message().contains("subtract the mean of b"), r.message());
                    assertTrue(r.message().contains("1.000e-03 ||b||"), r.message());
                    for (double xi : x) {
                        assertEquals(0.25, xi, 0.0, solver + ": the initial guess is kept");
                    }
                    // A constant below the tolerance: the solve goes on and converges.
                    double[] c = consistent.clone();
                    for (int i = 0; i < n; i++) {
                        c[i] += 1e-11 * bNorm / Math.sqrt(n);
                    }
                    double[] y = new double[n];
                    SolveResult ok = s.solve(c, y);
                    assertEquals(ConvergedReason.CONVERGED_RTOL, ok.reason(), solver + ": " + ok);
                    assertTrue(Residuals.relative(closed.matrix(), y, c) <= 1e-8, solver);
                }
            }
        }
    }

    @Test
    void closedBoxConvergesWithTheNullSpaceProjectedOut() {
        Problem closed = FluidGrid.smokeBox(24, false).pressureProblem(null);
        Problem open = FluidGrid.smokeBox(24, true).pressureProblem(null);
        assertTrue(closed.name().endsWith("-singular-projected"), closed.name());
        SolverOptions options = SolverOptions.defaults().withRtol(1e-8).withMaxIterations(200);
        AmgOptions amg = AmgOptions.defaults().withCoarseSize(40);
        try (Backend be = Backends.cpu(2)) {
            int openIterations;
            try (BoundSolver s = Solvers.create("cg", "amg", options, amg).setup(open.matrix(), be)) {
                SolveResult r = s.solve(open.rhs(), new double[open.size()]);
                assertEquals(ConvergedReason.CONVERGED_RTOL, r.reason(), r.toString());
                openIterations = r.iterations();
            }
            for (String solver : new String[] {"cg", "amg"}) {
                String pc = solver.equals("cg") ? "amg" : "none";
                double[] x = new double[closed.size()];
                try (BoundSolver s = Solvers.create(solver, pc, options, amg).setup(closed.matrix(), be)) {
                    SolveResult r = s.solve(closed.rhs(), x);
                    assertEquals(ConvergedReason.CONVERGED_RTOL, r.reason(), solver + ": " + r);
                    assertTrue(Residuals.relative(closed.matrix(), x, closed.rhs()) <= 1e-8, solver);
                    double mean = 0.0;
                    double max = 0.0;
                    for (double xi : x) {
                        mean += xi;
                        max = Math.max(max, Math.abs(xi));
                    }
                    mean /= x.length;
                    assertTrue(Math.abs(mean) <= 1e-10 * max, solver + ": the answer has a constant part " + mean);
                    Map<?, ?> report = (Map<?, ?>) s.setupReport().get(solver.equals("cg") ? "preconditioner" : "multigrid");
                    assertEquals(Boolean.TRUE, report.get("nullSpaceProjected"), report.toString());
                    if (solver.equals("cg")) {
                        assertTrue(r.iterations() <= openIterations + 3,
                                "closed box " + r.iterations() + " iterations, open box " + openIterations);
                    }
                }
            }
        }
    }
}
