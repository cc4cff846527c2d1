package dev.solvent.precond;

import java.util.Locale;

/**
 * What an incomplete Cholesky factorisation does when it meets a non-positive pivot: give up
 * ({@link #off()}), or factor {@code A_s + alpha I} instead, where {@code A_s = D^-1/2 A D^-1/2} is
 * A scaled to a unit diagonal, with {@code alpha} growing geometrically until the factorisation
 * completes (Manteuffel's shifted incomplete Cholesky; Eigen's {@code IncompleteCholesky} and
 * PETSc's {@code -pc_factor_shift_type positive_definite} do the like). In A's own units the shift
 * adds {@code alpha a_ii} to each diagonal entry. The first attempt is always unshifted, so the
 * shift engages only when plain IC(0) breaks down.
 *
 * <p>Retry k (k = 1, 2, ...) uses {@code alpha = initialShift * growth^(k-1)}. A large enough shift
 * always succeeds on an SPD matrix (the scaled matrix becomes diagonally dominant once alpha
 * exceeds its largest off-diagonal row sum, and incomplete Cholesky cannot break down on such a
 * matrix), so the retries are bounded by {@code log(rowSum / initialShift) / log(growth)}.
 *
 * @param initialShift alpha of the first retry, positive
 * @param growth       factor between the shifts of successive retries, above 1
 * @param maxRetries   retries after the unshifted attempt; 0 turns the shift off
 */
public record ShiftPolicy(double initialShift, double growth, int maxRetries) {

    /** Initial shift 1e-3, doubled on each retry, at most 30 retries (alpha up to about 5e5). */
    public static final ShiftPolicy DEFAULT = new ShiftPolicy(1e-3, 2.0, 30);

    public ShiftPolicy {
        if (!(initialShift > 0) || !Double.isFinite(initialShift)) {
            throw new IllegalArgumentException("the initial diagonal shift must be positive and finite, got " + initialShift);
        }
        if (!(growth > 1) || !Double.isFinite(growth)) {
            throw new IllegalArgumentException("the shift growth factor must exceed 1, got " + growth);
        }
        if (maxRetries < 0) {
            throw new IllegalArgumentException("the number of shifted retries must be non-negative, got " + maxRetries);
        }
    }

    /** No shift: a breakdown is reported as it happens. */
    public static ShiftPolicy off() {
        return new ShiftPolicy(DEFAULT.initialShift, DEFAULT.growth, 0);
    }

    /** Whether a breakdown leads to shifted retries. */
    public boolean enabled() {
        return maxRetries > 0;
    }

    /** The shift of retry {@code k >= 1}. */
    public double shift(int k) {
        if (k < 1 || k > maxRetries) {
            throw new IllegalArgumentException("retry " + k + " outside 1.." + maxRetries);
        }
        return initialShift * Math.pow(growth, k - 1);
    }

    /**
     * Parses {@code auto} (the {@link #DEFAULT}), {@code off}, or
     * {@code INITIAL[,GROWTH[,RETRIES]]} (for example {@code 1e-2}, {@code 1e-2,4}, {@code 1e-2,4,10});
     * parts left out keep the default's values.
     *
     * @throws IllegalArgumentException naming what is wrong with the text
     */
    public static ShiftPolicy parse(String spec) {
        if (spec == null) {
            throw new IllegalArgumentException("a shift policy is required: auto, off, or INITIAL[,GROWTH[,RETRIES]]");
        }
        String s = spec.trim().toLowerCase(Locale.ROOT);
        if (s.equals("auto") || s.equals("on")) {
            return DEFAULT;
        }
        if (s.equals("off") || s.equals("none")) {
            return off();
        }
        String[] parts = s.split(",", -1);
        if (parts.length > 3) {
            throw new IllegalArgumentException("shift policy '" + spec + "': expected auto, off, or INITIAL[,GROWTH[,RETRIES]]");
        }
        try {
            double initial = Double.parseDouble(parts[0].trim());
            double growth = parts.length > 1 ? Double.parseDouble(parts[1].trim()) : DEFAULT.growth;
            int retries = parts.length > 2 ? Integer.parseInt(parts[2].trim()) : DEFAULT.maxRetries;
            return new ShiftPolicy(initial, growth, retries);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("shift policy '" + spec + "': expected auto, off, or INITIAL[,GROWTH[,RETRIES]]"
                    + " with numbers, e.g. 1e-3,2,30");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("shift policy '" + spec + "': " + e.getMessage());
        }
    }

    /** The text {@link #parse} reads back: {@code off} or {@code INITIAL,GROWTH,RETRIES}. */
    @Override
    public String toString() {
        return enabled() ? initialShift + "," + growth + "," + maxRetries : "off";
    }
}
