package dev.solvent.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TuneDemoCommandTest {

    /** Parses and calls the command directly, so that its exceptions reach the test unwrapped. */
    private static String run(String... args) {
        TuneDemoCommand command = new TuneDemoCommand();
        CommandLine cl = new CommandLine(command);
        StringWriter sw = new StringWriter();
        cl.setOut(new PrintWriter(sw));
        cl.parseArgs(args);
        assertEquals(0, command.call(), sw.toString());
        return sw.toString();
    }

    @Test
    void laplacianTableHasEveryMethod() {
        String out = run("--rounds", "40", "--offsets", "both");
        for (String method : new String[] {"omega=1.0", "omega=1.4", "omega=1.6", "omega=1.7", "omega=1.8",
                "best-fixed", "best-fixed-per-bin", "instance-optimal", "young-per-instance",
                "tsallis-inf", "tsallis-inf-cb", "tsallis-inf-cb-quantile", "chebcb"}) {
            assertEquals(2, count(out, "\n" + method + " "), method + " missing from\n" + out);
        }
        assertTrue(out.contains("high variance") && out.contains("low variance"), out);
    }

    @Test
    void jsonGivesOneObjectPerRow() {
        String out = run("--rounds", "20", "--json");
        String[] lines = out.strip().split("\n");
        assertEquals(13, lines.length, out);
        for (String line : lines) {
            assertTrue(line.startsWith("{\"experiment\":\"laplacian\",\"offsets\":\"high\""), line);
            assertTrue(line.contains("\"mean_iterations_last_window\":"), line);
        }
        assertTrue(out.contains("\"method\":\"chebcb\""), out);
    }

    @Test
    void heatTableHasEveryMethodAndCgRatios() {
        String out = run("--experiment", "heat", "--nx", "8", "--rounds", "12");
        for (String method : new String[] {"cg", "omega=1.0", "omega=1.3", "omega=1.5", "omega=1.75", "omega=1.95",
                "best-fixed", "instance-optimal", "tsallis-inf", "tsallis-inf-cb", "tsallis-inf-cb-quantile", "chebcb"}) {
            assertEquals(1, count(out, "\n" + method + " "), method + " missing from\n" + out);
        }
        // CG against itself.
        assertTrue(out.matches("(?s).*\ncg +\\d+ +[0-9.]+ +[0-9.]+ +1\\.00 +1\\.00 +1\\.00.*"), out);
    }

    @Test
    void badInputIsAClearError() {
        picocli.CommandLine.ParameterException e = assertThrows(picocli.CommandLine.ParameterException.class,
                () -> run("--rounds", "0"));
        assertEquals("--rounds must be at least 1, got 0", e.getMessage());
        assertThrows(picocli.CommandLine.ParameterException.class, () -> run("--experiment", "heat", "--nx", "2"));
    }

    private static int count(String s, String sub) {
        int n = 0;
        for (int i = s.indexOf(sub); i >= 0; i = s.indexOf(sub, i + 1)) {
            n++;
        }
        return n;
    }
}
