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
import java.lang.ref.Cleaner;

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
 * <p><b>Sequential kernels.</b> {@link #sorSweep}, {@link #ssorApplyDot} and
 * {@link #choleskySolveDot} run {@link SequentialKernels} on the calling thread: their lexicographic
 * recurrences make row i wait for row i-1, so there is no parallelism to take without reordering the
 * unknowns, which would change the method (and its convergence) rather than speed it up. They
 * therefore give the reference backend's results bit for bit.
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
            return CpuKernels.stencilLines(mode, x, y, b, nx, ny, nz, c, wx, wy, wz, line0, line1);
        }
    }
}
