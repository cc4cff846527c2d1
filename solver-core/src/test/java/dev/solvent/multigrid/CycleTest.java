package dev.solvent.multigrid;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solvent.backend.Backend;
import dev.solvent.backend.BoundOperator;
import dev.solvent.backend.ReferenceBackend;
import dev.solvent.backend.Vector;
import dev.solvent.backend.cpu.ParallelCpuBackend;
import dev.solvent.gen.FluidGrid;
import dev.solvent.gen.Generators;
import dev.solvent.matrix.CsrMatrix;
import dev.solvent.matrix.LinearOperator;
import dev.solvent.matrix.Stencil7Operator;
import dev.solvent.precond.BoundPreconditioner;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The cycle as an operator {@code M}: symmetric ({@code x . M y = y . M x} to rounding, what CG
 * needs) and positive for the V- and W-cycles with either smoother, on definite and singular
 * matrices; the same on the parallel CPU backend as on the reference backend, bit for bit where
 * no reduction enters (a definite matrix) and to rounding where the null-space projection's dot
 * products do; the same with the finest level applied as a matrix-free stencil as with its CSR
 * form, to rounding.
 */
@Timeout(120)
class CycleTest {

    /** Small matrices with several levels (coarse size 20). */
    static List<CsrMatrix> matrices() {
        return List.of(
                Generators.poisson2d(24).matrix(),
                Generators.variableCoefficient2d(20, 17, (x, y) -> 1.0 + 50.0 * x * y).matrix(),
                Generators.poisson3d(9).matrix(),
                FluidGrid.smokeBox(10, false).pressureProblem(null).matrix());
    }

    static Stream<Arguments> cyclesAndSmoothers() {
        List<Arguments> cases = new ArrayList<>();
        for (AmgOptions.Cycle c : List.of(AmgOptions.Cycle.V, AmgOptions.Cycle.W)) {
            for (AmgOptions.Smoother s : AmgOptions.Smoother.values()) {
                cases.add(Arguments.of(c, s));
            }
        }
        return cases.stream();
    }

    static double[] random(int n, long seed) {
        Random rnd = new Random(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = rnd.nextDouble() - 0.5;
        }
        return v;
    }

    static double dot(double[] x, double[] y) {
        double s = 0.0;
        for (int i = 0; i < x.length; i++) {
            s += x[i] * y[i];
        }
        return s;
    }

    /** {@code M r} by the bound preconditioner on {@code be}, the finest level bound from {@code op}. */
    static double[] applyM(Backend be, LinearOperator op, AmgOptions options, double[] r) {
        BoundOperator a = be.bind(op);
        try (BoundPreconditioner pc = new AmgPreconditioner(options).setup(a, be)) {
            double[] z = new double[r.length];
            Vector rv = be.wrap(r.clone());
            Vector zv = be.wrap(z);
            double rz = pc.applyDot(rv, zv);
            assertEquals(dot(r, z), rz, 1e-12 * Math.sqrt(dot(r, r) * dot(z, z)), "applyDot returns r . z");
            return z;
        } finally {
            a.close();
        }
    }

    @ParameterizedTest(name = "{0}-cycle, {1}")
    @MethodSource("cyclesAndSmoothers")
    void cycleIsSymmetricAndPositive(AmgOptions.Cycle cycle, AmgOptions.Smoother smoother) {
        AmgOptions options = AmgOptions.defaults().withCoarseSize(20).withCycle(cycle).withSmoother(smoother)
                .withChebyshevDegree(3);
        try (ReferenceBackend ref = new ReferenceBackend()) {
            for (CsrMatrix a : matrices()) {
                int n = a.rows();
                double[] x = random(n, 1);
                double[] y = random(n, 2);
                double[] mx = applyM(ref, a, options, x);
                double[] my = applyM(ref, a, options, y);
                double xmy = dot(x, my);
                double ymx = dot(y, mx);
                double scale = Math.sqrt(dot(x, x) * dot(my, my)) + Math.sqrt(dot(y, y) * dot(mx, mx));
                assertTrue(Math.abs(xmy - ymx) <= 1e-12 * scale, cycle + "/" + smoother + " on " + a
                        + ": x.My = " + xmy + ", y.Mx = " + ymx);
                assertTrue(dot(x, mx) > 0.0 && dot(y, my) > 0.0, "M is positive on " + a);
            }
        }
    }

