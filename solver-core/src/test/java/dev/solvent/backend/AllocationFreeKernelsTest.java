package dev.solvent.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solvent.backend.cpu.ParallelCpuBackend;
import dev.solvent.matrix.CsrMatrix;
import dev.solvent.matrix.Stencil7Operator;
import dev.solvent.order.Ordering;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Kernel calls must allocate nothing, on the caller or on the pool's threads: a CG iteration runs
 * them thousands of times per time step. Measured with HotSpot's per-thread allocation counter
 * over 200 calls of each kernel after warm-up. The bound is a few hundred bytes, not zero, so that
 * a stray allocation by the JIT or the runtime (a deoptimisation, a class-loading path) cannot fail
 * the test; a real per-call allocation (a lambda, a boxed double, a task object) costs at least
 * 16 bytes per call, 3 kB over 200 calls, and does.
 */
@Timeout(120)
class AllocationFreeKernelsTest {

    private static final long BOUND_BYTES = 256;
    private static final int CALLS = 200;

    @ParameterizedTest(name = "threads={0}")
    @ValueSource(ints = {2, 3})
    void kernelsAllocateNothingAfterWarmUp(int threads) {
        java.lang.management.ThreadMXBean plain = ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(plain instanceof com.sun.management.ThreadMXBean,
                "needs com.sun.management.ThreadMXBean (HotSpot)");
        com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) plain;
        Assumptions.assumeTrue(bean.isThreadAllocatedMemorySupported(), "thread allocation counters unsupported");
        if (!bean.isThreadAllocatedMemoryEnabled()) {
            bean.setThreadAllocatedMemoryEnabled(true);
        }

