package dev.solvent.cli;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A JSON object for {@code --json} output, written by jackson-jr on one line: keys in insertion
 * order, non-finite numbers written as null (JSON has no NaN), maps and lists as nested objects
 * and arrays.
 */
public final class Json {

    private static final JSON WRITER = JSON.builder().enable(JSON.Feature.WRITE_NULL_PROPERTIES).build();

    private final Map<String, Object> fields = new LinkedHashMap<>();

    public static Json object() {
        return new Json();
    }

    /**
     * Adds a field: a String, Number, Boolean, null, a double[]/int[] or List written as an array,
     * or a Map (string keys) written as an object; anything else is written as its toString().
     */
    public Json put(String key, Object value) {
        fields.put(key, value);
        return this;
    }

    @Override
    public String toString() {
        try {
            return WRITER.asString(plain(fields));
        } catch (IOException e) {
            // plain() leaves only maps, lists, strings, numbers, booleans and null: writing them cannot fail.
            throw new UncheckedIOException(e);
        }
    }

    /** The value as maps, lists, strings, finite numbers, booleans and nulls. */
    private static Object plain(Object v) {
        if (v == null || v instanceof String || v instanceof Boolean) {
            return v;
        }
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            return Double.isFinite(d) ? v : null;
        }
        if (v instanceof Number) {
            return v;
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                out.put(String.valueOf(e.getKey()), plain(e.getValue()));
            }
            return out;
        }
        List<Object> list = new ArrayList<>();
        if (v instanceof List<?> l) {
            for (Object o : l) {
                list.add(plain(o));
            }
        } else if (v instanceof double[] a) {
            for (double d : a) {
                list.add(plain(d));
            }
        } else if (v instanceof int[] a) {
            for (int i : a) {
                list.add(i);
            }
        } else {
            return v.toString();
        }
        return list;
    }
}
