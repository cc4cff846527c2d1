package dev.solvent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SetupReportTextTest {

    private static Map<String, Object> report() {
        Map<String, Object> levels0 = new LinkedHashMap<>();
        levels0.put("level", 0);
        levels0.put("rows", 1000);
        Map<String, Object> levels1 = new LinkedHashMap<>();
        levels1.put("level", 1);
        levels1.put("rows", 37);
        Map<String, Object> pc = new LinkedHashMap<>();
        pc.put("operatorComplexity", 1.25);
        pc.put("levels", List.of(levels0, levels1));
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("setupSeconds", 0.5);
        report.put("preconditioner", pc);
        return report;
    }

    @Test
    void textShowsSetupTimeNestedValuesAndATableOfLevels() {
        StringWriter text = new StringWriter();
        try (PrintWriter out = new PrintWriter(text)) {
            SetupReportText.print(out, report());
        }
        List<String> lines = text.toString().lines().toList();
        assertEquals("setup           0.500 s", lines.get(0));
        assertEquals("  preconditioner", lines.get(1));
        assertEquals("    operatorComplexity 1.250", lines.get(2));
        assertEquals("    levels", lines.get(3));
        assertTrue(lines.get(4).trim().matches("level +rows"), lines.get(4));
        assertTrue(lines.get(5).trim().matches("0 +1000"), lines.get(5));
        assertTrue(lines.get(6).trim().matches("1 +37"), lines.get(6));
    }

    @Test
    void jsonNestsMapsAndLists() {
        String json = Json.object().put("setup", report()).toString();
        assertEquals("{\"setup\":{\"setupSeconds\":0.5,\"preconditioner\":{\"operatorComplexity\":1.25,"
                + "\"levels\":[{\"level\":0,\"rows\":1000},{\"level\":1,\"rows\":37}]}}}", json);
    }
}
