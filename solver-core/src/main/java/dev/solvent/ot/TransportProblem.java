package dev.solvent.ot;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

/**
 * An entropic optimal transport problem: source histogram r (length n), target histogram c
 * (length m), cost C (n x m) and inverse temperature eta,
 *
 * <pre>
 *   min_P  &lt;C, P&gt; + (1/eta) sum_ij P_ij log P_ij    subject to  P 1 = r,  P^T 1 = c,  P &gt;= 0.
 * </pre>
 *
 * <p><b>Zero-mass bins.</b> A bin with zero mass carries no transport: its row (or column) of the
 * optimal plan is zero, and its dual potential is minus infinity (log 0). Such bins are dropped from
 * the support when the problem is built, which changes nothing in the solution and keeps every
 * logarithm finite; results map back to the original indices (zero rows and columns of the plan,
 * potentials {@code -Infinity} there). {@link #sourceSupport()} and {@link #targetSupport()} list the
 * kept bins.
 *
 * <p><b>Totals.</b> Both histograms must have the same total mass, up to a relative difference of
 * {@value #TOTAL_TOLERANCE} (rounding), which is absorbed by rescaling the target to the source's
 * total exactly; a larger difference is an error unless {@link Totals#NORMALISE} is asked for, which
 * divides each histogram by its own total.
 *
 * <p>Instances are immutable; the cost on the support is stored densely, row-major.
 */
public final class TransportProblem {

    /** Relative difference of the two totals that is treated as rounding. */
    public static final double TOTAL_TOLERANCE = 1e-9;

    /** Largest n m this dense formulation accepts (one Java array holds the cost). */
    public static final int MAX_DENSE_ENTRIES = Integer.MAX_VALUE - 8;

    /** What to do with the totals of the two histograms. */
    public enum Totals {
        /** The totals must agree (within {@link #TOTAL_TOLERANCE}); masses are used as given. */
        REQUIRE_EQUAL,
        /** Each histogram is divided by its own total, so both sum to 1. */
        NORMALISE
    }

    private final int sourceSize;
    private final int targetSize;
    private final int[] sourceSupport;
    private final int[] targetSupport;
    final double[] r;
    final double[] c;
    /** Cost on the support, n x m row-major. */
    final double[] cost;
    private final double eta;
    private final double costScale;

    private TransportProblem(int sourceSize, int targetSize, int[] sourceSupport, int[] targetSupport,
                             double[] r, double[] c, double[] cost, double eta, double costScale) {
        if (!(eta > 0) || !Double.isFinite(eta)) {
            throw new IllegalArgumentException("eta (the inverse temperature) must be finite and positive, got " + eta);
        }
        this.sourceSize = sourceSize;
        this.targetSize = targetSize;
        this.sourceSupport = sourceSupport;
        this.targetSupport = targetSupport;
        this.r = r;
        this.c = c;
        this.cost = cost;
        this.eta = eta;
        this.costScale = costScale;
    }

    // ---- factories ----------------------------------------------------------------------------

    /** A problem with an explicit dense cost, {@code cost[i][j]} for source i and target j; totals must agree. */
    public static TransportProblem of(double[] source, double[] target, double[][] cost, double eta) {
        return of(source, target, cost, eta, Totals.REQUIRE_EQUAL);
    }

    /**
     * A problem with an explicit dense cost, {@code cost[i][j]} for source i and target j.
     *
     * @throws IllegalArgumentException for a negative or NaN mass, an all-zero histogram, totals that
     *                                  differ (under {@link Totals#REQUIRE_EQUAL}), a cost that is not
     *                                  {@code source.length x target.length} or has a non-finite
     *                                  entry, or eta not finite and positive
     */
    public static TransportProblem of(double[] source, double[] target, double[][] cost, double eta, Totals totals) {
        double[][] masses = checkMasses(source, target, totals);
        if (cost == null || cost.length != source.length) {
            throw new IllegalArgumentException("the cost has " + (cost == null ? 0 : cost.length)
                    + " rows but the source histogram has " + source.length + " bins");
        }
        for (int i = 0; i < cost.length; i++) {
            if (cost[i] == null || cost[i].length != target.length) {
                throw new IllegalArgumentException("cost row " + i + " has " + (cost[i] == null ? 0 : cost[i].length)
                        + " entries but the target histogram has " + target.length + " bins");
            }
            for (int j = 0; j < target.length; j++) {
                if (!Double.isFinite(cost[i][j])) {
                    throw new IllegalArgumentException("cost (" + i + ", " + j + ") is " + cost[i][j]);
                }
            }
        }
        return build(masses[0], masses[1], (i, j) -> cost[i][j], 1.0, eta);
    }

