package dev.solvent.backend.cpu;

import dev.solvent.backend.HostBackend;
import dev.solvent.backend.BoundOperator;
import dev.solvent.backend.HostCsr;
import dev.solvent.backend.HostVector;
import dev.solvent.backend.SequentialKernels;
import dev.solvent.backend.Vector;
import dev.solvent.matrix.CsrMatrix;
import dev.solvent.matrix.LinearOperator;
import dev.solvent.matrix.Stencil7Operator;
import dev.solvent.order.Ordering;
import dev.solvent.order.ScheduledRows;
import dev.solvent.backend.SweepDirection;
import java.lang.ref.Cleaner;
import java.util.Map;

/**
 * The multithreaded CPU backend ({@code cpu}): Java heap vectors ({@link HostVector}, so
 * {@link #wrap} aliases the caller's array), kernels split over a {@link WorkerPool} whose calling
 * thread is worker 0.
 *
 * <p><b>Partitioning.</b> Vector kernels split {@code [0, n)} into even ranges whose length is a
 * multiple of 8 doubles (64 bytes), so workers do not write the same cache line except where the
 * array's own placement makes one straddle a boundary. CSR kernels split rows balanced on
 * nonzeros, computed once by {@link #bind} and kept in the {@link ParallelCsr}; a
 * {@link Stencil7Operator} is bound as a stencil ({@link BoundStencil}, split by grid lines) and
 * never assembled; any other {@link LinearOperator} runs its own {@code apply} on the caller.
 * Work is split into at most {@code threads} shares of at least {@code grain} elements; a kernel
 * with fewer shares wakes only that many workers, and one with a single share runs on the caller
 * alone: a hand-off costs about as much as a few thousand flops.
 *
 * <p><b>Reductions</b> go through per-worker partial sums, each on its own 64-byte line, added in
 * worker order on the caller: a result is deterministic for a given thread count (and grain). It
 * differs from the reference backend's single running sum only by rounding.
 *
 * <p><b>Recurrences.</b> SOR sweeps, the SSOR preconditioner and the IC(0)/MIC(0) triangular
 * solves are recurrences (row i may need rows before it). They run SCHEDULED:
 * <ul>
 *   <li>natural ordering: the rows are cut into blocks of consecutive rows and the blocks grouped by
 *       dependency level ({@link dev.solvent.order.BlockSchedule}: on a 3D grid, runs of grid
 *       lines; single rows where lines leave no parallelism); the blocks of a level are shared out
 *       over the workers ({@link SchedulePlan}), each block's rows in natural order. SOR sweeps run
 *       the levels one after another with a join between them; the SSOR and IC(0) passes need no
 *       join per level: each worker waits only until the other workers have finished the blocks
 *       its next level reads ({@link FlowPlan}, point-to-point). SSOR and SOR read a copy of A split into its lower and upper parts
 *       with each row divided by its diagonal ({@link dev.solvent.backend.SplitMatrix}); the
 *       triangular solves read the factor as {@link dev.solvent.backend.TriangularFactor} gives it.
 *       Every row sees exactly the values of the row-by-row recurrence, so results equal the
 *       reference backend's to rounding. On one thread the whole matrix is one block: the plain
 *       loop, without joins.</li>
 *   <li>multicolour ordering: the rows of a colour ({@link dev.solvent.order.MulticolorOrdering})
 *       split over the workers, from a copy of the matrix in colour order
 *       ({@link ScheduledRows}), colours one after another; a different method, equal to the
 *       reference's sequential colour-ordered sweep to rounding.</li>
 * </ul>
 * Vectors keep their natural numbering. The schedule and the copies are made once per matrix:
 * {@link #bindTriangularFactor} for a factor, {@link #prepareRelaxation} (or the first sweep) for
 * relaxation. A factor bound with plain {@link #bind} still works, solved row by row on the caller.
 *
 * <p><b>Threading.</b> Kernel entry points are synchronized: one kernel runs at a time per backend
 * (see the {@link dev.solvent.backend.Backend} contract), because they share the pool, the
 * preallocated task objects and the partial-sum array. No kernel call allocates. Any
 * {@link HostVector} is accepted; operators bound by another backend are rejected (their split was
 * made for its thread count); x and y of an operator kernel must be different arrays.
 *
 * <p><b>Lifetime.</b> {@link #close} stops the worker threads; every kernel, even one small enough
 * to run on the caller alone, then throws {@link IllegalStateException}. A backend that becomes
 * unreachable without being closed has its threads stopped by a {@link Cleaner} (the workers are
 * daemon threads besides, so they never keep the JVM alive).
 *
 * <p><b>Memory traffic</b> per call, n the vector length, in bytes (the floor the kernels run
 * against; a matrix-free stencil moves no matrix):
 * <table>
 *   <caption>bytes moved per kernel</caption>
 *   <tr><td>fill</td><td>8n</td></tr>
 *   <tr><td>copy, scale</td><td>16n</td></tr>
 *   <tr><td>dot</td><td>16n</td></tr>
 *   <tr><td>axpy, cgDirection, diagonalScaleDot</td><td>24n</td></tr>
 *   <tr><td>cgUpdate</td><td>48n (reads p, q, x, r; writes x, r)</td></tr>
 *   <tr><td>apply, applyDot (CSR)</td><td>12 nnz + 4 (n + 1) + 16n (x at least once, y once)</td></tr>
 *   <tr><td>residual (CSR)</td><td>12 nnz + 4 (n + 1) + 24n</td></tr>
 *   <tr><td>apply, applyDot (stencil)</td><td>16n (x once when three z-planes fit in cache)</td></tr>
 *   <tr><td>residual (stencil)</td><td>24n</td></tr>
 *   <tr><td>choleskySolveDot (scheduled, natural)</td><td>2 (12 e + 4n) + 48n, e the strictly lower entries of L
 *       (7-point: 128n)</td></tr>
 *   <tr><td>ssorApplyDot (scheduled, natural)</td><td>12 (nnz - n) + 8n + 56n</td></tr>
 *   <tr><td>sorSweep, one direction (natural)</td><td>12 (nnz - n) + 16n + 32n</td></tr>
 *   <tr><td>applyAdd (CSR, rows x cols)</td><td>12 nnz + 4 (rows + 1) + 8 cols + 16 rows</td></tr>
 *   <tr><td>smootherStep (CSR / stencil)</td><td>12 nnz + 4 (n + 1) + 56n / 56n; 32n from x = 0</td></tr>
 * </table>
 */
