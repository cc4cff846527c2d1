package dev.solvent.dcdm;

/**
 * The network's kernels, forward and backward, on channel-innermost feature maps
 * ({@code t[v * C + c]}, see {@link Shape}). Static, allocation-light, arrays in plain view.
 *
 * <p>Convolution is direct: for each output voxel, a register-sized accumulator over the output
 * channels is updated from each in-grid neighbour's input channels, weights stored
 * {@code w[(tap * Cin + cin) * Cout + cout]} so the innermost loop reads contiguous weights and
 * writes the contiguous accumulator (the JIT vectorises it). Work is split by contiguous x-lines
 * of the output (z-slabs in 3D) over the fixed pool of {@link Parallel}.
 *
 * <p>Taps are numbered {@code t = 9 (dz+1) + 3 (dy+1) + (dx+1)} in 3D and {@code 3 (dy+1) + (dx+1)}
 * in 2D, the row-major order of a PyTorch {@code [Cout][Cin][kz][ky][kx]} kernel.
 */
final class Layers {

    private Layers() {
    }

    /**
     * 3x3(x3) convolution with zero 'same' padding (cross-correlation, as in every deep-learning
     * framework):
     * <pre>
     *   out[v, o] = bias[o] + sum_{t = (dx,dy,dz)} sum_c w[t, c, o] * in[v + (dx,dy,dz), c]
     * </pre>
     * where {@code in} is zero outside the grid; then {@code out = max(out, 0)} when {@code relu}.
     * Overwrites {@code out}. {@code bias} may be null (zero). Input voxels that are exactly zero
     * are skipped (the network's input is zero on every non-fluid cell).
     */
    static void conv(Shape s, float[] in, int ci, float[] w, float[] bias, int co, float[] out, boolean relu) {
        final int nx = s.nx();
        final int ny = s.ny();
        final int nz = s.nz();
        final boolean three = s.dims() == 3;
        Parallel.forChunks(s.rows(), 1, (chunk, from, to) -> {
            float[] acc = new float[co];
            for (int row = from; row < to; row++) {
                int y = row % ny;
                int z = row / ny;
                int z0 = three ? Math.max(-1, -z) : 0;
                int z1 = three ? Math.min(1, nz - 1 - z) : 0;
                int y0 = Math.max(-1, -y);
                int y1 = Math.min(1, ny - 1 - y);
                for (int x = 0; x < nx; x++) {
                    int v = x + nx * row;
                    if (bias != null) {
                        System.arraycopy(bias, 0, acc, 0, co);
                    } else {
                        java.util.Arrays.fill(acc, 0f);
                    }
                    int x0 = Math.max(-1, -x);
                    int x1 = Math.min(1, nx - 1 - x);
                    for (int dz = z0; dz <= z1; dz++) {
                        for (int dy = y0; dy <= y1; dy++) {
                            int tRow = (three ? 9 * (dz + 1) : 0) + 3 * (dy + 1) + 1;
                            int nbRow = v + nx * (dy + ny * dz);
                            for (int dx = x0; dx <= x1; dx++) {
                                int ib = (nbRow + dx) * ci;
                                int wb = (tRow + dx) * ci * co;
                                for (int c = 0; c < ci; c++) {
                                    float xv = in[ib + c];
                                    if (xv == 0f) {
                                        continue;
                                    }
                                    int wc = wb + c * co;
                                    for (int o = 0; o < co; o++) {
                                        acc[o] += xv * w[wc + o];
                                    }
                                }
                            }
                        }
                    }
                    int ob = v * co;
                    if (relu) {
                        for (int o = 0; o < co; o++) {
                            out[ob + o] = Math.max(acc[o], 0f);
                        }
                    } else {
                        System.arraycopy(acc, 0, out, ob, co);
                    }
                }
            }
        });
    }

    /**
     * The weights of the adjoint convolution: {@code wt[t', o, c] = w[flip(t'), c, o]} with
     * {@code flip} negating the offset ({@code flip(t) = T - 1 - t}). Then
     * {@code conv(g, Cout, wt, null, Cin)} computes the input gradient
     * <pre>
     *   gin[v, c] = sum_t sum_o w[t, c, o] * g[v - off(t), o]
     * </pre>
     * since {@code in[v]} reaches {@code out[v - off(t)]} through tap t.
     */
    static float[] adjointWeights(int taps, int ci, int co, float[] w) {
        float[] wt = new float[w.length];
        for (int t = 0; t < taps; t++) {
            int f = taps - 1 - t;
            for (int c = 0; c < ci; c++) {
                for (int o = 0; o < co; o++) {
                    wt[(t * co + o) * ci + c] = w[(f * ci + c) * co + o];
                }
            }
        }
        return wt;
    }

