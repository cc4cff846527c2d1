package dev.solvent.dcdm;

import dev.solvent.matrix.CsrMatrix;
import java.util.Random;

/**
 * The paper's training vectors for one pressure system, made on demand: sample i is
 * <pre>
 *   b_i = sum_j c_j y_j / ||.||,   c_j ~ N(0, 1), times {@code lowBoost} (9 in the paper) for the
 *                                   lowest {@code lowCount} Ritz vectors
 * </pre>
 * with y_j the Ritz vectors of {@link Lanczos}: weighted toward the smooth, low-eigenvalue modes
 * that CG is slow to resolve. Sample i is a function of (seed, i) only, so a resumed training run
 * sees the same data without storing it.
 */
public final class TrainingData {

    private final CsrMatrix matrix;
    private final GridMap map;
    private final Lanczos.Ritz ritz;
    private final int lowCount;
    private final double lowBoost;
    private final long seed;

    /**
     * @param lowFraction fraction of the Ritz vectors (lowest first) that get {@code lowBoost};
     *                    the paper's m/2 + 500 of m = 10,000 is 0.55
     */
    public TrainingData(CsrMatrix matrix, GridMap map, int lanczosSteps, double lowFraction, double lowBoost, long seed) {
        if (matrix.rows() != map.unknowns()) {
            throw new IllegalArgumentException("the matrix has " + matrix.rows() + " rows but the grid map has "
                    + map.unknowns() + " unknowns");
        }
        this.matrix = matrix;
        this.map = map;
        this.ritz = Lanczos.ritz(matrix, lanczosSteps, seed, 1e-8);
        if (ritz.values().length == 0) {
            throw new IllegalArgumentException("Lanczos found no Ritz value above 1e-8");
        }
        this.lowCount = (int) Math.ceil(lowFraction * ritz.values().length);
        this.lowBoost = lowBoost;
        this.seed = seed;
    }

    public CsrMatrix matrix() {
        return matrix;
    }

    public GridMap map() {
        return map;
    }

    public int ritzVectors() {
        return ritz.values().length;
    }

    /** Sample {@code i}: a unit vector on the unknowns. */
    public double[] sample(long i) {
        Random rnd = new Random(seed * 0x9E3779B97F4A7C15L + i);
        int n = matrix.rows();
        double[] b = new double[n];
        double[][] y = ritz.vectors();
        for (int j = 0; j < y.length; j++) {
            double c = rnd.nextGaussian() * (j < lowCount ? lowBoost : 1.0);
            Lanczos.axpy(c, y[j], b);
        }
        Lanczos.scale(b, 1.0 / Math.sqrt(Lanczos.dot(b, b)));
        return b;
    }
}
