package dev.solvent.backend.cpu;

/**
 * The loops of {@link ParallelCpuBackend}, each over one worker's index range {@code [lo, hi)} of
 * raw arrays: static, final, no virtual calls and no allocation, so the JIT compiles each to a
 * tight loop and a benchmark sees exactly what runs.
 *
 * <p>Element-wise results are computed with the same expressions as the reference backend, so
 * they agree bit for bit (Java floating point is strict: no reassociation, no fused multiply-add).
 * Reductions split their range over four accumulators where the loop is otherwise bound by the
 * latency of the additions (dot, cgUpdate, diagonalScaleDot, the stencil's fused tails); their
 * order differs from the reference's single running sum, so they agree to rounding, and are
 * deterministic for a given split.
 */
final class CpuKernels {

    /** Operation codes of the operator kernels. */
    static final int APPLY = 0;
    static final int APPLY_DOT = 1;
    static final int RESIDUAL = 2;
    /** {@code y += alpha A x}. */
    static final int APPLY_ADD = 3;
    /** The smoother step {@code r = b - A x; d = c1 d + c2 dinv r; xOut = x + d}. */
    static final int SMOOTH = 4;

    private CpuKernels() {
    }

    // ---- vectors ---------------------------------------------------------------------------

    /** {@code x[i] = value}. */
    static void fill(double[] x, double value, int lo, int hi) {
        for (int i = lo; i < hi; i++) {
            x[i] = value;
        }
    }

    /** {@code dst[i] = src[i]}. */
    static void copy(double[] src, double[] dst, int lo, int hi) {
        System.arraycopy(src, lo, dst, lo, hi - lo);
    }

