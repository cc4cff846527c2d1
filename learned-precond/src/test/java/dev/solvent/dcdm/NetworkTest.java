package dev.solvent.dcdm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solvent.gen.Generators;
import dev.solvent.matrix.CsrMatrix;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The assembled network: size, shape rules, and its backward pass against finite differences. */
class NetworkTest {

    @Test
    void paperLayoutHasThePapersParameterCount() {
        // 97,457 for the 64^3 model: 448 (first conv) + 14 x 6,928 (16->16 convs) + 17 (head).
        assertEquals(97_457, DcdmArchitecture.paper(3).parameterCount());
        assertEquals(448 + 14L * 6928 + 17, DcdmArchitecture.paper(3).parameterCount());
        // 2D: 3x3 kernels: 16*9+16 + 14*(16*16*9+16) + 17
        assertEquals(160 + 14L * 2320 + 17, DcdmArchitecture.paper(2).parameterCount());
    }

    @Test
    void fullyConvolutionalOnAnyEvenGridAndRejectsOddOnes() {
        DcdmNetwork net = DcdmNetwork.random(new DcdmArchitecture(3, 2, 1, 1, 1), 1);
        assertEquals(4 * 6 * 8, net.forward(Shape.of3d(4, 6, 8), new float[4 * 6 * 8]).length);
        assertEquals(2 * 2 * 2, net.forward(Shape.of3d(2, 2, 2), new float[8]).length);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> net.forward(Shape.of3d(4, 5, 4), new float[80]));
        assertTrue(e.getMessage().contains("even"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> net.forward(Shape.of2d(4, 4), new float[16]));
        assertTrue(e.getMessage().contains("3D"), e.getMessage());
    }

