package dev.solvent.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solvent.backend.cpu.ParallelCpuBackend;
import dev.solvent.matrix.CsrMatrix;
import dev.solvent.matrix.LinearOperator;
import dev.solvent.matrix.Stencil7Operator;
import dev.solvent.order.Ordering;
import dev.solvent.precond.Ic0;
import dev.solvent.precond.Jacobi;
import dev.solvent.precond.Mic0;
import dev.solvent.precond.NoPreconditioner;
import dev.solvent.precond.Preconditioner;
import dev.solvent.precond.SsorPreconditioner;
import dev.solvent.solve.BoundSolver;
import dev.solvent.solve.ConjugateGradient;
import dev.solvent.solve.ConvergedReason;
import dev.solvent.solve.IterativeSolver;
import dev.solvent.solve.SolveResult;
import dev.solvent.solve.SolverOptions;
import dev.solvent.solve.StationaryIteration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Whole solves on both host backends: the same method on the same problem must take the same
 * number of iterations (within one, since reductions round differently), and each returned x must
 * meet the tolerance by its residual recomputed here, not as reported by the solver.
 */
@Timeout(120)
class SolverEquivalenceTest {

    static final double RTOL = 1e-8;

    record Problem(String name, LinearOperator operator, CsrMatrix assembled) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Problem> problems() {
        Stencil7Operator st = new Stencil7Operator(14, 13, 12, 6.0, -1.0, -1.0, -1.0);
        CsrMatrix poisson = st.toCsr();
        CsrMatrix spd = RandomProblems.spd(new Random(2024), 2000);
        return List.of(new Problem("poisson-csr", poisson, poisson),
                new Problem("poisson-stencil", st, poisson),
                new Problem("random-spd", spd, spd));
    }

    static List<Supplier<Preconditioner>> preconditioners() {
        return List.of(() -> NoPreconditioner.INSTANCE, Jacobi::new, () -> new SsorPreconditioner(1.2),
                () -> new SsorPreconditioner(1.2, Ordering.MULTICOLOUR), Ic0::new, Mic0::new);
    }

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (Problem p : problems()) {
            for (Supplier<Preconditioner> pc : preconditioners()) {
                cases.add(Arguments.of(p, pc.get()));
            }
        }
        return cases.stream();
    }

    private static double[] rhs(CsrMatrix a) {
        // b = A * (a smooth field plus noise), so that the solution is not trivially structured.
        Random rnd = new Random(a.rows());
        double[] xTrue = new double[a.rows()];
        for (int i = 0; i < xTrue.length; i++) {
            xTrue[i] = Math.sin(0.01 * i) + 0.1 * rnd.nextDouble();
        }
        double[] b = new double[a.rows()];
        a.apply(xTrue, b);
        return b;
    }

    private static SolveResult solve(IterativeSolver solver, LinearOperator a, Backend backend, double[] b, double[] x) {
        try (BoundSolver bound = solver.setup(a, backend)) {
            return bound.solve(b, x);
        }
    }

    @ParameterizedTest(name = "{0} pcg-{1}")
    @MethodSource("cases")
    void pcgTakesTheSameIterationsOnBothBackends(Problem problem, Preconditioner pc) {
        ConjugateGradient cg = new ConjugateGradient(SolverOptions.defaults().withRtol(RTOL), pc);
        double[] b = rhs(problem.assembled());
        double[] xRef = new double[b.length];
        SolveResult ref = solve(cg, problem.operator(), new ReferenceBackend(), b, xRef);
        assertEquals(ConvergedReason.CONVERGED_RTOL, ref.reason(), ref.toString());
        assertTrue(RandomProblems.relativeResidual(problem.assembled(), b, xRef) <= RTOL, "reference residual");
        for (int threads : ParallelCpuConformanceTest.THREADS) {
            try (ParallelCpuBackend cpu = new ParallelCpuBackend(threads, 1)) {
                double[] x = new double[b.length];
                SolveResult res = solve(cg, problem.operator(), cpu, b, x);
                String what = problem + " pcg-" + pc.name() + " on " + threads + " threads: " + res + " vs " + ref;
                assertEquals(ConvergedReason.CONVERGED_RTOL, res.reason(), what);
                assertTrue(Math.abs(res.iterations() - ref.iterations()) <= 1, what);
                double rel = RandomProblems.relativeResidual(problem.assembled(), b, x);
                assertTrue(rel <= RTOL, what + ": true relative residual " + rel);
            }
        }
    }

    static Stream<Problem> assembledProblems() {
        return problems().stream().filter(p -> p.operator() instanceof CsrMatrix);
    }

    static Stream<Arguments> assembledProblemsAndOrderings() {
        List<Arguments> cases = new ArrayList<>();
        assembledProblems().forEach(p -> {
            for (Ordering o : Ordering.values()) {
                cases.add(Arguments.of(p, o));
            }
        });
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("assembledProblemsAndOrderings")
    void ssorIterationTakesTheSameIterationsOnBothBackends(Problem problem, Ordering ordering) {
        StationaryIteration ssor = StationaryIteration.ssor(SolverOptions.defaults().withRtol(1e-6).withOmega(1.5), ordering);
        double[] b = rhs(problem.assembled());
        double[] xRef = new double[b.length];
        SolveResult ref = solve(ssor, problem.operator(), new ReferenceBackend(), b, xRef);
        assertEquals(ConvergedReason.CONVERGED_RTOL, ref.reason(), ref.toString());
        for (int threads : new int[] {2, 3}) {
            try (ParallelCpuBackend cpu = new ParallelCpuBackend(threads, 1)) {
                double[] x = new double[b.length];
                SolveResult res = solve(ssor, problem.operator(), cpu, b, x);
                assertTrue(Math.abs(res.iterations() - ref.iterations()) <= 1, res + " vs " + ref);
                double rel = RandomProblems.relativeResidual(problem.assembled(), b, x);
                assertTrue(rel <= 1e-6, "true relative residual " + rel);
            }
        }
    }
}
