package dev.solvent.backend.cpu;

import dev.solvent.order.BlockSchedule;
import java.util.ArrayList;
import java.util.List;

/**
 * A level-scheduled recurrence run without a join between levels: each worker walks its own
 * CHUNKS (runs of its blocks within one level, levels in order) and, before a chunk, waits only
 * until every block of another worker that the chunk reads is finished, which it learns from that
 * worker's progress counter (chunks completed so far). Point-to-point synchronisation in place of a
 * barrier per level: a worker runs ahead as far as the dependencies allow, a wait costs nothing
 * when the data are ready, and a thread that the operating system deschedules stalls only those
 * that need its rows, and only once they need them.
 *
 * <p>The blocks each worker owns are those a {@link SchedulePlan} gives it (a level's share split on
 * work; a level too small to split goes to worker 0), so a forward pass computes exactly what the
 * level-by-level schedule computes. A chunk is at least {@code grain} work (rows plus entries) or
 * the rest of the worker's share of its level, so that on a grid every block of grid lines is its
 * own chunk and waits are per block, while single-row blocks are not synchronised row by row. The
 * backward pass walks each worker's chunks in reverse and waits on the blocks after its own that it
 * reads.
 *
 * <p>Dependencies are read from the lower part (forward) and the upper part (backward) of the
 * operator whose rows the kernels read: a row of block b reads the rows named by its stored
 * entries, so b's chunk waits for the chunks holding them.
 */
final class FlowPlan {

    /** Workers taking part (1: the caller alone, no synchronisation at all). */
    final int workers;
    /** Chunks of worker w: blocks {@code [chunkLo[w][c], chunkHi[w][c])}, within one level, in level order. */
    final int[][] chunkLo;
    final int[][] chunkHi;
    /**
     * Forward waits of worker w's chunk c: entries {@code [needPtrF[w][c], needPtrF[w][c+1])} of
     * {@code needWorkerF[w]} and {@code needCountF[w]}: worker v must have completed that many chunks.
     */
    final int[][] needPtrF;
    final int[][] needWorkerF;
    final int[][] needCountF;
    /** Backward waits, counted in chunks completed walking backward. */
    final int[][] needPtrB;
    final int[][] needWorkerB;
    final int[][] needCountB;

    private FlowPlan(int workers, int[][] chunkLo, int[][] chunkHi, int[][][] forward, int[][][] backward) {
        this.workers = workers;
        this.chunkLo = chunkLo;
        this.chunkHi = chunkHi;
        this.needPtrF = forward[0];
        this.needWorkerF = forward[1];
        this.needCountF = forward[2];
        this.needPtrB = backward[0];
        this.needWorkerB = backward[1];
        this.needCountB = backward[2];
    }

