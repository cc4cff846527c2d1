package dev.solvent.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solvent.backend.cpu.BoundStencil;
import dev.solvent.backend.cpu.ParallelCpuBackend;
import dev.solvent.backend.cpu.ParallelCsr;
import dev.solvent.matrix.CsrMatrix;
import dev.solvent.matrix.LinearOperator;
import dev.solvent.matrix.Stencil7Operator;
import dev.solvent.order.Ordering;
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
 * Ginkgo's ApplyIsEquivalentToRef for the parallel CPU backend: every kernel on the same random
 * inputs as the reference backend. Element-wise outputs must agree bit for bit (both compute the
 * same expressions); reductions, whose summation order depends on the split, to 1e-12 relative
 * to {@code sum |terms|}, the scale of their rounding error (a plain relative error would be
 * meaningless for a dot product that cancels to nearly zero). The recurrences (SOR, SSOR, the
 * triangular solves) are level-scheduled on the parallel backend and divide by the diagonal once at
 * setup, so they agree with the reference's row-by-row recurrences to rounding (1e-12 of the
 * vector's largest entry); the multicolour kernels agree with the reference's sequential
 * colour-ordered sweep to rounding.
 *
 * <p>The backends under test use grain 1, so that even the smallest inputs are split over every
 * thread; sizes cover n = 1, n below the thread count, n not divisible by it, and n not a
 * multiple of the 8-double alignment.
 */
@Timeout(120)
class ParallelCpuConformanceTest {

    static final int[] THREADS = {1, 2, 3, 7};
    static final int[] SIZES = {1, 2, 5, 8, 13, 100, 1001};
    static final double TOL = 1e-12;

    private static final Map<Integer, ParallelCpuBackend> BACKENDS = new ConcurrentHashMap<>();
    private static final ReferenceBackend REF = new ReferenceBackend();

