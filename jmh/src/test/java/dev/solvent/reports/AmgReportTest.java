package dev.solvent.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The multigrid page from synthetic run lines: tables, ratios with their spread, verdicts. */
class AmgReportTest {

    /** A solve line as the drivers print it. */
    private static String solve(String tool, String method, String problem, int round, int parallel, int repeat,
                                double setup, double solve, int iterations, double residual, Double opCx) {
        String pc = method.contains("+") ? method.substring(method.indexOf('+') + 1) : "none";
        return String.format(Locale.ROOT, "{\"kind\": \"solve\", \"tool\": \"%s\", \"method\": \"%s\", \"pc\": \"%s\", "
                        + "\"problem\": \"%s\", \"round\": %d, \"parallel\": %d, \"parallelKind\": \"%s\", \"repeat\": %d, "
                        + "\"n\": 1000, \"nnz\": 7000, \"rtol\": 1e-8, \"maxIterations\": 10000, \"stopping\": \"rule of %s\", "
                        + "\"setupSeconds\": %s, \"solveSeconds\": %s, \"iterations\": %d, \"reason\": \"CONVERGED_RTOL\", "
                        + "\"converged\": true, \"relativeResidual\": %s, \"operatorComplexity\": %s, \"levels\": %s, "
                        + "\"setup\": {\"preconditioner\": {\"levels\": 4, \"operatorComplexity\": %s}}}",
                tool, method, pc, problem, round, parallel, tool.equals("petsc") ? "ranks" : "threads", repeat, tool,
                setup, solve, iterations, residual, opCx == null ? "null" : opCx.toString(), opCx == null ? "null" : "4",
                opCx == null ? "null" : opCx.toString());
    }

    /** Two rounds of two solves: setups s1, s2; solves a, b (round 1) and c, d (round 2). */
    private static void series(List<String> out, String tool, String method, String problem, int parallel, int its,
                               double s1, double s2, double a, double b, double c, double d, Double opCx) {
        out.add(solve(tool, method, problem, 1, parallel, 1, s1, a, its, 5e-9, opCx));
        out.add(solve(tool, method, problem, 1, parallel, 2, s1, b, its, 5e-9, opCx));
        out.add(solve(tool, method, problem, 2, parallel, 1, s2, c, its, 5e-9, opCx));
        out.add(solve(tool, method, problem, 2, parallel, 2, s2, d, its, 5e-9, opCx));
    }

    private static String render(List<String> json) {
        return new AmgReport(AmgReport.readLines(String.join("\n", json), "test"), List.<String[]>of(new String[] {"Command", "bench/amg/run.sh --x"}),
                null, Map.of()).render();
    }

    private static String row(String page, String startsWith) {
        for (String line : page.split("\n")) {
            if (line.startsWith(startsWith)) {
                return line;
            }
        }
        throw new AssertionError("no line starting with '" + startsWith + "' in\n" + page);
    }

    @Test
    void spreadsAreMediansWithTheirRangeAndRatiosTakeTheWorstPairs() {
        AmgReport.Spread odd = AmgReport.Spread.of(List.of(3.0, 1.0, 2.0));
        assertEquals(new AmgReport.Spread(2.0, 1.0, 3.0, 3), odd);
        AmgReport.Spread even = AmgReport.Spread.of(List.of(4.0, 1.0, 2.0, 3.0));
        assertEquals(new AmgReport.Spread(2.5, 1.0, 4.0, 4), even);
        AmgReport.Spread r = odd.over(even);
        assertEquals(0.8, r.median(), 1e-15);
        assertEquals(0.25, r.min(), 1e-15);
        assertEquals(3.0, r.max(), 1e-15);
        AmgReport.Spread sum = odd.plus(even);
        assertEquals(new AmgReport.Spread(4.5, 2.0, 7.0, 3), sum);
        assertNull(AmgReport.Spread.of(List.of(Double.NaN)));
    }

    @Test
    void verdictsFollowTheSpread() {
        assertEquals("met", AmgReport.decide(true, true, false));
        assertEquals("missed", AmgReport.decide(true, false, true));
        assertTrue(AmgReport.decide(true, false, false).startsWith("no verdict"));
        assertTrue(AmgReport.decide(false, true, false).startsWith("no verdict"));
    }