    /**
     * @param blocks the block schedule
     * @param plan   the level plan over the same blocks, whose splits give each block its worker
     * @param grain  least work (rows plus entries) per chunk
     * @param lp     lower part's row pointers and columns (what a forward row reads)
     * @param up     upper part's row pointers and columns (what a backward row reads)
     */
    static FlowPlan of(BlockSchedule blocks, SchedulePlan plan, int grain, int[] lp, int[] lc, int[] up, int[] uc) {
        int threads = plan.threads;
        int[] levelPtr = blocks.levelPtr();
        int[] start = blocks.blockStart();
        int[] end = blocks.blockEnd();
        int nb = start.length;
        int n = blocks.size();
        int workers = 1;
        for (int p = 0; p < plan.phases(); p++) {
            workers = Math.max(workers, plan.parts[p]);
        }
        int[] owner = new int[nb];
        int[] chunkOf = new int[nb];
        List<List<int[]>> chunks = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            chunks.add(new ArrayList<>());
        }
        int stride = threads + 1;
        for (int p = 0; p < plan.phases(); p++) {
            if (plan.parts[p] == 1) {
                for (int g = plan.phaseGroup[p]; g < plan.phaseGroup[p + 1]; g++) {
                    addChunks(chunks.get(0), 0, levelPtr[g], levelPtr[g + 1], start, end, lp, up, grain, owner, chunkOf);
                }
            } else {
                int base = p * stride;
                for (int w = 0; w < plan.parts[p]; w++) {
                    addChunks(chunks.get(w), w, plan.split[base + w], plan.split[base + w + 1], start, end, lp, up, grain,
                            owner, chunkOf);
                }
            }
        }
        int[] count = new int[workers];
        int[][] chunkLo = new int[workers][];
        int[][] chunkHi = new int[workers][];
        for (int w = 0; w < workers; w++) {
            List<int[]> list = chunks.get(w);
            count[w] = list.size();
            chunkLo[w] = new int[list.size()];
            chunkHi[w] = new int[list.size()];
            for (int c = 0; c < list.size(); c++) {
                chunkLo[w][c] = list.get(c)[0];
                chunkHi[w][c] = list.get(c)[1];
            }
        }
        int[] blockOf = new int[n];
        for (int b = 0; b < nb; b++) {
            java.util.Arrays.fill(blockOf, start[b], end[b], b);
        }
        int[][][] forward = needs(workers, chunkLo, chunkHi, start, end, lp, lc, blockOf, owner, chunkOf, count, false);
        int[][][] backward = needs(workers, chunkLo, chunkHi, start, end, up, uc, blockOf, owner, chunkOf, count, true);
        return new FlowPlan(workers, chunkLo, chunkHi, forward, backward);
    }

    /** Cuts blocks {@code [lo, hi)} (one level) into runs of at least {@code grain} work. */
    private static void addChunks(List<int[]> list, int w, int lo, int hi, int[] start, int[] end, int[] lp, int[] up,
                                  int grain, int[] owner, int[] chunkOf) {
        int b = lo;
        while (b < hi) {
            int c = list.size();
            long work = 0;
            int e = b;
            while (e < hi && work < grain) {
                work += (end[e] - start[e]) + (long) (lp[end[e]] - lp[start[e]]) + (up[end[e]] - up[start[e]]);
                owner[e] = w;
                chunkOf[e] = c;
                e++;
            }
            list.add(new int[] {b, e});
            b = e;
        }
    }

    /**
     * For each chunk, the most chunks each other worker must have completed first: those holding a
     * block that the chunk's rows read through {@code (ptr, col)}. Backward counts are in chunks
     * completed walking backward.
     */
    private static int[][][] needs(int workers, int[][] chunkLo, int[][] chunkHi, int[] start, int[] end, int[] ptr,
                                   int[] col, int[] blockOf, int[] owner, int[] chunkOf, int[] count, boolean backward) {
        int[][] needPtr = new int[workers][];
        int[][] needWorker = new int[workers][];
        int[][] needCount = new int[workers][];
        int[] best = new int[workers];
        for (int w = 0; w < workers; w++) {
            int chunks = chunkLo[w].length;
            int[] p = new int[chunks + 1];
            int[] nw = new int[Math.max(4, chunks)];
            int[] nc = new int[nw.length];
            int size = 0;
            for (int c = 0; c < chunks; c++) {
                java.util.Arrays.fill(best, 0);
                for (int b = chunkLo[w][c]; b < chunkHi[w][c]; b++) {
                    for (int i = start[b]; i < end[b]; i++) {
                        for (int k = ptr[i]; k < ptr[i + 1]; k++) {
                            int d = blockOf[col[k]];
                            int v = owner[d];
                            if (v != w) {
                                int want = backward ? count[v] - chunkOf[d] : chunkOf[d] + 1;
                                best[v] = Math.max(best[v], want);
                            }
                        }
                    }
                }
                for (int v = 0; v < workers; v++) {
                    if (best[v] > 0) {
                        if (size == nw.length) {
                            nw = java.util.Arrays.copyOf(nw, 2 * size);
                            nc = java.util.Arrays.copyOf(nc, 2 * size);
                        }
                        nw[size] = v;
                        nc[size++] = best[v];
                    }
                }
                p[c + 1] = size;
            }
            needPtr[w] = p;
            needWorker[w] = java.util.Arrays.copyOf(nw, size);
            needCount[w] = java.util.Arrays.copyOf(nc, size);
        }
        return new int[][][] {needPtr, needWorker, needCount};
    }
}
