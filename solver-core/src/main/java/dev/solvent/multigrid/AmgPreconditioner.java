package dev.solvent.multigrid;

import dev.solvent.backend.Backend;
import dev.solvent.backend.BoundOperator;
import dev.solvent.backend.Vector;
import dev.solvent.matrix.CsrMatrix;
import dev.solvent.matrix.LinearOperator;
import dev.solvent.matrix.ParallelRows;
import dev.solvent.matrix.Stencil7Operator;
import dev.solvent.precond.BoundPreconditioner;
import dev.solvent.precond.Preconditioner;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Smoothed-aggregation algebraic multigrid as a CG preconditioner ({@code amg} in the registry):
 * one symmetric V-cycle (or W-cycle) per application, {@code z = M r}. Setup builds the
 * {@link Hierarchy} on the host from the assembled matrix (a {@link Stencil7Operator} is
 * assembled for it, while the cycle keeps applying the stencil itself on the finest level) and
 * binds every level to the backend once ({@link MultigridCycle}).
 *
 * <pre>
 *   AmgOptions amg = AmgOptions.defaults().withStrengthThreshold(0.05);
 *   try (BoundSolver s = new ConjugateGradient(options, new AmgPreconditioner(amg)).setup(a, backend)) {
 *       s.solve(b, x);
 *       s.resetup(aNextStep);   // same pattern, new values: keeps the aggregates
 *       s.solve(b2, x);
 *   }
 * </pre>
 *
 * <p>The bound preconditioner's {@link BoundPreconditioner#setupReport()} lists the levels (rows,
 * nonzeros), the operator complexity {@code sum nnz(A_l) / nnz(A_0)}, the grid complexity
 * {@code sum rows(A_l) / rows(A_0)}, the seconds of each setup phase, and whether a null space is
 * projected out.
 */
public final class AmgPreconditioner implements Preconditioner {

    private final AmgOptions options;

    /** AMG with {@link AmgOptions#defaults()}. */
    public AmgPreconditioner() {
        this(AmgOptions.defaults());
    }

    /**
     * @throws IllegalArgumentException for the F-cycle, which is not symmetric and so cannot
     *                                  precondition CG (use it with {@link MultigridSolver})
     */
    public AmgPreconditioner(AmgOptions options) {
        this.options = java.util.Objects.requireNonNull(options, "options");
        if (options.cycle() == AmgOptions.Cycle.F) {
            throw new IllegalArgumentException("amg: the F-cycle is not symmetric, so it cannot precondition CG;"
                    + " use the V- or W-cycle, or the F-cycle with the amg solver");
        }
    }

    public AmgOptions options() {
        return options;
    }

    @Override
    public String name() {
        return "amg";
    }

    @Override
    public BoundPreconditioner setup(BoundOperator a, Backend backend) {
        return new Bound(a, backend, options);
    }

    /** The assembled matrix of an operator the hierarchy can be built from (a stencil on the setup threads). */
    static CsrMatrix assembled(LinearOperator op, ParallelRows par) {
        if (op instanceof CsrMatrix m) {
            return m;
        }
        if (op instanceof Stencil7Operator s) {
            return s.toCsr(par);
        }
        throw new IllegalArgumentException("amg needs an assembled matrix (CsrMatrix or a stencil), got "
                + op.getClass().getSimpleName());
    }

    /** Setup threads: the option, else the backend's threads (all processors for a device backend). */
    static int setupThreads(AmgOptions options, Backend backend) {
        if (options.setupThreads() > 0) {
            return options.setupThreads();
        }
        return backend.isHost() ? backend.threads() : Runtime.getRuntime().availableProcessors();
    }

    /** A hierarchy bound to a backend, shared by the preconditioner and the stationary solver. */
    static final class Multigrid implements AutoCloseable {
        final Backend backend;
        final AmgOptions options;
        Hierarchy hierarchy;
        MultigridCycle cycle;
        double uploadSeconds;
        LinearOperator source;

        Multigrid(BoundOperator a, Backend backend, AmgOptions options) {
            this.backend = backend;
            this.options = options;
            this.source = a.source();
            try (ParallelRows par = new ParallelRows(setupThreads(options, backend))) {
                this.hierarchy = Hierarchy.build(assembled(a.source(), par), options, par);
            }
            if (hierarchy.failure == null) {
                long t0 = System.nanoTime();
                cycle = new MultigridCycle(hierarchy, a, backend);
                uploadSeconds = (System.nanoTime() - t0) * 1e-9;
            }
            releaseAssembled();
        }

        /** A stencil's assembled matrix was made for setup alone: the cycle applies the stencil. */
        private void releaseAssembled() {
            if (source instanceof Stencil7Operator) {
                hierarchy.releaseFinestMatrix();
            }
        }

