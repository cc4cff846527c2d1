package dev.solvent.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The command line under misuse: no input is ever overwritten, outputs are checked before the
 * work and written whole or not at all, the report is printed whatever happens to the output,
 * every failure is one line (out-of-memory included), and the exit status says what happened:
 * 0 success, 1 error, 2 usage, 3 not converged.
 */
class CliReliabilityTest {

    @TempDir
    Path dir;

    record Run(int status, String out, String err) {
    }

    static Run run(CommandLine cl, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int status = cl.execute(args);
        return new Run(status, out.toString(), err.toString());
    }

    static Run run(String... args) {
        return run(SolventCommand.commandLine(), args);
    }

    static void assertOneLineError(Run r, String... mustContain) {
        List<String> lines = r.err().lines().filter(l -> !l.startsWith("Try '")).toList();
        assertEquals(1, lines.size(), "expected one error line, got:\n" + r.err());
        assertTrue(lines.get(0).startsWith("solvent: error: "), r.err());
        assertFalse(r.err().contains("\tat "), "stack trace leaked:\n" + r.err());
        for (String s : mustContain) {
            assertTrue(lines.get(0).contains(s), "'" + s + "' missing in: " + lines.get(0));
        }
    }

    private Path tridiagonal(String name) throws IOException {
        StringBuilder sb = new StringBuilder("%%MatrixMarket matrix coordinate real symmetric\n6 6 11\n");
        for (int i = 1; i <= 6; i++) {
            sb.append(i).append(' ').append(i).append(" 2.5\n");
            if (i < 6) {
                sb.append(i + 1).append(' ').append(i).append(" -1\n");
            }
        }
        Path f = dir.resolve(name);
        Files.writeString(f, sb.toString());
        return f;
    }

    private Path vector(String name, int n) throws IOException {
        StringBuilder sb = new StringBuilder("%%MatrixMarket matrix array real general\n" + n + " 1\n");
        for (int i = 0; i < n; i++) {
            sb.append(i + 1).append('\n');
        }
        Path f = dir.resolve(name);
        Files.writeString(f, sb.toString());
        return f;
    }

