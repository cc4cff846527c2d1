package dev.solvent.solve;

import dev.solvent.backend.Backend;
import dev.solvent.backend.SweepDirection;
import dev.solvent.backend.Vector;
import dev.solvent.matrix.LinearOperator;

/**
 * Stationary relaxation: SOR, SSOR and Gauss-Seidel (forward, backward, symmetric) as solvers.
 * Each iteration is one sweep ({@link SweepDirection#SYMMETRIC}: a forward then a backward sweep),
 * followed by the true residual {@code b - A x} for the stopping test, so a reported convergence
 * is always real. The residual costs one SpMV per sweep.
 *
 * <p>A stationary iteration converges only when the spectral radius of its iteration matrix is
 * below one. When the residual grows past {@code divergenceTolerance} times the initial one, or
 * becomes non-finite, the solve stops with {@code DIVERGED_DTOL} or {@code DIVERGED_NAN} instead of
 * running to the iteration limit; when it stops falling (a singular system without a solution,
 * where the residual tends to a nonzero limit) it stops with {@code DIVERGED_STAGNATION}.
 *
 * <p>Needs an assembled matrix with nonzero diagonal entries (checked at setup).
 */
public final class StationaryIteration implements IterativeSolver {

    private final String name;
    private final SolverOptions options;
    private final SweepDirection direction;

    /**
     * @param name      registry name reported in results ({@code sor}, {@code ssor}, {@code gs}, ...)
     * @param options   options; {@code omega} is the relaxation parameter
     * @param direction sweep order
     */
    public StationaryIteration(String name, SolverOptions options, SweepDirection direction) {
        this.name = java.util.Objects.requireNonNull(name, "name");
        this.options = java.util.Objects.requireNonNull(options, "options").requireStoppable();
        this.direction = java.util.Objects.requireNonNull(direction, "direction");
    }

    /** Forward SOR with the options' omega. */
    public static StationaryIteration sor(SolverOptions options) {
        return new StationaryIteration("sor", options, SweepDirection.FORWARD);
    }

    /** SSOR (a forward and a backward sweep) with the options' omega. */
    public static StationaryIteration ssor(SolverOptions options) {
        return new StationaryIteration("ssor", options, SweepDirection.SYMMETRIC);
    }

    /** Gauss-Seidel (omega = 1) in the given order. */
    public static StationaryIteration gaussSeidel(SolverOptions options, SweepDirection direction) {
        String name = switch (direction) {
            case FORWARD -> "gs";
            case BACKWARD -> "gs-backward";
            case SYMMETRIC -> "gs-symmetric";
        };
        return new StationaryIteration(name, options.withOmega(1.0), direction);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public SolverOptions options() {
        return options;
    }

    public SweepDirection direction() {
        return direction;
    }

    @Override
    public BoundSolver setup(LinearOperator a, Backend backend) {
        return new Bound(a, backend);
    }

    private final class Bound extends AbstractBoundSolver {

        Bound(LinearOperator operator, Backend backend) {
            super(StationaryIteration.this.name, StationaryIteration.this.options, operator, backend);
            // Fail at setup, not mid-solve, on a missing or zero diagonal or a matrix-free operator.
            if (!(operator instanceof dev.solvent.matrix.CsrMatrix)) {
                throw new IllegalArgumentException(name + " needs an assembled CsrMatrix, got "
                        + operator.getClass().getSimpleName());
            }
            double[] diag = operator.diagonal();
            for (int i = 0; i < diag.length; i++) {
                if (diag[i] == 0.0) {
                    throw new IllegalArgumentException(name + ": row " + (i + 1) + " (counted from 1) has a zero"
                            + " diagonal entry");
                }
            }
        }

        @Override
        protected String preconditionerName() {
            return "none";
        }

        @Override
        protected Outcome iterate(Vector b, Vector x, double rr, History history) {
            double threshold = history.threshold();
            double omega = options.omega();
            for (int k = 1; k <= options.maxIterations(); k++) {
                backend.sorSweep(a, b, x, omega, direction);
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
    }
}
