package dev.solvent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line end to end: outputs parsed, residuals recomputed, every failure one line. */
class SolventCommandTest {

    private record Run(int status, String out, String err) {
    }

    private static Run run(String... args) {
        CommandLine cl = SolventCommand.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int status = cl.execute(args);
        return new Run(status, out.toString(), err.toString());
    }

    /** tridiag(-1, 2.5, -1) of size 6, written in Matrix Market by hand (lower triangle, symmetric). */
    private static Path writeTridiagonal(Path dir) throws Exception {
        StringBuilder sb = new StringBuilder("%%MatrixMarket matrix coordinate real symmetric\n% test matrix\n6 6 11\n");
        for (int i = 1; i <= 6; i++) {
            sb.append(i).append(' ').append(i).append(" 2.5\n");
            if (i < 6) {
                sb.append(i + 1).append(' ').append(i).append(" -1\n");
            }
        }
        Path file = dir.resolve("A.mtx");
        Files.writeString(file, sb.toString());
        return file;
    }

    private static double number(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\":([-0-9.eE+]+|null)").matcher(json);
        assertTrue(m.find(), key + " missing in " + json);
        return m.group(1).equals("null") ? Double.NaN : Double.parseDouble(m.group(1));
    }

    private static String string(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\":\"([^\"]*)\"").matcher(json);
        assertTrue(m.find(), key + " missing in " + json);
        return m.group(1);
    }

    private static void assertOneLineError(Run r, String... mustContain) {
        List<String> lines = r.err().lines().filter(l -> !l.startsWith("Try '")).toList();
        assertEquals(1, lines.size(), "expected one error line, got:\n" + r.err());
        assertTrue(lines.get(0).startsWith("solvent: error: "), r.err());
        assertFalse(r.err().contains("\tat "), "stack trace leaked:\n" + r.err());
        for (String s : mustContain) {
            assertTrue(lines.get(0).contains(s), "'" + s + "' missing in: " + lines.get(0));
        }
    }

    @Test
    void solveJsonReportsConvergenceAndWritesTheSolution(@TempDir Path dir) throws Exception {
        Path a = writeTridiagonal(dir);
        Path x = dir.resolve("x.mtx");
        Run r = run("solve", a.toString(), "--solver", "cg", "--pc", "jacobi", "--json", "--out", x.toString(), "--threads", "2");
        assertEquals(0, r.status(), r.err());
        String json = r.out().trim();
        assertEquals(1, json.lines().count(), json);
        assertEquals("cg", string(json, "solver"));
        assertEquals("jacobi", string(json, "preconditioner"));
        assertEquals("CONVERGED_RTOL", string(json, "reason"));
        assertTrue(number(json, "iterations") >= 1);
        assertTrue(number(json, "relativeResidual") <= 1e-8, json);
        assertTrue(number(json, "seconds") >= 0);
        // Without --rhs, b = A * ones: the written solution must be (close to) the ones vector.
        List<Double> values = Files.readAllLines(x).stream()
                .filter(l -> !l.startsWith("%") && !l.isBlank()).skip(1).map(Double::parseDouble).toList();
        assertEquals(6, values.size());
        for (double v : values) {
            assertEquals(1.0, v, 1e-7);
        }
    }

    @Test
    void everySolverNameRunsFromTheCommandLine(@TempDir Path dir) throws Exception {
        Path a = writeTridiagonal(dir);
        for (String solver : List.of("cg", "sor", "ssor", "gs", "gs-backward", "gs-symmetric", "sor-mc", "ssor-mc", "gs-mc",
                "gs-backward-mc", "gs-symmetric-mc")) {
            Run r = run("solve", a.toString(), "--solver", solver, "--omega", "1.1", "--json");
            assertEquals(0, r.status(), solver + ": " + r.err());
            assertEquals(solver, string(r.out(), "solver"));
            assertTrue(number(r.out(), "relativeResidual") <= 1e-8);
        }
    }

    @Test
    void nonConvergenceExitsThreeAndStillReports(@TempDir Path dir) throws Exception {
        Path a = writeTridiagonal(dir);
        Run r = run("solve", a.toString(), "--max-iter", "1", "--json");
        assertEquals(SolventCommand.EXIT_NOT_CONVERGED, r.status());
        assertEquals("DIVERGED_MAX_ITERATIONS", string(r.out(), "reason"));
    }

    @Test
    void malformedMatrixFileIsOneLineNamingFileAndLine(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.mtx");
        Files.writeString(bad, "%%MatrixMarket matrix coordinate real general\n2 2 2\n1 1 1.0\n2 2 abc\n");
        Run r = run("solve", bad.toString());
        assertEquals(1, r.status());
        assertOneLineError(r, "bad.mtx", "4");
    }

    @Test
    void missingFileIsOneLine(@TempDir Path dir) {
        Run r = run("solve", dir.resolve("absent.mtx").toString());
        assertEquals(1, r.status());
        assertOneLineError(r, "absent.mtx");
    }

    @Test
    void badOptionsAreUsageErrors(@TempDir Path dir) throws Exception {
        Path a = writeTridiagonal(dir);
        Run unknownSolver = run("solve", a.toString(), "--solver", "gmres");
        assertEquals(2, unknownSolver.status());
        assertOneLineError(unknownSolver, "gmres");
        Run badNumber = run("solve", a.toString(), "--rtol", "tiny");
        assertEquals(2, badNumber.status());
        assertOneLineError(badNumber, "tiny");
        Run badOmega = run("solve", a.toString(), "--omega", "2.5");
        assertEquals(2, badOmega.status());
        assertOneLineError(badOmega, "omega");
        Run pcOnSor = run("solve", a.toString(), "--solver", "sor", "--pc", "ic0");
        assertEquals(2, pcOnSor.status());
        Run badBackend = run("solve", a.toString(), "--backend", "quantum");
        assertEquals(2, badBackend.status());
        assertOneLineError(badBackend, "quantum");
        Run noSubcommand = run();
        assertEquals(2, noSubcommand.status());
    }

    @Test
    void cudaBackendWithoutAGpuIsAOneLineErrorAndAutoFallsBackToCpu(@TempDir Path dir) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(dev.solvent.cuda.CudaBackend.isAvailable(),
                "a usable GPU is present: this test covers the machine without one");
        Path a = writeTridiagonal(dir);
        Run cuda = run("solve", a.toString(), "--backend", "cuda");
        assertEquals(1, cuda.status());
        assertOneLineError(cuda, "CUDA");
        Run auto = run("solve", a.toString(), "--backend", "auto", "--json");
        assertEquals(0, auto.status(), auto.err());
        assertEquals("CONVERGED_RTOL", string(auto.out(), "reason"));
    }

    @Test
    void otCudaBackendWithoutAGpuIsAOneLineError() {
        org.junit.jupiter.api.Assumptions.assumeFalse(dev.solvent.cuda.CudaBackend.isAvailable(),
                "a usable GPU is present: this test covers the machine without one");
        for (String method : List.of("sns", "sinkhorn")) {
            Run cuda = run("ot", "--random-assignment", "20", "--method", method, "--backend", "cuda");
            assertEquals(1, cuda.status(), cuda.err());
            assertOneLineError(cuda, "CUDA");
            assertEquals("", cuda.out());
        }
    }

    @Test
    void otBackendAndThreadsPickWhereItRuns() {
        Run ref = run("ot", "--random-assignment", "30", "--eta", "20", "--backend", "reference", "--json");
        Run cpu = run("ot", "--random-assignment", "30", "--eta", "20", "--backend", "cpu", "--threads", "2", "--json");
        assertEquals(0, ref.status(), ref.err());
        assertEquals(0, cpu.status(), cpu.err());
        assertTrue(ref.out().contains("on backend reference; dense kernels on cpu"), ref.out());
        assertTrue(cpu.out().contains("on backend cpu; dense kernels on cpu"), cpu.out());
        Run bad = run("ot", "--random-assignment", "30", "--backend", "gpu");
        assertEquals(2, bad.status());
        assertOneLineError(bad, "unknown backend 'gpu'");
        // 0 threads means one per core, as for every command; a negative count is a usage error.
        Run zero = run("ot", "--random-assignment", "30", "--eta", "20", "--threads", "0", "--json");
        assertEquals(0, zero.status(), zero.err());
        Run negative = run("ot", "--random-assignment", "30", "--threads", "-1");
        assertEquals(2, negative.status());
        assertOneLineError(negative, "--threads must be 0");
    }

    @Test
    void generatedProblemSolvesWithItsRightHandSide(@TempDir Path dir) throws Exception {
        Path a = dir.resolve("P.mtx");
        Path b = dir.resolve("b.mtx");
        for (String kind : List.of("poisson2d", "poisson3d", "fluid3d")) {
            Run g = run("generate", kind, "--n", "6", "--out", a.toString(), "--rhs-out", b.toString());
            assertEquals(0, g.status(), kind + ": " + g.err());
            Run s = run("solve", a.toString(), "--rhs", b.toString(), "--pc", "ic0", "--json");
            assertEquals(0, s.status(), kind + ": " + s.err());
            assertTrue(number(s.out(), "relativeResidual") <= 1e-8, kind + ": " + s.out());
        }
        Run bad = run("generate", "poisson2d", "--n", "0", "--out", a.toString());
        assertEquals(2, bad.status());
    }

    @Test
    void rhsOfTheWrongLengthIsAClearError(@TempDir Path dir) throws Exception {
        Path a = writeTridiagonal(dir);
        Path b = dir.resolve("b.mtx");
        Files.writeString(b, "%%MatrixMarket matrix array real general\n3 1\n1\n2\n3\n");
        Run r = run("solve", a.toString(), "--rhs", b.toString());
        assertEquals(1, r.status());
        assertOneLineError(r, "3 entries", "6 rows");
    }

    @Test
    void demoRunsAllFiveMethodsOnASmallGrid() {
        Run r = run("demo", "--n", "12", "--quiet", "--threads", "2");
        assertEquals(0, r.status(), r.err() + r.out());
        for (String method : List.of("cg ", "jacobi-pcg", "ssor-pcg", "ic0-pcg", "amg-pcg")) {
            assertTrue(r.out().lines().anyMatch(l -> l.startsWith(method) && l.contains("CONVERGED_RTOL")),
                    method + " missing or not converged:\n" + r.out());
        }
    }

    @Test
    void solveHelpSaysWhatTheDefaultRightHandSideIs() {
        Run r = run("solve", "--help");
        assertEquals(0, r.status());
        assertTrue(r.out().contains("A * ones"), r.out());
        for (String s : List.of("--pc-shift", "--mic-relax", "mic0", "auto", "ssor-mc", "sor-mc")) {
            assertTrue(r.out().contains(s), s + " missing from --help:\n" + r.out());
        }
    }

    /** Kershaw's 4 x 4 SPD matrix, on which unshifted IC(0) breaks down at row 4 (1-based). */
    private static Path writeKershaw(Path dir) throws Exception {
        Path file = dir.resolve("kershaw.mtx");
        Files.writeString(file, "%%MatrixMarket matrix coordinate real symmetric\n4 4 8\n"
                + "1 1 3\n2 1 -2\n4 1 2\n2 2 3\n3 2 -2\n3 3 3\n4 3 -2\n4 4 3\n");
        return file;
    }

    @Test
    void ic0ShiftsOnBreakdownAndSaysSoUnlessTheShiftIsOff(@TempDir Path dir) throws Exception {
        Path k = writeKershaw(dir);
        Run shifted = run("solve", k.toString(), "--pc", "ic0", "--json");
        assertEquals(0, shifted.status(), shifted.err());
        assertEquals("CONVERGED_RTOL", string(shifted.out(), "reason"));
        assertTrue(number(shifted.out(), "shift") > 0, shifted.out());
        assertTrue(number(shifted.out(), "retries") >= 1, shifted.out());
        assertTrue(number(shifted.out(), "relativeResidual") <= 1e-8);
        Run text = run("solve", k.toString(), "--pc", "ic0");
        assertTrue(text.out().contains("shift") && text.out().contains("retries"), text.out());
        Run off = run("solve", k.toString(), "--pc", "ic0", "--pc-shift", "off", "--json");
        assertEquals(SolventCommand.EXIT_NOT_CONVERGED, off.status());
        assertEquals("DIVERGED_PRECONDITIONER_FAILED", string(off.out(), "reason"));
        Run custom = run("solve", k.toString(), "--pc", "ic0", "--pc-shift", "0.5,2,3", "--json");
        assertEquals(0, custom.status(), custom.err());
        assertEquals(0.5, number(custom.out(), "shift"), 0.0);
        assertEquals(1.0, number(custom.out(), "retries"), 0.0);
    }

    @Test
    void mic0AndAutoRunAndReport(@TempDir Path dir) throws Exception {
        Path a = writeTridiagonal(dir);
        Run mic = run("solve", a.toString(), "--pc", "mic0", "--mic-relax", "0.5", "--json");
        assertEquals(0, mic.status(), mic.err());
        assertEquals("mic0", string(mic.out(), "preconditioner"));
        assertEquals(0.5, number(mic.out(), "relaxation"), 0.0);
        assertTrue(number(mic.out(), "relativeResidual") <= 1e-8);
        Run auto = run("solve", a.toString(), "--pc", "auto");
        assertEquals(0, auto.status(), auto.err());
        assertTrue(auto.out().contains("auto") && auto.out().contains("chose "), auto.out());
        Run badShift = run("solve", a.toString(), "--pc", "ic0", "--pc-shift", "sometimes");
        assertEquals(2, badShift.status());
        assertOneLineError(badShift, "shift policy");
        Run badRelax = run("solve", a.toString(), "--pc", "mic0", "--mic-relax", "1.5");
        assertEquals(2, badRelax.status());
        assertOneLineError(badRelax, "relaxation");
    }
}
