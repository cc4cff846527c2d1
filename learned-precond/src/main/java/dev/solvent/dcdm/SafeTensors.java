package dev.solvent.dcdm;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes the safetensors format (float32 tensors only), so a model trained with PyTorch
 * can be loaded and ours read by PyTorch:
 * <pre>
 *   8 bytes   N, the header length, unsigned little-endian
 *   N bytes   UTF-8 JSON: {"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, ...,
 *             "__metadata__": {"key": "string value"}}   (padded with spaces)
 *   rest      the raw data; offsets are relative to its start; F32 little-endian, row-major
 * </pre>
 *
 * <p>Reading checks everything the format promises before the data is used, and every error is an
 * {@link IllegalArgumentException} whose message starts with the file's name: the header must be
 * valid UTF-8 JSON (nested at most a few hundred levels), shapes non-negative with a value count
 * that fits one Java array, and the tensors' {@code data_offsets} must tile the data exactly, in
 * any order, without overlaps or gaps, as the format requires.
 */
public final class SafeTensors {

    /** One tensor: its shape and its values in row-major order. */
    public record Tensor(long[] shape, float[] data) {
        public Tensor {
            long count = 1;
            for (long d : shape) {
                if (d < 0) {
                    throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
                }
                count *= d;
            }
            if (count != data.length) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + count
                        + " values, data has " + data.length);
            }
        }
    }

    /** A file's tensors in file order, and its string metadata. */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {
    }

    private SafeTensors() {
    }

    /**
     * Writes tensors (in the map's order) and metadata to a file, atomically: a failed write leaves
     * the file that was there before ({@link dev.solvent.io.AtomicFiles}).
     */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        byte[] bytes = toBytes(tensors, metadata);
        dev.solvent.io.AtomicFiles.write(file, out -> out.write(bytes));
    }

    /** The file's bytes. */
    public static byte[] toBytes(Map<String, Tensor> tensors, Map<String, String> metadata) {
        Map<String, Object> header = new LinkedHashMap<>();
        if (metadata != null && !metadata.isEmpty()) {
            header.put("__metadata__", new LinkedHashMap<>(metadata));
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("dtype", "F32");
            List<Object> shape = new ArrayList<>();
            for (long d : e.getValue().shape()) {
                shape.add(d);
            }
            info.put("shape", shape);
            long end = offset + 4L * e.getValue().data().length;
            info.put("data_offsets", List.of(offset, end));
            header.put(e.getKey(), info);
            offset = end;
        }
        byte[] json = JsonText.write(header, false).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        if (offset + padded + 8 > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("tensors too large for one file");
        }
        ByteBuffer buf = ByteBuffer.allocate((int) (8 + padded + offset)).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(padded);
        buf.put(json);
        for (int i = json.length; i < padded; i++) {
            buf.put((byte) ' ');
        }
        for (Tensor t : tensors.values()) {
            for (float f : t.data()) {
                buf.putFloat(f);
            }
        }
        return buf.array();
    }

    /** Reads a file; its name prefixes every error. */
    public static Contents read(Path file) throws IOException {
        long size = Files.size(file);
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(file + ": " + size + " bytes, more than this reader holds in one array");
        }
        return read(Files.readAllBytes(file), file.toString());
    }

    public static Contents read(InputStream in, String what) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return read(out.toByteArray(), what);
    }

    /** Parses a safetensors image; throws IllegalArgumentException naming the file and the problem. */
    @SuppressWarnings("unchecked")
    public static Contents read(byte[] bytes, String what) {
        if (bytes.length < 8) {
            throw new IllegalArgumentException(what + ": not a safetensors file (shorter than its 8-byte header length)");
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long n = buf.getLong();
        if (n < 2 || n > bytes.length - 8L) {
            throw new IllegalArgumentException(what + ": header length " + n + " does not fit in a file of "
                    + bytes.length + " bytes (not a safetensors file?)");
        }
        String json;
        try {
            json = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, 8, (int) n)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IllegalArgumentException(what + ": the header is not valid UTF-8 text (" + e.getMessage() + ")");
        }
        Object parsed = JsonText.parse(json, what + " header");
        if (!(parsed instanceof Map)) {
            throw new IllegalArgumentException(what + ": the header is not a JSON object");
        }
        int dataStart = 8 + (int) n;
        long dataLength = bytes.length - (long) dataStart;
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        List<long[]> ranges = new ArrayList<>();
        List<String> owners = new ArrayList<>();
        for (Map.Entry<String, Object> e : ((Map<String, Object>) parsed).entrySet()) {
            String name = e.getKey();
            if (name.equals("__metadata__")) {
                if (e.getValue() instanceof Map) {
                    for (Map.Entry<String, Object> m : ((Map<String, Object>) e.getValue()).entrySet()) {
                        metadata.put(m.getKey(), String.valueOf(m.getValue()));
                    }
                }
                continue;
            }
            if (!(e.getValue() instanceof Map)) {
                throw new IllegalArgumentException(what + ": tensor " + name + " has no description object");
            }
            Map<String, Object> info = (Map<String, Object>) e.getValue();
            Object dtype = info.get("dtype");
            if (!"F32".equals(dtype)) {
                throw new IllegalArgumentException(what + ": tensor " + name + " has dtype " + dtype
                        + "; only F32 is supported (convert with tensor.float() before saving)");
            }
            long[] shape = longs(info.get("shape"), what, name, "shape");
            long[] offsets = longs(info.get("data_offsets"), what, name, "data_offsets");
            if (offsets.length != 2 || offsets[0] < 0 || offsets[1] < offsets[0] || offsets[1] > dataLength) {
                throw new IllegalArgumentException(what + ": tensor " + name + " has data_offsets "
                        + Arrays.toString(offsets) + " outside the " + dataLength + " data bytes");
            }
            long count = 1;
            for (long d : shape) {
                if (d < 0) {
                    throw new IllegalArgumentException(what + ": tensor " + name + " has a negative dimension in shape "
                            + Arrays.toString(shape));
                }
                if (d != 0 && count > (Integer.MAX_VALUE - 8) / d) {
                    throw new IllegalArgumentException(what + ": tensor " + name + " of shape " + Arrays.toString(shape)
                            + " holds more values than one Java array can");
                }
                count *= d;
            }
            if (offsets[1] - offsets[0] != 4 * count) {
                throw new IllegalArgumentException(what + ": tensor " + name + " of shape " + Arrays.toString(shape)
                        + " needs " + 4 * count + " bytes but data_offsets give " + (offsets[1] - offsets[0]));
            }
            float[] data = new float[(int) count];
            ByteBuffer view = ByteBuffer.wrap(bytes, dataStart + (int) offsets[0], (int) (4 * count))
                    .order(ByteOrder.LITTLE_ENDIAN);
            view.asFloatBuffer().get(data);
            tensors.put(name, new Tensor(shape, data));
            ranges.add(offsets);
            owners.add(name);
        }
        checkTiling(ranges, owners, dataLength, what);
        return new Contents(tensors, metadata);
    }

    /**
     * The format's rule for the data: the tensors' byte ranges, sorted, follow one another without
     * overlap or gap and end where the file ends.
     */
    private static void checkTiling(List<long[]> ranges, List<String> owners, long dataLength, String what) {
        Integer[] order = new Integer[ranges.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> {
            int c = Long.compare(ranges.get(x)[0], ranges.get(y)[0]);
            return c != 0 ? c : Long.compare(ranges.get(x)[1], ranges.get(y)[1]);
        });
        long end = 0;
        String previous = null;
        for (int i : order) {
            long[] r = ranges.get(i);
            if (r[0] < end) {
                throw new IllegalArgumentException(what + ": the data of tensors " + previous + " and " + owners.get(i)
                        + " overlap (bytes " + r[0] + " to " + Math.min(end, r[1]) + ")");
            }
            if (r[0] > end) {
                throw new IllegalArgumentException(what + ": data bytes " + end + " to " + r[0]
                        + " belong to no tensor (the format allows no gaps)");
            }
            if (r[1] > r[0]) {
                end = r[1];
                previous = owners.get(i);
            }
        }
        if (end != dataLength) {
            throw new IllegalArgumentException(what + ": the tensors cover " + end + " of the " + dataLength
                    + " data bytes (the format allows nothing after the last tensor)");
        }
    }

    private static long[] longs(Object v, String what, String name, String field) {
        if (!(v instanceof List)) {
            throw new IllegalArgumentException(what + ": tensor " + name + " has no " + field + " array");
        }
        List<?> l = (List<?>) v;
        long[] out = new long[l.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(l.get(i) instanceof Long)) {
                throw new IllegalArgumentException(what + ": tensor " + name + " has a non-integer in " + field);
            }
            out[i] = (Long) l.get(i);
        }
        return out;
    }
}