    @Test
    void automaticLevelsFollowTheGridWithTheSameParameters() {
        DcdmArchitecture ml = DcdmArchitecture.multilevel(3, 2, 1, 1, 1, 1);
        assertEquals(2, ml.levelsOn(Shape.of3d(16, 16, 16)));
        assertEquals(3, ml.levelsOn(Shape.of3d(32, 32, 32)));
        assertEquals(4, ml.levelsOn(Shape.of3d(64, 64, 64)));
        assertEquals(2, ml.levelsOn(Shape.of3d(24, 16, 20)), "20 -> 10 -> 5 cannot pool a third time");
        assertEquals(1, ml.levelsOn(Shape.of3d(6, 6, 6)));
        DcdmNetwork net = DcdmNetwork.random(ml, 3);
        assertEquals(net.parameterCount(), DcdmNetwork.random(ml, 4).parameterCount());
        float[] x = new float[32 * 32 * 32];
        x[5 + 32 * (7 + 32 * 9)] = 1f;
        float[] y = net.forward(Shape.of3d(32, 32, 32), x);
        // a three-level network reaches far: the impulse's response is nonzero at the far corner's block
        assertTrue(Math.abs(y[31 + 32 * (31 + 32 * 31)] - y[0]) > 0 || y[31 + 32 * (31 + 32 * 31)] != 0f);
        DcdmArchitecture fixed = new DcdmArchitecture(3, 2, 1, 1, 1, 1, 3, 4.0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> fixed.levelsOn(Shape.of3d(16, 16, 12)));
        assertTrue(e.getMessage().contains("divisible by 8"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new DcdmArchitecture(3, 2, 1, 1, 1, 1, 1, 1.0));
        assertTrue(e.getMessage().contains("mid blocks"), e.getMessage());
    }

    @Test
    void zeroWeightsGiveTheHeadBias() {
        DcdmNetwork net = DcdmNetwork.random(new DcdmArchitecture(2, 3, 1, 1, 1), 1);
        for (int i = 0; i < net.parameterTensors(); i++) {
            java.util.Arrays.fill(net.param(i), 0f);
        }
        net.param("head.bias")[0] = 0.25f;
        float[] y = net.forward(Shape.of2d(4, 4), new float[16]);
        for (float v : y) {
            assertEquals(0.25f, v, 0f);
        }
    }

    /**
     * For every parameter tensor, a few entries: central difference of L = sum w_i y_i against the
     * backward pass. Covers the wiring: residual additions, skip connection, pooling and
     * upsampling inside the network. ReLU kinks can be crossed by a perturbation with tiny
     * probability; the tolerance is on the scale of each tensor's gradient.
     */
    @Test
    void backwardMatchesFiniteDifferencesForEveryTensor3dAnd2d() {
        for (int dims = 2; dims <= 3; dims++) {
            checkGradients(new DcdmArchitecture(dims, 3, 1, 1, 1), dims == 3 ? Shape.of3d(4, 4, 4) : Shape.of2d(6, 4), 10 + dims, 1e-3f);
        }
    }

    /**
     * The multilevel layout, gain 4 on every upsampling: 3D with two levels on 4x4x8, and 2D with
     * three levels on 16x16, where the shared mid weights collect gradients from two levels. Grids
     * stay small so few ReLU kinks are within reach of a perturbation.
     */
    @Test
    void multilevelBackwardMatchesFiniteDifferences() {
        checkGradients(new DcdmArchitecture(3, 3, 1, 1, 1, 1, 2, 4.0), Shape.of3d(4, 4, 8), 31, 1e-3f);
        checkGradients(new DcdmArchitecture(2, 3, 1, 1, 1, 1, 3, 4.0), Shape.of2d(16, 16), 32, 1e-3f);
    }

    private static void checkGradients(DcdmArchitecture arch, Shape s, long seed, float eps) {
        {
            int dims = arch.dimensions();
            Random rnd = new Random(seed);
            DcdmNetwork net = DcdmNetwork.random(arch, 7);
            for (int i = 0; i < net.parameterTensors(); i++) {
                float[] p = net.param(i);
                if (net.paramName(i).endsWith(".bias")) {
                    for (int k = 0; k < p.length; k++) {
                        p[k] = (float) (0.1 * rnd.nextGaussian());
                    }
                }
            }
            float[] x = new float[s.voxels()];
            for (int v = 0; v < x.length; v++) {
                x[v] = (float) rnd.nextGaussian();
            }
            float[] wout = new float[s.voxels()];
            for (int v = 0; v < wout.length; v++) {
                wout[v] = (float) rnd.nextGaussian();
            }
            DcdmNetwork.Trace trace = new DcdmNetwork.Trace();
            net.forward(s, x, trace);
            float[][] g = net.newGradients();
            net.backward(trace, wout, g);
            for (int i = 0; i < net.parameterTensors(); i++) {
                float[] p = net.param(i);
                double scale = 0;
                for (float v : g[i]) {
                    scale = Math.max(scale, Math.abs(v));
                }
                assertTrue(scale > 0, net.paramName(i) + " has an all-zero gradient");
                // An entry whose central differences at eps and eps/2 disagree by more than the
                // tolerance has a ReLU kink within reach: it says nothing about the backward pass, so
                // another entry is drawn. Four clean entries per tensor are required.
                int clean = 0;
                for (int trial = 0; trial < 40 && clean < 4; trial++) {
                    int k = rnd.nextInt(p.length);
                    double fd = centralDifference(net, s, x, wout, p, k, eps);
                    double fdHalf = centralDifference(net, s, x, wout, p, k, eps / 2);
                    double tol = 2e-2 * scale + 1e-4;
                    if (Math.abs(fd - fdHalf) > tol / 2) {
                        continue;
                    }
                    clean++;
                    assertEquals(fdHalf, g[i][k], tol,
                            dims + "D " + net.paramName(i) + "[" + k + "]: finite difference " + fdHalf + ", backward " + g[i][k]);
                }
                assertEquals(4, clean, net.paramName(i) + ": too few entries away from ReLU kinks");
            }
        }
    }

    private static double centralDifference(DcdmNetwork net, Shape s, float[] x, float[] wout, float[] p, int k, float eps) {
        float keep = p[k];
        p[k] = keep + eps;
        double lp = dot(wout, net.forward(s, x));
        p[k] = keep - eps;
        double lm = dot(wout, net.forward(s, x));
        p[k] = keep;
        return (lp - lm) / (2 * eps);
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }

    @Test
    void lossIsScaleInvariantZeroForTheExactSolveAndItsGradientMatchesFiniteDifferences() {
        CsrMatrix a = Generators.poisson3d(4).matrix();
        int n = a.rows();
        Random rnd = new Random(3);
        double[] b = new double[n];
        double norm = 0;
        for (int i = 0; i < n; i++) {
            b[i] = rnd.nextGaussian();
            norm += b[i] * b[i];
        }
        for (int i = 0; i < n; i++) {
            b[i] /= Math.sqrt(norm);
        }
        double[] ab = new double[n];
        a.apply(b, ab);
        double[] f = new double[n];
        for (int i = 0; i < n; i++) {
            f[i] = rnd.nextGaussian();
        }
        double[] grad = new double[n];
        double l = DcdmLoss.lossAndGradient(a, b, ab, f, grad);
        assertTrue(l > 0 && l < 1, "a random f leaves part of b: " + l);
        double[] f3 = f.clone();
        for (int i = 0; i < n; i++) {
            f3[i] *= -3.0;
        }
        assertEquals(l, DcdmLoss.lossAndGradient(a, b, ab, f3, null), 1e-12, "scale invariance");
        double eps = 1e-6;
        for (int k = 0; k < n; k += 5) {
            double keep = f[k];
            f[k] = keep + eps;
            double lp = DcdmLoss.lossAndGradient(a, b, ab, f, null);
            f[k] = keep - eps;
            double lm = DcdmLoss.lossAndGradient(a, b, ab, f, null);
            f[k] = keep;
            assertEquals((lp - lm) / (2 * eps), grad[k], 1e-6 * (1 + Math.abs(grad[k])), "dL/df[" + k + "]");
        }
        // f = A^-1 b (by CG on the tiny system) leaves nothing.
        double[] exact = new double[n];
        new dev.solvent.solve.ConjugateGradient(dev.solvent.solve.SolverOptions.defaults().withRtol(1e-13))
                .setup(a, new dev.solvent.backend.ReferenceBackend()).solve(b, exact);
        assertEquals(0.0, DcdmLoss.lossAndGradient(a, b, ab, exact, null), 1e-20);
    }

    @Test
    void adamMovesAgainstTheGradientByAboutTheLearningRate() {
        DcdmNetwork net = DcdmNetwork.random(new DcdmArchitecture(2, 1, 0, 0, 0), 1);
        float before = net.param("head.bias")[0];
        float[][] g = net.newGradients();
        g[net.parameterTensors() - 1][0] = 5f; // head.bias, the last tensor
        Adam adam = new Adam(net, 0.01);
        adam.update(net, g);
        // First step: m/(1-b1) = g, v/(1-b2) = g^2, so the step is lr * g/|g| = 0.01.
        assertEquals(before - 0.01f, net.param("head.bias")[0], 1e-6);
        assertEquals(1, adam.step());
    }
}
