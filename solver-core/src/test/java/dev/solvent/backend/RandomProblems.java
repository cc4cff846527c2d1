package dev.solvent.backend;

import dev.solvent.matrix.CooBuilder;
import dev.solvent.matrix.CsrMatrix;
import java.util.Random;

/** Random inputs for the backend tests, seeded so that a failure can be replayed. */
final class RandomProblems {

    private RandomProblems() {
    }

    static double[] vector(Random rnd, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = 2.0 * rnd.nextDouble() - 1.0;
        }
        return v;
    }

    /**
     * A sparse matrix with irregular rows: about one row in five empty (only its diagonal when
     * {@code withDiagonal}), the others with 1 to 12 random distinct columns, and row
     * {@code denseRow} (if in range) full. With {@code withDiagonal} the diagonal is positive
     * and dominates its row, so SOR converges and a triangular part is invertible.
     */
    static CsrMatrix sparse(Random rnd, int rows, int cols, boolean withDiagonal, int denseRow) {
        CooBuilder b = CsrMatrix.builder(rows, cols);
        boolean[] used = new boolean[cols];
        int[] picked = new int[cols];
        for (int i = 0; i < rows; i++) {
            int count;
            if (i == denseRow) {
                count = cols;
            } else if (rnd.nextInt(5) == 0) {
                count = 0;
            } else {
                count = 1 + rnd.nextInt(Math.min(cols, 12));
            }
            int m = 0;
            if (count == cols) {
                for (int j = 0; j < cols; j++) {
                    picked[m++] = j;
                }
            } else {
                while (m < count) {
                    int j = rnd.nextInt(cols);
                    if (!used[j]) {
                        used[j] = true;
                        picked[m++] = j;
                    }
                }
            }
            double offSum = 0.0;
            for (int t = 0; t < m; t++) {
                int j = picked[t];
                used[j] = false;
                if (withDiagonal && j == i) {
                    continue;
                }
                double v = 2.0 * rnd.nextDouble() - 1.0;
                offSum += Math.abs(v);
                b.add(i, j, v);
            }
            if (withDiagonal && i < cols) {
                b.add(i, i, offSum + 1.0 + rnd.nextDouble());
            }
        }
        return b.build();
    }

    /**
     * A symmetric, strictly diagonally dominant matrix with positive diagonal (hence SPD) with
     * irregular rows: {@code B + B^T + D} for a random sparse B.
     */
    static CsrMatrix spd(Random rnd, int n) {
        CsrMatrix r = sparse(rnd, n, n, false, n / 3);
        CooBuilder b = CsrMatrix.builder(n, n);
        double[] rowAbs = new double[n];
        int[] rp = r.rowPtr();
        int[] ci = r.colIdx();
        double[] v = r.values();
        for (int i = 0; i < n; i++) {
            for (int k = rp[i]; k < rp[i + 1]; k++) {
                int j = ci[k];
                if (j == i) {
                    continue;
                }
                // Scaled down so that the dense row does not make the matrix badly conditioned.
                double a = 0.1 * v[k];
                b.add(i, j, a);
                b.add(j, i, a);
                rowAbs[i] += Math.abs(a);
                rowAbs[j] += Math.abs(a);
            }
        }
        for (int i = 0; i < n; i++) {
            b.add(i, i, rowAbs[i] + 0.5 + rnd.nextDouble());
        }
        return b.build();
    }

    /** {@code ||b - A x|| / ||b||}, recomputed here with plain loops over the CSR arrays. */
    static double relativeResidual(CsrMatrix a, double[] b, double[] x) {
        int[] rp = a.rowPtr();
        int[] ci = a.colIdx();
        double[] v = a.values();
        double rr = 0.0;
        double bb = 0.0;
        for (int i = 0; i < a.rows(); i++) {
            double s = b[i];
            for (int k = rp[i]; k < rp[i + 1]; k++) {
                s -= v[k] * x[ci[k]];
            }
            rr += s * s;
            bb += b[i] * b[i];
        }
        return Math.sqrt(rr / bb);
    }
}