public final class ParallelCpuBackend extends HostBackend {

    /** Default minimum elements (or nonzeros plus rows) per worker before a kernel is split. */
    public static final int DEFAULT_GRAIN = 4096;

    /** Doubles between two workers' partial sums: one 64-byte line each. */
    private static final int PAD = 8;

    private static final int FILL = 0;
    private static final int COPY = 1;
    private static final int DOT = 2;
    private static final int AXPY = 3;
    private static final int SCALE = 4;
    private static final int CG_DIRECTION = 5;
    private static final int CG_UPDATE = 6;
    private static final int DIAGONAL_SCALE_DOT = 7;
    private static final int SUBTRACT_FROM_DOT = 8;
    private static final int SMOOTHER_START = 9;
    private static final int SMOOTHER_TAIL = 10;

    /** Stops the pools of backends that were dropped without close(). */
    private static final Cleaner CLEANER = Cleaner.create();

    private final WorkerPool pool;
    /** Closes the pool: at close(), or when the backend has become unreachable. Holds the pool, never this. */
    private final Cleaner.Cleanable poolCloser;
    private final int threads;
    private final int grain;
    /** Worker w's partial sum lives at {@code (w + 1) * PAD}; the first line is padding. */
    private final double[] partials;
    private final VectorTask vectorTask = new VectorTask();
    private final CsrTask csrTask = new CsrTask();
    private final StencilTask stencilTask = new StencilTask();
    private final ScheduleTask scheduleTask = new ScheduleTask();
    /**
     * Arguments of the multigrid kernels beyond (b, x, y), set by the caller before a dispatch and
     * cleared after it (the pool's dispatch publishes them to the workers).
     */
    private double argAlpha;
    private double argC1;
    private double argC2;
    private double[] argDinv;
    private double[] argD;
    private double[] argX;

    /** A backend with {@link Runtime#availableProcessors()} threads. */
    public ParallelCpuBackend() {
        this(Runtime.getRuntime().availableProcessors());
    }

    /** A backend with {@code threads} threads (the caller included) and the default grain. */
    public ParallelCpuBackend(int threads) {
        this(threads, DEFAULT_GRAIN);
    }

    /**
     * @param threads threads taking part in each kernel, the caller included (at least 1)
     * @param grain   minimum elements per worker before a kernel is split further; 1 splits every
     *                kernel over all threads (tests use that to exercise the split on small inputs)
     */
    public ParallelCpuBackend(int threads, int grain) {
        if (threads < 1) {
            throw new IllegalArgumentException("the cpu backend needs at least one thread, got " + threads);
        }
        if (grain < 1) {
            throw new IllegalArgumentException("grain must be at least 1, got " + grain);
        }
        this.threads = threads;
        this.grain = grain;
        this.partials = new double[(threads + 2) * PAD];
        this.progress = new java.util.concurrent.atomic.AtomicIntegerArray(threads * 16);
        this.pool = new WorkerPool(threads);
        this.poolCloser = CLEANER.register(this, pool::close);
    }

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public int threads() {
        return threads;
    }

    /** Minimum elements per worker before a kernel is split. */
    public int grain() {
        return grain;
    }

    /** The pool the kernels run on (its threads are named after {@link WorkerPool#name()}). */
    public WorkerPool pool() {
        return pool;
    }

    /**
     * A {@link CsrMatrix} becomes a {@link ParallelCsr} (row split computed now), a
     * {@link Stencil7Operator} a {@link BoundStencil}; anything else is applied by its own
     * {@code apply} on the calling thread.
     */
    @Override
    public BoundOperator bind(LinearOperator op) {
        ensureOpen();
        if (op instanceof CsrMatrix) {
            return new ParallelCsr((CsrMatrix) op, this, threads, grain);
        }
        if (op instanceof Stencil7Operator) {
            return new BoundStencil((Stencil7Operator) op, this, threads, grain);
        }
        java.util.Objects.requireNonNull(op, "operator");
        return new Opaque(op);
    }

    /** An operator the backend has no kernel for. */
    private static final class Opaque implements BoundOperator {
        private final LinearOperator op;

        Opaque(LinearOperator op) {
            this.op = op;
        }

        @Override
        public LinearOperator source() {
            return op;
        }
    }

    // ---- BLAS-1 ------------------------------------------------------------------------------

    /** {@code x[i] = value}. Moves 8n bytes. */
    @Override
    public synchronized void fill(Vector x, double value) {
        double[] a = HostVector.of(x);
        vector(FILL, a.length, value, a, null, null, null);
    }

