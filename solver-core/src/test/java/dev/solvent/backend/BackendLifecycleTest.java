package dev.solvent.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solvent.backend.cpu.ParallelCpuBackend;
import dev.solvent.backend.cpu.WorkerPool;
import java.lang.ref.WeakReference;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What the cpu backend's threads do when nobody is looking: an interrupted idle worker parks
 * again (it does not spin), a backend that is dropped without close() gives its threads back, and
 * a closed backend refuses kernels.
 */
class BackendLifecycleTest {

    private static List<Thread> threadsOf(String poolName) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith(poolName + "-")).toList();
    }

    @Test
    void anInterruptedIdleWorkerParksInsteadOfSpinning() throws Exception {
        try (WorkerPool pool = new WorkerPool(3)) {
            AtomicInteger runs = new AtomicInteger();
            pool.run(w -> runs.incrementAndGet());
            List<Thread> workers = threadsOf(pool.name());
            assertEquals(2, workers.size());
            for (Thread w : workers) {
                awaitState(w, Thread.State.WAITING);
                w.interrupt();
            }
            // A parked worker is WAITING; one that spins on a set interrupt flag is RUNNABLE (or
            // yielding) nearly every time it is sampled. Sample each one many times.
            for (Thread w : workers) {
                awaitState(w, Thread.State.WAITING);
                int waiting = 0;
                for (int i = 0; i < 50; i++) {
                    if (w.getState() == Thread.State.WAITING) {
                        waiting++;
                    }
                    Thread.sleep(2);
                }
                assertTrue(waiting >= 45, w.getName() + " was waiting in only " + waiting + " of 50 samples");
            }
            // And the pool still works.
            pool.run(w -> runs.incrementAndGet());
            assertEquals(6, runs.get());
        }
    }

    @Test
    void anInterruptedCallerStillWaitsForItsWorkersAndKeepsItsInterrupt() {
        try (WorkerPool pool = new WorkerPool(3)) {
            AtomicInteger done = new AtomicInteger();
            Thread.currentThread().interrupt();
            try {
                pool.run(w -> {
                    if (w != 0) {
                        long until = System.nanoTime() + 20_000_000L;
                        while (System.nanoTime() < until) {
                            Thread.onSpinWait();
                        }
                    }
                    done.incrementAndGet();
                });
                assertEquals(3, done.get(), "run returned before every worker finished");
                assertTrue(Thread.currentThread().isInterrupted(), "the caller's interrupt status was lost");
            } finally {
                Thread.interrupted();
            }
        }
    }

    private static void awaitState(Thread t, Thread.State state) throws InterruptedException {
        for (int i = 0; i < 5000 && t.getState() != state; i++) {
            Thread.sleep(1);
        }
        assertEquals(state, t.getState(), t.getName());
    }

    @Test
    void aBackendDroppedWithoutCloseGivesItsThreadsBack() throws Exception {
        String name = dropBackend();
        assertEquals(3, threadsOf(name).size(), "the pool started its workers");
        List<Thread> workers = threadsOf(name);
        for (int i = 0; i < 200 && workers.stream().anyMatch(Thread::isAlive); i++) {
            System.gc();
            Thread.sleep(50);
        }
        assertTrue(workers.stream().noneMatch(Thread::isAlive), "the workers of an unreachable backend still run");
    }

    /** Makes a backend, uses it, and forgets it; returns its pool's name. */
    private static String dropBackend() {
        ParallelCpuBackend cpu = new ParallelCpuBackend(4, 1);
        Vector v = cpu.upload(new double[1000]);
        cpu.fill(v, 1.0);
        assertEquals(1000.0, cpu.dot(v, v));
        WeakReference<ParallelCpuBackend> ref = new WeakReference<>(cpu);
        assertTrue(ref.get() != null);
        return cpu.pool().name();
    }

    @Test
    void aClosedCpuBackendRefusesEveryKernelEvenOnesTooSmallToSplit() {
        ParallelCpuBackend cpu = new ParallelCpuBackend(2);
        Vector small = cpu.upload(new double[] {1, 2, 3});
        BoundOperator a = cpu.bind(dev.solvent.matrix.CsrMatrix.builder(3, 3).add(0, 0, 1).add(1, 1, 1).add(2, 2, 1).build());
        cpu.close();
        assertTrue(cpu.isClosed());
        assertThrows(IllegalStateException.class, () -> cpu.dot(small, small));
        assertThrows(IllegalStateException.class, () -> cpu.fill(small, 0));
        assertThrows(IllegalStateException.class, () -> cpu.apply(a, small, cpu.allocate(3)));
        assertThrows(IllegalStateException.class,
                () -> cpu.sorSweep(a, small, cpu.allocate(3), 1.0, SweepDirection.FORWARD));
        cpu.close(); // idempotent
    }
}