    @ParameterizedTest(name = "{0}-cycle, {1}")
    @MethodSource("cyclesAndSmoothers")
    void parallelCpuCycleEqualsReferenceCycle(AmgOptions.Cycle cycle, AmgOptions.Smoother smoother) {
        AmgOptions options = AmgOptions.defaults().withCoarseSize(20).withCycle(cycle).withSmoother(smoother);
        try (ReferenceBackend ref = new ReferenceBackend()) {
            for (CsrMatrix a : matrices()) {
                double[] r = random(a.rows(), 3);
                double[] expected = applyM(ref, a, options, r);
                boolean singular = isSingular(a);
                for (int threads : new int[] {1, 2, 3}) {
                    try (ParallelCpuBackend cpu = new ParallelCpuBackend(threads, 1)) {
                        double[] actual = applyM(cpu, a, options.withSetupThreads(threads), r);
                        if (singular) {
                            assertClose(expected, actual, 1e-12, a + " on " + threads + " threads");
                        } else {
                            assertArrayEquals(expected, actual, 0.0, a + " on " + threads + " threads");
                        }
                    }
                }
            }
        }
    }

    @Test
    void stationaryIterationEqualsReferenceAlsoForTheFCycle() {
        CsrMatrix a = Generators.poisson2d(24).matrix();
        double[] b = random(a.rows(), 4);
        for (AmgOptions.Cycle cycle : AmgOptions.Cycle.values()) {
            AmgOptions options = AmgOptions.defaults().withCoarseSize(20).withCycle(cycle);
            double[] x1 = new double[a.rows()];
            double[] x2 = new double[a.rows()];
            dev.solvent.solve.SolverOptions so = dev.solvent.solve.SolverOptions.defaults().withMaxIterations(3)
                    .withRtol(1e-14);
            try (ReferenceBackend ref = new ReferenceBackend(); ParallelCpuBackend cpu = new ParallelCpuBackend(3, 1);
                 var s1 = new MultigridSolver(so, options).setup(a, ref);
                 var s2 = new MultigridSolver(so, options).setup(a, cpu)) {
                var r1 = s1.solve(b, x1);
                var r2 = s2.solve(b, x2);
                assertEquals(3, r1.iterations());
                assertArrayEquals(x1, x2, 0.0, cycle + "-cycle iterate");
                assertTrue(r1.residualHistory()[3] < 0.01 * r1.residualHistory()[0], cycle + ": " + r1);
            }
        }
    }

    @Test
    void matrixFreeFinestLevelEqualsAssembledToRounding() {
        Stencil7Operator stencil = Stencil7Operator.poisson(12, 10, 9);
        CsrMatrix assembled = stencil.toCsr();
        AmgOptions options = AmgOptions.defaults().withCoarseSize(20);
        double[] r = random(stencil.rows(), 6);
        try (ParallelCpuBackend cpu = new ParallelCpuBackend(2, 1)) {
            double[] viaCsr = applyM(cpu, assembled, options, r);
            double[] viaStencil = applyM(cpu, stencil, options, r);
            assertClose(viaCsr, viaStencil, 1e-12, "stencil finest level");
        }
    }

    @Test
    void theFCycleCannotPreconditionCg() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new AmgPreconditioner(AmgOptions.defaults().withCycle(AmgOptions.Cycle.F)));
        assertTrue(e.getMessage().contains("not symmetric"), e.getMessage());
    }

    private static boolean isSingular(CsrMatrix a) {
        double[] ones = new double[a.cols()];
        java.util.Arrays.fill(ones, 1.0);
        double[] y = new double[a.rows()];
        a.apply(ones, y);
        return Math.sqrt(dot(y, y)) < 1e-12;
    }

    static void assertClose(double[] expected, double[] actual, double tol, String what) {
        double scale = 0.0;
        for (double e : expected) {
            scale = Math.max(scale, Math.abs(e));
        }
        for (int i = 0; i < expected.length; i++) {
            assertTrue(Math.abs(expected[i] - actual[i]) <= tol * scale, what + ": entry " + i + " is " + actual[i]
                    + ", expected " + expected[i]);
        }
    }
}
