package dev.solvent.dcdm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Kernels against plain reference loops and hand-computed values, and every backward kernel
 * against central finite differences of a scalar {@code L = sum_i w_i out_i} with random w. The
 * layers are linear (or piecewise linear away from kinks) in what is perturbed, so central
 * differences are exact up to float rounding; tolerances allow for that rounding only.
 */
class LayersTest {

    private static float[] random(Random rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) rnd.nextGaussian();
        }
        return a;
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }

    /** Obviously-right convolution: explicit bounds test for every tap. */
    private static float[] naiveConv(Shape s, float[] in, int ci, float[] w, float[] bias, int co) {
        float[] out = new float[s.voxels() * co];
        int dzMax = s.dims() == 3 ? 1 : 0;
        for (int z = 0; z < s.nz(); z++) {
            for (int y = 0; y < s.ny(); y++) {
                for (int x = 0; x < s.nx(); x++) {
                    for (int o = 0; o < co; o++) {
                        double acc = bias == null ? 0 : bias[o];
                        for (int dz = -dzMax; dz <= dzMax; dz++) {
                            for (int dy = -1; dy <= 1; dy++) {
                                for (int dx = -1; dx <= 1; dx++) {
                                    int xx = x + dx;
                                    int yy = y + dy;
                                    int zz = z + dz;
                                    if (xx < 0 || yy < 0 || zz < 0 || xx >= s.nx() || yy >= s.ny() || zz >= s.nz()) {
                                        continue;
                                    }
                                    int t = (s.dims() == 3 ? 9 * (dz + 1) : 0) + 3 * (dy + 1) + (dx + 1);
                                    int v = xx + s.nx() * (yy + s.ny() * zz);
                                    for (int c = 0; c < ci; c++) {
                                        acc += in[v * ci + c] * w[(t * ci + c) * co + o];
                                    }
                                }
                            }
                        }
                        out[(x + s.nx() * (y + s.ny() * z)) * co + o] = (float) acc;
                    }
                }
            }
        }
        return out;
    }

    @Test
    void convMatchesNaiveLoopsIn3dAnd2d() {
        Random rnd = new Random(1);
        for (Shape s : new Shape[] {Shape.of3d(5, 4, 3), Shape.of2d(6, 5)}) {
            int ci = 3;
            int co = 4;
            float[] in = random(rnd, s.voxels() * ci);
            float[] w = random(rnd, s.taps() * ci * co);
            float[] b = random(rnd, co);
            float[] out = new float[s.voxels() * co];
            Layers.conv(s, in, ci, w, b, co, out, false);
            float[] expect = naiveConv(s, in, ci, w, b, co);
            for (int i = 0; i < out.length; i++) {
                assertEquals(expect[i], out[i], 1e-4, "entry " + i + " on " + s);
            }
        }
    }

    @Test
    void convOfAnImpulseAtACornerKeepsOnlyTheInGridTaps() {
        // 3x3x3 grid, one channel, input 1 at voxel (0,0,0), all weights = tap index + 1, bias 0.5.
        // Output at (x,y,z) reads input at (x,y,z) + off(t), so only voxels with off(t) = -(x,y,z)
        // see the impulse: output(x,y,z) = 0.5 + (index of offset (-x,-y,-z)) + 1 for x,y,z in {0,1}.
        Shape s = Shape.of3d(3, 3, 3);
        float[] in = new float[27];
        in[0] = 1f;
        float[] w = new float[27];
        for (int t = 0; t < 27; t++) {
            w[t] = t + 1;
        }
        float[] out = new float[27];
        Layers.conv(s, in, 1, w, new float[] {0.5f}, 1, out, false);
        assertEquals(0.5f + 14f, out[0], 0f);                 // offset (0,0,0): t = 13
        assertEquals(0.5f + 13f, out[1], 0f);                 // voxel (1,0,0) needs dx = -1: t = 12
        assertEquals(0.5f + 11f, out[3], 0f);                 // voxel (0,1,0) needs dy = -1: t = 10
        assertEquals(0.5f + 5f, out[9], 0f);                  // voxel (0,0,1) needs dz = -1: t = 4
        assertEquals(0.5f + 1f, out[13], 0f);                 // voxel (1,1,1): t = 0
        assertEquals(0.5f, out[2], 0f);                       // (2,0,0) is out of reach
    }

    @Test
    void convWeightAndInputGradientsMatchFiniteDifferences() {
        Random rnd = new Random(2);
        for (Shape s : new Shape[] {Shape.of3d(4, 3, 4), Shape.of2d(5, 4)}) {
            int ci = 2;
            int co = 3;
            float[] in = random(rnd, s.voxels() * ci);
            float[] w = random(rnd, s.taps() * ci * co);
            float[] b = random(rnd, co);
            float[] wout = random(rnd, s.voxels() * co);
            float[] gw = new float[w.length];
            float[] gb = new float[co];
            Layers.convWeightGrad(s, in, ci, wout, co, gw, gb);
            float[] gin = new float[in.length];
            Layers.conv(s, wout, co, Layers.adjointWeights(s.taps(), ci, co, w), null, ci, gin, false);
            float[] out = new float[s.voxels() * co];
            float eps = 0.05f;
            for (int trial = 0; trial < 25; trial++) {
                int k = rnd.nextInt(w.length);
                float keep = w[k];
                w[k] = keep + eps;
                Layers.conv(s, in, ci, w, b, co, out, false);
                double lp = dot(wout, out);
                w[k] = keep - eps;
                Layers.conv(s, in, ci, w, b, co, out, false);
                double lm = dot(wout, out);
                w[k] = keep;
                assertEquals((lp - lm) / (2 * eps), gw[k], 2e-3 * (1 + Math.abs(gw[k])), "dL/dw[" + k + "] on " + s);

                int m = rnd.nextInt(in.length);
                keep = in[m];
                in[m] = keep + eps;
                Layers.conv(s, in, ci, w, b, co, out, false);
                lp = dot(wout, out);
                in[m] = keep - eps;
                Layers.conv(s, in, ci, w, b, co, out, false);
                lm = dot(wout, out);
                in[m] = keep;
                assertEquals((lp - lm) / (2 * eps), gin[m], 2e-3 * (1 + Math.abs(gin[m])), "dL/din[" + m + "] on " + s);
            }
            for (int o = 0; o < co; o++) {
                double sum = 0;
                for (int v = 0; v < s.voxels(); v++) {
                    sum += wout[v * co + o];
                }
                assertEquals(sum, gb[o], 1e-4 * (1 + Math.abs(sum)), "bias gradient is the sum of the output gradient");
            }
        }
    }

    @Test
    void averagePoolingByHandAndItsGradient() {
        Shape s = Shape.of2d(4, 2);
        // channel 0 = voxel number, channel 1 = 1
        float[] in = new float[8 * 2];
        for (int v = 0; v < 8; v++) {
            in[2 * v] = v;
            in[2 * v + 1] = 1;
        }
        float[] out = new float[2 * 2];
        Layers.avgPool(s, in, 2, out);
        assertEquals((0 + 1 + 4 + 5) / 4f, out[0], 0f);
        assertEquals(1f, out[1], 0f);
        assertEquals((2 + 3 + 6 + 7) / 4f, out[2], 0f);

        Random rnd = new Random(3);
        for (Shape f : new Shape[] {Shape.of3d(4, 6, 2), Shape.of2d(6, 4)}) {
            int ch = 3;
            float[] x = random(rnd, f.voxels() * ch);
            float[] wout = random(rnd, f.coarse().voxels() * ch);
            float[] gin = new float[x.length];
            Layers.avgPoolBackward(f, wout, ch, gin);
            float[] o = new float[wout.length];
            for (int trial = 0; trial < 20; trial++) {
                int k = rnd.nextInt(x.length);
                float keep = x[k];
                x[k] = keep + 0.1f;
                Layers.avgPool(f, x, ch, o);
                double lp = dot(wout, o);
                x[k] = keep - 0.1f;
                Layers.avgPool(f, x, ch, o);
                double lm = dot(wout, o);
                x[k] = keep;
                assertEquals((lp - lm) / 0.2, gin[k], 1e-4, "pool gradient at " + k + " on " + f);
            }
        }
    }

    @Test
    void upsamplingCopiesParentsAndItsGradientSumsChildren() {
        Shape fine = Shape.of3d(4, 2, 2);
        float[] coarse = {1f, 2f};           // coarse grid 2x1x1, one channel
        float[] out = new float[16];
        Layers.upsample(fine, coarse, 1, out);
        for (int v = 0; v < 16; v++) {
            int x = v % 4;
            assertEquals(x < 2 ? 1f : 2f, out[v], 0f, "voxel " + v);
        }
        Random rnd = new Random(4);
        for (Shape f : new Shape[] {Shape.of3d(4, 4, 6), Shape.of2d(4, 6)}) {
            int ch = 2;
            float[] x = random(rnd, f.coarse().voxels() * ch);
            float[] wout = random(rnd, f.voxels() * ch);
            float[] gin = new float[x.length];
            Layers.upsampleBackward(f, wout, ch, gin);
            float[] o = new float[wout.length];
            for (int trial = 0; trial < 20; trial++) {
                int k = rnd.nextInt(x.length);
                float keep = x[k];
                x[k] = keep + 0.1f;
                Layers.upsample(f, x, ch, o);
                double lp = dot(wout, o);
                x[k] = keep - 0.1f;
                Layers.upsample(f, x, ch, o);
                double lm = dot(wout, o);
                x[k] = keep;
                assertEquals((lp - lm) / 0.2, gin[k], 1e-4, "upsample gradient at " + k + " on " + f);
            }
        }
    }

    @Test
    void headGradientsMatchFiniteDifferences() {
        Random rnd = new Random(5);
        Shape s = Shape.of3d(3, 2, 2);
        int ch = 4;
        float[] u = random(rnd, s.voxels() * ch);
        float[] w = random(rnd, ch);
        float b = 0.3f;
        float[] wout = random(rnd, s.voxels());
        float[] gu = new float[u.length];
        float[] gw = new float[ch];
        float gb = Layers.headBackward(s, u, ch, w, wout, gu, gw);
        float[] y = new float[s.voxels()];
        float eps = 0.1f;
        for (int c = 0; c < ch; c++) {
            float keep = w[c];
            w[c] = keep + eps;
            Layers.head(s, u, ch, w, b, y);
            double lp = dot(wout, y);
            w[c] = keep - eps;
            Layers.head(s, u, ch, w, b, y);
            double lm = dot(wout, y);
            w[c] = keep;
            assertEquals((lp - lm) / (2 * eps), gw[c], 1e-4, "dL/dw[" + c + "]");
        }
        for (int k = 0; k < u.length; k += 3) {
            float keep = u[k];
            u[k] = keep + eps;
            Layers.head(s, u, ch, w, b, y);
            double lp = dot(wout, y);
            u[k] = keep - eps;
            Layers.head(s, u, ch, w, b, y);
            double lm = dot(wout, y);
            u[k] = keep;
            assertEquals((lp - lm) / (2 * eps), gu[k], 1e-4, "dL/du[" + k + "]");
        }
        Layers.head(s, u, ch, w, b + eps, y);
        double lp = dot(wout, y);
        Layers.head(s, u, ch, w, b - eps, y);
        double lm = dot(wout, y);
        assertEquals((lp - lm) / (2 * eps), gb, 1e-4, "dL/db");
    }

    @Test
    void reluGradientAwayFromTheKinkMatchesFiniteDifferences() {
        Random rnd = new Random(6);
        int n = 200;
        float[] z = new float[n];
        for (int i = 0; i < n; i++) {
            float m = 0.2f + rnd.nextFloat();
            z[i] = rnd.nextBoolean() ? m : -m;       // at least 0.2 away from the kink at 0
        }
        float[] wout = random(rnd, n);
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = Math.max(z[i], 0f);
        }
        float[] g = wout.clone();
        Layers.reluMask(out, g, n);
        float eps = 0.05f;
        for (int i = 0; i < n; i++) {
            double lp = wout[i] * Math.max(z[i] + eps, 0f);
            double lm = wout[i] * Math.max(z[i] - eps, 0f);
            assertEquals((lp - lm) / (2 * eps), g[i], 1e-5, "relu gradient at " + i + " (z = " + z[i] + ")");
        }
    }

    @Test
    void reluConvolutionClampsNegatives() {
        Shape s = Shape.of2d(2, 2);
        float[] in = {1f, 1f, 1f, 1f};
        float[] w = new float[9];
        w[4] = -2f; // centre tap only
        float[] out = new float[4];
        Layers.conv(s, in, 1, w, new float[] {1f}, 1, out, true);
        for (float v : out) {
            assertEquals(0f, v, 0f, "1 + (-2) * 1 = -1 clamps to 0");
        }
        Layers.conv(s, in, 1, w, new float[] {3f}, 1, out, true);
        for (float v : out) {
            assertEquals(1f, v, 0f);
        }
    }

    @Test
    void oddGridsCannotBePooled() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Shape.of3d(4, 5, 4).coarse());
        assertTrue(e.getMessage().contains("even"), e.getMessage());
    }
}
