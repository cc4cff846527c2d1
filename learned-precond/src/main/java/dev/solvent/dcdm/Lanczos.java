package dev.solvent.dcdm;

import dev.solvent.matrix.LinearOperator;
import java.util.Arrays;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * Lanczos with full reorthogonalisation, and the Ritz pairs it gives: the approximate
 * eigenvectors of A that the paper's training vectors are built from.
 * <pre>
 *   q_1 = A xi / ||A xi||,  xi ~ N(0, I)      (starting from A xi keeps q_1 in the range of A)
 *   for j = 1..m:
 *     w = A q_j - beta_{j-1} q_{j-1};  alpha_j = w.q_j;  w -= alpha_j q_j
 *     w -= sum_{i &lt;= j} (w.q_i) q_i, twice        (full reorthogonalisation)
 *     beta_j = ||w||;  stop if beta_j is negligible (an invariant subspace);  q_{j+1} = w / beta_j
 *   T = tridiag(beta, alpha, beta) = S diag(theta) S^T      (EJML's symmetric eigensolver)
 *   Ritz vectors y_i = Q s_i, Ritz values theta_i
 * </pre>
 * Ritz values below {@code minValue} (1e-8 in the paper) are dropped; the rest are sorted
 * ascending, vectors likewise.
 */
public final class Lanczos {

    /** Ritz pairs in ascending order of value; {@code vectors[i]} has unit norm. */
    public record Ritz(double[] values, double[][] vectors) {
    }

    private Lanczos() {
    }

    /** Runs at most {@code m} steps from {@code A xi} ({@code xi} from {@code seed}). */
    public static Ritz ritz(LinearOperator a, int m, long seed, double minValue) {
        int n = a.rows();
        if (m < 1) {
            throw new IllegalArgumentException("Lanczos needs at least one step, got " + m);
        }
        m = Math.min(m, n);
        Random rnd = new Random(seed);
        double[] xi = new double[n];
        for (int i = 0; i < n; i++) {
            xi[i] = rnd.nextGaussian();
        }
        double[][] q = new double[m + 1][];
        double[] alpha = new double[m];
        double[] beta = new double[m];
        double[] start = new double[n];
        a.apply(xi, start);
        double norm = Math.sqrt(dot(start, start));
        if (!(norm > 0)) {
            throw new IllegalArgumentException("A xi is zero: the operator is zero");
        }
        scale(start, 1.0 / norm);
        q[0] = start;
        int steps = 0;
        double scaleT = 0;
        double[] w = new double[n];
        for (int j = 0; j < m; j++) {
            a.apply(q[j], w);
            if (j > 0) {
                axpy(-beta[j - 1], q[j - 1], w);
            }
            alpha[j] = dot(w, q[j]);
            axpy(-alpha[j], q[j], w);
            for (int pass = 0; pass < 2; pass++) {
                for (int i = 0; i <= j; i++) {
                    axpy(-dot(w, q[i]), q[i], w);
                }
            }
            steps = j + 1;
            double b = Math.sqrt(dot(w, w));
            scaleT = Math.max(scaleT, Math.abs(alpha[j]) + b);
            beta[j] = b;
            if (j == m - 1 || b <= 1e-12 * scaleT) {
                break;
            }
            q[j + 1] = w.clone();
            scale(q[j + 1], 1.0 / b);
        }
        // The tridiagonal eigenproblem.
        DMatrixRMaj t = new DMatrixRMaj(steps, steps);
        for (int j = 0; j < steps; j++) {
            t.set(j, j, alpha[j]);
            if (j + 1 < steps) {
                t.set(j, j + 1, beta[j]);
                t.set(j + 1, j, beta[j]);
            }
        }
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(steps, true, true);
        if (!eig.decompose(t)) {
            throw new IllegalStateException("the eigensolver failed on the " + steps + " x " + steps + " Lanczos matrix");
        }
        Integer[] order = new Integer[steps];
        double[] theta = new double[steps];
        for (int i = 0; i < steps; i++) {
            order[i] = i;
            theta[i] = eig.getEigenvalue(i).getReal();
        }
        Arrays.sort(order, (x, y) -> Double.compare(theta[x], theta[y]));
        int kept = 0;
        for (int i = 0; i < steps; i++) {
            if (theta[order[i]] >= minValue) {
                kept++;
            }
        }
        double[] values = new double[kept];
        double[][] vectors = new double[kept][];
        int out = 0;
        for (int idx = 0; idx < steps; idx++) {
            int i = order[idx];
            if (theta[i] < minValue) {
                continue;
            }
            DMatrixRMaj s = eig.getEigenVector(i);
            double[] y = new double[n];
            for (int j = 0; j < steps; j++) {
                axpy(s.get(j, 0), q[j], y);
            }
            double ny = Math.sqrt(dot(y, y));
            scale(y, 1.0 / ny);
            values[out] = theta[i];
            vectors[out] = y;
            out++;
        }
        return new Ritz(values, vectors);
    }

    static double dot(double[] x, double[] y) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += x[i] * y[i];
        }
        return s;
    }

    static void axpy(double alpha, double[] x, double[] y) {
        for (int i = 0; i < x.length; i++) {
            y[i] += alpha * x[i];
        }
    }

    static void scale(double[] x, double alpha) {
        for (int i = 0; i < x.length; i++) {
            x[i] *= alpha;
        }
    }
}