    @Test
    void theTargetsAt128GetVerdictsOnlyWhereTheSpreadAllows() {
        List<String> json = new ArrayList<>();
        for (int grid : new int[] {64, 128}) {
            String p = "poisson3d-" + grid;
            double scale = grid == 64 ? 0.125 : 1.0;
            series(json, "solvent", "cg", p, 1, grid == 64 ? 150 : 296, 0.001, 0.001, 4 * scale, 4 * scale, 4 * scale, 4 * scale, null);
            series(json, "solvent", "cg+ic0", p, 1, 124, 0.5, 0.7, 6 * scale, 5 * scale, 7 * scale, 6 * scale, null);
            // AMG: 8 iterations at 64^3, 10 at 128^3 (1.25x); complexity 1.7 (above 1.6).
            series(json, "solvent", "cg+amg", p, 1, grid == 64 ? 8 : 10, 1.0, 1.2, 2 * scale, 2.5 * scale, 3.5 * scale, 3 * scale, 1.7);
            series(json, "petsc", "cg+gamg", p, 1, 11, 10.0, 12.0, 2.6 * scale, 2.8 * scale, 2.7 * scale, 3.0 * scale, 2.02);
        }
        String page = render(json);

        // The table: medians with their ranges, total = median setup + median solve.
        String amg = row(page.substring(page.indexOf("## 3D Poisson 128^3")), "| Solvent AMG-PCG | 1 thread |");
        assertEquals("| Solvent AMG-PCG | 1 thread | 10 | 1.10 (1.00-1.20) | 2.75 (2.00-3.50) | 3.85 (3.00-4.70) | 5.0e-09 | 1.700 | 4 |", amg);

        // AMG / IC(0) solve: medians 2.75 / 6 = 0.458; range 2.0/7 = 0.286 to 3.5/5 = 0.7: straddles 0.5.
        String ratios = row(page.substring(page.indexOf("## Repeated solves")), "| 3D Poisson 128^3 | 1 |");
        assertTrue(ratios.contains("| 0.46 (0.29-0.70) |"), ratios);
        // AMG / GAMG setup: 1.1 / 11 = 0.1, range 1.0/12 to 1.2/10.
        assertTrue(ratios.contains("| 0.10 (0.08-0.12) |"), ratios);

        String targets = page.substring(page.indexOf("## Targets"));
        assertTrue(row(targets, "| AMG-PCG iterations <= 12 |").endsWith("| 10 | met |"));
        assertTrue(row(targets, "| AMG-PCG iterations grow < 1.3x").contains("8 -> 10: 1.25x | met |"));
        assertTrue(row(targets, "| operator complexity <= 1.6 |").endsWith("| 1.700 | missed |"));
        assertTrue(row(targets, "| AMG-PCG solve at least 2x faster").endsWith("| no verdict: the spread straddles the target |"));
        // AMG solve 2.0-3.5 against GAMG 2.6-3.0: straddles 1; setup 0.08-0.12 of GAMG's: met.
        assertTrue(row(targets, "| solve not slower than PETSc GAMG").endsWith("| no verdict: the spread straddles the target |"));
        assertTrue(row(targets, "| setup at most half of PETSc GAMG's").endsWith("| met |"));
        // Best non-multigrid total: CG, 4.0 s in every run; AMG's 3.0-4.7 s straddles it.
        assertTrue(row(targets, "| AMG-PCG setup + solve below").endsWith("| no verdict: the spread straddles the target |"));
        // Only Poisson was run: no fluid3d rows.
        assertFalse(targets.contains("fluid3d"));
    }

    @Test
    void theMatrixFreeStencilCgCountsAsTheBestNonMultigridMethod() {
        List<String> json = new ArrayList<>();
        String p = "poisson3d-128";
        series(json, "solvent", "cg", p, 2, 296, 0.001, 0.001, 3.8, 4.0, 4.1, 3.9, null);
        series(json, "solvent", "cg-stencil", p, 2, 296, 0.001, 0.001, 2.0, 2.1, 2.2, 2.05, null);
        series(json, "solvent", "cg+ic0", p, 2, 124, 0.5, 0.5, 3.0, 3.1, 3.2, 3.1, null);
        // Assembled AMG: 1.5 s setup + 0.9 s solve, above the stencil CG's 2.0-2.2 s in every run.
        series(json, "solvent", "cg+amg", p, 2, 9, 1.5, 1.5, 0.9, 0.9, 0.9, 0.9, 1.58);
        // AMG with the stencil on the finest level: 1.2 + 0.6, below it in every run.
        series(json, "solvent", "cg+amg-stencil", p, 2, 9, 1.2, 1.2, 0.6, 0.6, 0.6, 0.6, 1.58);
        String page = render(json);

        String table = page.substring(page.indexOf("## 3D Poisson 128^3"));
        assertTrue(table.contains("| Solvent CG, matrix-free stencil | 2 threads | 296 |"), table);
        assertTrue(table.contains("| Solvent AMG-PCG, stencil on the finest level | 2 threads | 9 |"), table);
        String targets = page.substring(page.indexOf("## Targets"));
        String assembled = row(targets, "| AMG-PCG setup + solve below");
        assertTrue(assembled.contains("(Solvent CG, matrix-free stencil)") && assembled.endsWith("| missed |"), assembled);
        String stencil = row(targets, "| AMG-PCG (stencil on the finest level) setup + solve below");
        assertTrue(stencil.endsWith("| met |"), stencil);
    }