    /** {@code dst = src}. Moves 16n bytes. */
    @Override
    public synchronized void copy(Vector src, Vector dst) {
        double[] s = HostVector.of(src);
        double[] d = HostVector.of(dst);
        checkLength(s, d);
        vector(COPY, s.length, 0.0, s, d, null, null);
    }

    /** Returns {@code x . y}. Moves 16n bytes. */
    @Override
    public synchronized double dot(Vector x, Vector y) {
        double[] a = HostVector.of(x);
        double[] b = HostVector.of(y);
        checkLength(a, b);
        return vector(DOT, a.length, 0.0, a, b, null, null);
    }

    /** {@code y = y + alpha x}. Moves 24n bytes. */
    @Override
    public synchronized void axpy(double alpha, Vector x, Vector y) {
        double[] a = HostVector.of(x);
        double[] b = HostVector.of(y);
        checkLength(a, b);
        vector(AXPY, a.length, alpha, a, b, null, null);
    }

    /** {@code x = alpha x}. Moves 16n bytes. */
    @Override
    public synchronized void scale(double alpha, Vector x) {
        double[] a = HostVector.of(x);
        vector(SCALE, a.length, alpha, a, null, null, null);
    }

    // ---- operator kernels --------------------------------------------------------------------

    /**
     * {@code y = A x}. CSR: {@code 12 nnz + 4 (n + 1) + 16n} bytes; stencil: {@code 16n}; other
     * operators: whatever their {@code apply} moves, on the caller.
     */
    @Override
    public synchronized void apply(BoundOperator a, Vector x, Vector y) {
        double[] xx = HostVector.of(x);
        double[] yy = HostVector.of(y);
        checkApply(a, xx, yy);
        operator(CpuKernels.APPLY, a, null, xx, yy);
    }

    /**
     * {@code q = A p}, returning {@code p . q} summed inside the same loop (each {@code q_i} is
     * dotted with {@code p_i} as it is produced). CSR: {@code 12 nnz + 4 (n + 1) + 16n} bytes;
     * stencil: {@code 16n}; other operators: their apply on the caller, then a parallel dot (16n).
     */
    @Override
    public synchronized double applyDot(BoundOperator a, Vector p, Vector q) {
        double[] pp = HostVector.of(p);
        double[] qq = HostVector.of(q);
        checkApply(a, pp, qq);
        checkLength(pp, qq);
        return operator(CpuKernels.APPLY_DOT, a, null, pp, qq);
    }

    /**
     * {@code r = b - A x}, returning {@code r . r}, in one pass. CSR: {@code 12 nnz + 4 (n + 1) + 24n}
     * bytes; stencil: {@code 24n}; other operators: their apply into r on the caller, then a
     * parallel {@code r = b - r} with the sum (24n).
     */
    @Override
    public synchronized double residual(BoundOperator a, Vector b, Vector x, Vector r) {
        double[] bb = HostVector.of(b);
        double[] xx = HostVector.of(x);
        double[] rr = HostVector.of(r);
        checkApply(a, xx, rr);
        checkLength(bb, rr);
        checkDistinct("residual", "b", bb, "r", rr);
        return operator(CpuKernels.RESIDUAL, a, bb, xx, rr);
    }

    // ---- fused CG steps ----------------------------------------------------------------------

    /** cg.step1: {@code p = z + beta p}. Moves 24n bytes. */
    @Override
    public synchronized void cgDirection(Vector z, double beta, Vector p) {
        double[] zz = HostVector.of(z);
        double[] pp = HostVector.of(p);
        checkLength(zz, pp);
        vector(CG_DIRECTION, pp.length, beta, zz, pp, null, null);
    }

    /** cg.step2: {@code x += alpha p; r -= alpha q}; returns {@code r . r}, one pass, 48n bytes. */
    @Override
    public synchronized double cgUpdate(double alpha, Vector p, Vector q, Vector x, Vector r) {
        double[] pp = HostVector.of(p);
        double[] qq = HostVector.of(q);
        double[] xx = HostVector.of(x);
        double[] rr = HostVector.of(r);
        checkLength(pp, qq);
        checkLength(pp, xx);
        checkLength(pp, rr);
        checkCgUpdateDistinct(pp, qq, xx, rr);
        return vector(CG_UPDATE, pp.length, alpha, pp, qq, xx, rr);
    }

    /** Jacobi: {@code z = d .* r}; returns {@code r . z}, one pass, 24n bytes. */
    @Override
    public synchronized double diagonalScaleDot(Vector d, Vector r, Vector z) {
        double[] dd = HostVector.of(d);
        double[] rr = HostVector.of(r);
        double[] zz = HostVector.of(z);
        checkLength(dd, rr);
        checkLength(dd, zz);
        checkDistinct("diagonalScaleDot", "r", rr, "z", zz);
        checkDistinct("diagonalScaleDot", "d", dd, "z", zz);
        return vector(DIAGONAL_SCALE_DOT, dd.length, 0.0, dd, rr, zz, null);
    }

    // ---- scheduled recurrences ---------------------------------------------------------------

    /** Binds the factor with its level schedule and transpose in level order ({@link ScheduledFactor}). */
    @Override
    public BoundOperator bindTriangularFactor(CsrMatrix lower) {
        ensureOpen();
        java.util.Objects.requireNonNull(lower, "lower");
        return new ScheduledFactor(lower, this, threads, grain);
    }

    /** Builds the schedule and the copy in schedule order now; returns levels or colours and threads. */
    @Override
    public Map<String, Object> prepareRelaxation(BoundOperator a, Ordering ordering) {
        ensureOpen();
        return relaxationOf(a, "relaxation").relaxation(ordering).report;
    }

