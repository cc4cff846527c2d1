package dev.solvent.jmh;

import dev.solvent.backend.Backend;
import dev.solvent.backend.Backends;
import dev.solvent.backend.BoundOperator;
import dev.solvent.backend.Vector;
import dev.solvent.gen.Problem;
import dev.solvent.matrix.LinearOperator;
import dev.solvent.matrix.Stencil7Operator;
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
 * One plain-CG iteration as the solver runs it: the three fused kernels
 * <pre>
 *   pq = p.(q = A p)                     applyDot
 *   x += alpha p; r -= alpha q; rr = r.r  cgUpdate
 *   p = r + beta p                        cgDirection
 * </pre>
 * which must move 11 n doubles plus the operator (CSR: {@code 12 nnz + 4 (n + 1)} bytes; stencil:
 * none). The report compares the time with that byte count divided by the triad bandwidth.
 *
 * <p>The iteration is real CG, continued from invocation to invocation, so the vectors carry the
 * values a solve sees. Each measurement iteration restarts from x = 0; should CG converge inside one
 * (it would need hundreds of invocations), it restarts then too, before the residual reaches
 * rounding noise.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class CgIterationBenchmark {

    @Param({"64", "128"})
    public int grid;

    @Param({"csr", "stencil"})
    public String operator;

    @Param({"2"})
    public int threads;

    /** Iterations compared against the library's own CG in the check. */
    private static final int CHECK_ITERATIONS = 20;

    private Problem problem;
    private LinearOperator op;
    private Backend backend;
    private BoundOperator a;
    private Vector b;
    private Vector x;
    private Vector r;
    private Vector p;
    private Vector q;
    private double rr;
    private double restartBelow;

    @Setup(Level.Trial)
    public void setUp() {
        problem = Fixtures.poisson(grid);
        switch (operator) {
            case "csr":
                op = problem.matrix();
                break;
            case "stencil":
                op = Stencil7Operator.poisson(grid, grid, grid);
                break;
            default:
                throw new IllegalArgumentException("operator must be csr or stencil, got " + operator);
        }
        backend = Backends.cpu(threads);
        a = backend.bind(op);
        int n = problem.size();
        b = backend.wrap(problem.rhs().clone());
        x = backend.allocate(n);
        r = backend.allocate(n);
        p = backend.allocate(n);
        q = backend.allocate(n);
        verify();
    }

    /**
     * Runs {@value #CHECK_ITERATIONS} iterations of this benchmark's step and checks (1) that its
     * residual equals the library CG's after as many iterations on the same backend, and (2) that the
     * recursively updated residual equals b - A x recomputed with plain loops.
     */
    private void verify() {
        restart();
        for (int k = 0; k < CHECK_ITERATIONS; k++) {
            iteration();
        }
        SolverOptions options = SolverOptions.defaults().withRtol(1e-30).withMaxIterations(CHECK_ITERATIONS)
                .withStagnationWindow(0);
        double[] xs = new double[problem.size()];
        SolveResult lib;
        try (var solver = Solvers.create("cg", "none", options).setup(op, backend)) {
            lib = solver.solve(problem.rhs(), xs);
        }
        if (lib.iterations() != CHECK_ITERATIONS) {
            throw new IllegalStateException("library CG ran " + lib.iterations() + " iterations: " + lib);
        }
        double bNorm = Math.sqrt(backend.dot(b, b));
        double[] history = lib.residualHistory();
        Fixtures.checkSame("residual after " + CHECK_ITERATIONS + " CG iterations vs the library's CG",
                history[CHECK_ITERATIONS], Math.sqrt(rr), 1e-9);
        double[] xh = new double[problem.size()];
        backend.download(x, xh);
        double trueRel = Fixtures.relativeResidual(problem.matrix(), problem.rhs(), xh);
        Fixtures.checkSame("recursive vs true residual", trueRel, Math.sqrt(rr) / bNorm, 1e-6);
        // Relative residual 1e-8, where a solve would stop: still far above rounding noise.
        restartBelow = 1e-16 * bNorm * bNorm;
    }

    @Setup(Level.Iteration)
    public void restart() {
        backend.fill(x, 0.0);
        backend.copy(b, r);
        backend.copy(b, p);
        rr = backend.dot(r, r);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        a.close();
        backend.close();
    }

    @Benchmark
    public double iteration() {
        double pq = backend.applyDot(a, p, q);
        double alpha = rr / pq;
        double rrNext = backend.cgUpdate(alpha, p, q, x, r);
        double beta = rrNext / rr;
        backend.cgDirection(r, beta, p);
        rr = rrNext;
        if (rr < restartBelow) {
            restart();
        }
        return rr;
    }
}
