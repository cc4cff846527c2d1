package dev.solvent.backend.cpu;

/**
 * The row kernels of scheduled recurrences. Callers make sure every row a kernel reads was
 * finished by an earlier group (the schedule's contract), so the units of one call may run
 * concurrently with other calls on the same group.
 *
 * <p>Natural ordering: over the blocks {@code [lo, hi)} of one level of a
 * {@link dev.solvent.order.BlockSchedule} (block b is rows {@code [start[b], end[b])}), rows of a
 * block one after another, on arrays in natural order. Multicolour ordering: over the positions {@code [lo, hi)} of a
 * {@link dev.solvent.order.ScheduledRows} layout (rows {@code perm[t]}; BEFORE and AFTER parts with
 * natural column indices; one scale per position). Vectors are always in natural numbering.
 */
final class ScheduledKernels {

    private ScheduledKernels() {
    }

    // ---- natural ordering, over blocks ----------------------------------------------------------
    //
    // Inside a block the rows form a recurrence (row i reads row i - 1 on a grid line), so one block
    // alone runs at the latency of that chain, not at the memory's pace. Blocks of one level are
    // independent: the kernels take them four at a time and advance the four chains in lockstep
    // (rows s0 + m, s1 + m, s2 + m, s3 + m), which the processor overlaps. A call must therefore
    // cover blocks of ONE level; callers split a stretch of several levels level by level.
    // Every row function below updates only its own row, so the order among the four is free.

    /** Forward IC row: {@code y = r_i - sum lv z;  z_i = u = y / l_ii^2;}  returns {@code y u}. */
    private static double icRow(int i, int[] lp, int[] lc, double[] lv, double[] sc, double[] r, double[] z) {
        double s = r[i];
        for (int k = lp[i], e = lp[i + 1]; k < e; k++) {
            s -= lv[k] * z[lc[k]];
        }
        double u = s * sc[i];
        z[i] = u;
        return s * u;
    }

    /**
     * Forward half of {@code L L^T z = r} on a {@link dev.solvent.backend.TriangularFactor}'s lower rows
     * ({@code l_ij l_jj}) and scale ({@code 1 / l_ii^2}), over blocks {@code [lo, hi)} of one level:
     * <pre>  y_i = r_i - sum_{j<i} l_ij l_jj u_j;   z_i = u_i = y_i / l_ii^2;   returns sum y_i u_i  </pre>
     * Bytes per row: 12 per entry + 4 (row pointer) + 8 (scale) + 8 (r) + 8 (z written).
     */
    static double choleskyForward(int[] start, int[] end, int[] lp, int[] lc, double[] lv, double[] sc, double[] r,
                                  double[] z, int lo, int hi) {
        double d0 = 0.0;
        double d1 = 0.0;
        double d2 = 0.0;
        double d3 = 0.0;
        int b = lo;
        for (; b + 4 <= hi; b += 4) {
            int s0 = start[b];
            int s1 = start[b + 1];
            int s2 = start[b + 2];
            int s3 = start[b + 3];
            int len = Math.min(Math.min(end[b] - s0, end[b + 1] - s1), Math.min(end[b + 2] - s2, end[b + 3] - s3));
            for (int m = 0; m < len; m++) {
                d0 += icRow(s0 + m, lp, lc, lv, sc, r, z);
                d1 += icRow(s1 + m, lp, lc, lv, sc, r, z);
                d2 += icRow(s2 + m, lp, lc, lv, sc, r, z);
                d3 += icRow(s3 + m, lp, lc, lv, sc, r, z);
            }
            for (int q = 0; q < 4; q++) {
                for (int i = start[b + q] + len, e = end[b + q]; i < e; i++) {
                    d0 += icRow(i, lp, lc, lv, sc, r, z);
                }
            }
        }
        for (; b < hi; b++) {
            for (int i = start[b], e = end[b]; i < e; i++) {
                d0 += icRow(i, lp, lc, lv, sc, r, z);
            }
        }
        return (d0 + d1) + (d2 + d3);
    }

    /**
     * Backward row, in place: {@code z_i -= sum uv z}. The entries are taken from the farthest column
     * to the nearest, so that row i + 1, finished just before, enters last and the dependence from
     * one row to the next passes through one multiply and one subtraction, not the whole sum.
     */
    private static void upperRow(int i, int[] up, int[] uc, double[] uv, double[] z) {
        double s = z[i];
        for (int k = up[i + 1] - 1, b = up[i]; k >= b; k--) {
            s -= uv[k] * z[uc[k]];
        }
        z[i] = s;
    }

    /**
     * Backward half on the upper rows ({@code l_ji / l_ii}, the rows of {@code L'^T}), in place over
     * u, over blocks {@code [lo, hi)} of one level, each block's rows from last to first:
     * <pre>  z_i = u_i - sum_{j>i} (l_ji / l_ii) z_j  </pre>
     * Bytes per row: 12 per entry + 4 (row pointer) + 16 (z read and written).
     */
    static void choleskyBackward(int[] start, int[] end, int[] up, int[] uc, double[] uv, double[] z, int lo, int hi) {
        int b = hi - 1;
        for (; b - 3 >= lo; b -= 4) {
            int e0 = end[b];
            int e1 = end[b - 1];
            int e2 = end[b - 2];
            int e3 = end[b - 3];
            int len = Math.min(Math.min(e0 - start[b], e1 - start[b - 1]), Math.min(e2 - start[b - 2], e3 - start[b - 3]));
            for (int m = 1; m <= len; m++) {
                upperRow(e0 - m, up, uc, uv, z);
                upperRow(e1 - m, up, uc, uv, z);
                upperRow(e2 - m, up, uc, uv, z);
                upperRow(e3 - m, up, uc, uv, z);
            }
            for (int q = 0; q < 4; q++) {
                for (int i = end[b - q] - len - 1, s0 = start[b - q]; i >= s0; i--) {
                    upperRow(i, up, uc, uv, z);
                }
            }
        }
        for (; b >= lo; b--) {
            for (int i = end[b] - 1, s0 = start[b]; i >= s0; i--) {
                upperRow(i, up, uc, uv, z);
            }
        }
    }

