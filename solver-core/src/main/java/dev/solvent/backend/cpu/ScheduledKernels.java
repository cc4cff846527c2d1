package dev.solvent.backend.cpu;

/**
 * The row kernels of scheduled recurrences. Callers make sure every row a kernel reads was
 * finished by an earlier group (the schedule's contract), so the units of one call may run
 * concurrently with other calls on the same group.
 *
 * <p>Natural ordering: over the blocks {@code [lo, hi)} of a {@link dev.solvent.order.BlockSchedule}
 * (block b is rows {@code [start[b], end[b])}), rows of a block one after another, on arrays in
 * natural order. Multicolour ordering: over the positions {@code [lo, hi)} of a
 * {@link dev.solvent.order.ScheduledRows} layout (rows {@code perm[t]}; BEFORE and AFTER parts with
 * natural column indices; one scale per position). Vectors are always in natural numbering.
 */
final class ScheduledKernels {

    private ScheduledKernels() {
    }

    // ---- natural ordering, over blocks ----------------------------------------------------------
    //
    // Blocks one after another, each block's rows in natural order: each block then streams its
    // stretch of every array. (Advancing four blocks of a level in lockstep, to overlap the
    // row-to-row dependence inside a block, was measured: it ran 2.3 times slower on 128^3 Poisson,
    // the two dozen concurrent memory streams defeating the prefetchers, while the dependence itself
    // costs little beside the memory traffic.)

    /**
     * Forward half of {@code L L^T z = r} on a {@link dev.solvent.backend.TriangularFactor}'s lower rows
     * ({@code l_ij l_jj}) and scale ({@code 1 / l_ii^2}), over blocks {@code [lo, hi)}:
     * <pre>  y_i = r_i - sum_{j<i} l_ij l_jj u_j;   z_i = u_i = y_i / l_ii^2;   returns sum y_i u_i  </pre>
     * Bytes per row: 12 per entry + 4 (row pointer) + 8 (scale) + 8 (r) + 8 (z written).
     */
    static double choleskyForward(int[] start, int[] end, int[] lp, int[] lc, double[] lv, double[] sc, double[] r,
                                  double[] z, int lo, int hi) {
        double dot = 0.0;
        for (int b = lo; b < hi; b++) {
            for (int i = start[b], e = end[b]; i < e; i++) {
                double s = r[i];
                for (int k = lp[i], ke = lp[i + 1]; k < ke; k++) {
                    s -= lv[k] * z[lc[k]];
                }
                double u = s * sc[i];
                z[i] = u;
                dot += s * u;
            }
        }
        return dot;
    }

    /**
     * Backward half on the upper rows ({@code l_ji / l_ii}, the rows of {@code L'^T}), in place over
     * u, blocks and their rows from last to first:
     * <pre>  z_i = u_i - sum_{j>i} (l_ji / l_ii) z_j  </pre>
     * The entries are taken from the farthest column to the nearest, so that row i + 1, finished
     * just before, enters last: the dependence from one row to the next passes through one multiply
     * and one subtraction, not the whole sum. Bytes per row: 12 per entry + 4 + 16 (z read, written).
     */
    static void choleskyBackward(int[] start, int[] end, int[] up, int[] uc, double[] uv, double[] z, int lo, int hi) {
        for (int b = hi - 1; b >= lo; b--) {
            for (int i = end[b] - 1, s0 = start[b]; i >= s0; i--) {
                double s = z[i];
                for (int k = up[i + 1] - 1, kb = up[i]; k >= kb; k--) {
                    s -= uv[k] * z[uc[k]];
                }
                z[i] = s;
            }
        }
    }

    /**
     * Forward half of natural SSOR on a {@link dev.solvent.backend.SplitMatrix} (parts
     * {@code a_ij / a_ii}, {@code 1 / a_ii}), {@code c = w (2 - w)}:
     * <pre>  t_i = c r_i / a_ii - w sum_{j<i} (a_ij / a_ii) t_j  </pre>
     * Bytes per row: 12 per entry + 4 + 8 (1 / a_ii) + 8 (r) + 8 (t written).
     */
    static void ssorForward(int[] start, int[] end, int[] lp, int[] lc, double[] lv, double[] inv, double[] r, double[] z,
                            double omega, double c, int lo, int hi) {
        for (int b = lo; b < hi; b++) {
            for (int i = start[b], e = end[b]; i < e; i++) {
                double s = 0.0;
                for (int k = lp[i], ke = lp[i + 1]; k < ke; k++) {
                    s += lv[k] * z[lc[k]];
                }
                z[i] = c * r[i] * inv[i] - omega * s;
            }
        }
    }

