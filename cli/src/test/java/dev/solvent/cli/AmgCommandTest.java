package dev.solvent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solvent.io.MatrixMarket;
import dev.solvent.matrix.CsrMatrix;
import dev.solvent.multigrid.AmgOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code --pc amg}, {@code --solver amg} and the {@code --amg-*} options end to end: the hierarchy
 * in the text and JSON reports, the solution's residual recomputed here from the files, option
 * errors as one usage line, and the command line's defaults equal to the library's.
 */
class AmgCommandTest {

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

    private static double number(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\":([-0-9.eE+]+)").matcher(json);
        assertTrue(m.find(), key + " missing in " + json);
        return Double.parseDouble(m.group(1));
    }

    private static void assertOneLineUsageError(Run r, String mustContain) {
        assertEquals(2, r.status(), r.err());
        List<String> lines = r.err().lines().filter(l -> !l.startsWith("Try '")).toList();
        assertEquals(1, lines.size(), r.err());
        assertTrue(lines.get(0).contains(mustContain), lines.get(0));
        assertFalse(r.err().contains("\tat "), r.err());
    }

    /** ||b - A x|| / ||b|| from the files. */
    private static double residual(Path a, Path b, Path x) throws Exception {
        CsrMatrix m = MatrixMarket.readMatrix(a);
        double[] bv = MatrixMarket.readVector(b);
        double[] xv = MatrixMarket.readVector(x);
        double[] ax = new double[bv.length];
        m.apply(xv, ax);
        double rr = 0.0;
        double bb = 0.0;
        for (int i = 0; i < bv.length; i++) {
            rr += (bv[i] - ax[i]) * (bv[i] - ax[i]);
            bb += bv[i] * bv[i];
        }
        return Math.sqrt(rr / bb);
    }

    @Test
    void amgPreconditionerAndSolverSolveAndReportTheHierarchy(@TempDir Path dir) throws Exception {
        Path a = dir.resolve("A.mtx");
        Path b = dir.resolve("b.mtx");
        Path x = dir.resolve("x.mtx");
        assertEquals(0, run("generate", "poisson3d", "--n", "14", "--out", a.toString(), "--rhs-out", b.toString()).status());

        Run json = run("solve", a.toString(), "--rhs", b.toString(), "--pc", "amg", "--amg-coarse-size", "40",
                "--json", "--out", x.toString(), "--threads", "2");
        assertEquals(0, json.status(), json.err());
        assertTrue(json.out().contains("\"preconditioner\":\"amg\""), json.out());
        assertTrue(json.out().contains("\"levels\":[{\"level\":0,\"rows\":2744,"), json.out());
        double oc = number(json.out(), "operatorComplexity");
        assertTrue(oc > 1.0 && oc < 2.0, "operator complexity " + oc);
        assertTrue(number(json.out(), "iterations") <= 10, json.out());
        assertTrue(residual(a, b, x) <= 1e-8);

        Run text = run("solve", a.toString(), "--rhs", b.toString(), "--pc", "amg", "--amg-coarse-size", "40", "--quiet");
        assertEquals(0, text.status(), text.err());
        assertTrue(text.out().contains("operatorComplexity"), text.out());
        assertTrue(text.out().matches("(?s).*level\\s+rows\\s+nonzeros.*"), "a level table:\n" + text.out());

        Run solver = run("solve", a.toString(), "--rhs", b.toString(), "--solver", "amg", "--amg-cycle", "F",
                "--amg-smoother", "l1-jacobi", "--amg-sweeps", "2", "--amg-coarse-size", "40", "--json", "--out", x.toString());
        assertEquals(0, solver.status(), solver.err());
        assertTrue(solver.out().contains("\"solver\":\"amg\"") && solver.out().contains("\"multigrid\":{"), solver.out());
        assertTrue(solver.out().contains("F(l1-jacobi x2)"), solver.out());
        assertTrue(residual(a, b, x) <= 1e-8);
    }

    @Test
    void closedBoxIsSingularAndConverges(@TempDir Path dir) throws Exception {
        Path a = dir.resolve("P.mtx");
        Path b = dir.resolve("div.mtx");
        Path x = dir.resolve("p.mtx");
        Run g = run("generate", "fluid3d", "--n", "16", "--closed", "--out", a.toString(), "--rhs-out", b.toString());
        assertEquals(0, g.status(), g.err());
        assertTrue(g.out().contains("singular-projected"), g.out());
        Run s = run("solve", a.toString(), "--rhs", b.toString(), "--pc", "amg", "--amg-coarse-size", "40", "--json",
                "--out", x.toString());
        assertEquals(0, s.status(), s.err());
        assertTrue(s.out().contains("\"nullSpaceProjected\":true"), s.out());
        assertTrue(residual(a, b, x) <= 1e-8);
        assertOneLineUsageError(run("generate", "poisson3d", "--n", "8", "--closed", "--out", a.toString()), "fluid3d only");
    }

    @Test
    void badAmgOptionsAreOneUsageLine(@TempDir Path dir) throws Exception {
        Path a = dir.resolve("A.mtx");
        assertEquals(0, run("generate", "poisson2d", "--n", "8", "--out", a.toString()).status());
        assertOneLineUsageError(run("solve", a.toString(), "--pc", "amg", "--amg-theta", "1.5"), "strength threshold");
        assertOneLineUsageError(run("solve", a.toString(), "--pc", "amg", "--amg-smoother", "sor"), "unknown smoother");
        assertOneLineUsageError(run("solve", a.toString(), "--pc", "amg", "--amg-cycle", "F"), "not symmetric");
        assertOneLineUsageError(run("solve", a.toString(), "--pc", "amg", "--amg-degree", "0"), "degree");
        assertOneLineUsageError(run("solve", a.toString(), "--solver", "amg", "--pc", "amg"), "takes no preconditioner");
    }

    @Test
    void zeroDiagonalIsOneErrorLineNamingTheRow(@TempDir Path dir) throws Exception {
        Path a = dir.resolve("Z.mtx");
        CsrMatrix z = CsrMatrix.of(3, 3, new int[] {0, 2, 4, 6}, new int[] {0, 1, 0, 2, 1, 2},
                new double[] {2, -1, -1, -1, -1, 2});
        MatrixMarket.writeMatrix(z, a);
        Run r = run("solve", a.toString(), "--pc", "amg", "--amg-coarse-size", "1");
        assertEquals(1, r.status(), r.err());
        List<String> lines = r.err().lines().toList();
        assertEquals(1, lines.size(), r.err());
        assertTrue(lines.get(0).contains("row 1 has a zero diagonal"), lines.get(0));
    }

    @Test
    void commandLineDefaultsAreTheLibraryDefaults() {
        SolveCommand cmd = new SolveCommand();
        new CommandLine(cmd).parseArgs("A.mtx");
        assertEquals(AmgOptions.defaults(), cmd.amgOptions.toOptions());
        assertTrue(run("solve", "--help").out().contains("--amg-theta"));
    }
}
