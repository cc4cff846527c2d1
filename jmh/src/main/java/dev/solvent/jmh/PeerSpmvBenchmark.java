package dev.solvent.jmh;

import dev.solvent.gen.Problem;
import dev.solvent.matrix.CsrMatrix;
import java.util.concurrent.TimeUnit;
import no.uib.cipr.matrix.DenseVector;
import no.uib.cipr.matrix.sparse.CompRowMatrix;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The peers' {@code y = A x} on the same matrix and x as {@link SpmvBenchmark}: MTJ's
 * {@code CompRowMatrix.mult}, and the plain single-threaded CSR loop that the Commons Math
 * benchmarks wrap (Commons Math has no sparse CSR type of its own, so its solvers are fed a
 * {@code RealLinearOperator} over exactly this loop; see {@link CommonsMathCsrOperator}).
 * Both are single-threaded: neither library offers a threaded sparse product.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class PeerSpmvBenchmark {

    @Param({"64", "128"})
    public int grid;

    private CompRowMatrix mtj;
    private DenseVector mx;
    private DenseVector my;
    private CommonsMathCsrOperator plain;
    private double[] x;
    private double[] y;

    @Setup(Level.Trial)
    public void setUp() {
        Problem problem = Fixtures.poisson(grid);
        CsrMatrix a = problem.matrix();
        x = Fixtures.randomVector(problem.size(), 42);
        y = new double[problem.size()];
        double[] expected = Fixtures.multiply(a, x);

        mtj = Fixtures.toMtj(a);
        mx = new DenseVector(x, false);
        my = new DenseVector(problem.size());
        mtj.mult(mx, my);
        Fixtures.checkClose("MTJ SpMV on " + grid + "^3", expected, my.getData(), 1e-13);

        plain = new CommonsMathCsrOperator(a);
        plain.multiply(x, y);
        Fixtures.checkClose("plain Java CSR SpMV on " + grid + "^3", expected, y, 1e-13);
    }

    @Benchmark
    public DenseVector mtj() {
        return (DenseVector) mtj.mult(mx, my);
    }

    /** The loop under the Commons Math wrapper, writing into a preallocated y. */
    @Benchmark
    public double[] plainJavaCsr() {
        plain.multiply(x, y);
        return y;
    }
}