    /**
     * Weight and bias gradients of {@link #conv}, ADDED to {@code gw} and {@code gb} (so a batch
     * accumulates):
     * <pre>
     *   gw[t, c, o] += sum_v in[v + off(t), c] * g[v, o]        gb[o] += sum_v g[v, o]
     * </pre>
     * where {@code g} is the gradient at the convolution's output (after the ReLU mask). Each
     * chunk sums into its own partial array, reduced at the end, so there is no sharing.
     */
    static void convWeightGrad(Shape s, float[] in, int ci, float[] g, int co, float[] gw, float[] gb) {
        final int nx = s.nx();
        final int ny = s.ny();
        final int nz = s.nz();
        final boolean three = s.dims() == 3;
        int chunks = Parallel.threads();
        float[][] partW = new float[chunks][];
        float[][] partB = new float[chunks][];
        Parallel.forChunks(s.rows(), 1, (chunk, from, to) -> {
            float[] pw = new float[gw.length];
            float[] pb = new float[co];
            for (int row = from; row < to; row++) {
                int y = row % ny;
                int z = row / ny;
                int z0 = three ? Math.max(-1, -z) : 0;
                int z1 = three ? Math.min(1, nz - 1 - z) : 0;
                int y0 = Math.max(-1, -y);
                int y1 = Math.min(1, ny - 1 - y);
                for (int x = 0; x < nx; x++) {
                    int v = x + nx * row;
                    int gb0 = v * co;
                    for (int o = 0; o < co; o++) {
                        pb[o] += g[gb0 + o];
                    }
                    int x0 = Math.max(-1, -x);
                    int x1 = Math.min(1, nx - 1 - x);
                    for (int dz = z0; dz <= z1; dz++) {
                        for (int dy = y0; dy <= y1; dy++) {
                            int tRow = (three ? 9 * (dz + 1) : 0) + 3 * (dy + 1) + 1;
                            int nbRow = v + nx * (dy + ny * dz);
                            for (int dx = x0; dx <= x1; dx++) {
                                int ib = (nbRow + dx) * ci;
                                int wb = (tRow + dx) * ci * co;
                                for (int c = 0; c < ci; c++) {
                                    float xv = in[ib + c];
                                    if (xv == 0f) {
                                        continue;
                                    }
                                    int wc = wb + c * co;
                                    for (int o = 0; o < co; o++) {
                                        pw[wc + o] += xv * g[gb0 + o];
                                    }
                                }
                            }
                        }
                    }
                }
            }
            partW[chunk] = pw;
            partB[chunk] = pb;
        });
        for (int k = 0; k < chunks; k++) {
            if (partW[k] == null) {
                continue;
            }
            float[] pw = partW[k];
            for (int i = 0; i < gw.length; i++) {
                gw[i] += pw[i];
            }
            float[] pb = partB[k];
            for (int o = 0; o < co; o++) {
                gb[o] += pb[o];
            }
        }
    }

    /**
     * 2x average pooling (2x2x2 in 3D, 2x2 in 2D), overwriting {@code out} on the coarse grid:
     * <pre>
     *   out[V, c] = (1 / 2^d) sum over the children v of V of in[v, c]
     * </pre>
     */
    static void avgPool(Shape fine, float[] in, int ch, float[] out) {
        Shape coarse = fine.coarse();
        int cx = coarse.nx();
        int cy = coarse.ny();
        int dz = fine.dims() == 3 ? 2 : 1;
        float scale = fine.dims() == 3 ? 0.125f : 0.25f;
        Parallel.forChunks(coarse.rows(), 4, (chunk, from, to) -> {
            for (int row = from; row < to; row++) {
                int Y = row % cy;
                int Z = row / cy;
                for (int X = 0; X < cx; X++) {
                    int ob = (X + cx * row) * ch;
                    for (int c = 0; c < ch; c++) {
                        out[ob + c] = 0f;
                    }
                    for (int k = 0; k < dz; k++) {
                        for (int j = 0; j < 2; j++) {
                            for (int i = 0; i < 2; i++) {
                                int v = (2 * X + i) + fine.nx() * ((2 * Y + j) + fine.ny() * (dz * Z + k));
                                int ib = v * ch;
                                for (int c = 0; c < ch; c++) {
                                    out[ob + c] += in[ib + c];
                                }
                            }
                        }
                    }
                    for (int c = 0; c < ch; c++) {
                        out[ob + c] *= scale;
                    }
                }
            }
        });
    }

