package dev.solvent.ot;

import dev.solvent.matrix.CsrMatrix;

import java.util.Arrays;

/**
 * The dual variables of an entropic transport problem and the dense kernels over them, shared by
 * {@link Sinkhorn} and {@link SinkhornNewtonSparse}.
 *
 * <p>The potentials are kept scaled, {@code u = eta x} and {@code v = eta y - 1}, with the scaled
 * cost {@code K = eta C}, so that every plan entry is one addition and one exponential:
 *
 * <pre>
 *   P_ij = exp(eta (-C_ij + x_i + y_j) - 1) = exp(u_i + v_j - K_ij).
 * </pre>
 *
 * <p>Exponents below {@value #CLIP} are flushed to zero: exp of them would be subnormal (about ten
 * times slower) and below 1e-304, which no sum of at most 2^31 terms of size 1e-250 or more can feel.
 * A log-sum-exp over a row whose sum falls below {@value #TINY} (or overflows) is recomputed exactly
 * with the row's maximum as the shift, so clipping never changes a result that matters.
 *
 * <p>All dense kernels run over row blocks ({@link RowBlocks}); column reductions go through one
 * partial array per block, added in block order, so results do not depend on the thread count.
 */
final class DualState implements AutoCloseable {

    static final double CLIP = -700.0;
    static final double TINY = 1e-250;

    final TransportProblem problem;
    final int n;
    final int m;
    final double eta;
    /** eta C, n x m row-major. */
    final double[] k;
    final double[] u;
    final double[] v;
    final double[] logR;
    final double[] logC;
    final RowBlocks blocks;
    /** Per-block column partial sums and maxima, blocks x m. */
    private final double[][] colPartial;
    private final double[][] colMaxPartial;
    private final double[] blockScalar;

    DualState(TransportProblem problem, int threads) {
        this.problem = problem;
        this.n = problem.n();
        this.m = problem.m();
        this.eta = problem.eta();
        this.k = new double[n * m];
        for (int idx = 0; idx < k.length; idx++) {
            k[idx] = eta * problem.cost[idx];
        }
        this.u = new double[n];
        this.v = new double[m];
        this.logR = new double[n];
        this.logC = new double[m];
        for (int i = 0; i < n; i++) {
            logR[i] = Math.log(problem.r[i]);
        }
        for (int j = 0; j < m; j++) {
            logC[j] = Math.log(problem.c[j]);
        }
        this.blocks = new RowBlocks(n, threads);
        this.colPartial = new double[blocks.blocks()][m];
        this.colMaxPartial = new double[blocks.blocks()][m];
        this.blockScalar = new double[blocks.blocks()];
    }

    /** exp(t), flushed to zero below {@link #CLIP}. */
    static double expClipped(double t) {
        return t < CLIP ? 0.0 : Math.exp(t);
    }

    private double sumBlocks() {
        double s = 0.0;
        for (double b : blockScalar) {
            s += b;
        }
        return s;
    }

    // ---- Sinkhorn half-steps --------------------------------------------------------------------

    /**
     * Row half-step of log-domain Sinkhorn, which also measures the row marginal error of the state
     * it starts from:
     *
     * <pre>
     *   s_i  = sum_j exp(u_i + v_j - K_ij)               (= (P 1)_i; shift u_i, terms &lt;= c_j after a column step)
     *   err  = sum_i |s_i - r_i|
     *   u_i += log r_i - log s_i                          (afterwards P 1 = r exactly)
     * </pre>
     *
     * The current u_i is the shift of the log-sum-exp: after a column step every term is at most
     * c_j, so nothing overflows; a row whose sum leaves (TINY, inf) is redone with its maximum as the
     * shift. One exponential per entry, one pass.
     *
     * @return the row error before the update
     */
    double rowStep() {
        blocks.run((b, from, to) -> {
            double err = 0.0;
            for (int i = from; i < to; i++) {
                double ui = u[i];
                int base = i * m;
                double s = 0.0;
                for (int j = 0; j < m; j++) {
                    s += expClipped(ui + v[j] - k[base + j]);
                }
                double logS = s > TINY && s < Double.POSITIVE_INFINITY ? Math.log(s) : exactRowLse(i);
                err += Math.abs(Math.exp(logS) - problem.r[i]);
                u[i] = ui + logR[i] - logS;
            }
            blockScalar[b] = err;
        });
        return sumBlocks();
    }

