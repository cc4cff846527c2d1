package dev.solvent.multigrid;

import dev.solvent.matrix.CsrMatrix;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.CholeskyDecomposition_F64;

/**
 * The exact solve on the coarsest level: a dense Cholesky factorisation {@code A = L L^T} (EJML)
 * made once, then a forward and a backward substitution per cycle on the factor's array (no
 * allocation, no EJML call in the cycle).
 *
 * <p>A consistent singular system (a pure-Neumann problem, whose coarse operators keep the
 * constant as their null space because the prolongators reproduce it) is solved on the
 * complement of the known null space: with {@code U} an orthonormal basis of it and
 * {@code Q = I - U U^T},
 * <pre>
 *   x = Q (A + s U U^T)^-1 Q b,    s = the mean diagonal entry of A
 * </pre>
 * which is {@code A^+ b} when {@code A U = 0}: the rank-{@code k} term makes the factorisation
 * definite, and the projections keep the solve symmetric and free of null-space components.
 */
final class CoarseSolver {

    private final int n;
    /** The Cholesky factor L, row-major n x n (lower triangle used). */
    private final double[] lower;
    /** Orthonormal null-space basis of A ({@code basis[c]} of length n); empty when A is definite. */
    private final double[][] basis;
    private final double[] work;

    private CoarseSolver(int n, double[] lower, double[][] basis) {
        this.n = n;
        this.lower = lower;
        this.basis = basis;
        this.work = new double[n];
    }

    /** The factorisation, or the reason it failed. */
    record Result(CoarseSolver solver, String failure) {
    }

    /**
     * Factors {@code a} (made definite along {@code nullBasis}, an orthonormal basis of its null
     * space, or no vectors).
     */
    static Result factor(CsrMatrix a, double[][] nullBasis) {
        int n = a.rows();
        DMatrixRMaj dense = new DMatrixRMaj(n, n);
        int[] rp = a.rowPtr();
        int[] ci = a.colIdx();
        double[] v = a.values();
        double diagonalSum = 0.0;
        for (int i = 0; i < n; i++) {
            for (int k = rp[i]; k < rp[i + 1]; k++) {
                dense.data[i * n + ci[k]] = v[k];
                if (ci[k] == i) {
                    diagonalSum += v[k];
                }
            }
        }
        if (nullBasis.length > 0) {
            double s = diagonalSum / n;
            for (double[] u : nullBasis) {
                for (int i = 0; i < n; i++) {
                    double sui = s * u[i];
                    for (int j = 0; j < n; j++) {
                        dense.data[i * n + j] += sui * u[j];
                    }
                }
            }
        }
        CholeskyDecomposition_F64<DMatrixRMaj> chol = DecompositionFactory_DDRM.chol(n, true);
        if (n > 0 && !chol.decompose(dense)) {
            return new Result(null, "the coarsest matrix (" + n + " x " + n + ") is not positive definite"
                    + (nullBasis.length > 0 ? " beyond its known null space" : "")
                    + ": the matrix is not SPD (or is singular in a way the near null space does not describe)");
        }
        double[] l = n > 0 ? chol.getT(null).data : new double[0];
        for (double x : l) {
            if (!Double.isFinite(x)) {
                return new Result(null, "the Cholesky factor of the coarsest matrix is not finite");
            }
        }
        return new Result(new CoarseSolver(n, l, nullBasis), null);
    }

    int size() {
        return n;
    }

    /** {@code x = Q (A + s U U^T)^-1 Q b} (just {@code A^-1 b} without a null space); b and x may be the same array. */
    void solve(double[] b, double[] x) {
        double[] y = work;
        System.arraycopy(b, 0, y, 0, n);
        project(y);
        double[] l = lower;
        // L y = b
        for (int i = 0; i < n; i++) {
            double sum = y[i];
            int row = i * n;
            for (int j = 0; j < i; j++) {
                sum -= l[row + j] * y[j];
            }
            y[i] = sum / l[row + i];
        }
        // L^T x = y, walking L's rows as columns of L^T
        for (int i = n - 1; i >= 0; i--) {
            double xi = y[i] / l[i * n + i];
            y[i] = xi;
            int row = i * n;
            for (int j = 0; j < i; j++) {
                y[j] -= l[row + j] * xi;
            }
        }
        project(y);
        System.arraycopy(y, 0, x, 0, n);
    }

    /** {@code y -= U (U^T y)}. */
    private void project(double[] y) {
        for (double[] u : basis) {
            double dot = 0.0;
            for (int i = 0; i < n; i++) {
                dot += u[i] * y[i];
            }
            for (int i = 0; i < n; i++) {
                y[i] -= dot * u[i];
            }
        }
    }
}