        Random rnd = new Random(threads);
        int n = 6000;
        CsrMatrix a = RandomProblems.spd(rnd, n);
        CsrMatrix lower = a.lowerTriangle();
        Stencil7Operator st = new Stencil7Operator(20, 15, 20, 6.0, -1.0, -1.0, -1.0);
        try (ParallelCpuBackend cpu = new ParallelCpuBackend(threads, 1)) {
            Kit k = new Kit(cpu, a, lower, st, rnd);
            for (int i = 0; i < 150; i++) {
                for (Runnable kernel : k.kernels) {
                    kernel.run();
                }
            }
            List<Long> workerIds = new ArrayList<>();
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (t.getName().startsWith(cpu.pool().name() + "-")) {
                    workerIds.add(t.getId());
                }
            }
            assertEquals(threads - 1, workerIds.size(), "found the pool's threads");
            long[] workersBefore = new long[workerIds.size()];
            for (int i = 0; i < k.kernels.size(); i++) {
                Runnable kernel = k.kernels.get(i);
                long best = Long.MAX_VALUE;
                long bestWorkers = Long.MAX_VALUE;
                // Up to three measurements: one that a JIT event happened to land in does not decide.
                for (int attempt = 0; attempt < 3 && (best >= BOUND_BYTES || bestWorkers >= BOUND_BYTES); attempt++) {
                    for (int w = 0; w < workersBefore.length; w++) {
                        workersBefore[w] = bean.getThreadAllocatedBytes(workerIds.get(w));
                    }
                    long before = bean.getCurrentThreadAllocatedBytes();
                    for (int c = 0; c < CALLS; c++) {
                        kernel.run();
                    }
                    long after = bean.getCurrentThreadAllocatedBytes();
                    long workers = 0;
                    for (int w = 0; w < workersBefore.length; w++) {
                        workers += bean.getThreadAllocatedBytes(workerIds.get(w)) - workersBefore[w];
                    }
                    best = Math.min(best, after - before);
                    bestWorkers = Math.min(bestWorkers, workers);
                }
                String name = k.names.get(i);
                assertTrue(best < BOUND_BYTES, CALLS + " calls of " + name + " allocated " + best
                        + " bytes on the calling thread");
                assertTrue(bestWorkers < BOUND_BYTES, CALLS + " calls of " + name + " allocated " + bestWorkers
                        + " bytes on the pool's threads");
            }
            assertTrue(Double.isFinite(k.sink), "kernels produced finite values");
        }
    }

    /** Every kernel as a Runnable over vectors and operators made before measuring. */
    private static final class Kit {
        final List<Runnable> kernels = new ArrayList<>();
        final List<String> names = new ArrayList<>();
        double sink;

        private void add(String name, Runnable kernel) {
            names.add(name);
            kernels.add(kernel);
        }

        Kit(Backend be, CsrMatrix matrix, CsrMatrix lowerMatrix, Stencil7Operator st, Random rnd) {
            BoundOperator a = be.bind(matrix);
            BoundOperator lower = be.bind(lowerMatrix);
            BoundOperator stencil = be.bind(st);
            int n = matrix.rows();
            Vector x = be.wrap(RandomProblems.vector(rnd, n));
            Vector y = be.wrap(RandomProblems.vector(rnd, n));
            Vector z = be.wrap(RandomProblems.vector(rnd, n));
            Vector d = be.wrap(RandomProblems.vector(rnd, n));
            Vector b = be.wrap(RandomProblems.vector(rnd, n));
            Vector p = be.wrap(RandomProblems.vector(rnd, n));
            Vector q = be.wrap(new double[n]);
            Vector sx = be.wrap(RandomProblems.vector(rnd, st.rows()));
            Vector sy = be.wrap(new double[st.rows()]);
            Vector sb = be.wrap(RandomProblems.vector(rnd, st.rows()));
            add("fill", () -> be.fill(q, 0.5));
            add("copy", () -> be.copy(y, z));
            add("dot", () -> sink += be.dot(x, y));
            add("axpy", () -> be.axpy(1e-3, x, y));
            add("scale", () -> be.scale(1.0, y));
            add("apply (CSR)", () -> be.apply(a, p, q));
            add("applyDot (CSR)", () -> sink += be.applyDot(a, p, q));
            add("residual (CSR)", () -> sink += be.residual(a, b, x, y));
            add("apply (stencil)", () -> be.apply(stencil, sx, sy));
            add("applyDot (stencil)", () -> sink += be.applyDot(stencil, sx, sy));
            add("residual (stencil)", () -> sink += be.residual(stencil, sb, sx, sy));
            add("cgDirection", () -> be.cgDirection(z, 0.5, p));
            add("cgUpdate", () -> sink += be.cgUpdate(1e-3, p, q, x, y));
            add("diagonalScaleDot", () -> sink += be.diagonalScaleDot(d, y, z));
            add("sorSweep", () -> be.sorSweep(a, b, x, 1.0, SweepDirection.SYMMETRIC));
            add("ssorApplyDot", () -> sink += be.ssorApplyDot(a, y, z, 1.2));
            add("choleskySolveDot", () -> sink += be.choleskySolveDot(lower, y, z));
            // The scheduled kernels join the threads once per level: smaller operators keep the test short.
            CsrMatrix small = RandomProblems.spd(rnd, 1500);
            BoundOperator s = be.bind(small);
            BoundOperator factor = be.bindTriangularFactor(small.lowerTriangle());
            Vector sx1 = be.wrap(RandomProblems.vector(rnd, 1500));
            Vector sy1 = be.wrap(RandomProblems.vector(rnd, 1500));
            Vector sz1 = be.wrap(RandomProblems.vector(rnd, 1500));
            add("choleskySolveDot (level-scheduled)", () -> sink += be.choleskySolveDot(factor, sy1, sz1));
            add("sorSweep (multicolour)", () -> be.sorSweep(s, sy1, sx1, 1.0, SweepDirection.SYMMETRIC, Ordering.MULTICOLOUR));
            add("ssorApplyDot (multicolour)", () -> sink += be.ssorApplyDot(s, sy1, sz1, 1.2, Ordering.MULTICOLOUR));
            // A grid, whose natural-order schedule on 2 threads is blocks of grid lines, not single rows.
            CsrMatrix grid = Stencil7Operator.poisson(16, 16, 16).toCsr();
            BoundOperator g = be.bind(grid);
            BoundOperator gFactor = be.bindTriangularFactor(dev.solvent.precond.Ic0.factor(grid).lower());
            Vector gx = be.wrap(RandomProblems.vector(rnd, grid.rows()));
            Vector gy = be.wrap(RandomProblems.vector(rnd, grid.rows()));
            Vector gb = be.wrap(RandomProblems.vector(rnd, grid.rows()));
            add("sorSweep (grid)", () -> be.sorSweep(g, gb, gx, 1.0, SweepDirection.SYMMETRIC));
            add("ssorApplyDot (grid)", () -> sink += be.ssorApplyDot(g, gb, gy, 1.2));
            add("choleskySolveDot (grid)", () -> sink += be.choleskySolveDot(gFactor, gb, gy));
        }
    }
}
