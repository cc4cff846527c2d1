package dev.solvent.dcdm;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A DCDM network ({@link DcdmArchitecture}) with its weights: forward pass on any grid whose
 * dimensions are even, backward pass for training, and the model files.
 *
 * <p>A model is two files a user can keep and share: {@code NAME.json}, the architecture
 * description (format, version, dimensions, channels, layer layout, training notes), and
 * {@code NAME.safetensors}, the weights as float32 tensors named {@code conv0.weight},
 * {@code pre.0.conv1.weight}, ..., {@code head.bias} in PyTorch's layout ({@code [out][in][kz][ky][kx]}),
 * so a model trained in PyTorch with the same names loads here.
 *
 * <p>Weights are held as float; a forward pass is not thread-safe against a concurrent weight
 * update but several forward passes may run at once (they only read the weights).
 */
public final class DcdmNetwork {

    private final DcdmArchitecture arch;
    private final List<DcdmArchitecture.ParamSpec> specs;
    /** Parameter values in internal layout (conv weights as {@code w[(tap*Cin + cin)*Cout + cout]}). */
    private final float[][] params;
    private final Map<String, Integer> index = new LinkedHashMap<>();
    private Map<String, Object> notes = new LinkedHashMap<>();

    private DcdmNetwork(DcdmArchitecture arch) {
        this.arch = arch;
        this.specs = arch.parameters();
        this.params = new float[specs.size()][];
        for (int i = 0; i < specs.size(); i++) {
            params[i] = new float[(int) specs.get(i).size()];
            index.put(specs.get(i).name(), i);
        }
    }

    /**
     * A network with random weights: He-normal for ReLU convolutions ({@code N(0, 2 / fan_in)}),
     * {@code N(0, 1 / fan_in)} for the linear first convolution and the head, the second
     * convolution of each residual pair scaled by 1/2 so the residual sums start near the identity
     * path, zero biases. The same seed gives the same weights.
     */
    public static DcdmNetwork random(DcdmArchitecture arch, long seed) {
        DcdmNetwork net = new DcdmNetwork(arch);
        Random rnd = new Random(seed);
        for (int i = 0; i < net.specs.size(); i++) {
            String name = net.specs.get(i).name();
            if (name.endsWith(".bias")) {
                continue;
            }
            long[] shape = net.specs.get(i).shape();
            long fanIn = 1;
            for (int d = 1; d < shape.length; d++) {
                fanIn *= shape[d];
            }
            double var = (name.startsWith("conv0") || name.startsWith("head")) ? 1.0 / fanIn : 2.0 / fanIn;
            double std = Math.sqrt(var) * (name.contains("conv2") ? 0.5 : 1.0);
            float[] p = net.params[i];
            for (int k = 0; k < p.length; k++) {
                p[k] = (float) (std * rnd.nextGaussian());
            }
        }
        return net;
    }

    public DcdmArchitecture architecture() {
        return arch;
    }

    /** Free-form training notes stored in the description's "training" field (a mutable map). */
    public Map<String, Object> trainingNotes() {
        return notes;
    }

    /** Parameter count. */
    public long parameterCount() {
        return arch.parameterCount();
    }

    // ---- parameters (internal layout) -----------------------------------------------------------

    int parameterTensors() {
        return params.length;
    }

    float[] param(int i) {
        return params[i];
    }

    String paramName(int i) {
        return specs.get(i).name();
    }

    float[] param(String name) {
        Integer i = index.get(name);
        if (i == null) {
            throw new IllegalArgumentException("no parameter " + name);
        }
        return params[i];
    }

    /** Zeroed gradient arrays, one per parameter tensor. */
    float[][] newGradients() {
        float[][] g = new float[params.length][];
        for (int i = 0; i < params.length; i++) {
            g[i] = new float[params[i].length];
        }
        return g;
    }

    /** A deep copy. */
    public DcdmNetwork copy() {
        DcdmNetwork c = new DcdmNetwork(arch);
        for (int i = 0; i < params.length; i++) {
            c.params[i] = params[i].clone();
        }
        c.notes = new LinkedHashMap<>(notes);
        return c;
    }

    // ---- forward and backward -------------------------------------------------------------------

