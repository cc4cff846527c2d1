package dev.solvent.solve;

import dev.solvent.backend.Backend;
import dev.solvent.backend.BoundOperator;
import dev.solvent.backend.Vector;
import dev.solvent.matrix.LinearOperator;

/**
 * What every bound solver shares: argument checks, host/device vector handling, the zero and
 * non-finite right-hand side, timing, and the final TRUE residual. Subclasses supply
 * {@link #iterate}, the algorithm itself. Public so that solvers outside this package (the
 * learned DCDM solver) keep exactly the same stopping rule and result semantics.
 */
public abstract class AbstractBoundSolver implements BoundSolver {

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

    protected AbstractBoundSolver(String solverName, SolverOptions options, LinearOperator operator, Backend backend) {
        if (operator.rows() != operator.cols()) {
            throw new IllegalArgumentException(solverName + " needs a square operator, got "
                    + operator.rows() + " x " + operator.cols());
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
     * Runs the iteration. On entry {@code r = b - A x} and {@code rr = r . r}; {@code bNorm > 0}
     * and finite. Appends residual norms to {@code history} (which already holds the initial one).
     */
    protected abstract Outcome iterate(Vector b, Vector x, double rr, double bNorm, History history);

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

    @Override
    public SolveResult solve(double[] b, double[] x) {
        check(b.length, "right-hand side");
        check(x.length, "solution");
        if (backend.isHost()) {
            return solve(backend.wrap(b), backend.wrap(x));
        }
        try (Vector bv = backend.upload(b); Vector xv = backend.upload(x)) {
            SolveResult result = solve(bv, xv);
            backend.download(xv, x);
            return result;
        }
    }

    @Override
    public SolveResult solve(Vector b, Vector x) {
        check(b.length(), "right-hand side");
        check(x.length(), "solution");
        long start = System.nanoTime();
        History history = new History(options.recordHistory(), options.listener());
        double bNorm = Math.sqrt(backend.dot(b, b));
        if (!Double.isFinite(bNorm)) {
            return result(ConvergedReason.DIVERGED_NAN, 0, Double.NaN, bNorm, history, start,
                    "the right-hand side contains NaN or infinity");
        }
        if (bNorm == 0.0) {
            backend.fill(x, 0.0);
            history.add(0.0);
            return result(ConvergedReason.CONVERGED_ZERO_RHS, 0, 0.0, 0.0, history, start, "");
        }
        if (!options.nonzeroInitialGuess()) {
            backend.fill(x, 0.0);
        }
        double rr = backend.residual(a, b, x, r);
        history.add(Math.sqrt(rr));
        Outcome outcome;
        if (!Double.isFinite(rr)) {
            outcome = new Outcome(ConvergedReason.DIVERGED_NAN, 0,
                    "the initial residual is not finite (NaN or infinity in the matrix or the initial guess)");
        } else if (Math.sqrt(rr) <= options.threshold(bNorm)) {
            outcome = new Outcome(options.convergedReason(bNorm), 0, "");
        } else {
            outcome = iterate(b, x, rr, bNorm, history);
        }
        double trueResidual = Math.sqrt(backend.residual(a, b, x, r));
        return result(outcome.reason(), outcome.iterations(), trueResidual, bNorm, history, start, outcome.message());
    }

    private SolveResult result(ConvergedReason reason, int iterations, double residual, double bNorm,
                               History history, long start, String message) {
        double seconds = (System.nanoTime() - start) * 1e-9;
        return new SolveResult(solverName, preconditionerName(), reason, iterations, residual, bNorm,
                history.toArray(), seconds, message);
    }

    private void check(int length, String what) {
        if (length != n) {
            throw new IllegalArgumentException(what + " has length " + length + " but the matrix is " + n + " x " + n);
        }
    }

    /**
     * Checks that {@code next} has the bound operator's size and pattern, binds it, lets the
     * subclass redo its numeric setup ({@link #operatorChanged}), and releases the old binding.
     */
    @Override
    public void resetup(LinearOperator next) {
        requireSamePattern(operator, next);
        BoundOperator oldBinding = a;
        LinearOperator oldOperator = operator;
        a = backend.bind(next);
        operator = next;
        try {
            operatorChanged();
        } catch (RuntimeException | Error e) {
            // The new values were refused (a zero diagonal, say): keep solving the old system.
            a.close();
            a = oldBinding;
            operator = oldOperator;
            throw e;
        }
        oldBinding.close();
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

    @Override
    public void close() {
        r.close();
        a.close();
    }

    /** Residual norms of a solve, and the listener that watches them. */
    protected static final class History {
        private final boolean record;
        private final IterationListener listener;
        private double[] values = new double[64];
        private int size;

        private History(boolean record, IterationListener listener) {
            this.record = record;
            this.listener = listener;
        }

        /** Records the residual norm of the next iteration and tells the listener. */
        public void add(double residualNorm) {
            if (listener != null) {
                listener.onIteration(size, residualNorm);
            }
            if (record) {
                if (size == values.length) {
                    values = java.util.Arrays.copyOf(values, 2 * size);
                }
                values[size] = residualNorm;
            }
            size++;
        }

        private double[] toArray() {
            return record ? java.util.Arrays.copyOf(values, size) : new double[0];
        }
    }
}
