package dev.solvent.solve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solvent.Residuals;
import dev.solvent.backend.Backend;
import dev.solvent.backend.ReferenceBackend;
import dev.solvent.backend.SweepDirection;
import dev.solvent.backend.cpu.ParallelCpuBackend;
import dev.solvent.gen.Generators;
import dev.solvent.matrix.CsrMatrix;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Interrupting the thread that runs a solve ends it with {@code CANCELLED}, the interrupt status
 * kept; a closed bound solver and a closed backend refuse work at once.
 */
class CancellationTest {

    /** A solve that would run for a long time: a tolerance no solve meets, no stagnation or divergence test. */
    private static SolveResult interruptedSolve(Backend backend, String solver) throws Exception {
        CsrMatrix a = Generators.poisson2d(150).matrix();
        double[] b = Generators.poisson2d(150).rhs();
        CountDownLatch running = new CountDownLatch(3);
        SolverOptions options = SolverOptions.defaults().withRtol(1e-300).withMaxIterations(100_000)
                .withStagnationWindow(0).withDivergenceTolerance(1e300)
                .withListener((k, norm) -> running.countDown());
        AtomicReference<SolveResult> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicBoolean stillInterrupted = new AtomicBoolean();
        double[] x = new double[a.rows()];
        try (BoundSolver bound = Solvers.create(solver, "none", options).setup(a, backend)) {
            Thread t = new Thread(() -> {
                try {
                    result.set(bound.solve(b, x));
                    stillInterrupted.set(Thread.currentThread().isInterrupted());
                } catch (Throwable e) {
                    failure.set(e);
                }
            });
            t.start();
            assertTrue(running.await(60, TimeUnit.SECONDS), "the solve did not start");
            t.interrupt();
            t.join(TimeUnit.SECONDS.toMillis(60));
            assertTrue(!t.isAlive(), "the solve ignored the interrupt");
        }
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
        SolveResult r = result.get();
        assertNotNull(r);
        assertEquals(ConvergedReason.CANCELLED, r.reason(), r.toString());
        assertTrue(stillInterrupted.get(), "the interrupt status must be kept for the caller");
        assertTrue(r.iterations() > 0 && r.iterations() < 100_000, r.toString());
        assertEquals(Residuals.norm(a, x, b), r.residualNorm(), 1e-9 * r.residualNorm(),
                "x holds the last iterate and the result its true residual");
        return r;
    }

    @Test
    void interruptingTheSolvingThreadCancelsTheSolve() throws Exception {
        for (Backend backend : List.of(new ReferenceBackend(), new ParallelCpuBackend(2, 1))) {
            try (backend) {
                for (String solver : List.of("cg", "gs", "ssor")) {
                    SolveResult r = interruptedSolve(backend, solver);
                    assertFalse(r.converged());
                }
            }
        }
    }

    @Test
    void aClosedBoundSolverRefusesToSolve() {
        CsrMatrix a = Generators.poisson2d(4).matrix();
        try (Backend cpu = new ParallelCpuBackend(2)) {
            BoundSolver cg = new ConjugateGradient(SolverOptions.defaults()).setup(a, cpu);
            cg.close();
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> cg.solve(Generators.poisson2d(4).rhs(), new double[a.rows()]));
            assertTrue(e.getMessage().contains("closed"), e.getMessage());
            cg.close(); // idempotent
        }
    }

    @Test
    void setupOnAClosedBackendFailsAtOnce() {
        CsrMatrix a = Generators.poisson2d(4).matrix();
        for (Backend backend : List.of(new ReferenceBackend(), new ParallelCpuBackend(2))) {
            backend.close();
            assertTrue(backend.isClosed(), backend.name());
            for (String solver : List.of("cg", "gs")) {
                IllegalStateException e = assertThrows(IllegalStateException.class,
                        () -> Solvers.create(solver, "none", SolverOptions.defaults()).setup(a, backend),
                        backend.name() + "/" + solver);
                assertTrue(e.getMessage().contains("closed"), e.getMessage());
            }
        }
    }

    @Test
    void aBoundSolverWhoseBackendWasClosedRefusesToSolve() {
        CsrMatrix a = Generators.poisson2d(4).matrix();
        Backend cpu = new ParallelCpuBackend(2);
        BoundSolver gs = StationaryIteration.gaussSeidel(SolverOptions.defaults(), SweepDirection.FORWARD).setup(a, cpu);
        cpu.close();
        assertThrows(IllegalStateException.class, () -> gs.solve(Generators.poisson2d(4).rhs(), new double[a.rows()]));
        gs.close();
    }
}
