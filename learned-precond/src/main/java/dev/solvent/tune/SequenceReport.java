package dev.solvent.tune;

import java.util.Locale;

/** Method names and number formats shared by the experiments, the report and the command line. */
public final class SequenceReport {

    public static final String INSTANCE_OPTIMAL = "instance-optimal";
    public static final String YOUNG = "young-per-instance";
    public static final String BEST_FIXED = "best-fixed";

    private SequenceReport() {
    }

    /** An omega as it appears in method names: {@code 1.0}, {@code 1.45}, {@code 1.75}. */
    public static String fmtOmega(double w) {
        String s = String.format(Locale.ROOT, "%.2f", w);
        return s.endsWith("0") ? s.substring(0, s.length() - 1) : s;
    }

    /** A number with one decimal. */
    public static String fmt1(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.1f", v) : "-";
    }

    /** A number with two decimals. */
    public static String fmt2(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.2f", v) : "-";
    }
}
