package dev.solvent.dcdm;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The layer layout of a DCDM network (Kaneda et al. 2023), fully convolutional:
 * <pre>
 *   a = conv0(x)                                   3x3(x3), 1 -> C, linear
 *   repeat preBlocks:    h = relu(conv1(a)); a = relu(conv2(h)) + a      (fine grid)
 *   s = a;  p = avgpool2(a)
 *   repeat coarseBlocks: h = relu(conv1(p)); p = relu(conv2(h)) + p      (coarse grid)
 *   u = upsample2(p) + s
 *   repeat postBlocks:   h = relu(conv1(u)); u = relu(conv2(h)) + u      (fine grid)
 *   y = head(u)                                    1x1(x1), C -> 1, linear
 * </pre>
 * The paper's 64^3 model is {@code (3, 16, 2, 3, 2)}: 97,457 parameters.
 *
 * @param dimensions   2 or 3
 * @param channels     feature channels C
 * @param preBlocks    residual pairs on the fine grid before pooling
 * @param coarseBlocks residual pairs on the coarse grid
 * @param postBlocks   residual pairs on the fine grid after upsampling
 */
public record DcdmArchitecture(int dimensions, int channels, int preBlocks, int coarseBlocks, int postBlocks) {

    /** Version of the model description this library writes and reads. */
    public static final int VERSION = 1;
    /** The value of the description's "format" field. */
    public static final String FORMAT = "solvent-dcdm";

    public DcdmArchitecture {
        if (dimensions != 2 && dimensions != 3) {
            throw new IllegalArgumentException("dimensions must be 2 or 3, got " + dimensions);
        }
        if (channels < 1 || channels > 1024) {
            throw new IllegalArgumentException("channels must be in [1, 1024], got " + channels);
        }
        if (preBlocks < 0 || coarseBlocks < 0 || postBlocks < 0) {
            throw new IllegalArgumentException("block counts must be non-negative");
        }
    }

    /** The paper's layout: 16 channels, 2 + 3 + 2 residual pairs. */
    public static DcdmArchitecture paper(int dimensions) {
        return new DcdmArchitecture(dimensions, 16, 2, 3, 2);
    }

    int taps() {
        return dimensions == 3 ? 27 : 9;
    }

    /** A parameter tensor: its name and its shape in the file (PyTorch order {@code [out][in][k..]}). */
    public record ParamSpec(String name, long[] shape) {
        public long size() {
            long s = 1;
            for (long d : shape) {
                s *= d;
            }
            return s;
        }
    }

    /** Names of the 3x3 convolutions in order: conv0, pre.i.conv1/2, coarse.i.conv1/2, post.i.conv1/2. */
    List<String> convNames() {
        List<String> names = new ArrayList<>();
        names.add("conv0");
        addBlocks(names, "pre", preBlocks);
        addBlocks(names, "coarse", coarseBlocks);
        addBlocks(names, "post", postBlocks);
        return names;
    }

    private static void addBlocks(List<String> names, String prefix, int count) {
        for (int i = 0; i < count; i++) {
            names.add(prefix + "." + i + ".conv1");
            names.add(prefix + "." + i + ".conv2");
        }
    }

    /** Every parameter tensor, in file order, weight before bias, the head last. */
    public List<ParamSpec> parameters() {
        List<ParamSpec> specs = new ArrayList<>();
        for (String conv : convNames()) {
            long in = conv.equals("conv0") ? 1 : channels;
            specs.add(new ParamSpec(conv + ".weight", dimensions == 3
                    ? new long[] {channels, in, 3, 3, 3} : new long[] {channels, in, 3, 3}));
            specs.add(new ParamSpec(conv + ".bias", new long[] {channels}));
        }
        specs.add(new ParamSpec("head.weight", dimensions == 3
                ? new long[] {1, channels, 1, 1, 1} : new long[] {1, channels, 1, 1}));
        specs.add(new ParamSpec("head.bias", new long[] {1}));
        return specs;
    }

    /** Total number of trainable values. */
    public long parameterCount() {
        return parameters().stream().mapToLong(ParamSpec::size).sum();
    }

    /** The JSON description (without training notes). */
    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("version", (long) VERSION);
        m.put("dimensions", (long) dimensions);
        m.put("channels", (long) channels);
        Map<String, Object> blocks = new LinkedHashMap<>();
        blocks.put("fine_pre", (long) preBlocks);
        blocks.put("coarse", (long) coarseBlocks);
        blocks.put("fine_post", (long) postBlocks);
        m.put("blocks", blocks);
        List<Object> layers = new ArrayList<>();
        for (String conv : convNames()) {
            Map<String, Object> l = new LinkedHashMap<>();
            l.put("name", conv);
            l.put("type", "conv" + dimensions + "d");
            l.put("kernel", 3L);
            l.put("padding", "zero-same");
            l.put("in", conv.equals("conv0") ? 1L : (long) channels);
            l.put("out", (long) channels);
            l.put("activation", conv.equals("conv0") ? "linear" : "relu");
            l.put("grid", conv.startsWith("coarse") ? "coarse" : "fine");
            if (conv.endsWith("conv2")) {
                l.put("residual_add", "block input");
            }
            layers.add(l);
        }
        layers.add(Map.of("name", "pool", "type", "avgpool", "factor", 2L, "after", preBlocks == 0 ? "conv0" : "pre." + (preBlocks - 1)));
        layers.add(Map.of("name", "upsample", "type", "nearest", "factor", 2L, "skip_add", "input of pool"));
        Map<String, Object> head = new LinkedHashMap<>();
        head.put("name", "head");
        head.put("type", "conv1x1");
        head.put("in", (long) channels);
        head.put("out", 1L);
        head.put("activation", "linear");
        layers.add(head);
        m.put("layers", layers);
        m.put("parameters", parameterCount());
        return m;
    }

    /** Reads and checks a description; {@code what} names the file in errors. */
    @SuppressWarnings("unchecked")
    static DcdmArchitecture fromJson(Map<String, Object> m, String what) {
        if (!FORMAT.equals(m.get("format"))) {
            throw new IllegalArgumentException(what + ": not a DCDM model description (format is "
                    + m.get("format") + ", expected " + FORMAT + ")");
        }
        long version = integer(m, "version", what);
        if (version != VERSION) {
            throw new IllegalArgumentException(what + ": model description version " + version
                    + " is not supported (this library reads version " + VERSION + ")");
        }
        Object b = m.get("blocks");
        if (!(b instanceof Map)) {
            throw new IllegalArgumentException(what + ": missing \"blocks\" object");
        }
        Map<String, Object> blocks = (Map<String, Object>) b;
        try {
            return new DcdmArchitecture((int) integer(m, "dimensions", what), (int) integer(m, "channels", what),
                    (int) integer(blocks, "fine_pre", what), (int) integer(blocks, "coarse", what),
                    (int) integer(blocks, "fine_post", what));
        } catch (IllegalArgumentException e) {
            if (e.getMessage().startsWith(what)) {
                throw e;
            }
            throw new IllegalArgumentException(what + ": " + e.getMessage());
        }
    }

    private static long integer(Map<String, Object> m, String key, String what) {
        Object v = m.get(key);
        if (!(v instanceof Long)) {
            throw new IllegalArgumentException(what + ": field \"" + key + "\" must be an integer, got " + v);
        }
        return (Long) v;
    }
}
