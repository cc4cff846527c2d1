package dev.solvent.backend.cpu;

import dev.solvent.backend.BoundOperator;
import dev.solvent.backend.TriangularFactor;
import dev.solvent.matrix.CsrMatrix;
import dev.solvent.matrix.LinearOperator;
import dev.solvent.order.BlockSchedule;
import java.util.Map;

/**
 * A lower-triangular factor bound to a {@link ParallelCpuBackend} for
 * {@link ParallelCpuBackend#choleskySolveDot}: the factor rewritten for the two gathers
 * ({@link TriangularFactor}), its block level schedule ({@link BlockSchedule#ofLower}) and the plan
 * that runs the levels on the backend's pool, all built once here.
 */
public final class ScheduledFactor implements BoundOperator {

    final ParallelCpuBackend owner;
    final TriangularFactor factor;
    final Scheduled scheduled;

    ScheduledFactor(CsrMatrix lower, ParallelCpuBackend owner, int threads, int grain) {
        this.owner = owner;
        this.factor = new TriangularFactor(lower);
        BlockSchedule blocks = BlockSchedule.ofLower(lower, ParallelCsr.wantedParallelism(threads));
        this.scheduled = Scheduled.natural(blocks, null, lower.rowPtr(), threads, grain, false, factor.lowerPtr(),
                factor.lowerCol(), factor.upperPtr(), factor.upperCol());
    }

    @Override
    public LinearOperator source() {
        return factor.source();
    }

    /** Levels, blocks, threads, and how many levels run split over the threads. */
    @Override
    public Map<String, Object> report() {
        return scheduled.report;
    }

    /** Number of dependency levels of the factor's block schedule. */
    public int levels() {
        return scheduled.blocks.levels();
    }
}
