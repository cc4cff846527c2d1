package dev.solvent.multigrid;

import dev.solvent.matrix.CsrMatrix;

/**
 * The tentative prolongator T of smoothed aggregation and the coarse near-null space, from the
 * aggregates and the near-null-space vectors B ({@code n x k}):
 * <pre>
 *   for each aggregate a with unknowns i_1 .. i_s:   B_a = Q_a R_a     (thin QR, B_a the s x k rows of B)
 *   T[i_m, a k + c] = Q_a[m, c],   B_coarse[a k + c, :] = R_a[c, :]
 * </pre>
 * so that {@code T B_coarse = B} exactly (T reproduces the near null space) and {@code T^T T = I}.
 * The QR is modified Gram-Schmidt on the {@code k} columns; a column that is (numerically) a
 * combination of the earlier ones, as in an aggregate with fewer unknowns than vectors, is
 * dropped with its coarse unknown, so no coarse unknown has an empty column. For the constant
 * vector ({@code k = 1}) this is {@code T[i, a] = 1 / sqrt(|a|)}, {@code B_coarse[a] = sqrt(|a|)}.
 * Unknowns outside every aggregate get an empty row.
 *
 * @param t      the tentative prolongator, n x coarse unknowns
 * @param coarse near-null space of the coarse level, {@code coarse[c]} over the coarse unknowns
 */
record TentativeProlongator(CsrMatrix t, double[][] coarse) {

    /** Relative size below which an orthogonalised column counts as dependent. */
    private static final double DEPENDENT = 1e-10;

    /**
     * @param aggregate aggregate of each unknown (-1 for none)
     * @param count     number of aggregates
     * @param b         near-null-space vectors, {@code b[c]} of length n
     */
    static TentativeProlongator build(int[] aggregate, int count, double[][] b) {
        return b.length == 1 ? single(aggregate, count, b[0]) : block(aggregate, count, b);
    }

    /**
     * One vector: the QR of a column is its normalisation, {@code T[i, a] = b_i / ||b_a||},
     * {@code B_coarse[a] = ||b_a||}; an aggregate on which b vanishes gets no coarse unknown.
     */
    private static TentativeProlongator single(int[] aggregate, int count, double[] b) {
        int n = aggregate.length;
        double[] norm = new double[count];
        for (int i = 0; i < n; i++) {
            if (aggregate[i] >= 0) {
                norm[aggregate[i]] += b[i] * b[i];
            }
        }
        int[] coarseOf = new int[count];
        int coarseCount = 0;
        for (int a = 0; a < count; a++) {
            norm[a] = Math.sqrt(norm[a]);
            coarseOf[a] = norm[a] > 0.0 ? coarseCount++ : -1;
        }
        int[] rowPtr = new int[n + 1];
        for (int i = 0; i < n; i++) {
            int a = aggregate[i];
            rowPtr[i + 1] = rowPtr[i] + (a >= 0 && coarseOf[a] >= 0 ? 1 : 0);
        }
        int[] colIdx = new int[rowPtr[n]];
        double[] values = new double[rowPtr[n]];
        for (int i = 0; i < n; i++) {
            int a = aggregate[i];
            if (a >= 0 && coarseOf[a] >= 0) {
                colIdx[rowPtr[i]] = coarseOf[a];
                values[rowPtr[i]] = b[i] / norm[a];
            }
        }
        double[] coarse = new double[coarseCount];
        for (int a = 0; a < count; a++) {
            if (coarseOf[a] >= 0) {
                coarse[coarseOf[a]] = norm[a];
            }
        }
        return new TentativeProlongator(CsrMatrix.adopt(n, coarseCount, rowPtr, colIdx, values), new double[][] {coarse});
    }

