package dev.solvent.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.solvent.backend.Vector;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The float32 network layers of conv.cu ({@link ConvKernels}) against plain loops written here in
 * double precision from the layouts documented on ConvKernels: the 3x3(x3) convolution with zero
 * padding, ReLU and the residual; 2x average pooling; upsampling with gain and skip; the 1x1 head;
 * scatter and gather. (learned-precond's DeviceDcdmNetworkTest compares the same kernels with its
 * own CPU layers, bit for bit, and runs whole networks.) Skipped where no GPU is usable.
 */
@Tag("gpu")
class ConvKernelsTest {

    private static CudaBackend gpu;

    @BeforeAll
    static void start() {
        if (CudaBackend.isAvailable()) {
            gpu = CudaBackend.create(0, false);
        }
    }

    @BeforeEach
    void requireGpu() {
        Assumptions.assumeTrue(gpu != null, () -> "no usable GPU: " + CudaBackend.unavailableReason());
    }

    @AfterAll
    static void stop() {
        if (gpu != null) {
            gpu.close();
        }
    }

    private static float[] random(int n, long seed, boolean withZeros) {
        Random rnd = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = withZeros && rnd.nextInt(3) == 0 ? 0f : (float) rnd.nextGaussian();
        }
        return x;
    }

    /** max |e - a| <= 1e-5 * max(1, max |e|): float rounding of sums of a few hundred terms. */
    private static void assertClose(double[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": lengths");
        double scale = 1;
        for (double e : expected) {
            scale = Math.max(scale, Math.abs(e));
        }
        for (int i = 0; i < expected.length; i++) {
            double err = Math.abs(expected[i] - actual[i]);
            if (!(err <= 1e-5 * scale)) {
                throw new AssertionError(what + ": entry " + i + " is " + actual[i] + ", expected " + expected[i]);
            }
        }
    }

    private static float[] down(ConvKernels k, DeviceFloats d, int n) {
        float[] h = new float[n];
        k.download(d, h);
        return h;
    }

    /** The convolution as ConvKernels documents it, in double. */
    private static double[] conv(ConvKernels.Grid g, float[] in, int cin, float[] w, float[] bias, int cout, boolean relu,
                                 float[] residual) {
        int nx = g.nx();
        int ny = g.ny();
        int nz = g.nz();
        boolean three = g.dims() == 3;
        double[] out = new double[(int) g.voxels() * cout];
        for (int z = 0; z < nz; z++) {
            for (int y = 0; y < ny; y++) {
                for (int x = 0; x < nx; x++) {
                    int v = x + nx * (y + ny * z);
                    for (int o = 0; o < cout; o++) {
                        double s = bias[o];
                        for (int dz = three ? -1 : 0; dz <= (three ? 1 : 0); dz++) {
                            for (int dy = -1; dy <= 1; dy++) {
                                for (int dx = -1; dx <= 1; dx++) {
                                    int xx = x + dx;
                                    int yy = y + dy;
                                    int zz = z + dz;
                                    if (xx < 0 || yy < 0 || zz < 0 || xx >= nx || yy >= ny || zz >= nz) {
                                        continue;
                                    }
                                    int tap = (three ? 9 * (dz + 1) : 0) + 3 * (dy + 1) + (dx + 1);
                                    int nb = xx + nx * (yy + ny * zz);
                                    for (int c = 0; c < cin; c++) {
                                        s += (double) w[(tap * cin + c) * cout + o] * in[nb * cin + c];
                                    }
                                }
                            }
                        }
                        if (relu) {
                            s = Math.max(s, 0);
                        }
                        out[v * cout + o] = s + (residual == null ? 0 : residual[v * cout + o]);
                    }
                }
            }
        }
        return out;
    }

    private void convCase(ConvKernels.Grid g, int cin, int cout, boolean relu, boolean withResidual, long seed) {
        ConvKernels k = ConvKernels.of(gpu);
        int v = (int) g.voxels();
        int taps = g.dims() == 3 ? 27 : 9;
        float[] in = random(v * cin, seed, true);
        float[] w = random(taps * cin * cout, seed + 1, false);
        float[] bias = random(cout, seed + 2, false);
        float[] res = random(v * cout, seed + 3, false);
        double[] expected = conv(g, in, cin, w, bias, cout, relu, withResidual ? res : null);
        try (DeviceFloats din = k.upload(in); DeviceFloats dw = k.upload(w); DeviceFloats db = k.upload(bias);
             DeviceFloats dres = k.upload(res); DeviceFloats dout = k.allocateFloats((long) v * cout)) {
            k.conv3x3(g, din, cin, dw, db, cout, dout, relu, withResidual ? dres : null);
            String what = "conv " + g + " " + cin + "->" + cout + (relu ? " relu" : "") + (withResidual ? " +res" : "");
            assertClose(expected, down(k, dout, v * cout), what);
            // In place on the residual, as the network uses it.
            if (withResidual) {
                k.conv3x3(g, din, cin, dw, db, cout, dres, relu, dres);
                assertClose(expected, down(k, dres, v * cout), what + " in place");
            }
        }
    }

    @Test
    void convolutionMatchesPlainLoops() {
        convCase(new ConvKernels.Grid(3, 6, 5, 4), 3, 10, true, true, 1);    // two output groups, one partial
        convCase(new ConvKernels.Grid(3, 4, 3, 5), 20, 8, false, false, 2);  // two input-channel tiles
        convCase(new ConvKernels.Grid(3, 10, 9, 8), 4, 8, true, false, 3);   // 720 voxels: three voxel blocks
        convCase(new ConvKernels.Grid(2, 9, 7, 1), 5, 3, false, true, 4);
        convCase(new ConvKernels.Grid(2, 1, 1, 1), 2, 1, true, false, 5);
    }

    @Test
    void poolingUpsamplingAndHeadMatchPlainLoops() {
        ConvKernels k = ConvKernels.of(gpu);
        for (ConvKernels.Grid g : new ConvKernels.Grid[] {new ConvKernels.Grid(3, 6, 4, 8), new ConvKernels.Grid(2, 10, 6, 1),
                new ConvKernels.Grid(3, 16, 16, 16)}) {
            int ch = 3;
            ConvKernels.Grid c = g.coarse();
            int fv = (int) g.voxels();
            int cv = (int) c.voxels();
            float[] fine = random(fv * ch, 11, false);
            float[] coarse = random(cv * ch, 12, false);
            float[] hw = random(ch, 13, false);
            float[] hb = {0.375f};
            double[] pooled = new double[cv * ch];
            double[] up = new double[fv * ch];
            double[] head = new double[fv];
            int kz = g.dims() == 3 ? 2 : 1;
            for (int z = 0; z < g.nz(); z++) {
                for (int y = 0; y < g.ny(); y++) {
                    for (int x = 0; x < g.nx(); x++) {
                        int v = x + g.nx() * (y + g.ny() * z);
                        int parent = x / 2 + c.nx() * (y / 2 + c.ny() * (z / kz));
                        head[v] = hb[0];
                        for (int q = 0; q < ch; q++) {
                            pooled[parent * ch + q] += fine[v * ch + q] / (4.0 * kz);
                            up[v * ch + q] = 4.0 * coarse[parent * ch + q] + fine[v * ch + q];
                            head[v] += (double) hw[q] * fine[v * ch + q];
                        }
                    }
                }
            }
            try (DeviceFloats df = k.upload(fine); DeviceFloats dc = k.upload(coarse);
                 DeviceFloats dp = k.allocateFloats(cv * ch); DeviceFloats du = k.allocateFloats(fv * ch);
                 DeviceFloats dhw = k.upload(hw); DeviceFloats dhb = k.upload(hb); DeviceFloats dy = k.allocateFloats(fv)) {
                k.avgPool2(g, df, ch, dp);
                assertClose(pooled, down(k, dp, cv * ch), "avgpool " + g);
                k.upsample2Add(g, dc, ch, 4.0, df, du);
                assertClose(up, down(k, du, fv * ch), "upsample x4 + skip " + g);
                k.head(g, df, ch, dhw, dhb, dy);
                assertClose(head, down(k, dy, fv), "head " + g);
            }
        }
    }

    @Test
    void scatterAndGatherMoveTheUnknownsOnAndOffTheGrid() {
        ConvKernels k = ConvKernels.of(gpu);
        int n = 700;
        int voxels = 1000;
        int[] voxel = new int[n];
        for (int u = 0; u < n; u++) {
            voxel[u] = (u * 7 + 3) % voxels;   // 7 and 1000 are coprime: distinct voxels
        }
        double[] r = new double[n];
        Random rnd = new Random(9);
        for (int u = 0; u < n; u++) {
            r[u] = rnd.nextGaussian();
        }
        double[] grid = new double[voxels];
        for (int u = 0; u < n; u++) {
            grid[voxel[u]] = (float) (0.25 * r[u]);
        }
        try (Vector dr = gpu.upload(r); Vector dq = gpu.allocate(n); DeviceIndices dv = k.upload(voxel);
             DeviceFloats dg = k.allocateFloats(voxels)) {
            k.scatter(dr, 0.25, dv, dg);
            float[] got = down(k, dg, voxels);
            for (int i = 0; i < voxels; i++) {
                assertEquals(grid[i], got[i], 0.0, "scatter: voxel " + i + " (zero off the unknowns)");
            }
            k.gather(dg, dv, dq);
            double[] q = new double[n];
            gpu.download(dq, q);
            for (int u = 0; u < n; u++) {
                assertEquals((float) (0.25 * r[u]), q[u], 0.0, "gather: unknown " + u);
            }
            // An index map reaching past the grid is refused on the host, before any kernel runs.
            try (DeviceFloats small = k.allocateFloats(voxels - 1)) {
                assertThrows(IllegalArgumentException.class, () -> k.scatter(dr, 1.0, dv, small));
            }
        }
    }
}
