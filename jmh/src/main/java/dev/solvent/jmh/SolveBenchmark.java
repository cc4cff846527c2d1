package dev.solvent.jmh;

import dev.solvent.backend.Backend;
import dev.solvent.backend.Backends;
import dev.solvent.backend.ReferenceBackend;
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
 * Solvent's CG and PCG solves of 3D Poisson from x = 0, through the CPU backend. With
 * {@code cap = 0} each solve runs to rtol 1e-8 (||b - Ax|| &lt;= 1e-8 ||b||); with {@code cap > 0}
 * it stops after exactly that many iterations, which is how the per-iteration cost is measured on
 * grids where a full solve takes too long for the quick suite. Setup (IC(0) factorisation, binding)
 * is outside the timing, for the peers too. The secondary score {@code iterations} is the time per
 * iteration (see {@link IterationCounter}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class SolveBenchmark {

    @Param({"64"})
    public int grid;

    /** none, jacobi, ssor or ic0 (the library's names). */
    @Param({"none", "jacobi", "ssor", "ic0"})
    public String pc;

    /** 0: solve to rtol 1e-8; otherwise run exactly this many iterations. */
    @Param({"0"})
    public int cap;

    /** csr, or stencil (matrix-free; only with pc none or jacobi, which need no entries). */
    @Param({"csr"})
    public String operator;

    @Param({"2"})
    public int threads;

    private Problem problem;
    private Backend backend;
    private BoundSolver solver;
    private double[] x;

    @Setup(Level.Trial)
    public void setUp() {
        problem = Fixtures.poisson(grid);
        LinearOperator op = "stencil".equals(operator) ? Stencil7Operator.poisson(grid, grid, grid) : problem.matrix();
        backend = Backends.cpu(threads);
        solver = Solvers.create("cg", pc, options()).setup(op, backend);
        x = new double[problem.size()];
        verify(op);
    }

    private SolverOptions options() {
        SolverOptions o = SolverOptions.defaults().withRtol(cap == 0 ? Fixtures.RTOL : 1e-30).withRecordHistory(false);
        // A capped run does exactly cap iterations: no stagnation test cuts it short.
        return cap == 0 ? o : o.withMaxIterations(cap).withStagnationWindow(0);
    }

    /**
     * One solve, its answer checked with plain loops. A capped solve is checked against the same
     * capped solve on the single-threaded reference backend: CG's iterates are fixed by the
     * algorithm, so both must reach the same residual.
     */
    private void verify(LinearOperator op) {
        SolveResult result = solver.solve(problem.rhs(), x);
        double rel = Fixtures.relativeResidual(problem.matrix(), problem.rhs(), x);
        String what = "cg/" + pc + " on " + grid + "^3 (" + operator + ", " + threads + " threads)";
        if (cap == 0) {
            if (!result.converged()) {
                throw new IllegalStateException(what + " did not converge: " + result);
            }
            Fixtures.checkConverged(what, rel, Fixtures.RTOL);
        } else {
            if (result.iterations() != cap) {
                throw new IllegalStateException(what + " ran " + result.iterations() + " iterations, not " + cap);
            }
            double[] xr = new double[problem.size()];
            try (ReferenceBackend reference = new ReferenceBackend();
                 BoundSolver oracle = Solvers.create("cg", pc, options()).setup(op, reference)) {
                oracle.solve(problem.rhs(), xr);
            }
            Fixtures.checkSame(what + " after " + cap + " iterations vs the reference backend",
                    Fixtures.relativeResidual(problem.matrix(), problem.rhs(), xr), rel, 1e-6);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        solver.close();
        backend.close();
    }

    @Benchmark
    public SolveResult solve(IterationCounter counter) {
        SolveResult result = solver.solve(problem.rhs(), x);
        counter.iterations += result.iterations();
        return result;
    }
}