    static ParallelCpuBackend cpu(int threads) {
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

    static void assertReduction(double expected, double actual, double scale, String what) {
        assertTrue(Math.abs(expected - actual) <= TOL * scale,
                what + ": reference " + expected + ", parallel " + actual + " (scale " + scale + ")");
    }

    static double absDot(double[] a, double[] b) {
        double s = 0.0;
        for (int i = 0; i < a.length; i++) {
            s += Math.abs(a[i] * b[i]);
        }
        return s;
    }

    @ParameterizedTest(name = "threads={0}, n={1}")
    @MethodSource("threadsAndSizes")
    void vectorKernelsMatchReference(int threads, int n) {
        ParallelCpuBackend cpu = cpu(threads);
        Random rnd = new Random(31L * n + threads);
        double[] x = RandomProblems.vector(rnd, n);
        double[] y = RandomProblems.vector(rnd, n);
        double[] z = RandomProblems.vector(rnd, n);
        double[] w = RandomProblems.vector(rnd, n);
        double alpha = 0.37;

        // fill and copy
        double[] a1 = y.clone();
        double[] a2 = y.clone();
        REF.fill(REF.wrap(a1), -2.5);
        cpu.fill(cpu.wrap(a2), -2.5);
        assertArrayEquals(a1, a2, "fill");
        a1 = y.clone();
        a2 = y.clone();
        REF.copy(REF.wrap(x), REF.wrap(a1));
        cpu.copy(cpu.wrap(x), cpu.wrap(a2));
        assertArrayEquals(a1, a2, "copy");
        assertArrayEquals(x, a2, "copy");

        // dot
        assertReduction(REF.dot(REF.wrap(x), REF.wrap(y)), cpu.dot(cpu.wrap(x), cpu.wrap(y)), absDot(x, y), "dot");

        // axpy, scale, cgDirection: element-wise, exact
        a1 = y.clone();
        a2 = y.clone();
        REF.axpy(alpha, REF.wrap(x), REF.wrap(a1));
        cpu.axpy(alpha, cpu.wrap(x), cpu.wrap(a2));
        assertArrayEquals(a1, a2, "axpy");
        a1 = y.clone();
        a2 = y.clone();
        REF.scale(alpha, REF.wrap(a1));
        cpu.scale(alpha, cpu.wrap(a2));
        assertArrayEquals(a1, a2, "scale");
        a1 = y.clone();
        a2 = y.clone();
        REF.cgDirection(REF.wrap(z), -1.3, REF.wrap(a1));
        cpu.cgDirection(cpu.wrap(z), -1.3, cpu.wrap(a2));
        assertArrayEquals(a1, a2, "cgDirection");

        // cgUpdate: x and r exact, r.r to rounding
        double[] x1 = z.clone();
        double[] x2 = z.clone();
        double[] r1 = w.clone();
        double[] r2 = w.clone();
        double s1 = REF.cgUpdate(alpha, REF.wrap(x), REF.wrap(y), REF.wrap(x1), REF.wrap(r1));
        double s2 = cpu.cgUpdate(alpha, cpu.wrap(x), cpu.wrap(y), cpu.wrap(x2), cpu.wrap(r2));
        assertArrayEquals(x1, x2, "cgUpdate x");
        assertArrayEquals(r1, r2, "cgUpdate r");
        assertReduction(s1, s2, absDot(r1, r1), "cgUpdate r.r");

        // diagonalScaleDot
        double[] zz1 = new double[n];
        double[] zz2 = new double[n];
        s1 = REF.diagonalScaleDot(REF.wrap(x), REF.wrap(y), REF.wrap(zz1));
        s2 = cpu.diagonalScaleDot(cpu.wrap(x), cpu.wrap(y), cpu.wrap(zz2));
        assertArrayEquals(zz1, zz2, "diagonalScaleDot z");
        assertReduction(s1, s2, absDot(y, zz1), "diagonalScaleDot r.z");

        // A reduction is deterministic for a given thread count.
        assertEquals(Double.doubleToLongBits(cpu.dot(cpu.wrap(x), cpu.wrap(z))),
                Double.doubleToLongBits(cpu.dot(cpu.wrap(x), cpu.wrap(z))), "dot is deterministic");
    }

    @ParameterizedTest(name = "threads={0}, n={1}")
    @MethodSource("threadsAndSizes")
    void csrKernelsMatchReference(int threads, int n) {
        ParallelCpuBackend cpu = cpu(threads);
        Random rnd = new Random(1009L * n + threads);
        // Irregular rows, some empty, row n/2 full.
        CsrMatrix a = RandomProblems.sparse(rnd, n, n, false, n / 2);
        checkOperator(cpu, a, rnd);
        // Rectangular apply (more columns than rows, and fewer).
        CsrMatrix wide = RandomProblems.sparse(rnd, n, n + 3, false, 0);
        checkApply(cpu, wide, rnd);
        CsrMatrix tall = RandomProblems.sparse(rnd, n + 5, n, false, n);
        checkApply(cpu, tall, rnd);
    }

    /** y = A x on both backends: bit for bit. */
    private static void checkApply(ParallelCpuBackend cpu, LinearOperator a, Random rnd) {
        double[] x = RandomProblems.vector(rnd, a.cols());
        double[] y1 = RandomProblems.vector(rnd, a.rows());
        double[] y2 = y1.clone();
        REF.apply(REF.bind(a), REF.wrap(x), REF.wrap(y1));
        cpu.apply(cpu.bind(a), cpu.wrap(x), cpu.wrap(y2));
        assertArrayEquals(y1, y2, "apply " + a);
    }

    /** apply, applyDot and residual of a square operator against the reference backend. */
    private static void checkOperator(ParallelCpuBackend cpu, LinearOperator a, Random rnd) {
        int n = a.rows();
        BoundOperator ra = REF.bind(a);
        BoundOperator ca = cpu.bind(a);
        checkApply(cpu, a, rnd);

        double[] p = RandomProblems.vector(rnd, n);
        double[] q1 = new double[n];
        double[] q2 = RandomProblems.vector(rnd, n);
        double d1 = REF.applyDot(ra, REF.wrap(p), REF.wrap(q1));
        double d2 = cpu.applyDot(ca, cpu.wrap(p), cpu.wrap(q2));
        assertArrayEquals(q1, q2, "applyDot q");
        assertReduction(d1, d2, absDot(p, q1), "applyDot p.q");

        double[] b = RandomProblems.vector(rnd, n);
        double[] x = RandomProblems.vector(rnd, n);
        double[] r1 = new double[n];
        double[] r2 = RandomProblems.vector(rnd, n);
        double s1 = REF.residual(ra, REF.wrap(b), REF.wrap(x), REF.wrap(r1));
        double s2 = cpu.residual(ca, cpu.wrap(b), cpu.wrap(x), cpu.wrap(r2));
        assertArrayEquals(r1, r2, "residual r");
        assertReduction(s1, s2, absDot(r1, r1), "residual r.r");
    }

    /** Entry-wise agreement to {@code tol} times the largest magnitude of {@code expected}. */
    static void assertCloseVectors(double[] expected, double[] actual, double tol, String what) {
        double scale = 0.0;
        for (double e : expected) {
            scale = Math.max(scale, Math.abs(e));
        }
        for (int i = 0; i < expected.length; i++) {
            assertTrue(Math.abs(expected[i] - actual[i]) <= tol * scale, what + ": entry " + i + " reference "
                    + expected[i] + ", parallel " + actual[i] + " (scale " + scale + ")");
        }
    }

    /** The recurrences on one matrix: natural SOR and SSOR, the triangular solve, the multicolour kernels. */
    static void checkRecurrences(ParallelCpuBackend cpu, CsrMatrix a, Random rnd) {
        int n = a.rows();
        BoundOperator ra = REF.bind(a);
        BoundOperator ca = cpu.bind(a);
        double[] b = RandomProblems.vector(rnd, n);
        double[] x0 = RandomProblems.vector(rnd, n);
        for (SweepDirection dir : SweepDirection.values()) {
            double[] x1 = x0.clone();
            double[] x2 = x0.clone();
            REF.sorSweep(ra, REF.wrap(b), REF.wrap(x1), 1.3, dir);
            cpu.sorSweep(ca, cpu.wrap(b), cpu.wrap(x2), 1.3, dir);
            assertCloseVectors(x1, x2, TOL, "sorSweep " + dir);
            x1 = x0.clone();
            x2 = x0.clone();
            REF.sorSweep(ra, REF.wrap(b), REF.wrap(x1), 1.3, dir, Ordering.MULTICOLOUR);
            cpu.sorSweep(ca, cpu.wrap(b), cpu.wrap(x2), 1.3, dir, Ordering.MULTICOLOUR);
            assertCloseVectors(x1, x2, TOL, "multicolour sorSweep " + dir);
        }
        double[] z1 = new double[n];
        double[] z2 = RandomProblems.vector(rnd, n);
        double s1 = REF.ssorApplyDot(ra, REF.wrap(b), REF.wrap(z1), 1.2);
        double s2 = cpu.ssorApplyDot(ca, cpu.wrap(b), cpu.wrap(z2), 1.2);
        assertCloseVectors(z1, z2, TOL, "ssorApplyDot z");
        assertReduction(s1, s2, absDot(b, z1), "ssorApplyDot r.z");
        z1 = new double[n];
        z2 = RandomProblems.vector(rnd, n);
        s1 = REF.ssorApplyDot(ra, REF.wrap(b), REF.wrap(z1), 1.2, Ordering.MULTICOLOUR);
        s2 = cpu.ssorApplyDot(ca, cpu.wrap(b), cpu.wrap(z2), 1.2, Ordering.MULTICOLOUR);
        assertCloseVectors(z1, z2, TOL, "multicolour ssorApplyDot z");
        assertReduction(s1, s2, absDot(b, z1), "multicolour ssorApplyDot r.z");

        CsrMatrix lower = a.lowerTriangle();
        z1 = new double[n];
        z2 = RandomProblems.vector(rnd, n);
        s1 = REF.choleskySolveDot(REF.bind(lower), REF.wrap(b), REF.wrap(z1));
        s2 = cpu.choleskySolveDot(cpu.bindTriangularFactor(lower), cpu.wrap(b), cpu.wrap(z2));
        assertCloseVectors(z1, z2, TOL, "choleskySolveDot z");
        assertReduction(s1, s2, absDot(b, z1), "choleskySolveDot r.z");
        // A factor bound as a plain matrix is solved row by row, exactly as the reference does.
        double[] z3 = new double[n];
        double s3 = cpu.choleskySolveDot(cpu.bind(lower), cpu.wrap(b), cpu.wrap(z3));
        assertArrayEquals(z1, z3, "choleskySolveDot z, factor bound by bind");
        assertEquals(Double.doubleToLongBits(s1), Double.doubleToLongBits(s3), "choleskySolveDot r.z, factor bound by bind");
    }

    @ParameterizedTest(name = "threads={0}, n={1}")
    @MethodSource("threadsAndSizes")
    void scheduledRecurrencesEqualTheReference(int threads, int n) {
        checkRecurrences(cpu(threads), RandomProblems.sparse(new Random(7919L * n + threads), n, n, true, n / 2),
                new Random(n));
    }

    /** Grids, where the natural ordering's blocks are grid lines and levels hold many of them. */
    @ParameterizedTest(name = "threads={0}, grid {1}x{2}x{3}")
    @MethodSource("threadsAndGrids")
    void scheduledRecurrencesEqualTheReferenceOnGrids(int threads, int nx, int ny, int nz) {
        CsrMatrix a = Stencil7Operator.poisson(nx, ny, nz).toCsr();
        checkRecurrences(cpu(threads), a, new Random(nx * 31L + ny * 7L + nz));
        if (nx == 10 && threads <= 3) {
            // 576 grid lines: blocks of whole lines (runs of them) on 2 and 3 threads, levels split over
            // the threads (grain 1); on one thread the whole matrix is one block, the plain sweep.
            Map<String, Object> report = cpu(threads).prepareRelaxation(cpu(threads).bind(a), Ordering.NATURAL);
            String blocks = (String) report.get("blocks");
            assertTrue(blocks.endsWith("runs of consecutive rows"), report.toString());
            int count = Integer.parseInt(blocks.substring(0, blocks.indexOf(' ')));
            int levels = (Integer) report.get("levels");
            if (threads == 1) {
                assertEquals(1, count, report.toString());
                assertEquals(1, levels);
                assertEquals(0, report.get("parallelLevels"));
            } else {
                assertTrue(count > 1 && 576 % count == 0, "blocks of whole lines: " + report);
                assertTrue(levels > 1, report.toString());
                assertTrue((Integer) report.get("parallelLevels") >= 1, report.toString());
            }
        }
    }

    static Stream<Arguments> threadsAndGrids() {
        int[][] grids = {{1, 1, 1}, {1, 5, 3}, {7, 1, 2}, {5, 4, 3}, {2, 2, 9}, {9, 8, 7}, {16, 12, 11}, {10, 24, 24}};
        List<Arguments> cases = new ArrayList<>();
        for (int t : THREADS) {
            for (int[] g : grids) {
                cases.add(Arguments.of(t, g[0], g[1], g[2]));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "threads={0}, grid={1}x{2}x{3}")
    @MethodSource("threadsAndGrids")
    void stencilMatchesReferenceAndAssembledMatrix(int threads, int nx, int ny, int nz) {
        ParallelCpuBackend cpu = cpu(threads);
        Random rnd = new Random(nx + 100L * ny + 10_000L * nz + threads);
        Stencil7Operator st = new Stencil7Operator(nx, ny, nz, 6.5, -1.1, -0.7, -1.3);
        BoundOperator bound = cpu.bind(st);
        assertTrue(bound instanceof BoundStencil, "a stencil is bound as a stencil, not assembled");
        // Against the reference backend, which applies the stencil operator itself.
        checkOperator(cpu, st, rnd);

        // Against the same operator assembled: equal up to the rounding of a different summation order.
        CsrMatrix assembled = st.toCsr();
        int n = st.rows();
        double[] x = RandomProblems.vector(rnd, n);
        double[] y = new double[n];
        cpu.apply(bound, cpu.wrap(x), cpu.wrap(y));
        int[] rp = assembled.rowPtr();
        int[] ci = assembled.colIdx();
        double[] v = assembled.values();
        for (int i = 0; i < n; i++) {
            double s = 0.0;
            double scale = 0.0;
            for (int k = rp[i]; k < rp[i + 1]; k++) {
                s += v[k] * x[ci[k]];
                scale += Math.abs(v[k] * x[ci[k]]);
            }
            assertTrue(Math.abs(s - y[i]) <= TOL * scale, "row " + i + ": assembled " + s + ", stencil " + y[i]);
        }
        double[] q = new double[n];
        double pq = cpu.applyDot(bound, cpu.wrap(x), cpu.wrap(q));
        double pqAssembled = REF.applyDot(REF.bind(assembled), REF.wrap(x), REF.wrap(new double[n]));
        assertReduction(pqAssembled, pq, 10 * absDot(x, q), "stencil applyDot vs assembled");
    }

    @ParameterizedTest(name = "threads={0}, n={1}")
    @MethodSource("threadsAndSizes")
    void otherOperatorsFallBackToTheirOwnApply(int threads, int n) {
        ParallelCpuBackend cpu = cpu(threads);
        Random rnd = new Random(17L * n + threads);
        double[] d = RandomProblems.vector(rnd, n);
        // A tridiagonal operator that is neither a CsrMatrix nor a stencil.
        LinearOperator op = new LinearOperator() {
            @Override
            public int rows() {
                return n;
            }

            @Override
            public int cols() {
                return n;
            }

            @Override
            public void apply(double[] x, double[] y) {
                for (int i = 0; i < n; i++) {
                    double s = d[i] * x[i];
                    if (i > 0) {
                        s -= x[i - 1];
                    }
                    if (i < n - 1) {
                        s -= x[i + 1];
                    }
                    y[i] = s;
                }
            }
        };
        checkOperator(cpu, op, rnd);
    }

    @Test
    void defaultGrainOnLargeVectorsMatchesReference() {
        Random rnd = new Random(99);
        int n = 50_003;
        CsrMatrix a = RandomProblems.sparse(rnd, n, n, false, 17);
        for (int threads : new int[] {2, 3}) {
            try (ParallelCpuBackend cpu = new ParallelCpuBackend(threads)) {
                checkOperator(cpu, a, rnd);
                double[] x = RandomProblems.vector(rnd, n);
                double[] y = RandomProblems.vector(rnd, n);
                assertReduction(REF.dot(REF.wrap(x), REF.wrap(y)), cpu.dot(cpu.wrap(x), cpu.wrap(y)),
                        absDot(x, y), "dot");
                double[] x1 = x.clone();
                double[] x2 = x.clone();
                double[] r1 = y.clone();
                double[] r2 = y.clone();
                double s1 = REF.cgUpdate(0.5, REF.wrap(y), REF.wrap(x), REF.wrap(x1), REF.wrap(r1));
                double s2 = cpu.cgUpdate(0.5, cpu.wrap(y), cpu.wrap(x), cpu.wrap(x2), cpu.wrap(r2));
                assertArrayEquals(x1, x2);
                assertArrayEquals(r1, r2);
                assertReduction(s1, s2, absDot(r1, r1), "cgUpdate");
                Stencil7Operator st = new Stencil7Operator(40, 30, 20, 6.0, -1.0, -1.0, -1.0);
                checkOperator(cpu, st, rnd);
            }
        }
    }

    @Test
    void rowSplitIsBalancedOnNonzerosAndCoversEveryRow() {
        Random rnd = new Random(5);
        int n = 4000;
        CsrMatrix a = RandomProblems.sparse(rnd, n, n, false, 1234);
        ParallelCpuBackend cpu = cpu(3);
        ParallelCsr bound = (ParallelCsr) cpu.bind(a);
        int[] split = bound.rowSplit();
        assertEquals(4, split.length);
        assertEquals(0, split[0]);
        assertEquals(n, split[3]);
        int[] rp = a.rowPtr();
        long total = (long) rp[n] + n;
        long maxRowCost = 0;
        for (int i = 0; i < n; i++) {
            maxRowCost = Math.max(maxRowCost, rp[i + 1] - rp[i] + 1);
        }
        for (int w = 0; w < 3; w++) {
            assertTrue(split[w] <= split[w + 1], "split is monotone");
            if (w > 0) {
                assertEquals(0, split[w] % 8, "interior boundaries are 8-row aligned");
            }
            long cost = (long) rp[split[w + 1]] + split[w + 1] - rp[split[w]] - split[w];
            // Within one target share, plus the row straddling the target, plus 4 rows of rounding each side.
            assertTrue(cost <= total / 3 + maxRowCost + 8 * maxRowCost,
                    "worker " + w + " has cost " + cost + " of " + total);
        }
    }

    @Test
    void wrapAliasesUploadAndDownloadCopy() {
        ParallelCpuBackend cpu = cpu(2);
        assertTrue(cpu.isHost());
        double[] data = {1, 2, 3};
        Vector wrapped = cpu.wrap(data);
        cpu.scale(2.0, wrapped);
        assertArrayEquals(new double[] {2, 4, 6}, data, "wrap writes through to the caller's array");
        Vector uploaded = cpu.upload(data);
        cpu.fill(uploaded, 0.0);
        assertArrayEquals(new double[] {2, 4, 6}, data, "upload copies");
        double[] out = new double[3];
        cpu.download(wrapped, out);
        assertArrayEquals(data, out);
        assertArrayEquals(new double[5], HostVector.of(cpu.allocate(5)), "allocate gives zeros");
        assertThrows(IllegalArgumentException.class, () -> cpu.download(wrapped, new double[2]));
    }

    @Test
    void misuseIsRejected() {
        ParallelCpuBackend cpu = cpu(2);
        CsrMatrix a = RandomProblems.sparse(new Random(1), 10, 10, true, 3);
        BoundOperator ca = cpu.bind(a);
        double[] x = new double[10];
        assertThrows(IllegalArgumentException.class, () -> cpu.dot(cpu.wrap(x), cpu.wrap(new double[9])));
        assertThrows(IllegalArgumentException.class, () -> cpu.apply(ca, cpu.wrap(x), cpu.wrap(new double[9])));
        assertThrows(IllegalArgumentException.class, () -> cpu.apply(ca, cpu.wrap(x), cpu.wrap(x)));
        assertThrows(IllegalArgumentException.class, () -> cpu.apply(REF.bind(a), cpu.wrap(x), cpu.wrap(new double[10])));
        assertThrows(IllegalArgumentException.class, () -> cpu.apply(cpu(3).bind(a), cpu.wrap(x), cpu.wrap(new double[10])));
        BoundOperator stencil = cpu.bind(Stencil7Operator.poisson(2, 2, 2));
        assertThrows(UnsupportedOperationException.class,
                () -> cpu.sorSweep(stencil, cpu.wrap(new double[8]), cpu.wrap(new double[8]), 1.0, SweepDirection.FORWARD));
    }
}
