package dev.solvent.jmh.peers;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One JSON object on one line (jackson-jr), keys in insertion order. Values: strings, numbers (a
 * non-finite double is written as null: JSON has no NaN), booleans, null, and lists and maps of
 * those; anything else is written as its toString().
 */
final class JsonLine {

    private static final JSON WRITER = JSON.builder().enable(JSON.Feature.WRITE_NULL_PROPERTIES).build();

    private final Map<String, Object> fields = new LinkedHashMap<>();

    JsonLine put(String key, Object value) {
        fields.put(key, value);
        return this;
    }

    @Override
    public String toString() {
        try {
            return WRITER.asString(plain(fields));
        } catch (IOException e) {
            // plain() leaves only maps, lists, strings, finite numbers, booleans and null.
            throw new UncheckedIOException(e);
        }
    }

    private static Object plain(Object v) {
        if (v == null || v instanceof String || v instanceof Boolean) {
            return v;
        }
        if (v instanceof Double || v instanceof Float) {
            return Double.isFinite(((Number) v).doubleValue()) ? v : null;
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
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            for (Object o : l) {
                out.add(plain(o));
            }
            return out;
        }
        if (v instanceof double[] a) {
            List<Object> out = new ArrayList<>();
            for (double d : a) {
                out.add(plain(d));
            }
            return out;
        }
        return v.toString();
    }
}
