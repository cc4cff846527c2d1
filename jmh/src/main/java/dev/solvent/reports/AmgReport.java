package dev.solvent.reports;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes the multigrid comparison page ({@code docs/amg.md}) from the JSON lines of one
 * {@code bench/amg/run.sh} run: the environment, one table per generated problem and grid size
 * with every method side by side, the repeated-solve ratios with their spread, the targets with a
 * verdict only where the spread allows one, and the SPD SuiteSparse matrices.
 *
 * <pre>
 *   java -cp jmh/target/benchmarks.jar dev.solvent.reports.AmgReport --runs runs.jsonl --out amg.md
 *        [--env env.txt] [--views DIR] [--matrices-readme README.md]
 * </pre>
 *
 * Spreads: a figure is shown as "median (min-max)" over every timed solve (solve times) or every
 * round (setup times). A ratio of two such figures is the ratio of the medians, and its spread runs
 * from min/max to max/min, so that a verdict given on it holds for every pair of runs.
 */
public final class AmgReport {

    /** The grid size the targets are stated for. */
    static final int TARGET_GRID = 128;
    /** Slack on the tolerance when checking a recomputed residual (the rounding of two norms). */
    static final double RESIDUAL_SLACK = 1.001;

    private static final Pattern GRID_PROBLEM = Pattern.compile("(poisson3d|fluid3d)-(\\d+)");
    private static final String SPD_PREFIX = "spd:";
    private static final List<String> METHOD_ORDER = List.of(
            "solvent cg", "solvent cg-stencil", "solvent cg+ic0", "solvent cg+amg", "solvent cg+amg-stencil",
            "petsc cg+gamg", "petsc cg+hypre", "pyamg cg+pyamg-sa");
    private static final Map<String, String> METHOD_NAMES = Map.of(
            "solvent cg", "Solvent CG",
            "solvent cg-stencil", "Solvent CG, matrix-free stencil",
            "solvent cg+amg-stencil", "Solvent AMG-PCG, stencil on the finest level",
            "solvent cg+ic0", "Solvent IC(0)-PCG",
            "solvent cg+amg", "Solvent AMG-PCG",
            "solvent cg+jacobi", "Solvent Jacobi-PCG",
            "petsc cg+gamg", "PETSc CG + GAMG",
            "petsc cg+hypre", "PETSc CG + hypre BoomerAMG",
            "pyamg cg+pyamg-sa", "pyamg smoothed aggregation + CG");
    private static final String AMG = "solvent cg+amg";
    private static final String IC0 = "solvent cg+ic0";
    private static final String CG = "solvent cg";
    private static final String CG_STENCIL = "solvent cg-stencil";
    private static final String AMG_STENCIL = "solvent cg+amg-stencil";
    private static final String GAMG = "petsc cg+gamg";

    /** One JSON line of a run. */
    record Line(Map<String, Object> m) {

        String str(String key) {
            Object v = m.get(key);
            return v == null ? "" : v.toString();
        }

        /** A number; NaN when absent or null (the drivers write a non-finite value as null). */
        double num(String key) {
            Object v = m.get(key);
            if (v instanceof Number n) {
                return n.doubleValue();
            }
            if (v instanceof String s) {
                try {
                    return Double.parseDouble(s);
                } catch (NumberFormatException e) {
                    return Double.NaN;
                }
            }
            return Double.NaN;
        }

        int integer(String key) {
            double v = num(key);
            return Double.isNaN(v) ? -1 : (int) v;
        }

        String kind() {
            return str("kind");
        }

        /** Tool and method, e.g. "solvent cg+ic0", "petsc cg+gamg". */
        String methodKey() {
            return str("tool") + " " + str("method");
        }

        String problem() {
            return str("problem");
        }

        int parallel() {
            return integer("parallel");
        }
    }

    /** A median with the range of the values it was taken over. */
    record Spread(double median, double min, double max, int count) {

        static Spread of(List<Double> values) {
            List<Double> v = new ArrayList<>(values);
            v.removeIf(d -> d == null || Double.isNaN(d));
            if (v.isEmpty()) {
                return null;
            }
            v.sort(Comparator.naturalOrder());
            int n = v.size();
            double median = n % 2 == 1 ? v.get(n / 2) : 0.5 * (v.get(n / 2 - 1) + v.get(n / 2));
            return new Spread(median, v.get(0), v.get(n - 1), n);
        }

        /** this / other: the ratio of the medians, from min/max to max/min. */
        Spread over(Spread other) {
            return new Spread(median / other.median, min / other.max, max / other.min, Math.min(count, other.count));
        }

        /** this + other, medians added and the ends added. */
        Spread plus(Spread other) {
            return new Spread(median + other.median, min + other.min, max + other.max, Math.min(count, other.count));
        }
    }

    /** The timed solves of one method on one problem at one thread / rank count. */
    record Series(String methodKey, String problem, int parallel, String parallelKind, List<Line> solves) {

