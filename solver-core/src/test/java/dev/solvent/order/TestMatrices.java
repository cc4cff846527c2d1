package dev.solvent.order;

import dev.solvent.matrix.CooBuilder;
import dev.solvent.matrix.CsrMatrix;
import dev.solvent.matrix.Stencil7Operator;
import java.util.Random;

/** Matrices and vectors shared by the tests. */
final class TestMatrices {

    private TestMatrices() {
    }

    /**
     * A random symmetric, strictly diagonally dominant (hence SPD) matrix with about
     * {@code perRow} off-diagonal entries per row, negative off-diagonals like a discretised
     * diffusion operator.
     */
    static CsrMatrix randomSpd(int n, int perRow, long seed) {
        Random rnd = new Random(seed);
        CooBuilder b = CsrMatrix.builder(n, n);
        double[] rowSum = new double[n];
        for (int i = 0; i < n; i++) {
            for (int e = 0; e < perRow / 2; e++) {
                int j = rnd.nextInt(n);
                if (j == i) {
                    continue;
                }
                double v = -0.1 - rnd.nextDouble();
                b.add(i, j, v);
                b.add(j, i, v);
                rowSum[i] += Math.abs(v);
                rowSum[j] += Math.abs(v);
            }
        }
        for (int i = 0; i < n; i++) {
            b.add(i, i, rowSum[i] + 0.5 + rnd.nextDouble());
        }
        return b.build();
    }

    /** A random nonsymmetric matrix (pattern and values), nonzero diagonal, some empty off-diagonal rows. */
    static CsrMatrix randomGeneral(int rows, int cols, int perRow, long seed) {
        Random rnd = new Random(seed);
        CooBuilder b = CsrMatrix.builder(rows, cols);
        for (int i = 0; i < rows; i++) {
            if (i < cols) {
                b.add(i, i, 4.0 + rnd.nextDouble());
            }
            int count = rnd.nextInt(perRow + 1);
            for (int e = 0; e < count; e++) {
                b.add(i, rnd.nextInt(cols), rnd.nextGaussian());
            }
        }
        return b.build();
    }

    /** The 3D 7-point Poisson matrix on an n^3 grid. */
    static CsrMatrix poisson3d(int n) {
        return Stencil7Operator.poisson(n, n, n).toCsr();
    }

    static double[] randomVector(int n, long seed) {
        Random rnd = new Random(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = rnd.nextDouble() * 2 - 1;
        }
        return v;
    }

    /** P A P^T with row/column {@code order[t]} of A becoming row/column t. */
    static CsrMatrix permute(CsrMatrix a, int[] order) {
        int n = a.rows();
        int[] position = new int[n];
        for (int t = 0; t < n; t++) {
            position[order[t]] = t;
        }
        CooBuilder b = CsrMatrix.builder(n, n);
        for (int i = 0; i < n; i++) {
            for (int k = a.rowPtr()[i]; k < a.rowPtr()[i + 1]; k++) {
                b.add(position[i], position[a.colIdx()[k]], a.values()[k]);
            }
        }
        return b.build();
    }

    static double[] gather(double[] v, int[] order) {
        double[] out = new double[v.length];
        for (int t = 0; t < v.length; t++) {
            out[t] = v[order[t]];
        }
        return out;
    }

    static double[] scatter(double[] v, int[] order) {
        double[] out = new double[v.length];
        for (int t = 0; t < v.length; t++) {
            out[order[t]] = v[t];
        }
        return out;
    }

    /** ||b - A x||_2, computed here independently of any backend. */
    static double residualNorm(CsrMatrix a, double[] b, double[] x) {
        double[] ax = new double[a.rows()];
        a.apply(x, ax);
        double s = 0;
        for (int i = 0; i < b.length; i++) {
            s += (b[i] - ax[i]) * (b[i] - ax[i]);
        }
        return Math.sqrt(s);
    }

    static double norm(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        return Math.sqrt(s);
    }
}
