package dev.solvent.jmh;

import dev.solvent.backend.Backend;
import dev.solvent.backend.Backends;
import dev.solvent.matrix.CsrMatrix;
import dev.solvent.solve.BoundSolver;
import dev.solvent.solve.IterativeSolver;
import dev.solvent.solve.SolverOptions;
import dev.solvent.solve.Solvers;
import java.util.SplittableRandom;
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
 * What a numeric AMG re-setup saves against a fresh setup, on the CPU backend: a CFD code whose
 * pressure matrix changes values but not pattern (variable density, a new time step) calls
 * {@code BoundSolver.resetup}. The matrices alternate between 3D Poisson and {@code D A D} with a
 * random positive diagonal D (the same pattern, other values, still SPD), so every re-setup sees
 * new numbers. Single-shot timing: one setup or one re-setup per measured iteration.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class AmgResetupBenchmark {

    @Param({"128"})
    public int grid;

    @Param({"2"})
    public int threads;

    private CsrMatrix[] matrices;
    private Backend backend;
    private IterativeSolver amg;
    private BoundSolver bound;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        CsrMatrix a = Fixtures.poisson(grid).matrix();
        double[] d = new double[a.rows()];
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < d.length; i++) {
            d[i] = 0.5 + random.nextDouble();
        }
        int[] rp = a.rowPtr();
        int[] ci = a.colIdx();
        double[] v = a.values().clone();
        for (int i = 0; i < a.rows(); i++) {
            for (int k = rp[i]; k < rp[i + 1]; k++) {
                v[k] *= d[i] * d[ci[k]];
            }
        }
        matrices = new CsrMatrix[] {a, a.withValues(v)};
        backend = Backends.cpu(threads);
        amg = Solvers.create("cg", "amg", SolverOptions.defaults().withRtol(Fixtures.RTOL));
        bound = amg.setup(a, backend);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        bound.close();
        backend.close();
    }

    /** A new hierarchy from nothing (strength, aggregates, T, P, R, Galerkin products, coarse factor). */
    @Benchmark
    public Object setup() {
        next ^= 1;
        try (BoundSolver fresh = amg.setup(matrices[next], backend)) {
            return fresh.setupReport();
        }
    }

    /** The same hierarchy's numbers for new values: aggregates, T and every pattern kept. */
    @Benchmark
    public Object resetup() {
        next ^= 1;
        bound.resetup(matrices[next]);
        return bound.setupReport();
    }
}
