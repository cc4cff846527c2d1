package dev.solvent.jmh;

import dev.solvent.backend.Backend;
import dev.solvent.backend.Backends;
import dev.solvent.backend.BoundOperator;
import dev.solvent.backend.ReferenceBackend;
import dev.solvent.backend.Vector;
import dev.solvent.gen.Problem;
import dev.solvent.precond.BoundPreconditioner;
import dev.solvent.precond.Preconditioner;
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
 * One application {@code z = M^-1 r} (with {@code r . z}) of a recurrence preconditioner on 3D
 * Poisson (CSR) through the CPU backend, at 1 and 2 threads: IC(0) and MIC(0) (the two
 * triangular solves, level-scheduled), natural SSOR (level-scheduled) and multicolour SSOR. The
 * speed-up from 1 to 2 threads is the measure of the scheduling. Setup (factorisation, schedule)
 * is outside the timing.
 *
 * <p>Bytes per apply, n rows: IC(0)/MIC(0) {@code 2 (12 nnz(L - D) + 4n) + 48n}, for 7-point
 * Poisson {@code 2 (36n + 4n) + 48n = 128n}; SSOR {@code 2 (12 nnz + 4n) + 48n}, a pass over A per
 * sweep, about {@code 224n}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class PreconditionerApplyBenchmark {

    @Param({"128"})
    public int grid;

    @Param({"ic0", "ssor"})
    public String pc;

    @Param({"1", "2"})
    public int threads;

    private Backend backend;
    private BoundOperator a;
    private BoundPreconditioner m;
    private Vector r;
    private Vector z;

    @Setup(Level.Trial)
    public void setUp() {
        Problem problem = Fixtures.poisson(grid);
        backend = Backends.cpu(threads);
        a = backend.bind(problem.matrix());
        Preconditioner p = Solvers.preconditioner(pc, SolverOptions.defaults());
        m = p.setup(a, backend);
        double[] rh = Fixtures.randomVector(problem.size(), 11);
        r = backend.wrap(rh);
        z = backend.allocate(problem.size());
        verify(problem, p, rh);
    }

    /** z and r . z against the single-threaded reference backend's sequential recurrences, to rounding. */
    private void verify(Problem problem, Preconditioner p, double[] rh) {
        double rz = m.applyDot(r, z);
        double[] got = new double[problem.size()];
        backend.download(z, got);
        try (ReferenceBackend ref = new ReferenceBackend()) {
            BoundOperator ra = ref.bind(problem.matrix());
            try (BoundPreconditioner rm = p.setup(ra, ref)) {
                double[] want = new double[problem.size()];
                double rzRef = rm.applyDot(ref.wrap(rh.clone()), ref.wrap(want));
                Fixtures.checkClose(pc + " z vs the reference backend", want, got, 1e-11);
                Fixtures.checkSame(pc + " r.z vs the reference backend", rzRef, rz, 1e-11);
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        m.close();
        a.close();
        backend.close();
    }

    @Benchmark
    public double apply() {
        return m.applyDot(r, z);
    }
}
