package dev.solvent.jmh;

import dev.solvent.backend.Backend;
import dev.solvent.backend.Backends;
import dev.solvent.backend.BoundOperator;
import dev.solvent.backend.Vector;
import dev.solvent.gen.Problem;
import dev.solvent.matrix.LinearOperator;
import dev.solvent.matrix.Stencil7Operator;
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
 * {@code y = A x} through the CPU backend ({@code backend.apply}) on the 3D Poisson matrix, as an
 * assembled {@code CsrMatrix} or as the matrix-free 7-point stencil. The report turns the time into
 * effective GB/s from the bytes that must move: CSR {@code 12 nnz + 4 (n + 1) + 16 n} (values,
 * column indices, row pointers, x once, y once), stencil {@code 16 n}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class SpmvBenchmark {

    /** Grid points per side: n = grid^3 unknowns. */
    @Param({"64", "128"})
    public int grid;

    /** {@code csr} (assembled) or {@code stencil} (matrix-free). */
    @Param({"csr", "stencil"})
    public String operator;

    @Param({"2"})
    public int threads;

    private Backend backend;
    private BoundOperator bound;
    private Vector x;
    private Vector y;

    @Setup(Level.Trial)
    public void setUp() {
        Problem problem = Fixtures.poisson(grid);
        LinearOperator op;
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
        bound = backend.bind(op);
        double[] xs = Fixtures.randomVector(problem.size(), 42);
        double[] ys = new double[problem.size()];
        x = backend.wrap(xs);
        y = backend.wrap(ys);
        backend.apply(bound, x, y);
        Fixtures.checkClose(operator + " SpMV on " + grid + "^3", Fixtures.multiply(problem.matrix(), xs), ys, 1e-13);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        bound.close();
        backend.close();
    }

    @Benchmark
    public Vector apply() {
        backend.apply(bound, x, y);
        return y;
    }
}
