package dev.solvent.dcdm;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The small JSON reader and writer the model files need (no dependency): objects become
 * {@code LinkedHashMap<String, Object>}, arrays {@code List<Object>}, numbers {@code Double} (or
 * {@code Long} when integral and written without fraction or exponent), plus String, Boolean, null.
 * Arrays and objects nest at most {@value #MAX_DEPTH} levels deep (a model description needs
 * five), so a hostile file cannot exhaust the stack.
 */
final class JsonText {

    /** Deepest nesting of arrays and objects accepted. */
    static final int MAX_DEPTH = 256;

    private final String s;
    private int pos;
    private int depth;

    private JsonText(String s) {
        this.s = s;
    }

    /** Parses one JSON value; {@code what} names the source in error messages. */
    static Object parse(String text, String what) {
        JsonText p = new JsonText(text);
        p.skip();
        Object v = p.value(what);
        p.skip();
        if (p.pos != text.length()) {
            throw p.error(what, "unexpected text after the JSON value");
        }
        return v;
    }

    private IllegalArgumentException error(String what, String why) {
        return new IllegalArgumentException(what + ": malformed JSON at character " + pos + ": " + why);
    }

    private void skip() {
        while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
            pos++;
        }
    }

    private Object value(String what) {
        if (pos >= s.length()) {
            throw error(what, "unexpected end");
        }
        char c = s.charAt(pos);
        if ((c == '{' || c == '[') && depth >= MAX_DEPTH) {
            throw error(what, "arrays and objects nested deeper than " + MAX_DEPTH + " levels");
        }
        switch (c) {
            case '{': {
                depth++;
                pos++;
                Map<String, Object> m = new LinkedHashMap<>();
                skip();
                if (peek() == '}') {
                    pos++;
                    depth--;
                    return m;
                }
                while (true) {
                    skip();
                    if (peek() != '"') {
                        throw error(what, "expected a string key");
                    }
                    String k = string(what);
                    skip();
                    expect(':', what);
                    skip();
                    m.put(k, value(what));
                    skip();
                    char d = peek();
                    pos++;
                    if (d == '}') {
                        depth--;
                        return m;
                    }
                    if (d != ',') {
                        pos--;
                        throw error(what, "expected ',' or '}'");
                    }
                }
            }
            case '[': {
                depth++;
                pos++;
                List<Object> l = new ArrayList<>();
                skip();
                if (peek() == ']') {
                    pos++;
                    depth--;
                    return l;
                }
                while (true) {
                    skip();
                    l.add(value(what));
                    skip();
                    char d = peek();
                    pos++;
                    if (d == ']') {
                        depth--;
                        return l;
                    }
                    if (d != ',') {
                        pos--;
                        throw error(what, "expected ',' or ']'");
                    }
                }
            }
            case '"':
                return string(what);
            case 't':
                literal("true", what);
                return Boolean.TRUE;
            case 'f':
                literal("false", what);
                return Boolean.FALSE;
            case 'n':
                literal("null", what);
                return null;
            default:
                return number(what);
        }
    }

    private char peek() {
        return pos < s.length() ? s.charAt(pos) : '\0';
    }

    private void expect(char c, String what) {
        if (peek() != c) {
            throw error(what, "expected '" + c + "'");
        }
        pos++;
    }

    private void literal(String word, String what) {
        if (!s.startsWith(word, pos)) {
            throw error(what, "unknown literal");
        }
        pos += word.length();
    }

    private String string(String what) {
        expect('"', what);
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= s.length()) {
                throw error(what, "unterminated string");
            }
            char c = s.charAt(pos++);
            if (c == '"') {
                return sb.toString();
            }
            if (c == '\\') {
                if (pos >= s.length()) {
                    throw error(what, "unterminated escape");
                }
                char e = s.charAt(pos++);
                switch (e) {
                    case 'n': sb.append('\n'); break;
                    case 't': sb.append('\t'); break;
                    case 'r': sb.append('\r'); break;
                    case 'b': sb.append('\b'); break;
                    case 'f': sb.append('\f'); break;
                    case 'u':
                        if (pos + 4 > s.length()) {
                            throw error(what, "short \\u escape");
                        }
                        try {
                            sb.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
                        } catch (NumberFormatException bad) {
                            throw error(what, "bad \\u escape");
                        }
                        pos += 4;
                        break;
                    default: sb.append(e);
                }
            } else {
                sb.append(c);
            }
        }
    }

    private Object number(String what) {
        int start = pos;
        boolean integral = true;
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if ((c >= '0' && c <= '9') || c == '-' || c == '+') {
                pos++;
            } else if (c == '.' || c == 'e' || c == 'E') {
                integral = false;
                pos++;
            } else {
                break;
            }
        }
        if (start == pos) {
            throw error(what, "unexpected character '" + s.charAt(pos) + "'");
        }
        String t = s.substring(start, pos);
        try {
            return integral ? (Object) Long.parseLong(t) : (Object) Double.parseDouble(t);
        } catch (NumberFormatException e) {
            throw error(what, "bad number '" + t + "'");
        }
    }

    /** Writes a value built of Map, List, String, Number, Boolean, null (pretty when indent >= 0). */
    static String write(Object v, boolean pretty) {
        StringBuilder sb = new StringBuilder();
        write(sb, v, pretty ? 0 : -1);
        return sb.toString();
    }

    private static void write(StringBuilder sb, Object v, int indent) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof Map) {
            Map<?, ?> m = (Map<?, ?>) v;
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                if (indent >= 0) {
                    newline(sb, indent + 1);
                }
                quote(sb, String.valueOf(e.getKey()));
                sb.append(indent >= 0 ? ": " : ":");
                write(sb, e.getValue(), indent >= 0 ? indent + 1 : -1);
            }
            if (!m.isEmpty()) {
                newline(sb, indent);
            }
            sb.append('}');
        } else if (v instanceof List) {
            List<?> l = (List<?>) v;
            boolean flat = l.stream().noneMatch(x -> x instanceof Map || x instanceof List);
            sb.append('[');
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) {
                    sb.append(flat && indent >= 0 ? ", " : ",");
                }
                if (!flat && indent >= 0) {
                    newline(sb, indent + 1);
                }
                write(sb, l.get(i), indent >= 0 ? indent + 1 : -1);
            }
            if (!flat && !l.isEmpty()) {
                newline(sb, indent);
            }
            sb.append(']');
        } else if (v instanceof String) {
            quote(sb, (String) v);
        } else if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (!Double.isFinite(d)) {
                sb.append("null");
            } else {
                sb.append(d);
            }
        } else {
            sb.append(v);
        }
    }

    private static void newline(StringBuilder sb, int indent) {
        if (indent >= 0) {
            sb.append('\n');
            for (int i = 0; i < indent; i++) {
                sb.append("  ");
            }
        }
    }

    private static void quote(StringBuilder sb, String str) {
        sb.append('"');
        for (int i = 0; i < str.length(); i++) {
            char c = str.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        sb.append('"');
    }
}
