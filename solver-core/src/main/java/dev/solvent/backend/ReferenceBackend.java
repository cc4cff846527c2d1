package dev.solvent.backend;

import dev.solvent.matrix.CsrMatrix;
import dev.solvent.matrix.LinearOperator;

/**
 * The oracle: plain single-threaded loops, written to be obviously right rather than fast. The
 * parallel CPU backend and the CUDA backend are tested against it on the same inputs.
 *
 * <p>It keeps no state between calls, so calls from several threads run side by side without a
 * lock (see {@link Backend} for what may be shared); closing it releases nothing, but bound
 * solvers refuse to set up or solve on it afterwards.
 */
public final class ReferenceBackend extends HostBackend {

    @Override
    public String name() {
        return "reference";
    }

    @Override
    public int threads() {
        return 1;
    }

    @Override
    public BoundOperator bind(LinearOperator op) {
        if (op instanceof CsrMatrix) {
            return new HostCsr((CsrMatrix) op);
        }
        return () -> op;
    }

    @Override
    public void fill(Vector x, double value) {
        java.util.Arrays.fill(HostVector.of(x), value);
    }

    @Override
    public void copy(Vector src, Vector dst) {
        double[] s = HostVector.of(src);
        double[] d = HostVector.of(dst);
        checkLength(s, d);
        System.arraycopy(s, 0, d, 0, s.length);
    }

    @Override
    public double dot(Vector x, Vector y) {
        double[] a = HostVector.of(x);
        double[] b = HostVector.of(y);
        checkLength(a, b);
        double s = 0.0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    @Override
    public void axpy(double alpha, Vector x, Vector y) {
        double[] a = HostVector.of(x);
        double[] b = HostVector.of(y);
        checkLength(a, b);
        for (int i = 0; i < a.length; i++) {
            b[i] += alpha * a[i];
        }
    }

    @Override
    public void scale(double alpha, Vector x) {
        double[] a = HostVector.of(x);
        for (int i = 0; i < a.length; i++) {
            a[i] *= alpha;
        }
    }

    @Override
    public void apply(BoundOperator a, Vector x, Vector y) {
        double[] xx = HostVector.of(x);
        double[] yy = HostVector.of(y);
        checkDistinct("apply", "x", xx, "y", yy);
        a.source().apply(xx, yy);
    }

    @Override
    public double applyDot(BoundOperator a, Vector p, Vector q) {
        apply(a, p, q);
        return dot(p, q);
    }

    @Override
    public double residual(BoundOperator a, Vector b, Vector x, Vector r) {
        double[] bb = HostVector.of(b);
        double[] rr = HostVector.of(r);
        checkDistinct("residual", "b", bb, "r", rr);
        apply(a, x, r);
        checkLength(bb, rr);
        double s = 0.0;
        for (int i = 0; i < rr.length; i++) {
            rr[i] = bb[i] - rr[i];
            s += rr[i] * rr[i];
        }
        return s;
    }

    @Override
    public void cgDirection(Vector z, double beta, Vector p) {
        double[] zz = HostVector.of(z);
        double[] pp = HostVector.of(p);
        checkLength(zz, pp);
        for (int i = 0; i < pp.length; i++) {
            pp[i] = zz[i] + beta * pp[i];
        }
    }

    @Override
    public double cgUpdate(double alpha, Vector p, Vector q, Vector x, Vector r) {
        double[] pp = HostVector.of(p);
        double[] qq = HostVector.of(q);
        double[] xx = HostVector.of(x);
        double[] rr = HostVector.of(r);
        checkLength(pp, qq);
        checkLength(pp, xx);
        checkLength(pp, rr);
        checkCgUpdateDistinct(pp, qq, xx, rr);
        double s = 0.0;
        for (int i = 0; i < pp.length; i++) {
            xx[i] += alpha * pp[i];
            rr[i] -= alpha * qq[i];
            s += rr[i] * rr[i];
        }
        return s;
    }

    @Override
    public double diagonalScaleDot(Vector d, Vector r, Vector z) {
        double[] dd = HostVector.of(d);
        double[] rr = HostVector.of(r);
        double[] zz = HostVector.of(z);
        checkLength(dd, rr);
        checkLength(dd, zz);
        checkDistinct("diagonalScaleDot", "r", rr, "z", zz);
        checkDistinct("diagonalScaleDot", "d", dd, "z", zz);
        double s = 0.0;
        for (int i = 0; i < rr.length; i++) {
            zz[i] = dd[i] * rr[i];
            s += rr[i] * zz[i];
        }
        return s;
    }

    @Override
    public void applyAdd(BoundOperator a, double alpha, Vector x, Vector y) {
        double[] yy = HostVector.of(y);
        if (yy == HostVector.of(x)) {
            throw new IllegalArgumentException("applyAdd: x and y must be different vectors");
        }
        double[] t = new double[yy.length];
        a.source().apply(HostVector.of(x), t);
        for (int i = 0; i < yy.length; i++) {
            yy[i] += alpha * t[i];
        }
    }

    @Override
    public void smootherStep(BoundOperator a, Vector b, Vector x, Vector dinv, double c1, double c2, Vector d,
                             Vector xOut) {
        double[] bb = HostVector.of(b);
        double[] di = HostVector.of(dinv);
        double[] dd = HostVector.of(d);
        double[] xo = HostVector.of(xOut);
        checkLength(bb, di);
        checkLength(bb, dd);
        checkLength(bb, xo);
        double[] xx = null;
        double[] ax = null;
        checkSmootherAliasing(bb, x == null ? null : HostVector.of(x), di, dd, xo);
        if (x != null) {
            xx = HostVector.of(x);
            ax = new double[bb.length];
            a.source().apply(xx, ax);
        }
        for (int i = 0; i < bb.length; i++) {
            double r = xx == null ? bb[i] : bb[i] - ax[i];
            double di2 = c1 == 0.0 ? c2 * di[i] * r : c1 * dd[i] + c2 * di[i] * r;
            dd[i] = di2;
            xo[i] = xx == null ? di2 : xx[i] + di2;
        }
    }
}
