package dev.solvent.dcdm;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON for the model files (the description and the safetensors header), through jackson-jr.
 * Values come back as {@code LinkedHashMap<String, Object>} (keys in file order), {@code List<Object>},
 * {@code Long} (integral numbers), {@code Double} (the others), String, Boolean and null; non-finite
 * doubles are written as null (JSON has no NaN).
 */
final class JsonText {

    /**
     * The deepest nesting accepted. Model descriptions and safetensors headers are a few levels
     * deep; anything deeper is refused with an error naming the file instead of being recursed into.
     */
    static final int MAX_NESTING = 64;

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING).build())
            .build();

    private static final JSON JSON_IO = JSON.builder(FACTORY)
            .disable(JSON.Feature.USE_DEFERRED_MAPS)
            .enable(JSON.Feature.FAIL_ON_DUPLICATE_MAP_KEYS)
            .enable(JSON.Feature.WRITE_NULL_PROPERTIES)
            .build();

    /** Two-space indentation, {@code "key": value}, arrays on one line, {@code {}} and {@code []} when empty. */
    private static final JSON PRETTY = JSON_IO.with(new DefaultPrettyPrinter(Separators.createDefaultInstance()
                    .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                    .withArrayValueSpacing(Separators.Spacing.AFTER)
                    .withObjectEmptySeparator("")
                    .withArrayEmptySeparator(""))
            .withArrayIndenter(DefaultPrettyPrinter.NopIndenter.instance))
            .with(JSON.Feature.PRETTY_PRINT_OUTPUT);

    private JsonText() {
    }

    /**
     * Parses one JSON value; {@code what} names the source in error messages, which also give the
     * character position of the problem.
     *
     * @throws IllegalArgumentException for malformed JSON, duplicate keys or nesting deeper than
     *     {@link #MAX_NESTING}
     */
    static Object parse(String text, String what) {
        try (JsonParser parser = FACTORY.createParser(text)) {
            try {
                Object value = JSON_IO.anyFrom(parser);
                if (parser.nextToken() != null) {
                    throw error(what, parser, "unexpected text after the JSON value");
                }
                return normalise(value);
            } catch (JsonProcessingException e) {
                String why = e.getOriginalMessage();
                throw error(what, parser, why == null ? e.toString() : why.replace('\n', ' '));
            }
        } catch (IOException e) {
            // A String source has no I/O of its own; whatever comes here is a parse problem.
            throw new IllegalArgumentException(what + ": malformed JSON: " + e.getMessage(), e);
        }
    }

    /** The error for a problem at the parser's position (where it stopped reading). */
    private static IllegalArgumentException error(String what, JsonParser parser, String why) {
        JsonLocation at = parser.currentLocation();
        return new IllegalArgumentException(what + ": malformed JSON at character " + at.getCharOffset() + " (line "
                + at.getLineNr() + ", column " + at.getColumnNr() + "): " + why);
    }

    /** Writes a value built of Map, List, String, Number, Boolean and null, indented when {@code pretty}. */
    static String write(Object v, boolean pretty) {
        try {
            return (pretty ? PRETTY : JSON_IO).asString(forWriting(v));
        } catch (IOException e) {
            // Only maps, lists and plain values reach here; writing them to a string cannot fail.
            throw new UncheckedIOException(e);
        }
    }

    /** Mutable containers in file order, and integral numbers as Long. */
    private static Object normalise(Object v) {
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                out.put(String.valueOf(e.getKey()), normalise(e.getValue()));
            }
            return out;
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            for (Object o : l) {
                out.add(normalise(o));
            }
            return out;
        }
        if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof BigInteger || v instanceof BigDecimal || v instanceof Float) {
            return ((Number) v).doubleValue();
        }
        return v;
    }

    private static Object forWriting(Object v) {
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                out.put(String.valueOf(e.getKey()), forWriting(e.getValue()));
            }
            return out;
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            for (Object o : l) {
                out.add(forWriting(o));
            }
            return out;
        }
        if ((v instanceof Double || v instanceof Float) && !Double.isFinite(((Number) v).doubleValue())) {
            return null;
        }
        return v;
    }
}