        Spread solve() {
            List<Double> v = new ArrayList<>();
            for (Line l : solves) {
                v.add(l.num("solveSeconds"));
            }
            return Spread.of(v);
        }

        /** Setup seconds, one value per round (each round is one process that set up once). */
        Spread setup() {
            Map<Integer, Double> perRound = new LinkedHashMap<>();
            for (Line l : solves) {
                perRound.putIfAbsent(l.integer("round"), l.num("setupSeconds"));
            }
            return Spread.of(new ArrayList<>(perRound.values()));
        }

        Spread total() {
            Spread s = setup();
            Spread v = solve();
            return s == null || v == null ? null : s.plus(v);
        }

        int minIterations() {
            return solves.stream().mapToInt(l -> l.integer("iterations")).min().orElse(-1);
        }

        int maxIterations() {
            return solves.stream().mapToInt(l -> l.integer("iterations")).max().orElse(-1);
        }

        double maxResidual() {
            return solves.stream().mapToDouble(l -> l.num("relativeResidual")).max().orElse(Double.NaN);
        }

        /** Every solve claims convergence and its recomputed residual meets the tolerance. */
        boolean allConverged() {
            for (Line l : solves) {
                if (!Boolean.TRUE.equals(l.m().get("converged")) || !meets(l)) {
                    return false;
                }
            }
            return !solves.isEmpty();
        }

        Double operatorComplexity() {
            for (Line l : solves) {
                double v = l.num("operatorComplexity");
                if (!Double.isNaN(v)) {
                    return v;
                }
            }
            return null;
        }

        Integer levels() {
            for (Line l : solves) {
                int v = l.integer("levels");
                if (v >= 0) {
                    return v;
                }
            }
            return null;
        }
    }

    private final List<Line> lines;
    private final List<String[]> env;
    private final Path views;
    private final Map<String, String> matrixProperties;
    private final StringBuilder md = new StringBuilder();

    AmgReport(List<Line> lines, List<String[]> env, Path views, Map<String, String> matrixProperties) {
        this.lines = lines;
        this.env = env;
        this.views = views;
        this.matrixProperties = matrixProperties;
    }

