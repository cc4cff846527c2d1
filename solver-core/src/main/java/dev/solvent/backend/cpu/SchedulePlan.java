package dev.solvent.backend.cpu;

import dev.solvent.order.BlockSchedule;
import dev.solvent.order.ScheduledRows;

/**
 * How a scheduled recurrence runs on a worker pool, fixed once per matrix and thread count. The
 * work is a list of UNITS (the blocks of a {@link BlockSchedule}, or the positions of a
 * {@link ScheduledRows}) grouped into groups (levels or colours) that must run in order. The plan is
 * a list of PHASES separated by the pool's join (each phase is one parallel region, or a stretch
 * the caller runs alone). A group whose work is worth splitting becomes one phase, its units split
 * over the workers balanced on {@code rows + entries}; consecutive groups too small to split are
 * run by the caller alone, in order, as one phase, since a join costs about as much as a few
 * hundred rows. A backward recurrence runs the phases in reverse order, and the units inside each
 * share from last to first.
 */
final class SchedulePlan {

    final int threads;
    /** Phase p covers groups {@code [phaseGroup[p], phaseGroup[p+1])}. */
    final int[] phaseGroup;
    /** Workers taking part in phase p; 1 means the caller alone. */
    final int[] parts;
    /** Worker w of phase p owns positions {@code [split[p (threads+1) + w], split[p (threads+1) + w + 1])}. */
    final int[] split;
    /** Phases run on more than one worker. */
    final int parallelPhases;

    private SchedulePlan(int threads, int[] phaseGroup, int[] parts, int[] split, int parallelPhases) {
        this.threads = threads;
        this.phaseGroup = phaseGroup;
        this.parts = parts;
        this.split = split;
        this.parallelPhases = parallelPhases;
    }

    int phases() {
        return parts.length;
    }

    /** The plan over the positions of a layout in schedule order (work: rows plus entries of both parts). */
    static SchedulePlan of(ScheduledRows rows, int threads, int grain) {
        int[] bp = rows.beforePtr();
        int[] ap = rows.afterPtr();
        long[] prefix = new long[rows.size() + 1];
        for (int t = 0; t <= rows.size(); t++) {
            prefix[t] = (long) t + bp[t] + ap[t];
        }
        return of(rows.groupPtr(), prefix, threads, grain);
    }

    /** The plan over the blocks of a block schedule on {@code rowPtr} (work: rows plus stored entries). */
    static SchedulePlan of(BlockSchedule blocks, int[] rowPtr, int threads, int grain) {
        int[] s = blocks.blockStart();
        int[] e = blocks.blockEnd();
        long[] prefix = new long[s.length + 1];
        for (int b = 0; b < s.length; b++) {
            prefix[b + 1] = prefix[b] + (e[b] - s[b]) + (rowPtr[e[b]] - rowPtr[s[b]]);
        }
        return of(blocks.levelPtr(), prefix, threads, grain);
    }

    /**
     * @param groupPtr group g holds units {@code [groupPtr[g], groupPtr[g+1])}
     * @param prefix   work of the units before unit u (length units + 1, non-decreasing)
     * @param grain    the least work per worker before a group is split
     */
    static SchedulePlan of(int[] groupPtr, long[] prefix, int threads, int grain) {
        int[] gp = groupPtr;
        int groups = gp.length - 1;
        int[] phaseGroup = new int[groups + 1];
        int[] parts = new int[groups];
        int phases = 0;
        int g = 0;
        while (g < groups) {
            int p = partsFor(gp, prefix, g, threads, grain);
            phaseGroup[phases] = g;
            if (p > 1) {
                parts[phases++] = p;
                g++;
                continue;
            }
            // A run of groups the caller does alone.
            while (g < groups && partsFor(gp, prefix, g, threads, grain) == 1) {
                g++;
            }
            parts[phases++] = 1;
        }
        phaseGroup[phases] = groups;
        int[] pg = java.util.Arrays.copyOf(phaseGroup, phases + 1);
        int[] pa = java.util.Arrays.copyOf(parts, phases);
        int stride = threads + 1;
        int[] split = new int[phases * stride];
        int parallel = 0;
        for (int q = 0; q < phases; q++) {
            int lo = gp[pg[q]];
            int hi = gp[pg[q + 1]];
            int base = q * stride;
            split[base] = lo;
            if (pa[q] > 1) {
                parallel++;
                long c0 = prefix[lo];
                long total = prefix[hi] - c0;
                for (int w = 1; w < pa[q]; w++) {
                    long target = c0 + total * w / pa[q];
                    int a = lo;
                    int b = hi;
                    while (a < b) {
                        int mid = (a + b) >>> 1;
                        if (prefix[mid] < target) {
                            a = mid + 1;
                        } else {
                            b = mid;
                        }
                    }
                    split[base + w] = Math.max(split[base + w - 1], a);
                }
            }
            for (int w = Math.max(1, pa[q]); w <= threads; w++) {
                split[base + w] = hi;
            }
        }
        return new SchedulePlan(threads, pg, pa, split, parallel);
    }

    private static int partsFor(int[] gp, long[] prefix, int g, int threads, int grain) {
        long work = prefix[gp[g + 1]] - prefix[gp[g]];
        int units = gp[g + 1] - gp[g];
        return (int) Math.max(1, Math.min(Math.min(threads, units), work / Math.max(1, grain)));
    }
}
