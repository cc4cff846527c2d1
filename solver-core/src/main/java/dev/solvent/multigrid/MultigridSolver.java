package dev.solvent.multigrid;

import dev.solvent.backend.Backend;
import dev.solvent.backend.Vector;
import dev.solvent.matrix.LinearOperator;
import dev.solvent.solve.AbstractBoundSolver;
import dev.solvent.solve.BoundSolver;
import dev.solvent.solve.ConvergedReason;
import dev.solvent.solve.IterativeSolver;
import dev.solvent.solve.SolverOptions;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Algebraic multigrid as a stationary solver ({@code amg} in the registry): each iteration is one
 * cycle from the current iterate,
 * <pre>
 *   x = x + M (b - A x)
 * </pre>
 * followed by the true residual {@code b - A x} for the stopping test, with the stopping tests every
 * bound solver shares (divergence, stagnation, cancellation; see
 * {@link dev.solvent.solve.AbstractBoundSolver}) and a non-finite residual reported as such. The same hierarchy as
 * {@link AmgPreconditioner}; any cycle, the F-cycle included. As a CG preconditioner the same
 * cycle usually needs fewer iterations; this form is the plain multigrid iteration.
 */
public final class MultigridSolver implements IterativeSolver {

    private final SolverOptions options;
    private final AmgOptions amg;

    public MultigridSolver(SolverOptions options, AmgOptions amg) {
        this.options = java.util.Objects.requireNonNull(options, "options");
        this.amg = java.util.Objects.requireNonNull(amg, "amg");
    }

    /** With {@link AmgOptions#defaults()}. */
    public MultigridSolver(SolverOptions options) {
        this(options, AmgOptions.defaults());
    }

    @Override
    public String name() {
        return "amg";
    }

    @Override
    public SolverOptions options() {
        return options;
    }

    public AmgOptions amgOptions() {
        return amg;
    }

    @Override
    public BoundSolver setup(LinearOperator a, Backend backend) {
        return new Bound(a, backend);
    }

    private final class Bound extends AbstractBoundSolver {
        private final AmgPreconditioner.Multigrid mg;
        private double setupSeconds;

        Bound(LinearOperator operator, Backend backend) {
            super("amg", MultigridSolver.this.options, operator, backend);
            long start = System.nanoTime();
            this.mg = new AmgPreconditioner.Multigrid(a, backend, amg);
            this.setupSeconds = (System.nanoTime() - start) * 1e-9;
        }

        @Override
        protected boolean needsSymmetricOperator() {
            return true;
        }

        @Override
        protected String preconditionerName() {
            return "none";
        }

        @Override
        public Map<String, Object> setupReport() {
            Map<String, Object> report = new LinkedHashMap<>();
            report.put("setupSeconds", setupSeconds);
            report.put("multigrid", mg.report());
            return java.util.Collections.unmodifiableMap(report);
        }

        @Override
        protected void operatorChanged() {
            long start = System.nanoTime();
            mg.resetup(a);
            setupSeconds = (System.nanoTime() - start) * 1e-9;
        }

        @Override
        protected Outcome iterate(Vector b, Vector x, double rr, History history) {
            if (mg.failure() != null) {
                return new Outcome(ConvergedReason.DIVERGED_PRECONDITIONER_FAILED, 0, mg.failure());
            }
            double threshold = history.threshold();
            String inconsistent = mg.inconsistency(b, threshold);
            if (inconsistent != null) {
                return new Outcome(ConvergedReason.DIVERGED_INCONSISTENT_RHS, 0, inconsistent);
            }
            for (int k = 1; k <= options.maxIterations(); k++) {
                mg.cycle.iterate(b, x);
                double rNorm = Math.sqrt(backend.residual(a, b, x, r));
                history.add(rNorm);
                if (!Double.isFinite(rNorm)) {
                    return new Outcome(ConvergedReason.DIVERGED_NAN, k, "residual is " + rNorm + " at iteration " + k);
                }
                if (rNorm <= threshold) {
                    return new Outcome(history.convergedReason(), k, "");
                }
                Outcome stop = history.stop(k);
                if (stop != null) {
                    return stop;
                }
            }
            return new Outcome(ConvergedReason.DIVERGED_MAX_ITERATIONS, options.maxIterations(), "");
        }

        @Override
        protected void release() {
            mg.close();
            super.release();
        }
    }
}
