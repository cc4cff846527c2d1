package dev.solvent.jmh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.solvent.backend.SequentialKernels;
import dev.solvent.gen.Generators;
import dev.solvent.gen.Problem;
import dev.solvent.matrix.CsrMatrix;
import no.uib.cipr.matrix.DenseVector;
import no.uib.cipr.matrix.sparse.CompRowMatrix;
import no.uib.cipr.matrix.sparse.SSOR;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.junit.jupiter.api.Test;

/**
 * Runs the peer benchmarks' set-up (which holds the answer checks) and one invocation on small
 * grids, so the normal build exercises them; and checks the adapters the comparison rests on. No
 * timing is asserted.
 */
class PeerBenchmarkTest {

    @Test
    void peerSpmvChecksItsAnswers() {
        PeerSpmvBenchmark p = new PeerSpmvBenchmark();
        p.grid = 9;
        p.setUp();
        p.mtj();
        p.plainJavaCsr();
    }

    @Test
    void mtjSolvesConvergeAndCappedSolvesRunExactlyTheCap() {
        for (String pc : new String[] {"none", "jacobi", "ssor", "ic0"}) {
            for (int cap : new int[] {0, 7}) {
                MtjSolveBenchmark m = new MtjSolveBenchmark();
                m.grid = 10;
                m.pc = pc;
                m.cap = cap;
                m.setUp();
                IterationCounter c = new IterationCounter();
                m.solve(c);
                if (cap > 0) {
                    assertEquals(cap, c.iterations, pc);
                }
            }
        }
    }

    @Test
    void commonsMathSolvesConvergeAndCappedSolvesRunExactlyTheCap() {
        for (String pc : new String[] {"none", "jacobi"}) {
            for (int cap : new int[] {0, 7}) {
                CommonsMathSolveBenchmark cm = new CommonsMathSolveBenchmark();
                cm.grid = 10;
                cm.pc = pc;
                cm.cap = cap;
                cm.setUp();
                IterationCounter c = new IterationCounter();
                cm.solve(c);
                if (cap > 0) {
                    assertEquals(cap, c.iterations, pc);
                }
            }
        }
    }

    @Test
    void mtjCopyAndCommonsMathWrapperMultiplyLikeTheCsrMatrix() {
        Problem p = Generators.poisson3d(5, 6, 7);
        CsrMatrix a = p.matrix();
        double[] x = Fixtures.randomVector(a.rows(), 3);
        double[] expected = new double[a.rows()];
        a.apply(x, expected);
        CompRowMatrix m = Fixtures.toMtj(a);
        DenseVector y = new DenseVector(a.rows());
        m.mult(new DenseVector(x), y);
        Fixtures.checkClose("mtj", expected, y.getData(), 1e-15);
        double[] cm = new CommonsMathCsrOperator(a).operate(new ArrayRealVector(x)).toArray();
        Fixtures.checkClose("commons math", expected, cm, 1e-15);
    }

    @Test
    void zeroStartSsorIsOurSsorPreconditioner() {
        Problem p = Generators.poisson3d(6);
        CsrMatrix a = p.matrix();
        CompRowMatrix m = Fixtures.toMtj(a);
        MtjSolveBenchmark.ZeroStartSsor ssor = new MtjSolveBenchmark.ZeroStartSsor(new SSOR(m, true, 1.0, 1.0));
        ssor.setMatrix(m);
        double[] r = Fixtures.randomVector(a.rows(), 5);
        // Garbage in z: the wrapper must not depend on it.
        DenseVector z = new DenseVector(Fixtures.randomVector(a.rows(), 6));
        ssor.apply(new DenseVector(r), z);
        int[] diag = new int[a.rows()];
        for (int i = 0; i < a.rows(); i++) {
            diag[i] = java.util.Arrays.binarySearch(a.colIdx(), a.rowPtr()[i], a.rowPtr()[i + 1], i);
        }
        double[] ours = new double[a.rows()];
        SequentialKernels.ssorApplyDot(a.rowPtr(), a.colIdx(), a.values(), diag, r, ours, 1.0);
        Fixtures.checkClose("SSOR preconditioner", ours, z.getData(), 1e-13);
    }

    @Test
    void checksThrowOnWrongAnswers() {
        assertThrows(IllegalStateException.class,
                () -> Fixtures.checkClose("x", new double[] {1, 2}, new double[] {1, 2.001}, 1e-6));
        assertThrows(IllegalStateException.class, () -> Fixtures.checkConverged("x", 2e-8, 1e-8));
        assertThrows(IllegalStateException.class, () -> Fixtures.checkConverged("x", Double.NaN, 1e-8));
        assertThrows(IllegalStateException.class, () -> Fixtures.checkSame("x", 1.0, 1.1, 1e-6));
    }

    @Test
    void nonzeroFormulaMatchesTheGenerator() {
        for (int g : new int[] {1, 2, 5, 9}) {
            assertEquals(Generators.poisson3d(g).matrix().nnz(), Fixtures.poissonNonzeros(g), "grid " + g);
        }
    }
}
