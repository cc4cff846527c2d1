package dev.solvent.ot;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;

/**
 * A coarse-grained parallel loop over row blocks of a dense n x m array: the rows are cut into a
 * fixed number of contiguous blocks (at most {@value #MAX_BLOCKS}, never per element), and the blocks
 * run on a private {@link ForkJoinPool} of the requested size. The block layout depends only on n,
 * not on the thread count, and every reduction adds the per-block partial results in block order, so
 * a kernel gives bit-identical results with 1 thread or with 16.
 */
final class RowBlocks implements AutoCloseable {

    static final int MAX_BLOCKS = 16;

    /** Body of a block: rows {@code [from, to)}, block number {@code block}. */
    interface Body {
        void run(int block, int from, int to);
    }

    private final ForkJoinPool pool;
    private final int[] start;

    RowBlocks(int n, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        int blocks = Math.max(1, Math.min(n, MAX_BLOCKS));
        start = new int[blocks + 1];
        for (int b = 0; b <= blocks; b++) {
            start[b] = (int) ((long) n * b / blocks);
        }
        pool = threads == 1 ? null : new ForkJoinPool(threads);
    }

    int blocks() {
        return start.length - 1;
    }

    /** Runs the body on every block and waits for all of them; rethrows the first failure. */
    void run(Body body) {
        int blocks = blocks();
        if (pool == null) {
            for (int b = 0; b < blocks; b++) {
                body.run(b, start[b], start[b + 1]);
            }
            return;
        }
        List<Callable<Void>> tasks = new ArrayList<>(blocks);
        for (int b = 0; b < blocks; b++) {
            int block = b;
            tasks.add(() -> {
                body.run(block, start[block], start[block + 1]);
                return null;
            });
        }
        // Every block writes the caller's arrays: wait for all of them even when interrupted, and
        // leave the interrupt status set for the solver's loop, which cancels on it.
        boolean interrupted = Thread.interrupted();
        try {
            for (Future<Void> f : pool.invokeAll(tasks)) {
                while (true) {
                    try {
                        f.get();
                        break;
                    } catch (InterruptedException e) {
                        interrupted = true;
                    } catch (ExecutionException e) {
                        Throwable cause = e.getCause();
                        if (cause instanceof RuntimeException re) {
                            throw re;
                        }
                        if (cause instanceof Error err) {
                            throw err;
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

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdown();
        }
    }
}
