package dev.solvent.solve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solvent.Residuals;
import dev.solvent.backend.Backend;
import dev.solvent.backend.Backends;
import dev.solvent.backend.ReferenceBackend;
import dev.solvent.gen.Generators;
import dev.solvent.gen.Problem;
import dev.solvent.matrix.CsrMatrix;
import dev.solvent.precond.PreconditionerOptions;
import dev.solvent.precond.ShiftPolicy;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * IC(0) and MIC(0) preconditioned CG end to end, the registry names and options that reach them,
 * {@code auto}, and what the setup reports say about orderings.
 */
class IncompleteCholeskyPcgTest {

    static double[] random(int n, long seed) {
        Random rnd = new Random(seed);
        double[] b = new double[n];
        for (int i = 0; i < n; i++) {
            b[i] = rnd.nextDouble();
        }
        return b;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> pcReport(BoundSolver s) {
        return (Map<String, Object>) s.setupReport().get("preconditioner");
    }

    /** MIC(0) on 64^3 Poisson to rtol 1e-6 in at most 65 iterations (pyamg/SciPy report 60), and fewer than IC(0). */
    @Test
    void mic0On64CubedPoissonNeedsAtMost65Iterations() {
        Problem p = Generators.poisson3d(64);
        CsrMatrix a = p.matrix();
        SolverOptions options = SolverOptions.defaults().withRtol(1e-6).withMaxIterations(1000);
        try (Backend cpu = Backends.cpu(2)) {
            for (double[] b : new double[][] {p.rhs(), random(p.size(), 64)}) {
                int[] iterations = new int[2];
                String[] names = {"ic0", "mic0"};
                for (int k = 0; k < 2; k++) {
                    double[] x = new double[p.size()];
                    try (BoundSolver s = Solvers.create("cg", names[k], options).setup(a, cpu)) {
                        SolveResult r = s.solve(b, x);
                        assertEquals(ConvergedReason.CONVERGED_RTOL, r.reason(), names[k] + ": " + r);
                        assertTrue(Residuals.relative(a, x, b) <= 1e-6, names[k]);
                        assertEquals(0, ((Number) pcReport(s).get("retries")).intValue(), "no shift on Poisson");
                        iterations[k] = r.iterations();
                    }
                }
                assertTrue(iterations[1] <= 65, "mic0 took " + iterations[1]);
                assertTrue(iterations[1] < iterations[0] * 0.75, "mic0 " + iterations[1] + " vs ic0 " + iterations[0]);
            }
        }
    }

    @Test
    void registryHasTheNewNamesAndPassesTheirOptions() {
        assertTrue(Solvers.preconditionerNames().containsAll(java.util.List.of("ic0", "mic0", "ssor-mc", "auto")));
        assertTrue(Solvers.solverNames().containsAll(java.util.List.of("sor-mc", "ssor-mc", "gs-mc", "gs-backward-mc",
                "gs-symmetric-mc")));
        Problem p = Generators.poisson2d(12);
        PreconditionerOptions opts = PreconditionerOptions.defaults().withMicRelaxation(0.5)
                .withShift(ShiftPolicy.parse("1e-2,4,5"));
        try (Backend be = new ReferenceBackend();
             BoundSolver s = Solvers.create("cg", "mic0", SolverOptions.defaults(), opts).setup(p.matrix(), be)) {
            Map<String, Object> report = pcReport(s);
            assertEquals(0.5, report.get("relaxation"));
            assertEquals("0.01,4.0,5", report.get("shiftPolicy"));
            assertEquals("mic0", report.get("factorisation"));
            double[] x = new double[p.size()];
            SolveResult r = s.solve(p.rhs(), x);
            assertTrue(r.converged() && Residuals.relative(p.matrix(), x, p.rhs()) <= 1e-8, r.toString());
            assertEquals("mic0", r.preconditioner());
        }
    }

    @Test
    void autoChoosesAmgWhenRegisteredAndShiftedIc0OtherwiseAndSaysWhy() {
        Problem p = Generators.poisson3d(10);
        boolean amg = Solvers.preconditionerNames().contains("amg");
        String expected = amg ? "amg" : "ic0";
        try (Backend be = Backends.cpu(2);
             BoundSolver s = Solvers.create("cg", "auto", SolverOptions.defaults()).setup(p.matrix(), be)) {
            double[] x = new double[p.size()];
            SolveResult r = s.solve(p.rhs(), x);
            assertEquals(expected, r.preconditioner(), "the result names what ran");
            assertTrue(r.converged() && Residuals.relative(p.matrix(), x, p.rhs()) <= 1e-8, r.toString());
            String why = (String) pcReport(s).get("auto");
            assertTrue(why.startsWith("chose " + expected + ": "), why);
            if (!amg) {
                assertTrue(why.contains("no amg in the registry"), why);
                assertEquals(0.0, pcReport(s).get("shift"), "the IC(0) report follows");
            }
        }
        // Without amg in the registry auto is IC(0), shifted on breakdown: on a matrix where plain
        // IC(0) breaks down it shifts and still converges, and says why it was chosen.
        {
            dev.solvent.precond.Preconditioner fallback = Solvers.auto(SolverOptions.defaults(),
                    PreconditionerOptions.defaults(), false);
            assertEquals("ic0", fallback.name());
            CsrMatrix k = CsrMatrix.builder(4, 4).add(0, 0, 3).add(0, 1, -2).add(0, 3, 2).add(1, 0, -2).add(1, 1, 3)
                    .add(1, 2, -2).add(2, 1, -2).add(2, 2, 3).add(2, 3, -2).add(3, 0, 2).add(3, 2, -2).add(3, 3, 3).build();
            double[] b = {1, 2, 3, 4};
            double[] x = new double[4];
            try (Backend be = new ReferenceBackend();
                 BoundSolver s = new ConjugateGradient(SolverOptions.defaults(), fallback).setup(k, be)) {
                SolveResult r = s.solve(b, x);
                assertEquals("ic0", r.preconditioner());
                assertTrue(r.converged() && Residuals.relative(k, x, b) <= 1e-8, r.toString());
                assertTrue(((Number) pcReport(s).get("shift")).doubleValue() > 0, pcReport(s).toString());
                String why = (String) pcReport(s).get("auto");
                assertTrue(why.startsWith("chose ic0: no amg in the registry"), why);
            }
        }
    }

    @Test
    void stationarySolversSayWhichOrderingRan() {
        Problem p = Generators.poisson3d(8);
        SolverOptions options = SolverOptions.defaults().withRtol(1e-6).withMaxIterations(5000).withOmega(1.5);
        try (Backend be = Backends.cpu(2)) {
            for (String name : new String[] {"sor", "sor-mc", "ssor", "ssor-mc", "gs", "gs-mc"}) {
                double[] x = new double[p.size()];
                try (BoundSolver s = Solvers.create(name, "none", options).setup(p.matrix(), be)) {
                    SolveResult r = s.solve(p.rhs(), x);
                    assertEquals(name, r.solver());
                    assertTrue(r.converged() && Residuals.relative(p.matrix(), x, p.rhs()) <= 1e-6, name + ": " + r);
                    @SuppressWarnings("unchecked")
                    Map<String, Object> relaxation = (Map<String, Object>) s.setupReport().get("relaxation");
                    boolean mc = name.endsWith("-mc");
                    assertEquals(mc ? "multicolour" : "natural", relaxation.get("ordering"), relaxation.toString());
                    assertTrue(relaxation.containsKey(mc ? "colours" : "levels"), relaxation.toString());
                    if (mc) {
                        assertEquals(2, relaxation.get("colours"), "red-black on a 7-point grid");
                    }
                }
            }
            // The SSOR preconditioners report their ordering too.
            for (String pc : new String[] {"ssor", "ssor-mc"}) {
                try (BoundSolver s = Solvers.create("cg", pc, options).setup(p.matrix(), be)) {
                    assertEquals(pc.endsWith("-mc") ? "multicolour" : "natural", pcReport(s).get("ordering"));
                    double[] x = new double[p.size()];
                    SolveResult r = s.solve(p.rhs(), x);
                    assertEquals(pc, r.preconditioner());
                    assertTrue(r.converged() && Residuals.relative(p.matrix(), x, p.rhs()) <= 1e-6, r.toString());
                }
            }
        }
    }
}
