package dev.solvent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The --json writer: one line, keys in insertion order, JSON's escapes, no NaN. */
class JsonTest {

    @Test
    void writesOneLineInInsertionOrder() {
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("z", 1);
        nested.put("a", List.of(2L, "x"));
        String json = Json.object()
                .put("solver", "cg")
                .put("iterations", 12)
                .put("residual", 1.5e-9)
                .put("converged", true)
                .put("missing", null)
                .put("nested", nested)
                .put("history", new double[] {1.0, Double.NaN, 0.25})
                .put("counts", new int[] {3, 4})
                .toString();
        assertEquals("{\"solver\":\"cg\",\"iterations\":12,\"residual\":1.5E-9,\"converged\":true,\"missing\":null,"
                + "\"nested\":{\"z\":1,\"a\":[2,\"x\"]},\"history\":[1.0,null,0.25],\"counts\":[3,4]}", json);
    }

    @Test
    void nonFiniteNumbersAreNullAndStringsAreEscaped() {
        String json = Json.object().put("inf", Double.POSITIVE_INFINITY).put("nan", Float.NaN)
                .put("text", "a \"quoted\"\\path\nline\t\u0001").toString();
        assertEquals("{\"inf\":null,\"nan\":null,\"text\":\"a \\\"quoted\\\"\\\\path\\nline\\t\\u0001\"}", json);
    }
}
