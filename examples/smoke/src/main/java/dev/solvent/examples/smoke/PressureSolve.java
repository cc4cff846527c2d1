package dev.solvent.examples.smoke;

import dev.solvent.solve.SolveResult;

/**
 * One pressure solve of a step.
 *
 * @param method     the method that produced the pressure (for a tuner: the arm it chose, such as
 *                   {@code ssor(1.5)/warm})
 * @param warm       whether it started from the previous pressure
 * @param iterations iterations spent on this step's pressure (a fallback solve after a failed
 *                   tuner arm included; counterfactual solves of a hindsight comparison are not)
 * @param seconds    wall time of those solves
 * @param result     Solvent's result for the pressure that was used: true residual, reason
 * @param cost       the cost a tuner observed for this solve (NaN for a fixed method)
 */
public record PressureSolve(String method, boolean warm, int iterations, double seconds, SolveResult result, double cost) {

    /** A single solve by a fixed method. */
    static PressureSolve of(String method, boolean warm, SolveResult r) {
        return new PressureSolve(method, warm, r.iterations(), r.seconds(), r, Double.NaN);
    }
}