    @Test
    void withoutAmgThePageSaysNotAvailableAndGivesNoVerdict() {
        List<String> json = new ArrayList<>();
        series(json, "solvent", "cg", "fluid3d-32", 2, 258, 0.001, 0.001, 0.05, 0.06, 0.05, 0.07, null);
        series(json, "solvent", "cg+ic0", "fluid3d-32", 2, 83, 0.01, 0.01, 0.07, 0.08, 0.06, 0.07, null);
        json.add("{\"kind\": \"unavailable\", \"tool\": \"solvent\", \"method\": \"cg+amg\", \"pc\": \"amg\", \"problem\": \"fluid3d-32\", "
                + "\"round\": 1, \"parallel\": 2, \"parallelKind\": \"threads\", \"reason\": \"no preconditioner 'amg' in this build's registry\"}");
        json.add("{\"kind\": \"failed\", \"tool\": \"petsc\", \"method\": \"cg+gamg\", \"pc\": \"gamg\", \"problem\": \"fluid3d-32\", "
                + "\"round\": 1, \"parallel\": 2, \"parallelKind\": \"ranks\", \"reason\": \"exit code 1; see logs/x.err\"}");
        json.add("not json: a peer's stray output is skipped");
        json.add(solve("solvent", "cg+ic0", "spd:nos4", 1, 1, 1, 0.001, 0.002, 23, 3e-9, null));
        json.add(solve("solvent", "cg", "spd:nos4", 1, 1, 1, 0.001, 0.002, 84, 2e-8, null));
        String page = render(json);
        assertTrue(page.contains("- Solvent AMG-PCG: not available (no preconditioner 'amg' in this build's registry)"), page);
        assertTrue(page.contains("- failed: PETSc CG + GAMG on fluid3d-32 at 2 ranks, round 1: exit code 1; see logs/x.err"), page);
        assertTrue(page.contains("| Solvent AMG-PCG | - | not available |"));
        assertTrue(page.contains("largest grid of this run is 32^3, so no verdict is given"));
        assertTrue(row(page, "| every AMG-PCG target").endsWith("| not measured: AMG-PCG not available |"));
        assertTrue(row(page, "| fluid3d (smoke box) 32^3 | 2 |").contains("AMG-PCG not measured"));
        assertTrue(row(page, "| every SPD matrix converges").contains("not measured: no SPD matrix run"));
        // The SPD table: a residual above rtol is flagged although the solver said converged.
        String nos4 = row(page, "| nos4 |");
        assertTrue(nos4.contains("| 23 (3.0e-09) |"), nos4);
        assertTrue(nos4.contains("**above rtol** after 84 (2.0e-08)"), nos4);
        assertTrue(page.contains("- Command: `bench/amg/run.sh --x`"));
        assertTrue(page.contains("  - solvent: rule of solvent"));
    }

    @Test
    void readsTheMatricesReadmeAndCutsKspViews() {
        Map<String, String> props = AmgReport.matrixProperties("| file | n | header | properties |\n|---|---|---|---|\n"
                + "| nos4.mtx | 100 | real symmetric | SPD, kappa ~ 1.6e3 |\n| fs_541_1.mtx | 541 | real general | nonsymmetric |\n");
        assertEquals(Map.of("nos4", "SPD, kappa ~ 1.6e3", "fs_541_1", "nonsymmetric"), props);
        String view = "KSP Object\n  type: cg\nPC Object\n  Coarse grid solver -- level 0\n    lu\n"
                + "  Down solver (pre-smoother) on level 1 ---\n    type: chebyshev\n"
                + "  Down solver (pre-smoother) on level 2 ---\n    type: chebyshev 2\n    linear system matrix = precond\n    rows=5\n";
        assertEquals("KSP Object\n  type: cg\nPC Object\n  ...\n  Down solver (pre-smoother) on level 2 ---\n    type: chebyshev 2\n",
                AmgReport.viewExcerpt(view));
        assertEquals("1e-8", AmgReport.format(1e-8));
        assertEquals("0.25", AmgReport.format(0.25));
        assertEquals("12", AmgReport.format(12.0));
    }
}