    /**
     * A problem between two weighted point clouds with a Euclidean-type ground cost.
     *
     * <p>The size of the dense problem (bins with mass) is checked first, before any pair of points
     * is looked at; scaling to [0, 1] then scans every pair of points once.
     *
     * @param scaleToUnit divide the cost by its largest value over all pairs of points (zero-mass
     *                    ones included), so that it lies in [0, 1] and eta has the paper's meaning
     * @throws IllegalArgumentException as {@link #of(double[], double[], double[][], double, Totals)},
     *                                  for point counts that differ from the histogram lengths,
     *                                  points of different dimensions or non-finite coordinates, and
     *                                  for a problem too large for one array or for the heap
     */
    public static TransportProblem fromPoints(double[] source, double[][] sourcePoints, double[] target,
                                              double[][] targetPoints, GroundCost ground, boolean scaleToUnit,
                                              double eta, Totals totals) {
        double[][] masses = checkMasses(source, target, totals);
        checkPoints("source", sourcePoints, source.length);
        checkPoints("target", targetPoints, target.length);
        if (sourcePoints.length > 0 && targetPoints.length > 0
                && sourcePoints[0].length != targetPoints[0].length) {
            throw new IllegalArgumentException("source points have dimension " + sourcePoints[0].length
                    + " but target points have dimension " + targetPoints[0].length);
        }
        checkDense(support(masses[0]).length, support(masses[1]).length);
        double max = 0.0;
        if (scaleToUnit) {
            for (double[] p : sourcePoints) {
                for (double[] q : targetPoints) {
                    max = Math.max(max, ground.between(p, q));
                }
            }
        }
        return fromPoints(masses, sourcePoints, targetPoints, ground, scaleToUnit, max, eta);
    }

    /** The rest of {@link #fromPoints}, with the largest pair cost already known. */
    private static TransportProblem fromPoints(double[][] masses, double[][] sourcePoints, double[][] targetPoints,
                                               GroundCost ground, boolean scaleToUnit, double maxCost, double eta) {
        double scale = scaleToUnit && maxCost > 0 ? 1.0 / maxCost : 1.0;
        double s = scale;
        return build(masses[0], masses[1], (i, j) -> s * ground.between(sourcePoints[i], targetPoints[j]), scale, eta);
    }

    /**
     * A problem between two images (grids of non-negative masses, each normalised to total 1),
     * pixel (i, j) at position (i, j), as DOTmark defines it.
     */
    public static TransportProblem fromGrids(double[][] sourceGrid, double[][] targetGrid, GroundCost ground,
                                             boolean scaleToUnit, double eta) {
        double[] a = DotmarkCsv.histogram(sourceGrid);
        double[] b = DotmarkCsv.histogram(targetGrid);
        double[][] masses = checkMasses(a, b, Totals.REQUIRE_EQUAL);
        // Checked before the pixel coordinates are even made.
        checkDense(support(masses[0]).length, support(masses[1]).length);
        int r1 = sourceGrid.length;
        int c1 = sourceGrid[0].length;
        int r2 = targetGrid.length;
        int c2 = targetGrid[0].length;
        // Both point sets are whole grids, so the farthest pair is a pair of corners whose offset
        // is the largest in each coordinate separately: no need to scan every pair.
        double[] far = {0, 0};
        double[] near = {Math.max(r1 - 1, r2 - 1), Math.max(c1 - 1, c2 - 1)};
        double max = ground.between(far, near);
        return fromPoints(masses, DotmarkCsv.gridPoints(r1, c1), DotmarkCsv.gridPoints(r2, c2), ground, scaleToUnit,
                max, eta);
    }

