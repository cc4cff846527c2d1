package dev.solvent.dcdm;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The forward pass of a {@link DcdmNetwork} written out as data: a list of layer steps over
 * numbered buffers, derived from the {@link DcdmArchitecture} alone. The GPU network
 * ({@link DeviceDcdmNetwork}) executes this list; {@link #runOnHost} executes it with
 * {@link Layers}, and a test requires that to equal {@link DcdmNetwork#forward} float for float,
 * so when the architecture grows (more pooling levels, other blocks) this class is the one place
 * to update, and that test says when it was forgotten.
 *
 * <p>Buffers live on a grid level (0 the input grid, 1 after one 2x pooling, ...) with a channel
 * count; steps may write in place where the kernel allows it (a residual pair's second
 * convolution adds into its block input, the upsampling adds into its skip buffer).
 */
final class ForwardPlan {

    enum Kind { CONV, POOL, UPSAMPLE_ADD, HEAD }

    /** A feature map: its grid level and channels. */
    record Buffer(int level, int channels) {
    }

    /**
     * One layer. For CONV: {@code param} is the convolution's name ({@code conv0}, {@code pre.0.conv1},
     * ...), {@code out = act(conv(in)) (+ residual)}; POOL: {@code out = avgpool2(in)} with
     * {@code level} the fine level; UPSAMPLE_ADD: {@code out = upsample2(in) + skip}; HEAD:
     * {@code out = head(in)}. Unused buffer numbers are -1.
     */
    record Step(Kind kind, String param, int level, int in, int out, int residual, int skip, boolean relu) {
    }

    private final List<Buffer> buffers = new ArrayList<>();
    private final List<Step> steps = new ArrayList<>();
    private final int input;
    private final int output;
    private final int levels;

    private ForwardPlan(DcdmArchitecture arch) {
        int c = arch.channels();
        input = buffer(0, 1);
        int a = buffer(0, c);
        int h = buffer(0, c);
        steps.add(new Step(Kind.CONV, "conv0", 0, input, a, -1, -1, false));
        residualPairs("pre", arch.preBlocks(), 0, a, h);
        int p = buffer(1, c);
        int hc = buffer(1, c);
        steps.add(new Step(Kind.POOL, null, 0, a, p, -1, -1, false));
        residualPairs("coarse", arch.coarseBlocks(), 1, p, hc);
        // u = upsample2(p) + s with s = a, the input of the pooling: written over a.
        steps.add(new Step(Kind.UPSAMPLE_ADD, null, 0, p, a, -1, a, false));
        residualPairs("post", arch.postBlocks(), 0, a, h);
        output = buffer(0, 1);
        steps.add(new Step(Kind.HEAD, "head", 0, a, output, -1, -1, false));
        levels = 2;
    }

    /** The plan of {@code arch}'s forward pass. */
    static ForwardPlan of(DcdmArchitecture arch) {
        return new ForwardPlan(arch);
    }

    private int buffer(int level, int channels) {
        buffers.add(new Buffer(level, channels));
        return buffers.size() - 1;
    }

    /** {@code h = relu(conv1(a)); a = relu(conv2(h)) + a}, count times, on grid level {@code level}. */
    private void residualPairs(String prefix, int count, int level, int a, int h) {
        for (int b = 0; b < count; b++) {
            String name = prefix + "." + b;
            steps.add(new Step(Kind.CONV, name + ".conv1", level, a, h, -1, -1, true));
            steps.add(new Step(Kind.CONV, name + ".conv2", level, h, a, a, -1, true));
        }
    }

    List<Buffer> buffers() {
        return Collections.unmodifiableList(buffers);
    }

    List<Step> steps() {
        return Collections.unmodifiableList(steps);
    }

    /** The one-channel input buffer (level 0). */
    int input() {
        return input;
    }

    /** The one-channel output buffer (level 0). */
    int output() {
        return output;
    }

    /** Grid levels used: the input grid's dimensions must halve {@code levels - 1} times. */
    int levels() {
        return levels;
    }

    /** The grid of each level for input grid {@code s}. */
    Shape[] shapes(Shape s) {
        Shape[] shapes = new Shape[levels];
        shapes[0] = s;
        for (int l = 1; l < levels; l++) {
            shapes[l] = shapes[l - 1].coarse();
        }
        return shapes;
    }

    /**
     * This plan run on the CPU with {@link Layers}: the reference the device execution is compared
     * with, and the check (in tests) that the plan is {@link DcdmNetwork#forward}.
     */
    float[] runOnHost(DcdmNetwork net, Shape s, float[] x) {
        Shape[] shapes = shapes(s);
        float[][] t = new float[buffers.size()][];
        for (int i = 0; i < t.length; i++) {
            Buffer b = buffers.get(i);
            t[i] = new float[shapes[b.level()].voxels() * b.channels()];
        }
        System.arraycopy(x, 0, t[input], 0, s.voxels());
        for (Step st : steps) {
            Shape g = shapes[st.level()];
            int cin = buffers.get(st.in()).channels();
            int cout = buffers.get(st.out()).channels();
            switch (st.kind()) {
                case CONV -> {
                    float[] out = new float[g.voxels() * cout];
                    Layers.conv(g, t[st.in()], cin, net.param(st.param() + ".weight"), net.param(st.param() + ".bias"),
                            cout, out, st.relu());
                    if (st.residual() >= 0) {
                        Layers.addInto(out, t[st.residual()], out.length);
                    }
                    t[st.out()] = out;
                }
                case POOL -> Layers.avgPool(g, t[st.in()], cin, t[st.out()]);
                case UPSAMPLE_ADD -> {
                    float[] u = new float[g.voxels() * cout];
                    Layers.upsample(g, t[st.in()], cin, u);
                    Layers.addInto(u, t[st.skip()], u.length);
                    t[st.out()] = u;
                }
                case HEAD -> Layers.head(g, t[st.in()], cin, net.param("head.weight"), net.param("head.bias")[0],
                        t[st.out()]);
                default -> throw new IllegalStateException(st.kind().toString());
            }
        }
        return t[output];
    }
}
