package dev.solvent.jmh;

import dev.solvent.gen.Problem;
import java.util.concurrent.TimeUnit;
import org.apache.commons.math3.exception.MaxCountExceededException;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.ConjugateGradient;
import org.apache.commons.math3.linear.JacobiPreconditioner;
import org.apache.commons.math3.linear.RealLinearOperator;
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
 * Commons Math's {@code ConjugateGradient} on the same systems as {@link SolveBenchmark}. Commons
 * Math has no CSR matrix, so the operator is {@link CommonsMathCsrOperator}: our CSR arrays behind
 * a plain single-threaded Java loop. Its stopping rule, ||r|| &lt;= delta ||b||, is ours with
 * delta = rtol. Preconditioners: none, or Commons Math's own {@code JacobiPreconditioner} built
 * from the same diagonal (it has no SSOR or incomplete Cholesky).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class CommonsMathSolveBenchmark {

    @Param({"64"})
    public int grid;

    @Param({"none", "jacobi"})
    public String pc;

    /** 0: solve to rtol 1e-8; otherwise run exactly this many iterations. */
    @Param({"0"})
    public int cap;

    private Problem problem;
    private CommonsMathCsrOperator a;
    private RealLinearOperator m;
    private ArrayRealVector b;
    private ArrayRealVector x;
    private ConjugateGradient cg;

    @Setup(Level.Trial)
    public void setUp() {
        problem = Fixtures.poisson(grid);
        a = new CommonsMathCsrOperator(problem.matrix());
        switch (pc) {
            case "none":
                m = null;
                break;
            case "jacobi":
                m = new JacobiPreconditioner(problem.matrix().diagonal(), true);
                break;
            default:
                throw new IllegalArgumentException("pc must be none or jacobi (Commons Math has no other), got " + pc);
        }
        b = new ArrayRealVector(problem.rhs(), true);
        x = new ArrayRealVector(problem.size());
        // check = false: no extra positive-definiteness tests beyond what CG itself computes.
        // Commons Math counts the set-up of r0 as an iteration: a limit of cap + 1 allows exactly cap
        // updates of x (checked against our CG in verify).
        cg = new ConjugateGradient(cap == 0 ? 100_000 : cap + 1, cap == 0 ? Fixtures.RTOL : 0.0, false);
        verify();
    }

    private void verify() {
        int iterations = run();
        double rel = Fixtures.relativeResidual(problem.matrix(), problem.rhs(), x.getDataRef());
        String what = "Commons Math cg/" + pc + " on " + grid + "^3";
        if (cap == 0) {
            Fixtures.checkConverged(what + " after " + iterations + " iterations", rel, Fixtures.RTOL);
        } else {
            if (iterations != cap) {
                throw new IllegalStateException(what + " ran " + iterations + " iterations, not " + cap);
            }
            Fixtures.checkAgainstReferenceCg(what, problem, pc, cap, rel);
        }
    }

    /** One solve from x = 0, in place; returns the iterations. Reaching a cap ends a capped run. */
    private int run() {
        x.set(0.0);
        try {
            if (m == null) {
                cg.solveInPlace(a, b, x);
            } else {
                cg.solveInPlace(a, m, b, x);
            }
        } catch (MaxCountExceededException e) {
            if (cap == 0) {
                throw new IllegalStateException("Commons Math CG did not converge: " + e.getMessage(), e);
            }
            return cap;
        }
        // Less the set-up of r0, which Commons Math counts as the first iteration.
        return cg.getIterationManager().getIterations() - 1;
    }

    @Benchmark
    public ArrayRealVector solve(IterationCounter counter) {
        counter.iterations += run();
        return x;
    }
}
