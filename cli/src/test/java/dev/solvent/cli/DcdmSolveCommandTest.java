package dev.solvent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solvent.io.MatrixMarket;
import dev.solvent.matrix.CsrMatrix;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * generate writes symmetric files with the grid of their unknowns; solve --solver dcdm runs the
 * shipped models (by short name) and train-dcdm's output on them. Every residual is recomputed
 * here from the files, independently of the solver.
 */
class DcdmSolveCommandTest {

    @TempDir
    Path dir;

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

    /** ||b - A x|| / ||b|| with A, x (and b, or A * ones) read back from the files. */
    private static double relativeResidual(Path a, Path b, Path x) throws Exception {
        CsrMatrix m = MatrixMarket.readMatrix(a);
        double[] xs = MatrixMarket.readVector(x);
        double[] rhs;
        if (b != null) {
            rhs = MatrixMarket.readVector(b);
        } else {
            double[] ones = new double[m.cols()];
            Arrays.fill(ones, 1.0);
            rhs = new double[m.rows()];
            m.apply(ones, rhs);
        }
        double[] ax = new double[m.rows()];
        m.apply(xs, ax);
        double rr = 0;
        double bb = 0;
        for (int i = 0; i < ax.length; i++) {
            rr += (rhs[i] - ax[i]) * (rhs[i] - ax[i]);
            bb += rhs[i] * rhs[i];
        }
        return Math.sqrt(rr / bb);
    }

    private static String string(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\":\"([^\"]*)\"").matcher(json);
        assertTrue(m.find(), key + " missing in " + json);
        return m.group(1);
    }

    /** The README's DCDM example: a 32^3 smoke-box pressure matrix, the shipped model fluid-ml8. */
    @Test
    void shippedModelByShortNameConvergesOnAGeneratedFluidProblem() throws Exception {
        Path a = dir.resolve("A.mtx");
        Run g = run("generate", "fluid3d", "--n", "32", "--out", a.toString());
        assertEquals(0, g.status(), g.err());
        Path x = dir.resolve("x.mtx");
        Run r = run("solve", a.toString(), "--solver", "dcdm", "--model", "fluid-ml8", "--out", x.toString());
        assertEquals(0, r.status(), r.out() + r.err());
        assertTrue(r.out().contains("reason          CONVERGED_RTOL"), r.out());
        assertTrue(r.out().contains("model           fluid-ml8"), r.out());
        double rel = relativeResidual(a, null, x);
        assertTrue(rel <= 1e-8 * 1.001, "recomputed relative residual " + rel);
    }

    /** What train-dcdm writes is a model solve takes as it is. */
    @Test
    void trainDcdmOutputIsUsableAsTheModel() throws Exception {
        Path model = dir.resolve("m.json");
        Run t = run("train-dcdm", "--grid", "8", "--domains", "1", "--channels", "2", "--blocks", "1,1,1",
                "--lanczos-steps", "20", "--batch", "2", "--steps", "2", "--checkpoint-dir", dir.resolve("ck").toString(),
                "--out", model.toString());
        assertEquals(0, t.status(), t.err());
        Path a = dir.resolve("F.mtx");
        Path b = dir.resolve("f.mtx");
        assertEquals(0, run("generate", "fluid3d", "--n", "10", "--out", a.toString(), "--rhs-out", b.toString()).status());
        Path x = dir.resolve("x.mtx");
        Run r = run("solve", a.toString(), "--rhs", b.toString(), "--solver", "dcdm", "--model", model.toString(),
                "--rtol", "1e-9", "--json", "--out", x.toString());
        assertEquals(0, r.status(), r.out() + r.err());
        assertEquals("CONVERGED_RTOL", string(r.out(), "reason"));
        assertTrue(relativeResidual(a, b, x) <= 1e-9 * 1.001);
    }

    @Test
    void generateWritesTheLowerTriangleUnlessGeneralIsAsked() throws Exception {
        Path sym = dir.resolve("s.mtx");
        Path gen = dir.resolve("g.mtx");
        assertEquals(0, run("generate", "poisson3d", "--n", "12", "--out", sym.toString()).status());
        assertEquals(0, run("generate", "poisson3d", "--n", "12", "--out", gen.toString(), "--general").status());
        assertTrue(Files.readString(sym).startsWith("%%MatrixMarket matrix coordinate real symmetric\n"));
        assertTrue(Files.readString(gen).startsWith("%%MatrixMarket matrix coordinate real general\n"));
        // 7-point Laplacian: n + (nnz - n) / 2 stored entries against nnz, a little over half.
        assertTrue(Files.size(sym) < 0.6 * Files.size(gen), Files.size(sym) + " vs " + Files.size(gen));
        CsrMatrix s = MatrixMarket.readMatrix(sym);
        CsrMatrix f = MatrixMarket.readMatrix(gen);
        assertTrue(Arrays.equals(s.rowPtr(), f.rowPtr()) && Arrays.equals(s.colIdx(), f.colIdx())
                && Arrays.equals(s.values(), f.values()), "the two files hold the same matrix");
        // solve reads the symmetric file.
        Path x = dir.resolve("x.mtx");
        Run r = run("solve", sym.toString(), "--pc", "ic0", "--out", x.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(relativeResidual(sym, null, x) <= 1e-8 * 1.001);
    }

    @Test
    void dcdmWithoutAGridSaysHowToGiveOneAndGridBoxWorks() throws Exception {
        Path a = dir.resolve("P.mtx");
        assertEquals(0, run("generate", "poisson3d", "--n", "8", "--out", a.toString()).status());
        // The same matrix without the layout comment lines.
        Path bare = dir.resolve("bare.mtx");
        List<String> lines = Files.readAllLines(a).stream().filter(l -> !l.startsWith("%solvent-")).toList();
        Files.write(bare, lines);
        Run r = run("solve", bare.toString(), "--solver", "dcdm");
        assertEquals(2, r.status(), r.err());
        assertTrue(r.err().startsWith("solvent: error: --solver dcdm needs the grid") && r.err().contains("--grid NX,NY,NZ"),
                r.err());
        Path x = dir.resolve("x.mtx");
        r = run("solve", bare.toString(), "--solver", "dcdm", "--grid", "8,8,8", "--model", "fluid16-c8", "--out", x.toString());
        assertEquals(0, r.status(), r.out() + r.err());
        assertTrue(relativeResidual(bare, null, x) <= 1e-8 * 1.001);

        r = run("solve", bare.toString(), "--solver", "dcdm", "--grid", "8,8,4");
        assertEquals(1, r.status(), r.err());
        assertTrue(r.err().contains("places 256 unknowns but the matrix has 512 rows"), r.err());
        r = run("solve", a.toString(), "--solver", "dcdm", "--model", "fluid-xl");
        assertEquals(1, r.status(), r.err());
        assertTrue(r.err().contains("'fluid-xl'") || r.err().contains("fluid-xl:"), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
        r = run("solve", a.toString(), "--model", "fluid-ml8");
        assertEquals(2, r.status(), r.err());
        assertTrue(r.err().contains("apply to --solver dcdm only"), r.err());
    }
}
