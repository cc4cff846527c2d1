package dev.solvent.solve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.solvent.Residuals;
import dev.solvent.backend.Backend;
import dev.solvent.backend.ReferenceBackend;
import dev.solvent.backend.cpu.ParallelCpuBackend;
import dev.solvent.gen.Generators;
import dev.solvent.matrix.CsrMatrix;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The threading contract: a bound solver is for one thread at a time and refuses a concurrent
 * entry with an {@link IllegalStateException}; a backend is shared freely by many bound solvers on
 * many threads. Every answer that comes back is checked against {@code b - A x} recomputed here.
 */
class BoundSolverThreadingTest {

    private static final double RTOL = 1e-8;

    private static double[] rhs(int n, long seed) {
        Random rnd = new Random(seed);
        double[] b = new double[n];
        for (int i = 0; i < n; i++) {
            b[i] = rnd.nextDouble() - 0.5;
        }
        return b;
    }

    /** One solve's outcome as seen by a worker thread. */
    private record Answer(String what, SolveResult result, double independent) {
    }

    /**
     * Several threads call ONE bound solver at once. Each call either is refused (a clear
     * IllegalStateException naming the contract) or returns an answer that converged and whose
     * residual, recomputed here, meets the tolerance. Before the contract existed the threads
     * shared the work vectors: NaN, the iteration limit, or CONVERGED with a wrong residual.
     */
    @Test
    void oneBoundSolverCalledFromFourThreadsNeverGivesAWrongAnswer() throws Exception {
        CsrMatrix a = Generators.poisson2d(24).matrix();
        SolverOptions options = SolverOptions.defaults().withRtol(RTOL).withMaxIterations(5000);
        try (Backend cpu = new ParallelCpuBackend(2, 1);
             BoundSolver pcg = new ConjugateGradient(options, new dev.solvent.precond.Ic0()).setup(a, cpu)) {
            hammerOne(pcg, a, 4, 25);
        }
        try (Backend ref = new ReferenceBackend();
             BoundSolver gs = StationaryIteration.gaussSeidel(options, dev.solvent.backend.SweepDirection.FORWARD)
                     .setup(Generators.poisson2d(8).matrix(), ref)) {
            hammerOne(gs, Generators.poisson2d(8).matrix(), 4, 60);
        }
    }

    private static void hammerOne(BoundSolver solver, CsrMatrix a, int threads, int solvesEach) throws Exception {
        CyclicBarrier start = new CyclicBarrier(threads);
        ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
        AtomicInteger refused = new AtomicInteger();
        List<Thread> team = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            team.add(new Thread(() -> {
                try {
                    start.await();
                    for (int s = 0; s < solvesEach; s++) {
                        double[] b = rhs(a.rows(), 1000L * id + s);
                        double[] x = new double[a.rows()];
                        try {
                            SolveResult r = solver.solve(b, x);
                            answers.add(new Answer("thread " + id + " solve " + s, r, Residuals.relative(a, x, b)));
                        } catch (IllegalStateException e) {
                            assertTrue(e.getMessage().contains("one thread at a time"), e.getMessage());
                            refused.incrementAndGet();
                        }
                    }
                } catch (Throwable e) {
                    unexpected.add(e);
                }
            }));
        }
        team.forEach(Thread::start);
        for (Thread t : team) {
            t.join();
        }
        if (!unexpected.isEmpty()) {
            throw new AssertionError("a worker failed", unexpected.peek());
        }
        assertEquals(threads * solvesEach, answers.size() + refused.get());
        assertTrue(!answers.isEmpty(), "every call was refused: at least the first must run");
        for (Answer ans : answers) {
            assertTrue(ans.result().converged(), ans.what() + ": " + ans.result());
            assertTrue(ans.independent() <= RTOL * 1.01, ans.what() + ": recomputed relative residual "
                    + ans.independent() + " but reported " + ans.result());
            assertEquals(ans.independent(), ans.result().relativeResidual(), 1e-3 * RTOL, ans.what());
        }
    }

    /**
     * Eight threads share ONE backend; each thread has its own bound solvers of every kind, and
     * some bound solvers are handed between threads (never used by two at once). Every answer must
     * be right.
     */
    @Test
    void eightThreadsManyBoundSolversOneBackendEveryAnswerRight() throws Exception {
        CsrMatrix a = Generators.poisson2d(20).matrix();
        CsrMatrix small = Generators.poisson2d(9).matrix();
        SolverOptions options = SolverOptions.defaults().withRtol(RTOL).withOmega(1.3).withMaxIterations(20_000);
        for (Backend backend : List.of(new ParallelCpuBackend(3, 1), new ReferenceBackend())) {
            try (backend) {
                int threads = 8;
                CyclicBarrier start = new CyclicBarrier(threads);
                ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
                AtomicInteger checked = new AtomicInteger();
                List<Thread> team = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int id = t;
                    team.add(new Thread(() -> {
                        List<String> pcs = Solvers.preconditionerNames();
                        try (BoundSolver cg = Solvers.create("cg", pcs.get(id % pcs.size()), options).setup(a, backend);
                             BoundSolver relax = Solvers.create(id % 2 == 0 ? "ssor" : "gs", "none", options)
                                     .setup(small, backend)) {
                            start.await();
                            for (int s = 0; s < 12; s++) {
                                BoundSolver solver = s % 3 == 2 ? relax : cg;
                                CsrMatrix m = solver == relax ? small : a;
                                double[] b = rhs(m.rows(), 7919L * id + s);
                                double[] x = new double[m.rows()];
                                SolveResult r = solver.solve(b, x);
                                double independent = Residuals.relative(m, x, b);
                                String what = backend.name() + " thread " + id + " solve " + s + ": " + r;
                                if (!r.converged() || independent > RTOL * 1.01
                                        || Math.abs(independent - r.relativeResidual()) > 1e-3 * RTOL) {
                                    fail(what + " (recomputed " + independent + ")");
                                }
                                checked.incrementAndGet();
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
                assertEquals(threads * 12, checked.get());
            }
        }
    }
}
