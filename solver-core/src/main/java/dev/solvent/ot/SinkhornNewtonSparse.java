package dev.solvent.ot;

import dev.solvent.backend.Backend;
import dev.solvent.backend.Backends;
import dev.solvent.matrix.CsrMatrix;
import dev.solvent.solve.ConjugateGradient;
import dev.solvent.solve.SolveResult;
import dev.solvent.solve.SolverOptions;

import java.util.Objects;

/**
 * Sinkhorn-Newton-Sparse (Tang et al., ICLR 2024): a few Sinkhorn iterations, then Newton steps on
 * the concave dual with a sparsified Hessian.
 *
 * <p>Dual objective and derivatives in the potentials z = (x, y):
 *
 * <pre>
 *   f(x, y) = -(1/eta) sum_ij P_ij + &lt;r, x&gt; + &lt;c, y&gt;,   P_ij = exp(eta (-C_ij + x_i + y_j) - 1)
 *   grad f  = (r - P 1, c - P^T 1)
 *   -Hess f = eta M,  M = [[diag(P 1), P], [P^T, diag(P^T 1)]]
 * </pre>
 *
 * <p>Each Newton step: form P (one dense pass); stop if {@code ||grad||_1} (the marginal error) meets
 * the tolerance; sparsify the off-diagonal blocks of M, keeping the diagonal from the FULL row and
 * column sums; solve {@code M_s w = g} with conjugate gradient on the library's CSR matrix; then an
 * Armijo backtracking line search on f along w (the step in scaled potentials, {@code w = eta d}).
 *
 * <p><b>Sparsification.</b> An entry P_ij is kept when it is among the {@code keptPerRow * n}
 * largest entries of P (the paper's rule, lambda n^2 entries with lambda n = keptPerRow) or when it
 * is at least {@code relativeThreshold} times the largest entry of its row or of its column (an
 * adaptive extension: the paper's fixed count is too small at eta = 1200 on random costs, where the
 * top n entries hold only about 70% of the mass, and on image grids, where each row spreads over a
 * stencil of neighbours). Because the diagonal holds the full sums, {@code M_s} is diagonally
 * dominant, hence positive semidefinite, whatever is dropped. A small relative shift of the diagonal,
 * {@code mu = clamp(err^2, 1e-12, 1e-3)}, makes it definite: when the kept entries fall into blocks
 * that each hold all of their rows' and columns' mass (a plan close to a permutation), every block is
 * singular on its own, and the gradient is not orthogonal to those local null vectors.
 *
 * <p><b>Null space.</b> M has the null vector {@code (1_n, -1_m)} (adding a constant to x and
 * subtracting it from y leaves P unchanged); the gradient is orthogonal to it. The right-hand side
 * and the direction are projected onto its orthogonal complement, which removes rounding drift and
 * keeps the potentials from wandering along it; no variable is fixed (fixing one made Newton stall on
 * the sparsified matrix in an independent reference run).
 *
 * <p><b>CG preconditioner.</b> Jacobi by default: the diagonal of M is the plan's row and column
 * sums, i.e. the bin masses, which span orders of magnitude on images; Jacobi scaling turns M into
 * {@code [[I, K], [K^T, I]]} with eigenvalues in [0, 2], and needs no factorisation of a matrix whose
 * pattern changes every step. IC(0) may be passed instead ({@link SnsOptions#withPreconditioner}); on
 * these nearly singular matrices its factorisation can break down.
 *
 * <p><b>Line search.</b> Armijo with c1 = 1e-4, halving from the full step (capped so that no log P_ij
 * changes by more than {@value #MAX_EXPONENT_CHANGE}), on the exact change
 * {@code eta (f(z + a d) - f(z)) = a g.w - sum P_ij phi(a (wu_i + wv_j))}, {@code phi(t) = e^t - 1 - t}
 * (see {@link DualState#phiSum}), which stays accurate where subtracting two values of f does not.
 * When it fails (or CG fails), one Sinkhorn iteration is taken instead; after three failures in a row
 * the solve stops with {@link OtReason#STALLED}.
 *
 * <p>Cost per Newton step: two dense passes over the n x m cost (P and the line search, one
 * exponential per entry each), one sequential pass to sparsify, and per CG iteration a product with
 * a CSR matrix of {@code n + m + 2 nnz(P_s)} entries. CG runs on the {@link Backend} given to the
 * constructor, by default a {@link dev.solvent.backend.cpu.ParallelCpuBackend} of
 * {@link SnsOptions#threads()} threads owned by each solve.
 *
 * <p><b>Where the dense kernels run.</b> Through {@link DualKernels#open}: on the CPU
 * ({@link DualState}, {@link SnsOptions#threads()} threads) for host backends; on the device for a
 * backend whose module provides them (the CUDA module for its {@code CudaBackend}), where the plan,
 * gradient, direction and sparsified Hessian stay in device memory and only scalars come back per
 * step. The algorithm below is the same code either way.
 */
