package dev.solvent.jmh;

import dev.solvent.backend.Backend;
import dev.solvent.backend.Backends;
import dev.solvent.gen.Problem;
import dev.solvent.matrix.LinearOperator;
import dev.solvent.matrix.Stencil7Operator;
import dev.solvent.solve.BoundSolver;
import dev.solvent.solve.SolveResult;
import dev.solvent.solve.SolverOptions;
import dev.solvent.solve.Solvers;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One pressure solve as a code that solves a system once sees it: setup (binding, factorisation or
 * multigrid hierarchy) plus one solve of 3D Poisson from x = 0 to rtol 1e-8, on the CPU backend.
 * Each invocation sets up a new bound solver, solves, checks the answer with plain loops and closes
 * the solver, so the score is the whole cost of a single solve. {@code method} names the solver
 * and preconditioner and the form of the operator:
 * <ul>
 *   <li>{@code cg-stencil}: CG on the matrix-free 7-point stencil (no setup to speak of);</li>
 *   <li>{@code cg-csr}, {@code ic0-csr}: CG and IC(0)-PCG on the assembled matrix;</li>
 *   <li>{@code amg-csr}, {@code amg-stencil}: AMG-PCG, the hierarchy built from the assembled
 *       matrix (the stencil form assembles it for the setup and applies the stencil on the finest
 *       level of the cycle).</li>
 * </ul>
 * Single-shot timing: one setup-and-solve per measured iteration.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class SetupAndSolveBenchmark {

    @Param({"128"})
    public int grid;

    @Param({"cg-stencil", "cg-csr", "ic0-csr", "amg-csr", "amg-stencil"})
    public String method;

    @Param({"2"})
    public int threads;

    private Problem problem;
    private LinearOperator operator;
    private String pc;
    private Backend backend;
    private double[] x;

    @Setup(Level.Trial)
    public void setUp() {
        problem = Fixtures.poisson(grid);
        int dash = method.indexOf('-');
        if (dash < 0) {
            throw new IllegalArgumentException("method must be <pc>-<csr|stencil>, got " + method);
        }
        String name = method.substring(0, dash);
        String form = method.substring(dash + 1);
        pc = name.equals("cg") ? "none" : name;
        operator = switch (form) {
            case "stencil" -> Stencil7Operator.poisson(grid, grid, grid);
            case "csr" -> problem.matrix();
            default -> throw new IllegalArgumentException("operator form must be csr or stencil, got " + form);
        };
        backend = Backends.cpu(threads);
        x = new double[problem.size()];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        backend.close();
    }

    @Benchmark
    public SolveResult setupAndSolve(IterationCounter counter) {
        SolverOptions options = SolverOptions.defaults().withRtol(Fixtures.RTOL).withRecordHistory(false);
        SolveResult result;
        try (BoundSolver solver = Solvers.create("cg", pc, options).setup(operator, backend)) {
            java.util.Arrays.fill(x, 0.0);
            result = solver.solve(problem.rhs(), x);
        }
        String what = method + " on " + grid + "^3 (" + threads + " threads)";
        if (!result.converged()) {
            throw new IllegalStateException(what + " did not converge: " + result);
        }
        Fixtures.checkConverged(what, Fixtures.relativeResidual(problem.matrix(), problem.rhs(), x), Fixtures.RTOL);
        counter.iterations += result.iterations();
        return result;
    }
}