    /** Activations a backward pass needs, recorded by {@link #forward(Shape, float[], Trace)}. */
    static final class Trace {
        Shape shape;
        float[] input;
        int levels;
        final List<float[][]> pre = new ArrayList<>();
        final List<float[][]> post = new ArrayList<>();
        /** Per level 1..L (index l - 1): the mid.pre, mid.post (or, at L, coarse) block states. */
        final List<List<float[][]>> midPre = new ArrayList<>();
        final List<List<float[][]>> midPost = new ArrayList<>();
        float[] last;
    }

    /**
     * The network applied to a one-channel map {@code x} on grid {@code s} (length
     * {@code s.voxels()}); returns the one-channel output.
     *
     * @throws IllegalArgumentException if the grid's dimension differs from the network's, the grid
     *                                  cannot be pooled as often as the architecture asks, or x has
     *                                  the wrong length
     */
    public float[] forward(Shape s, float[] x) {
        return forward(s, x, null);
    }

    float[] forward(Shape s, float[] x, Trace trace) {
        if (s.dims() != arch.dimensions()) {
            throw new IllegalArgumentException("the network is " + arch.dimensions() + "D but the grid " + s
                    + " is " + s.dims() + "D");
        }
        if (x.length != s.voxels()) {
            throw new IllegalArgumentException("input has length " + x.length + " but the grid " + s + " has "
                    + s.voxels() + " voxels");
        }
        int levels = arch.levelsOn(s);
        int c = arch.channels();
        int n = s.voxels() * c;
        if (trace != null) {
            trace.shape = s;
            trace.input = x;
            trace.levels = levels;
        }
        float[] a = new float[n];
        Layers.conv(s, x, 1, param("conv0.weight"), param("conv0.bias"), c, a, false);
        a = blocks(s, a, "pre", arch.preBlocks(), trace == null ? null : trace.pre);
        float[] u = level(s, a, 1, levels, trace);
        u = blocks(s, u, "post", arch.postBlocks(), trace == null ? null : trace.post);
        if (trace != null) {
            trace.last = u;
        }
        float[] y = new float[s.voxels()];
        Layers.head(s, u, c, param("head.weight"), param("head.bias")[0], y);
        return y;
    }

    /**
     * Level {@code l} of {@code levels} below grid {@code s}: pool {@code skip}, run the coarse
     * blocks (last level) or mid.pre, the next level and mid.post, upsample, multiply by the gain
     * and add {@code skip}. Returns a new array on grid {@code s}; {@code skip} is not modified.
     */
    private float[] level(Shape s, float[] skip, int l, int levels, Trace trace) {
        Shape cs = s.coarse();
        int c = arch.channels();
        float[] p = new float[cs.voxels() * c];
        Layers.avgPool(s, skip, c, p);
        List<float[][]> before = null;
        List<float[][]> after = null;
        if (trace != null) {
            before = new ArrayList<>();
            after = new ArrayList<>();
            trace.midPre.add(before);
            trace.midPost.add(after);
        }
        if (l == levels) {
            p = blocks(cs, p, "coarse", arch.coarseBlocks(), before);
        } else {
            p = blocks(cs, p, "mid.pre", arch.midBlocks(), before);
            p = level(cs, p, l + 1, levels, trace);
            p = blocks(cs, p, "mid.post", arch.midBlocks(), after);
        }
        int n = s.voxels() * c;
        float[] u = new float[n];
        Layers.upsample(s, p, c, u);
        float gain = (float) arch.upsampleGain();
        if (gain != 1f) {
            for (int i = 0; i < n; i++) {
                u[i] *= gain;
            }
        }
        Layers.addInto(u, skip, n);
        return u;
    }

    /**
     * Residual pairs {@code h = relu(conv1(a)); a = relu(conv2(h)) + a}. With a trace, each pair's
     * {a, h, relu(conv2(h))} is kept; without, buffers rotate (the input array may be reused).
     */
    private float[] blocks(Shape s, float[] a, String prefix, int count, List<float[][]> trace) {
        int c = arch.channels();
        int n = s.voxels() * c;
        float[] h = new float[n];
        float[] r = new float[n];
        for (int b = 0; b < count; b++) {
            String name = prefix + "." + b;
            Layers.conv(s, a, c, param(name + ".conv1.weight"), param(name + ".conv1.bias"), c, h, true);
            Layers.conv(s, h, c, param(name + ".conv2.weight"), param(name + ".conv2.bias"), c, r, true);
            if (trace != null) {
                float[] next = r.clone();
                Layers.addInto(next, a, n);
                trace.add(new float[][] {a, h, r});
                a = next;
                h = new float[n];
                r = new float[n];
            } else {
                Layers.addInto(r, a, n);
                float[] free = a;
                a = r;
                r = free;
            }
        }
        return a;
    }

