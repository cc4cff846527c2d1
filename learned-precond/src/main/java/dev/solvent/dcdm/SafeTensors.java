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

    /** Writes tensors (in the map's order) and metadata to a file. */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        Files.write(file, toBytes(tensors, metadata));
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

    /** Reads a file; {@code what} (the file name) prefixes every error. */
    public static Contents read(Path file) throws IOException {
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
        String json = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        Object parsed = JsonText.parse(json, what + " header");
        if (!(parsed instanceof Map)) {
            throw new IllegalArgumentException(what + ": the header is not a JSON object");
        }
        int dataStart = 8 + (int) n;
        long dataLength = bytes.length - (long) dataStart;
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
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
        }
        return new Contents(tensors, metadata);
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
