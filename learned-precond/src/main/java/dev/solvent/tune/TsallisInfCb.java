package dev.solvent.tune;

import java.util.SplittableRandom;

/**
 * Tsallis-INF-CB: the context interval {@code [lo, hi]} is cut into m bins and each bin runs its
 * own {@link TsallisInf} (its own round counter, loss estimates and cost scale). Within a bin the
 * best omega is nearly constant when the bins are narrow, so each copy competes with the best fixed
 * omega of its bin, and together with the best piecewise-constant map from context to omega.
 *
 * <p>Two binnings. The paper's ({@link #TsallisInfCb(double[], int, double, double, long)}) cuts
 * {@code [lo, hi]} into equal widths; contexts outside go to the nearest end bin. When the contexts
 * crowd into part of the interval (the high-variance Laplacian offsets pile up near the
 * nearly singular end, where the best omega moves fastest), most rounds land in one wide bin and
 * even the best omega per bin in hindsight stays about 30% above instance-optimal. The adaptive
 * binning ({@link #adaptive}) puts the edges at the empirical quantiles of the first
 * {@code warmup} contexts instead (moving with each new context during the warm-up, frozen after),
 * so every bin sees about as many rounds and the bins are narrow where the contexts are dense.
 */
public final class TsallisInfCb implements Tuner {

    private final double[] arms;
    private final double lo;
    private final double hi;
    private final TsallisInf[] bins;
    /** Adaptive binning: contexts seen during the warm-up, sorted; null for equal widths. */
    private final double[] warmupContexts;
    private int warmupSeen;
    /** Adaptive binning: the {@code bins - 1} interior edges. */
    private final double[] edges;
    private int pendingBin = -1;
    private int lastBin;

    /**
     * @param arms candidate omegas
     * @param bins number of bins (the paper uses 5 or 6)
     * @param lo   lower end of the context interval
     * @param hi   upper end, greater than lo
     * @param seed seed of this tuner's random stream (each bin gets a stream split from it)
     */
    public TsallisInfCb(double[] arms, int bins, double lo, double hi, long seed) {
        if (bins < 1) {
            throw new IllegalArgumentException("need at least one bin, got " + bins);
        }
        if (!(hi > lo) || !Double.isFinite(lo) || !Double.isFinite(hi)) {
            throw new IllegalArgumentException("context interval must satisfy lo < hi, got [" + lo + ", " + hi + "]");
        }
        this.arms = arms.clone();
        this.lo = lo;
        this.hi = hi;
        this.warmupContexts = null;
        this.edges = null;
        this.bins = new TsallisInf[bins];
        SplittableRandom root = new SplittableRandom(seed);
        for (int b = 0; b < bins; b++) {
            this.bins[b] = new TsallisInf(arms, root.split(), "tsallis-inf-bin" + b);
        }
    }

    private TsallisInfCb(double[] arms, int bins, int warmup, long seed) {
        if (bins < 1) {
            throw new IllegalArgumentException("need at least one bin, got " + bins);
        }
        if (warmup < bins) {
            throw new IllegalArgumentException("the warm-up must see at least one context per bin, got warmup "
                    + warmup + " for " + bins + " bins");
        }
        this.arms = arms.clone();
        this.lo = Double.NaN;
        this.hi = Double.NaN;
        this.warmupContexts = new double[warmup];
        this.edges = new double[bins - 1];
        this.bins = new TsallisInf[bins];
        SplittableRandom root = new SplittableRandom(seed);
        for (int b = 0; b < bins; b++) {
            this.bins[b] = new TsallisInf(arms, root.split(), "tsallis-inf-bin" + b);
        }
    }

    /**
     * Tsallis-INF-CB with bins at the empirical quantiles of the first {@code warmup} contexts
     * (see the class comment); needs no context interval.
     */
    public static TsallisInfCb adaptive(double[] arms, int bins, int warmup, long seed) {
        return new TsallisInfCb(arms, bins, warmup, seed);
    }

    @Override
    public String name() {
        return edges == null ? "tsallis-inf-cb" : "tsallis-inf-cb-quantile";
    }

    @Override
    public double[] arms() {
        return arms.clone();
    }

    /** The bin a context falls in, with the current edges. */
    public int bin(double context) {
        if (Double.isNaN(context)) {
            throw new IllegalArgumentException(name() + " needs a context, got NaN");
        }
        if (edges != null) {
            int b = 0;
            while (b < edges.length && context >= edges[b]) {
                b++;
            }
            return b;
        }
        int b = (int) Math.floor((context - lo) / (hi - lo) * bins.length);
        return Math.max(0, Math.min(bins.length - 1, b));
    }

    /** During the warm-up: keeps the context (sorted insertion) and moves the edges to the new quantiles. */
    private void learnEdges(double context) {
        if (edges == null || warmupSeen == warmupContexts.length || Double.isNaN(context)) {
            return;
        }
        int i = warmupSeen++;
        while (i > 0 && warmupContexts[i - 1] > context) {
            warmupContexts[i] = warmupContexts[i - 1];
            i--;
        }
        warmupContexts[i] = context;
        for (int e = 1; e < bins.length; e++) {
            edges[e - 1] = warmupContexts[(int) ((long) e * warmupSeen / bins.length)];
        }
    }

    @Override
    public int choose(double context) {
        if (pendingBin >= 0) {
            throw new IllegalStateException(name() + ": choose called twice without observe");
        }
        learnEdges(context);
        int b = bin(context);
        int arm = bins[b].choose(context);
        pendingBin = b;
        lastBin = b;
        return arm;
    }

    @Override
    public void observe(double cost) {
        if (pendingBin < 0) {
            throw new IllegalStateException(name() + ": observe called without a pending choice");
        }
        bins[pendingBin].observe(cost);
        pendingBin = -1;
    }

    @Override
    public double[] probabilities() {
        return bins[lastBin].probabilities();
    }
}
