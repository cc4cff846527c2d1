package dev.solvent.examples.smoke;

import java.util.List;

/**
 * What a whole run did, per step and in total.
 *
 * @param label            the solver's label ({@code ic0}, {@code ic0 (cold)}, {@code bandit})
 * @param config           the configuration of the run
 * @param steps            per step: the method used, iterations, solve time, divergence, mass
 * @param setups           how many times Solvent's {@code setup} ran
 * @param assemblies       how many times the pressure matrix was assembled
 * @param unknowns         pressure unknowns (fluid cells)
 * @param wallSeconds      wall time of the whole run (simulation, solves, pictures)
 * @param bandit           the tuner's account, or null for a fixed solver
 */
public record RunSummary(String label, SmokeConfig config, List<StepRow> steps, int setups, int assemblies,
                         int unknowns, double wallSeconds, BanditAccount bandit) {

    /**
     * One step.
     *
     * @param method      the method that solved it (a tuner's arm)
     * @param iterations  iterations of the pressure solve
     * @param seconds     wall time of the pressure solve
     * @param converged   whether it met the tolerance
     * @param relDivergence {@code ||div u||_2 / ||div u*||_2} after the projection
     * @param divergence  {@code ||div u||_2} after the projection (grid units: per step)
     * @param maxDivergence {@code max |div u|} after the projection
     * @param mass        total smoke after the step
     * @param outflow     smoke that left through the top this step
     * @param injected    smoke added by the source this step
     * @param stepSeconds wall time of the whole step
     */
    public record StepRow(String method, int iterations, double seconds, boolean converged, double relDivergence,
                          double divergence, double maxDivergence, double mass, double outflow, double injected,
                          double stepSeconds) {
    }

    /**
     * The tuner's side of a bandit run.
     *
     * @param arms        arm labels
     * @param choices     how often each arm was chosen
     * @param costKind    {@code work} or {@code time}
     * @param totalCost   the tuner's total observed cost
     * @param hindsightCost per arm, its total cost had it solved every step (empty without hindsight)
     * @param hindsightIterations per arm, its total iterations over every step (empty without hindsight)
     * @param hindsightSeconds per arm, its total solve time over every step (empty without hindsight)
     * @param backstops   steps on which the chosen arm failed and IC(0) finished the solve
     */
    public record BanditAccount(List<String> arms, int[] choices, String costKind, double totalCost,
                                double[] hindsightCost, long[] hindsightIterations, double[] hindsightSeconds,
                                int backstops) {

        /** Index of the best fixed arm in hindsight, or -1 without hindsight. */
        public int bestArm() {
            int best = -1;
            for (int i = 0; i < hindsightCost.length; i++) {
                if (best < 0 || hindsightCost[i] < hindsightCost[best]) {
                    best = i;
                }
            }
            return best;
        }
    }

    public int totalIterations() {
        int s = 0;
        for (StepRow r : steps) {
            s += r.iterations();
        }
        return s;
    }

    public double meanIterations() {
        return steps.isEmpty() ? 0.0 : totalIterations() / (double) steps.size();
    }

    public int maxIterations() {
        int m = 0;
        for (StepRow r : steps) {
            m = Math.max(m, r.iterations());
        }
        return m;
    }

    /** Total wall time of the pressure solves. */
    public double solveSeconds() {
        double s = 0.0;
        for (StepRow r : steps) {
            s += r.seconds();
        }
        return s;
    }

    /** The largest {@code ||div u||_2 / ||div u*||_2} after projection over all steps. */
    public double maxRelDivergence() {
        double m = 0.0;
        for (StepRow r : steps) {
            m = Math.max(m, r.relDivergence());
        }
        return m;
    }

    /** The largest {@code max |div u|} after projection over all steps. */
    public double maxDivergence() {
        double m = 0.0;
        for (StepRow r : steps) {
            m = Math.max(m, r.maxDivergence());
        }
        return m;
    }

    /** Steps whose pressure solve did not meet the tolerance. */
    public int notConverged() {
        int c = 0;
        for (StepRow r : steps) {
            if (!r.converged()) {
                c++;
            }
        }
        return c;
    }

    public double finalMass() {
        return steps.isEmpty() ? 0.0 : steps.get(steps.size() - 1).mass();
    }

    public double totalOutflow() {
        double s = 0.0;
        for (StepRow r : steps) {
            s += r.outflow();
        }
        return s;
    }

    public double totalInjected() {
        double s = 0.0;
        for (StepRow r : steps) {
            s += r.injected();
        }
        return s;
    }
}
