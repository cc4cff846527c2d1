package dev.solvent.dcdm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The model files: safetensors byte layout, round trips, and every load error. */
class ModelFileTest {

    @TempDir
    Path dir;

    @Test
    void safetensorsBytesFollowTheFormat() {
        Map<String, SafeTensors.Tensor> t = new LinkedHashMap<>();
        t.put("a", new SafeTensors.Tensor(new long[] {2}, new float[] {1.5f, -2f}));
        byte[] bytes = SafeTensors.toBytes(t, Map.of());
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long n = buf.getLong();
        assertEquals(0, n % 8, "header padded to 8 bytes");
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8).trim();
        assertEquals("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", header);
        assertEquals(8 + n + 8, bytes.length);
        buf.position(8 + (int) n);
        assertEquals(1.5f, buf.getFloat());
        assertEquals(-2f, buf.getFloat());
    }

    /** A file written by hand the way PyTorch's safetensors does it (no padding, other key order). */
    @Test
    void readsAHandWrittenFile() {
        String header = "{\"__metadata__\":{\"format\":\"pt\"},\"w\":{\"data_offsets\":[0,12],\"shape\":[1,3],\"dtype\":\"F32\"}}";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate(8 + h.length + 12).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(h.length).put(h).putFloat(1f).putFloat(2f).putFloat(3f);
        SafeTensors.Contents c = SafeTensors.read(buf.array(), "hand");
        assertArrayEquals(new long[] {1, 3}, c.tensors().get("w").shape());
        assertArrayEquals(new float[] {1f, 2f, 3f}, c.tensors().get("w").data());
        assertEquals("pt", c.metadata().get("format"));
    }

    @Test
    void modelRoundTripGivesTheSameOutputs() throws Exception {
        for (int dims = 2; dims <= 3; dims++) {
            DcdmNetwork net = DcdmNetwork.random(new DcdmArchitecture(dims, 3, 1, 2, 1), 5);
            net.trainingNotes().put("grid", "test");
            Path file = dir.resolve("m" + dims + ".json");
            net.save(file);
            assertTrue(Files.exists(dir.resolve("m" + dims + ".safetensors")));
            DcdmNetwork back = DcdmNetwork.load(file);
            assertEquals(net.architecture(), back.architecture());
            assertEquals("test", back.trainingNotes().get("grid"));
            Shape s = dims == 3 ? Shape.of3d(4, 4, 2) : Shape.of2d(4, 6);
            float[] x = new float[s.voxels()];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) Math.sin(i);
            }
            assertArrayEquals(net.forward(s, x), back.forward(s, x), dims + "D outputs after the round trip");
            for (int i = 0; i < net.parameterTensors(); i++) {
                assertArrayEquals(net.param(i), back.param(i), net.paramName(i));
            }
        }
    }

    /** The file layout is PyTorch's [out][in][kz][ky][kx]: check one weight's position by hand. */
    @Test
    void convWeightsAreStoredInPytorchOrder() {
        DcdmNetwork net = DcdmNetwork.random(new DcdmArchitecture(3, 2, 0, 0, 0), 1);
        float[] w = net.param("conv0.weight"); // internal [tap][in=1][out=2]
        java.util.Arrays.fill(w, 0f);
        // tap (dz,dy,dx) = (1,-1,0): t = 9*2 + 3*0 + 1 = 19; output channel 1.
        w[19 * 2 + 1] = 7f;
        float[] file = net.tensors().get("conv0.weight").data();
        // PyTorch index [o=1][c=0][kz=2][ky=0][kx=1] = ((1*1 + 0)*27 + 19)
        assertEquals(7f, file[27 + 19]);
        float sum = 0;
        for (float v : file) {
            sum += v;
        }
        assertEquals(7f, sum);
    }

    private Path saved(DcdmNetwork net, String name) throws Exception {
        Path file = dir.resolve(name + ".json");
        net.save(file);
        return file;
    }

    @Test
    void wrongShapeNamesTheTensorAndBothShapes() throws Exception {
        Path small = saved(DcdmNetwork.random(new DcdmArchitecture(3, 2, 1, 1, 1), 1), "small");
        Path big = saved(DcdmNetwork.random(new DcdmArchitecture(3, 4, 1, 1, 1), 1), "big");
        // The description of the 4-channel model with the weights of the 2-channel one.
        Files.copy(dir.resolve("small.safetensors"), dir.resolve("big.safetensors"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DcdmNetwork.load(big));
        assertTrue(e.getMessage().contains("tensor conv0.weight has shape [2, 1, 3, 3, 3]")
                && e.getMessage().contains("needs [4, 1, 3, 3, 3]"), e.getMessage());
        assertTrue(Files.exists(small));
    }

    @Test
    void unsupportedVersionIsRejected() throws Exception {
        Path f = saved(DcdmNetwork.random(new DcdmArchitecture(2, 2, 1, 1, 1), 1), "v");
        Files.writeString(f, Files.readString(f).replace("\"version\": 1", "\"version\": 3"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DcdmNetwork.load(f));
        assertTrue(e.getMessage().contains("version 3 is not supported"), e.getMessage());
    }

    /** A multilevel model is a version 2 description; it round-trips with its levels, mid blocks and gain. */
    @Test
    void multilevelModelRoundTripsAsVersion2() throws Exception {
        DcdmNetwork net = DcdmNetwork.random(DcdmArchitecture.multilevel(3, 2, 1, 2, 1, 1), 4);
        Path f = saved(net, "ml");
        String json = Files.readString(f);
        assertTrue(json.contains("\"version\": 2") && json.contains("\"levels\": \"auto\"")
                && json.contains("\"upsample_gain\": 4"), json);
        DcdmNetwork back = DcdmNetwork.load(f);
        assertEquals(net.architecture(), back.architecture());
        Shape s = Shape.of3d(16, 16, 16);
        float[] x = new float[s.voxels()];
        x[100] = 1f;
        x[2000] = -0.5f;
        org.junit.jupiter.api.Assertions.assertArrayEquals(net.forward(s, x), back.forward(s, x), 0f);
        Files.writeString(f, json.replace("\"levels\": \"auto\"", "\"levels\": \"deep\""));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DcdmNetwork.load(f));
        assertTrue(e.getMessage().contains("\"levels\" must be an integer or \"auto\""), e.getMessage());
    }

    @Test
    void wrongFormatMissingTensorExtraTensorAndBadDtypeAreRejected() throws Exception {
        DcdmNetwork net = DcdmNetwork.random(new DcdmArchitecture(2, 2, 1, 1, 1), 1);
        Path f = saved(net, "x");
        String json = Files.readString(f);

        Files.writeString(f, json.replace("\"solvent-dcdm\"", "\"other\""));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DcdmNetwork.load(f));
        assertTrue(e.getMessage().contains("not a DCDM model description"), e.getMessage());
        Files.writeString(f, json);

        Map<String, SafeTensors.Tensor> t = net.tensors();
        t.remove("head.bias");
        SafeTensors.write(dir.resolve("x.safetensors"), t, Map.of());
        e = assertThrows(IllegalArgumentException.class, () -> DcdmNetwork.load(f));
        assertTrue(e.getMessage().contains("tensor head.bias is missing"), e.getMessage());

        t = net.tensors();
        t.put("extra", new SafeTensors.Tensor(new long[] {1}, new float[] {0f}));
        SafeTensors.write(dir.resolve("x.safetensors"), t, Map.of());
        e = assertThrows(IllegalArgumentException.class, () -> DcdmNetwork.load(f));
        assertTrue(e.getMessage().contains("unexpected tensor extra"), e.getMessage());

        byte[] bytes = SafeTensors.toBytes(net.tensors(), Map.of());
        String s = new String(bytes, StandardCharsets.ISO_8859_1).replaceFirst("\"F32\"", "\"F16\"");
        Files.write(dir.resolve("x.safetensors"), s.getBytes(StandardCharsets.ISO_8859_1));
        e = assertThrows(IllegalArgumentException.class, () -> DcdmNetwork.load(f));
        assertTrue(e.getMessage().contains("dtype F16"), e.getMessage());

        Files.write(dir.resolve("x.safetensors"), new byte[] {1, 2, 3});
        e = assertThrows(IllegalArgumentException.class, () -> DcdmNetwork.load(f));
        assertTrue(e.getMessage().contains("not a safetensors file"), e.getMessage());

        Files.delete(dir.resolve("x.safetensors"));
        e = assertThrows(IllegalArgumentException.class, () -> DcdmNetwork.load(f));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void offsetsThatDoNotMatchTheShapeAreRejected() {
        String header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate(8 + h.length + 12).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(h.length).put(h);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SafeTensors.read(buf.array(), "f"));
        assertTrue(e.getMessage().contains("tensor w of shape [3] needs 12 bytes"), e.getMessage());
    }

    @Test
    void malformedJsonSaysWhere() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JsonText.parse("{\"a\": [1, 2,}", "d.json"));
        assertTrue(e.getMessage().startsWith("d.json: malformed JSON at character"), e.getMessage());
    }
}
