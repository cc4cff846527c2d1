package dev.solvent.dcdm;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one fixed thread pool the network kernels share, created on first use. Work is split into
 * a few coarse contiguous chunks (one per thread: z-slabs of the grid for a convolution), so that
 * each thread streams through its own part of memory and the pool overhead is paid once per
 * layer, not per voxel.
 *
 * <p>Kernels must not call {@link #forChunks} from inside a chunk (the pool is not work-stealing);
 * none of ours does.
 */
final class Parallel {

    /** Body of one chunk: handles items {@code [from, to)}; {@code chunk} numbers the chunk. */
    interface Body {
        void run(int chunk, int from, int to);
    }

    private static final int THREADS = Math.max(1, Integer.getInteger("solvent.dcdm.threads",
            Runtime.getRuntime().availableProcessors()));
    private static volatile ExecutorService pool;

    private Parallel() {
    }

    /** Number of chunks {@link #forChunks} uses at most (the thread count). */
    static int threads() {
        return THREADS;
    }

    private static ExecutorService pool() {
        ExecutorService p = pool;
        if (p == null) {
            synchronized (Parallel.class) {
                p = pool;
                if (p == null) {
                    AtomicInteger id = new AtomicInteger();
                    ThreadFactory f = r -> {
                        Thread t = new Thread(r, "solvent-dcdm-" + id.incrementAndGet());
                        t.setDaemon(true);
                        return t;
                    };
                    p = Executors.newFixedThreadPool(THREADS, f);
                    pool = p;
                }
            }
        }
        return p;
    }

    /**
     * Runs {@code body} over {@code [0, n)} split into at most {@link #threads()} contiguous chunks,
     * chunk 0 on the calling thread, and returns when all are done. Small ranges run inline.
     */
    static void forChunks(int n, int minPerChunk, Body body) {
        int chunks = Math.min(THREADS, Math.max(1, n / Math.max(1, minPerChunk)));
        if (chunks <= 1) {
            body.run(0, 0, n);
            return;
        }
        Future<?>[] futures = new Future<?>[chunks - 1];
        for (int c = 1; c < chunks; c++) {
            int chunk = c;
            int from = (int) ((long) n * c / chunks);
            int to = (int) ((long) n * (c + 1) / chunks);
            futures[c - 1] = pool().submit(() -> body.run(chunk, from, to));
        }
        body.run(0, 0, (int) ((long) n / chunks));
        // The chunks write the caller's arrays: wait for all of them even when interrupted, and
        // leave the interrupt status set for the caller's loop (a solver cancels on it).
        boolean interrupted = Thread.interrupted();
        try {
            for (Future<?> f : futures) {
                while (true) {
                    try {
                        f.get();
                        break;
                    } catch (InterruptedException e) {
                        interrupted = true;
                    } catch (java.util.concurrent.ExecutionException e) {
                        Throwable cause = e.getCause();
                        if (cause instanceof RuntimeException) {
                            throw (RuntimeException) cause;
                        }
                        if (cause instanceof Error) {
                            throw (Error) cause;
                        }
                        throw new IllegalStateException(cause);
                    }
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
