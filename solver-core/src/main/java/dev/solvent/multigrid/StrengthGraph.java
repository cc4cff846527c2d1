package dev.solvent.multigrid;

import dev.solvent.matrix.CsrMatrix;
import dev.solvent.matrix.ParallelRows;

/**
 * The symmetric strength-of-connection graph of a matrix: node {@code j} is a strong neighbour of
 * node {@code i != j} when
 * <pre>
 *   a_ij != 0   and   |a_ij| >= theta sqrt(|a_ii a_jj|)
 * </pre>
 * (Vanek, Mandel and Brezina's measure for smoothed aggregation). For a symmetric matrix the graph
 * is symmetric. With {@code blockSize > 1} the matrix is first amalgamated: node I holds unknowns
 * {@code [I bs, (I+1) bs)} and {@code a_IJ} is the Frobenius norm of block (I, J).
 *
 * @param nodes  number of nodes
 * @param rowPtr row pointers of the adjacency, length nodes + 1
 * @param colIdx strong neighbours of each node in increasing order, the node itself excluded
 */
record StrengthGraph(int nodes, int[] rowPtr, int[] colIdx) {

    /** Neighbour count of node {@code i}. */
    int degree(int i) {
        return rowPtr[i + 1] - rowPtr[i];
    }

    /** Rows per parallel block of the setup loops. */
    static final int BLOCK = 2048;

    /**
     * The strength graph of {@code a} (amalgamated by {@code blockSize}) with threshold theta;
     * {@code diagonal} is {@code a}'s diagonal, all positive (a level's, computed once), used as
     * it is when {@code blockSize} is 1.
     */
    static StrengthGraph of(CsrMatrix a, double[] diagonal, int blockSize, double theta, ParallelRows par) {
        if (blockSize == 1) {
            if (diagonal.length != a.rows()) {
                throw new IllegalArgumentException("a diagonal of " + diagonal.length + " entries for " + a.rows() + " rows");
            }
            return strong(a, diagonal, theta, par);
        }
        CsrMatrix m = amalgamate(a, blockSize, par);
        return strong(m, absoluteDiagonal(m, par), theta, par);
    }

    /** {@code |a_ii|}, 0 where the row has no diagonal entry. */
    private static double[] absoluteDiagonal(CsrMatrix a, ParallelRows par) {
        int[] rp = a.rowPtr();
        int[] ci = a.colIdx();
        double[] v = a.values();
        double[] diag = new double[a.rows()];
        par.forEach(a.rows(), BLOCK, (w, lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                diag[i] = Math.abs(Hierarchy.diagonalEntry(i, rp, ci, v));
            }
        });
        return diag;
    }

    /** The graph from the absolute diagonal {@code diag}. */
    private static StrengthGraph strong(CsrMatrix a, double[] diag, double theta, ParallelRows par) {
        int n = a.rows();
        int[] rp = a.rowPtr();
        int[] ci = a.colIdx();
        double[] v = a.values();
        double theta2 = theta * theta;
        // Each row's count goes to sp[i + 1], then a prefix sum turns the counts into row pointers.
        int[] sp = new int[n + 1];
        par.forEach(n, BLOCK, (w, lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                sp[i + 1] = strongRow(i, rp, ci, v, diag, theta2, null, 0);
            }
        });
        long total = 0;
        for (int i = 0; i < n; i++) {
            total += sp[i + 1];
            sp[i + 1] = (int) total;
        }
        int[] sc = new int[(int) total];
        par.forEach(n, BLOCK, (w, lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                strongRow(i, rp, ci, v, diag, theta2, sc, sp[i]);
            }
        });
        return new StrengthGraph(n, sp, sc);
    }

    /**
     * The strong neighbours of row i: counted, and written from {@code out[at]} when {@code out}
     * is given. A method per row, called for every row of every level, so that the JIT compiles it
     * while a first small setup runs.
     */
    private static int strongRow(int i, int[] rp, int[] ci, double[] v, double[] diag, double theta2, int[] out, int at) {
        int c = 0;
        double di = diag[i];
        for (int k = rp[i]; k < rp[i + 1]; k++) {
            int j = ci[k];
            double aij = v[k];
            if (j != i && aij != 0.0 && aij * aij >= theta2 * (di * diag[j])) {
                if (out != null) {
                    out[at + c] = j;
                }
                c++;
            }
        }
        return c;
    }

    /**
     * The node matrix of {@code a}: entry (I, J) the Frobenius norm of the {@code bs x bs} block
     * of rows {@code [I bs, (I+1) bs)} and columns {@code [J bs, (J+1) bs)}.
     */
    static CsrMatrix amalgamate(CsrMatrix a, int bs, ParallelRows par) {
        if (a.rows() % bs != 0 || a.cols() % bs != 0) {
            throw new IllegalArgumentException("amg: a block size of " + bs + " needs a matrix whose size is a multiple of it, got "
                    + a.rows() + " x " + a.cols());
        }
        int nodes = a.rows() / bs;
        int cols = a.cols() / bs;
        int[] rp = a.rowPtr();
        int[] ci = a.colIdx();
        double[] v = a.values();
        int[][] marks = new int[par.threads()][];
        int[] count = new int[nodes + 1];
        par.forEach(nodes, BLOCK / bs + 1, (w, lo, hi) -> {
            int[] mark = scratch(marks, w, cols);
            for (int I = lo; I < hi; I++) {
                int c = 0;
                for (int i = I * bs; i < (I + 1) * bs; i++) {
                    for (int k = rp[i]; k < rp[i + 1]; k++) {
                        int J = ci[k] / bs;
                        if (mark[J] != I) {
                            mark[J] = I;
                            c++;
                        }
                    }
                }
                count[I + 1] = c;
            }
        });
        int[] np = new int[nodes + 1];
        long total = 0;
        for (int I = 0; I < nodes; I++) {
            total += count[I + 1];
            np[I + 1] = Math.toIntExact(total);
        }
        int[] nc = new int[(int) total];
        double[] nv = new double[(int) total];
        double[][] accs = new double[par.threads()][];
        int[][] marks2 = new int[par.threads()][];
        par.forEach(nodes, BLOCK / bs + 1, (w, lo, hi) -> {
            int[] mark = scratch(marks2, w, cols);
            double[] acc = accs[w] == null ? (accs[w] = new double[cols]) : accs[w];
            for (int I = lo; I < hi; I++) {
                int start = np[I];
                int c = 0;
                for (int i = I * bs; i < (I + 1) * bs; i++) {
                    for (int k = rp[i]; k < rp[i + 1]; k++) {
                        int J = ci[k] / bs;
                        if (mark[J] != I) {
                            mark[J] = I;
                            nc[start + c++] = J;
                            acc[J] = 0.0;
                        }
                        acc[J] += v[k] * v[k];
                    }
                }
                java.util.Arrays.sort(nc, start, start + c);
                for (int p = start; p < start + c; p++) {
                    nv[p] = Math.sqrt(acc[nc[p]]);
                }
            }
        });
        return CsrMatrix.adopt(nodes, cols, np, nc, nv);
    }

    /** Worker {@code w}'s marker array of length n, filled with -1 when first made. */
    static int[] scratch(int[][] perWorker, int w, int n) {
        int[] m = perWorker[w];
        if (m == null) {
            m = new int[n];
            java.util.Arrays.fill(m, -1);
            perWorker[w] = m;
        }
        return m;
    }
}
