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
 *   u = level1(a)
 *   repeat postBlocks:   h = relu(conv1(u)); u = relu(conv2(h)) + u      (fine grid)
 *   y = head(u)                                    1x1(x1), C -> 1, linear
 *
 *   level_l(s) = gain * upsample2(q) + s, where p = avgpool2(s) and
 *     q = coarse blocks(p)                                       at the last level L
 *     q = mid.post blocks(level_{l+1}(mid.pre blocks(p)))        at the levels before it
 * </pre>
 * The paper's model has one level ({@code levels = 1}, gain 1, no mid blocks): the paper's 64^3
 * model is {@code (3, 16, 2, 3, 2)}, 97,457 parameters.
 *
 * <p>Our multilevel extension ({@code levels != 1}) pools further, like a V-cycle: the mid blocks
 * are the SAME weights at every intermediate level, so the parameter count does not depend on the
 * number of levels and {@code levels = 0} ("auto") lets the depth follow the grid: pooling goes on
 * while the next coarse grid is at least 4 cells wide (16^3: 2 levels, 64^3: 4). Why shared
 * weights: a model trained on small grids, where only a few levels exist, then meets the long
 * wavelengths of a large grid with the operator it learned for a shorter one. Why the gain: in grid
 * units the solution of a Poisson problem on a grid coarsened by 2 is 4 times smaller than on the
 * fine grid for the same (pooled) right-hand side, so a correction coming up one level is scaled
 * by 4 to be in the units of the level above it, whatever the depth.
 *
 * @param dimensions   2 or 3
 * @param channels     feature channels C
 * @param preBlocks    residual pairs on the fine grid before pooling
 * @param coarseBlocks residual pairs on the coarsest grid
 * @param postBlocks   residual pairs on the fine grid after upsampling
 * @param midBlocks    residual pairs before and after pooling at each intermediate level (shared)
 * @param levels       pooling levels: 1 (the paper), a fixed number, or 0 for as many as the grid allows
 * @param upsampleGain factor on every upsampled correction (1 in the paper)
 */
