package dev.solvent.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OtCommandTest {

    @TempDir
    Path dir;

    /** Exit code, stdout and stderr of one run; errors printed as the top-level command does. */
    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = new CommandLine(new OtCommand());
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        cmd.setExecutionExceptionHandler((ex, cl, parsed) -> {
            cl.getErr().println("solvent: error: " + ex.getMessage());
            return 1;
        });
        int code = cmd.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private static double number(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\":(-?[0-9.eE+-]+)").matcher(json);
        assertTrue(m.find(), key + " missing in " + json);
        return Double.parseDouble(m.group(1));
    }

    private static String string(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\":\"([^\"]*)\"").matcher(json);
        assertTrue(m.find(), key + " missing in " + json);
        return m.group(1);
    }

    @Test
    void randomAssignmentJsonBothMethodsAgree() {
        Run sns = run("--random-assignment", "40", "--seed", "3", "--eta", "30", "--json");
        Run sk = run("--random-assignment", "40", "--seed", "3", "--eta", "30", "--method", "sinkhorn", "--tol", "1e-11",
                "--json");
        assertEquals(0, sns.code, sns.err);
        assertEquals(0, sk.code, sk.err);
        assertEquals(1, sns.out.strip().lines().count(), "one JSON line");
        assertEquals("sns", string(sns.out, "method"));
        assertEquals("sinkhorn", string(sk.out, "method"));
        assertTrue(number(sns.out, "marginalError") <= 1e-12, sns.out);
        assertTrue(number(sk.out, "marginalError") <= 1e-11, sk.out);
        assertTrue(number(sns.out, "newtonIterations") >= 1);
        assertTrue(number(sns.out, "cgIterations") >= 1);
        assertEquals(0, number(sk.out, "newtonIterations"));
        assertTrue(number(sk.out, "sinkhornIterations") > number(sns.out, "sinkhornIterations"));
        assertTrue(number(sns.out, "seconds") >= 0);
        assertEquals(number(sk.out, "transportCost"), number(sns.out, "transportCost"), 1e-10);
    }

    private Path csv(String name, String content) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, content);
        return f;
    }

    @Test
    void imagesWithAForcedPlanGiveTheExactCost() throws IOException {
        // All source mass at pixel (0,0), all target mass at (1,1): the only plan moves everything
        // a squared distance 2, which is also the largest cost on a 2x2 grid (scaled cost 1).
        Path a = csv("a.csv", "7,0\n0,0\n");
        Path b = csv("b.csv", "0,0\n0,3\n");
        Run scaled = run("--source", a.toString(), "--target", b.toString(), "--json");
        assertEquals(0, scaled.code, scaled.err);
        assertEquals(1.0, number(scaled.out, "transportCost"), 1e-14);
        assertEquals(1, number(scaled.out, "n"));
        Run euclid = run("--source", a.toString(), "--target", b.toString(), "--cost", "euclidean", "--no-scale",
                "--method", "sinkhorn", "--json");
        assertEquals(Math.sqrt(2), number(euclid.out, "transportCost"), 1e-14);
    }

    @Test
    void readableSummaryWithoutJson() throws IOException {
        Path a = csv("a.csv", "1,2,0\n3,0,1\n1,1,1\n");
        Path b = csv("b.csv", "0,2,2\n1,1,1\n2,0,1\n");
        Run r = run("--source", a.toString(), "--target", b.toString(), "--eta", "200");
        assertEquals(0, r.code, r.err);
        assertTrue(r.out.startsWith("sns: CONVERGED"), r.out);
        assertTrue(r.out.contains("transport cost <C,P> ="), r.out);
    }

    @Test
    void badInputGivesOneLineErrors() throws IOException {
        Run none = run("--json");
        assertNotEquals(0, none.code);
        assertTrue(none.err.contains("--random-assignment"), none.err);

        Path a = csv("a.csv", "1,2\n3,4\n");
        Run both = run("--random-assignment", "5", "--source", a.toString(), "--target", a.toString());
        assertNotEquals(0, both.code);
        assertTrue(both.err.contains("not both"), both.err);

        Run method = run("--random-assignment", "5", "--method", "newton");
        assertNotEquals(0, method.code);
        assertTrue(method.err.contains("unknown method 'newton'"), method.err);

        Run cost = run("--source", a.toString(), "--target", a.toString(), "--cost", "manhattan");
        assertEquals(2, cost.code, "a bad option value is a usage error");
        assertTrue(cost.err.contains("unknown cost 'manhattan'"), cost.err);

        Path bad = csv("bad.csv", "1,2\n3,oops\n");
        Run malformed = run("--source", bad.toString(), "--target", a.toString());
        assertEquals(1, malformed.code);
        assertTrue(malformed.err.contains("line 2") && malformed.err.contains("oops"), malformed.err);
        assertTrue(!malformed.err.contains("\tat "), "no stack trace: " + malformed.err);

        Run eta = run("--random-assignment", "5", "--eta", "-1");
        assertEquals(2, eta.code);
        assertTrue(eta.err.contains("eta"), eta.err);
    }
}
