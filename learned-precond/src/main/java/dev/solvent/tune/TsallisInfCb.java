package dev.solvent.tune;

import java.util.SplittableRandom;

/**
 * Tsallis-INF-CB: the context interval {@code [lo, hi]} is cut into m equal bins and each bin runs
 * its own {@link TsallisInf} (its own round counter, loss estimates and cost scale). Within a bin
 * the best omega is nearly constant when the bins are narrow, so each copy competes with the best
 * fixed omega of its bin, and together with the best piecewise-constant map from context to
 * omega. Contexts outside {@code [lo, hi]} go to the nearest end bin.
 */
public final class TsallisInfCb implements Tuner {

    private final double[] arms;
    private final double lo;
    private final double hi;
    private final TsallisInf[] bins;
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
        this.bins = new TsallisInf[bins];
        SplittableRandom root = new SplittableRandom(seed);
        for (int b = 0; b < bins; b++) {
            this.bins[b] = new TsallisInf(arms, root.split(), "tsallis-inf-bin" + b);
        }
    }

    @Override
    public String name() {
        return "tsallis-inf-cb";
    }

    @Override
    public double[] arms() {
        return arms.clone();
    }

    /** The bin a context falls in. */
    public int bin(double context) {
        if (Double.isNaN(context)) {
            throw new IllegalArgumentException(name() + " needs a context, got NaN");
        }
        int b = (int) Math.floor((context - lo) / (hi - lo) * bins.length);
        return Math.max(0, Math.min(bins.length - 1, b));
    }

    @Override
    public int choose(double context) {
        if (pendingBin >= 0) {
            throw new IllegalStateException(name() + ": choose called twice without observe");
        }
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
