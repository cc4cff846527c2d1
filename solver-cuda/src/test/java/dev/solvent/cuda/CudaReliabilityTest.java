package dev.solvent.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solvent.gen.Generators;
import dev.solvent.matrix.CsrMatrix;
import dev.solvent.solve.BoundSolver;
import dev.solvent.solve.ConvergedReason;
import dev.solvent.solve.SolveResult;
import dev.solvent.solve.SolverOptions;
import dev.solvent.solve.Solvers;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The reliability contract on the CUDA backend (the same as the host backends' in solver-core's
 * BoundSolverThreadingTest, ExtremeScalingTest, AliasingTest and CancellationTest): extreme
 * scales solved, one backend shared by many bound solvers on many threads, a bound solver for one
 * thread at a time, aliases refused, interrupts cancelling, a closed backend refused. Every
 * answer is checked against {@code b - A x} recomputed here in plain loops.
 */
@Tag("gpu")
class CudaReliabilityTest {

    private static final double RTOL = 1e-8;

    /** ||b - A x|| / ||b||, both norms scaled by their largest entry. */
    private static double relative(CsrMatrix a, double[] x, double[] b) {
        double[] r = new double[a.rows()];
        for (int i = 0; i < a.rows(); i++) {
            double s = b[i];
            for (int k = a.rowPtr()[i]; k < a.rowPtr()[i + 1]; k++) {
                s -= a.values()[k] * x[a.colIdx()[k]];
            }
            r[i] = s;
        }
        return norm(r) / norm(b);
    }

    private static double norm(double[] v) {
        double max = 0;
        for (double e : v) {
            max = Math.max(max, Math.abs(e));
        }
        if (max == 0 || !Double.isFinite(max)) {
            return max;
        }
        double s = 0;
        for (double e : v) {
            s += (e / max) * (e / max);
        }
        return max * Math.sqrt(s);
    }

    private static CsrMatrix scaled(CsrMatrix a, double by) {
        double[] v = a.values().clone();
        for (int k = 0; k < v.length; k++) {
            v[k] *= by;
        }
        return a.withValues(v);
    }

    @Test
    void extremeScalesAreSolved() {
        try (CudaBackend gpu = Gpu.backend(true)) {
            CsrMatrix p = Generators.poisson2d(8).matrix();
            SolverOptions o = SolverOptions.defaults().withRtol(RTOL).withMaxIterations(20_000);
            for (double scale : new double[] {1e-150, 1e150, 1.0}) {
                CsrMatrix a = scaled(p, scale);
                for (double bScale : new double[] {1e-170, 1e200, 1.0}) {
                    double[] b = new double[a.rows()];
                    double[] ones = new double[a.rows()];
                    java.util.Arrays.fill(ones, bScale);
                    p.apply(ones, b);
                    for (String[] m : new String[][] {{"cg", "none"}, {"cg", "jacobi"}, {"gs", "none"}, {"ssor", "none"}}) {
                        double[] x = new double[a.rows()];
                        SolveResult r;
                        try (BoundSolver s = Solvers.create(m[0], m[1], o).setup(a, gpu)) {
                            r = s.solve(b, x);
                        }
                        String what = "A*" + scale + " b~" + bScale + " " + m[0] + "/" + m[1] + ": " + r;
                        if (bScale / scale == Double.POSITIVE_INFINITY) {
                            // x = 1e350: no double holds the answer, and the solve must not claim one.
                            assertEquals(ConvergedReason.DIVERGED_NAN, r.reason(), what);
                            continue;
                        }
                        if (bScale / scale < Double.MIN_NORMAL && relative(a, x, b) > RTOL) {
                            // x = 1e-320 is subnormal: a few digits, so the tolerance is out of reach.
                            assertEquals(ConvergedReason.DIVERGED_STAGNATION, r.reason(), what);
                            continue;
                        }
                        assertTrue(r.converged(), what);
                        assertTrue(relative(a, x, b) <= RTOL * 1.01, what + " recomputed " + relative(a, x, b));
                    }
                }
            }
        }
    }