        void resetup(BoundOperator a) {
            LinearOperator next = a.source();
            if (source instanceof Stencil7Operator s && !(next instanceof Stencil7Operator t
                    && s.nx() == t.nx() && s.ny() == t.ny() && s.nz() == t.nz())) {
                throw new IllegalArgumentException("amg re-setup: the new operator is not a stencil on the same "
                        + s.nx() + " x " + s.ny() + " x " + s.nz() + " grid");
            }
            try (ParallelRows par = new ParallelRows(setupThreads(options, backend))) {
                if (hierarchy.size() == 0) {
                    // The setup stopped before building a level (a NaN or infinite entry): there
                    // is nothing to keep, so the new values get a full setup.
                    hierarchy = Hierarchy.build(assembled(next, par), options, par);
                } else {
                    hierarchy.resetup(assembled(next, par), par);
                }
            }
            source = next;
            long t0 = System.nanoTime();
            if (hierarchy.failure != null) {
                if (cycle != null) {
                    cycle.close();
                    cycle = null;
                }
            } else if (cycle == null) {
                cycle = new MultigridCycle(hierarchy, a, backend);
            } else {
                cycle.bind(a);
            }
            uploadSeconds = (System.nanoTime() - t0) * 1e-9;
            releaseAssembled();
        }

        String failure() {
            return hierarchy.failure;
        }

        /**
         * Why {@code A x = b} has no solution within {@code tolerance}: b's component along the
         * recognised null space exceeds it (null space orthogonal to the range, A being symmetric,
         * so no x reduces {@code ||b - A x||} below that component); null otherwise.
         */
        String inconsistency(Vector b, double tolerance) {
            if (cycle == null) {
                return null;
            }
            double component = cycle.nullSpaceComponent(b);
            if (!(component > tolerance)) {
                return null;
            }
            double bNorm = Math.sqrt(backend.dot(b, b));
            boolean constant = options.nearNullSpace() == null;
            return String.format(java.util.Locale.ROOT, "the right-hand side has a component of %.3e ||b|| along the null "
                    + "space of the matrix (%s), above the tolerance %.3e ||b||: no x makes ||b - A x|| smaller, so "
                    + "A x = b has no solution; %s and solve again", component / bNorm,
                    constant ? "the constant vector: a pure-Neumann problem" : "near-null-space vectors the matrix annihilates",
                    tolerance / bNorm, constant ? "subtract the mean of b from each entry" : "project that component out of b");
        }

        Map<String, Object> report() {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("method", "smoothed aggregation " + options.describe());
            if (hierarchy.failure != null) {
                r.put("failure", hierarchy.failure);
            }
            if (hierarchy.size() == 0) {
                return java.util.Collections.unmodifiableMap(r);
            }
            r.put("levels", hierarchy.levelTable());
            r.put("operatorComplexity", round(hierarchy.operatorComplexity()));
            r.put("gridComplexity", round(hierarchy.gridComplexity()));
            r.put("coarseSolve", coarseSolve());
            r.put("nullSpaceProjected", hierarchy.fineNullBasis.length > 0);
            Map<String, Object> seconds = new LinkedHashMap<>(hierarchy.seconds);
            seconds.put("upload", uploadSeconds);
            r.put("seconds", seconds);
            if (hierarchy.resetups > 0) {
                r.put("resetups", hierarchy.resetups);
            }
            return java.util.Collections.unmodifiableMap(r);
        }

        /** How the coarsest level is solved, or why it is not. */
        private String coarseSolve() {
            if (hierarchy.coarse != null) {
                return "dense Cholesky";
            }
            int rows = hierarchy.coarsest().rows;
            return rows > AmgOptions.MAX_COARSE_SIZE ? "smoother (" + rows + " rows: too large to factor)"
                    : "none: the dense Cholesky factorisation failed (see failure)";
        }

        private static double round(double x) {
            return Math.round(x * 1000.0) / 1000.0;
        }

        @Override
        public void close() {
            if (cycle != null) {
                cycle.close();
            }
        }
    }

    private static final class Bound implements BoundPreconditioner {
        private final Multigrid mg;

        Bound(BoundOperator a, Backend backend, AmgOptions options) {
            this.mg = new Multigrid(a, backend, options);
        }

        @Override
        public double applyDot(Vector r, Vector z) {
            if (mg.cycle == null) {
                throw new IllegalStateException(mg.failure());
            }
            mg.cycle.precondition(r, z);
            return mg.backend.dot(r, z);
        }

        @Override
        public String failure() {
            return mg.failure();
        }

        @Override
        public String inconsistency(Vector b, double tolerance) {
            return mg.inconsistency(b, tolerance);
        }

        @Override
        public Map<String, Object> setupReport() {
            return mg.report();
        }

        @Override
        public boolean resetup(BoundOperator a) {
            mg.resetup(a);
            return true;
        }

        @Override
        public void close() {
            mg.close();
        }
    }
}
