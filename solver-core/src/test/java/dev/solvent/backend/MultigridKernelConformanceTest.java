package dev.solvent.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.solvent.backend.cpu.ParallelCpuBackend;
import dev.solvent.matrix.CsrMatrix;
import dev.solvent.matrix.LinearOperator;
import dev.solvent.matrix.Stencil7Operator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The multigrid kernels of the SPI ({@code upload} into a vector, {@code applyAdd},
 * {@code smootherStep}): hand-computed values on the reference backend, then the parallel CPU
 * backend against the reference on random inputs, bit for bit (both evaluate the same
 * expressions, and these kernels have no reductions). Rectangular CSR (a prolongator's shape),
 * the matrix-free stencil, an operator without a kernel, and the {@code x = null} and
 * {@code c1 = 0} forms of the smoother step are all covered; grain 1 splits even tiny inputs.
 */
@Timeout(120)
class MultigridKernelConformanceTest {

    private static final int[] THREADS = {1, 2, 3, 7};
    private static final int[] SIZES = {1, 2, 5, 13, 100, 1001};
    private static final Map<Integer, ParallelCpuBackend> BACKENDS = new ConcurrentHashMap<>();
    private static final ReferenceBackend REF = new ReferenceBackend();

    private static ParallelCpuBackend cpu(int threads) {
        return BACKENDS.computeIfAbsent(threads, t -> new ParallelCpuBackend(t, 1));
    }

    @AfterAll
    static void closeBackends() {
        BACKENDS.values().forEach(ParallelCpuBackend::close);
        BACKENDS.clear();
    }

    static Stream<Arguments> threadsAndSizes() {
        List<Arguments> cases = new ArrayList<>();
        for (int t : THREADS) {
            for (int n : SIZES) {
                cases.add(Arguments.of(t, n));
            }
        }
        return cases.stream();
    }

    @Test
    void referenceKernelsGiveHandComputedValues() {
        // A = tridiag(-1, 2, -1) of order 3, b = (1, 0, 1), x = (1, 2, 3), dinv = 1/2.
        CsrMatrix a = CsrMatrix.of(3, 3, new int[] {0, 2, 5, 7}, new int[] {0, 1, 0, 1, 2, 1, 2},
                new double[] {2, -1, -1, 2, -1, -1, 2});
        BoundOperator ra = REF.bind(a);
        // A x = (0, 0, 4): r = b - A x = (1, 0, -3); d = 0.5 d + 1.0 * 0.5 r with d = (2, 2, 2) -> (1.5, 1, -0.5)
        double[] d = {2, 2, 2};
        double[] xOut = new double[3];
        REF.smootherStep(ra, REF.wrap(new double[] {1, 0, 1}), REF.wrap(new double[] {1, 2, 3}),
                REF.wrap(new double[] {0.5, 0.5, 0.5}), 0.5, 1.0, REF.wrap(d), REF.wrap(xOut));
        assertArrayEquals(new double[] {1.5, 1.0, -0.5}, d, 0.0);
        assertArrayEquals(new double[] {2.5, 3.0, 2.5}, xOut, 0.0);
        // x = null: r = b; c1 = 0 ignores the old d (NaN here): d = 2 * 0.5 b = b, xOut = d.
        double[] d2 = {Double.NaN, Double.NaN, Double.NaN};
        REF.smootherStep(ra, REF.wrap(new double[] {1, 0, 1}), null, REF.wrap(new double[] {0.5, 0.5, 0.5}),
                0.0, 2.0, REF.wrap(d2), REF.wrap(xOut));
        assertArrayEquals(new double[] {1, 0, 1}, d2, 0.0);
        assertArrayEquals(new double[] {1, 0, 1}, xOut, 0.0);
        // y += -2 P x with P = [[1, 0], [0.5, 0.5], [0, 1]] (3 x 2), x = (2, 4): P x = (2, 3, 4).
        CsrMatrix p = CsrMatrix.of(3, 2, new int[] {0, 1, 3, 4}, new int[] {0, 0, 1, 1}, new double[] {1, 0.5, 0.5, 1});
        double[] y = {1, 1, 1};
        REF.applyAdd(REF.bind(p), -2.0, REF.wrap(new double[] {2, 4}), REF.wrap(y));
        assertArrayEquals(new double[] {-3, -5, -7}, y, 0.0);
        double[] target = new double[3];
        REF.upload(new double[] {7, 8, 9}, REF.wrap(target));
        assertArrayEquals(new double[] {7, 8, 9}, target, 0.0);
    }

    @ParameterizedTest(name = "threads={0}, n={1}")
    @MethodSource("threadsAndSizes")
    void csrKernelsMatchReference(int threads, int n) {
        ParallelCpuBackend cpu = cpu(threads);
        Random rnd = new Random(7919L * n + threads);
        CsrMatrix square = RandomProblems.sparse(rnd, n, n, true, n / 2);
        checkSmoother(cpu, square, rnd);
        // Rectangular, as a prolongator (tall) and a restriction (wide).
        checkApplyAdd(cpu, square, rnd);
        checkApplyAdd(cpu, RandomProblems.sparse(rnd, n + 4, Math.max(1, n / 3), false, 0), rnd);
        checkApplyAdd(cpu, RandomProblems.sparse(rnd, Math.max(1, n / 3), n + 4, false, 0), rnd);
    }

    @ParameterizedTest(name = "threads={0}")
    @MethodSource("threads")
    void stencilAndOpaqueOperatorsMatchReference(int threads) {
        ParallelCpuBackend cpu = cpu(threads);
        Random rnd = new Random(threads);
        for (int[] g : new int[][] {{1, 1, 1}, {5, 1, 1}, {4, 3, 2}, {9, 7, 5}}) {
            Stencil7Operator s = new Stencil7Operator(g[0], g[1], g[2], 6.5, -1.25, -0.5, -0.75);
            checkSmoother(cpu, s, rnd);
            checkApplyAdd(cpu, s, rnd);
            LinearOperator opaque = new LinearOperator() {
                @Override
                public int rows() {
                    return s.rows();
                }

                @Override
                public int cols() {
                    return s.cols();
                }

                @Override
                public void apply(double[] x, double[] y) {
                    s.apply(x, y);
                }
            };
            checkSmoother(cpu, opaque, rnd);
            checkApplyAdd(cpu, opaque, rnd);
        }
    }

    static Stream<Integer> threads() {
        return java.util.Arrays.stream(THREADS).boxed();
    }

    @Test
    void smootherStepRejectsXAliasingXOut() {
        CsrMatrix a = CsrMatrix.identity(4);
        double[] x = new double[4];
        for (Backend be : new Backend[] {REF, cpu(2)}) {
            Vector xv = be.wrap(x);
            assertThrows(IllegalArgumentException.class, () -> be.smootherStep(be.bind(a), be.wrap(new double[4]), xv,
                    be.wrap(new double[4]), 0.0, 1.0, be.wrap(new double[4]), xv));
        }
        assertThrows(IllegalArgumentException.class, () -> cpu(2).applyAdd(cpu(2).bind(a), 1.0,
                cpu(2).wrap(new double[3]), cpu(2).wrap(new double[4])));
        // Every written vector (d, xOut) must differ from every other argument.
        for (Backend be : new Backend[] {REF, cpu(2)}) {
            double[] b = new double[4];
            double[] dinv = new double[4];
            double[] d = new double[4];
            double[] out = new double[4];
            BoundOperator ba = be.bind(a);
            assertThrows(IllegalArgumentException.class, () -> be.smootherStep(ba, be.wrap(b), null, be.wrap(dinv), 0.0,
                    1.0, be.wrap(d), be.wrap(b)), "xOut = b");
            assertThrows(IllegalArgumentException.class, () -> be.smootherStep(ba, be.wrap(b), null, be.wrap(dinv), 0.0,
                    1.0, be.wrap(dinv), be.wrap(out)), "d = dinv");
            assertThrows(IllegalArgumentException.class, () -> be.smootherStep(ba, be.wrap(b), be.wrap(x), be.wrap(dinv),
                    0.0, 1.0, be.wrap(x), be.wrap(out)), "d = x");
            assertThrows(IllegalArgumentException.class, () -> be.smootherStep(ba, be.wrap(b), null, be.wrap(dinv), 0.0,
                    1.0, be.wrap(d), be.wrap(d)), "xOut = d");
            assertThrows(IllegalArgumentException.class, () -> be.applyAdd(ba, 1.0, be.wrap(x), be.wrap(x)), "y = x");
        }
        ParallelCpuBackend closed = new ParallelCpuBackend(2, 1);
        closed.close();
        assertThrows(IllegalStateException.class, () -> closed.smootherStep(closed.bind(a), closed.wrap(new double[4]),
                null, closed.wrap(new double[4]), 0.0, 1.0, closed.wrap(new double[4]), closed.wrap(new double[4])));
    }

    /** The smoother step with and without x, with c1 = 0 and c1 != 0: every output bit for bit. */
    private static void checkSmoother(ParallelCpuBackend cpu, LinearOperator a, Random rnd) {
        int n = a.rows();
        BoundOperator ra = REF.bind(a);
        BoundOperator ca = cpu.bind(a);
        double[] b = RandomProblems.vector(rnd, n);
        double[] x = RandomProblems.vector(rnd, n);
        double[] dinv = RandomProblems.vector(rnd, n);
        double[] d0 = RandomProblems.vector(rnd, n);
        for (boolean zeroGuess : new boolean[] {false, true}) {
            for (double c1 : new double[] {0.0, 0.6}) {
                String what = a + (zeroGuess ? " x=null" : "") + " c1=" + c1;
                double[] d1 = d0.clone();
                double[] d2 = d0.clone();
                double[] o1 = RandomProblems.vector(rnd, n);
                double[] o2 = RandomProblems.vector(rnd, n);
                REF.smootherStep(ra, REF.wrap(b), zeroGuess ? null : REF.wrap(x), REF.wrap(dinv), c1, 1.7,
                        REF.wrap(d1), REF.wrap(o1));
                cpu.smootherStep(ca, cpu.wrap(b), zeroGuess ? null : cpu.wrap(x), cpu.wrap(dinv), c1, 1.7,
                        cpu.wrap(d2), cpu.wrap(o2));
                assertArrayEquals(d1, d2, "smootherStep d " + what);
                assertArrayEquals(o1, o2, "smootherStep xOut " + what);
            }
        }
    }

    /** y += alpha A x: bit for bit. */
    private static void checkApplyAdd(ParallelCpuBackend cpu, LinearOperator a, Random rnd) {
        double[] x = RandomProblems.vector(rnd, a.cols());
        double[] y1 = RandomProblems.vector(rnd, a.rows());
        double[] y2 = y1.clone();
        REF.applyAdd(REF.bind(a), -0.75, REF.wrap(x), REF.wrap(y1));
        cpu.applyAdd(cpu.bind(a), -0.75, cpu.wrap(x), cpu.wrap(y2));
        assertArrayEquals(y1, y2, "applyAdd " + a);
    }
}
