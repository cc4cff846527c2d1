package dev.solvent.dcdm;

import dev.solvent.matrix.LinearOperator;

/**
 * The paper's scale-invariant training loss for one unit-norm input b and network output f
 * (both on the fluid unknowns): the residual left by the best multiple of f as a correction,
 * <pre>
 *   L(f) = || b - c A f ||^2,   c = (f.b) / (f.A f)
 * </pre>
 * Multiplying f by any nonzero scalar leaves L unchanged. Expanding with u = A f, s = f.b,
 * t = f.u (A symmetric):
 * <pre>
 *   L = b.b - 2 c (b.u) + c^2 (u.u)
 *   dc/df = b / t - 2 s u / t^2
 *   dL/df = dc/df (2 c (u.u) - 2 (b.u)) - 2 c A b + 2 c^2 A u
 * </pre>
 * One extra product {@code A u} per sample; {@code A b} is passed in, computed once per sample.
 */
public final class DcdmLoss {

    private DcdmLoss() {
    }

    /**
     * Returns L(f) and writes dL/df into {@code grad} (may be null). When {@code f.Af <= 0} (a zero
     * output) the loss is {@code b.b} and the gradient zero.
     */
    public static double lossAndGradient(LinearOperator a, double[] b, double[] ab, double[] f, double[] grad) {
        int n = b.length;
        double[] u = new double[n];
        a.apply(f, u);
        double s = 0;
        double t = 0;
        double bu = 0;
        double uu = 0;
        double bb = 0;
        for (int i = 0; i < n; i++) {
            s += f[i] * b[i];
            t += f[i] * u[i];
            bu += b[i] * u[i];
            uu += u[i] * u[i];
            bb += b[i] * b[i];
        }
        if (!(t > 0)) {
            if (grad != null) {
                java.util.Arrays.fill(grad, 0.0);
            }
            return bb;
        }
        double c = s / t;
        double loss = bb - 2 * c * bu + c * c * uu;
        if (grad != null) {
            double[] au = new double[n];
            a.apply(u, au);
            double k = 2 * c * uu - 2 * bu;
            for (int i = 0; i < n; i++) {
                double dc = b[i] / t - 2 * s * u[i] / (t * t);
                grad[i] = dc * k - 2 * c * ab[i] + 2 * c * c * au[i];
            }
        }
        // Rounding can make the expanded form slightly negative when the fit is nearly exact.
        return Math.max(loss, 0.0);
    }
}
