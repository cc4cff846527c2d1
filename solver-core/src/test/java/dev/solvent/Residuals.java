package dev.solvent;

import dev.solvent.matrix.CsrMatrix;

/**
 * Recomputes {@code b - A x} in the test itself, from the raw CSR arrays, without going through
 * any solver or backend code: the independent check every solver test ends with. Norms are taken
 * with scaling (the largest magnitude divided out before squaring), so they hold across the whole
 * double range: a residual of 1e-200 or 1e200 is measured, not underflowed or overflowed.
 */
public final class Residuals {

    private Residuals() {
    }

    /** {@code ||b - A x||_2}. */
    public static double norm(CsrMatrix a, double[] x, double[] b) {
        int[] rp = a.rowPtr();
        int[] ci = a.colIdx();
        double[] v = a.values();
        double[] r = new double[a.rows()];
        for (int i = 0; i < a.rows(); i++) {
            double ri = b[i];
            for (int k = rp[i]; k < rp[i + 1]; k++) {
                ri -= v[k] * x[ci[k]];
            }
            r[i] = ri;
        }
        return norm(r);
    }

    /** {@code ||b - A x|| / ||b||}. */
    public static double relative(CsrMatrix a, double[] x, double[] b) {
        return norm(a, x, b) / norm(b);
    }

    /** The 2-norm, scaled by the largest magnitude so that no square underflows or overflows. */
    public static double norm(double[] v) {
        double max = 0.0;
        for (double e : v) {
            max = Math.max(max, Math.abs(e));
        }
        if (max == 0.0 || !Double.isFinite(max)) {
            return max;
        }
        double s = 0.0;
        for (double e : v) {
            double t = e / max;
            s += t * t;
        }
        return max * Math.sqrt(s);
    }
}
