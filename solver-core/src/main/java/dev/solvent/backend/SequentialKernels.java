package dev.solvent.backend;

/**
 * Kernels whose recurrences run row after row (lexicographic SOR, triangular solves), on raw CSR
 * arrays. Both host backends use them: their data dependence leaves no row-parallelism without
 * reordering the unknowns (the CUDA backend's multicolour ordering does that, and converges
 * differently).
 */
public final class SequentialKernels {

    private SequentialKernels() {
    }

    /**
     * SOR sweep over rows {@code first, first+step, ...} up to (excluding) {@code end}:
     * <pre>  x_i = (1 - w) x_i + w (b_i - sum_{j != i} a_ij x_j) / a_ii  </pre>
     * using the newest x_j (Gauss-Seidel style). {@code step} is +1 (forward) or -1 (backward).
     */
    public static void sorSweep(int[] rp, int[] ci, double[] v, int[] diag, double[] b, double[] x,
                                double omega, int first, int end, int step) {
        for (int i = first; i != end; i += step) {
            double sum = b[i];
            int d = diag[i];
            for (int k = rp[i]; k < rp[i + 1]; k++) {
                sum -= v[k] * x[ci[k]];
            }
            // The loop above also subtracted a_ii x_i; add it back rather than branch per entry.
            double aii = v[d];
            sum += aii * x[i];
            x[i] += omega * (sum / aii - x[i]);
        }
    }

    /**
     * The SSOR preconditioner, {@code z = c (D + wU)^-1 D (D + wL)^-1 r} with {@code c = w (2 - w)}:
     * <pre>
     *   forward:  t_i = (c r_i - w sum_{j&lt;i} a_ij t_j) / a_ii        ((D + wL) t = c r)
     *   backward: z_i = t_i - w (sum_{j>i} a_ij z_j) / a_ii           ((D + wU) z = D t)
     * </pre>
     * One pass over each triangle. Returns {@code r . z}.
     */
    public static double ssorApplyDot(int[] rp, int[] ci, double[] v, int[] diag, double[] r, double[] z,
                                      double omega) {
        int n = r.length;
        double c = omega * (2.0 - omega);
        for (int i = 0; i < n; i++) {
            double sum = c * r[i];
            int d = diag[i];
            for (int k = rp[i]; k < d; k++) {
                sum -= omega * v[k] * z[ci[k]];
            }
            z[i] = sum / v[d];
        }
        double dot = 0.0;
        for (int i = n - 1; i >= 0; i--) {
            double sum = 0.0;
            int d = diag[i];
            for (int k = d + 1; k < rp[i + 1]; k++) {
                sum += v[k] * z[ci[k]];
            }
            z[i] -= omega * sum / v[d];
            dot += r[i] * z[i];
        }
        return dot;
    }

    /**
     * Solves {@code L L^T z = r} for a lower-triangular {@code L} stored by rows with the diagonal
     * last in each row:
     * <pre>
     *   forward (L y = r):     y_i = (r_i - sum_{j&lt;i} l_ij y_j) / l_ii
     *   backward (L^T z = y):  for i = n-1..0: z_i = y_i / l_ii, then y_j -= l_ij z_i for j &lt; i
     * </pre>
     * The backward pass walks L's rows as columns of L^T, so one stored factor serves both.
     * Returns {@code r . z}.
     */
    public static double choleskySolveDot(int[] rp, int[] ci, double[] v, double[] r, double[] z) {
        int n = r.length;
        for (int i = 0; i < n; i++) {
            int d = rp[i + 1] - 1;
            double sum = r[i];
            for (int k = rp[i]; k < d; k++) {
                sum -= v[k] * z[ci[k]];
            }
            z[i] = sum / v[d];
        }
        double dot = 0.0;
        for (int i = n - 1; i >= 0; i--) {
            int d = rp[i + 1] - 1;
            double zi = z[i] / v[d];
            z[i] = zi;
            dot += r[i] * zi;
            for (int k = rp[i]; k < d; k++) {
                z[ci[k]] -= v[k] * zi;
            }
        }
        return dot;
    }
}
