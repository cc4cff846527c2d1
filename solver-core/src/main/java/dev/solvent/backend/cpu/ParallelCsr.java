package dev.solvent.backend.cpu;

import dev.solvent.backend.HostCsr;
import dev.solvent.backend.SplitMatrix;
import dev.solvent.matrix.CsrMatrix;
import dev.solvent.order.BlockSchedule;
import dev.solvent.order.Ordering;
import dev.solvent.order.ScheduledRows;

/**
 * A {@link CsrMatrix} bound to a {@link ParallelCpuBackend}: the matrix, its row split over the
 * backend's workers (computed once here, at bind time), and, inherited from {@link HostCsr}, the
 * diagonal positions. For the relaxation kernels it keeps, per ordering, a copy of the matrix in
 * schedule order with its plan ({@link #relaxation}), made when a solver prepares it or on first use.
 *
 * <p>The split balances the cost {@code nonzeros + rows} of each worker's row range: the nonzeros
 * carry the matrix traffic and the gathers, the row term keeps long runs of empty rows (which still
 * write y) from landing on one worker. Interior boundaries are rounded to a multiple of 8 rows, so
 * two workers never write the same 64-byte line of y except where the array itself straddles one.
 */
public final class ParallelCsr extends HostCsr {

    final ParallelCpuBackend owner;
    /** Worker w owns rows {@code [split[w], split[w + 1])}; length threads + 1. */
    final int[] split;
    /** Workers with a non-empty share; 1 means the kernels run on the caller alone. */
    final int parts;

    ParallelCsr(CsrMatrix matrix, ParallelCpuBackend owner, int threads, int grain) {
        super(matrix);
        this.owner = owner;
        int[] rp = matrix.rowPtr();
        int rows = matrix.rows();
        long total = (long) rp[rows] + rows;
        this.parts = (int) Math.max(1, Math.min(threads, (total + grain - 1) / Math.max(1, grain)));
        this.split = balancedSplit(rp, rows, parts, threads);
    }

    /**
     * Splits rows into {@code parts} ranges of about equal {@code rp[i] + i}, the cumulative cost,
     * padded to {@code threads + 1} entries (workers beyond {@code parts} get empty ranges).
     */
    static int[] balancedSplit(int[] rp, int rows, int parts, int threads) {
        int[] split = new int[threads + 1];
        long total = (long) rp[rows] + rows;
        for (int w = 1; w < parts; w++) {
            long target = total * w / parts;
            // Smallest row i with cost(i) = rp[i] + i >= target; cost is strictly increasing in i.
            int lo = 0;
            int hi = rows;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if ((long) rp[mid] + mid < target) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            int aligned = (int) Math.min(rows, ((long) lo + 4) & ~7L);
            split[w] = Math.max(split[w - 1], aligned);
        }
        for (int w = Math.max(1, parts); w <= threads; w++) {
            split[w] = rows;
        }
        return split;
    }

    /**
     * The parallelism (rows over the critical path) a block schedule is asked for: the thread count.
     * The passes that matter (SSOR, IC(0)) synchronise point to point, so a worker does not wait at
     * the end of each level for the others and a level need not split evenly; fewer, longer blocks
     * then won (measured on 128^3 Poisson, 2 threads: 1.5x to 1.75x from 1 to 2 threads for IC(0)
     * with the thread count, 1.45x to 1.6x when asking for 2 or 4 times as much). On one thread the
     * whole matrix is one block, the plain loop.
     */
    static int wantedParallelism(int threads) {
        return threads;
    }

    private Scheduled scheduledNatural;
    private Scheduled scheduledMulticolour;

    /**
     * The schedule of {@code ordering} with its plan, built on first use: blocks of rows by
     * dependency level over the matrix split into its lower and upper parts for the natural
     * ordering, a copy in colour order for the multicolour one.
     *
     * @throws IllegalArgumentException if a diagonal entry is missing or zero, or the matrix is not square
     */
    synchronized Scheduled relaxation(Ordering ordering) {
        if (ordering == Ordering.NATURAL) {
            if (scheduledNatural == null) {
                diagonalPositions();
                int threads = split.length - 1;
                SplitMatrix parts = new SplitMatrix(matrix());
                scheduledNatural = Scheduled.natural(BlockSchedule.of(matrix(), wantedParallelism(threads)), parts,
                        matrix().rowPtr(), threads, owner.grain(), true, parts.lowerPtr(), parts.lowerCol(),
                        parts.upperPtr(), parts.upperCol());
            }
            return scheduledNatural;
        }
        if (scheduledMulticolour == null) {
            diagonalPositions();
            ScheduledRows rows = ScheduledRows.relaxation(matrix(), multicolour());
            scheduledMulticolour = Scheduled.multicolour(rows, split.length - 1, owner.grain());
        }
        return scheduledMulticolour;
    }

    /** A copy of the row split: worker w owns rows {@code [s[w], s[w + 1])}. */
    public int[] rowSplit() {
        return split.clone();
    }

    /** Number of workers that own rows. */
    public int parts() {
        return parts;
    }
}
