package dev.solvent.dcdm;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Corrupted and hostile model files: each is refused with an exception whose message names the
 * file, before memory is spent on what it claims, never with a StackOverflowError or an
 * OutOfMemoryError, and never loaded silently with a wrong value. The tests go through the model
 * loading API only, so they hold whatever JSON parser sits underneath.
 */
class ModelFileValidationTest {

    @TempDir
    Path dir;

    private Path model(String name) throws Exception {
        Path f = dir.resolve(name + ".json");
        DcdmNetwork.random(new DcdmArchitecture(2, 2, 1, 1, 1), 3).save(f);
        return f;
    }

    private static Path weights(Path description) {
        return DcdmNetwork.weightsPath(description);
    }

    /** Bytes this thread allocates while loading. */
    private static long allocated(Runnable r) {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean)
                java.lang.management.ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        long before = mx.getThreadAllocatedBytes(id);
        r.run();
        return mx.getThreadAllocatedBytes(id) - before;
    }

    /** Loads and expects a refusal naming {@code file} and containing each of {@code words}. */
    private static String refused(Path description, Path file, String... words) {
        Throwable[] thrown = new Throwable[1];
        long bytes = allocated(() -> {
            try {
                DcdmNetwork.load(description);
            } catch (Throwable t) {
                thrown[0] = t;
            }
        });
        Throwable t = thrown[0];
        if (t == null) {
            fail("loaded " + description + " without complaint");
        }
        if (!(t instanceof IllegalArgumentException) && !(t instanceof java.io.IOException)) {
            throw new AssertionError("expected an IllegalArgumentException or IOException, got " + t, t);
        }
        String m = String.valueOf(t.getMessage());
        assertTrue(m.contains(file.toString()), "the message does not name " + file + ": " + m);
        for (String w : words) {
            assertTrue(m.contains(w), "'" + w + "' missing in: " + m);
        }
        assertTrue(bytes < (64L << 20), "allocated " + bytes + " bytes before refusing");
        return m;
    }

    private static String nested(int depth) {
        return "[".repeat(depth) + "]".repeat(depth);
    }

    @Test
    void aDeeplyNestedDescriptionGivesAClearErrorNamingTheFile() throws Exception {
        Path f = model("deep");
        Files.writeString(f, nested(100_000));
        refused(f, f);
        String json = Files.readString(model("deep2"));
        Path g = dir.resolve("deep2.json");
        assertTrue(json.contains("\"training\": {}"), json);
        Files.writeString(g, json.replace("\"training\": {}", "\"training\": {\"x\": " + nested(100_000) + "}"));
        refused(g, g);
    }

    @Test
    void aDeeplyNestedSafetensorsHeaderGivesAClearErrorNamingTheFile() throws Exception {
        Path f = model("deepw");
        byte[] h = ("{\"__metadata__\":" + nested(100_000) + "}").getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate(8 + h.length).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(h.length).put(h);
        Files.write(weights(f), buf.array());
        refused(f, weights(f));
    }

    @Test
    void hugeBlockCountsAreRefusedBeforeAllocating() throws Exception {
        Path f = model("huge");
        String json = Files.readString(f);
        Files.writeString(f, json.replace("\"coarse\": 1", "\"coarse\": 100000000"));
        refused(f, f, "coarse");
    }

    @Test
    void aChannelCountBeyondIntIsRefusedNotTruncated() throws Exception {
        Path f = model("wide");
        String json = Files.readString(f);
        long wraps = (1L << 32) + 2;   // (int) of this is 2, the saved channel count
        Files.writeString(f, json.replace("\"channels\": 2", "\"channels\": " + wraps));
        refused(f, f, "channels");
    }

    private static byte[] safetensors(String header, float... data) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate(8 + h.length + 4 * data.length).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(h.length).put(h);
        for (float v : data) {
            buf.putFloat(v);
        }
        return buf.array();
    }

    @Test
    void overlappingDataOffsetsAreRefused() throws Exception {
        Path f = dir.resolve("t.safetensors");
        Files.write(f, safetensors("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 1, 2, 3));
        try {
            SafeTensors.read(f);
            fail("overlapping tensors were read");
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("overlap"), e.getMessage());
        }
        // The same through a model: two weights sharing bytes.
        Path m = model("overlap");
        SafeTensors.Contents c = SafeTensors.read(weights(m));
        StringBuilder header = new StringBuilder("{");
        long offset = 0;
        int k = 0;
        int total = 0;
        for (Map.Entry<String, SafeTensors.Tensor> e : c.tensors().entrySet()) {
            total += e.getValue().data().length;
        }
        float[] data = new float[total];
        for (Map.Entry<String, SafeTensors.Tensor> e : c.tensors().entrySet()) {
            long len = 4L * e.getValue().data().length;
            long begin = k == 1 ? 0 : offset;   // the second tensor re-uses the first one's bytes
            header.append(k == 0 ? "" : ",").append('"').append(e.getKey()).append("\":{\"dtype\":\"F32\",\"shape\":")
                    .append(java.util.Arrays.toString(e.getValue().shape()).replace(" ", ""))
                    .append(",\"data_offsets\":[").append(begin).append(',').append(begin + len).append("]}");
            offset = Math.max(offset, begin + len);
            k++;
        }
        header.append('}');
        Files.write(weights(m), safetensors(header.toString(), java.util.Arrays.copyOf(data, (int) (offset / 4))));
        refused(m, weights(m), "overlap");
    }

    @Test
    void nanAndInfiniteWeightsAreRefused() throws Exception {
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            Path m = model("nan");
            DcdmNetwork net = DcdmNetwork.load(m);
            Map<String, SafeTensors.Tensor> t = net.tensors();
            t.get("pre.0.conv1.weight").data()[5] = bad;
            SafeTensors.write(weights(m), t, Map.of());
            refused(m, weights(m), "pre.0.conv1.weight");
        }
    }

    @Test
    void negativeShapesAndInvalidUtf8NameTheFile() throws Exception {
        Path f = dir.resolve("neg.safetensors");
        Files.write(f, safetensors("{\"a\":{\"dtype\":\"F32\",\"shape\":[-2,-2],\"data_offsets\":[0,16]}}", 1, 2, 3, 4));
        try {
            SafeTensors.read(f);
            fail("a negative shape was read");
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
        }
        Path m = model("utf");
        byte[] json = Files.readAllBytes(m);
        byte[] broken = new byte[json.length + 2];
        System.arraycopy(json, 0, broken, 0, 20);
        broken[20] = (byte) 0xC3;
        broken[21] = (byte) 0x28;
        System.arraycopy(json, 20, broken, 22, json.length - 20);
        Files.write(m, broken);
        refused(m, m, "UTF-8");
        Path w = model("utfw");
        byte[] st = Files.readAllBytes(weights(w));
        st[10] = (byte) 0xFF;   // inside the JSON header
        Files.write(weights(w), st);
        refused(w, weights(w), "UTF-8");
    }
}
