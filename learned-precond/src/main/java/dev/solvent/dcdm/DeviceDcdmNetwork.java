package dev.solvent.dcdm;

import dev.solvent.cuda.ConvKernels;
import dev.solvent.cuda.CudaBackend;
import dev.solvent.cuda.DeviceFloats;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link DcdmNetwork} on a CUDA device: its weights uploaded once, its forward pass run by the
 * float32 kernels of {@link ConvKernels} on device buffers, step by step as {@link ForwardPlan}
 * lists them (the same layers, in the same order, as {@link DcdmNetwork#forward}).
 *
 * <p>The weights are a snapshot taken by the constructor: training the network afterwards does
 * not change this copy. Feature-map buffers are allocated for one grid and kept until a forward
 * pass on another grid. Not thread-safe; close it (or the backend) to free its device memory.
 */
public final class DeviceDcdmNetwork implements AutoCloseable {

    private final DcdmNetwork network;
    private final ConvKernels kernels;
    /** The plan of the current workspace's grid (the depth of an automatic-depth network depends on it). */
    private ForwardPlan plan;
    private final Map<String, DeviceFloats> weights = new LinkedHashMap<>();
    private Shape shape;
    private ConvKernels.Grid[] grids;
    private final List<DeviceFloats> buffers = new ArrayList<>();

    /** Uploads {@code network}'s weights (internal layout, as {@link Layers} reads them) to {@code backend}. */
    public DeviceDcdmNetwork(DcdmNetwork network, CudaBackend backend) {
        this.network = network;
        this.kernels = ConvKernels.of(backend);
        try {
            for (int i = 0; i < network.parameterTensors(); i++) {
                weights.put(network.paramName(i), kernels.upload(network.param(i)));
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    public DcdmNetwork network() {
        return network;
    }

    public CudaBackend backend() {
        return kernels.backend();
    }

    ConvKernels kernels() {
        return kernels;
    }

    /**
     * The network on a one-channel map given on the host: uploads {@code x}, runs the forward
     * pass on the device, downloads the result. For checks and occasional use; the solver keeps
     * its maps on the device ({@link #forward(Shape, DeviceFloats)}).
     */
    public float[] forward(Shape s, float[] x) {
        check(s);
        if (x.length != s.voxels()) {
            throw new IllegalArgumentException("input has length " + x.length + " but the grid " + s + " has "
                    + s.voxels() + " voxels");
        }
        try (DeviceFloats in = kernels.upload(x)) {
            float[] y = new float[s.voxels()];
            kernels.download(forward(s, in), y);
            return y;
        }
    }

    /**
     * The forward pass on device map {@code x} (one channel on grid {@code s}, left unchanged);
     * returns the device buffer holding the output, valid until the next forward pass.
     */
    DeviceFloats forward(Shape s, DeviceFloats x) {
        check(s);
        workspace(s);
        for (ForwardPlan.Step st : plan.steps()) {
            ConvKernels.Grid g = grids[st.level()];
            DeviceFloats in = st.in() == plan.input() ? x : buffers.get(st.in());
            DeviceFloats out = buffers.get(st.out());
            int cin = plan.buffers().get(st.in()).channels();
            int cout = plan.buffers().get(st.out()).channels();
            switch (st.kind()) {
                case CONV -> kernels.conv3x3(g, in, cin, weights.get(st.param() + ".weight"),
                        weights.get(st.param() + ".bias"), cout, out, st.relu(),
                        st.residual() >= 0 ? buffers.get(st.residual()) : null);
                case POOL -> kernels.avgPool2(g, in, cin, out);
                case UPSAMPLE_ADD -> kernels.upsample2Add(g, in, cin, st.gain(), buffers.get(st.skip()), out);
                case HEAD -> kernels.head(g, in, cin, weights.get("head.weight"), weights.get("head.bias"), out);
                default -> throw new IllegalStateException(st.kind().toString());
            }
        }
        return buffers.get(plan.output());
    }

    private void check(Shape s) {
        int dims = network.architecture().dimensions();
        if (s.dims() != dims) {
            throw new IllegalArgumentException("the network is " + dims + "D but the grid " + s + " is " + s.dims() + "D");
        }
        network.architecture().levelsOn(s); // throws with the pooling message for odd dimensions
    }

    /** Feature maps for grid {@code s} (the plan's input buffer is the caller's, so none is made for it). */
    private void workspace(Shape s) {
        if (s.equals(shape)) {
            return;
        }
        freeBuffers();
        plan = ForwardPlan.of(network.architecture(), s);
        Shape[] shapes = plan.shapes(s);
        grids = new ConvKernels.Grid[shapes.length];
        for (int l = 0; l < shapes.length; l++) {
            grids[l] = new ConvKernels.Grid(shapes[l].dims(), shapes[l].nx(), shapes[l].ny(), shapes[l].nz());
        }
        for (int i = 0; i < plan.buffers().size(); i++) {
            ForwardPlan.Buffer b = plan.buffers().get(i);
            buffers.add(i == plan.input() ? null : kernels.allocateFloats(grids[b.level()].voxels() * b.channels()));
        }
        shape = s;
    }

    private void freeBuffers() {
        for (DeviceFloats b : buffers) {
            if (b != null) {
                b.close();
            }
        }
        buffers.clear();
        shape = null;
    }

    /** Frees the weights and feature maps on the device. */
    @Override
    public void close() {
        freeBuffers();
        for (DeviceFloats w : weights.values()) {
            w.close();
        }
        weights.clear();
    }
}
