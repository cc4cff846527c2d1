package dev.solvent.backend.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed team of threads for fork-join style parallel regions, made for kernels that take a few
 * microseconds: a CG iteration dispatches three or four regions, so the hand-off itself must cost
 * little and allocate nothing.
 *
 * <p>The pool owns {@code threads - 1} daemon threads, started once by the constructor and named
 * {@code solvent-cpu-<pool>-<worker>}; the thread that calls {@link #run} takes part as worker 0,
 * so a one-thread pool owns no threads and runs everything on the caller.
 *
 * <p>Dispatch protocol (no locks on the hot path, no allocation, no futures):
 * <ol>
 *   <li>the caller stores the preallocated {@link Task}, sets the pending count to
 *       {@code active - 1} and then writes the volatile {@code state}, a generation counter and the
 *       number of active workers packed in one word so that a worker reads both atomically; that
 *       write publishes the task. It unparks only active workers that announced they were parked;</li>
 *   <li>each worker waits for the state to change (spinning briefly, then parking); if its id is
 *       below the active count it runs {@code task.run(id)}, records any throwable in its slot and
 *       decrements the pending count, the last one unparking the caller if the caller announced
 *       it was parked. Inactive workers go straight back to waiting, without touching the task;</li>
 *   <li>the caller runs {@code task.run(0)} itself, then waits for the pending count to reach
 *       zero in the same spin-then-park way, and rethrows the first failure in worker order.</li>
 * </ol>
 * Each park is guarded by the Dekker pattern on two volatiles (announce, then re-check the
 * condition; the other side changes the condition, then reads the announcement), so a wake-up
 * cannot be lost; spurious returns from {@link LockSupport#park} just loop.
 *
 * <p>Spinning is what makes back-to-back regions cheap, but it steals the processor from useful
 * threads when the pool has more threads than the machine has cores; an oversubscribed pool
 * therefore spins only a few hundred pause instructions before it parks.
 *
 * <p>One region runs at a time: {@link #run} is synchronized, and a task that calls {@link #run}
 * on its own pool gets an {@link IllegalStateException} rather than a deadlock.
 *
 * <p><b>Interrupts.</b> A worker thread belongs to the pool and ends only at {@link #close}: an
 * interrupt sent to it is cleared and it parks again (it never spins on a set interrupt flag). A
 * caller interrupted while it waits for its workers still waits for them (a region cannot be
 * abandoned half done, its workers write the caller's arrays), then returns with its interrupt
 * status set, so the code around it (a solver's iteration loop) sees it.
 */
public final class WorkerPool implements AutoCloseable {

    /**
     * A parallel region's body. Implementations are long-lived objects with mutable fields set by
     * the caller before each {@link WorkerPool#run}, so that dispatching captures nothing.
     */
    public interface Task {
        /** Runs this worker's share; {@code worker} is in {@code [0, threads)}, 0 being the caller. */
        void run(int worker);
    }

    private static final AtomicInteger POOLS = new AtomicInteger();

    private static final int ACTIVE_BITS = 16;
    private static final long ACTIVE_MASK = (1L << ACTIVE_BITS) - 1;
    /** Most threads a pool may have: the active count must fit its field of the state word. */
    public static final int MAX_THREADS = (int) ACTIVE_MASK;

    /** Pause instructions before a waiter starts yielding (a few microseconds). */
    private static final int PAUSE_SPINS = 256;

    private final int threads;
    private final String name;
    private final Worker[] workers;
    private final Throwable[] failures;
    private final AtomicInteger pending = new AtomicInteger();
    /** How long a waiter keeps spinning and yielding before it parks; 0 when oversubscribed. */
    private final long spinNanos;

    /** {@code generation << ACTIVE_BITS | active}: changes on every dispatch and at close. */
    private volatile long state;
    private volatile boolean closed;
    /** The caller while it is parked waiting for workers, else null. */
    private volatile Thread parkedCaller;
    /** Written before the volatile state write, read after it: published by it. */
    private Task task;
    /** Guarded by this: detects a task that dispatches on its own pool. */
    private boolean running;

    /** A pool of {@link Runtime#availableProcessors()} threads. */
    public WorkerPool() {
        this(Runtime.getRuntime().availableProcessors());
    }

    /**
     * A pool of {@code threads} threads, the caller included.
     *
     * @throws IllegalArgumentException if {@code threads < 1}
     */
    public WorkerPool(int threads) {
        if (threads < 1 || threads > MAX_THREADS) {
            throw new IllegalArgumentException("a worker pool needs 1 to " + MAX_THREADS + " threads, got " + threads);
        }
        this.threads = threads;
        this.name = "solvent-cpu-" + POOLS.incrementAndGet();
        this.failures = new Throwable[threads];
        this.spinNanos = threads > Runtime.getRuntime().availableProcessors() ? 0L : 50_000L;
        this.workers = new Worker[threads];
        for (int w = 1; w < threads; w++) {
            workers[w] = new Worker(w);
        }
        for (int w = 1; w < threads; w++) {
            workers[w].start();
        }
    }

    /** Whether {@link #close} has been called (or a worker died, which closes the pool). */
    public boolean isClosed() {
        return closed;
    }

    /** Threads taking part in a region, the caller included. */
    public int threads() {
        return threads;
    }

    /** The pool's name; its threads are named {@code name() + "-" + worker}. */
    public String name() {
        return name;
    }

    /**
     * Runs {@code task.run(w)} for every {@code w} in {@code [0, threads)}, worker 0 on the calling
     * thread, and returns when all have finished. Creates no thread and allocates nothing.
     *
     * @throws RuntimeException or Error: the first throwable raised by a worker, in worker order
     *                          (other workers' shares still ran to completion)
     * @throws IllegalStateException if the pool is closed, or when called from inside a region
     */
    public void run(Task task) {
        run(task, threads);
    }

    /**
     * Runs {@code task.run(w)} for {@code w} in {@code [0, active)} only, worker 0 on the calling
     * thread; the other workers are not woken. For kernels too small to feed every thread.
     *
     * @throws IllegalArgumentException unless {@code 1 <= active <= threads}
     * @see #run(Task)
     */
    public synchronized void run(Task task, int active) {
        if (active < 1 || active > threads) {
            throw new IllegalArgumentException("active workers must lie in [1, " + threads + "], got " + active);
        }
        if (closed) {
            throw new IllegalStateException("worker pool " + name + " is closed");
        }
        if (running) {
            throw new IllegalStateException("a task dispatched a parallel region on its own pool " + name
                    + ": nested regions would deadlock");
        }
        if (active == 1) {
            running = true;
            try {
                task.run(0);
            } finally {
                running = false;
            }
            return;
        }
        running = true;
        try {
            this.task = task;
            pending.set(active - 1);
            state = (((state >>> ACTIVE_BITS) + 1) << ACTIVE_BITS) | active;
            for (int w = 1; w < active; w++) {
                Worker worker = workers[w];
                if (worker.parked) {
                    LockSupport.unpark(worker);
                }
            }
            try {
                task.run(0);
            } catch (Throwable t) {
                failures[0] = t;
            }
            awaitWorkers(active);
            this.task = null;
            rethrowFirstFailure();
        } finally {
            running = false;
        }
    }

    /** Parked waits are bounded so that a worker thread that died cannot hang the caller. */
    private static final long LIVENESS_CHECK_NANOS = 100_000_000L;

    private void awaitWorkers(int active) {
        if (pending.get() == 0) {
            return;
        }
        spinUntilWorkersDone();
        if (pending.get() == 0) {
            return;
        }
        // park returns at once while the interrupt flag is set: clear it for the wait (the workers
        // must finish whatever happens) and restore it afterwards.
        boolean interrupted = Thread.interrupted();
        parkedCaller = Thread.currentThread();
        try {
            while (pending.get() != 0) {
                LockSupport.parkNanos(this, LIVENESS_CHECK_NANOS);
                interrupted |= Thread.interrupted();
                if (pending.get() != 0) {
                    checkAlive(active);
                }
            }
        } finally {
            parkedCaller = null;
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A worker ends only at close; one that ended otherwise (a VM error outside its task) broke the pool. */
    private void checkAlive(int active) {
        for (int w = 1; w < active; w++) {
            if (!workers[w].isAlive()) {
                closed = true;
                throw new IllegalStateException("worker thread " + workers[w].getName()
                        + " has died; the pool " + name + " cannot continue");
            }
        }
    }

    /**
     * Pauses, then yields, until the workers are done or {@code spinNanos} have passed. Yielding
     * lets another runnable thread (typically a worker still computing its share) use this core.
     */
    private void spinUntilWorkersDone() {
        for (int i = 0; i < PAUSE_SPINS; i++) {
            if (pending.get() == 0) {
                return;
            }
            Thread.onSpinWait();
        }
        if (spinNanos == 0) {
            return;
        }
        long start = System.nanoTime();
        while (pending.get() != 0 && System.nanoTime() - start < spinNanos) {
            Thread.yield();
        }
    }

    private void rethrowFirstFailure() {
        Throwable first = null;
        for (int w = 0; w < threads; w++) {
            if (failures[w] != null && first == null) {
                first = failures[w];
            }
            failures[w] = null;
        }
        if (first instanceof RuntimeException) {
            throw (RuntimeException) first;
        }
        if (first instanceof Error) {
            throw (Error) first;
        }
        if (first != null) {
            throw new IllegalStateException("a worker of " + name + " failed", first);
        }
    }

    /**
     * Stops and joins the worker threads. Idempotent; waits for a region in progress to finish
     * (it is synchronized with {@link #run}).
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        state = ((state >>> ACTIVE_BITS) + 1) << ACTIVE_BITS;
        for (int w = 1; w < threads; w++) {
            LockSupport.unpark(workers[w]);
        }
        boolean interrupted = false;
        for (int w = 1; w < threads; w++) {
            while (workers[w].isAlive()) {
                try {
                    workers[w].join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "WorkerPool[" + name + ", " + threads + " threads" + (closed ? ", closed" : "") + "]";
    }

    private final class Worker extends Thread {
        private final int id;
        /** Set while this worker is (about to be) parked, so the dispatcher knows to unpark it. */
        volatile boolean parked;

        Worker(int id) {
            super(name + "-" + id);
            this.id = id;
            setDaemon(true);
        }

        @Override
        public void run() {
            // State 0 is the one before any dispatch. Reading the field here instead would miss a
            // dispatch made between start() and this thread's first instruction.
            long seen = 0L;
            while (true) {
                seen = awaitChange(seen);
                if (closed) {
                    return;
                }
                if (id >= (int) (seen & ACTIVE_MASK)) {
                    continue;
                }
                try {
                    task.run(id);
                } catch (Throwable t) {
                    failures[id] = t;
                }
                if (pending.decrementAndGet() == 0) {
                    Thread caller = parkedCaller;
                    if (caller != null) {
                        LockSupport.unpark(caller);
                    }
                }
            }
        }

        /** Waits until the state differs from {@code seen}; returns the new state. */
        private long awaitChange(long seen) {
            long g;
            for (int i = 0; i < PAUSE_SPINS; i++) {
                if ((g = state) != seen) {
                    return g;
                }
                Thread.onSpinWait();
            }
            if (spinNanos > 0) {
                long start = System.nanoTime();
                while (System.nanoTime() - start < spinNanos) {
                    if ((g = state) != seen) {
                        return g;
                    }
                    Thread.yield();
                }
            }
            while (true) {
                parked = true;
                if ((g = state) != seen) {
                    parked = false;
                    return g;
                }
                LockSupport.park(WorkerPool.this);
                parked = false;
                // An interrupt means nothing to a worker (it ends at close only), but it would make
                // every later park return at once: clear it, or this loop would spin.
                Thread.interrupted();
                if ((g = state) != seen) {
                    return g;
                }
            }
        }
    }
}
