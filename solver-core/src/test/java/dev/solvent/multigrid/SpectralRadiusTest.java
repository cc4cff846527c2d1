package dev.solvent.multigrid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solvent.gen.Generators;
import dev.solvent.matrix.CooBuilder;
import dev.solvent.matrix.CsrMatrix;
import dev.solvent.matrix.ParallelRows;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The estimate of {@code lambda_max(D^-1 A)}: the Lanczos Ritz value (below the exact value and
 * close to it after ten steps), or Gershgorin's bound once a Ritz value shows it within the gap.
 */
class SpectralRadiusTest {

    /** {@code lambda_max(D^-1 A)} of the 3D 7-point Laplacian on an n^3 grid: {@code 1 + cos(pi / (n + 1))}. */
    private static double exact3d(int n) {
        return 1.0 + Math.cos(Math.PI / (n + 1));
    }

    private static double estimate(CsrMatrix a, double gap, int threads) {
        try (ParallelRows par = new ParallelRows(threads)) {
            return SpectralRadius.ofJacobi(a, Hierarchy.diagonal(a, 0), gap, par);
        }
    }

    /** {@code max_i sum_j |a_ij| / a_ii}, computed here without the class under test. */
    private static double gershgorin(CsrMatrix a) {
        double g = 0.0;
        for (int i = 0; i < a.rows(); i++) {
            double sum = 0.0;
            double diag = 0.0;
            for (int k = a.rowPtr()[i]; k < a.rowPtr()[i + 1]; k++) {
                sum += Math.abs(a.values()[k]);
                if (a.colIdx()[k] == i) {
                    diag = a.values()[k];
                }
            }
            g = Math.max(g, sum / diag);
        }
        return g;
    }

    @Test
    void tenStepsComeWithinFourPerCentOfTheLaplaciansLargestEigenvalue() {
        CsrMatrix a = Generators.poisson3d(24).matrix();
        double exact = exact3d(24);
        double full = estimate(a, 0.0, 2);
        assertTrue(full <= exact * (1 + 1e-12) && full > 0.96 * exact, "estimate " + full + " vs " + exact);
    }

    @Test
    void aGershgorinBoundWithinTheGapIsTheEstimateOnTheLaplacian() {
        CsrMatrix a = Generators.poisson3d(24).matrix();
        double exact = exact3d(24);
        // Gershgorin gives 2 here, within 10 per cent above lambda_max: a Ritz value certifies it.
        assertEquals(2.0, gershgorin(a), 1e-15);
        assertTrue(exact < 2.0 && 2.0 <= 1.1 * exact);
        assertEquals(2.0, estimate(a, 0.1, 2), 0.0);
        // Where the gap asked for is tighter than the bound, the Ritz value of every step remains.
        double tight = estimate(a, 1e-4, 2);
        assertTrue(tight <= exact * (1 + 1e-12) && tight > 0.96 * exact, "estimate " + tight + " vs " + exact);
        assertEquals(Double.doubleToLongBits(estimate(a, 0.0, 2)), Double.doubleToLongBits(tight));
    }

    @Test
    void aLooseGershgorinBoundRunsEveryStep() {
        // B^T B + I with random B: off-diagonal entries of both signs, Gershgorin far above lambda_max.
        int n = 300;
        Random rnd = new Random(7);
        double[][] b = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int r = 0; r < 4; r++) {
                b[i][rnd.nextInt(n)] = rnd.nextGaussian();
            }
        }
        CooBuilder coo = CsrMatrix.builder(n, n);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = i == j ? 1.0 : 0.0;
                for (int k = 0; k < n; k++) {
                    s += b[k][i] * b[k][j];
                }
                if (s != 0.0) {
                    coo.add(i, j, s);
                }
            }
        }
        CsrMatrix a = coo.build();
        double full = estimate(a, 0.0, 1);
        assertTrue(1.1 * full < gershgorin(a), "the bound is loose here: " + full + " vs " + gershgorin(a));
        assertEquals(Double.doubleToLongBits(full), Double.doubleToLongBits(estimate(a, 0.1, 1)));
    }

    @Test
    void theEstimateDoesNotDependOnTheThreadCount() {
        CsrMatrix a = Generators.jumpingCoefficient3d(20, 1e3).matrix();
        for (double gap : new double[] {0.0, 0.1}) {
            long one = Double.doubleToLongBits(estimate(a, gap, 1));
            assertEquals(one, Double.doubleToLongBits(estimate(a, gap, 2)), "gap " + gap);
            assertEquals(one, Double.doubleToLongBits(estimate(a, gap, 3)), "gap " + gap);
        }
    }
}
