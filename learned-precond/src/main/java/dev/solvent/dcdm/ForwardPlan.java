package dev.solvent.dcdm;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The forward pass of a {@link DcdmNetwork} written out as data: a list of layer steps over
 * numbered buffers, derived from the {@link DcdmArchitecture} alone. The GPU network
 * ({@link DeviceDcdmNetwork}) executes this list; {@link #runOnHost} executes it with
 * {@link Layers}, and a test requires that to equal {@link DcdmNetwork#forward} float for float,
 * so when the architecture grows this class is the one place to update, and that test says when
 * it was forgotten. A plan is for a number of pooling levels: a multilevel architecture with an
 * automatic depth has one plan per grid ({@link #of(DcdmArchitecture, Shape)}).
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
     * {@code level} the fine level; UPSAMPLE_ADD: {@code out = gain * upsample2(in) + skip}; HEAD:
     * {@code out = head(in)}. Unused buffer numbers are -1; the gain is 1 except in UPSAMPLE_ADD.
     */
    record Step(Kind kind, String param, int level, int in, int out, int residual, int skip, boolean relu,
                double gain) {
        Step(Kind kind, String param, int level, int in, int out, int residual, int skip, boolean relu) {
            this(kind, param, level, in, out, residual, skip, relu, 1.0);
        }
    }

    private final List<Buffer> buffers = new ArrayList<>();
    private final List<Step> steps = new ArrayList<>();
    private final int input;
    private final int output;
    private final int levels;

    private ForwardPlan(DcdmArchitecture arch, int poolings) {
        int c = arch.channels();
        input = buffer(0, 1);
        int a = buffer(0, c);
        int h = buffer(0, c);
        steps.add(new Step(Kind.CONV, "conv0", 0, input, a, -1, -1, false));
        residualPairs("pre", arch.preBlocks(), 0, a, h);
        level(arch, 1, poolings, a);
        residualPairs("post", arch.postBlocks(), 0, a, h);
        output = buffer(0, 1);
        steps.add(new Step(Kind.HEAD, "head", 0, a, output, -1, -1, false));
        levels = poolings + 1;
    }

    /**
     * Level {@code l} below the map {@code skip} (on level l - 1), as in DcdmNetwork's forward:
     * pool, the coarse blocks (last level) or mid.pre / next level / mid.post, then
     * {@code skip = gain * upsample2(p) + skip}, written over skip (not needed after it).
     */
    private void level(DcdmArchitecture arch, int l, int poolings, int skip) {
        int c = arch.channels();
        int p = buffer(l, c);
        int h = buffer(l, c);
        steps.add(new Step(Kind.POOL, null, l - 1, skip, p, -1, -1, false));
        if (l == poolings) {
            residualPairs("coarse", arch.coarseBlocks(), l, p, h);
        } else {
            residualPairs("mid.pre", arch.midBlocks(), l, p, h);
            level(arch, l + 1, poolings, p);
            residualPairs("mid.post", arch.midBlocks(), l, p, h);
        }
        steps.add(new Step(Kind.UPSAMPLE_ADD, null, l - 1, p, skip, -1, skip, false, arch.upsampleGain()));
    }

    /**
     * The plan of {@code arch}'s forward pass with a given number of pooling levels (for a fixed
     * depth, {@code arch.levels()}).
     */
    static ForwardPlan of(DcdmArchitecture arch, int poolings) {
        if (poolings < 1) {
            throw new IllegalArgumentException("a DCDM network pools at least once, got " + poolings);
        }
        return new ForwardPlan(arch, poolings);
    }

    /**
     * The plan of {@code arch}'s forward pass on grid {@code s}.
     *
     * @throws IllegalArgumentException if the grid cannot be pooled as the architecture needs
     */
    static ForwardPlan of(DcdmArchitecture arch, Shape s) {
        return of(arch, arch.levelsOn(s));
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
                    float gain = (float) st.gain();
                    if (gain != 1f) {
                        for (int i = 0; i < u.length; i++) {
                            u[i] *= gain;
                        }
                    }
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
