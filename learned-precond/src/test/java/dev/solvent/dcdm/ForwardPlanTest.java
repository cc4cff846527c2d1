package dev.solvent.dcdm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The GPU network runs {@link ForwardPlan}; these tests require the plan, run on the CPU with the
 * same {@link Layers} kernels, to give exactly the floats of {@link DcdmNetwork#forward}, for
 * several layouts in 2D and 3D. When the architecture changes and the plan does not, this fails.
 */
class ForwardPlanTest {

    private static float[] sparseInput(Shape s, long seed) {
        Random rnd = new Random(seed);
        float[] x = new float[s.voxels()];
        for (int i = 0; i < x.length; i++) {
            // About a third zeros, as off the fluid cells.
            x[i] = rnd.nextInt(3) == 0 ? 0f : (float) rnd.nextGaussian();
        }
        return x;
    }

    private static void same(DcdmArchitecture arch, Shape s, long seed) {
        DcdmNetwork net = DcdmNetwork.random(arch, seed);
        Random rnd = new Random(seed);
        for (int i = 0; i < net.parameterTensors(); i++) {
            if (net.paramName(i).endsWith(".bias")) {
                float[] b = net.param(i);
                for (int k = 0; k < b.length; k++) {
                    b[k] = (float) (0.1 * rnd.nextGaussian());
                }
            }
        }
        float[] x = sparseInput(s, seed + 1);
        assertArrayEquals(net.forward(s, x), ForwardPlan.of(arch, s).runOnHost(net, s, x), arch + " on " + s);
    }

    @Test
    void planIsTheForwardPassIn3d() {
        same(new DcdmArchitecture(3, 4, 1, 1, 1), Shape.of3d(6, 4, 8), 1);
        same(new DcdmArchitecture(3, 3, 0, 0, 0), Shape.of3d(4, 4, 4), 2);
        same(new DcdmArchitecture(3, 5, 2, 3, 2), Shape.of3d(8, 6, 4), 3);
        same(new DcdmArchitecture(3, 9, 0, 2, 1), Shape.of3d(4, 6, 2), 4);
    }

    @Test
    void planIsTheForwardPassIn2d() {
        same(new DcdmArchitecture(2, 3, 1, 1, 1), Shape.of2d(10, 8), 5);
        same(new DcdmArchitecture(2, 16, 2, 3, 2), Shape.of2d(12, 6), 6);
        same(new DcdmArchitecture(2, 2, 3, 0, 1), Shape.of2d(4, 4), 7);
    }

    /** Multilevel layouts: automatic depth (16^3: two levels, 32x32x16: three), a fixed depth, 2D. */
    @Test
    void planIsTheForwardPassOfMultilevelLayouts() {
        same(DcdmArchitecture.multilevel(3, 3, 1, 1, 1, 1), Shape.of3d(16, 16, 16), 8);
        same(DcdmArchitecture.multilevel(3, 2, 0, 2, 1, 1), Shape.of3d(32, 32, 16), 9);
        same(new DcdmArchitecture(3, 3, 1, 1, 1, 2, 3, 4.0), Shape.of3d(8, 8, 16), 10);
        same(new DcdmArchitecture(2, 4, 1, 1, 1, 1, 0, 2.5), Shape.of2d(32, 16), 11);
        ForwardPlan p = ForwardPlan.of(DcdmArchitecture.multilevel(3, 3, 1, 1, 1, 1), Shape.of3d(64, 64, 64));
        assertEquals(5, p.levels(), "64 -> 32 -> 16 -> 8 -> 4");
        assertEquals(4, p.steps().stream().filter(st -> st.kind() == ForwardPlan.Kind.UPSAMPLE_ADD
                && st.gain() == 4.0).count());
    }

    @Test
    void planOfThePaperLayoutHasTheExpectedSteps() {
        ForwardPlan p = ForwardPlan.of(DcdmArchitecture.paper(3), 1);
        // conv0, 2 + 3 + 2 pairs, pool, upsample, head.
        assertEquals(1 + 2 * 7 + 3, p.steps().size());
        assertEquals("conv0", p.steps().get(0).param());
        assertEquals(ForwardPlan.Kind.HEAD, p.steps().get(p.steps().size() - 1).kind());
        assertEquals(2, p.levels());
        assertThrows(IllegalArgumentException.class, () -> p.shapes(Shape.of3d(6, 5, 4)));
    }
}
