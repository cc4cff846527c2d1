package dev.solvent.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The text form of a solver's setup report ({@link dev.solvent.solve.BoundSolver#setupReport()}):
 * {@code setupSeconds} as a "setup" line, every other entry as an indented "name value" line, a
 * list of maps (a multigrid hierarchy's levels) as a small table.
 */
final class SetupReportText {

    private SetupReportText() {
    }

    static void print(PrintWriter out, Map<String, Object> report) {
        Object seconds = report.get("setupSeconds");
        if (seconds instanceof Number s) {
            out.printf(Locale.ROOT, "setup           %.3f s%n", s.doubleValue());
        }
        for (Map.Entry<String, Object> e : report.entrySet()) {
            if (!e.getKey().equals("setupSeconds")) {
                entry(out, "  ", e.getKey(), e.getValue());
            }
        }
    }

    private static void entry(PrintWriter out, String indent, String key, Object value) {
        if (value instanceof Map<?, ?> map) {
            out.printf("%s%s%n", indent, key);
            for (Map.Entry<?, ?> e : map.entrySet()) {
                entry(out, indent + "  ", String.valueOf(e.getKey()), e.getValue());
            }
        } else if (value instanceof List<?> list && !list.isEmpty() && list.get(0) instanceof Map<?, ?> first) {
            out.printf("%s%s%n", indent, key);
            table(out, indent + "  ", first.keySet().stream().map(String::valueOf).toList(), list);
        } else {
            out.printf("%s%-13s %s%n", indent, key, format(value));
        }
    }

    private static void table(PrintWriter out, String indent, List<String> columns, List<?> rows) {
        int[] width = new int[columns.size()];
        String[][] cells = new String[rows.size()][columns.size()];
        for (int c = 0; c < columns.size(); c++) {
            width[c] = columns.get(c).length();
        }
        for (int r = 0; r < rows.size(); r++) {
            Map<?, ?> row = (Map<?, ?>) rows.get(r);
            for (int c = 0; c < columns.size(); c++) {
                cells[r][c] = format(row.get(columns.get(c)));
                width[c] = Math.max(width[c], cells[r][c].length());
            }
        }
        StringBuilder header = new StringBuilder(indent);
        for (int c = 0; c < columns.size(); c++) {
            header.append(String.format("%" + (width[c] + 2) + "s", columns.get(c)));
        }
        out.println(header);
        for (String[] row : cells) {
            StringBuilder line = new StringBuilder(indent);
            for (int c = 0; c < columns.size(); c++) {
                line.append(String.format("%" + (width[c] + 2) + "s", row[c]));
            }
            out.println(line);
        }
    }

    private static String format(Object value) {
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (d == Math.rint(d) && Math.abs(d) < 1e15) {
                return String.format(Locale.ROOT, "%.1f", d);
            }
            return String.format(Locale.ROOT, "%.4g", d);
        }
        return String.valueOf(value);
    }
}