    /**
     * Backward half of natural SSOR, blocks and rows from last to first (farthest column first, as
     * in {@link #choleskyBackward}); returns its share of {@code r . z}:
     * <pre>  z_i = t_i - w sum_{j>i} (a_ij / a_ii) z_j  </pre>
     * Bytes per row: 12 per entry + 4 + 16 (z) + 8 (r).
     */
    static double ssorBackward(int[] start, int[] end, int[] up, int[] uc, double[] uv, double[] r, double[] z,
                               double omega, int lo, int hi) {
        double dot = 0.0;
        for (int b = hi - 1; b >= lo; b--) {
            for (int i = end[b] - 1, s0 = start[b]; i >= s0; i--) {
                double s = 0.0;
                for (int k = up[i + 1] - 1, kb = up[i]; k >= kb; k--) {
                    s += uv[k] * z[uc[k]];
                }
                double zi = z[i] - omega * s;
                z[i] = zi;
                dot += r[i] * zi;
            }
        }
        return dot;
    }

    /** SOR row: {@code x_i += w (b_i / a_ii - sum_{j != i} (a_ij / a_ii) x_j - x_i)}. */
    private static void sorRow(int i, int[] lp, int[] lc, double[] lv, int[] up, int[] uc, double[] uv, double[] inv,
                               double[] b, double[] x, double omega) {
        double s = b[i] * inv[i];
        for (int k = lp[i], e = lp[i + 1]; k < e; k++) {
            s -= lv[k] * x[lc[k]];
        }
        for (int k = up[i], e = up[i + 1]; k < e; k++) {
            s -= uv[k] * x[uc[k]];
        }
        x[i] += omega * (s - x[i]);
    }

    /**
     * Natural SOR over the rows of blocks {@code [lo, hi)} on a {@link dev.solvent.backend.SplitMatrix},
     * each block's rows ascending, or (backward) blocks and rows descending.
     */
    static void sor(int[] start, int[] end, int[] lp, int[] lc, double[] lv, int[] up, int[] uc, double[] uv, double[] inv,
                    double[] b, double[] x, double omega, int lo, int hi, boolean reverse) {
        if (reverse) {
            for (int k = hi - 1; k >= lo; k--) {
                for (int i = end[k] - 1, s0 = start[k]; i >= s0; i--) {
                    sorRow(i, lp, lc, lv, up, uc, uv, inv, b, x, omega);
                }
            }
        } else {
            for (int k = lo; k < hi; k++) {
                for (int i = start[k], e = end[k]; i < e; i++) {
                    sorRow(i, lp, lc, lv, up, uc, uv, inv, b, x, omega);
                }
            }
        }
    }

    // ---- multicolour ordering, over positions of a ScheduledRows layout -------------------------

    /**
     * Forward half of SSOR (parts {@code a_ij / a_ii}, scale {@code 1 / a_ii}, {@code c = w (2 - w)}):
     * <pre>  t_i = c r_i / a_ii - w sum_before (a_ij / a_ii) t_j  </pre>
     * t kept in z. Vectors: + 24 bytes per row.
     */
    static void colourSsorForward(int[] perm, int[] bp, int[] bc, double[] bv, double[] scale, double[] r, double[] z,
                            double omega, double c, int lo, int hi) {
        for (int t = lo; t < hi; t++) {
            int i = perm[t];
            double s = 0.0;
            for (int k = bp[t]; k < bp[t + 1]; k++) {
                s += bv[k] * z[bc[k]];
            }
            z[i] = c * r[i] * scale[t] - omega * s;
        }
    }

    /**
     * Backward half of SSOR, in place over t, positions from last to first; returns its share of
     * {@code r . z}:
     * <pre>  z_i = t_i - w sum_after (a_ij / a_ii) z_j  </pre>
     * Vectors: + 24 bytes per row (r read for the dot).
     */
    static double colourSsorBackward(int[] perm, int[] ap, int[] ac, double[] av, double[] r, double[] z, double omega,
                               int lo, int hi) {
        double dot = 0.0;
        for (int t = hi - 1; t >= lo; t--) {
            int i = perm[t];
            double s = 0.0;
            for (int k = ap[t]; k < ap[t + 1]; k++) {
                s += av[k] * z[ac[k]];
            }
            double zi = z[i] - omega * s;
            z[i] = zi;
            dot += r[i] * zi;
        }
        return dot;
    }

    /**
     * SOR update of the rows at {@code [lo, hi)} (parts {@code a_ij / a_ii}, scale {@code 1 / a_ii}),
     * in place, last to first when {@code reverse}:
     * <pre>  x_i += w (b_i / a_ii - sum_{j != i} (a_ij / a_ii) x_j - x_i)  </pre>
     * Reads both parts (all of the row). Vectors: + 24 bytes per row.
     */
    static void colourSor(int[] perm, int[] bp, int[] bc, double[] bv, int[] ap, int[] ac, double[] av, double[] scale,
                    double[] b, double[] x, double omega, int lo, int hi, boolean reverse) {
        int t = reverse ? hi - 1 : lo;
        int step = reverse ? -1 : 1;
        for (int m = lo; m < hi; m++, t += step) {
            int i = perm[t];
            double s = b[i] * scale[t];
            for (int k = bp[t]; k < bp[t + 1]; k++) {
                s -= bv[k] * x[bc[k]];
            }
            for (int k = ap[t]; k < ap[t + 1]; k++) {
                s -= av[k] * x[ac[k]];
            }
            x[i] += omega * (s - x[i]);
        }
    }
}