    /**
     * Column half-step of log-domain Sinkhorn:
     *
     * <pre>
     *   t_j  = sum_i exp(u_i + v_j - K_ij)     (= (P^T 1)_j; shift v_j, terms &lt;= r_i after a row step)
     *   v_j += log c_j - log t_j                (afterwards P^T 1 = c exactly)
     * </pre>
     *
     * The cost is read row by row (no transposed copy): each block adds its rows into its own
     * partial column sums, which are then added in block order.
     */
    void columnStep() {
        blocks.run((b, from, to) -> {
            double[] acc = colPartial[b];
            Arrays.fill(acc, 0.0);
            for (int i = from; i < to; i++) {
                double ui = u[i];
                int base = i * m;
                for (int j = 0; j < m; j++) {
                    acc[j] += expClipped(ui + v[j] - k[base + j]);
                }
            }
        });
        for (int j = 0; j < m; j++) {
            double t = 0.0;
            for (double[] acc : colPartial) {
                t += acc[j];
            }
            double logT = t > TINY && t < Double.POSITIVE_INFINITY ? Math.log(t) : exactColumnLse(j);
            v[j] += logC[j] - logT;
        }
    }

    /** log sum_j exp(u_i + v_j - K_ij), shifted by the row maximum. */
    private double exactRowLse(int i) {
        int base = i * m;
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < m; j++) {
            max = Math.max(max, u[i] + v[j] - k[base + j]);
        }
        double s = 0.0;
        for (int j = 0; j < m; j++) {
            s += expClipped(u[i] + v[j] - k[base + j] - max);
        }
        return max + Math.log(s);
    }

    /** log sum_i exp(u_i + v_j - K_ij), shifted by the column maximum (strided; rarely needed). */
    private double exactColumnLse(int j) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, u[i] + v[j] - k[i * m + j]);
        }
        double s = 0.0;
        for (int i = 0; i < n; i++) {
            s += expClipped(u[i] + v[j] - k[i * m + j] - max);
        }
        return max + Math.log(s);
    }

    // ---- Newton kernels -------------------------------------------------------------------------

    /**
     * Forms the plan and its marginals and extremes:
     *
     * <pre>
     *   P_ij = exp(u_i + v_j - K_ij),  rowSum = P 1,  colSum = P^T 1,  rowMax_i = max_j P_ij,  colMax_j = max_i P_ij
     * </pre>
     */
    void plan(double[] p, double[] rowSum, double[] colSum, double[] rowMax, double[] colMax) {
        blocks.run((b, from, to) -> {
            double[] acc = colPartial[b];
            double[] cmax = colMaxPartial[b];
            Arrays.fill(acc, 0.0);
            Arrays.fill(cmax, 0.0);
            for (int i = from; i < to; i++) {
                double ui = u[i];
                int base = i * m;
                double s = 0.0;
                double mx = 0.0;
                for (int j = 0; j < m; j++) {
                    double pij = expClipped(ui + v[j] - k[base + j]);
                    p[base + j] = pij;
                    s += pij;
                    mx = Math.max(mx, pij);
                    acc[j] += pij;
                    cmax[j] = Math.max(cmax[j], pij);
                }
                rowSum[i] = s;
                rowMax[i] = mx;
            }
        });
        for (int j = 0; j < m; j++) {
            double t = 0.0;
            double mx = 0.0;
            for (int b = 0; b < colPartial.length; b++) {
                t += colPartial[b][j];
                mx = Math.max(mx, colMaxPartial[b][j]);
            }
            colSum[j] = t;
            colMax[j] = mx;
        }
    }

    /**
     * The curvature term of the exact change of the dual objective along a step:
     *
     * <pre>
     *   eta (f(z + alpha d) - f(z)) = alpha g.w - sum_ij P_ij phi(alpha (wu_i + wv_j)),
     *   phi(t) = e^t - 1 - t,   w = eta d  (the step in scaled potentials)
     * </pre>
     *
     * Returns the sum; computing the difference this way, instead of subtracting two values of f,
     * stays accurate when the change is far below f itself (near 1e-12 marginal error).
     */
    double phiSum(double[] p, double[] wu, double[] wv, double alpha) {
        blocks.run((b, from, to) -> {
            double s = 0.0;
            for (int i = from; i < to; i++) {
                double ai = alpha * wu[i];
                int base = i * m;
                for (int j = 0; j < m; j++) {
                    double pij = p[base + j];
                    if (pij > 0.0) {
                        s += pij * phi(ai + alpha * wv[j]);
                    }
                }
            }
            blockScalar[b] = s;
        });
        return sumBlocks();
    }

    /** e^t - 1 - t without cancellation near 0 (Taylor series below |t| = 1e-3, error under 1e-14 relative). */
    static double phi(double t) {
        if (Math.abs(t) < 1e-3) {
            return t * t * (0.5 + t * (1.0 / 6 + t * (1.0 / 24 + t * (1.0 / 120))));
        }
        return Math.expm1(t) - t;
    }

    // ---- result ---------------------------------------------------------------------------------

    /** True when every potential is a number. */
    boolean finite() {
        for (double a : u) {
            if (!Double.isFinite(a)) {
                return false;
            }
        }
        for (double a : v) {
            if (!Double.isFinite(a)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Evaluates the state once more from scratch and builds the result: marginal error, {@code <C,P>},
     * {@code sum P log P} (with log P_ij = u_i + v_j - K_ij exactly, not the log of a rounded P), the
     * dual objective, the potentials by original index, and the plan entries at or above
     * {@code planThreshold} times the total mass.
     */
    OtResult result(String method, OtReason reason, double planThreshold, int sinkhornIterations,
                    int newtonIterations, long cgIterations, long startNanos, String message) {
        int nb = blocks.blocks();
        double[] costPart = new double[nb];
        double[] entPart = new double[nb];
        double[] massPart = new double[nb];
        double[] rowErrPart = new double[nb];
        int[] rowCount = new int[n];
        int[][] blockCols = new int[nb][];
        double[][] blockVals = new double[nb][];
        double total = 0.0;
        for (double a : problem.r) {
            total += a;
        }
        double threshold = planThreshold * total;
        double[] cost = problem.cost;
        blocks.run((b, from, to) -> {
            double[] acc = colPartial[b];
            Arrays.fill(acc, 0.0);
            int[] cols = new int[16];
            double[] vals = new double[16];
            int count = 0;
            double cs = 0.0;
            double es = 0.0;
            double ms = 0.0;
            double re = 0.0;
            for (int i = from; i < to; i++) {
                double ui = u[i];
                int base = i * m;
                double s = 0.0;
                for (int j = 0; j < m; j++) {
                    double logP = ui + v[j] - k[base + j];
                    double pij = expClipped(logP);
                    if (pij > 0.0) {
                        s += pij;
                        acc[j] += pij;
                        cs += pij * cost[base + j];
                        es += pij * logP;
                        if (pij >= threshold) {
                            if (count == cols.length) {
                                cols = Arrays.copyOf(cols, 2 * count);
                                vals = Arrays.copyOf(vals, 2 * count);
                            }
                            cols[count] = problem.targetIndex(j);
                            vals[count] = pij;
                            count++;
                            rowCount[i]++;
                        }
                    }
                }
                ms += s;
                re += Math.abs(s - problem.r[i]);
            }
            costPart[b] = cs;
            entPart[b] = es;
            massPart[b] = ms;
            rowErrPart[b] = re;
            blockCols[b] = Arrays.copyOf(cols, count);
            blockVals[b] = Arrays.copyOf(vals, count);
        });
        double transport = 0.0;
        double entropy = 0.0;
        double mass = 0.0;
        double error = 0.0;
        for (int b = 0; b < nb; b++) {
            transport += costPart[b];
            entropy += entPart[b];
            mass += massPart[b];
            error += rowErrPart[b];
        }
        for (int j = 0; j < m; j++) {
            double t = 0.0;
            for (double[] acc : colPartial) {
                t += acc[j];
            }
            error += Math.abs(t - problem.c[j]);
        }
        double[] x = new double[problem.sourceSize()];
        double[] y = new double[problem.targetSize()];
        Arrays.fill(x, Double.NEGATIVE_INFINITY);
        Arrays.fill(y, Double.NEGATIVE_INFINITY);
        double dual = -mass / eta;
        for (int i = 0; i < n; i++) {
            x[problem.sourceIndex(i)] = u[i] / eta;
            dual += problem.r[i] * u[i] / eta;
        }
        for (int j = 0; j < m; j++) {
            y[problem.targetIndex(j)] = (v[j] + 1.0) / eta;
            dual += problem.c[j] * (v[j] + 1.0) / eta;
        }
        // The plan on the original indices: dropped source bins are empty rows.
        int nnz = 0;
        for (int[] cols : blockCols) {
            nnz += cols.length;
        }
        int[] rowPtr = new int[problem.sourceSize() + 1];
        for (int i = 0; i < n; i++) {
            rowPtr[problem.sourceIndex(i) + 1] = rowCount[i];
        }
        for (int i = 0; i < problem.sourceSize(); i++) {
            rowPtr[i + 1] += rowPtr[i];
        }
        int[] colIdx = new int[nnz];
        double[] values = new double[nnz];
        int pos = 0;
        for (int b = 0; b < nb; b++) {
            System.arraycopy(blockCols[b], 0, colIdx, pos, blockCols[b].length);
            System.arraycopy(blockVals[b], 0, values, pos, blockVals[b].length);
            pos += blockCols[b].length;
        }
        CsrMatrix plan = CsrMatrix.of(problem.sourceSize(), problem.targetSize(), rowPtr, colIdx, values);
        double seconds = (System.nanoTime() - startNanos) * 1e-9;
        return new OtResult(method, reason, error, transport, transport + entropy / eta, dual, x, y, plan,
                sinkhornIterations, newtonIterations, cgIterations, seconds, message);
    }

    @Override
    public void close() {
        blocks.close();
    }
}