    /** {@link #fromGrids} on two DOTmark CSV files. */
    public static TransportProblem fromDotmark(Path source, Path target, GroundCost ground, boolean scaleToUnit,
                                               double eta) throws IOException {
        return fromGrids(DotmarkCsv.read(source), DotmarkCsv.read(target), ground, scaleToUnit, eta);
    }

    /**
     * The paper's random assignment case: n sources and n targets of mass 1/n each, costs drawn
     * independently and uniformly from [0, 1) with {@code java.util.Random(seed)}, row by row.
     */
    public static TransportProblem randomAssignment(int n, long seed, double eta) {
        if (n < 1) {
            throw new IllegalArgumentException("the random assignment size must be at least 1, got " + n);
        }
        checkDense(n, n);
        double[] u = new double[n];
        Arrays.fill(u, 1.0 / n);
        double[][] masses = checkMasses(u, u.clone(), Totals.NORMALISE);
        // Drawn straight into the dense row-major array the problem keeps: one n x n allocation.
        Random rnd = new Random(seed);
        double[] cost = new double[n * n];
        for (int k = 0; k < cost.length; k++) {
            cost[k] = rnd.nextDouble();
        }
        int[] all = new int[n];
        Arrays.setAll(all, i -> i);
        return new TransportProblem(n, n, all, all.clone(), masses[0], masses[1], cost, eta, 1.0);
    }

    /** The same histograms and cost with another inverse temperature. */
    public TransportProblem withEta(double newEta) {
        return new TransportProblem(sourceSize, targetSize, sourceSupport, targetSupport, r, c, cost, newEta, costScale);
    }

    // ---- accessors ----------------------------------------------------------------------------

    /** Inverse temperature. */
    public double eta() {
        return eta;
    }

    /** Number of source bins with positive mass (rows of the solved problem). */
    public int n() {
        return r.length;
    }

    /** Number of target bins with positive mass. */
    public int m() {
        return c.length;
    }

    /** Number of source bins as given, zero-mass ones included. */
    public int sourceSize() {
        return sourceSize;
    }

    /** Number of target bins as given. */
    public int targetSize() {
        return targetSize;
    }

    /** Original indices of the kept source bins, increasing. */
    public int[] sourceSupport() {
        return sourceSupport.clone();
    }

    /** Original indices of the kept target bins, increasing. */
    public int[] targetSupport() {
        return targetSupport.clone();
    }

    /** Source masses on the support (after any normalisation). */
    public double[] sourceMasses() {
        return r.clone();
    }

    /** Target masses on the support (after any normalisation or rescaling). */
    public double[] targetMasses() {
        return c.clone();
    }

    /** Cost between kept source bin i and kept target bin j (support indices). */
    public double cost(int i, int j) {
        return cost[i * c.length + j];
    }

    /** The factor applied to the ground cost (1 unless scaled to [0, 1]). */
    public double costScale() {
        return costScale;
    }

    /** Original source index of support row i. */
    int sourceIndex(int i) {
        return sourceSupport[i];
    }

    /** Original target index of support column j. */
    int targetIndex(int j) {
        return targetSupport[j];
    }

    // ---- construction helpers -----------------------------------------------------------------

    private interface CostFunction {
        double at(int i, int j);
    }

    private static TransportProblem build(double[] source, double[] target, CostFunction f, double scale, double eta) {
        int[] rs = support(source);
        int[] cs = support(target);
        double[] r = new double[rs.length];
        double[] c = new double[cs.length];
        for (int i = 0; i < rs.length; i++) {
            r[i] = source[rs[i]];
        }
        for (int j = 0; j < cs.length; j++) {
            c[j] = target[cs[j]];
        }
        checkDense(rs.length, cs.length);
        double[] cost = new double[rs.length * cs.length];
        for (int i = 0; i < rs.length; i++) {
            for (int j = 0; j < cs.length; j++) {
                cost[i * cs.length + j] = f.at(rs[i], cs[j]);
            }
        }
        return new TransportProblem(source.length, target.length, rs, cs, r, c, cost, eta, scale);
    }

