package dev.solvent.solve;

import java.util.Arrays;

/**
 * What a solve returns. {@link #residualNorm} is the TRUE residual {@code ||b - A x||} of the
 * returned x, recomputed after the iteration stopped, never the recursively updated estimate.
 *
 * @param solver          solver name ({@code cg}, {@code sor}, ...)
 * @param preconditioner  preconditioner name ({@code none}, {@code jacobi}, ...)
 * @param reason          why the iteration stopped
 * @param iterations      iterations performed
 * @param residualNorm    {@code ||b - A x||_2} of the returned x
 * @param rhsNorm         {@code ||b||_2}
 * @param residualHistory residual norm after each iteration, index 0 the initial one (empty when
 *                        history was not recorded)
 * @param seconds         wall time of the solve
 * @param message         details for a failure (row of a breakdown, ...), empty otherwise
 */
public record SolveResult(String solver, String preconditioner, ConvergedReason reason, int iterations,
                          double residualNorm, double rhsNorm, double[] residualHistory, double seconds,
                          String message) {

    /** Whether the solve met its tolerance. */
    public boolean converged() {
        return reason.converged();
    }

    /** {@code ||b - Ax|| / ||b||}; 0 when both are 0. */
    public double relativeResidual() {
        if (rhsNorm == 0.0) {
            return residualNorm == 0.0 ? 0.0 : Double.POSITIVE_INFINITY;
        }
        return residualNorm / rhsNorm;
    }

    @Override
    public double[] residualHistory() {
        return residualHistory.clone();
    }

    @Override
    public String toString() {
        return solver + "/" + preconditioner + ": " + reason + " after " + iterations + " iterations, ||b-Ax|| = "
                + residualNorm + " (relative " + relativeResidual() + "), " + seconds + " s"
                + (message.isEmpty() ? "" : " - " + message);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof SolveResult)) {
            return false;
        }
        SolveResult r = (SolveResult) o;
        return solver.equals(r.solver) && preconditioner.equals(r.preconditioner) && reason == r.reason
                && iterations == r.iterations && Double.compare(residualNorm, r.residualNorm) == 0
                && Double.compare(rhsNorm, r.rhsNorm) == 0 && Arrays.equals(residualHistory, r.residualHistory)
                && Double.compare(seconds, r.seconds) == 0 && message.equals(r.message);
    }

    @Override
    public int hashCode() {
        return 31 * reason.hashCode() + iterations;
    }
}
