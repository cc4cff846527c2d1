package dev.solvent.solve;

import dev.solvent.backend.Backend;
import dev.solvent.backend.BoundOperator;
import dev.solvent.backend.HostVector;
import dev.solvent.backend.Vector;
import dev.solvent.matrix.LinearOperator;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What every bound solver shares: argument checks, host/device vector handling, the one-thread
 * guard, the zero and non-finite right-hand side, scaling of an extreme right-hand side, the
 * stopping tests every iteration shares (divergence, stagnation, cancellation), timing, and the
 * final TRUE residual. Subclasses supply {@link #iterate}, the algorithm itself. Public so that
 * solvers outside this package (the learned DCDM solver) keep exactly the same stopping rules and
 * result semantics.
 *
 * <p><b>One thread at a time.</b> {@link #solve} refuses to start while another call of the same
 * bound solver is running (on another thread, or re-entered from a listener) and throws an
 * {@link IllegalStateException}: the work vectors belong to the bound solver, so two solves at
 * once would overwrite each other's state. Bound solvers made from the same backend may run at the
 * same time on different threads.
 *
 * <p><b>Scaling.</b> When {@code ||b||^2} would underflow or overflow in double precision (a
 * right-hand side near 1e-154 or 1e154 and beyond, where the products an iteration forms leave
 * the double range), the solve runs on {@code b' = 2^e b} with {@code ||b'||} near 1 (a copy of b,
 * scaled by a power of two, so exactly) and returns {@code x = 2^-e x'}; residuals, norms and
 * listener values are reported in the original units. Entries of b smaller than about
 * {@code 1e-308 ||b||} then become zero, far below any tolerance relative to {@code ||b||}.
 */
public abstract class AbstractBoundSolver implements BoundSolver {

    /** {@code ||b||^2} in {@code [2^-512, 2^512]} is solved as given; outside, b is rescaled to norm about 1. */
    private static final double SAFE_MIN_SQUARE = 0x1p-512;
    private static final double SAFE_MAX_SQUARE = 0x1p512;
    /** One rescue step: 2^600 brings any nonzero double's square into range, or any finite one's out of overflow. */
    private static final int RESCUE_EXPONENT = 600;

    /** The smallest relative fall of the best residual norm that counts as progress over a stagnation window. */
    static final double STAGNATION_PROGRESS = 1e-3;
    /** Relative gap {@code |v.Au - u.Av|} above which the operator is called nonsymmetric ({@link #asymmetry}). */
    static final double SYMMETRY_TOLERANCE = 1e-8;

    protected final String solverName;
    protected final SolverOptions options;
    protected final Backend backend;
    /** The operator; replaced by {@link #resetup}. */
    protected LinearOperator operator;
    /** The operator bound to the backend; replaced by {@link #resetup}. */
    protected BoundOperator a;
    protected final int n;
    /** Residual work vector, shared with subclasses: on return from iterate it may hold anything. */
    protected final Vector r;
    /** The rescaled right-hand side, allocated by the first solve that needs one. */
    private Vector scaledRhs;
    /** The returned x brought back to working units, to check what the caller gets (rescaled solves only). */
    private Vector returnedX;

    /** The thread inside {@link #solve} (or releasing resources), null when idle. */
    private final AtomicReference<Thread> busy = new AtomicReference<>();
    private volatile boolean closed;
    private boolean released;

    /**
     * Checks the operator and the options, binds the operator and allocates the residual vector.
     *
     * @throws IllegalArgumentException if the operator is not square, or the options cannot stop a
     *                                  solve (both tolerances zero)
     * @throws IllegalStateException    if the backend has been closed
     */
    protected AbstractBoundSolver(String solverName, SolverOptions options, LinearOperator operator, Backend backend) {
        java.util.Objects.requireNonNull(options, "options");
        java.util.Objects.requireNonNull(backend, "backend");
        if (operator.rows() != operator.cols()) {
            throw new IllegalArgumentException(solverName + " needs a square operator, got "
                    + operator.rows() + " x " + operator.cols());
        }
        options.requireStoppable();
        if (backend.isClosed()) {
            throw new IllegalStateException(solverName + ": the " + backend.name() + " backend has been closed");
        }
        this.solverName = solverName;
        this.options = options;
        this.backend = backend;
        this.operator = operator;
        this.n = operator.rows();
        this.a = backend.bind(operator);
        this.r = backend.allocate(n);
    }

    /** Outcome of the iteration proper, before the true residual is recomputed. */
    protected record Outcome(ConvergedReason reason, int iterations, String message) {
        public Outcome {
            java.util.Objects.requireNonNull(reason, "reason");
            java.util.Objects.requireNonNull(message, "message");
        }
    }

    /** Name of the preconditioner for the result. */
    protected abstract String preconditionerName();

    /**
     * Runs the iteration. On entry {@code r = b - A x} and {@code rr = r . r}, with {@code ||b||}
     * finite and positive; b and x may be the rescaled copies (see the class comment), so the
     * stopping threshold and the converged reason come from {@code history}
     * ({@link History#threshold()}, {@link History#convergedReason()}), never from the options
     * directly. After each iteration's residual norm is {@link History#add added} and checked
     * against the threshold and for NaN, {@link History#stop} says whether the shared tests
     * (cancellation, divergence, stagnation) end the solve.
     */
    protected abstract Outcome iterate(Vector b, Vector x, double rr, History history);

    /**
     * Whether this method needs a symmetric operator (CG, the methods built on it, multigrid). When
     * it does and a solve ends without converging, the operator's symmetry is probed
     * ({@link #asymmetry}) and, where it fails, named in the result's message: the likeliest cause
     * of the failure, at the cost of two operator applications paid only then.
     */
    protected boolean needsSymmetricOperator() {
        return false;
    }

    /**
     * Where the bound operator is not symmetric, a sentence saying so; null where it passes. The
     * probe: u and v fixed pseudo-random vectors (the same in every solve), symmetric A gives
     * {@code v.Au = u.Av} up to rounding; a gap above {@link #SYMMETRY_TOLERANCE} times
     * {@code ||v|| ||Au|| + ||u|| ||Av||} cannot be rounding. A random probe misses an asymmetry only
     * by chance (a gap that cancels exactly); for a symmetric operator the two dot products differ by
     * rounding only, far below the tolerance.
     */
    String asymmetry() {
        java.util.Random random = new java.util.Random(0x5e1f_ad70L);
        double[] hu = new double[n];
        double[] hv = new double[n];
        for (int i = 0; i < n; i++) {
            hu[i] = 2 * random.nextDouble() - 1;
            hv[i] = 2 * random.nextDouble() - 1;
        }
        Vector u = backend.upload(hu);
        Vector v = backend.upload(hv);
        Vector au = backend.allocate(n);
        Vector av = backend.allocate(n);
        backend.apply(a, u, au);
        backend.apply(a, v, av);
        double vau = backend.dot(v, au);
        double uav = backend.dot(u, av);
        double scale = Math.sqrt(backend.dot(v, v) * backend.dot(au, au)) + Math.sqrt(backend.dot(u, u) * backend.dot(av, av));
        double gap = Math.abs(vau - uav);
        if (!(gap > SYMMETRY_TOLERANCE * scale)) {
            return null;
        }
        return String.format(java.util.Locale.ROOT, "the operator is not symmetric (for two random vectors u, v:"
                + " v.Au = %.6e but u.Av = %.6e, a gap of %.1e relative to ||v|| ||Au|| + ||u|| ||Av||): %s needs a"
                + " symmetric positive definite matrix; the stationary solvers (sor, gs) do not, and converge where the"
                + " matrix is diagonally dominant", vau, uav, gap / scale, solverName);
    }

    /** Whether a failure with this reason may come from a nonsymmetric operator (not from bad numbers or the caller). */
    private static boolean mayComeFromAsymmetry(ConvergedReason reason) {
        return switch (reason) {
            case DIVERGED_MAX_ITERATIONS, DIVERGED_INDEFINITE_MATRIX, DIVERGED_INDEFINITE_PRECONDITIONER,
                 DIVERGED_DTOL, DIVERGED_BREAKDOWN, DIVERGED_STAGNATION -> true;
            default -> false;
        };
    }

    /** Called at the start of every solve, inside the one-thread guard (resets per-solve counters). */
    protected void onSolveStart() {
    }

    /**
     * Releases what the solver allocated; called once, by {@link #close} or by the solve that was
     * running when close was called. Subclasses release their own resources, then call super.
     */
    protected void release() {
        if (returnedX != null) {
            returnedX.close();
        }
        if (scaledRhs != null) {
            scaledRhs.close();
        }
        r.close();
        a.close();
    }

    @Override
    public int rows() {
        return n;
    }

    @Override
    public int cols() {
        return n;
    }

    @Override
    public Backend backend() {
        return backend;
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if b and x are the same array
     * @throws IllegalStateException    if this bound solver is closed, its backend is closed, or a
     *                                  solve of this bound solver is already running
     */
    @Override
    public final SolveResult solve(double[] b, double[] x) {
        check(b.length, "right-hand side");
        check(x.length, "solution");
        if (b == x) {
            throw new IllegalArgumentException(solverName + ": the right-hand side and the solution are the same array;"
                    + " x is overwritten during the solve, so pass a separate array for it");
        }
        enter();
        try {
            onSolveStart();
            if (backend.isHost()) {
                return run(backend.wrap(b), backend.wrap(x));
            }
            try (Vector bv = backend.upload(b); Vector xv = backend.upload(x)) {
                SolveResult result = run(bv, xv);
                backend.download(xv, x);
                return result;
            }
        } finally {
            exit();
        }
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if b and x are the same vector (or host vectors over one array)
     * @throws IllegalStateException    as {@link #solve(double[], double[])}
     */
    @Override
    public final SolveResult solve(Vector b, Vector x) {
        check(b.length(), "right-hand side");
        check(x.length(), "solution");
        if (b == x || (b instanceof HostVector hb && x instanceof HostVector hx && hb.data() == hx.data())) {
            throw new IllegalArgumentException(solverName + ": the right-hand side and the solution are the same vector;"
                    + " x is overwritten during the solve, so pass a separate vector for it");
        }
        enter();
        try {
            onSolveStart();
            return run(b, x);
        } finally {
            exit();
        }
    }

    private void enter() {
        if (closed) {
            throw new IllegalStateException(solverName + ": this bound solver has been closed");
        }
        Thread me = Thread.currentThread();
        Thread other = busy.compareAndExchange(null, me);
        if (other != null) {
            throw new IllegalStateException(solverName + ": this bound solver is already solving "
                    + (other == me ? "on this thread (a listener or operator called solve again)" : "on thread '"
                    + other.getName() + "'") + "; a bound solver is for one thread at a time: set up one per thread"
                    + " (they may share the backend)");
        }
        if (closed || backend.isClosed()) {
            busy.set(null);
            releaseIfIdle();
            throw new IllegalStateException(solverName + ": " + (closed ? "this bound solver has been closed"
                    : "the " + backend.name() + " backend has been closed"));
        }
    }

    private void exit() {
        busy.set(null);
        if (closed) {
            releaseIfIdle();
        }
    }

    private void releaseIfIdle() {
        if (busy.compareAndSet(null, Thread.currentThread())) {
            try {
                if (!released) {
                    released = true;
                    release();
                }
            } finally {
                busy.set(null);
            }
        }
    }

    /**
     * Checks that {@code next} has the bound operator's size and pattern, binds it, lets the
     * subclass redo its numeric setup ({@link #operatorChanged}), and releases the old binding; all
     * inside the one-thread guard, so a re-setup never overlaps a solve. When the subclass refuses
     * the new values (a zero diagonal, say) the solver keeps the old operator and rethrows.
     *
     * @throws IllegalStateException as {@link #solve(double[], double[])}
     */
    @Override
    public void resetup(LinearOperator next) {
        requireSamePattern(operator, next);
        enter();
        try {
            BoundOperator oldBinding = a;
            LinearOperator oldOperator = operator;
            a = backend.bind(next);
            operator = next;
            try {
                operatorChanged();
            } catch (RuntimeException | Error e) {
                a.close();
                a = oldBinding;
                operator = oldOperator;
                throw e;
            }
            oldBinding.close();
        } finally {
            exit();
        }
    }

    /**
     * Called by {@link #resetup} after {@link #a} and {@link #operator} were replaced: subclasses
     * redo their numeric setup (a preconditioner's) here. Does nothing by default.
     */
    protected void operatorChanged() {
    }

    /** @throws IllegalArgumentException unless {@code next} has {@code current}'s size and pattern */
    static void requireSamePattern(LinearOperator current, LinearOperator next) {
        java.util.Objects.requireNonNull(next, "operator");
        if (next.rows() != current.rows() || next.cols() != current.cols()) {
            throw new IllegalArgumentException("re-setup needs an operator of the same size: bound "
                    + current.rows() + " x " + current.cols() + ", got " + next.rows() + " x " + next.cols());
        }
        if (current instanceof dev.solvent.matrix.CsrMatrix c) {
            if (!(next instanceof dev.solvent.matrix.CsrMatrix m)) {
                throw new IllegalArgumentException("re-setup of a solver bound to a CsrMatrix needs a CsrMatrix, got "
                        + next.getClass().getSimpleName());
            }
            if (!c.hasSamePattern(m)) {
                throw new IllegalArgumentException("re-setup needs the same sparsity pattern: the new matrix differs"
                        + " (row " + c.firstPatternDifference(m) + "); set up a new solver for a new pattern");
            }
        } else if (current instanceof dev.solvent.matrix.Stencil7Operator s) {
            if (!(next instanceof dev.solvent.matrix.Stencil7Operator t)
                    || s.nx() != t.nx() || s.ny() != t.ny() || s.nz() != t.nz()) {
                throw new IllegalArgumentException("re-setup of a solver bound to a " + s + " needs a stencil on the"
                        + " same grid, got " + next);
            }
        } else if (next.getClass() != current.getClass()) {
            throw new IllegalArgumentException("re-setup needs an operator of the same kind: bound "
                    + current.getClass().getSimpleName() + ", got " + next.getClass().getSimpleName());
        }
    }

    /**
     * Closes this bound solver: it refuses to solve from now on. Resources are released now, or,
     * when a solve is running on another thread, as soon as that solve returns. Idempotent.
     */
    @Override
    public final void close() {
        closed = true;
        releaseIfIdle();
    }

    /** The solve proper, inside the guard. */
    private SolveResult run(Vector b, Vector x) {
        long start = System.nanoTime();
        double bb = backend.dot(b, b);
        if (Double.isNaN(bb)) {
            return result(ConvergedReason.DIVERGED_NAN, 0, Double.NaN, Double.NaN, null, start,
                    "the right-hand side contains NaN or infinity");
        }
        // Work on b' = 2^e b when ||b||^2 leaves the safe range (see the class comment).
        int e = 0;
        Vector bw = b;
        if (!(bb >= SAFE_MIN_SQUARE && bb <= SAFE_MAX_SQUARE)) {
            if (scaledRhs == null) {
                scaledRhs = backend.allocate(n);
            }
            bw = scaledRhs;
            backend.copy(b, bw);
            if (bb == 0.0 || bb == Double.POSITIVE_INFINITY) {
                e = bb == 0.0 ? RESCUE_EXPONENT : -RESCUE_EXPONENT;
                backend.scale(Math.scalb(1.0, e), bw);
                bb = backend.dot(bw, bw);
                if (bb == 0.0) {
                    backend.fill(x, 0.0);
                    History history = new History(options, 0, 0.0);
                    history.add(0.0);
                    return result(ConvergedReason.CONVERGED_ZERO_RHS, 0, 0.0, 0.0, history, start, "");
                }
                if (!Double.isFinite(bb)) {
                    return result(ConvergedReason.DIVERGED_NAN, 0, Double.NaN, Double.POSITIVE_INFINITY, null, start,
                            "the right-hand side contains NaN or infinity");
                }
            }
            int k = Math.getExponent(Math.sqrt(bb));
            if (k != 0) {
                backend.scale(Math.scalb(1.0, -k), bw);
                e -= k;
                bb = backend.dot(bw, bw);
            }
        }
        double bNorm = Math.sqrt(bb);
        History history = new History(options, e, bNorm);
        if (!options.nonzeroInitialGuess()) {
            backend.fill(x, 0.0);
        } else if (e != 0) {
            scaleByPowerOfTwo(x, e);
        }
        double rr = backend.residual(a, bw, x, r);
        history.add(Math.sqrt(rr));
        Outcome outcome;
        if (!Double.isFinite(rr)) {
            outcome = new Outcome(ConvergedReason.DIVERGED_NAN, 0,
                    "the initial residual is not finite (NaN or infinity in the matrix or the initial guess)");
        } else if (Math.sqrt(rr) <= history.threshold()) {
            outcome = new Outcome(history.convergedReason(), 0, "");
        } else {
            outcome = iterate(bw, x, rr, history);
        }
        double trueResidual = Math.sqrt(backend.residual(a, bw, x, r));
        if (e != 0) {
            scaleByPowerOfTwo(x, -e);
            // In the original units the solution may leave the double range: overflow (A scaled by
            // 1e-150, b near 1e200: x near 1e350) or subnormal entries that lose digits (A scaled by
            // 1e150, b near 1e-170: x near 1e-320). The residual of the x the caller gets, taken back
            // to working units (exactly: only the exponent changes), says which.
            if (returnedX == null) {
                returnedX = backend.allocate(n);
            }
            backend.copy(x, returnedX);
            scaleByPowerOfTwo(returnedX, e);
            double returned = Math.sqrt(backend.residual(a, bw, returnedX, r));
            if (!Double.isFinite(returned)) {
                return result(ConvergedReason.DIVERGED_NAN, outcome.iterations(), Double.NaN, Math.scalb(bNorm, -e),
                        history, start, "the solution does not fit in the double range: the solve converged on b"
                                + " scaled by 2^" + e + ", and scaling x back overflowed");
            }
            if (outcome.reason().converged() && returned > Math.max(history.threshold(), trueResidual)) {
                return result(ConvergedReason.DIVERGED_STAGNATION, outcome.iterations(), Math.scalb(returned, -e),
                        Math.scalb(bNorm, -e), history, start, "the solution lies below the normal double range:"
                                + " with its subnormal entries the residual is " + Math.scalb(returned, -e)
                                + ", above the tolerance it met on b scaled by 2^" + e);
            }
            trueResidual = Math.max(trueResidual, returned);
        }
        String message = outcome.message();
        if (needsSymmetricOperator() && mayComeFromAsymmetry(outcome.reason())) {
            String asymmetry;
            try {
                asymmetry = asymmetry();
            } catch (RuntimeException probeFailed) {
                // A diagnosis, not the answer: a probe that cannot run (no device memory left for its
                // four vectors) leaves the result as it is.
                asymmetry = null;
            }
            if (asymmetry != null) {
                message = message.isEmpty() ? asymmetry : message + "; " + asymmetry;
            }
        }
        return result(outcome.reason(), outcome.iterations(), Math.scalb(trueResidual, -e), Math.scalb(bNorm, -e),
                history, start, message);
    }

    /** {@code v = 2^e v}, in steps whose factors are normal doubles (e may exceed the exponent range). */
    private void scaleByPowerOfTwo(Vector v, int e) {
        while (e != 0) {
            int step = Math.max(-1000, Math.min(1000, e));
            backend.scale(Math.scalb(1.0, step), v);
            e -= step;
        }
    }

    private SolveResult result(ConvergedReason reason, int iterations, double residual, double bNorm,
                               History history, long start, String message) {
        double seconds = (System.nanoTime() - start) * 1e-9;
        double[] h = history == null ? new double[0] : history.toArray();
        return new SolveResult(solverName, preconditionerName(), reason, iterations, residual, bNorm,
                h, seconds, message);
    }

    private void check(int length, String what) {
        if (length != n) {
            throw new IllegalArgumentException(what + " has length " + length + " but the matrix is " + n + " x " + n);
        }
    }

    /**
     * The residual norms of one solve, the listener that watches them, and the stopping tests all
     * iterations share. Norms are passed in the units of the vectors the iteration works on
     * (rescaled when b was, see the class comment) and reported in the original units.
     */
    protected static final class History {
        private final boolean record;
        private final IterationListener listener;
        /** Norms are computed on {@code 2^e} times the system as given. */
        private final int e;
        private final double threshold;
        private final ConvergedReason convergedReason;
        private final double divergenceTolerance;
        private final int window;
        private double[] values = new double[64];
        private int size;
        private double initial;
        private double best = Double.POSITIVE_INFINITY;
        private double bestAtMark = Double.POSITIVE_INFINITY;
        private int mark;
        private double last;

        /**
         * @param e     the solve works on {@code 2^e b}
         * @param bNorm {@code ||2^e b||}
         */
        History(SolverOptions options, int e, double bNorm) {
            this.record = options.recordHistory();
            this.listener = options.listener();
            this.e = e;
            double atol = Math.scalb(options.atol(), e);
            this.threshold = Math.max(options.rtol() * bNorm, atol);
            this.convergedReason = options.rtol() * bNorm >= atol ? ConvergedReason.CONVERGED_RTOL
                    : ConvergedReason.CONVERGED_ATOL;
            this.divergenceTolerance = options.divergenceTolerance();
            this.window = options.stagnationWindow();
        }

        /** The residual norm (working units) at or below which the solve has converged. */
        public double threshold() {
            return threshold;
        }

        /** The reason a converged solve reports: the bound that set the threshold. */
        public ConvergedReason convergedReason() {
            return convergedReason;
        }

        /** Records the residual norm (working units) of the next iteration and tells the listener. */
        public void add(double residualNorm) {
            double reported = Math.scalb(residualNorm, -e);
            if (size == 0) {
                initial = residualNorm;
                bestAtMark = residualNorm;
            }
            last = residualNorm;
            if (residualNorm < best) {
                best = residualNorm;
            }
            if (listener != null) {
                listener.onIteration(size, reported);
            }
            if (record) {
                if (size == values.length) {
                    values = java.util.Arrays.copyOf(values, 2 * size);
                }
                values[size] = reported;
            }
            size++;
        }

        /**
         * Whether the tests every iteration shares end the solve after {@code iteration}, whose
         * residual norm was just added (call it once convergence and NaN have been checked):
         * <ul>
         *   <li>{@code CANCELLED} when the solving thread has been interrupted (its interrupt
         *       status is left set);</li>
         *   <li>{@code DIVERGED_DTOL} when the norm exceeds {@code divergenceTolerance} times the
         *       initial one;</li>
         *   <li>{@code DIVERGED_STAGNATION} when, over the last {@code stagnationWindow}
         *       iterations, the smallest norm seen has fallen by less than a factor
         *       {@code 1 - }{@value #STAGNATION_PROGRESS}.</li>
         * </ul>
         *
         * @return the outcome to return, or null to go on
         */
        public Outcome stop(int iteration) {
            if (Thread.currentThread().isInterrupted()) {
                return new Outcome(ConvergedReason.CANCELLED, iteration,
                        "the solving thread was interrupted at iteration " + iteration);
            }
            if (last > divergenceTolerance * initial) {
                return new Outcome(ConvergedReason.DIVERGED_DTOL, iteration, "residual grew to " + Math.scalb(last, -e)
                        + ", more than " + divergenceTolerance + " times the initial one, at iteration " + iteration);
            }
            if (window > 0 && iteration - mark >= window) {
                if (best > (1 - STAGNATION_PROGRESS) * bestAtMark) {
                    return new Outcome(ConvergedReason.DIVERGED_STAGNATION, iteration, "the smallest residual norm, "
                            + Math.scalb(best, -e) + ", fell by less than " + STAGNATION_PROGRESS * 100 + "% over the last "
                            + (iteration - mark) + " iterations (no solution, or the tolerance is below attainable accuracy)");
                }
                mark = iteration;
                bestAtMark = best;
            }
            return null;
        }

        private double[] toArray() {
            return record ? java.util.Arrays.copyOf(values, size) : new double[0];
        }
    }
}