    @Test
    void oneBackendEightThreadsManyBoundSolversEveryAnswerRight() throws Exception {
        try (CudaBackend gpu = Gpu.backend(true)) {
            CsrMatrix a = Generators.poisson2d(20).matrix();
            SolverOptions o = SolverOptions.defaults().withRtol(RTOL).withMaxIterations(20_000);
            CyclicBarrier start = new CyclicBarrier(8);
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            List<Thread> team = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int id = t;
                team.add(new Thread(() -> {
                    try (BoundSolver s = Solvers.create("cg", id % 2 == 0 ? "none" : "jacobi", o).setup(a, gpu)) {
                        start.await();
                        for (int k = 0; k < 10; k++) {
                            double[] b = new Random(31L * id + k).doubles(a.rows(), -1, 1).toArray();
                            double[] x = new double[a.rows()];
                            SolveResult r = s.solve(b, x);
                            double rel = relative(a, x, b);
                            if (!r.converged() || rel > RTOL * 1.01) {
                                throw new AssertionError("thread " + id + " solve " + k + ": " + r + " recomputed " + rel);
                            }
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }));
            }
            team.forEach(Thread::start);
            for (Thread t : team) {
                t.join();
            }
            if (!failures.isEmpty()) {
                throw new AssertionError(failures.size() + " thread(s) failed", failures.peek());
            }
        }
    }

    @Test
    void oneBoundSolverFromFourThreadsIsRefusedOrRight() throws Exception {
        try (CudaBackend gpu = Gpu.backend(true)) {
            CsrMatrix a = Generators.poisson2d(16).matrix();
            try (BoundSolver s = Solvers.create("cg", "jacobi", SolverOptions.defaults().withRtol(RTOL)).setup(a, gpu)) {
                ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
                List<Thread> team = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    int id = t;
                    team.add(new Thread(() -> {
                        for (int k = 0; k < 20; k++) {
                            double[] b = new Random(7L * id + k).doubles(a.rows(), -1, 1).toArray();
                            double[] x = new double[a.rows()];
                            try {
                                SolveResult r = s.solve(b, x);
                                if (!r.converged() || relative(a, x, b) > RTOL * 1.01) {
                                    failures.add(new AssertionError(r.toString()));
                                }
                            } catch (IllegalStateException refused) {
                                if (!refused.getMessage().contains("one thread at a time")) {
                                    failures.add(refused);
                                }
                            }
                        }
                    }));
                }
                team.forEach(Thread::start);
                for (Thread t : team) {
                    t.join();
                }
                assertTrue(failures.isEmpty(), String.valueOf(failures.peek()));
            }
        }
    }

    @Test
    void aliasesInterruptsAndCloseKeepTheContract() throws Exception {
        CsrMatrix a = Generators.poisson2d(150).matrix();
        double[] b = Generators.poisson2d(150).rhs();
        CudaBackend gpu = Gpu.backend(true);
        try (gpu) {
            try (BoundSolver s = Solvers.create("cg", "none", SolverOptions.defaults()).setup(a, gpu)) {
                assertThrows(IllegalArgumentException.class, () -> s.solve(b, b));
                var v = gpu.upload(b);
                assertThrows(IllegalArgumentException.class, () -> s.solve(v, v));
            }
            CountDownLatch running = new CountDownLatch(3);
            SolverOptions forever = SolverOptions.defaults().withRtol(1e-300).withMaxIterations(1_000_000)
                    .withStagnationWindow(0).withListener((k, r) -> running.countDown());
            AtomicReference<Object> out = new AtomicReference<>();
            try (BoundSolver s = Solvers.create("gs", "none", forever).setup(a, gpu)) {
                Thread t = new Thread(() -> {
                    try {
                        out.set(s.solve(b, new double[a.rows()]));
                    } catch (Throwable e) {
                        out.set(e);
                    }
                });
                t.setDaemon(true);
                t.start();
                assertTrue(running.await(60, TimeUnit.SECONDS));
                t.interrupt();
                t.join(60_000);
                assertTrue(!t.isAlive(), "the solve ignored the interrupt");
            }
            assertTrue(out.get() instanceof SolveResult, String.valueOf(out.get()));
            assertEquals(ConvergedReason.CANCELLED, ((SolveResult) out.get()).reason());
        }
        assertTrue(gpu.isClosed());
        assertThrows(IllegalStateException.class,
                () -> Solvers.create("cg", "none", SolverOptions.defaults()).setup(a, gpu));
    }
}