    /**
     * Adjoint of {@link #avgPool}: {@code gin[v, c] = gout[parent(v), c] / 2^d}, ADDED to {@code gin}.
     */
    static void avgPoolBackward(Shape fine, float[] gout, int ch, float[] gin) {
        float scale = fine.dims() == 3 ? 0.125f : 0.25f;
        Shape coarse = fine.coarse();
        spread(fine, coarse, gout, ch, gin, scale);
    }

    /**
     * 2x nearest-neighbour upsampling from the coarse grid, overwriting {@code out} on the fine one:
     * {@code out[v, c] = in[parent(v), c]}, parent {@code (x/2, y/2, z/2)}.
     */
    static void upsample(Shape fine, float[] in, int ch, float[] out) {
        java.util.Arrays.fill(out, 0, fine.voxels() * ch, 0f);
        spread(fine, fine.coarse(), in, ch, out, 1f);
    }

    /** {@code fineOut[v, c] += scale * coarseIn[parent(v), c]}. */
    private static void spread(Shape fine, Shape coarse, float[] coarseIn, int ch, float[] fineOut, float scale) {
        int nx = fine.nx();
        int ny = fine.ny();
        int cx = coarse.nx();
        int cy = coarse.ny();
        boolean three = fine.dims() == 3;
        Parallel.forChunks(fine.rows(), 8, (chunk, from, to) -> {
            for (int row = from; row < to; row++) {
                int y = row % ny;
                int z = row / ny;
                int crow = (y / 2) + cy * (three ? z / 2 : 0);
                for (int x = 0; x < nx; x++) {
                    int ob = (x + nx * row) * ch;
                    int ib = (x / 2 + cx * crow) * ch;
                    for (int c = 0; c < ch; c++) {
                        fineOut[ob + c] += scale * coarseIn[ib + c];
                    }
                }
            }
        });
    }

    /**
     * Adjoint of {@link #upsample}, overwriting {@code gin} on the coarse grid:
     * {@code gin[V, c] = sum over the children v of V of gout[v, c]} (average pooling times 2^d).
     */
    static void upsampleBackward(Shape fine, float[] gout, int ch, float[] gin) {
        avgPool(fine, gout, ch, gin);
        float scale = fine.dims() == 3 ? 8f : 4f;
        int n = fine.coarse().voxels() * ch;
        for (int i = 0; i < n; i++) {
            gin[i] *= scale;
        }
    }

    /** 1x1 head: {@code y[v] = b + sum_c w[c] u[v, c]}, overwriting y. */
    static void head(Shape s, float[] u, int ch, float[] w, float b, float[] y) {
        Parallel.forChunks(s.voxels(), 4096, (chunk, from, to) -> {
            for (int v = from; v < to; v++) {
                float acc = b;
                int ub = v * ch;
                for (int c = 0; c < ch; c++) {
                    acc += w[c] * u[ub + c];
                }
                y[v] = acc;
            }
        });
    }

    /**
     * Gradients of {@link #head}: {@code gu[v, c] = w[c] gy[v]} (overwritten),
     * {@code gw[c] += sum_v u[v, c] gy[v]}, and the bias gradient {@code sum_v gy[v]} returned.
     */
    static float headBackward(Shape s, float[] u, int ch, float[] w, float[] gy, float[] gu, float[] gw) {
        int n = s.voxels();
        double[] sw = new double[ch];
        double sb = 0;
        for (int v = 0; v < n; v++) {
            float g = gy[v];
            sb += g;
            int ub = v * ch;
            for (int c = 0; c < ch; c++) {
                gu[ub + c] = w[c] * g;
                sw[c] += (double) u[ub + c] * g;
            }
        }
        for (int c = 0; c < ch; c++) {
            gw[c] += (float) sw[c];
        }
        return (float) sb;
    }

    /**
     * ReLU backward, in place: {@code g[i] = 0} where the ReLU's output {@code out[i]} is 0 (the
     * derivative of max(z, 0) is 1 for z > 0 and 0 for z < 0; at z = 0 we take 0).
     */
    static void reluMask(float[] out, float[] g, int n) {
        for (int i = 0; i < n; i++) {
            if (!(out[i] > 0f)) {
                g[i] = 0f;
            }
        }
    }

    /** Residual addition {@code a += b} (its backward passes the gradient to both terms unchanged). */
    static void addInto(float[] a, float[] b, int n) {
        for (int i = 0; i < n; i++) {
            a[i] += b[i];
        }
    }
}
