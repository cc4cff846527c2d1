package dev.solvent.tune;

/**
 * The per-round costs of one method on one sequence, with the summaries the report uses.
 *
 * @param method     method name
 * @param costs      cost (iterations) of each round
 * @param seconds    wall time of each round, or an empty array when not measured
 * @param omegas     omega used in each round (for instance-optimal: the best found)
 * @param cpuSeconds CPU time of the solving thread in each round, or an empty array: on a shared
 *                   machine it is far less disturbed by other processes than the wall time
 */
public record Trace(String method, double[] costs, double[] seconds, double[] omegas, double[] cpuSeconds) {

    /** A trace without CPU times. */
    public Trace(String method, double[] costs, double[] seconds, double[] omegas) {
        this(method, costs, seconds, omegas, new double[0]);
    }

    /** Mean cost over rounds {@code [from, costs.length)}. */
    public double meanFrom(int from) {
        int start = Math.max(0, Math.min(from, costs.length));
        if (start == costs.length) {
            return Double.NaN;
        }
        double s = 0.0;
        for (int i = start; i < costs.length; i++) {
            s += costs[i];
        }
        return s / (costs.length - start);
    }

    /** Mean cost over all rounds. */
    public double mean() {
        return meanFrom(0);
    }

    /** Mean cost over the last {@code window} rounds (all of them if fewer). */
    public double meanLast(int window) {
        return meanFrom(costs.length - window);
    }

    /** Total cost. */
    public double total() {
        double s = 0.0;
        for (double c : costs) {
            s += c;
        }
        return s;
    }

    /** Total wall time, NaN when not measured. */
    public double totalSeconds() {
        if (seconds.length == 0) {
            return Double.NaN;
        }
        double s = 0.0;
        for (double c : seconds) {
            s += c;
        }
        return s;
    }

    /** Total CPU time, NaN when not measured. */
    public double totalCpuSeconds() {
        if (cpuSeconds.length == 0) {
            return Double.NaN;
        }
        double s = 0.0;
        for (double c : cpuSeconds) {
            s += c;
        }
        return s;
    }

    /** Running sum of the costs. */
    public double[] cumulative() {
        double[] c = new double[costs.length];
        double s = 0.0;
        for (int i = 0; i < c.length; i++) {
            s += costs[i];
            c[i] = s;
        }
        return c;
    }
}