    /**
     * Backward pass: given {@code gy = dL/dy} at the output of the forward pass recorded in
     * {@code trace}, ADDS {@code dL/dtheta} to {@code grads} (from {@link #newGradients()}).
     * The chain rule through each piece is that of its kernel in {@link Layers}; a residual
     * addition passes its gradient to both terms, the skip connection collects the gradient of
     * the upsampling sum and of the pooled path.
     */
    void backward(Trace trace, float[] gy, float[][] grads) {
        Shape s = trace.shape;
        int c = arch.channels();
        int n = s.voxels() * c;
        float[] gu = new float[n];
        int hw = index.get("head.weight");
        grads[hw + 1][0] += Layers.headBackward(s, trace.last, c, param(hw), gy, gu, grads[hw]);
        gu = blocksBackward(s, "post", trace.post, gu, grads);
        float[] gskip = levelBackward(s, gu, 1, trace, grads);
        float[] ga = blocksBackward(s, "pre", trace.pre, gskip, grads);
        int w0 = index.get("conv0.weight");
        Layers.convWeightGrad(s, trace.input, 1, ga, c, grads[w0], grads[w0 + 1]);
    }

    /**
     * Backward through {@link #level}: {@code g} is the gradient at its output
     * {@code gain * upsample(q) + skip}; returns the gradient at {@code skip} (the identity path
     * plus the pooled path). Shared mid weights collect the gradients of every level, since
     * {@link Layers#convWeightGrad} adds.
     */
    private float[] levelBackward(Shape s, float[] g, int l, Trace trace, float[][] grads) {
        Shape cs = s.coarse();
        int c = arch.channels();
        float[] gskip = g.clone();
        float[] gp = new float[cs.voxels() * c];
        Layers.upsampleBackward(s, g, c, gp);
        float gain = (float) arch.upsampleGain();
        if (gain != 1f) {
            for (int i = 0; i < gp.length; i++) {
                gp[i] *= gain;
            }
        }
        if (l == trace.levels) {
            gp = blocksBackward(cs, "coarse", trace.midPre.get(l - 1), gp, grads);
        } else {
            gp = blocksBackward(cs, "mid.post", trace.midPost.get(l - 1), gp, grads);
            gp = levelBackward(cs, gp, l + 1, trace, grads);
            gp = blocksBackward(cs, "mid.pre", trace.midPre.get(l - 1), gp, grads);
        }
        Layers.avgPoolBackward(s, gp, c, gskip);
        return gskip;
    }

    private float[] blocksBackward(Shape s, String prefix, List<float[][]> states, float[] g, float[][] grads) {
        int c = arch.channels();
        int n = s.voxels() * c;
        int taps = arch.taps();
        for (int b = states.size() - 1; b >= 0; b--) {
            float[] a = states.get(b)[0];
            float[] h = states.get(b)[1];
            float[] r = states.get(b)[2];
            String name = prefix + "." + b;
            int w1 = index.get(name + ".conv1.weight");
            int w2 = index.get(name + ".conv2.weight");
            // out = r + a: the gradient reaches r (then through the ReLU mask) and a unchanged.
            float[] gr = g.clone();
            Layers.reluMask(r, gr, n);
            Layers.convWeightGrad(s, h, c, gr, c, grads[w2], grads[w2 + 1]);
            float[] gh = new float[n];
            Layers.conv(s, gr, c, Layers.adjointWeights(taps, c, c, params[w2]), null, c, gh, false);
            Layers.reluMask(h, gh, n);
            Layers.convWeightGrad(s, a, c, gh, c, grads[w1], grads[w1 + 1]);
            float[] ga = new float[n];
            Layers.conv(s, gh, c, Layers.adjointWeights(taps, c, c, params[w1]), null, c, ga, false);
            Layers.addInto(g, ga, n);
        }
        return g;
    }