    private static String string(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\":\"([^\"]*)\"").matcher(json);
        assertTrue(m.find(), key + " missing in " + json);
        return m.group(1);
    }

    // ---- item 4: inputs are never overwritten; outputs are whole or absent ----------------------

    @Test
    void anOutputThatIsAnInputIsRefusedAndTheInputKept() throws Exception {
        Path a = tridiagonal("A.mtx");
        Path b = vector("b.mtx", 6);
        byte[] aBefore = Files.readAllBytes(a);
        byte[] bBefore = Files.readAllBytes(b);
        for (String[] args : List.of(
                new String[] {"solve", a.toString(), "--out", a.toString()},
                new String[] {"solve", a.toString(), "--rhs", b.toString(), "--out", b.toString()},
                new String[] {"solve", a.toString(), "--x0", b.toString(), "--out", b.toString()},
                new String[] {"solve", a.toString(), "--out", dir.resolve("sub/../A.mtx").toString()})) {
            Files.createDirectories(dir.resolve("sub"));
            Run r = run(args);
            assertEquals(2, r.status(), String.join(" ", args) + ": " + r.err());
            assertOneLineError(r, "--out");
            assertArrayEquals(aBefore, Files.readAllBytes(a), "the matrix was overwritten");
            assertArrayEquals(bBefore, Files.readAllBytes(b), "the right-hand side was overwritten");
        }
        Run gen = run("generate", "poisson2d", "--n", "4", "--out", a.toString(), "--rhs-out", a.toString());
        assertEquals(2, gen.status(), gen.err());
    }

    // ---- item 5: the destination is checked first; the report is always printed ----------------

    @Test
    void aMissingOutputFolderIsReportedBeforeAnyInputIsReadOrSolved() throws Exception {
        Path a = tridiagonal("A.mtx");
        Path wrongLength = vector("b3.mtx", 3);
        Path missing = dir.resolve("no-such-folder").resolve("x.mtx");
        Run r = run("solve", a.toString(), "--rhs", wrongLength.toString(), "--out", missing.toString());
        assertEquals(1, r.status());
        // Had the rhs been read first, the error would be about its length.
        assertOneLineError(r, "no-such-folder", "--out");
        assertEquals("", r.out());
        Path notAFolder = tridiagonal("plain.mtx").resolve("x.mtx");
        Run g = run("generate", "poisson2d", "--n", "4", "--out", notAFolder.toString());
        assertEquals(1, g.status(), g.err());
        assertOneLineError(g, "plain.mtx");
    }

    @Test
    void whenTheSolutionCannotBeWrittenTheReportIsStillPrintedAndNothingHalfWrittenRemains() throws Exception {
        Path a = tridiagonal("A.mtx");
        Path x = dir.resolve("x.mtx");
        SolveCommand.SolutionWriter saved = SolveCommand.solutionWriter;
        try {
            // A disk that fills up in the middle of the file.
            SolveCommand.solutionWriter = (v, file) -> dev.solvent.io.AtomicFiles.write(file, out -> {
                out.write("%%MatrixMarket matrix array real general\n".getBytes());
                throw new IOException("No space left on device");
            });
            for (boolean json : new boolean[] {false, true}) {
                Run r = json ? run("solve", a.toString(), "--out", x.toString(), "--json")
                        : run("solve", a.toString(), "--out", x.toString());
                assertEquals(1, r.status(), r.err());
                assertOneLineError(r, "x.mtx", "No space left on device");
                assertTrue(r.out().contains("CONVERGED_RTOL"), "the report is missing:\n" + r.out());
                assertFalse(Files.exists(x), "a partial solution file was left");
                try (var files = Files.list(dir)) {
                    assertEquals(List.of("A.mtx"), files.map(p -> p.getFileName().toString()).sorted().toList(),
                            "a temporary file was left behind");
                }
            }
        } finally {
            SolveCommand.solutionWriter = saved;
        }
        Run ok = run("solve", a.toString(), "--out", x.toString());
        assertEquals(0, ok.status(), ok.err());
        assertTrue(ok.out().contains("written to " + x), ok.out());
    }

    @Test
    void trainDcdmChecksItsOutputBeforeTraining() throws Exception {
        Path blocker = Files.writeString(dir.resolve("file.txt"), "not a folder");
        Run r = run("train-dcdm", "--grid", "8", "--domains", "1", "--channels", "2", "--blocks", "1,1,1",
                "--lanczos-steps", "5", "--steps", "1", "--checkpoint-dir", dir.resolve("ck").toString(),
                "-o", blocker.resolve("m.json").toString());
        assertEquals(1, r.status(), r.err());
        assertOneLineError(r, "file.txt");
        assertFalse(r.out().contains("domain"), "training data was built before the output was checked:\n" + r.out());
    }

    // ---- items 6, 7: sizes and memory ----------------------------------------------------------

    @Test
    void hugeDeclaredSizesAreOneLineNamingFileAndLine() throws Exception {
        Path a = dir.resolve("huge.mtx");
        Files.writeString(a, "%%MatrixMarket matrix coordinate real general\n2000000000 2000000000 0\n");
        Run r = run("solve", a.toString());
        assertEquals(1, r.status());
        assertOneLineError(r, "huge.mtx:2:");
        Path m = tridiagonal("A.mtx");
        Path b = dir.resolve("b.mtx");
        Files.writeString(b, "%%MatrixMarket matrix coordinate real general\n2000000000 1 0\n");
        for (String opt : new String[] {"--rhs", "--x0"}) {
            Run rb = run("solve", m.toString(), opt, b.toString());
            assertEquals(1, rb.status());
            assertOneLineError(rb, "b.mtx:2:", "6");
        }
    }

    /** A command that runs out of memory, as a solve of a too large problem would. */
    @CommandLine.Command(name = "exhaust")
    static final class Exhaust implements Callable<Integer> {
        @Override
        public Integer call() {
            throw new OutOfMemoryError("Java heap space");
        }
    }

    @Test
    void outOfMemoryIsOneLineSuggestingMoreHeap() {
        CommandLine cl = SolventCommand.commandLine();
        cl.addSubcommand("exhaust", new Exhaust());
        Run r = run(cl, "exhaust");
        assertEquals(1, r.status());
        assertOneLineError(r, "out of memory", "JAVA_OPTS=-Xmx");
    }

    @Test
    void aRandomAssignmentTooLargeForTheHeapIsOneLine() {
        long max = Runtime.getRuntime().maxMemory();
        int n = (int) Math.min(46_000, Math.ceil(Math.sqrt(max / 8.0)) + 1);
        org.junit.jupiter.api.Assumptions.assumeTrue(8.0 * n * n > max);
        Run r = run("ot", "--random-assignment", Integer.toString(n));
        assertEquals(1, r.status());
        assertOneLineError(r, "-Xmx");
    }

    // ---- item 12: exit codes, tolerances, messages ----------------------------------------------

    @Test
    void usageErrorsExitTwoEverywhere() throws Exception {
        Path a = tridiagonal("A.mtx");
        String[][] usage = {
            {"solve", a.toString(), "--threads", "-3"},
            {"solve", a.toString(), "--threads", "100000"},
            {"ot", "--random-assignment", "10", "--threads", "100000"},
            {"solve", a.toString(), "--backend", "gpu"},
            {"demo", "--n", "4", "--backend", "gpu"},
            {"demo", "--n", "4", "--rtol", "-1"},
            {"ot", "--random-assignment", "10", "--cost", "manhattan"},
            {"ot", "--random-assignment", "10", "--backend", "gpu"},
            {"ot", "--random-assignment", "10", "--threads", "-3"},
            {"tune-demo", "--rounds", "0"},
            {"tune-demo", "--seeds", "0"},
            {"train-dcdm", "--grid", "15"},
            {"train-dcdm", "--domains", "0"},
            {"train-dcdm", "--levels", "deep"},
            {"train-dcdm", "--channels", "0"},
            {"solve", a.toString(), "--rtol", "0"},
        };
        for (String[] args : usage) {
            Run r = run(args);
            assertEquals(2, r.status(), String.join(" ", args) + " -> " + r.err());
            assertOneLineError(r);
        }
    }

    @Test
    void otThatDoesNotConvergeExitsThreeAndStillReports() {
        Run r = run("ot", "--random-assignment", "30", "--method", "sinkhorn", "--max-iterations", "2", "--json");
        assertEquals(3, r.status(), r.err());
        assertEquals("MAX_ITERATIONS", string(r.out(), "reason"));
    }

    @Test
    void anAbsoluteToleranceAloneWorks() throws Exception {
        Path a = tridiagonal("A.mtx");
        Run r = run("solve", a.toString(), "--rtol", "0", "--atol", "1e-12", "--json");
        assertEquals(0, r.status(), r.err());
        assertEquals("CONVERGED_ATOL", string(r.out(), "reason"));
    }

    @Test
    void jsonCarriesTheReasonsMessage() throws Exception {
        Path indefinite = dir.resolve("I.mtx");
        Files.writeString(indefinite, "%%MatrixMarket matrix coordinate real symmetric\n2 2 3\n1 1 1\n2 1 2\n2 2 1\n");
        Path b = vector("b2.mtx", 2);
        Run r = run("solve", indefinite.toString(), "--rhs", b.toString(), "--json");
        assertEquals(3, r.status(), r.err());
        assertEquals("DIVERGED_INDEFINITE_MATRIX", string(r.out(), "reason"));
        assertTrue(string(r.out(), "message").contains("p.Ap"), r.out());
        Path a = tridiagonal("A.mtx");
        Run ok = run("solve", a.toString(), "--json");
        assertEquals("", string(ok.out(), "message"));
    }
}