    /** Several vectors: modified Gram-Schmidt per aggregate. */
    private static TentativeProlongator block(int[] aggregate, int count, double[][] b) {
        int n = aggregate.length;
        int k = b.length;
        // Unknowns of each aggregate, in increasing order (counting sort).
        int[] start = new int[count + 1];
        for (int a : aggregate) {
            if (a >= 0) {
                start[a + 1]++;
            }
        }
        for (int a = 0; a < count; a++) {
            start[a + 1] += start[a];
        }
        int[] members = new int[start[count]];
        int[] fill = java.util.Arrays.copyOf(start, count);
        for (int i = 0; i < n; i++) {
            if (aggregate[i] >= 0) {
                members[fill[aggregate[i]]++] = i;
            }
        }
        // Per aggregate: Q (s x k, column-major scratch), R (k x k), which columns survive.
        double[] qValues = new double[members.length * k];
        boolean[] kept = new boolean[count * k];
        double[][] r = new double[count][];
        int coarseCount = 0;
        int[] firstCoarse = new int[count + 1];
        for (int a = 0; a < count; a++) {
            int s = start[a + 1] - start[a];
            double[] q = new double[s * k];
            double[] ra = new double[k * k];
            for (int c = 0; c < k; c++) {
                double norm0 = 0.0;
                for (int m = 0; m < s; m++) {
                    double v = b[c][members[start[a] + m]];
                    q[c * s + m] = v;
                    norm0 += v * v;
                }
                norm0 = Math.sqrt(norm0);
                for (int p = 0; p < c; p++) {
                    if (!kept[a * k + p]) {
                        continue;
                    }
                    double dot = 0.0;
                    for (int m = 0; m < s; m++) {
                        dot += q[p * s + m] * q[c * s + m];
                    }
                    ra[p * k + c] = dot;
                    for (int m = 0; m < s; m++) {
                        q[c * s + m] -= dot * q[p * s + m];
                    }
                }
                double norm = 0.0;
                for (int m = 0; m < s; m++) {
                    norm += q[c * s + m] * q[c * s + m];
                }
                norm = Math.sqrt(norm);
                if (norm > DEPENDENT * norm0 && norm > 0.0) {
                    kept[a * k + c] = true;
                    ra[c * k + c] = norm;
                    for (int m = 0; m < s; m++) {
                        q[c * s + m] /= norm;
                    }
                    coarseCount++;
                }
            }
            r[a] = ra;
            // Scatter Q into the per-unknown layout: unknown members[start[a] + m], column c.
            for (int m = 0; m < s; m++) {
                for (int c = 0; c < k; c++) {
                    qValues[(start[a] + m) * k + c] = q[c * s + m];
                }
            }
            firstCoarse[a + 1] = coarseCount;
        }
        // T in CSR: row i holds the kept columns of its aggregate.
        int[] position = new int[n];
        for (int a = 0; a < count; a++) {
            for (int p = start[a]; p < start[a + 1]; p++) {
                position[members[p]] = p;
            }
        }
        int[] rowPtr = new int[n + 1];
        for (int i = 0; i < n; i++) {
            int a = aggregate[i];
            rowPtr[i + 1] = rowPtr[i] + (a >= 0 ? firstCoarse[a + 1] - firstCoarse[a] : 0);
        }
        int[] colIdx = new int[rowPtr[n]];
        double[] values = new double[rowPtr[n]];
        for (int i = 0; i < n; i++) {
            int a = aggregate[i];
            if (a < 0) {
                continue;
            }
            int dst = rowPtr[i];
            int col = firstCoarse[a];
            for (int c = 0; c < k; c++) {
                if (kept[a * k + c]) {
                    colIdx[dst] = col++;
                    values[dst++] = qValues[position[i] * k + c];
                }
            }
        }
        double[][] coarse = new double[k][coarseCount];
        for (int a = 0; a < count; a++) {
            int row = firstCoarse[a];
            for (int c = 0; c < k; c++) {
                if (!kept[a * k + c]) {
                    continue;
                }
                for (int j = 0; j < k; j++) {
                    coarse[j][row] = r[a][c * k + j];
                }
                row++;
            }
        }
        return new TentativeProlongator(CsrMatrix.adopt(n, coarseCount, rowPtr, colIdx, values), coarse);
    }
}
