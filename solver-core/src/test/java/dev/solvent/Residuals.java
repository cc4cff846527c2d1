package dev.solvent;

import dev.solvent.matrix.CsrMatrix;

/**
 * Recomputes {@code b - A x} in the test itself, from the raw CSR arrays, without going through
 * any solver or backend code: the independent check every solver test ends with.
 */
public final class Residuals {

    private Residuals() {
    }

    /** {@code ||b - A x||_2}. */
    public static double norm(CsrMatrix a, double[] x, double[] b) {
        int[] rp = a.rowPtr();
        int[] ci = a.colIdx();
        double[] v = a.values();
        double sum = 0.0;
        for (int i = 0; i < a.rows(); i++) {
            double ri = b[i];
            for (int k = rp[i]; k < rp[i + 1]; k++) {
                ri -= v[k] * x[ci[k]];
            }
            sum += ri * ri;
        }
        return Math.sqrt(sum);
    }

    /** {@code ||b - A x|| / ||b||}. */
    public static double relative(CsrMatrix a, double[] x, double[] b) {
        double bb = 0.0;
        for (double bi : b) {
            bb += bi * bi;
        }
        return norm(a, x, b) / Math.sqrt(bb);
    }
}
