package dev.solvent.dcdm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The model files' JSON: value types, key order, the written form, and refusals that name the file. */
class JsonTextTest {

    @Test
    void valuesComeBackAsTheLoadersExpectThem() {
        Object v = JsonText.parse("{\"b\": 1, \"a\": [2, 3.5, -4e2], \"c\": {\"d\": null, \"e\": true, \"f\": \"x\\ny\"}}", "t");
        Map<?, ?> m = assertInstanceOf(Map.class, v);
        assertEquals(List.of("b", "a", "c"), List.copyOf(m.keySet()), "keys in file order");
        assertEquals(1L, m.get("b"));
        assertEquals(List.of(2L, 3.5, -400.0), m.get("a"));
        Map<?, ?> c = assertInstanceOf(Map.class, m.get("c"));
        assertTrue(c.containsKey("d") && c.get("d") == null);
        assertEquals(Boolean.TRUE, c.get("e"));
        assertEquals("x\ny", c.get("f"));
        // Mutable: the loaders add to what they read (training notes).
        ((Map<String, Object>) m).put("z", 1L);
    }

    @Test
    void writtenFormIsIndentedWithShortArraysOnOneLineAndNoNaN() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", 2L);
        m.put("shape", List.of(1L, 3L));
        m.put("gain", 4.0);
        m.put("bad", Double.NaN);
        m.put("none", new LinkedHashMap<>());
        m.put("empty", List.of());
        String pretty = JsonText.write(m, true);
        assertTrue(pretty.contains("\"none\": {}") && pretty.contains("\"empty\": []"), pretty);
        assertTrue(pretty.contains("\"version\": 2"), pretty);
        assertTrue(pretty.contains("\"shape\": [1, 3]"), pretty);
        assertTrue(pretty.contains("\"bad\": null"), pretty);
        assertEquals("{\"version\":2,\"shape\":[1,3],\"gain\":4.0,\"bad\":null,\"none\":{},\"empty\":[]}",
                JsonText.write(m, false));
        Map<?, ?> back = (Map<?, ?>) JsonText.parse(pretty, "t");
        assertEquals(4.0, back.get("gain"));
        assertEquals(List.of(1L, 3L), back.get("shape"));
    }

    @Test
    void deepNestingIsRefusedWithAnErrorNotAStackOverflow() {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JsonText.parse(deep, "deep.json"));
        assertTrue(e.getMessage().startsWith("deep.json: malformed JSON at character"), e.getMessage());
        assertTrue(e.getMessage().contains("nesting depth"), e.getMessage());
        // Within the limit it parses.
        String ok = "[".repeat(JsonText.MAX_NESTING) + "]".repeat(JsonText.MAX_NESTING);
        assertInstanceOf(List.class, JsonText.parse(ok, "ok.json"));
    }

    @Test
    void duplicateKeysAndTrailingTextAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JsonText.parse("{\"a\": 1, \"a\": 2}", "dup.json"));
        assertTrue(e.getMessage().startsWith("dup.json: malformed JSON"), e.getMessage());
        assertTrue(e.getMessage().contains("a"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> JsonText.parse("{} x", "tail.json"));
        assertTrue(e.getMessage().startsWith("tail.json: malformed JSON at character"), e.getMessage());
    }

    /** A model description nested past the limit fails to load with the file's name, like any malformed one. */
    @Test
    void deeplyNestedModelDescriptionNamesTheFile(@TempDir Path dir) throws Exception {
        DcdmNetwork net = DcdmNetwork.random(new DcdmArchitecture(2, 2, 1, 1, 1), 1);
        Path f = dir.resolve("m.json");
        net.save(f);
        String json = Files.readString(f);
        String nested = json.substring(0, json.lastIndexOf('}')) + ", \"deep\": " + "[".repeat(5000) + "]".repeat(5000) + "}";
        Files.writeString(f, nested);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DcdmNetwork.load(f));
        assertTrue(e.getMessage().startsWith(f + ": malformed JSON"), e.getMessage());
    }
}