public record DcdmArchitecture(int dimensions, int channels, int preBlocks, int coarseBlocks, int postBlocks,
                               int midBlocks, int levels, double upsampleGain) {

    /**
     * Version of the model description this library writes; version 1 files (one level, no
     * "levels", "mid" or "upsample_gain" fields) are read as well.
     */
    public static final int VERSION = 2;
    /** Smallest coarse-grid width an automatic level count pools down to. */
    public static final int MIN_COARSE_WIDTH = 4;
    /** The value of the description's "format" field. */
    public static final String FORMAT = "solvent-dcdm";
    /** Most residual pairs of each kind (the paper's network has 2, 3 and 2). */
    public static final int MAX_BLOCKS = 1024;

    public DcdmArchitecture {
        if (dimensions != 2 && dimensions != 3) {
            throw new IllegalArgumentException("dimensions must be 2 or 3, got " + dimensions);
        }
        if (channels < 1 || channels > 1024) {
            throw new IllegalArgumentException("channels must be in [1, 1024], got " + channels);
        }
        checkBlocks("fine_pre", preBlocks);
        checkBlocks("coarse", coarseBlocks);
        checkBlocks("fine_post", postBlocks);
        checkBlocks("mid", midBlocks);
        if (levels < 0 || levels > 12) {
            throw new IllegalArgumentException("levels must be 0 (automatic) or 1..12, got " + levels);
        }
        if (levels == 1 && midBlocks != 0) {
            throw new IllegalArgumentException("mid blocks need more than one level (levels = 0 or >= 2), got levels = 1");
        }
        if (!(upsampleGain > 0) || Double.isInfinite(upsampleGain)) {
            throw new IllegalArgumentException("upsample gain must be positive and finite, got " + upsampleGain);
        }
    }

    private static void checkBlocks(String name, int count) {
        if (count < 0 || count > MAX_BLOCKS) {
            throw new IllegalArgumentException("block count \"" + name + "\" must be in [0, " + MAX_BLOCKS + "], got " + count);
        }
    }

    /** The paper's one-level layout with the given channels and block counts. */
    public DcdmArchitecture(int dimensions, int channels, int preBlocks, int coarseBlocks, int postBlocks) {
        this(dimensions, channels, preBlocks, coarseBlocks, postBlocks, 0, 1, 1.0);
    }

    /**
     * The multilevel layout: automatic depth, shared mid blocks, gain 4 (see the class comment).
     */
    public static DcdmArchitecture multilevel(int dimensions, int channels, int preBlocks, int midBlocks,
                                              int coarseBlocks, int postBlocks) {
        return new DcdmArchitecture(dimensions, channels, preBlocks, coarseBlocks, postBlocks, midBlocks, 0, 4.0);
    }

    /**
     * The number of pooling levels on grid {@code s}: {@link #levels()} if fixed, else 1 and then
     * one more for each further halving whose result is still {@value #MIN_COARSE_WIDTH} cells or
     * wider in every pooled dimension.
     *
     * @throws IllegalArgumentException if the grid cannot be pooled that many times
     */
    public int levelsOn(Shape s) {
        if (levels == 1) {
            s.coarse();   // the paper's layout: its own message about even dimensions
            return 1;
        }
        if (levels > 1) {
            Shape g = s;
            for (int l = 0; l < levels; l++) {
                if (!g.poolable()) {
                    throw new IllegalArgumentException("the network pools " + levels + " times by 2: every grid dimension"
                            + " must be divisible by " + (1 << levels) + ", got " + s);
                }
                g = g.coarse();
            }
            return levels;
        }
        Shape g = s.coarse();
        int l = 1;
        while (g.poolable() && g.coarse().minWidth() >= MIN_COARSE_WIDTH) {
            g = g.coarse();
            l++;
        }
        return l;
    }

    /** Whether this is the paper's one-level layout (written as a version 1 description). */
    public boolean singleLevel() {
        return levels == 1 && upsampleGain == 1.0;
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
        if (levels != 1) {
            addBlocks(names, "mid.pre", midBlocks);
            addBlocks(names, "mid.post", midBlocks);
        }
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

    /** Total number of trainable values (counted without listing the tensors). */
    public long parameterCount() {
        long c = channels;
        long conv = c * c * taps() + c;
        long convs = 2L * (preBlocks + coarseBlocks + postBlocks + (levels != 1 ? 2L * midBlocks : 0));
        return (c * taps() + c) + convs * conv + (c + 1);
    }

    /** The JSON description (without training notes). */
    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("version", singleLevel() ? 1L : (long) VERSION);
        m.put("dimensions", (long) dimensions);
        m.put("channels", (long) channels);
        Map<String, Object> blocks = new LinkedHashMap<>();
        blocks.put("fine_pre", (long) preBlocks);
        blocks.put("coarse", (long) coarseBlocks);
        blocks.put("fine_post", (long) postBlocks);
        if (!singleLevel()) {
            blocks.put("mid", (long) midBlocks);
            m.put("levels", levels == 0 ? "auto" : (Object) (long) levels);
            m.put("upsample_gain", upsampleGain);
        }
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
            l.put("grid", conv.startsWith("coarse") ? "coarsest" : conv.startsWith("mid") ? "every intermediate level" : "fine");
            if (conv.endsWith("conv2")) {
                l.put("residual_add", "block input");
            }
            layers.add(l);
        }
        layers.add(Map.of("name", "pool", "type", "avgpool", "factor", 2L, "after", preBlocks == 0 ? "conv0" : "pre." + (preBlocks - 1)));
        layers.add(Map.of("name", "upsample", "type", "nearest", "factor", 2L, "skip_add", "input of pool",
                "gain", upsampleGain));
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
        if (version != 1 && version != VERSION) {
            throw new IllegalArgumentException(what + ": model description version " + version
                    + " is not supported (this library reads versions 1 and " + VERSION + ")");
        }
        Object b = m.get("blocks");
        if (!(b instanceof Map)) {
            throw new IllegalArgumentException(what + ": missing \"blocks\" object");
        }
        Map<String, Object> blocks = (Map<String, Object>) b;
        try {
            int dims = intField(m, "dimensions", what);
            int channels = intField(m, "channels", what);
            int pre = intField(blocks, "fine_pre", what);
            int coarse = intField(blocks, "coarse", what);
            int post = intField(blocks, "fine_post", what);
            if (version == 1) {
                return new DcdmArchitecture(dims, channels, pre, coarse, post);
            }
            Object lv = m.get("levels");
            int levels;
            if ("auto".equals(lv)) {
                levels = 0;
            } else if (lv instanceof Long) {
                levels = intField(m, "levels", what);
            } else {
                throw new IllegalArgumentException(what + ": field \"levels\" must be an integer or \"auto\", got " + lv);
            }
            Object gain = m.get("upsample_gain");
            if (!(gain instanceof Number)) {
                throw new IllegalArgumentException(what + ": field \"upsample_gain\" must be a number, got " + gain);
            }
            return new DcdmArchitecture(dims, channels, pre, coarse, post, intField(blocks, "mid", what),
                    levels, ((Number) gain).doubleValue());
        } catch (IllegalArgumentException e) {
            if (e.getMessage().startsWith(what)) {
                throw e;
            }
            throw new IllegalArgumentException(what + ": " + e.getMessage());
        }
    }

    /** An integer field that must fit an int: a larger value is an error, never truncated. */
    private static int intField(Map<String, Object> m, String key, String what) {
        long v = integer(m, key, what);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(what + ": field \"" + key + "\" is " + v + ", out of range");
        }
        return (int) v;
    }

    private static long integer(Map<String, Object> m, String key, String what) {
        Object v = m.get(key);
        if (!(v instanceof Long)) {
            throw new IllegalArgumentException(what + ": field \"" + key + "\" must be an integer, got " + v);
        }
        return (Long) v;
    }
}
