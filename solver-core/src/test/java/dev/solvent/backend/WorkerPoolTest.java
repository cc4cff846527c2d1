package dev.solvent.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solvent.backend.cpu.WorkerPool;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class WorkerPoolTest {

    /** Live threads whose name marks them as this pool's. */
    private static Set<Thread> poolThreads(WorkerPool pool) {
        Set<Thread> found = new HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith(pool.name() + "-")) {
                found.add(t);
            }
        }
        return found;
    }

    /** Records which thread ran each worker index, and counts runs. */
    private static final class Recorder implements WorkerPool.Task {
        final Thread[] ranOn;
        final AtomicInteger runs = new AtomicInteger();
        final Set<Thread> seen = ConcurrentHashMap.newKeySet();

        Recorder(int threads) {
            ranOn = new Thread[threads];
        }

        @Override
        public void run(int worker) {
            ranOn[worker] = Thread.currentThread();
            seen.add(Thread.currentThread());
            runs.incrementAndGet();
        }
    }

    @Test
    void everyWorkerRunsOncePerRegionAndTheCallerIsWorkerZero() {
        try (WorkerPool pool = new WorkerPool(4)) {
            Recorder r = new Recorder(4);
            pool.run(r);
            assertEquals(4, r.runs.get());
            assertSame(Thread.currentThread(), r.ranOn[0]);
            Set<Thread> distinct = new HashSet<>();
            for (Thread t : r.ranOn) {
                distinct.add(t);
            }
            assertEquals(4, distinct.size(), "each worker index runs on its own thread");
        }
    }

    @Test
    void regionsCreateNoThreadsAndCloseEndsThem() {
        WorkerPool pool = new WorkerPool(3);
        Set<Thread> before = poolThreads(pool);
        assertEquals(2, before.size(), "a 3-thread pool owns 2 threads; the caller is the third");
        Recorder r = new Recorder(3);
        for (int i = 0; i < 2000; i++) {
            pool.run(r);
        }
        assertEquals(3 * 2000, r.runs.get());
        Set<Thread> allowed = new HashSet<>(before);
        allowed.add(Thread.currentThread());
        assertEquals(allowed, r.seen, "every region ran on the caller and the pool's own threads");
        assertEquals(before, poolThreads(pool), "no thread was started or replaced");
        for (Thread t : before) {
            assertTrue(t.isDaemon(), t.getName() + " is a daemon");
        }
        pool.close();
        for (Thread t : before) {
            assertFalse(t.isAlive(), t.getName() + " ended at close");
        }
        assertThrows(IllegalStateException.class, () -> pool.run(r));
        pool.close(); // idempotent
    }

    @Test
    void oneThreadRunsOnTheCallerAndOwnsNoThreads() {
        try (WorkerPool pool = new WorkerPool(1)) {
            assertTrue(poolThreads(pool).isEmpty());
            Recorder r = new Recorder(1);
            pool.run(r);
            assertSame(Thread.currentThread(), r.ranOn[0]);
        }
    }

    @Test
    void aWorkersExceptionIsRethrownOnTheCallerAndThePoolStaysUsable() {
        try (WorkerPool pool = new WorkerPool(3)) {
            IllegalStateException boom = new IllegalStateException("boom on worker 2");
            AtomicInteger finished = new AtomicInteger();
            WorkerPool.Task failing = w -> {
                if (w == 2) {
                    throw boom;
                }
                finished.incrementAndGet();
            };
            IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> pool.run(failing));
            assertSame(boom, thrown);
            assertEquals(2, finished.get(), "the other workers' shares still ran");
            Recorder r = new Recorder(3);
            pool.run(r);
            assertEquals(3, r.runs.get(), "the pool still works after a failure");

            // An Error from the caller's own share comes back too, after the workers finished.
            AssertionError err = new AssertionError("caller share");
            assertSame(err, assertThrows(AssertionError.class, () -> pool.run(w -> {
                if (w == 0) {
                    throw err;
                }
            })));
        }
    }

    @Test
    void aNestedRegionIsRefusedInsteadOfDeadlocking() {
        try (WorkerPool pool = new WorkerPool(2)) {
            Recorder inner = new Recorder(2);
            assertThrows(IllegalStateException.class, () -> pool.run(w -> {
                if (w == 0) {
                    pool.run(inner);
                }
            }));
            assertEquals(0, inner.runs.get());
        }
    }

    @Test
    void manyThreadsOnFewCoresStillComplete() {
        // More threads than this machine has cores: the pool must not spin itself into a stall.
        try (WorkerPool pool = new WorkerPool(7)) {
            long[] sums = new long[7 * 8];
            WorkerPool.Task task = w -> sums[w * 8] += w;
            for (int i = 0; i < 300; i++) {
                pool.run(task);
            }
            for (int w = 0; w < 7; w++) {
                assertEquals(300L * w, sums[w * 8]);
            }
        }
    }

    @Test
    void onlyTheActiveWorkersRunAndAlternatingCountsStayInStep() {
        try (WorkerPool pool = new WorkerPool(4)) {
            // Per worker: how often it ran, padded to separate lines; checked against the schedule.
            long[] ran = new long[4 * 8];
            long[] expected = new long[4];
            WorkerPool.Task task = w -> ran[w * 8]++;
            java.util.Random rnd = new java.util.Random(3);
            for (int i = 0; i < 3000; i++) {
                int active = 1 + rnd.nextInt(4);
                pool.run(task, active);
                for (int w = 0; w < active; w++) {
                    expected[w]++;
                }
            }
            for (int w = 0; w < 4; w++) {
                assertEquals(expected[w], ran[w * 8], "runs of worker " + w);
            }
            assertThrows(IllegalArgumentException.class, () -> pool.run(task, 0));
            assertThrows(IllegalArgumentException.class, () -> pool.run(task, 5));
        }
    }

    @Test
    void rejectsFewerThanOneThread() {
        assertThrows(IllegalArgumentException.class, () -> new WorkerPool(0));
    }
}