    /** {@code sum_i a[i] b[i]}. */
    static double dot(double[] a, double[] b, int lo, int hi) {
        double s0 = 0.0;
        double s1 = 0.0;
        double s2 = 0.0;
        double s3 = 0.0;
        int i = lo;
        int end4 = lo + ((hi - lo) & ~3);
        for (; i < end4; i += 4) {
            s0 += a[i] * b[i];
            s1 += a[i + 1] * b[i + 1];
            s2 += a[i + 2] * b[i + 2];
            s3 += a[i + 3] * b[i + 3];
        }
        for (; i < hi; i++) {
            s0 += a[i] * b[i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** {@code y[i] = y[i] + alpha x[i]}. */
    static void axpy(double alpha, double[] x, double[] y, int lo, int hi) {
        for (int i = lo; i < hi; i++) {
            y[i] += alpha * x[i];
        }
    }

    /** {@code x[i] = alpha x[i]}. */
    static void scale(double alpha, double[] x, int lo, int hi) {
        for (int i = lo; i < hi; i++) {
            x[i] *= alpha;
        }
    }

    /** cg.step1: {@code p[i] = z[i] + beta p[i]}. */
    static void cgDirection(double[] z, double beta, double[] p, int lo, int hi) {
        for (int i = lo; i < hi; i++) {
            p[i] = z[i] + beta * p[i];
        }
    }

    /**
     * cg.step2: {@code x[i] += alpha p[i]; r[i] -= alpha q[i]}; returns {@code sum_i r[i]^2} of the
     * updated r, in the same pass.
     */
    static double cgUpdate(double alpha, double[] p, double[] q, double[] x, double[] r, int lo, int hi) {
        double s0 = 0.0;
        double s1 = 0.0;
        double s2 = 0.0;
        double s3 = 0.0;
        int i = lo;
        int end4 = lo + ((hi - lo) & ~3);
        for (; i < end4; i += 4) {
            x[i] += alpha * p[i];
            x[i + 1] += alpha * p[i + 1];
            x[i + 2] += alpha * p[i + 2];
            x[i + 3] += alpha * p[i + 3];
            double r0 = r[i] - alpha * q[i];
            double r1 = r[i + 1] - alpha * q[i + 1];
            double r2 = r[i + 2] - alpha * q[i + 2];
            double r3 = r[i + 3] - alpha * q[i + 3];
            r[i] = r0;
            r[i + 1] = r1;
            r[i + 2] = r2;
            r[i + 3] = r3;
            s0 += r0 * r0;
            s1 += r1 * r1;
            s2 += r2 * r2;
            s3 += r3 * r3;
        }
        for (; i < hi; i++) {
            x[i] += alpha * p[i];
            double ri = r[i] - alpha * q[i];
            r[i] = ri;
            s0 += ri * ri;
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** Jacobi: {@code z[i] = d[i] r[i]}; returns {@code sum_i r[i] z[i]}. */
    static double diagonalScaleDot(double[] d, double[] r, double[] z, int lo, int hi) {
        double s0 = 0.0;
        double s1 = 0.0;
        double s2 = 0.0;
        double s3 = 0.0;
        int i = lo;
        int end4 = lo + ((hi - lo) & ~3);
        for (; i < end4; i += 4) {
            double z0 = d[i] * r[i];
            double z1 = d[i + 1] * r[i + 1];
            double z2 = d[i + 2] * r[i + 2];
            double z3 = d[i + 3] * r[i + 3];
            z[i] = z0;
            z[i + 1] = z1;
            z[i + 2] = z2;
            z[i + 3] = z3;
            s0 += r[i] * z0;
            s1 += r[i + 1] * z1;
            s2 += r[i + 2] * z2;
            s3 += r[i + 3] * z3;
        }
        for (; i < hi; i++) {
            double zi = d[i] * r[i];
            z[i] = zi;
            s0 += r[i] * zi;
        }
        return (s0 + s1) + (s2 + s3);
    }

    /**
     * The tail of a residual whose product {@code A x} is already in r: {@code r[i] = b[i] - r[i]};
     * returns {@code sum_i r[i]^2}.
     */
    static double subtractFromDot(double[] b, double[] r, int lo, int hi) {
        double s0 = 0.0;
        double s1 = 0.0;
        double s2 = 0.0;
        double s3 = 0.0;
        int i = lo;
        int end4 = lo + ((hi - lo) & ~3);
        for (; i < end4; i += 4) {
            double r0 = b[i] - r[i];
            double r1 = b[i + 1] - r[i + 1];
            double r2 = b[i + 2] - r[i + 2];
            double r3 = b[i + 3] - r[i + 3];
            r[i] = r0;
            r[i + 1] = r1;
            r[i + 2] = r2;
            r[i + 3] = r3;
            s0 += r0 * r0;
            s1 += r1 * r1;
            s2 += r2 * r2;
            s3 += r3 * r3;
        }
        for (; i < hi; i++) {
            double ri = b[i] - r[i];
            r[i] = ri;
            s0 += ri * ri;
        }
        return (s0 + s1) + (s2 + s3);
    }

    /**
     * The first step of a polynomial smoother from x = 0, where {@code r = b}:
     * {@code d[i] = c1 d[i] + c2 dinv[i] b[i]; xOut[i] = d[i]} (the old d unread when c1 = 0).
     */
    static void smootherStart(double[] b, double[] dinv, double c1, double c2, double[] d, double[] xOut,
                              int lo, int hi) {
        if (c1 == 0.0) {
            for (int i = lo; i < hi; i++) {
                double di = c2 * dinv[i] * b[i];
                d[i] = di;
                xOut[i] = di;
            }
        } else {
            for (int i = lo; i < hi; i++) {
                double di = c1 * d[i] + c2 * dinv[i] * b[i];
                d[i] = di;
                xOut[i] = di;
            }
        }
    }

    /**
     * The tail of a smoother step whose product {@code A x} is already in xOut:
     * {@code r = b[i] - xOut[i]; d[i] = c1 d[i] + c2 dinv[i] r; xOut[i] = x[i] + d[i]}.
     */
    static void smootherTail(double[] b, double[] x, double[] dinv, double c1, double c2, double[] d,
                             double[] xOut, int lo, int hi) {
        if (c1 == 0.0) {
            for (int i = lo; i < hi; i++) {
                double r = b[i] - xOut[i];
                double di = c2 * dinv[i] * r;
                d[i] = di;
                xOut[i] = x[i] + di;
            }
        } else {
            for (int i = lo; i < hi; i++) {
                double r = b[i] - xOut[i];
                double di = c1 * d[i] + c2 * dinv[i] * r;
                d[i] = di;
                xOut[i] = x[i] + di;
            }
        }
    }

    // ---- CSR ------------------------------------------------------------------------------

    /**
     * Rows {@code [lo, hi)} of {@code y = A x}: {@code y_i = sum_{k in row i} v[k] x[ci[k]]}, summed
     * in storage order from 0.0 exactly as {@link dev.solvent.matrix.CsrMatrix#apply} does.
     */
    static void csrApply(int[] rp, int[] ci, double[] v, double[] x, double[] y, int lo, int hi) {
        int k = rp[lo];
        for (int i = lo; i < hi; i++) {
            int end = rp[i + 1];
            double s = 0.0;
            for (; k < end; k++) {
                s += v[k] * x[ci[k]];
            }
            y[i] = s;
        }
    }

    /** Rows {@code [lo, hi)} of {@code q = A p}; returns {@code sum_i p_i q_i} over those rows. */
    static double csrApplyDot(int[] rp, int[] ci, double[] v, double[] p, double[] q, int lo, int hi) {
        double dot = 0.0;
        int k = rp[lo];
        for (int i = lo; i < hi; i++) {
            int end = rp[i + 1];
            double s = 0.0;
            for (; k < end; k++) {
                s += v[k] * p[ci[k]];
            }
            q[i] = s;
            dot += p[i] * s;
        }
        return dot;
    }

    /** Rows {@code [lo, hi)} of {@code r = b - A x}; returns {@code sum_i r_i^2} over those rows. */
    static double csrResidual(int[] rp, int[] ci, double[] v, double[] b, double[] x, double[] r, int lo, int hi) {
        double rr = 0.0;
        int k = rp[lo];
        for (int i = lo; i < hi; i++) {
            int end = rp[i + 1];
            double s = 0.0;
            for (; k < end; k++) {
                s += v[k] * x[ci[k]];
            }
            double ri = b[i] - s;
            r[i] = ri;
            rr += ri * ri;
        }
        return rr;
    }

    /** Rows {@code [lo, hi)} of {@code y = y + alpha A x} (A may be rectangular). */
    static void csrApplyAdd(int[] rp, int[] ci, double[] v, double alpha, double[] x, double[] y, int lo, int hi) {
        int k = rp[lo];
        for (int i = lo; i < hi; i++) {
            int end = rp[i + 1];
            double s = 0.0;
            for (; k < end; k++) {
                s += v[k] * x[ci[k]];
            }
            y[i] += alpha * s;
        }
    }

    /**
     * Rows {@code [lo, hi)} of one smoother step, the residual fused in (one pass over the matrix):
     * <pre>  r_i = b_i - (A x)_i;  d_i = c1 d_i + c2 dinv_i r_i;  xOut_i = x_i + d_i  </pre>
     */
    static void csrSmootherStep(int[] rp, int[] ci, double[] v, double[] b, double[] x, double[] dinv,
                                double c1, double c2, double[] d, double[] xOut, int lo, int hi) {
        int k = rp[lo];
        if (c1 == 0.0) {
            for (int i = lo; i < hi; i++) {
                int end = rp[i + 1];
                double s = 0.0;
                for (; k < end; k++) {
                    s += v[k] * x[ci[k]];
                }
                double di = c2 * dinv[i] * (b[i] - s);
                d[i] = di;
                xOut[i] = x[i] + di;
            }
            return;
        }
        for (int i = lo; i < hi; i++) {
            int end = rp[i + 1];
            double s = 0.0;
            for (; k < end; k++) {
                s += v[k] * x[ci[k]];
            }
            double di = c1 * d[i] + c2 * dinv[i] * (b[i] - s);
            d[i] = di;
            xOut[i] = x[i] + di;
        }
    }

    // ---- 7-point stencil ------------------------------------------------------------------

    /**
     * Grid lines {@code [line0, line1)} of the 7-point stencil, a line being the {@code nx} points
     * with fixed {@code (j, k)}, {@code line = j + ny k}, starting at unknown {@code nx * line}:
     * <pre>
     *   y_p = c x_p + wx (x_{p-1} + x_{p+1}) + wy (x_{p-nx} + x_{p+nx}) + wz (x_{p-nx ny} + x_{p+nx ny})
     * </pre>
     * with neighbours outside the grid dropped, in the same order of operations as
     * {@link dev.solvent.matrix.Stencil7Operator#applyPlanes}. After each line, still in L1 cache,
     * the mode's fused tail runs: {@link #APPLY_DOT} sums {@code x_p y_p}; {@link #RESIDUAL}
     * (with y holding r) sets {@code r_p = b_p - (A x)_p} and sums {@code r_p^2}. Returns that sum
     * (0 for {@link #APPLY}).
     */
    static double stencilLines(int mode, double[] x, double[] y, double[] b, int nx, int ny, int nz,
                               double c, double wx, double wy, double wz, int line0, int line1) {
        final int sy = nx;
        final int sz = nx * ny;
        double sum = 0.0;
        for (int line = line0; line < line1; line++) {
            int k = line / ny;
            int j = line - k * ny;
            int p0 = line * nx;
            boolean south = j > 0;
            boolean north = j < ny - 1;
            boolean down = k > 0;
            boolean up = k < nz - 1;
            if (south && north && down && up && nx >= 2) {
                interiorLine(x, y, p0, nx, sy, sz, c, wx, wy, wz);
            } else {
                boundaryLine(x, y, p0, nx, sy, sz, south, north, down, up, c, wx, wy, wz);
            }
            // The tails use four accumulators: a single running sum would make each line's
            // reduction a chain of nx dependent additions, as slow as the stencil itself.
            if (mode == APPLY_DOT) {
                sum += dot(x, y, p0, p0 + nx);
            } else if (mode == RESIDUAL) {
                sum += subtractFromDot(b, y, p0, p0 + nx);
            }
        }
        return sum;
    }

    /**
     * Grid lines {@code [line0, line1)} of a smoother step on the stencil: each line of
     * {@code A x} is computed into xOut (a different array from x) and, still in L1 cache, turned
     * into {@code d = c1 d + c2 dinv (b - A x); xOut = x + d} by {@link #smootherTail}.
     */
    static void stencilSmoothLines(double[] x, double[] b, double[] dinv, double c1, double c2, double[] d,
                                   double[] xOut, int nx, int ny, int nz, double c, double wx, double wy,
                                   double wz, int line0, int line1) {
        for (int line = line0; line < line1; line++) {
            stencilLines(APPLY, x, xOut, null, nx, ny, nz, c, wx, wy, wz, line, line + 1);
            int p0 = line * nx;
            smootherTail(b, x, dinv, c1, c2, d, xOut, p0, p0 + nx);
        }
    }

    /**
     * Grid lines {@code [line0, line1)} of {@code y = y + alpha A x} on the stencil, point by point
     * in the general (boundary) form: {@code A x} cannot be staged in y, which holds data.
     */
    static void stencilApplyAddLines(double[] x, double[] y, double alpha, int nx, int ny, int nz,
                                     double c, double wx, double wy, double wz, int line0, int line1) {
        final int sy = nx;
        final int sz = nx * ny;
        for (int line = line0; line < line1; line++) {
            int k = line / ny;
            int j = line - k * ny;
            int p0 = line * nx;
            for (int i = 0; i < nx; i++) {
                int p = p0 + i;
                double lr = 0.0;
                if (i > 0) {
                    lr += x[p - 1];
                }
                if (i < nx - 1) {
                    lr += x[p + 1];
                }
                double ns = 0.0;
                if (j > 0) {
                    ns += x[p - sy];
                }
                if (j < ny - 1) {
                    ns += x[p + sy];
                }
                double ud = 0.0;
                if (k > 0) {
                    ud += x[p - sz];
                }
                if (k < nz - 1) {
                    ud += x[p + sz];
                }
                y[p] += alpha * (c * x[p] + wx * lr + wy * ns + wz * ud);
            }
        }
    }

    /** A line with all four j/k neighbours present and {@code nx >= 2}: branch-free inner loop. */
    private static void interiorLine(double[] x, double[] y, int p0, int nx, int sy, int sz,
                                     double c, double wx, double wy, double wz) {
        int p = p0;
        y[p] = c * x[p] + wx * x[p + 1] + wy * (x[p - sy] + x[p + sy]) + wz * (x[p - sz] + x[p + sz]);
        int last = p0 + nx - 1;
        for (p = p0 + 1; p < last; p++) {
            y[p] = c * x[p] + wx * (x[p - 1] + x[p + 1]) + wy * (x[p - sy] + x[p + sy])
                    + wz * (x[p - sz] + x[p + sz]);
        }
        p = last;
        y[p] = c * x[p] + wx * x[p - 1] + wy * (x[p - sy] + x[p + sy]) + wz * (x[p - sz] + x[p + sz]);
    }

    /** A line on the grid's boundary (or a grid one point wide): the general per-point form. */
    private static void boundaryLine(double[] x, double[] y, int p0, int nx, int sy, int sz,
                                     boolean south, boolean north, boolean down, boolean up,
                                     double c, double wx, double wy, double wz) {
        for (int i = 0; i < nx; i++) {
            int p = p0 + i;
            double lr = 0.0;
            if (i > 0) {
                lr += x[p - 1];
            }
            if (i < nx - 1) {
                lr += x[p + 1];
            }
            double ns = 0.0;
            if (south) {
                ns += x[p - sy];
            }
            if (north) {
                ns += x[p + sy];
            }
            double ud = 0.0;
            if (down) {
                ud += x[p - sz];
            }
            if (up) {
                ud += x[p + sz];
            }
            y[p] = c * x[p] + wx * lr + wy * ns + wz * ud;
        }
    }
}