    /** One natural-order SOR sweep, level-scheduled. */
    @Override
    public void sorSweep(BoundOperator a, Vector b, Vector x, double omega, SweepDirection direction) {
        sorSweep(a, b, x, omega, direction, Ordering.NATURAL);
    }

    /** One SOR sweep in the given ordering, groups (levels or colours) in order, their rows in parallel. */
    @Override
    public synchronized void sorSweep(BoundOperator a, Vector b, Vector x, double omega, SweepDirection direction,
                                      Ordering ordering) {
        ensureOpen();
        Scheduled s = relaxationOf(a, "SOR").relaxation(ordering);
        double[] bb = HostVector.of(b);
        double[] xx = HostVector.of(x);
        checkDistinct("SOR", "b", bb, "x", xx);
        int n = a.rows();
        if (bb.length != n || xx.length != n) {
            throw new IllegalArgumentException("SOR on a " + n + " x " + n + " matrix got vectors of length "
                    + bb.length + " and " + xx.length);
        }
        ScheduleTask t = scheduleTask;
        t.set(s, omega, 0.0, bb, xx);
        try {
            if (direction != SweepDirection.BACKWARD) {
                t.mode = ScheduleTask.SOR_FORWARD;
                runSchedule(t, s.plan, false);
            }
            if (direction != SweepDirection.FORWARD) {
                t.mode = ScheduleTask.SOR_BACKWARD;
                runSchedule(t, s.plan, true);
            }
        } finally {
            t.clear();
        }
    }

    /** The natural-order SSOR preconditioner, level-scheduled. */
    @Override
    public double ssorApplyDot(BoundOperator a, Vector r, Vector z, double omega) {
        return ssorApplyDot(a, r, z, omega, Ordering.NATURAL);
    }

    /** The SSOR preconditioner in the given ordering, the forward pass over the groups in order, the backward pass reversed. */
    @Override
    public synchronized double ssorApplyDot(BoundOperator a, Vector r, Vector z, double omega, Ordering ordering) {
        ensureOpen();
        Scheduled s = relaxationOf(a, "SSOR").relaxation(ordering);
        double[] rr = HostVector.of(r);
        double[] zz = HostVector.of(z);
        checkDistinct("SSOR", "r", rr, "z", zz);
        int n = a.rows();
        if (rr.length != n || zz.length != n) {
            throw new IllegalArgumentException("SSOR on a " + n + " x " + n + " matrix got vectors of length "
                    + rr.length + " and " + zz.length);
        }
        ScheduleTask t = scheduleTask;
        t.set(s, omega, omega * (2.0 - omega), rr, zz);
        try {
            t.mode = ScheduleTask.SSOR_FORWARD;
            if (s.flow != null) {
                runFlow(t, s.flow);
                t.mode = ScheduleTask.SSOR_BACKWARD;
                return runFlow(t, s.flow);
            }
            runSchedule(t, s.plan, false);
            t.mode = ScheduleTask.SSOR_BACKWARD;
            return runSchedule(t, s.plan, true);
        } finally {
            t.clear();
        }
    }

    /**
     * {@code L L^T z = r} with {@code r . z}: level-scheduled for a factor bound by
     * {@link #bindTriangularFactor}, row by row on the caller for one bound by {@link #bind}.
     */
    @Override
    public synchronized double choleskySolveDot(BoundOperator lower, Vector r, Vector z) {
        ensureOpen();
        if (!(lower instanceof ScheduledFactor)) {
            if (lower instanceof HostCsr && !(lower instanceof ParallelCsr)) {
                throw new IllegalArgumentException("factor was bound by another backend: bind it with this one");
            }
            if (lower instanceof ParallelCsr) {
                checkOwner(((ParallelCsr) lower).owner);
            }
            return super.choleskySolveDot(lower, r, z);
        }
        ScheduledFactor f = (ScheduledFactor) lower;
        if (f.owner != this) {
            throw new IllegalArgumentException("factor was bound by another backend: bind it with this one");
        }
        double[] rr = HostVector.of(r);
        double[] zz = HostVector.of(z);
        checkDistinct("triangular solve", "r", rr, "z", zz);
        int n = f.factor.rows();
        if (rr.length != n || zz.length != n) {
            throw new IllegalArgumentException("triangular solve with a " + n + " x " + n
                    + " factor got vectors of length " + rr.length + " and " + zz.length);
        }
        ScheduleTask t = scheduleTask;
        t.setFactor(f, rr, zz);
        try {
            t.mode = ScheduleTask.CHOLESKY_FORWARD;
            double dot = runFlow(t, f.scheduled.flow);
            t.mode = ScheduleTask.CHOLESKY_BACKWARD;
            runFlow(t, f.scheduled.flow);
            return dot;
        } finally {
            t.clear();
        }
    }

    /** Spin iterations before a waiting worker starts yielding its processor. */
    private static final int FLOW_SPINS = 1 << 10;
    /** Progress counters of the point-to-point schedule, one 64-byte line apart (stride 16 ints). */
    private final java.util.concurrent.atomic.AtomicIntegerArray progress;
    /** Set when a worker of a point-to-point region failed, so that the others stop waiting for it. */
    private volatile boolean flowFailed;

