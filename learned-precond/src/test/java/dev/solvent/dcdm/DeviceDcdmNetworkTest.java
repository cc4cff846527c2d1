package dev.solvent.dcdm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solvent.backend.ReferenceBackend;
import dev.solvent.backend.Vector;
import dev.solvent.cuda.ConvKernels;
import dev.solvent.cuda.CudaBackend;
import dev.solvent.cuda.DeviceFloats;
import dev.solvent.cuda.DeviceIndices;
import dev.solvent.gen.FluidGrid;
import dev.solvent.gen.Problem;
import dev.solvent.matrix.CsrMatrix;
import dev.solvent.solve.ConvergedReason;
import dev.solvent.solve.SolveResult;
import dev.solvent.solve.SolverOptions;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The DCDM network and solver on a CUDA device against the CPU: every layer kernel against
 * {@link Layers} on random data, the shipped model's forward pass against
 * {@link DcdmNetwork#forward}, and a whole solve. Skipped (reported as skipped, per test) where no
 * GPU is usable.
 */
@Tag("gpu")
class DeviceDcdmNetworkTest {

    private static CudaBackend backend;

    @BeforeAll
    static void start() {
        if (CudaBackend.isAvailable()) {
            backend = CudaBackend.create(0);
        }
    }

    @AfterAll
    static void stop() {
        if (backend != null) {
            backend.close();
        }
    }

    /** Skips each test, not the class, so every test shows up as skipped without a GPU. */
    @BeforeEach
    void requireGpu() {
        Assumptions.assumeTrue(backend != null, () -> "no usable GPU: " + CudaBackend.unavailableReason());
    }

    private static float[] random(int n, long seed, boolean withZeros) {
        Random rnd = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = withZeros && rnd.nextInt(4) == 0 ? 0f : (float) rnd.nextGaussian();
        }
        return x;
    }

    /** max |e - a| <= tol * max(1e-30, max |e|). */
    private static void assertRelClose(float[] expected, float[] actual, double tol, String what) {
        assertEquals(expected.length, actual.length, what + ": lengths");
        double scale = 1e-30;
        double err = 0;
        int worst = -1;
        for (int i = 0; i < expected.length; i++) {
            scale = Math.max(scale, Math.abs(expected[i]));
            double e = Math.abs((double) expected[i] - actual[i]);
            if (!(e <= err)) {
                err = e;
                worst = i;
            }
        }
        assertTrue(err <= tol * scale, what + ": entry " + worst + " is " + (worst < 0 ? 0 : actual[worst])
                + ", expected " + (worst < 0 ? 0 : expected[worst]) + " (max error " + err + ", scale " + scale + ")");
    }

    private static ConvKernels.Grid grid(Shape s) {
        return new ConvKernels.Grid(s.dims(), s.nx(), s.ny(), s.nz());
    }

    private float[] down(ConvKernels k, DeviceFloats d, int n) {
        float[] h = new float[n];
        k.download(d, h);
        return h;
    }

    private void convCase(Shape s, int cin, int cout, boolean relu, boolean residual, long seed) {
        ConvKernels k = ConvKernels.of(backend);
        int v = s.voxels();
        float[] in = random(v * cin, seed, true);
        float[] w = random(s.taps() * cin * cout, seed + 1, false);
        float[] b = random(cout, seed + 2, false);
        float[] res = random(v * cout, seed + 3, false);
        float[] expected = new float[v * cout];
        Layers.conv(s, in, cin, w, b, cout, expected, relu);
        if (residual) {
            Layers.addInto(expected, res, expected.length);
        }
        try (DeviceFloats din = k.upload(in); DeviceFloats dw = k.upload(w); DeviceFloats db = k.upload(b);
             DeviceFloats dout = k.upload(res)) {
            // With a residual, out is the residual buffer itself (in place, as the network uses it).
            k.conv3x3(grid(s), din, cin, dw, db, cout, dout, relu, residual ? dout : null);
            String what = "conv " + s + " " + cin + "->" + cout + (relu ? " relu" : "") + (residual ? " +res" : "");
            // Same order of float operations up to 16 input channels: equal; beyond, regrouped by tile.
            assertRelClose(expected, down(k, dout, v * cout), cin <= 16 ? 0 : 1e-5, what);
        }
    }

    @Test
    void convolutionMatchesLayers() {
        convCase(Shape.of3d(6, 4, 8), 1, 8, false, false, 1);
        convCase(Shape.of3d(6, 4, 8), 8, 8, true, true, 2);
        convCase(Shape.of3d(10, 6, 4), 5, 13, true, false, 3);     // a partial channel group
        convCase(Shape.of3d(4, 4, 4), 20, 9, false, true, 4);      // two input-channel tiles
        convCase(Shape.of3d(1, 1, 1), 3, 2, true, false, 5);
        convCase(Shape.of3d(18, 16, 20), 16, 16, true, true, 6);   // many blocks
        convCase(Shape.of2d(12, 10), 1, 16, false, false, 7);
        convCase(Shape.of2d(12, 10), 16, 16, true, true, 8);
        convCase(Shape.of2d(7, 5), 17, 3, true, false, 9);
    }

    @Test
    void poolingUpsamplingAndHeadMatchLayers() {
        ConvKernels k = ConvKernels.of(backend);
        for (Shape s : new Shape[] {Shape.of3d(6, 4, 8), Shape.of2d(10, 6), Shape.of3d(2, 2, 2)}) {
            int ch = 5;
            Shape cs = s.coarse();
            float[] fine = random(s.voxels() * ch, 11, false);
            float[] coarse = random(cs.voxels() * ch, 12, false);
            float[] pooled = new float[cs.voxels() * ch];
            Layers.avgPool(s, fine, ch, pooled);
            float[] up = new float[s.voxels() * ch];
            Layers.upsample(s, coarse, ch, up);
            for (int i = 0; i < up.length; i++) {
                up[i] *= 4f;   // the multilevel layout's gain
            }
            Layers.addInto(up, fine, up.length);
            float[] hw = random(ch, 13, false);
            float[] hb = {0.375f};
            float[] y = new float[s.voxels()];
            Layers.head(s, fine, ch, hw, hb[0], y);
            try (DeviceFloats df = k.upload(fine); DeviceFloats dc = k.upload(coarse);
                 DeviceFloats dp = k.allocateFloats(pooled.length); DeviceFloats du = k.upload(fine);
                 DeviceFloats dhw = k.upload(hw); DeviceFloats dhb = k.upload(hb);
                 DeviceFloats dy = k.allocateFloats(y.length)) {
                k.avgPool2(grid(s), df, ch, dp);
                assertRelClose(pooled, down(k, dp, pooled.length), 0, "avgpool " + s);
                k.upsample2Add(grid(s), dc, ch, 4.0, du, du);
                assertRelClose(up, down(k, du, up.length), 0, "upsample+skip " + s);
                k.head(grid(s), df, ch, dhw, dhb, dy);
                assertRelClose(y, down(k, dy, y.length), 0, "head " + s);
            }
        }
    }

    @Test
    void scatterAndGatherMatchGridMap() {
        FluidGrid g = FluidGrid.withObstacles(11, 4, true);
        GridMap map = GridMap.of(g);
        ConvKernels k = ConvKernels.of(backend);
        double[] r = new double[map.unknowns()];
        Random rnd = new Random(5);
        for (int i = 0; i < r.length; i++) {
            r[i] = rnd.nextGaussian();
        }
        float[] expected = new float[map.shape().voxels()];
        map.scatter(r, 0.3, expected);
        double[] back = new double[r.length];
        map.gather(expected, back);
        double[] got = new double[r.length];
        try (Vector dr = backend.upload(r); Vector dq = backend.allocate(r.length);
             DeviceIndices vx = k.upload(map.voxelOfUnknown());
             DeviceFloats grid = k.allocateFloats(expected.length)) {
            k.scatter(dr, 0.3, vx, grid);
            assertRelClose(expected, down(k, grid, expected.length), 0, "scatter (zero off the unknowns)");
            k.gather(grid, vx, dq);
            backend.download(dq, got);
        }
        for (int i = 0; i < r.length; i++) {
            assertEquals(back[i], got[i], 0.0, "gather " + i);
        }
    }

    /**
     * The testdata module's model: from its folder beside this module (a Maven build), else from
     * the classpath (gpu-bundle/ carries the testdata jar); skips the test where neither has it.
     */
    private static DcdmNetwork shippedModel() throws Exception {
        if (Files.exists(PretrainedModelTest.MODEL)) {
            return DcdmNetwork.load(PretrainedModelTest.MODEL);
        }
        String name = "dev/solvent/testdata/dcdm/dcdm-fluid16-c8";
        ClassLoader loader = DeviceDcdmNetworkTest.class.getClassLoader();
        try (InputStream json = loader.getResourceAsStream(name + ".json");
             InputStream weights = loader.getResourceAsStream(name + ".safetensors")) {
            Assumptions.assumeTrue(json != null && weights != null, "testdata model not found at "
                    + PretrainedModelTest.MODEL.toAbsolutePath() + " nor on the classpath as " + name);
            return DcdmNetwork.load(json, weights, "classpath:" + name);
        }
    }

    @Test
    void shippedModelForwardMatchesTheCpu() throws Exception {
        DcdmNetwork net = shippedModel();
        try (DeviceDcdmNetwork dev = new DeviceDcdmNetwork(net, backend)) {
            for (Shape s : new Shape[] {Shape.of3d(16, 16, 16), Shape.of3d(24, 16, 20), Shape.of3d(16, 16, 16)}) {
                float[] x = random(s.voxels(), s.voxels(), true);
                assertRelClose(net.forward(s, x), dev.forward(s, x), 1e-4, "forward on " + s);
            }
        }
    }

    @Test
    void randomNetworksOfOtherLayoutsMatchTheCpu() {
        for (DcdmArchitecture arch : new DcdmArchitecture[] {new DcdmArchitecture(3, 5, 1, 0, 2),
                new DcdmArchitecture(2, 16, 2, 3, 2), new DcdmArchitecture(3, 20, 1, 1, 1)}) {
            DcdmNetwork net = DcdmNetwork.random(arch, 17);
            Shape s = arch.dimensions() == 3 ? Shape.of3d(8, 6, 10) : Shape.of2d(20, 14);
            float[] x = random(s.voxels(), 3, true);
            try (DeviceDcdmNetwork dev = new DeviceDcdmNetwork(net, backend)) {
                assertRelClose(net.forward(s, x), dev.forward(s, x), 1e-4, arch + " on " + s);
            }
        }
    }

    @Test
    void dcdmSolveOnTheDeviceConverges() throws Exception {
        DcdmNetwork net = shippedModel();
        FluidGrid g = FluidGrid.withObstacles(16, 21, true);
        Problem p = g.pressureProblem(null);
        CsrMatrix a = p.matrix();
        SolverOptions opts = SolverOptions.defaults().withRtol(1e-6).withMaxIterations(500);
        double[] b = p.rhs();
        double[] x = new double[b.length];
        SolveResult res;
        int fallbacks;
        int networkDirections;
        try (Dcdm.Bound solver = new Dcdm(opts, net, GridMap.of(g)).setup(a, backend)) {
            res = solver.solve(b, x);
            fallbacks = solver.fallbacks();
            networkDirections = solver.networkDirections();
            assertEquals("ic0", solver.fallbackName(), "IC(0) runs on the CUDA backend too");
        }
        assertEquals(ConvergedReason.CONVERGED_RTOL, res.reason(), res.toString());
        assertEquals(res.iterations(), fallbacks + networkDirections);
        assertTrue(networkDirections > 0, "the trained network wins some iterations: " + res.message());
        assertTrue(res.message().contains("(ic0)"), res.message());
        double r = DcdmSolverTest.trueResidual(a, b, x);
        double bNorm = DcdmSolverTest.norm(b);
        assertTrue(r <= 1e-6 * bNorm, "true residual " + r + " for ||b|| " + bNorm);
        assertEquals(r, res.residualNorm(), 1e-9 * bNorm, "the reported residual is the true one");
        // The same solve on the host takes a comparable number of iterations (IC(0) fallback there too).
        double[] xh = new double[b.length];
        try (Dcdm.Bound host = new Dcdm(opts, net, GridMap.of(g)).setup(a, new ReferenceBackend())) {
            SolveResult hr = host.solve(b, xh);
            assertTrue(hr.converged(), hr.toString());
            assertTrue(Math.abs(hr.iterations() - res.iterations()) <= Math.max(3, hr.iterations() / 10),
                    "device " + res.iterations() + " vs host " + hr.iterations() + " iterations");
        }
    }
}