public final class SinkhornNewtonSparse {

    static final double ARMIJO_C1 = 1e-4;
    static final int MAX_BACKTRACKS = 40;
    static final int MAX_FAILURES_IN_A_ROW = 3;
    /**
     * Bounds of the relative diagonal shift mu (M_s + mu diag(M)), set to the squared marginal error
     * between them (Levenberg-Marquardt style: it fades as Newton converges, so the local rate is kept;
     * the square did better than the error itself on small near-permutation problems). Without it, a kept block
     * that holds ALL of its rows' and columns' mass (a plan close to a permutation) is a singular block
     * of its own, whose null vector the gradient is not orthogonal to: CG then meets p.Ap &lt;= 0.
     */
    static final double MIN_SHIFT = 1e-12;
    static final double MAX_SHIFT = 1e-3;
    /**
     * Largest change of any log P_ij that one step may make (a trust-region cap on the first trial
     * step): where the kept entries split into nearly separate blocks (a plan close to a permutation),
     * the sparsified Hessian has almost no curvature across blocks and the Newton step is huge; the
     * quadratic model cannot be trusted beyond a few units of log P anyway.
     */
    static final double MAX_EXPONENT_CHANGE = 10.0;

    private final SnsOptions options;
    /** The backend given to the constructor, or null: a parallel CPU backend per solve. */
    private final Backend backend;

    /**
     * SNS with CG on {@code backend}, which the caller keeps and closes. A device backend whose
     * module supplies {@link DualKernels} for it (the CUDA module does) also runs the dense kernels;
     * any other backend runs CG only, with the dense kernels on the CPU.
     */
    public SinkhornNewtonSparse(SnsOptions options, Backend backend) {
        this.options = Objects.requireNonNull(options, "options");
        this.backend = Objects.requireNonNull(backend, "backend");
    }

    /**
     * CG on a {@link dev.solvent.backend.cpu.ParallelCpuBackend} of {@link SnsOptions#threads()}
     * threads, made for each solve and closed at its end.
     */
    public SinkhornNewtonSparse(SnsOptions options) {
        this.options = Objects.requireNonNull(options, "options");
        this.backend = null;
    }

    public SinkhornNewtonSparse() {
        this(SnsOptions.defaults());
    }

    public SnsOptions options() {
        return options;
    }

    /** Solves the problem from zero potentials. */
    public OtResult solve(TransportProblem problem) {
        Objects.requireNonNull(problem, "problem");
        if (backend != null) {
            return solve(problem, backend);
        }
        try (Backend own = Backends.cpu(options.threads())) {
            return solve(problem, own);
        }
    }