    /**
     * Runs one pass (the task's mode says which) of a point-to-point plan: each worker walks its
     * segments, waiting before each only for the other workers' progress it needs (see
     * {@link FlowPlan}). Returns the sum of the workers' partial results in worker order.
     */
    private double runFlow(ScheduleTask t, FlowPlan f) {
        boolean backward = t.isBackward();
        if (f.workers == 1) {
            int[] lo = f.chunkLo[0];
            int[] hi = f.chunkHi[0];
            double sum = 0.0;
            for (int q = 0; q < lo.length; q++) {
                int c = backward ? lo.length - 1 - q : q;
                sum += t.range(lo[c], hi[c]);
            }
            return sum;
        }
        double[] ps = partials;
        for (int w = 0; w < f.workers; w++) {
            ps[(w + 1) * PAD] = 0.0;
            progress.set(w * 16, 0);
        }
        flowFailed = false;
        t.flow = f;
        try {
            pool.run(t, f.workers);
        } finally {
            t.flow = null;
        }
        return sumPartials(f.workers);
    }

    /** Waits until worker v has completed {@code want} chunks; false when another worker failed. */
    private boolean awaitProgress(int v, int want) {
        int spins = 0;
        while (progress.get(v * 16) < want) {
            if (flowFailed) {
                return false;
            }
            if (++spins < FLOW_SPINS) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
        return true;
    }

    private ParallelCsr relaxationOf(BoundOperator a, String kernel) {
        if (a instanceof ParallelCsr) {
            ParallelCsr m = (ParallelCsr) a;
            checkOwner(m.owner);
            return m;
        }
        if (a instanceof HostCsr) {
            throw new IllegalArgumentException("operator was bound by another backend: bind it with this one");
        }
        throw new UnsupportedOperationException(kernel + " needs an assembled CsrMatrix, got "
                + a.source().getClass().getSimpleName());
    }

    /**
     * Runs the phases of {@code plan} (reversed for a backward recurrence): a phase of one part on
     * the caller, others on the pool. Returns the sum of the workers' partial results in worker
     * order (deterministic for a given thread count and grain).
     */
    private double runSchedule(ScheduleTask t, SchedulePlan plan, boolean reverse) {
        double[] ps = partials;
        for (int w = 1; w <= threads; w++) {
            ps[w * PAD] = 0.0;
        }
        int phases = plan.phases();
        int stride = threads + 1;
        t.split = plan.split;
        t.stride = stride;
        for (int q = 0; q < phases; q++) {
            int p = reverse ? phases - 1 - q : q;
            t.phase = p;
            if (plan.parts[p] == 1) {
                int base = p * stride;
                ps[PAD] += t.units(plan.split[base], plan.split[base + 1]);
            } else {
                pool.run(t, plan.parts[p]);
            }
        }
        return sumPartials(threads);
    }

    // ---- multigrid kernels -------------------------------------------------------------------

    /**
     * {@code y += alpha A x} (A may be rectangular). CSR: {@code 12 nnz + 4 (rows + 1) + 8 cols
     * + 16 rows} bytes; stencil: {@code 24n}, point by point; other operators: their apply into a
     * new array (this path allocates), then a parallel axpy.
     */
    @Override
    public synchronized void applyAdd(BoundOperator a, double alpha, Vector x, Vector y) {
        ensureOpen();
        double[] xx = HostVector.of(x);
        double[] yy = HostVector.of(y);
        checkApply(a, xx, yy);
        if (a instanceof ParallelCsr || a instanceof BoundStencil) {
            argAlpha = alpha;
            operator(CpuKernels.APPLY_ADD, a, null, xx, yy);
            return;
        }
        if (a instanceof HostCsr) {
            throw new IllegalArgumentException("operator was bound by another backend: bind it with this one");
        }
        double[] t = new double[yy.length];
        a.source().apply(xx, t);
        vector(AXPY, t.length, alpha, t, yy, null, null);
    }

    /**
     * One smoother step {@code r = b - A x; d = c1 d + c2 dinv .* r; xOut = x + d} in one pass.
     * CSR: {@code 12 nnz + 4 (n + 1) + 56n} bytes (x gathered once, b, dinv, d read, d and xOut
     * written); stencil: {@code 56n}; x = null: {@code 32n} (b, dinv read; d, xOut written).
     */
    @Override
    public synchronized void smootherStep(BoundOperator a, Vector b, Vector x, Vector dinv, double c1, double c2,
                                          Vector d, Vector xOut) {
        ensureOpen();
        double[] bb = HostVector.of(b);
        double[] di = HostVector.of(dinv);
        double[] dd = HostVector.of(d);
        double[] xo = HostVector.of(xOut);
        checkLength(bb, di);
        checkLength(bb, dd);
        checkLength(bb, xo);
        checkSmootherAliasing(bb, x == null ? null : HostVector.of(x), di, dd, xo);
        argC1 = c1;
        argC2 = c2;
        argDinv = di;
        argD = dd;
        try {
            if (x == null) {
                vector(SMOOTHER_START, bb.length, 0.0, bb, null, null, xo);
                return;
            }
            double[] xx = HostVector.of(x);
            checkApply(a, xx, xo);
            checkLength(bb, xx);
            if (a instanceof ParallelCsr || a instanceof BoundStencil) {
                operator(CpuKernels.SMOOTH, a, bb, xx, xo);
                return;
            }
            if (a instanceof HostCsr) {
                throw new IllegalArgumentException("operator was bound by another backend: bind it with this one");
            }
            a.source().apply(xx, xo);
            argX = xx;
            vector(SMOOTHER_TAIL, bb.length, 0.0, bb, null, null, xo);
        } finally {
            argDinv = null;
            argD = null;
            argX = null;
        }
    }

    /** Stops the worker threads; every kernel fails afterwards. Idempotent. */
    @Override
    public void close() {
        super.close();
        poolCloser.clean();
    }

    @Override
    public boolean isClosed() {
        return super.isClosed() || pool.isClosed();
    }

    @Override
    public String toString() {
        return "ParallelCpuBackend[" + threads + " threads, grain " + grain + "]";
    }

    // ---- dispatch ----------------------------------------------------------------------------

    /**
     * Runs a vector kernel over {@code [0, n)}: on the caller when one worker's share would cover
     * it, else in even 8-aligned ranges on the pool. Returns the reduction (0 for kernels without).
     */
    private double vector(int op, int n, double alpha, double[] a, double[] b, double[] c, double[] d) {
        ensureOpen();
        int chunk = chunk(n);
        VectorTask t = vectorTask;
        t.op = op;
        t.n = n;
        t.chunk = chunk;
        t.alpha = alpha;
        t.a = a;
        t.b = b;
        t.c = c;
        t.d = d;
        try {
            if (chunk >= n) {
                return t.range(0, n);
            }
            int parts = (int) (((long) n + chunk - 1) / chunk);
            pool.run(t, parts);
            return sumPartials(parts);
        } finally {
            t.a = null;
            t.b = null;
            t.c = null;
            t.d = null;
        }
    }

    /** Range length per worker: {@code ceil(n / threads)}, at least grain, rounded up to 8 doubles. */
    private int chunk(int n) {
        long per = Math.max(((long) n + threads - 1) / threads, grain);
        return (int) Math.min(Integer.MAX_VALUE, (per + 7) & ~7L);
    }

    /** The partial sums of workers {@code [0, parts)}, added in worker order. */
    private double sumPartials(int parts) {
        double[] ps = partials;
        double s = 0.0;
        for (int w = 1; w <= parts; w++) {
            s += ps[w * PAD];
        }
        return s;
    }

    private double operator(int mode, BoundOperator a, double[] b, double[] x, double[] y) {
        ensureOpen();
        if (a instanceof ParallelCsr) {
            ParallelCsr m = (ParallelCsr) a;
            checkOwner(m.owner);
            CsrMatrix A = m.matrix();
            CsrTask t = csrTask;
            t.mode = mode;
            t.rp = A.rowPtr();
            t.ci = A.colIdx();
            t.v = A.values();
            t.split = m.split;
            t.b = b;
            t.x = x;
            t.y = y;
            try {
                if (m.parts == 1) {
                    return t.range(0, A.rows());
                }
                pool.run(t, m.parts);
                return sumPartials(m.parts);
            } finally {
                t.rp = null;
                t.ci = null;
                t.v = null;
                t.split = null;
                t.b = null;
                t.x = null;
                t.y = null;
            }
        }
        if (a instanceof BoundStencil) {
            BoundStencil s = (BoundStencil) a;
            checkOwner(s.owner);
            StencilTask t = stencilTask;
            t.mode = mode;
            t.set(s.stencil);
            t.split = s.lineSplit;
            t.b = b;
            t.x = x;
            t.y = y;
            try {
                if (s.parts == 1) {
                    return t.range(0, s.lineSplit[threads]);
                }
                pool.run(t, s.parts);
                return sumPartials(s.parts);
            } finally {
                t.split = null;
                t.b = null;
                t.x = null;
                t.y = null;
            }
        }
        if (a instanceof HostCsr) {
            throw new IllegalArgumentException("operator was bound by another backend: bind it with this one");
        }
        // No kernel for this operator: its own apply on the caller, then the fused tail in parallel.
        a.source().apply(x, y);
        if (mode == CpuKernels.APPLY_DOT) {
            return vector(DOT, x.length, 0.0, x, y, null, null);
        }
        if (mode == CpuKernels.RESIDUAL) {
            return vector(SUBTRACT_FROM_DOT, y.length, 0.0, b, y, null, null);
        }
        return 0.0;
    }

    private void checkOwner(ParallelCpuBackend owner) {
        if (owner != this) {
            throw new IllegalArgumentException("operator was bound by another backend: bind it with this one");
        }
    }

    private static void checkApply(BoundOperator a, double[] x, double[] y) {
        if (x.length != a.cols()) {
            throw new IllegalArgumentException("input vector has length " + x.length + " but the operator has "
                    + a.cols() + " columns");
        }
        if (y.length != a.rows()) {
            throw new IllegalArgumentException("output vector has length " + y.length + " but the operator has "
                    + a.rows() + " rows");
        }
        if (x == y) {
            throw new IllegalArgumentException("input and output vectors must not be the same array");
        }
    }

    // ---- tasks: one preallocated object per kernel family, fields set per call ---------------

    private final class VectorTask implements WorkerPool.Task {
        int op;
        int n;
        int chunk;
        double alpha;
        double[] a;
        double[] b;
        double[] c;
        double[] d;

        @Override
        public void run(int worker) {
            long start = (long) worker * chunk;
            int lo = (int) Math.min(n, start);
            int hi = (int) Math.min(n, start + chunk);
            partials[(worker + 1) * PAD] = lo < hi ? range(lo, hi) : 0.0;
        }

        double range(int lo, int hi) {
            switch (op) {
                case FILL:
                    CpuKernels.fill(a, alpha, lo, hi);
                    return 0.0;
                case COPY:
                    CpuKernels.copy(a, b, lo, hi);
                    return 0.0;
                case DOT:
                    return CpuKernels.dot(a, b, lo, hi);
                case AXPY:
                    CpuKernels.axpy(alpha, a, b, lo, hi);
                    return 0.0;
                case SCALE:
                    CpuKernels.scale(alpha, a, lo, hi);
                    return 0.0;
                case CG_DIRECTION:
                    CpuKernels.cgDirection(a, alpha, b, lo, hi);
                    return 0.0;
                case CG_UPDATE:
                    return CpuKernels.cgUpdate(alpha, a, b, c, d, lo, hi);
                case DIAGONAL_SCALE_DOT:
                    return CpuKernels.diagonalScaleDot(a, b, c, lo, hi);
                case SUBTRACT_FROM_DOT:
                    return CpuKernels.subtractFromDot(a, b, lo, hi);
                case SMOOTHER_START:
                    CpuKernels.smootherStart(a, argDinv, argC1, argC2, argD, d, lo, hi);
                    return 0.0;
                case SMOOTHER_TAIL:
                    CpuKernels.smootherTail(a, argX, argDinv, argC1, argC2, argD, d, lo, hi);
                    return 0.0;
                default:
                    throw new IllegalStateException("unknown vector kernel " + op);
            }
        }
    }

    private final class CsrTask implements WorkerPool.Task {
        int mode;
        int[] rp;
        int[] ci;
        double[] v;
        int[] split;
        double[] b;
        double[] x;
        double[] y;

        @Override
        public void run(int worker) {
            int lo = split[worker];
            int hi = split[worker + 1];
            partials[(worker + 1) * PAD] = lo < hi ? range(lo, hi) : 0.0;
        }

        double range(int lo, int hi) {
            switch (mode) {
                case CpuKernels.APPLY:
                    CpuKernels.csrApply(rp, ci, v, x, y, lo, hi);
                    return 0.0;
                case CpuKernels.APPLY_DOT:
                    return CpuKernels.csrApplyDot(rp, ci, v, x, y, lo, hi);
                case CpuKernels.APPLY_ADD:
                    CpuKernels.csrApplyAdd(rp, ci, v, argAlpha, x, y, lo, hi);
                    return 0.0;
                case CpuKernels.SMOOTH:
                    CpuKernels.csrSmootherStep(rp, ci, v, b, x, argDinv, argC1, argC2, argD, y, lo, hi);
                    return 0.0;
                default:
                    return CpuKernels.csrResidual(rp, ci, v, b, x, y, lo, hi);
            }
        }
    }

    private final class StencilTask implements WorkerPool.Task {
        int mode;
        int nx;
        int ny;
        int nz;
        double c;
        double wx;
        double wy;
        double wz;
        int[] split;
        double[] b;
        double[] x;
        double[] y;

        void set(Stencil7Operator s) {
            nx = s.nx();
            ny = s.ny();
            nz = s.nz();
            c = s.center();
            wx = s.wx();
            wy = s.wy();
            wz = s.wz();
        }

        @Override
        public void run(int worker) {
            int lo = split[worker];
            int hi = split[worker + 1];
            partials[(worker + 1) * PAD] = lo < hi ? range(lo, hi) : 0.0;
        }

        double range(int line0, int line1) {
            if (mode == CpuKernels.APPLY_ADD) {
                CpuKernels.stencilApplyAddLines(x, y, argAlpha, nx, ny, nz, c, wx, wy, wz, line0, line1);
                return 0.0;
            }
            if (mode == CpuKernels.SMOOTH) {
                CpuKernels.stencilSmoothLines(x, b, argDinv, argC1, argC2, argD, y, nx, ny, nz, c, wx, wy, wz,
                        line0, line1);
                return 0.0;
            }
            return CpuKernels.stencilLines(mode, x, y, b, nx, ny, nz, c, wx, wy, wz, line0, line1);
        }
    }

    private final class ScheduleTask implements WorkerPool.Task {
        static final int CHOLESKY_FORWARD = 0;
        static final int CHOLESKY_BACKWARD = 1;
        static final int SSOR_FORWARD = 2;
        static final int SSOR_BACKWARD = 3;
        static final int SOR_FORWARD = 4;
        static final int SOR_BACKWARD = 5;

        int mode;
        /** True for a multicolour layout (positions), false for natural blocks. */
        boolean colour;
        int phase;
        int stride;
        int[] split;
        int[] groupPtr;
        int[] phaseGroup;
        // natural: blocks; multicolour: the permutation
        int[] start;
        int[] end;
        int[] perm;
        // lower and upper parts and the row scale: a factor's, a split matrix's, or the colour layout's
        int[] lp;
        int[] lc;
        double[] lv;
        int[] up;
        int[] uc;
        double[] uv;
        double[] scale;
        /** r (or b for SOR). */
        double[] in;
        /** z (or x for SOR). */
        double[] out;
        double omega;
        double c;
        /** Set while a point-to-point pass runs. */
        FlowPlan flow;

        boolean isBackward() {
            return mode == CHOLESKY_BACKWARD || mode == SSOR_BACKWARD || mode == SOR_BACKWARD;
        }

        void set(Scheduled s, double omega, double c, double[] in, double[] out) {
            groupPtr = s.groupPtr;
            phaseGroup = s.plan.phaseGroup;
            if (s.rows != null) {
                ScheduledRows rows = s.rows;
                colour = true;
                perm = rows.perm();
                lp = rows.beforePtr();
                lc = rows.beforeCol();
                lv = rows.beforeVal();
                up = rows.afterPtr();
                uc = rows.afterCol();
                uv = rows.afterVal();
                scale = rows.scale();
            } else {
                colour = false;
                start = s.blocks.blockStart();
                end = s.blocks.blockEnd();
                lp = s.split.lowerPtr();
                lc = s.split.lowerCol();
                lv = s.split.lowerVal();
                up = s.split.upperPtr();
                uc = s.split.upperCol();
                uv = s.split.upperVal();
                scale = s.split.inverseDiagonal();
            }
            this.omega = omega;
            this.c = c;
            this.in = in;
            this.out = out;
        }

        void setFactor(ScheduledFactor f, double[] r, double[] z) {
            groupPtr = f.scheduled.groupPtr;
            phaseGroup = f.scheduled.plan.phaseGroup;
            colour = false;
            start = f.scheduled.blocks.blockStart();
            end = f.scheduled.blocks.blockEnd();
            lp = f.factor.lowerPtr();
            lc = f.factor.lowerCol();
            lv = f.factor.lowerVal();
            up = f.factor.upperPtr();
            uc = f.factor.upperCol();
            uv = f.factor.upperVal();
            scale = f.factor.scale();
            in = r;
            out = z;
        }

        void clear() {
            flow = null;
            split = null;
            groupPtr = null;
            phaseGroup = null;
            start = null;
            end = null;
            perm = null;
            lp = null;
            lc = null;
            lv = null;
            up = null;
            uc = null;
            uv = null;
            scale = null;
            in = null;
            out = null;
        }

        @Override
        public void run(int worker) {
            if (flow != null) {
                runSegments(worker);
                return;
            }
            int base = phase * stride + worker;
            int lo = split[base];
            int hi = split[base + 1];
            if (lo < hi) {
                partials[(worker + 1) * PAD] += units(lo, hi);
            }
        }

        /** Worker w's chunks of the point-to-point plan, each after the other workers' progress it needs. */
        private void runSegments(int w) {
            FlowPlan f = flow;
            boolean backward = isBackward();
            int[] lo = f.chunkLo[w];
            int[] hi = f.chunkHi[w];
            int[] needPtr = backward ? f.needPtrB[w] : f.needPtrF[w];
            int[] needWorker = backward ? f.needWorkerB[w] : f.needWorkerF[w];
            int[] needCount = backward ? f.needCountB[w] : f.needCountF[w];
            double sum = 0.0;
            try {
                for (int q = 0; q < lo.length; q++) {
                    int c = backward ? lo.length - 1 - q : q;
                    for (int k = needPtr[c]; k < needPtr[c + 1]; k++) {
                        if (!awaitProgress(needWorker[k], needCount[k])) {
                            return;
                        }
                    }
                    sum += range(lo[c], hi[c]);
                    progress.set(w * 16, q + 1);
                }
            } catch (RuntimeException | Error e) {
                flowFailed = true;
                throw e;
            } finally {
                partials[(w + 1) * PAD] = sum;
            }
        }

        /**
         * The units {@code [lo, hi)} of the current phase, group by group (reversed for a backward
         * pass): the natural kernels interleave blocks and must see one level per call.
         */
        double units(int lo, int hi) {
            int g0 = phaseGroup[phase];
            int g1 = phaseGroup[phase + 1];
            if (g1 - g0 == 1) {
                return range(lo, hi);
            }
            boolean backward = isBackward();
            double sum = 0.0;
            for (int q = 0; q < g1 - g0; q++) {
                int g = backward ? g1 - 1 - q : g0 + q;
                int a = Math.max(lo, groupPtr[g]);
                int b = Math.min(hi, groupPtr[g + 1]);
                if (a < b) {
                    sum += range(a, b);
                }
            }
            return sum;
        }

        double range(int lo, int hi) {
            if (colour) {
                switch (mode) {
                    case SSOR_FORWARD:
                        ScheduledKernels.colourSsorForward(perm, lp, lc, lv, scale, in, out, omega, c, lo, hi);
                        return 0.0;
                    case SSOR_BACKWARD:
                        return ScheduledKernels.colourSsorBackward(perm, up, uc, uv, in, out, omega, lo, hi);
                    case SOR_FORWARD:
                        ScheduledKernels.colourSor(perm, lp, lc, lv, up, uc, uv, scale, in, out, omega, lo, hi, false);
                        return 0.0;
                    case SOR_BACKWARD:
                        ScheduledKernels.colourSor(perm, lp, lc, lv, up, uc, uv, scale, in, out, omega, lo, hi, true);
                        return 0.0;
                    default:
                        throw new IllegalStateException("no multicolour kernel " + mode);
                }
            }
            switch (mode) {
                case CHOLESKY_FORWARD:
                    return ScheduledKernels.choleskyForward(start, end, lp, lc, lv, scale, in, out, lo, hi);
                case CHOLESKY_BACKWARD:
                    ScheduledKernels.choleskyBackward(start, end, up, uc, uv, out, lo, hi);
                    return 0.0;
                case SSOR_FORWARD:
                    ScheduledKernels.ssorForward(start, end, lp, lc, lv, scale, in, out, omega, c, lo, hi);
                    return 0.0;
                case SSOR_BACKWARD:
                    return ScheduledKernels.ssorBackward(start, end, up, uc, uv, in, out, omega, lo, hi);
                case SOR_FORWARD:
                    ScheduledKernels.sor(start, end, lp, lc, lv, up, uc, uv, scale, in, out, omega, lo, hi, false);
                    return 0.0;
                case SOR_BACKWARD:
                    ScheduledKernels.sor(start, end, lp, lc, lv, up, uc, uv, scale, in, out, omega, lo, hi, true);
                    return 0.0;
                default:
                    throw new IllegalStateException("unknown scheduled kernel " + mode);
            }
        }
    }
}