    // ---- files ------------------------------------------------------------------------------------

    /** The weights as safetensors tensors in PyTorch layout. */
    Map<String, SafeTensors.Tensor> tensors() {
        Map<String, SafeTensors.Tensor> out = new LinkedHashMap<>();
        for (int i = 0; i < specs.size(); i++) {
            out.put(specs.get(i).name(), new SafeTensors.Tensor(specs.get(i).shape(), toFile(i, params[i])));
        }
        return out;
    }

    /** Internal layout to PyTorch layout: {@code pt[((o*Cin + c)*T + t)] = w[(t*Cin + c)*Cout + o]}. */
    float[] toFile(int i, float[] internal) {
        long[] shape = specs.get(i).shape();
        if (!isConvWeight(i)) {
            return internal.clone();
        }
        int co = (int) shape[0];
        int ci = (int) shape[1];
        int taps = arch.taps();
        float[] pt = new float[internal.length];
        for (int t = 0; t < taps; t++) {
            for (int cc = 0; cc < ci; cc++) {
                for (int o = 0; o < co; o++) {
                    pt[(o * ci + cc) * taps + t] = internal[(t * ci + cc) * co + o];
                }
            }
        }
        return pt;
    }

    float[] fromFile(int i, float[] pt) {
        long[] shape = specs.get(i).shape();
        if (!isConvWeight(i)) {
            return pt.clone();
        }
        int co = (int) shape[0];
        int ci = (int) shape[1];
        int taps = arch.taps();
        float[] w = new float[pt.length];
        for (int t = 0; t < taps; t++) {
            for (int cc = 0; cc < ci; cc++) {
                for (int o = 0; o < co; o++) {
                    w[(t * ci + cc) * co + o] = pt[(o * ci + cc) * taps + t];
                }
            }
        }
        return w;
    }

    private boolean isConvWeight(int i) {
        String name = specs.get(i).name();
        return name.endsWith(".weight") && !name.startsWith("head");
    }

    /** The weights file that goes with a description file: {@code NAME.json -> NAME.safetensors}. */
    public static Path weightsPath(Path description) {
        String name = description.getFileName().toString();
        String base = name.endsWith(".json") ? name.substring(0, name.length() - 5) : name;
        return description.resolveSibling(base + ".safetensors");
    }

    /**
     * Writes {@code description} (JSON) and its {@link #weightsPath} (safetensors), each file
     * atomically (a failed save leaves the files that were there).
     */
    public void save(Path description) throws IOException {
        Path weights = weightsPath(description);
        Map<String, Object> json = arch.toJson();
        json.put("weights", weights.getFileName().toString());
        json.put("training", notes);
        dev.solvent.io.AtomicFiles.writeString(description, JsonText.write(json, true) + "\n");
        SafeTensors.write(weights, tensors(), Map.of("format", DcdmArchitecture.FORMAT,
                "version", Integer.toString(DcdmArchitecture.VERSION)));
    }

    /** A model description is a few KB of JSON; anything far larger is not one. */
    static final long MAX_DESCRIPTION_BYTES = 16L << 20;

    /**
     * Loads a model saved by {@link #save} (or written by PyTorch with the same tensor names).
     * Everything is checked before memory is spent on what the files claim, and every error is an
     * {@link IllegalArgumentException} (an {@link IOException} when a file cannot be read) whose
     * message starts with the name of the file at fault: the description (valid UTF-8 JSON, every
     * count within range), and the weights (a valid safetensors file holding exactly the tensors
     * the description implies, with their shapes, every value finite).
     */
    public static DcdmNetwork load(Path description) throws IOException {
        long size = Files.size(description);
        if (size > MAX_DESCRIPTION_BYTES) {
            throw new IllegalArgumentException(description + ": " + size + " bytes is far too large for a DCDM model"
                    + " description (a few KB of JSON)");
        }
        String json = utf8(Files.readAllBytes(description), description.toString());
        Path weights = weightsPath(description);
        if (!Files.exists(weights)) {
            throw new IllegalArgumentException(description + ": the weights file " + weights + " does not exist");
        }
        // The description is checked before the weights are read.
        DcdmArchitecture arch = architecture(json, description.toString());
        return load(json, description.toString(), SafeTensors.read(weights), weights.toString(), arch);
    }

