package dev.solvent.jmh;

import dev.solvent.matrix.CsrMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.RealLinearOperator;
import org.apache.commons.math3.linear.RealVector;

/**
 * A CSR matrix as a Commons Math {@link RealLinearOperator}. Commons Math has no compressed
 * sparse row type (its {@code OpenMapRealMatrix} is a hash map, far slower for this), so its
 * iterative solvers are measured on this wrapper: the CSR arrays multiplied by a plain
 * single-threaded Java loop. {@link #operate} must return a new vector by Commons Math's contract,
 * so each product allocates its result, as it would for any Commons Math user.
 */
final class CommonsMathCsrOperator extends RealLinearOperator {

    private final int n;
    private final int[] rp;
    private final int[] ci;
    private final double[] v;

    CommonsMathCsrOperator(CsrMatrix a) {
        this.n = a.rows();
        this.rp = a.rowPtr();
        this.ci = a.colIdx();
        this.v = a.values();
    }

    @Override
    public int getRowDimension() {
        return n;
    }

    @Override
    public int getColumnDimension() {
        return n;
    }

    @Override
    public RealVector operate(RealVector x) {
        double[] xs = x instanceof ArrayRealVector ? ((ArrayRealVector) x).getDataRef() : x.toArray();
        double[] y = new double[n];
        multiply(xs, y);
        return new ArrayRealVector(y, false);
    }

    /** y = A x, one row after another. */
    void multiply(double[] x, double[] y) {
        for (int i = 0; i < n; i++) {
            double s = 0.0;
            for (int k = rp[i]; k < rp[i + 1]; k++) {
                s += v[k] * x[ci[k]];
            }
            y[i] = s;
        }
    }
}
