package dev.solvent.multigrid;

import dev.solvent.matrix.CsrMatrix;
import dev.solvent.matrix.ParallelRows;
import dev.solvent.matrix.SparseProducts;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A smoothed-aggregation hierarchy, built on the host from an assembled SPD matrix (Vanek, Mandel
 * and Brezina). Level by level, from the finest:
 * <ol>
 *   <li>strength of connection ({@link StrengthGraph}) and aggregates ({@link Aggregation}), the
 *       caller's on the finest level if given;</li>
 *   <li>the tentative prolongator T from the near null space ({@link TentativeProlongator});</li>
 *   <li>{@code rho ~ rho(D^-1 A)} by Lanczos ({@link SpectralRadius}) and the smoothed
 *       prolongator {@code P = (I - omega D^-1 A) T}, {@code omega = damping / rho};</li>
 *   <li>the restriction {@code R = P^T} and the Galerkin operator {@code A_c = R (A P)}
 *       ({@link SparseProducts#galerkin}, row-parallel, A P held in blocks);</li>
 * </ol>
 * until a level has at most {@code coarseSize} rows, the level limit is reached, or aggregation
 * stops reducing the size. The coarsest level is factored densely ({@link CoarseSolver}); one
 * too large for that (aggregation stalled above {@link AmgOptions#MAX_COARSE_SIZE} rows) is
 * only smoothed.
 *
 * <p>Every step is deterministic, and none depends on the number of setup threads.
 *
 * <p><b>Null space.</b> A near-null-space vector b with {@code A b = 0} (to rounding: the constant
 * of a pure-Neumann problem) is recognised at setup. The prolongators reproduce it exactly
 * ({@code P B_c = B}), so every coarse operator has its image as a null vector; the coarsest solve
 * and the cycle project it out ({@link #fineNullBasis}).
 *
 * <p><b>Re-setup</b> ({@link #resetup}) takes new values on the same pattern, keeps the aggregates,
 * T and the patterns of P, R, A P and the coarse operators (the pattern of A P, about 9 integers
 * per fine row on the 3D Laplacian, is the memory this costs), and recomputes everything numeric.
 */
final class Hierarchy {

    /** {@code ||A b|| <= NULL_TOLERANCE ||A||_inf ||b||} makes b a null vector. */
    static final double NULL_TOLERANCE = 1e-10;
    private static final int BLOCK = 2048;

    /** One level. All but the coarsest have aggregates, T, P and R. */
    static final class Level {
        /** The level's matrix; on the finest level null once let go ({@link #releaseFinestMatrix}). */
        CsrMatrix a;
        /** Rows and stored entries of {@code a}, kept for the report when a is let go. */
        int rows;
        long nonzeros;
        double[] diagonal;
        /** Estimate of the largest eigenvalue of D^-1 A (NaN where not needed). */
        double rho = Double.NaN;
        int blockSize;
        int[] aggregates;
        int aggregateCount;
        CsrMatrix tentative;
        CsrMatrix p;
        SparseProducts.Transposed r;
        /** The pattern of A P, kept so that a re-setup recomputes only its values. */
        SparseProducts.MiddlePattern apPattern;

        CsrMatrix restriction() {
            return r.transpose();
        }

        void setMatrix(CsrMatrix m) {
            a = m;
            rows = m.rows();
            nonzeros = m.nnz();
        }
    }

    final AmgOptions options;
    final List<Level> levels = new ArrayList<>();
    /** Near-null-space vectors of each level (level 0: the options' or the constant). */
    final List<double[][]> nearNullSpace = new ArrayList<>();
    /** Which near-null-space vectors are null vectors of A. */
    boolean[] nullColumns;
    /** Orthonormal basis of the recognised null space on the finest level (no vectors: none). */
    double[][] fineNullBasis = new double[0][];
    CoarseSolver coarse;
    /** Why the hierarchy cannot be used, or null. */
    String failure;
    /** Seconds per phase of the last setup or re-setup. */
    final Map<String, Double> seconds = new LinkedHashMap<>();
    int resetups;

    private Hierarchy(AmgOptions options) {
        this.options = options;
        for (String phase : List.of("strength", "aggregation", "tentative", "smoothing", "galerkin", "coarseFactor")) {
            seconds.put(phase, 0.0);
        }
    }

    Level level(int l) {
        return levels.get(l);
    }

    /**
     * Lets go of the finest level's assembled matrix once the cycle is bound: for a matrix-free
     * operator (a stencil) the hierarchy assembled it for setup alone, and the cycle applies the
     * operator itself; its rows and entry count stay for the report. A re-setup takes a new one.
     */
    void releaseFinestMatrix() {
        if (!levels.isEmpty()) {
            levels.get(0).a = null;
        }
    }

    int size() {
        return levels.size();
    }

    Level coarsest() {
        return levels.get(levels.size() - 1);
    }

    /**
     * Builds the hierarchy of {@code a0}.
     *
     * @throws IllegalArgumentException if a row is empty or has a zero or negative diagonal entry,
     *                                  or the options' vectors or aggregates do not fit the matrix
     */
    static Hierarchy build(CsrMatrix a0, AmgOptions options, int threads) {
        try (ParallelRows par = new ParallelRows(threads)) {
            return build(a0, options, par);
        }
    }

    /** {@link #build(CsrMatrix, AmgOptions, int)} on the caller's setup threads. */
    static Hierarchy build(CsrMatrix a0, AmgOptions options, ParallelRows par) {
        Hierarchy h = new Hierarchy(options);
        int n = a0.rows();
        if (!a0.isSquare()) {
            throw new IllegalArgumentException("amg needs a square matrix, got " + a0.rows() + " x " + a0.cols());
        }
        double[][] b0 = options.nearNullSpace();
        if (b0 == null) {
            double[] ones = new double[n];
            java.util.Arrays.fill(ones, 1.0);
            b0 = new double[][] {ones};
        } else if (b0[0].length != n) {
            throw new IllegalArgumentException("amg: the near-null-space vectors have length " + b0[0].length
                    + " but the matrix has " + n + " rows");
        } else {
            b0 = unitScaled(b0);
        }
        if (options.blockSize() > 1 && n % options.blockSize() != 0) {
            throw new IllegalArgumentException("amg: block size " + options.blockSize() + " does not divide the "
                    + n + " rows of the matrix");
        }
        Aggregation given = options.aggregates() == null ? null : Aggregation.validated(options.aggregates(), n);
        FineScan scan = FineScan.of(a0, par);
        if (!scan.finite()) {
            h.failure = "amg: the matrix has a NaN or infinite entry";
            return h;
        }
        h.nearNullSpace.add(b0);
        Level fine = new Level();
        fine.setMatrix(a0);
        fine.blockSize = options.blockSize();
        fine.diagonal = scan.diagonal();
        h.levels.add(fine);
        h.recogniseNullSpace(par, scan.normInf());
        while (true) {
            int l = h.levels.size() - 1;
            Level level = h.levels.get(l);
            int rows = level.a.rows();
            if (rows <= options.coarseSize() || l == options.maxLevels() - 1) {
                break;
            }
            long t0 = System.nanoTime();
            Aggregation agg;
            if (l == 0 && given != null) {
                agg = given;
                level.aggregates = agg.ofNode();
            } else {
                StrengthGraph s = StrengthGraph.of(level.a, level.diagonal, level.blockSize, options.strengthThreshold(),
                        par);
                long t1 = System.nanoTime();
                h.add("strength", t1 - t0);
                t0 = t1;
                agg = Aggregation.standard(s);
                level.aggregates = agg.ofUnknowns(level.blockSize);
            }
            level.aggregateCount = agg.count();
            long t1 = System.nanoTime();
            h.add("aggregation", t1 - t0);
            if (agg.count() == 0) {
                break;
            }
            double[][] b = h.nearNullSpace.get(l);
            TentativeProlongator tp = TentativeProlongator.build(level.aggregates, agg.count(), b);
            long t2 = System.nanoTime();
            h.add("tentative", t2 - t1);
            if (tp.t().cols() >= rows) {
                break;
            }
            level.tentative = tp.t();
            h.smoothAndProject(level, par, null, null);
            Level next = new Level();
            next.setMatrix(h.galerkin(level, par, null));
            // A coarse node is an aggregate's k unknowns, unless QR dropped some somewhere.
            next.blockSize = tp.t().cols() == (long) b.length * agg.count() ? b.length : 1;
            next.diagonal = diagonal(next.a, l + 1);
            h.levels.add(next);
            h.nearNullSpace.add(tp.coarse());
        }
        h.finishCoarsest(par);
        return h;
    }

    /**
     * New values on the finest level's pattern: keeps the aggregates, T and every pattern, redoes
     * the numbers (diagonals, spectral radii, P, R, the Galerkin operators, the coarse factor).
     *
     * @throws IllegalArgumentException if the pattern differs, or a row is empty or has a zero or
     *                                  negative diagonal
     */
    void resetup(CsrMatrix a0, int threads) {
        try (ParallelRows par = new ParallelRows(threads)) {
            resetup(a0, par);
        }
    }

    /** {@link #resetup(CsrMatrix, int)} on the caller's setup threads. */
    void resetup(CsrMatrix a0, ParallelRows par) {
        Level finest = levels.get(0);
        if (finest.a != null) {
            requireSamePattern(finest.a, a0);
        } else if (a0.rows() != finest.rows || a0.cols() != finest.rows || a0.nnz() != finest.nonzeros) {
            // The assembled matrix of a stencil was let go; the caller checked the grid.
            throw new IllegalArgumentException("amg re-setup: the new matrix is " + a0.rows() + " x " + a0.cols()
                    + " with " + a0.nnz() + " entries but the hierarchy was built for " + finest.rows + " x "
                    + finest.rows + " with " + finest.nonzeros);
        }
        // Checked before anything changes: a refused matrix leaves the hierarchy as it was.
        FineScan scan = FineScan.of(a0, par);
        seconds.replaceAll((k, v) -> 0.0);
        failure = null;
        coarse = null;
        if (!scan.finite()) {
            failure = "amg: the matrix has a NaN or infinite entry";
            return;
        }
        Level fine = levels.get(0);
        fine.setMatrix(a0);
        fine.diagonal = scan.diagonal();
        recogniseNullSpace(par, scan.normInf());
        for (int l = 0; l < levels.size() - 1; l++) {
            Level level = levels.get(l);
            Level next = levels.get(l + 1);
            smoothAndProject(level, par, level.p, level.r);
            next.setMatrix(galerkin(level, par, next.a));
            next.diagonal = diagonal(next.a, l + 1);
        }
        finishCoarsest(par);
        resetups++;
    }

    /** Spectral radius of the coarsest level where it is only smoothed; its factor otherwise. */
    private void finishCoarsest(ParallelRows par) {
        Level c = coarsest();
        long t0 = System.nanoTime();
        if (c.a.rows() <= AmgOptions.MAX_COARSE_SIZE) {
            CoarseSolver.Result f = CoarseSolver.factor(c.a, coarseNullBasis());
            coarse = f.solver();
            if (f.failure() != null) {
                failure = "amg: " + f.failure();
            }
        } else {
            coarse = null;
            c.rho = SpectralRadius.ofJacobi(c.a, c.diagonal, SpectralRadius.GERSHGORIN_GAP, par);
        }
        add("coarseFactor", System.nanoTime() - t0);
    }

    /** Which near-null-space vectors A annihilates ({@code normInf = ||A||_inf}), and an orthonormal basis of them. */
    private void recogniseNullSpace(ParallelRows par, double normInf) {
        CsrMatrix a = levels.get(0).a;
        double[][] b = nearNullSpace.get(0);
        int[] rp = a.rowPtr();
        int[] ci = a.colIdx();
        double[] v = a.values();
        nullColumns = new boolean[b.length];
        List<double[]> basis = new ArrayList<>();
        // The test ||A b|| <= tol ||A||_inf ||b|| is made on A scaled by 2^-e (exact) so that
        // ||A||_inf lies in [1, 2), and the vectors' largest entries lie there already
        // (unitScaled): squares of entries near 1e-300 would underflow to zero and make any
        // vector a null vector.
        double fa = Math.scalb(1.0, -Math.getExponent(normInf));
        for (int c = 0; c < b.length; c++) {
            double[] bc = b[c];
            double ab = Math.sqrt(par.sum(a.rows(), BLOCK, (lo, hi) -> {
                double s = 0.0;
                for (int i = lo; i < hi; i++) {
                    double row = 0.0;
                    for (int k = rp[i]; k < rp[i + 1]; k++) {
                        row += v[k] * bc[ci[k]];
                    }
                    row *= fa;
                    s += row * row;
                }
                return s;
            }));
            double norm = Math.sqrt(par.sum(a.rows(), BLOCK, (lo, hi) -> {
                double s = 0.0;
                for (int i = lo; i < hi; i++) {
                    s += bc[i] * bc[i];
                }
                return s;
            }));
            nullColumns[c] = norm > 0.0 && ab <= NULL_TOLERANCE * (normInf * fa) * norm;
            if (nullColumns[c]) {
                basis.add(bc);
            }
        }
        fineNullBasis = orthonormal(basis);
    }

    /** An orthonormal basis of the coarsest level's images of the recognised null vectors. */
    private double[][] coarseNullBasis() {
        double[][] b = nearNullSpace.get(nearNullSpace.size() - 1);
        List<double[]> basis = new ArrayList<>();
        for (int c = 0; c < nullColumns.length; c++) {
            if (nullColumns[c]) {
                basis.add(b[c]);
            }
        }
        return orthonormal(basis);
    }

    /**
     * The caller's near-null-space vectors, each scaled by a power of two (exactly) so that its
     * largest entry lies in [1, 2), copied only where that changes it: the prolongator does not
     * depend on their scale, but the sums of squares of the QR per aggregate would overflow or
     * underflow for entries near 1e300 or 1e-300. The caller's arrays are not changed.
     */
    static double[][] unitScaled(double[][] b) {
        double[][] out = b.clone();
        for (int c = 0; c < b.length; c++) {
            double max = 0.0;
            for (double x : b[c]) {
                max = Math.max(max, Math.abs(x));
            }
            int e = max > 0.0 ? Math.getExponent(max) : 0;
            if (e != 0) {
                double f = Math.scalb(1.0, -e);
                out[c] = b[c].clone();
                for (int i = 0; i < out[c].length; i++) {
                    out[c][i] *= f;
                }
            }
        }
        return out;
    }

    /** Modified Gram-Schmidt; vectors dependent on earlier ones are dropped. */
    static double[][] orthonormal(List<double[]> vectors) {
        List<double[]> out = new ArrayList<>();
        for (double[] v0 : vectors) {
            double[] v = v0.clone();
            double norm0 = Math.sqrt(dot(v, v));
            for (double[] q : out) {
                double d = dot(q, v);
                for (int i = 0; i < v.length; i++) {
                    v[i] -= d * q[i];
                }
            }
            double norm = Math.sqrt(dot(v, v));
            if (norm > 1e-10 * norm0 && norm > 0.0) {
                for (int i = 0; i < v.length; i++) {
                    v[i] /= norm;
                }
                out.add(v);
            }
        }
        return out.toArray(new double[0][]);
    }

    private static double dot(double[] x, double[] y) {
        double s = 0.0;
        for (int i = 0; i < x.length; i++) {
            s += x[i] * y[i];
        }
        return s;
    }

    /**
     * rho(D^-1 A), then {@code P = (I - omega D^-1 A) T} (numerically on {@code pattern} when given),
     * and {@code R = P^T} (through {@code transposed}'s position map when given).
     */
    private void smoothAndProject(Level level, ParallelRows par, CsrMatrix pattern, SparseProducts.Transposed transposed) {
        long t0 = System.nanoTime();
        CsrMatrix a = level.a;
        level.rho = SpectralRadius.ofJacobi(a, level.diagonal, SpectralRadius.GERSHGORIN_GAP, par);
        level.p = smoothedProlongator(a, level.diagonal, options.prolongatorDamping() / level.rho, level.tentative,
                aggregated(level.aggregates), pattern, par);
        add("smoothing", System.nanoTime() - t0);
        long t1 = System.nanoTime();
        level.r = transposed == null ? SparseProducts.transpose(level.p, par)
                : new SparseProducts.Transposed(transposed.withSourceValues(level.p.values(), par), transposed.position());
        add("galerkin", System.nanoTime() - t1);
    }

    /**
     * Which unknowns lie in an aggregate, or null when all do (the common case: no flags to test).
     */
    static boolean[] aggregated(int[] aggregates) {
        boolean all = true;
        for (int g : aggregates) {
            all &= g >= 0;
        }
        if (all) {
            return null;
        }
        boolean[] in = new boolean[aggregates.length];
        for (int i = 0; i < in.length; i++) {
            in[i] = aggregates[i] >= 0;
        }
        return in;
    }

    /**
     * {@code P = (I - omega D^-1 A) T = T - omega D^-1 (A T)}: the product {@code A T} (on
     * {@code pattern} when given), scaled row by row, with T's entries added in place. A's diagonal
     * is nonzero, so A T's pattern holds T's and is the pattern of P; no copy of A is made.
     *
     * <p>Rows of unknowns outside every aggregate ({@code rows[i]} false; all rows where rows is
     * null) stay empty, as their rows of T are: such an unknown has only weak couplings, which the
     * smoothing would otherwise turn into a prolongator row reaching every aggregate it touches
     * weakly, and through {@code A P} fill every coarse row (a node weakly coupled to all others,
     * such as a global constraint, made the coarse operators dense). Its error is left to the
     * smoother, as the aggregation intends.
     */
    static CsrMatrix smoothedProlongator(CsrMatrix a, double[] diagonal, double omega, CsrMatrix t, boolean[] rows,
                                         CsrMatrix pattern, ParallelRows par) {
        CsrMatrix at = pattern == null ? SparseProducts.multiply(a, t, rows, par)
                : SparseProducts.multiplyNumeric(a, t, pattern, rows, par);
        int[] prp = at.rowPtr();
        int[] pci = at.colIdx();
        double[] pv = at.values();
        int[] trp = t.rowPtr();
        int[] tci = t.colIdx();
        double[] tv = t.values();
        par.forEach(at.rows(), BLOCK, (w, lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                double scale = -omega / diagonal[i];
                for (int k = prp[i]; k < prp[i + 1]; k++) {
                    pv[k] *= scale;
                }
                for (int q = trp[i]; q < trp[i + 1]; q++) {
                    int k = java.util.Arrays.binarySearch(pci, prp[i], prp[i + 1], tci[q]);
                    pv[k] += tv[q];
                }
            }
        });
        return at;
    }

    /** {@code A_c = R (A P)} ({@link SparseProducts#galerkin}), numerically on {@code pattern} when given. */
    private CsrMatrix galerkin(Level level, ParallelRows par, CsrMatrix pattern) {
        long t0 = System.nanoTime();
        CsrMatrix r = level.restriction();
        CsrMatrix ac;
        if (pattern == null) {
            SparseProducts.Galerkin g = SparseProducts.galerkin(r, level.a, level.p, par);
            ac = g.coarse();
            level.apPattern = g.middle();
        } else {
            ac = SparseProducts.galerkinNumeric(r, level.a, level.p, level.apPattern, SparseProducts.Pattern.of(pattern), par);
        }
        add("galerkin", System.nanoTime() - t0);
        return ac;
    }

    private void add(String phase, long nanos) {
        seconds.merge(phase, nanos * 1e-9, Double::sum);
    }

    /**
     * The diagonal of level {@code l}'s matrix, all entries positive.
     *
     * @throws IllegalArgumentException naming the first row whose diagonal is missing, zero or negative
     */
    static double[] diagonal(CsrMatrix a, int l) {
        int n = a.rows();
        int[] rp = a.rowPtr();
        int[] ci = a.colIdx();
        double[] v = a.values();
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            double aii = diagonalEntry(i, rp, ci, v);
            if (!(aii > 0.0)) {
                throw notPositive(a, l, i);
            }
            d[i] = aii;
        }
        return d;
    }

    /** {@code a_ii}, 0 where row i has no diagonal entry. */
    static double diagonalEntry(int i, int[] rp, int[] ci, double[] v) {
        int k = java.util.Arrays.binarySearch(ci, rp[i], rp[i + 1], i);
        return k >= 0 ? v[k] : 0.0;
    }

    /** The error for row i of level l, whose diagonal entry is missing, zero or negative. */
    private static IllegalArgumentException notPositive(CsrMatrix a, int l, int i) {
        int[] rp = a.rowPtr();
        double aii = diagonalEntry(i, rp, a.colIdx(), a.values());
        String where = l == 0 ? "row " + i : "row " + i + " of coarse level " + l;
        if (l > 0 && !Double.isFinite(aii)) {
            // The finest level's entries are finite (checked first): the triple product overflowed.
            return new IllegalArgumentException("amg: " + where + " has the diagonal entry " + aii + ": the Galerkin product"
                    + " P^T A P left the double range, because the matrix's entries lie too close to its limits (near"
                    + " 1e-308 or 1e308); scale the matrix towards 1 (by a power of two, exactly) and the right-hand side"
                    + " with it");
        }
        if (rp[i] == rp[i + 1]) {
            return new IllegalArgumentException("amg: " + where + " is empty: the matrix is singular there");
        }
        if (aii == 0.0) {
            return new IllegalArgumentException("amg: " + where + " has a zero diagonal entry"
                    + (l == 0 ? "" : " (the prolongator has an empty column)")
                    + ": algebraic multigrid needs a symmetric positive (semi)definite matrix with a positive diagonal");
        }
        return new IllegalArgumentException("amg: " + where + " has the diagonal entry " + aii
                + ": algebraic multigrid needs a symmetric positive (semi)definite matrix with a positive diagonal");
    }

    /**
     * One parallel pass over the finest matrix: are all its entries finite, its diagonal (all
     * positive), and {@code ||A||_inf = max_i sum_j |a_ij|} (the scale of the null-space test).
     */
    record FineScan(boolean finite, double[] diagonal, double normInf) {

        /**
         * @throws IllegalArgumentException when every entry is finite but a diagonal entry is
         *                                  missing, zero or negative: the first such row, as
         *                                  {@link Hierarchy#diagonal(CsrMatrix, int)} names it
         */
        static FineScan of(CsrMatrix a, ParallelRows par) {
            int n = a.rows();
            int[] rp = a.rowPtr();
            int[] ci = a.colIdx();
            double[] v = a.values();
            double[] d = new double[n];
            int blocks = Math.max(1, (n + BLOCK - 1) / BLOCK);
            double[] norms = new double[blocks];
            int[] firstBad = new int[blocks];
            boolean[] infinite = new boolean[blocks];
            par.forEach(n, BLOCK, (w, lo, hi) -> {
                int blk = lo / BLOCK;
                int bad = -1;
                double norm = 0.0;
                boolean finite = true;
                for (int i = lo; i < hi; i++) {
                    double row = 0.0;
                    for (int k = rp[i]; k < rp[i + 1]; k++) {
                        row += Math.abs(v[k]);
                    }
                    if (!Double.isFinite(row)) {
                        // A NaN or infinity, or finite entries whose sum overflows: look at each.
                        for (int k = rp[i]; k < rp[i + 1]; k++) {
                            finite &= Double.isFinite(v[k]);
                        }
                    }
                    norm = Math.max(norm, row);
                    double aii = diagonalEntry(i, rp, ci, v);
                    if (!(aii > 0.0) && bad < 0) {
                        bad = i;
                    }
                    d[i] = aii;
                }
                norms[blk] = norm;
                firstBad[blk] = bad;
                infinite[blk] = !finite;
            });
            double normInf = 0.0;
            boolean finite = true;
            int bad = -1;
            for (int b = 0; b < blocks; b++) {
                normInf = Math.max(normInf, norms[b]);
                finite &= !infinite[b];
                if (bad < 0 && firstBad[b] >= 0) {
                    bad = firstBad[b];
                }
            }
            if (finite && bad >= 0) {
                throw notPositive(a, 0, bad);
            }
            return new FineScan(finite, d, normInf);
        }
    }

    /** @throws IllegalArgumentException unless {@code b} has {@code a}'s size and pattern */
    static void requireSamePattern(CsrMatrix a, CsrMatrix b) {
        if (a.rows() != b.rows() || a.cols() != b.cols()) {
            throw new IllegalArgumentException("amg re-setup: the new matrix is " + b.rows() + " x " + b.cols()
                    + " but the hierarchy was built for " + a.rows() + " x " + a.cols());
        }
        int row = a.firstPatternDifference(b);
        if (row >= 0) {
            throw new IllegalArgumentException("amg re-setup: the new matrix has a different sparsity pattern"
                    + " (first in row " + row + "); re-setup keeps the pattern, so set up a new solver instead");
        }
    }

    // ---- report --------------------------------------------------------------------------------

    double operatorComplexity() {
        double total = 0.0;
        for (Level l : levels) {
            total += l.nonzeros;
        }
        return total / Math.max(1, levels.get(0).nonzeros);
    }

    double gridComplexity() {
        double total = 0.0;
        for (Level l : levels) {
            total += l.rows;
        }
        return total / Math.max(1, levels.get(0).rows);
    }

    /** Rows and nonzeros of each level, as the report lists them. */
    List<Map<String, Object>> levelTable() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (int l = 0; l < levels.size(); l++) {
            Level level = levels.get(l);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("level", l);
            row.put("rows", level.rows);
            row.put("nonzeros", level.nonzeros);
            row.put("nonzerosPerRow", Math.round(10.0 * level.nonzeros / Math.max(1, level.rows)) / 10.0);
            out.add(row);
        }
        return out;
    }
}