    /** Loads from streams (for example classpath resources); {@code what} names them in errors. */
    public static DcdmNetwork load(InputStream description, InputStream weights, String what) throws IOException {
        String json = utf8(description.readNBytes((int) MAX_DESCRIPTION_BYTES + 1), what);
        if (json.length() > MAX_DESCRIPTION_BYTES) {
            throw new IllegalArgumentException(what + ": far too large for a DCDM model description");
        }
        DcdmArchitecture arch = architecture(json, what);
        return load(json, what, SafeTensors.read(weights, what + " weights"), what + " weights", arch);
    }

    static DcdmNetwork load(String json, String what, SafeTensors.Contents contents) {
        return load(json, what, contents, what, architecture(json, what));
    }

    /** Bytes decoded as UTF-8, refusing malformed input with a message naming {@code what}. */
    private static String utf8(byte[] bytes, String what) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IllegalArgumentException(what + ": not valid UTF-8 text (" + e.getMessage() + ")");
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> description(String json, String what) {
        Object parsed = JsonText.parse(json, what);
        if (!(parsed instanceof Map)) {
            throw new IllegalArgumentException(what + ": the model description is not a JSON object");
        }
        return (Map<String, Object>) parsed;
    }

    private static DcdmArchitecture architecture(String json, String what) {
        return DcdmArchitecture.fromJson(description(json, what), what);
    }

    @SuppressWarnings("unchecked")
    private static DcdmNetwork load(String json, String what, SafeTensors.Contents contents, String weightsWhat,
                                    DcdmArchitecture arch) {
        Map<String, Object> m = description(json, what);
        // Names, shapes and values are checked against the architecture before anything is allocated for it.
        checkWeights(arch.parameters(), contents.tensors(), what, weightsWhat);
        DcdmNetwork net = new DcdmNetwork(arch);
        if (m.get("training") instanceof Map) {
            net.notes = new LinkedHashMap<>((Map<String, Object>) m.get("training"));
        }
        net.setWeights(contents.tensors(), weightsWhat);
        return net;
    }

    /**
     * Checks that {@code tensors} are exactly the tensors of {@code specs}: each present with its
     * shape and finite values, none unknown. Errors name {@code weightsWhat} (and the description).
     */
    private static void checkWeights(List<DcdmArchitecture.ParamSpec> specs, Map<String, SafeTensors.Tensor> tensors,
                                     String what, String weightsWhat) {
        java.util.Set<String> expected = new java.util.HashSet<>();
        for (DcdmArchitecture.ParamSpec spec : specs) {
            expected.add(spec.name());
            SafeTensors.Tensor t = tensors.get(spec.name());
            if (t == null) {
                throw new IllegalArgumentException(weightsWhat + ": tensor " + spec.name() + " is missing (expected shape "
                        + Arrays.toString(spec.shape()) + " for the architecture in " + what + ")");
            }
            if (!Arrays.equals(t.shape(), spec.shape())) {
                throw new IllegalArgumentException(weightsWhat + ": tensor " + spec.name() + " has shape "
                        + Arrays.toString(t.shape()) + " but the architecture in " + what + " needs "
                        + Arrays.toString(spec.shape()));
            }
            float[] v = t.data();
            for (int k = 0; k < v.length; k++) {
                if (!Float.isFinite(v[k])) {
                    throw new IllegalArgumentException(weightsWhat + ": tensor " + spec.name() + " holds " + v[k]
                            + " at index " + k + ": every weight must be finite");
                }
            }
        }
        for (String name : tensors.keySet()) {
            if (!expected.contains(name)) {
                throw new IllegalArgumentException(weightsWhat + ": unexpected tensor " + name
                        + " (not part of the architecture described in " + what + ")");
            }
        }
    }

    /**
     * Replaces all weights by the given tensors (PyTorch layout), checking that every expected
     * tensor is present with its expected shape and finite values and that no unknown tensor is
     * there; {@code what} names the source in errors.
     */
    void setWeights(Map<String, SafeTensors.Tensor> tensors, String what) {
        checkWeights(specs, tensors, what, what);
        for (int i = 0; i < specs.size(); i++) {
            params[i] = fromFile(i, tensors.get(specs.get(i).name()).data());
        }
    }
}
