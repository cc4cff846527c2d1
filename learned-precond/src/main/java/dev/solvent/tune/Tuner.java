package dev.solvent.tune;

/**
 * Chooses a solver parameter (here the SOR/SSOR relaxation factor omega) for each system of a
 * sequence, then learns from the cost that choice incurred: the online-learning loop of Khodak et
 * al., "Learning to Relax" (ICLR 2024).
 *
 * <pre>
 *   for t = 1, 2, ...:
 *     i = choose(context_t)          // an index into arms(), drawn from probabilities()
 *     solve system t with omega = arms()[i], costing k_t iterations
 *     observe(k_t)
 * </pre>
 *
 * <p>Calls alternate strictly: {@code choose}, {@code observe}, {@code choose}, ... A tuner is
 * seeded in its constructor and owns its random stream, so the same seed and the same costs give
 * exactly the same choices. Tuners are not thread-safe; one tuner follows one sequence.
 */
public interface Tuner {

    /** Name used in tables and on the command line. */
    String name();

    /** The candidate parameter values (a copy). */
    double[] arms();

    /**
     * Picks the arm for the next system.
     *
     * @param context a scalar feature of the system (a diagonal shift, a diffusion coefficient);
     *                ignored by non-contextual tuners, which accept {@code NaN}
     * @return an index into {@link #arms()}
     * @throws IllegalStateException if the previous choice has not been observed yet
     */
    int choose(double context);

    /**
     * Reports the cost (iterations, counted as the paper does: the cap for a failed solve) of the
     * arm returned by the last {@link #choose}.
     *
     * @throws IllegalStateException    if there is no choice waiting for its cost
     * @throws IllegalArgumentException if the cost is negative or not finite
     */
    void observe(double cost);

    /** The distribution the last {@link #choose} sampled from (a copy; length {@code arms().length}). */
    double[] probabilities();

    /** Linearly spaced values {@code lo, ..., hi}: the paper's arms are {@code linspace(1, 1.95, 20)}. */
    static double[] linspace(double lo, double hi, int count) {
        if (count < 1) {
            throw new IllegalArgumentException("need at least one point, got " + count);
        }
        double[] v = new double[count];
        for (int i = 0; i < count; i++) {
            v[i] = count == 1 ? lo : lo + (hi - lo) * i / (count - 1);
        }
        return v;
    }

    /** The paper's 20 relaxation factors, {@code 1, 1.05, ..., 1.95}. */
    static double[] defaultArms() {
        return linspace(1.0, 1.95, 20);
    }
}
