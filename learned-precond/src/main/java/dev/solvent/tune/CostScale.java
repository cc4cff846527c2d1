package dev.solvent.tune;

/**
 * The paper's loss normalisation: an iteration count k becomes {@code (k - 1) / s} with {@code s}
 * the running mean of {@code k - 1} over all costs seen so far, the current one included.
 * Iteration counts have no a-priori bound, while the bandit analyses assume losses of order one;
 * dividing by the running mean makes a typical loss about 1 whatever the problem size, and the
 * shift by one makes a one-iteration solve free (nothing is left to gain there).
 */
final class CostScale {

    private double sum;
    private long count;

    /** Records {@code cost} and returns its normalised loss (0 while every cost so far was at most 1). */
    double normalise(double cost) {
        double excess = Math.max(cost - 1.0, 0.0);
        sum += excess;
        count++;
        double mean = sum / count;
        return mean > 0.0 ? excess / mean : 0.0;
    }

    /** The current scale (the running mean of {@code k - 1}); 0 before any cost. */
    double scale() {
        return count == 0 ? 0.0 : sum / count;
    }

    static void checkCost(double cost) {
        if (!(cost >= 0.0) || Double.isInfinite(cost)) {
            throw new IllegalArgumentException("a cost must be finite and non-negative, got " + cost);
        }
    }
}