    public static void main(String[] args) throws IOException {
        Path runs = null;
        Path out = null;
        Path envFile = null;
        Path views = null;
        Path readme = null;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--runs" -> runs = Path.of(args[i + 1]);
                case "--out" -> out = Path.of(args[i + 1]);
                case "--env" -> envFile = Path.of(args[i + 1]);
                case "--views" -> views = Path.of(args[i + 1]);
                case "--matrices-readme" -> readme = Path.of(args[i + 1]);
                default -> {
                    System.err.println("AmgReport: unknown option " + args[i]);
                    System.exit(2);
                }
            }
        }
        if (runs == null || out == null || args.length % 2 != 0) {
            System.err.println("usage: AmgReport --runs runs.jsonl --out amg.md [--env env.txt] [--views DIR] [--matrices-readme README.md]");
            System.exit(2);
        }
        List<Line> lines = readLines(Files.readString(runs, StandardCharsets.UTF_8), runs.toString());
        List<String[]> env = envFile != null && Files.exists(envFile) ? readEnv(Files.readString(envFile, StandardCharsets.UTF_8)) : List.of();
        Map<String, String> props = readme != null && Files.exists(readme) ? matrixProperties(Files.readString(readme, StandardCharsets.UTF_8)) : Map.of();
        String text = new AmgReport(lines, env, views, props).render();
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(out, text, StandardCharsets.UTF_8);
        System.err.println("wrote " + out);
    }

    /** The JSON lines of a run; lines that are not JSON objects (a peer's stray output) are skipped. */
    static List<Line> readLines(String text, String source) {
        List<Line> out = new ArrayList<>();
        int number = 0;
        for (String raw : text.split("\n")) {
            number++;
            String s = raw.trim();
            if (!s.startsWith("{")) {
                continue;
            }
            Map<String, Object> m;
            try {
                m = JSON.std.mapFrom(s);
            } catch (IOException e) {
                throw new IllegalArgumentException(source + ":" + number + ": not a JSON object: " + e.getMessage(), e);
            }
            out.add(new Line(m));
        }
        return out;
    }

    /** "key: value" lines, in order. */
    static List<String[]> readEnv(String text) {
        List<String[]> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            int colon = line.indexOf(": ");
            if (colon > 0) {
                out.add(new String[] {line.substring(0, colon).trim(), line.substring(colon + 2).trim()});
            }
        }
        return out;
    }

    /** File base name to its properties column, from the matrices README's table. */
    static Map<String, String> matrixProperties(String readme) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : readme.split("\n")) {
            String[] cells = line.split("\\|");
            if (cells.length >= 5 && cells[1].trim().endsWith(".mtx")) {
                String file = cells[1].trim();
                out.put(file.substring(0, file.length() - 4), cells[4].trim());
            }
        }
        return out;
    }

    static boolean meets(Line l) {
        double r = l.num("relativeResidual");
        double rtol = l.num("rtol");
        return !Double.isNaN(r) && (Double.isNaN(rtol) || r <= rtol * RESIDUAL_SLACK);
    }

    // ---------------------------------------------------------------------------------------------

    String render() {
        md.append("# Algebraic multigrid beside its peers\n\n");
        md.append("Solvent's CG, IC(0)-PCG and AMG-PCG beside PETSc's CG with GAMG and with hypre BoomerAMG and pyamg's "
                + "smoothed aggregation with CG, on the 3D 7-point Poisson problem and the smoke-box fluid-pressure "
                + "problem (`solvent generate poisson3d|fluid3d`), then Solvent's preconditioners on the SPD SuiteSparse "
                + "matrices. Every figure on this page comes from one run of `bench/amg/run.sh` on one machine; the "
                + "command that made it is below. Regenerate the page with `bench/amg/run.sh --out docs` "
                + "(it installs PETSc and pyamg where they are missing); the run's duration and the machine's load "
                + "average are listed below.\n\n");
        environment();
        method();
        availability();
        gridTables();
        ratios();
        targets();
        amgSetup();
        spdMatrices();
        peerSettings();
        return md.toString();
    }

    private void environment() {
        if (env.isEmpty()) {
            return;
        }
        md.append("## Run\n\n");
        for (String[] kv : env) {
            String v = kv[1];
            if (kv[0].equalsIgnoreCase("command")) {
                v = "`" + v + "`";
            }
            md.append("- ").append(kv[0]).append(": ").append(v).append('\n');
        }
        md.append('\n');
    }

    private void method() {
        md.append("## How it was measured\n\n");
        md.append("- Each run is one process: it reads the matrix (untimed), sets up once (timed: Solvent's "
                + "`IterativeSolver.setup`, PETSc's `KSPSetUp`, pyamg's `smoothed_aggregation_solver`), then solves "
                + "several times, each from a zero initial guess and timed on its own (the CFD case: one setup, many "
                + "solves). The Solvent driver first sets up and solves the same method on a 40^3 Poisson problem, "
                + "untimed, so that the JIT has compiled the setup and the kernels; the first touch of the memory a "
                + "setup allocates is not warmed up and counts, as it does for the peers. \"stencil\": the matrix-free "
                + "7-point stencil in place of the assembled matrix (3D Poisson only; AMG applies it on the finest level "
                + "and builds its hierarchy from the matrix), checked against the matrix entry by entry. Within a round every method runs once, in a fixed "
                + "order; rounds repeat that order (A B C A B C), so a change in the machine's load falls on every method.\n");
        md.append("- setup s: median over rounds (min-max); solve s: median over every timed solve (min-max); total s: "
                + "median setup + median solve. Iterations: the range when runs differ.\n");
        md.append("- true rel. residual: `||b - A x|| / ||b||`, recomputed by the harness from the returned x, the largest over "
                + "the runs (Solvent: the driver's own loops over the CSR arrays; PETSc and pyamg: SciPy's `b - A @ x` on the "
                + "whole matrix, x gathered to rank 0). A value above the tolerance is marked **above rtol**.\n");
        md.append("- Threads / ranks: Solvent's CPU backend with that many threads (the JVM's compiler and collector threads "
                + "come on top); PETSc under `mpiexec -n` with one thread per rank (`OMP_NUM_THREADS=1`); pyamg is "
                + "single-threaded and runs once per round at 1.\n");
        Map<String, Set<String>> stopping = new LinkedHashMap<>();
        for (Line l : lines) {
            if (l.kind().equals("solve") && !l.str("stopping").isEmpty()) {
                stopping.computeIfAbsent(l.str("tool"), k -> new LinkedHashSet<>()).add(l.str("stopping"));
            }
        }
        Set<String> rtols = new TreeSet<>();
        for (Line l : lines) {
            if (l.kind().equals("solve") && !problemIsSpd(l.problem())) {
                rtols.add(format(l.num("rtol")));
            }
        }
        md.append("- Stopping rule, the same for every peer: `||b - A x_k||_2 <= rtol ||b||_2` from x_0 = 0, rtol ")
                .append(rtols.isEmpty() ? "-" : String.join(", ", rtols)).append(", set as follows:\n");
        for (Map.Entry<String, Set<String>> e : stopping.entrySet()) {
            md.append("  - ").append(e.getKey()).append(": ").append(String.join("; ", e.getValue())).append('\n');
        }
        md.append('\n');
    }

    private void availability() {
        Map<String, String> unavailable = new LinkedHashMap<>();
        List<String> failed = new ArrayList<>();
        for (Line l : lines) {
            if (l.kind().equals("unavailable")) {
                unavailable.putIfAbsent(displayName(l.methodKey()), l.str("reason"));
            } else if (l.kind().equals("failed")) {
                failed.add(displayName(l.methodKey()) + " on " + l.problem() + " at " + parallelLabel(l.parallel(), l.str("parallelKind"))
                        + ", round " + l.integer("round") + ": " + l.str("reason"));
            }
        }
        if (unavailable.isEmpty() && failed.isEmpty()) {
            return;
        }
        md.append("## Not available or failed in this run\n\n");
        for (Map.Entry<String, String> e : unavailable.entrySet()) {
            md.append("- ").append(e.getKey()).append(": not available (").append(e.getValue()).append(")\n");
        }
        for (String f : failed) {
            md.append("- failed: ").append(f).append('\n');
        }
        md.append('\n');
    }

    /** Series of timed solves, keyed by problem, in method and parallel order. */
    private Map<String, List<Series>> seriesByProblem() {
        Map<String, Map<String, List<Line>>> grouped = new LinkedHashMap<>();
        for (Line l : lines) {
            if (!l.kind().equals("solve")) {
                continue;
            }
            String key = l.methodKey() + "\u0000" + l.parallel() + "\u0000" + l.str("parallelKind");
            grouped.computeIfAbsent(l.problem(), k -> new LinkedHashMap<>()).computeIfAbsent(key, k -> new ArrayList<>()).add(l);
        }
        Map<String, List<Series>> out = new LinkedHashMap<>();
        for (Map.Entry<String, Map<String, List<Line>>> p : grouped.entrySet()) {
            List<Series> list = new ArrayList<>();
            for (List<Line> ls : p.getValue().values()) {
                Line first = ls.get(0);
                list.add(new Series(first.methodKey(), p.getKey(), first.parallel(), first.str("parallelKind"), ls));
            }
            list.sort(Comparator.comparingInt((Series s) -> methodRank(s.methodKey())).thenComparing(Series::methodKey)
                    .thenComparingInt(Series::parallel));
            out.put(p.getKey(), list);
        }
        return out;
    }

    /** Generated problems present, in family order (Poisson first) then by grid size. */
    private List<String> gridProblems() {
        Set<String> names = new LinkedHashSet<>();
        for (Line l : lines) {
            if (GRID_PROBLEM.matcher(l.problem()).matches()) {
                names.add(l.problem());
            }
        }
        List<String> list = new ArrayList<>(names);
        list.sort(Comparator.comparing((String p) -> family(p).equals("poisson3d") ? 0 : 1).thenComparingInt(AmgReport::grid));
        return list;
    }

    private void gridTables() {
        Map<String, List<Series>> byProblem = seriesByProblem();
        for (String problem : gridProblems()) {
            List<Series> series = byProblem.getOrDefault(problem, List.of());
            Line any = firstSolve(problem);
            md.append("## ").append(problemTitle(problem));
            if (any != null) {
                md.append(String.format(Locale.ROOT, ", n = %d, %d nonzeros", (long) any.num("n"), (long) any.num("nnz")));
            }
            md.append("\n\n");
            md.append(family(problem).equals("poisson3d") ? "b = A * ones.\n\n" : "b = the generated right-hand side (`--rhs-out`).\n\n");
            md.append("| method | threads / ranks | iterations | setup s | solve s | total s | true rel. residual | operator complexity | levels |\n");
            md.append("|---|---|---|---|---|---|---|---|---|\n");
            for (Series s : series) {
                md.append("| ").append(displayName(s.methodKey()))
                        .append(" | ").append(parallelLabel(s.parallel(), s.parallelKind()))
                        .append(" | ").append(iterations(s))
                        .append(" | ").append(seconds(s.setup()))
                        .append(" | ").append(seconds(s.solve()))
                        .append(" | ").append(seconds(s.total()))
                        .append(" | ").append(residual(s))
                        .append(" | ").append(s.operatorComplexity() == null ? "-" : String.format(Locale.ROOT, "%.3f", s.operatorComplexity()))
                        .append(" | ").append(s.levels() == null ? "-" : s.levels().toString())
                        .append(" |\n");
            }
            for (String missing : missingMethods(problem)) {
                md.append("| ").append(missing).append(" | - | not available | | | | | | |\n");
            }
            md.append('\n');
        }
    }

    /** Display names of methods reported unavailable on this problem, once each. */
    private Set<String> missingMethods(String problem) {
        Set<String> out = new LinkedHashSet<>();
        for (Line l : lines) {
            if (l.kind().equals("unavailable") && l.problem().equals(problem)) {
                out.add(displayName(l.methodKey()));
            }
        }
        return out;
    }

    private void ratios() {
        md.append("## Repeated solves: ratios\n\n");
        md.append("One setup, then every timed solve of that setup (the CFD case). A ratio is the ratio of the medians; "
                + "the range runs from the fastest against the slowest run to the slowest against the fastest. "
                + "Solvent at T threads is set against PETSc at T ranks.\n\n");
        md.append("| problem | threads / ranks | AMG-PCG solve / IC(0)-PCG solve | Solvent AMG / PETSc GAMG, solve | Solvent AMG / PETSc GAMG, setup |\n");
        md.append("|---|---|---|---|---|\n");
        Map<String, List<Series>> byProblem = seriesByProblem();
        boolean any = false;
        for (String problem : gridProblems()) {
            for (int parallel : parallels(byProblem.get(problem))) {
                Series amg = find(byProblem, problem, AMG, parallel);
                Series ic0 = find(byProblem, problem, IC0, parallel);
                Series gamg = find(byProblem, problem, GAMG, parallel);
                md.append("| ").append(problemTitle(problem)).append(" | ").append(parallel)
                        .append(" | ").append(ratio(amg, ic0, false))
                        .append(" | ").append(ratio(amg, gamg, false))
                        .append(" | ").append(ratio(amg, gamg, true))
                        .append(" |\n");
                any = true;
            }
        }
        if (!any) {
            md.append("| - | - | - | - | - |\n");
        }
        md.append('\n');
    }

    private String ratio(Series a, Series b, boolean setup) {
        if (a == null) {
            return "AMG-PCG not measured";
        }
        if (b == null) {
            return "peer not measured";
        }
        Spread sa = setup ? a.setup() : a.solve();
        Spread sb = setup ? b.setup() : b.solve();
        return sa == null || sb == null ? "-" : ratioText(sa.over(sb));
    }

    private void targets() {
        md.append("## Targets\n\n");
        int largest = gridProblems().stream().mapToInt(AmgReport::grid).max().orElse(-1);
        boolean atTarget = largest == TARGET_GRID;
        if (!atTarget) {
            md.append("The targets are stated for 128^3; the largest grid of this run is ")
                    .append(largest < 0 ? "none" : largest + "^3")
                    .append(", so no verdict is given: the values are shown for orientation only.\n\n");
        } else {
            md.append("A verdict is given only where the spread allows one: a time target is met when even the least "
                    + "favourable pair of runs meets it, missed when even the most favourable misses it, and left open "
                    + "otherwise.\n\n");
        }
        md.append("| target | problem | threads / ranks | measured | verdict |\n|---|---|---|---|---|\n");
        Map<String, List<Series>> byProblem = seriesByProblem();
        String noAmg = "not measured: AMG-PCG not available";
        for (String fam : List.of("poisson3d", "fluid3d")) {
            String problem = fam + "-" + largest;
            if (!byProblem.containsKey(problem)) {
                continue;
            }
            int iterLimit = fam.equals("poisson3d") ? 12 : 15;
            for (int parallel : parallels(byProblem.get(problem))) {
                Series amg = find(byProblem, problem, AMG, parallel);
                String p = problemTitle(problem);
                if (amg == null) {
                    targetRow("every AMG-PCG target (iterations, growth, complexity, times)", p, parallel, "-", noAmg);
                    continue;
                }
                int its = amg.maxIterations();
                targetRow("AMG-PCG iterations <= " + iterLimit, p, parallel, iterations(amg),
                        decide(atTarget, amg.allConverged() && its <= iterLimit, !amg.allConverged() || its > iterLimit));
                Series small = find(byProblem, fam + "-" + (largest / 2), AMG, parallel);
                if (small != null) {
                    double growth = (double) its / small.maxIterations();
                    targetRow("AMG-PCG iterations grow < 1.3x from " + (largest / 2) + "^3", p, parallel,
                            String.format(Locale.ROOT, "%d -> %d: %.2fx", small.maxIterations(), its, growth),
                            decide(atTarget, growth < 1.3, growth >= 1.3));
                } else {
                    targetRow("AMG-PCG iterations grow < 1.3x from " + (largest / 2) + "^3", p, parallel, "-",
                            "not measured: no " + (largest / 2) + "^3 AMG-PCG run");
                }
                Double oc = amg.operatorComplexity();
                targetRow("operator complexity <= 1.6", p, parallel, oc == null ? "not reported" : String.format(Locale.ROOT, "%.3f", oc),
                        oc == null ? "not measured: the setup report gives none" : decide(atTarget, oc <= 1.6, oc > 1.6));
                // setup + solve below Solvent's best non-multigrid total (the stencil CG where it ran).
                Series cg = find(byProblem, problem, CG, parallel);
                Series cgStencil = find(byProblem, problem, CG_STENCIL, parallel);
                Series ic0 = find(byProblem, problem, IC0, parallel);
                Series bestMethod = bestTotal(cg, cgStencil, ic0);
                Spread best = bestMethod == null ? null : bestMethod.total();
                Series amgStencil = find(byProblem, problem, AMG_STENCIL, parallel);
                for (Series form : amgStencil == null ? List.of(amg) : List.of(amg, amgStencil)) {
                    String what = (form == amg ? "AMG-PCG" : "AMG-PCG (stencil on the finest level)")
                            + " setup + solve below Solvent's best non-multigrid total";
                    Spread total = form.allConverged() ? form.total() : null;
                    if (best != null && total != null) {
                        targetRow(what, p, parallel, seconds(total) + " s vs " + seconds(best) + " s ("
                                        + displayName(bestMethod.methodKey()) + ")",
                                decide(atTarget, total.max() < best.min(), total.min() >= best.max()));
                    } else {
                        targetRow(what, p, parallel, "-", total == null ? "not measured: not every solve converged"
                                : "not measured: CG / IC(0)-PCG missing");
                    }
                }
                ratioTarget("AMG-PCG solve at least 2x faster than IC(0)-PCG (ratio <= 0.5)", p, parallel, amg, ic0, false, 0.5, atTarget);
                Series gamg = find(byProblem, problem, GAMG, parallel);
                ratioTarget("solve not slower than PETSc GAMG (ratio <= 1)", p, parallel, amg, gamg, false, 1.0, atTarget);
                ratioTarget("setup at most half of PETSc GAMG's (ratio <= 0.5)", p, parallel, amg, gamg, true, 0.5, atTarget);
            }
        }
        // Every SPD matrix converges with --pc amg.
        List<Line> spdAmg = new ArrayList<>();
        boolean spdAmgUnavailable = false;
        for (Line l : lines) {
            if (problemIsSpd(l.problem()) && l.methodKey().equals(AMG)) {
                if (l.kind().equals("solve") || l.kind().equals("failed")) {
                    spdAmg.add(l);
                } else if (l.kind().equals("unavailable")) {
                    spdAmgUnavailable = true;
                }
            }
        }
        if (spdAmg.isEmpty()) {
            targetRow("every SPD matrix converges with --pc amg", "SuiteSparse SPD", 1, "-",
                    spdAmgUnavailable ? noAmg : "not measured: no SPD matrix run");
        } else {
            int ok = 0;
            for (Line l : spdAmg) {
                if (l.kind().equals("solve") && Boolean.TRUE.equals(l.m().get("converged")) && meets(l)) {
                    ok++;
                }
            }
            targetRow("every SPD matrix converges with --pc amg", "SuiteSparse SPD", 1, ok + " of " + spdAmg.size(),
                    ok == spdAmg.size() ? "met" : "missed");
        }
        md.append('\n');
    }

    private void ratioTarget(String what, String problem, int parallel, Series a, Series b, boolean setup, double limit, boolean atTarget) {
        if (b == null) {
            targetRow(what, problem, parallel, "-", "not measured: peer missing");
            return;
        }
        Spread sa = setup ? a.setup() : a.solve();
        Spread sb = setup ? b.setup() : b.solve();
        if (sa == null || sb == null) {
            targetRow(what, problem, parallel, "-", "not measured");
            return;
        }
        Spread r = sa.over(sb);
        targetRow(what, problem, parallel, ratioText(r), decide(atTarget, r.max() <= limit, r.min() > limit));
    }

    /** The converged method among {@code candidates} with the lowest median total; null if none. */
    private static Series bestTotal(Series... candidates) {
        Series best = null;
        for (Series s : candidates) {
            Spread t = s == null || !s.allConverged() ? null : s.total();
            if (t != null && (best == null || t.median() < best.total().median())) {
                best = s;
            }
        }
        return best;
    }

    static String decide(boolean atTarget, boolean met, boolean missed) {
        if (!atTarget) {
            return "no verdict (not 128^3)";
        }
        if (met) {
            return "met";
        }
        if (missed) {
            return "missed";
        }
        return "no verdict: the spread straddles the target";
    }

    private void targetRow(String target, String problem, int parallel, String measured, String verdict) {
        md.append("| ").append(target).append(" | ").append(problem).append(" | ").append(parallel > 0 ? String.valueOf(parallel) : "-")
                .append(" | ").append(measured).append(" | ").append(verdict).append(" |\n");
    }

    private void amgSetup() {
        List<Line> reports = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (Line l : lines) {
            if (l.kind().equals("solve") && l.methodKey().equals(AMG) && !problemIsSpd(l.problem())
                    && seen.add(l.problem() + "/" + l.parallel())) {
                reports.add(l);
            }
        }
        if (reports.isEmpty()) {
            return;
        }
        md.append("## Solvent AMG: what setup built\n\n");
        md.append("The bound solver's setup report from the first round of each problem (`setupReport()`, as `solvent solve --json` prints it under \"setup\").\n\n");
        for (Line l : reports) {
            md.append("- ").append(problemTitle(l.problem())).append(", ").append(parallelLabel(l.parallel(), "threads")).append(": ");
            StringBuilder sb = new StringBuilder();
            flatten(sb, "", l.m().get("setup"));
            md.append(sb.length() == 0 ? "(empty)" : sb.toString()).append('\n');
        }
        md.append('\n');
    }

    /** key=value pairs of a nested report, one line; lists of maps (per-level rows) in brackets. */
    static void flatten(StringBuilder sb, String prefix, Object v) {
        if (v instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                flatten(sb, prefix.isEmpty() ? String.valueOf(e.getKey()) : prefix + "." + e.getKey(), e.getValue());
            }
        } else if (v instanceof List<?> list) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(prefix).append(" = [");
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    sb.append("; ");
                }
                StringBuilder inner = new StringBuilder();
                flatten(inner, "", list.get(i));
                sb.append(inner.length() == 0 ? String.valueOf(list.get(i)) : inner);
            }
            sb.append(']');
        } else if (v != null) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(prefix.isEmpty() ? "" : prefix + " = ").append(v instanceof Double d ? format(d) : String.valueOf(v));
        }
    }

    private void spdMatrices() {
        Map<String, Map<String, Line>> byMatrix = new LinkedHashMap<>();
        Set<String> pcs = new LinkedHashSet<>();
        for (Line l : lines) {
            if (!problemIsSpd(l.problem())) {
                continue;
            }
            String matrix = l.problem().substring(SPD_PREFIX.length());
            String pc = l.str("pc");
            pcs.add(pc);
            byMatrix.computeIfAbsent(matrix, k -> new LinkedHashMap<>()).putIfAbsent(pc, l);
        }
        if (byMatrix.isEmpty()) {
            return;
        }
        List<String> pcOrder = new ArrayList<>(pcs);
        List<String> preferred = List.of("amg", "ic0", "jacobi", "none");
        pcOrder.sort(Comparator.comparingInt((String pc) -> preferred.indexOf(pc) < 0 ? 99 : preferred.indexOf(pc)));
        Set<String> limits = new TreeSet<>();
        Set<String> rtols = new TreeSet<>();
        Set<String> threads = new TreeSet<>();
        for (Map<String, Line> m : byMatrix.values()) {
            for (Line l : m.values()) {
                if (l.kind().equals("solve")) {
                    limits.add(String.valueOf(l.integer("maxIterations")));
                    rtols.add(format(l.num("rtol")));
                    threads.add(String.valueOf(l.parallel()));
                }
            }
        }
        md.append("## SPD SuiteSparse matrices: Solvent CG with each preconditioner\n\n");
        md.append("b = A * ones, rtol ").append(String.join(", ", rtols)).append(", iteration limit ")
                .append(String.join(", ", limits)).append(", threads ").append(String.join(", ", threads)).append(". Each cell: iterations, then the true relative residual recomputed "
                + "by the harness; **not converged** with the solver's reason where it stopped short. The bcsstk "
                + "matrices are structural (elasticity) stiffness matrices: AMG whose near-null space is only the "
                + "constant vector, without the rigid-body modes, is not made for them and may need many iterations.\n\n");
        md.append("| matrix | n | nonzeros | properties |");
        for (String pc : pcOrder) {
            md.append(" --pc ").append(pc).append(" |");
        }
        md.append("\n|---|---|---|---|");
        md.append("---|".repeat(pcOrder.size()));
        md.append('\n');
        for (Map.Entry<String, Map<String, Line>> e : byMatrix.entrySet()) {
            Line any = null;
            for (Line l : e.getValue().values()) {
                if (l.kind().equals("solve")) {
                    any = l;
                    break;
                }
            }
            md.append("| ").append(e.getKey()).append(" | ")
                    .append(any == null ? "-" : String.valueOf((long) any.num("n"))).append(" | ")
                    .append(any == null ? "-" : String.valueOf((long) any.num("nnz"))).append(" | ")
                    .append(matrixProperties.getOrDefault(e.getKey(), "")).append(" |");
            for (String pc : pcOrder) {
                Line l = e.getValue().get(pc);
                md.append(' ').append(l == null ? "-" : spdCell(l)).append(" |");
            }
            md.append('\n');
        }
        md.append('\n');
    }

    static String spdCell(Line l) {
        switch (l.kind()) {
            case "unavailable":
                return "not available";
            case "failed":
                return "failed: " + l.str("reason");
            default:
                break;
        }
        String res = String.format(Locale.ROOT, "%.1e", l.num("relativeResidual"));
        boolean converged = Boolean.TRUE.equals(l.m().get("converged"));
        if (converged && meets(l)) {
            return l.integer("iterations") + " (" + res + ")";
        }
        if (converged) {
            return "**above rtol** after " + l.integer("iterations") + " (" + res + ")";
        }
        String message = l.str("message");
        if (message.length() > 120) {
            message = message.substring(0, 117) + "...";
        }
        return "**not converged**: " + l.str("reason") + " after " + l.integer("iterations") + " (" + res + ")"
                + (message.isEmpty() ? "" : ": " + message.replace("|", "/"));
    }

    private void peerSettings() {
        if (views == null || !Files.isDirectory(views)) {
            return;
        }
        List<Path> files = new ArrayList<>();
        try (var stream = Files.list(views)) {
            stream.filter(p -> p.toString().endsWith(".txt")).sorted().forEach(files::add);
        } catch (IOException e) {
            return;
        }
        if (files.isEmpty()) {
            return;
        }
        md.append("## The peers' settings, as PETSc reports them (KSPView, 1 rank)\n\n");
        for (Path f : files) {
            String text;
            try {
                text = Files.readString(f, StandardCharsets.UTF_8);
            } catch (IOException e) {
                continue;
            }
            md.append("<details><summary>").append(f.getFileName()).append("</summary>\n\n```\n")
                    .append(viewExcerpt(text)).append("```\n\n</details>\n\n");
        }
    }

    /**
     * The head of a KSPView up to the coarse-grid solver, and the finest level's smoother (the last
     * "Down solver" block up to its matrix): the settings without a listing of every level.
     */
    static String viewExcerpt(String view) {
        String[] rows = view.split("\n");
        StringBuilder sb = new StringBuilder();
        int i = 0;
        for (; i < rows.length && !rows[i].contains("Coarse grid solver"); i++) {
            sb.append(rows[i]).append('\n');
        }
        int down = -1;
        for (int k = 0; k < rows.length; k++) {
            if (rows[k].contains("Down solver (pre-smoother) on level")) {
                down = k;
            }
        }
        if (down >= 0) {
            sb.append("  ...\n");
            for (int k = down; k < rows.length && !rows[k].contains("linear system matrix"); k++) {
                sb.append(rows[k]).append('\n');
            }
        }
        return sb.toString();
    }

    // ---------------------------------------------------------------------------------------------

    private Line firstSolve(String problem) {
        for (Line l : lines) {
            if (l.kind().equals("solve") && l.problem().equals(problem)) {
                return l;
            }
        }
        return null;
    }

    private static Series find(Map<String, List<Series>> byProblem, String problem, String methodKey, int parallel) {
        for (Series s : byProblem.getOrDefault(problem, List.of())) {
            if (s.methodKey().equals(methodKey) && s.parallel() == parallel) {
                return s;
            }
        }
        return null;
    }

    private static List<Integer> parallels(List<Series> series) {
        Set<Integer> out = new TreeSet<>();
        if (series != null) {
            for (Series s : series) {
                out.add(s.parallel());
            }
        }
        return new ArrayList<>(out);
    }

    static boolean problemIsSpd(String problem) {
        return problem.startsWith(SPD_PREFIX);
    }

    static String family(String problem) {
        Matcher m = GRID_PROBLEM.matcher(problem);
        return m.matches() ? m.group(1) : "";
    }

    static int grid(String problem) {
        Matcher m = GRID_PROBLEM.matcher(problem);
        return m.matches() ? Integer.parseInt(m.group(2)) : -1;
    }

    static String problemTitle(String problem) {
        Matcher m = GRID_PROBLEM.matcher(problem);
        if (!m.matches()) {
            return problem;
        }
        String g = m.group(2);
        return (m.group(1).equals("poisson3d") ? "3D Poisson " : "fluid3d (smoke box) ") + g + "^3";
    }

    static int methodRank(String methodKey) {
        int i = METHOD_ORDER.indexOf(methodKey);
        return i < 0 ? METHOD_ORDER.size() : i;
    }

    static String displayName(String methodKey) {
        return METHOD_NAMES.getOrDefault(methodKey, methodKey);
    }

    static String parallelLabel(int n, String kind) {
        String unit = kind.equals("ranks") ? "rank" : "thread";
        return n + " " + unit + (n == 1 ? "" : "s");
    }

    static String iterations(Series s) {
        int lo = s.minIterations();
        int hi = s.maxIterations();
        return lo == hi ? String.valueOf(lo) : lo + "-" + hi;
    }

    static String residual(Series s) {
        String r = String.format(Locale.ROOT, "%.1e", s.maxResidual());
        if (!s.allConverged()) {
            Set<String> reasons = new LinkedHashSet<>();
            for (Line l : s.solves()) {
                if (!Boolean.TRUE.equals(l.m().get("converged"))) {
                    reasons.add(l.str("reason"));
                } else if (!meets(l)) {
                    reasons.add("above rtol");
                }
            }
            return r + " **" + String.join(", ", reasons) + "**";
        }
        return r;
    }

    /** Seconds to three significant figures or so. */
    static String sec(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        double a = Math.abs(v);
        if (a >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        if (a >= 1) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        if (a >= 0.01) {
            return String.format(Locale.ROOT, "%.3f", v);
        }
        return String.format(Locale.ROOT, "%.4f", v);
    }

    static String seconds(Spread s) {
        if (s == null) {
            return "-";
        }
        if (s.count() == 1 || s.min() == s.max()) {
            return sec(s.median());
        }
        return sec(s.median()) + " (" + sec(s.min()) + "-" + sec(s.max()) + ")";
    }

    static String ratioText(Spread r) {
        return String.format(Locale.ROOT, "%.2f (%.2f-%.2f)", r.median(), r.min(), r.max());
    }

    /** A number in at most four significant digits, without trailing zeros: 1e-8, 0.25, 1.837, 12. */
    static String format(double v) {
        if (!Double.isFinite(v)) {
            return String.valueOf(v);
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return String.valueOf((long) v);
        }
        java.math.BigDecimal d = new java.math.BigDecimal(v).round(new java.math.MathContext(4)).stripTrailingZeros();
        return (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e6 ? d.toString() : d.toPlainString()).toLowerCase(Locale.ROOT).replace("e+", "e");
    }
}
