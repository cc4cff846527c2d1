package dev.solvent.ot;

import dev.solvent.matrix.CsrMatrix;

/**
 * What an optimal transport solve returns. Everything is measured on the returned potentials after
 * the iteration stopped: the plan {@code P_ij = exp(eta (-C_ij + x_i + y_j) - 1)} is formed once
 * more and its marginals, cost and entropy are summed directly.
 *
 * @param method             {@code sinkhorn} or {@code sns}
 * @param reason             why the iteration stopped
 * @param marginalError      {@code ||P 1 - r||_1 + ||P^T 1 - c||_1}
 * @param transportCost      {@code <C, P>} (with the cost as the problem holds it, scaled if asked)
 * @param entropicObjective  {@code <C, P> + (1/eta) sum_ij P_ij log P_ij}, the primal objective
 * @param dualObjective      {@code -(1/eta) sum_ij P_ij + <r, x> + <c, y>}; equals the primal at the optimum
 * @param sourcePotential    x, by original source index; {@code -Infinity} at zero-mass bins
 * @param targetPotential    y, by original target index; {@code -Infinity} at zero-mass bins
 * @param plan               the entries of P at or above the plan threshold, sourceSize x targetSize
 * @param sinkhornIterations Sinkhorn iterations (one row and one column update each), fallbacks included
 * @param newtonIterations   accepted Newton steps
 * @param cgIterations       conjugate-gradient iterations over all Newton steps
 * @param seconds            wall time of the solve, the final evaluation included
 * @param message            details: the Hessian sparsity for SNS, the cause of a failure
 */
public record OtResult(String method, OtReason reason, double marginalError, double transportCost,
                       double entropicObjective, double dualObjective, double[] sourcePotential,
                       double[] targetPotential, CsrMatrix plan, int sinkhornIterations, int newtonIterations,
                       long cgIterations, double seconds, String message) {

    /** Whether the marginal error reached the tolerance. */
    public boolean converged() {
        return reason.converged();
    }

    /** Sinkhorn plus Newton iterations, the count the paper reports. */
    public int iterations() {
        return sinkhornIterations + newtonIterations;
    }

    @Override
    public double[] sourcePotential() {
        return sourcePotential.clone();
    }

    @Override
    public double[] targetPotential() {
        return targetPotential.clone();
    }

    @Override
    public String toString() {
        return method + ": " + reason + " after " + sinkhornIterations + " Sinkhorn + " + newtonIterations
                + " Newton iterations (" + cgIterations + " CG), marginal error " + marginalError
                + ", <C,P> = " + transportCost + ", " + seconds + " s" + (message.isEmpty() ? "" : " - " + message);
    }
}
