package dev.solvent.backend.cpu;

import dev.solvent.order.BlockSchedule;

/**
 * A level-scheduled recurrence run without a join between levels: each worker walks its own
 * SEGMENTS (its share of the blocks of one level, levels in order) and, before a segment, waits only
 * until every block of another worker that the segment reads is finished, which it learns from that
 * worker's progress counter (segments completed so far). Point-to-point synchronisation in place of
 * a barrier per level: a worker runs ahead as far as the dependencies allow, a join costs nothing
 * when the data are ready, and one thread that the operating system deschedules stalls only those
 * that need its rows, and only once they need them.
 *
 * <p>The blocks each worker owns are those a {@link SchedulePlan} gives it (a level's share split on
 * work; a level too small to split goes to worker 0), so a forward pass computes exactly what the
 * level-by-level schedule computes. The backward pass walks each worker's segments in reverse and
 * waits on the blocks after its own that it reads.
 *
 * <p>Dependencies are read from the lower part (forward) and the upper part (backward) of the
 * operator whose rows the kernels read: a row of block b reads the rows named by its stored
 * entries, so b waits for the blocks holding them.
 */
final class FlowPlan {

    /** Workers taking part (1: the caller alone, no synchronisation at all). */
    final int workers;
    /** Segments of worker w: blocks {@code [segLo[w][s], segHi[w][s])}, one level each, in level order. */
    final int[][] segLo;
    final int[][] segHi;
    /** Forward: before segment s, worker v must have completed {@code needForward[w][s * workers + v]} segments. */
    final int[][] needForward;
    /** Backward (segments walked from last to first): completed backward segments of v needed. */
    final int[][] needBackward;

    private FlowPlan(int workers, int[][] segLo, int[][] segHi, int[][] needForward, int[][] needBackward) {
        this.workers = workers;
        this.segLo = segLo;
        this.segHi = segHi;
        this.needForward = needForward;
        this.needBackward = needBackward;
    }

    /**
     * @param blocks the block schedule
     * @param plan   the level plan over the same blocks, whose splits give each block its worker
     * @param lp     lower part's row pointers and columns (what a forward row reads)
     * @param up     upper part's row pointers and columns (what a backward row reads)
     */
    static FlowPlan of(BlockSchedule blocks, SchedulePlan plan, int[] lp, int[] lc, int[] up, int[] uc) {
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
        // Owner and segment index of each block; segments per worker.
        int[] owner = new int[nb];
        int[] segment = new int[nb];
        int[] count = new int[workers];
        int stride = threads + 1;
        java.util.List<java.util.List<int[]>> segs = new java.util.ArrayList<>();
        for (int w = 0; w < workers; w++) {
            segs.add(new java.util.ArrayList<>());
        }
        for (int p = 0; p < plan.phases(); p++) {
            if (plan.parts[p] == 1) {
                for (int g = plan.phaseGroup[p]; g < plan.phaseGroup[p + 1]; g++) {
                    addSegment(segs, 0, levelPtr[g], levelPtr[g + 1], owner, segment, count);
                }
            } else {
                int base = p * stride;
                for (int w = 0; w < plan.parts[p]; w++) {
                    int lo = plan.split[base + w];
                    int hi = plan.split[base + w + 1];
                    if (lo < hi) {
                        addSegment(segs, w, lo, hi, owner, segment, count);
                    }
                }
            }
        }
        int[] blockOf = new int[n];
        for (int b = 0; b < nb; b++) {
            java.util.Arrays.fill(blockOf, start[b], end[b], b);
        }
        int[][] segLo = new int[workers][];
        int[][] segHi = new int[workers][];
        int[][] needF = new int[workers][];
        int[][] needB = new int[workers][];
        for (int w = 0; w < workers; w++) {
            java.util.List<int[]> list = segs.get(w);
            segLo[w] = new int[list.size()];
            segHi[w] = new int[list.size()];
            needF[w] = new int[list.size() * workers];
            needB[w] = new int[list.size() * workers];
            for (int s = 0; s < list.size(); s++) {
                segLo[w][s] = list.get(s)[0];
                segHi[w][s] = list.get(s)[1];
            }
        }
        for (int b = 0; b < nb; b++) {
            int w = owner[b];
            int s = segment[b];
            for (int i = start[b]; i < end[b]; i++) {
                for (int k = lp[i]; k < lp[i + 1]; k++) {
                    int c = blockOf[lc[k]];
                    int v = owner[c];
                    if (v != w) {
                        int idx = s * workers + v;
                        needF[w][idx] = Math.max(needF[w][idx], segment[c] + 1);
                    }
                }
                for (int k = up[i]; k < up[i + 1]; k++) {
                    int c = blockOf[uc[k]];
                    int v = owner[c];
                    if (v != w) {
                        int idx = s * workers + v;
                        needB[w][idx] = Math.max(needB[w][idx], count[v] - segment[c]);
                    }
                }
            }
        }
        return new FlowPlan(workers, segLo, segHi, needF, needB);
    }

    private static void addSegment(java.util.List<java.util.List<int[]>> segs, int w, int lo, int hi, int[] owner,
                                   int[] segment, int[] count) {
        int s = segs.get(w).size();
        segs.get(w).add(new int[] {lo, hi});
        for (int b = lo; b < hi; b++) {
            owner[b] = w;
            segment[b] = s;
        }
        count[w] = s + 1;
    }
}
