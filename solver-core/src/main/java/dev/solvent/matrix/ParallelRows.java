package dev.solvent.matrix;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Parallel loops for setup work on matrices (sparse products, a multigrid hierarchy): {@code [0, n)} cut into blocks of a fixed size (independent of the
 * thread count), handed out to the threads as they come free. Each block writes only its own
 * rows, and a reduction keeps one partial per block added in block order, so every result of the
 * setup is the same for any thread count.
 *
 * <p>Made for one setup and closed after it: the threads are started by the constructor and
 * stopped by {@link #close}. The caller takes part as worker 0. One loop runs at a time.
 */
public final class ParallelRows implements AutoCloseable {

    /** A loop body over rows {@code [lo, hi)}, run by worker {@code worker} (for its scratch space). */
    public interface Body {
        void run(int worker, int lo, int hi);
    }

    /** A reduction body: returns the partial of rows {@code [lo, hi)}. */
    public interface SumBody {
        double run(int lo, int hi);
    }

    private final int threads;
    private final ExecutorService pool;

    /** A team of {@code threads} threads, the caller included (1: everything on the caller). */
    public ParallelRows(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("setup threads must be at least 1, got " + threads);
        }
        this.threads = threads;
        this.pool = threads == 1 ? null : Executors.newFixedThreadPool(threads - 1, r -> {
            Thread t = new Thread(r, "solvent-setup");
            t.setDaemon(true);
            return t;
        });
    }

    public int threads() {
        return threads;
    }

    /** Runs {@code body} over {@code [0, n)} in blocks of {@code block} rows. */
    public synchronized void forEach(int n, int block, Body body) {
        int blocks = (int) (((long) n + block - 1) / block);
        if (threads == 1 || blocks <= 1) {
            for (int b = 0; b < blocks; b++) {
                body.run(0, b * block, (int) Math.min(n, (long) (b + 1) * block));
            }
            return;
        }
        AtomicInteger next = new AtomicInteger();
        int helpers = Math.min(threads - 1, blocks - 1);
        @SuppressWarnings("unchecked")
        Future<?>[] futures = new Future<?>[helpers];
        for (int w = 0; w < helpers; w++) {
            int worker = w + 1;
            futures[w] = pool.submit(() -> drain(next, blocks, n, block, worker, body));
        }
        Throwable failure = null;
        try {
            drain(next, blocks, n, block, 0, body);
        } catch (RuntimeException | Error e) {
            failure = e;
            next.set(blocks);
        }
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (java.util.concurrent.ExecutionException e) {
                if (failure == null) {
                    failure = e.getCause();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                if (failure == null) {
                    failure = e;
                }
            }
        }
        if (failure instanceof RuntimeException re) {
            throw re;
        }
        if (failure instanceof Error err) {
            throw err;
        }
        if (failure != null) {
            throw new IllegalStateException("parallel setup loop interrupted", failure);
        }
    }

    private static void drain(AtomicInteger next, int blocks, int n, int block, int worker, Body body) {
        for (int b = next.getAndIncrement(); b < blocks; b = next.getAndIncrement()) {
            body.run(worker, b * block, (int) Math.min(n, (long) (b + 1) * block));
        }
    }

    /** {@code sum over blocks of body(lo, hi)}, added in block order: independent of the thread count. */
    public double sum(int n, int block, SumBody body) {
        int blocks = (int) (((long) n + block - 1) / block);
        double[] partial = new double[Math.max(1, blocks)];
        forEach(n, block, (worker, lo, hi) -> partial[lo / block] = body.run(lo, hi));
        double s = 0.0;
        for (double p : partial) {
            s += p;
        }
        return s;
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
