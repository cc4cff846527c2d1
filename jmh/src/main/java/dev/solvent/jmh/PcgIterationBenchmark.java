package dev.solvent.jmh;

import dev.solvent.backend.Backend;
import dev.solvent.backend.Backends;
import dev.solvent.backend.BoundOperator;
import dev.solvent.backend.Vector;
import dev.solvent.gen.Problem;
import dev.solvent.precond.BoundPreconditioner;
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
 * One preconditioned CG iteration as the solver runs it, on 3D Poisson (CSR) through the CPU
 * backend:
 * <pre>
 *   pq = p.(q = A p)                       applyDot
 *   x += alpha p; r -= alpha q; rr = r.r    cgUpdate
 *   rz = r.(z = M^-1 r)                     the preconditioner (skipped for none: z is r)
 *   p = z + beta p                          cgDirection
 * </pre>
 * With {@code pc = none} it is the plain CG iteration of {@link CgIterationBenchmark}; the ratio
 * of the {@code ic0} and {@code none} scores is the cost of an IC(0)-PCG iteration in plain CG
 * iterations. Real PCG, continued from invocation to invocation; each measurement iteration
 * restarts from x = 0, and so does an iteration that gets within 1e-8 of convergence.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class PcgIterationBenchmark {

    @Param({"128"})
    public int grid;

    @Param({"none", "ic0"})
    public String pc;

    @Param({"2"})
    public int threads;

    /** Iterations compared against the library's own PCG in the check. */
    private static final int CHECK_ITERATIONS = 15;

    private Problem problem;
    private Backend backend;
    private BoundOperator a;
    private BoundPreconditioner m;
    private Vector b;
    private Vector x;
    private Vector r;
    private Vector z;
    private Vector p;
    private Vector q;
    private double rz;
    private double rr;
    private double restartBelow;

    @Setup(Level.Trial)
    public void setUp() {
        problem = Fixtures.poisson(grid);
        backend = Backends.cpu(threads);
        a = backend.bind(problem.matrix());
        m = "none".equals(pc) ? null : Solvers.preconditioner(pc, SolverOptions.defaults()).setup(a, backend);
        int n = problem.size();
        b = backend.wrap(problem.rhs().clone());
        x = backend.allocate(n);
        r = backend.allocate(n);
        z = m == null ? r : backend.allocate(n);
        p = backend.allocate(n);
        q = backend.allocate(n);
        verify();
    }

    /**
     * {@value #CHECK_ITERATIONS} iterations of this benchmark's step must reach the residual of the
     * library's own solver after as many iterations on the same backend, and the recursive residual
     * must equal b - A x recomputed with plain loops.
     */
    private void verify() {
        restart();
        for (int k = 0; k < CHECK_ITERATIONS; k++) {
            iteration();
        }
        SolverOptions options = SolverOptions.defaults().withRtol(1e-30).withMaxIterations(CHECK_ITERATIONS);
        double[] xs = new double[problem.size()];
        SolveResult lib;
        try (var solver = Solvers.create("cg", pc, options).setup(problem.matrix(), backend)) {
            lib = solver.solve(problem.rhs(), xs);
        }
        if (lib.iterations() != CHECK_ITERATIONS) {
            throw new IllegalStateException("library PCG ran " + lib.iterations() + " iterations: " + lib);
        }
        double bNorm = Math.sqrt(backend.dot(b, b));
        Fixtures.checkSame("residual after " + CHECK_ITERATIONS + " iterations vs the library's " + pc + "-PCG",
                lib.residualHistory()[CHECK_ITERATIONS], Math.sqrt(rr), 1e-8);
        double[] xh = new double[problem.size()];
        backend.download(x, xh);
        Fixtures.checkSame("recursive vs true residual", Fixtures.relativeResidual(problem.matrix(), problem.rhs(), xh),
                Math.sqrt(rr) / bNorm, 1e-6);
        restartBelow = 1e-16 * bNorm * bNorm;
    }

    @Setup(Level.Iteration)
    public void restart() {
        backend.fill(x, 0.0);
        backend.copy(b, r);
        rr = backend.dot(r, r);
        rz = m == null ? rr : m.applyDot(r, z);
        backend.copy(z, p);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (m != null) {
            m.close();
        }
        a.close();
        backend.close();
    }

    @Benchmark
    public double iteration() {
        double pq = backend.applyDot(a, p, q);
        double alpha = rz / pq;
        rr = backend.cgUpdate(alpha, p, q, x, r);
        double rzNext = m == null ? rr : m.applyDot(r, z);
        double beta = rzNext / rz;
        rz = rzNext;
        backend.cgDirection(z, beta, p);
        if (rr < restartBelow) {
            restart();
        }
        return rr;
    }
}
