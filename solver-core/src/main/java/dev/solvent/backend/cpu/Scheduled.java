package dev.solvent.backend.cpu;

import dev.solvent.backend.SplitMatrix;
import dev.solvent.order.BlockSchedule;
import dev.solvent.order.ScheduledRows;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A recurrence's schedule for one backend's pool: natural-ordering blocks ({@link BlockSchedule})
 * over the matrix split into its lower and upper parts ({@link SplitMatrix}; for a triangular
 * factor the {@link ScheduledFactor} holds the parts), or a multicolour layout copied into colour
 * order ({@link ScheduledRows}); the plan that runs it; what it says in setup reports.
 */
final class Scheduled {

    /** Natural ordering: blocks of rows by level (null for the multicolour ordering). */
    final BlockSchedule blocks;
    /** Multicolour ordering: the matrix in colour order (null for the natural ordering). */
    final ScheduledRows rows;
    /** Natural-ordering relaxation: the matrix's parts (null for a factor and for the multicolour ordering). */
    final SplitMatrix split;
    final SchedulePlan plan;
    /** Natural ordering: the same levels run with point-to-point waits (the SSOR and IC passes); null otherwise. */
    final FlowPlan flow;
    /** Group g covers units {@code [groupPtr[g], groupPtr[g+1])} (levels over blocks, or colours over positions). */
    final int[] groupPtr;
    final Map<String, Object> report;

    private Scheduled(BlockSchedule blocks, ScheduledRows rows, SplitMatrix split, SchedulePlan plan, FlowPlan flow,
                      Map<String, Object> report) {
        this.blocks = blocks;
        this.rows = rows;
        this.split = split;
        this.plan = plan;
        this.flow = flow;
        this.groupPtr = blocks != null ? blocks.levelPtr() : rows.groupPtr();
        this.report = java.util.Collections.unmodifiableMap(report);
    }

    /**
     * @param lp the lower part (row pointers, columns) the forward pass reads, for the point-to-point
     *           waits; {@code up} the upper part the backward pass reads
     */
    static Scheduled natural(BlockSchedule blocks, SplitMatrix split, int[] rowPtr, int threads, int grain,
                             boolean withOrdering, int[] lp, int[] lc, int[] up, int[] uc) {
        SchedulePlan plan = SchedulePlan.of(blocks, rowPtr, threads, grain);
        FlowPlan flow = FlowPlan.of(blocks, plan, grain, lp, lc, up, uc);
        Map<String, Object> r = new LinkedHashMap<>();
        if (withOrdering) {
            r.put("ordering", "natural");
        }
        r.put("levels", blocks.levels());
        r.put("blocks", blocks.singleRows() ? "single rows" : blocks.blocks() + " runs of consecutive rows");
        describe(r, plan, "parallelLevels");
        return new Scheduled(blocks, null, split, plan, flow, r);
    }

    static Scheduled multicolour(ScheduledRows rows, int threads, int grain) {
        SchedulePlan plan = SchedulePlan.of(rows, threads, grain);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("ordering", "multicolour");
        r.put("colours", rows.groups());
        describe(r, plan, "parallelColours");
        return new Scheduled(null, rows, null, plan, null, r);
    }

    /** Threads, how many groups run split over them, and how many stretches of small groups the caller runs alone. */
    private static void describe(Map<String, Object> r, SchedulePlan plan, String parallelKey) {
        r.put("threads", plan.threads);
        r.put(parallelKey, plan.parallelPhases);
        r.put("serialStretches", plan.phases() - plan.parallelPhases);
    }
}