    private OtResult solve(TransportProblem problem, Backend cgBackend) {
        long start = System.nanoTime();
        long deadline = Sinkhorn.deadline(start, options.timeLimitSeconds());
        int n = problem.n();
        int m = problem.m();
        int threads = options.threads();
        try (DualKernels s = DualKernels.open(problem, cgBackend, threads)) {
            Sinkhorn.Run warm = Sinkhorn.iterate(s, options.sinkhornSteps(), options.tolerance(), deadline,
                    options.listener());
            int sinkhornIterations = warm.iterations();
            if (warm.reason() != OtReason.MAX_ITERATIONS) {
                return s.result("sns", warm.reason(), options.planThreshold(), sinkhornIterations, 0, 0, start,
                        "stopped in the Sinkhorn stage", threads);
            }
            SolverOptions cgOptions = SolverOptions.defaults().withRtol(options.cgRtol())
                    .withMaxIterations(options.cgMaxIterations()).withRecordHistory(false);
            ConjugateGradient cg = new ConjugateGradient(cgOptions, options.preconditioner());
            int keep = (int) Math.min((long) n * m, (long) Math.ceil(options.keptPerRow() * n));

            int newton = 0;
            int stage2Steps = 0;
            int failures = 0;
            int fallbacks = 0;
            long cgIterations = 0;
            long keptTotal = 0;
            long keptLast = 0;
            OtReason reason;
            String detail = "";
            while (true) {
                double error = s.formPlan();
                if (options.listener() != null && stage2Steps > 0) {
                    options.listener().onIteration(sinkhornIterations + newton, error);
                }
                if (!Double.isFinite(error) || !s.finite()) {
                    reason = OtReason.DIVERGED_NAN;
                    break;
                }
                if (error <= options.tolerance()) {
                    reason = OtReason.CONVERGED;
                    break;
                }
                if (Thread.currentThread().isInterrupted()) {
                    reason = OtReason.CANCELLED;
                    break;
                }
                if (stage2Steps >= options.maxNewtonIterations()) {
                    reason = OtReason.MAX_ITERATIONS;
                    break;
                }
                if (Sinkhorn.expired(deadline)) {
                    reason = OtReason.TIME_LIMIT;
                    break;
                }
                if (failures >= MAX_FAILURES_IN_A_ROW) {
                    reason = OtReason.STALLED;
                    detail = "; line search failed " + failures + " times in a row at marginal error " + error;
                    break;
                }
                stage2Steps++;
                s.projectGradient();

                double shift = Math.max(MIN_SHIFT, Math.min(MAX_SHIFT, error * error));
                long kept = s.sparsify(keep, options.relativeThreshold(), shift);
                keptTotal += kept;
                keptLast = kept;
                SolveResult solved = s.solveNewton(cg, cgBackend);
                cgIterations += solved.iterations();
                double gw = s.gradientDotDirection();
                boolean usable = Double.isFinite(gw) && gw > 0 && solved.reason() != null
                        && (solved.converged() || solved.reason() == dev.solvent.solve.ConvergedReason.DIVERGED_MAX_ITERATIONS
                        || solved.reason() == dev.solvent.solve.ConvergedReason.DIVERGED_BREAKDOWN
                        || solved.reason() == dev.solvent.solve.ConvergedReason.DIVERGED_STAGNATION);
                boolean accepted = false;
                if (usable) {
                    double alpha = Math.min(1.0, MAX_EXPONENT_CHANGE / s.maxPairSum());
                    for (int t = 0; t < MAX_BACKTRACKS; t++) {
                        // Armijo on eta f: a g.w - sum P phi >= c1 a g.w.
                        double curvature = s.phiSum(alpha);
                        if (curvature <= (1 - ARMIJO_C1) * alpha * gw) {
                            accepted = true;
                            break;
                        }
                        alpha *= 0.5;
                    }
                    if (accepted) {
                        s.step(alpha);
                        newton++;
                        failures = 0;
                    }
                }
                if (!accepted) {
                    // A Sinkhorn iteration always increases f: it keeps the method going where the
                    // sparsified Newton direction does not.
                    s.rowStep();
                    s.columnStep();
                    sinkhornIterations++;
                    fallbacks++;
                    failures++;
                }
            }
            String message = String.format(java.util.Locale.ROOT,
                    "Hessian kept %.1f entries of P per row on average (%d at the last step; rule: top %d overall"
                            + " or >= %s of the row/column maximum); CG preconditioner %s on backend %s; dense kernels"
                            + " on %s; %d Sinkhorn fallback steps%s",
                    stage2Steps == 0 ? 0.0 : (double) keptTotal / stage2Steps / n, keptLast, keep,
                    options.relativeThreshold(), options.preconditioner().name(), cgBackend.name(), s.where(),
                    fallbacks, detail);
            return s.result("sns", reason, options.planThreshold(), sinkhornIterations, newton, cgIterations, start,
                    message, threads);
        }
    }

    /** {@code max_ij |wu_i + wv_j|}, from the extremes of each part. */
    static double maxPairSum(double[] wu, double[] wv) {
        double uMax = Double.NEGATIVE_INFINITY;
        double uMin = Double.POSITIVE_INFINITY;
        double vMax = Double.NEGATIVE_INFINITY;
        double vMin = Double.POSITIVE_INFINITY;
        for (double a : wu) {
            uMax = Math.max(uMax, a);
            uMin = Math.min(uMin, a);
        }
        for (double a : wv) {
            vMax = Math.max(vMax, a);
            vMin = Math.min(vMin, a);
        }
        return Math.max(Math.abs(uMax + vMax), Math.abs(uMin + vMin));
    }

    /** {@code z -= (z.e / e.e) e} with {@code e = (1_n, -1_m)}, the null vector of M. */
    static void projectOutNullVector(double[] z, int n) {
        double dot = 0.0;
        for (int q = 0; q < z.length; q++) {
            dot += q < n ? z[q] : -z[q];
        }
        double coef = dot / z.length;
        for (int q = 0; q < z.length; q++) {
            z[q] -= q < n ? coef : -coef;
        }
    }