    /**
     * Refuses, before any work, a dense n x m cost that one Java array cannot hold or that alone
     * exceeds the most memory the JVM may use (a solve needs a few more arrays of the same size).
     */
    static void checkDense(int n, int m) {
        long entries = (long) n * m;
        if (entries > MAX_DENSE_ENTRIES) {
            throw new IllegalArgumentException("the cost on the support is " + n + " x " + m + " = " + entries
                    + " entries, more than the " + MAX_DENSE_ENTRIES + " a dense Java array can hold");
        }
        long bytes = 8 * entries;
        long max = Runtime.getRuntime().maxMemory();
        if (max != Long.MAX_VALUE && bytes > max) {
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
                    "the dense %d x %d cost needs %.2f GB of memory, but this JVM may use at most %.2f GB"
                            + " (and a solve needs a few more arrays of that size): give the JVM more heap"
                            + " (-Xmx; JAVA_OPTS=-Xmx... for the command line) or solve a smaller problem",
                    n, m, bytes / 1e9, max / 1e9));
        }
    }

    private static int[] support(double[] h) {
        int count = 0;
        for (double v : h) {
            if (v > 0) {
                count++;
            }
        }
        int[] s = new int[count];
        int k = 0;
        for (int i = 0; i < h.length; i++) {
            if (h[i] > 0) {
                s[k++] = i;
            }
        }
        return s;
    }

    /** Validates both histograms; returns copies with the totals made to agree. */
    private static double[][] checkMasses(double[] source, double[] target, Totals totals) {
        if (totals == null) {
            throw new IllegalArgumentException("totals policy must not be null");
        }
        double rs = checkHistogram("source", source);
        double cs = checkHistogram("target", target);
        double[] r = source.clone();
        double[] c = target.clone();
        if (totals == Totals.NORMALISE) {
            scale(r, 1.0 / rs);
            scale(c, 1.0 / cs);
        } else {
            if (Math.abs(rs - cs) > TOTAL_TOLERANCE * Math.max(rs, cs)) {
                throw new IllegalArgumentException("the source histogram has total mass " + rs
                        + " but the target has " + cs + ": normalise them explicitly (Totals.NORMALISE) if intended");
            }
            // A difference at rounding level would put a floor under the marginal error: absorb it.
            scale(c, rs / cs);
        }
        return new double[][] {r, c};
    }

    private static double checkHistogram(String what, double[] h) {
        if (h == null || h.length == 0) {
            throw new IllegalArgumentException("the " + what + " histogram is empty");
        }
        double total = 0.0;
        for (int i = 0; i < h.length; i++) {
            if (!(h[i] >= 0) || !Double.isFinite(h[i])) {
                throw new IllegalArgumentException("the " + what + " histogram has mass " + h[i] + " at bin " + i
                        + ": masses must be finite and non-negative");
            }
            total += h[i];
        }
        if (!(total > 0)) {
            throw new IllegalArgumentException("the " + what + " histogram has zero total mass");
        }
        return total;
    }

    private static void checkPoints(String what, double[][] points, int count) {
        if (points == null || points.length != count) {
            throw new IllegalArgumentException("there are " + (points == null ? 0 : points.length) + " " + what
                    + " points but the " + what + " histogram has " + count + " bins");
        }
        int dim = points[0] == null ? -1 : points[0].length;
        for (int i = 0; i < points.length; i++) {
            if (points[i] == null || points[i].length != dim || dim == 0) {
                throw new IllegalArgumentException(what + " point " + i + " has dimension "
                        + (points[i] == null ? 0 : points[i].length) + ", expected " + dim + " (and at least 1)");
            }
            for (double v : points[i]) {
                if (!Double.isFinite(v)) {
                    throw new IllegalArgumentException(what + " point " + i + " has a non-finite coordinate " + v);
                }
            }
        }
    }

    private static void scale(double[] h, double s) {
        for (int i = 0; i < h.length; i++) {
            h[i] *= s;
        }
    }
}