    /** Forward SSOR row: {@code t_i = c r_i / a_ii - w sum lv t}. */
    private static void ssorRow(int i, int[] lp, int[] lc, double[] lv, double[] inv, double[] r, double[] z,
                                double omega, double c) {
        double s = 0.0;
        for (int k = lp[i], e = lp[i + 1]; k < e; k++) {
            s += lv[k] * z[lc[k]];
        }
        z[i] = c * r[i] * inv[i] - omega * s;
    }

    /**
     * Forward half of natural SSOR on a {@link dev.solvent.backend.SplitMatrix} (parts
     * {@code a_ij / a_ii}, {@code 1 / a_ii}), {@code c = w (2 - w)}, over blocks of one level:
     * <pre>  t_i = c r_i / a_ii - w sum_{j<i} (a_ij / a_ii) t_j  </pre>
     * Bytes per row: 12 per entry + 4 + 8 (1 / a_ii) + 8 (r) + 8 (t written).
     */
    static void ssorForward(int[] start, int[] end, int[] lp, int[] lc, double[] lv, double[] inv, double[] r, double[] z,
                            double omega, double c, int lo, int hi) {
        int b = lo;
        for (; b + 4 <= hi; b += 4) {
            int s0 = start[b];
            int s1 = start[b + 1];
            int s2 = start[b + 2];
            int s3 = start[b + 3];
            int len = Math.min(Math.min(end[b] - s0, end[b + 1] - s1), Math.min(end[b + 2] - s2, end[b + 3] - s3));
            for (int m = 0; m < len; m++) {
                ssorRow(s0 + m, lp, lc, lv, inv, r, z, omega, c);
                ssorRow(s1 + m, lp, lc, lv, inv, r, z, omega, c);
                ssorRow(s2 + m, lp, lc, lv, inv, r, z, omega, c);
                ssorRow(s3 + m, lp, lc, lv, inv, r, z, omega, c);
            }
            for (int q = 0; q < 4; q++) {
                for (int i = start[b + q] + len, e = end[b + q]; i < e; i++) {
                    ssorRow(i, lp, lc, lv, inv, r, z, omega, c);
                }
            }
        }
        for (; b < hi; b++) {
            for (int i = start[b], e = end[b]; i < e; i++) {
                ssorRow(i, lp, lc, lv, inv, r, z, omega, c);
            }
        }
    }

    /** Backward SSOR row: {@code z_i = t_i - w sum uv z} (farthest column first); returns {@code r_i z_i}. */
    private static double ssorBackRow(int i, int[] up, int[] uc, double[] uv, double[] r, double[] z, double omega) {
        double s = 0.0;
        for (int k = up[i + 1] - 1, b = up[i]; k >= b; k--) {
            s += uv[k] * z[uc[k]];
        }
        double zi = z[i] - omega * s;
        z[i] = zi;
        return r[i] * zi;
    }

    /**
     * Backward half of natural SSOR, over blocks of one level, rows from last to first; returns its
     * share of {@code r . z}:
     * <pre>  z_i = t_i - w sum_{j>i} (a_ij / a_ii) z_j  </pre>
     * Bytes per row: 12 per entry + 4 + 16 (z) + 8 (r).
     */
    static double ssorBackward(int[] start, int[] end, int[] up, int[] uc, double[] uv, double[] r, double[] z,
                               double omega, int lo, int hi) {
        double d0 = 0.0;
        double d1 = 0.0;
        double d2 = 0.0;
        double d3 = 0.0;
        int b = hi - 1;
        for (; b - 3 >= lo; b -= 4) {
            int e0 = end[b];
            int e1 = end[b - 1];
            int e2 = end[b - 2];
            int e3 = end[b - 3];
            int len = Math.min(Math.min(e0 - start[b], e1 - start[b - 1]), Math.min(e2 - start[b - 2], e3 - start[b - 3]));
            for (int m = 1; m <= len; m++) {
                d0 += ssorBackRow(e0 - m, up, uc, uv, r, z, omega);
                d1 += ssorBackRow(e1 - m, up, uc, uv, r, z, omega);
                d2 += ssorBackRow(e2 - m, up, uc, uv, r, z, omega);
                d3 += ssorBackRow(e3 - m, up, uc, uv, r, z, omega);
            }
            for (int q = 0; q < 4; q++) {
                for (int i = end[b - q] - len - 1, s0 = start[b - q]; i >= s0; i--) {
                    d0 += ssorBackRow(i, up, uc, uv, r, z, omega);
                }
            }
        }
        for (; b >= lo; b--) {
            for (int i = end[b] - 1, s0 = start[b]; i >= s0; i--) {
                d0 += ssorBackRow(i, up, uc, uv, r, z, omega);
            }
        }
        return (d0 + d1) + (d2 + d3);
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
     * Natural SOR over the rows of blocks {@code [lo, hi)} of one level on a
     * {@link dev.solvent.backend.SplitMatrix}, each block's rows ascending, or (backward) blocks and
     * rows descending. Blocks run one after another: a stationary sweep is not worth the interleave.
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