    /**
     * The value of the k-th largest positive entry of p (so that the entries {@code >=} it are the k
     * largest, ties aside); the smallest positive entry when there are at most k of them, and
     * +Infinity when k is 0. Quickselect over the positive entries, copied into {@code scratch}.
     */
    static double topThreshold(double[] p, int k, double[] scratch) {
        if (k <= 0) {
            return Double.POSITIVE_INFINITY;
        }
        int count = 0;
        double min = Double.POSITIVE_INFINITY;
        for (double a : p) {
            if (a > 0) {
                scratch[count++] = a;
                min = Math.min(min, a);
            }
        }
        if (count <= k) {
            return min;
        }
        return select(scratch, count, count - k);
    }

    /** The element of rank {@code rank} (0 = smallest) among a[0..count), reordering a (Hoare quickselect). */
    static double select(double[] a, int count, int rank) {
        int lo = 0;
        int hi = count - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            // Median of three as the pivot, which avoids the quadratic case on sorted input.
            double x = a[lo];
            double y = a[mid];
            double z = a[hi];
            double pivot = Math.max(Math.min(x, y), Math.min(Math.max(x, y), z));
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (a[i] < pivot) {
                    i++;
                }
                while (a[j] > pivot) {
                    j--;
                }
                if (i <= j) {
                    double t = a[i];
                    a[i] = a[j];
                    a[j] = t;
                    i++;
                    j--;
                }
            }
            if (rank <= j) {
                hi = j;
            } else if (rank >= i) {
                lo = i;
            } else {
                return a[rank];
            }
        }
        return a[lo];
    }

    /**
     * The sparsified Hessian (divided by eta), an (n + m) x (n + m) CSR matrix:
     *
     * <pre>
     *   M_s = [[(1 + mu) diag(P 1), P_s], [P_s^T, (1 + mu) diag(P^T 1)]],
     *   (P_s)_ij = P_ij  if P_ij &gt;= top or P_ij &gt;= rel * rowMax_i or P_ij &gt;= rel * colMax_j (and P_ij &gt; 0), else 0.
     * </pre>
     *
     * The diagonal comes from the full sums (floored at the smallest normal double so that Jacobi
     * can invert it), so M_s is diagonally dominant whatever is dropped; the relative shift mu &gt;= 0
     * makes it strictly so (see {@link #MIN_SHIFT}).
     */
    static CsrMatrix sparsifiedHessian(double[] p, int n, int m, double[] rowSum, double[] colSum, double[] rowMax,
                                       double[] colMax, double top, double rel, double shift) {
        // Pass 1: the kept positions, row-major, and the count per column.
        int[] kept = new int[Math.max(16, 4 * (n + m))];
        int count = 0;
        int[] perRow = new int[n];
        int[] perCol = new int[m];
        for (int i = 0; i < n; i++) {
            int base = i * m;
            double rowCut = Math.min(top, rel * rowMax[i]);
            for (int j = 0; j < m; j++) {
                double pij = p[base + j];
                if (pij > 0 && (pij >= rowCut || pij >= rel * colMax[j])) {
                    if (count == kept.length) {
                        kept = java.util.Arrays.copyOf(kept, 2 * count);
                    }
                    kept[count++] = base + j;
                    perRow[i]++;
                    perCol[j]++;
                }
            }
        }
        int size = n + m;
        int nnz = size + 2 * count;
        int[] rowPtr = new int[size + 1];
        for (int i = 0; i < n; i++) {
            rowPtr[i + 1] = rowPtr[i] + 1 + perRow[i];
        }
        for (int j = 0; j < m; j++) {
            rowPtr[n + j + 1] = rowPtr[n + j] + perCol[j] + 1;
        }
        int[] colIdx = new int[nnz];
        double[] values = new double[nnz];
        int[] next = new int[size];
        // Rows 0..n-1: the diagonal first (column i < n), then the kept columns n + j, increasing.
        for (int i = 0; i < n; i++) {
            colIdx[rowPtr[i]] = i;
            values[rowPtr[i]] = (1 + shift) * Math.max(rowSum[i], Double.MIN_NORMAL);
            next[i] = rowPtr[i] + 1;
        }
        // Rows n..n+m-1: the kept rows i (increasing, as the positions come row-major), then the diagonal.
        for (int j = 0; j < m; j++) {
            next[n + j] = rowPtr[n + j];
            int last = rowPtr[n + j + 1] - 1;
            colIdx[last] = n + j;
            values[last] = (1 + shift) * Math.max(colSum[j], Double.MIN_NORMAL);
        }
        for (int q = 0; q < count; q++) {
            int pos = kept[q];
            int i = pos / m;
            int j = pos - i * m;
            double pij = p[pos];
            int a = next[i]++;
            colIdx[a] = n + j;
            values[a] = pij;
            int b = next[n + j]++;
            colIdx[b] = i;
            values[b] = pij;
        }
        return CsrMatrix.of(size, size, rowPtr, colIdx, values);
    }
}
