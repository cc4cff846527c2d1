package dev.solvent.jmh.peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.solvent.gen.Generators;
import dev.solvent.gen.Problem;
import dev.solvent.io.MatrixMarket;
import dev.solvent.matrix.CsrMatrix;
import dev.solvent.solve.Solvers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the multigrid comparison's Java driver on tiny matrices and checks the JSON lines it prints. */
class PressureSolveComparisonTest {

    @TempDir
    Path dir;

    private record Printed(int exitCode, List<Map<String, Object>> lines) {
    }

    private static Printed run(String... args) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code;
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            code = PressureSolveComparison.run(PressureSolveComparison.parse(args), out);
        }
        List<Map<String, Object>> lines = new ArrayList<>();
        for (String line : bytes.toString(StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) {
                lines.add(JSON.std.mapFrom(line));
            }
        }
        return new Printed(code, lines);
    }

    private static double num(Map<String, Object> m, String key) {
        return ((Number) m.get(key)).doubleValue();
    }

    private Path poisson(int n) throws IOException {
        Path file = dir.resolve("poisson-" + n + ".mtx");
        MatrixMarket.writeMatrix(Generators.poisson3d(n).matrix(), file);
        return file;
    }

    @Test
    void residualIsRecomputedFromTheCsrArrays() {
        // A = [[2, -1], [-1, 2]], b = [1, 0], x = [1/2, 0]: A x = [1, -1/2], r = [0, 1/2], ||r|| / ||b|| = 1/2.
        CsrMatrix a = CsrMatrix.builder(2, 2).add(0, 0, 2).add(0, 1, -1).add(1, 0, -1).add(1, 1, 2).build();
        assertEquals(0.5, PressureSolveComparison.relativeResidual(a, new double[] {1, 0}, new double[] {0.5, 0}), 1e-15);
        // b = [3, 4], x = 0: the residual is b itself.
        assertEquals(1.0, PressureSolveComparison.relativeResidual(a, new double[] {3, 4}, new double[] {0, 0}), 1e-15);
        assertEquals(List.of(1.0, 1.0), List.of(PressureSolveComparison.multiply(a, new double[] {1, 1})[0],
                PressureSolveComparison.multiply(a, new double[] {1, 1})[1]));
    }

    /** Every preconditioner the registry has for CG (amg among them once it is there) runs and converges. */
    @Test
    void everyRegisteredPreconditionerPrintsOneConvergedLinePerSolve() throws IOException {
        Path file = poisson(8);
        for (String pc : Solvers.preconditionerNames()) {
            Printed p = run("--matrix", file.toString(), "--pc", pc, "--threads", "2", "--repeats", "3",
                    "--warmup-grid", "4", "--problem", "tiny", "--round", "2");
            assertEquals(0, p.exitCode(), pc);
            assertEquals(3, p.lines().size(), pc);
            for (int k = 0; k < 3; k++) {
                Map<String, Object> m = p.lines().get(k);
                assertEquals("solve", m.get("kind"), pc);
                assertEquals("solvent", m.get("tool"));
                assertEquals(pc.equals("none") ? "cg" : "cg+" + pc, m.get("method"));
                assertEquals("tiny", m.get("problem"));
                assertEquals(2.0, num(m, "round"));
                assertEquals(2.0, num(m, "parallel"));
                assertEquals(k + 1.0, num(m, "repeat"));
                assertEquals(512.0, num(m, "n"));
                assertEquals("A*ones", m.get("rhs"));
                assertEquals(Boolean.TRUE, m.get("converged"), pc + ": " + m.get("reason"));
                assertEquals("CONVERGED_RTOL", m.get("reason"));
                double rel = num(m, "relativeResidual");
                assertTrue(rel > 0 && rel <= 1e-8, pc + ": recomputed residual " + rel);
                // The driver's own loops and the library's backend agree on the same x.
                assertEquals(num(m, "solverRelativeResidual"), rel, 1e-6 * rel, pc);
                assertTrue(num(m, "iterations") >= 1);
                assertTrue(num(m, "solveSeconds") > 0 && num(m, "setupSeconds") >= 0);
                // One setup: every solve of the run carries the same setup time.
                assertEquals(num(p.lines().get(0), "setupSeconds"), num(m, "setupSeconds"));
                assertTrue(m.get("setup") instanceof Map);
            }
            // A fresh zero guess each time: the same iterations and residual every repeat.
            assertEquals(num(p.lines().get(0), "iterations"), num(p.lines().get(2), "iterations"), pc);
            assertEquals(num(p.lines().get(0), "relativeResidual"), num(p.lines().get(2), "relativeResidual"), pc);
        }
    }

    @Test
    void aSolveCutShortIsReportedWithItsTrueResidual() throws IOException {
        Printed p = run("--matrix", poisson(10).toString(), "--max-iter", "3", "--repeats", "1", "--warmup-grid", "0");
        assertEquals(0, p.exitCode());
        Map<String, Object> m = p.lines().get(0);
        assertEquals(Boolean.FALSE, m.get("converged"));
        assertEquals("DIVERGED_MAX_ITERATIONS", m.get("reason"));
        assertEquals(3.0, num(m, "iterations"));
        double rel = num(m, "relativeResidual");
        assertTrue(rel > 1e-3 && rel < 1, "three CG steps on 10^3 Poisson leave a residual of order 0.1, got " + rel);
        assertEquals(num(m, "solverRelativeResidual"), rel, 1e-9 * rel);
    }

    @Test
    void theStencilOperatorSolvesThePoissonMatrixAndRefusesAnyOther() throws IOException {
        Path file = poisson(9);
        for (String pc : List.of("none", "amg")) {
            Printed p = run("--matrix", file.toString(), "--operator", "stencil", "--pc", pc, "--repeats", "1",
                    "--warmup-grid", "4");
            assertEquals(0, p.exitCode(), pc);
            Map<String, Object> m = p.lines().get(0);
            assertEquals(pc.equals("none") ? "cg-stencil" : "cg+amg-stencil", m.get("method"));
            assertEquals(Boolean.TRUE, m.get("converged"), pc);
            // Recomputed with the matrix read from the file, not with the stencil.
            assertTrue(num(m, "relativeResidual") <= 1e-8, pc + ": " + m.get("relativeResidual"));
        }
        // A matrix that is not the N^3 Poisson matrix (a changed value) is refused, naming the file.
        CsrMatrix a = Generators.poisson3d(3).matrix();
        double[] v = a.values().clone();
        v[0] = 7.0;
        Path other = dir.resolve("other.mtx");
        MatrixMarket.writeMatrix(a.withValues(v), other);
        Printed refused = run("--matrix", other.toString(), "--operator", "stencil", "--repeats", "1", "--warmup-grid", "0");
        assertEquals(1, refused.exitCode());
        assertEquals("failed", refused.lines().get(0).get("kind"));
        assertTrue(refused.lines().get(0).get("reason").toString().contains("other.mtx"), refused.lines().toString());
        assertThrows(IllegalArgumentException.class, () -> PressureSolveComparison.parse(
                new String[] {"--matrix", "x.mtx", "--operator", "dense"}));
    }

    @Test
    void readsASymmetricFileAndARightHandSide() throws IOException {
        Problem fluid = Generators.fluid3d(8);
        Path a = dir.resolve("fluid.mtx");
        Path b = dir.resolve("fluid-rhs.mtx");
        MatrixMarket.writeMatrix(fluid.matrix(), a, true);
        MatrixMarket.writeVector(fluid.rhs(), b);
        assertTrue(Files.readString(a).startsWith("%%MatrixMarket matrix coordinate real symmetric"));
        Printed p = run("--matrix", a.toString(), "--rhs", b.toString(), "--pc", "ic0", "--repeats", "1", "--warmup-grid", "0");
        Map<String, Object> m = p.lines().get(0);
        assertEquals("fluid", m.get("problem"), "the default problem name is the file's base name");
        assertEquals(b.toString(), m.get("rhs"));
        assertEquals((double) fluid.matrix().rows(), num(m, "n"));
        assertEquals((double) fluid.matrix().nnz(), num(m, "nnz"), "both triangles of the symmetric file are stored");
        assertEquals(Boolean.TRUE, m.get("converged"));
        assertTrue(num(m, "relativeResidual") <= 1e-8);
    }

    @Test
    void aNameOutsideTheRegistryIsUnavailableNotAnError() throws IOException {
        Printed p = run("--matrix", poisson(4).toString(), "--pc", "no-such-pc", "--threads", "2");
        assertEquals(0, p.exitCode());
        assertEquals(1, p.lines().size());
        Map<String, Object> m = p.lines().get(0);
        assertEquals("unavailable", m.get("kind"));
        assertEquals("cg+no-such-pc", m.get("method"));
        assertTrue(m.get("reason").toString().contains("no preconditioner 'no-such-pc'"), m.get("reason").toString());
    }

    @Test
    void aBadFileIsAFailedLineNamingIt() throws IOException {
        Path bad = dir.resolve("bad.mtx");
        Files.writeString(bad, "%%MatrixMarket matrix coordinate real general\n3 3 2\n1 1 1.0\n");
        Printed p = run("--matrix", bad.toString(), "--warmup-grid", "0");
        assertEquals(1, p.exitCode());
        Map<String, Object> m = p.lines().get(0);
        assertEquals("failed", m.get("kind"));
        assertTrue(m.get("reason").toString().contains("bad.mtx"), m.get("reason").toString());
    }

    @Test
    void badArgumentsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> PressureSolveComparison.parse(new String[] {"--pc", "ic0"}));
        assertThrows(IllegalArgumentException.class, () -> PressureSolveComparison.parse(new String[] {"--matrix", "a.mtx", "--repeats", "0"}));
        assertThrows(IllegalArgumentException.class, () -> PressureSolveComparison.parse(new String[] {"--matrix", "a.mtx", "--threads", "x"}));
        assertThrows(IllegalArgumentException.class, () -> PressureSolveComparison.parse(new String[] {"--matrix"}));
        assertThrows(IllegalArgumentException.class, () -> PressureSolveComparison.parse(new String[] {"--matrix", "a.mtx", "--bogus", "1"}));
    }

    @Test
    void findsComplexityAndLevelsInANestedSetupReport() {
        Map<String, Object> report = Map.of("setupSeconds", 0.5,
                "preconditioner", Map.of("operator complexity", 1.42, "grid_complexity", 1.1,
                        "levels", List.of(Map.of("rows", 1000), Map.of("rows", 100), Map.of("rows", 10))));
        assertEquals(1.42, PressureSolveComparison.find(report, "operatorcomplexity"));
        assertEquals(1.1, PressureSolveComparison.find(report, "gridcomplexity"));
        assertEquals(3, PressureSolveComparison.levels(PressureSolveComparison.find(report, "levels")));
        assertEquals(4, PressureSolveComparison.levels(4.0));
        assertNull(PressureSolveComparison.find(Map.of("setupSeconds", 0.1), "operatorcomplexity"));
        assertNull(PressureSolveComparison.levels(null));
        assertFalse(PressureSolveComparison.find(report, "setupseconds") == null);
    }
}
