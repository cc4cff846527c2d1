package dev.solvent.reports;

import dev.solvent.backend.Backend;
import dev.solvent.backend.ReferenceBackend;
import dev.solvent.dcdm.Dcdm;
import dev.solvent.dcdm.DcdmNetwork;
import dev.solvent.dcdm.GridMap;
import dev.solvent.dcdm.PretrainedModels;
import dev.solvent.gen.FluidGrid;
import dev.solvent.gen.Problem;
import dev.solvent.precond.Ic0;
import dev.solvent.precond.NoPreconditioner;
import dev.solvent.solve.BoundSolver;
import dev.solvent.solve.ConjugateGradient;
import dev.solvent.solve.IterativeSolver;
import dev.solvent.solve.SolveResult;
import dev.solvent.solve.SolverOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.XYChart;

/**
 * The results of {@code docs/dcdm.md}: CG, IC(0)-PCG and DCDM on smoke-in-a-box pressure problems
 * around random obstacles ({@link FluidGrid#withObstacles}, open top, the plume divergence as
 * right-hand side), on domains not used in training. Each solver runs once to
 * {@code ||r|| <= 1e-6 ||b||}; the iteration count and time at 1e-4 are read off the same run (the
 * first iteration whose residual meets 1e-4, its time from a listener's clock). Setup (IC(0)
 * factorisation; for DCDM also its fallback's) is timed separately. DCDM runs three ways:
 * A-orthogonalising against the last 64 directions (network or IC(0) direction, the better), the
 * same combined (both, see {@link Dcdm.Settings#combine()}), and with the paper's k = 2.
 *
 * <p>Writes into the folder given by {@code --out}: {@code dcdm-results.md} (the table),
 * {@code dcdm-residuals.png} (the residual history of every solver, one panel per problem) and
 * {@code dcdm-iterations.png} (iterations to 1e-6 against the grid size, the mean over seeds).
 *
 * <pre>
 *   java -Xmx6g -cp jmh/target/benchmarks.jar dev.solvent.reports.DcdmReport --out DIR
 *        [--modes k64,combined,k2] MODEL SIZE:SEED[,SEED...] ...
 * </pre>
 * MODEL is a pretrained model's name ({@code fluid-ml8}) or a model file; for example
 * {@code DcdmReport --out target/dcdm fluid-ml8 32:101,102 64:101,102}.
 */
public final class DcdmReport {

    static final List<String> MODES = List.of("k64", "combined", "k2");
    static final String USAGE = "usage: DcdmReport --out DIR [--modes k64,combined,k2] MODEL SIZE:SEED[,SEED...] ...";

    private DcdmReport() {
    }

    /** One solve: the table's row and the residual history behind it. */
    record Row(String problem, int n, int unknowns, String solver, int it4, int it6, double t4, double t6, double setup,
               String reason, double relResidual, String extra, double[] relativeResiduals) {
    }

    public static void main(String[] args) throws Exception {
        Path dir = null;
        List<String> modes = MODES;
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--out") && i + 1 < args.length) {
                dir = Path.of(args[++i]);
            } else if (args[i].startsWith("--modes=")) {
                modes = List.of(args[i].substring("--modes=".length()).split(","));
            } else if (args[i].equals("--modes") && i + 1 < args.length) {
                modes = List.of(args[++i].split(","));
            } else {
                rest.add(args[i]);
            }
        }
        if (dir == null || rest.size() < 2 || !MODES.containsAll(modes)) {
            throw new IllegalArgumentException((dir == null ? "--out DIR is required (the report is written there); " : "")
                    + USAGE);
        }
        Files.createDirectories(dir);
        String modelName = rest.get(0);
        DcdmNetwork net = PretrainedModels.isName(modelName) ? PretrainedModels.load(modelName)
                : DcdmNetwork.load(Path.of(modelName));
        String started = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        System.out.println("model: " + modelName + ", " + net.architecture() + ", " + net.parameterCount()
                + " parameters; training notes: " + net.trainingNotes());
        List<Row> rows = new ArrayList<>();
        for (String spec : rest.subList(1, rest.size())) {
            String[] parts = spec.split(":");
            if (parts.length != 2) {
                throw new IllegalArgumentException("'" + spec + "' is not SIZE:SEED[,SEED...]; " + USAGE);
            }
            int n = Integer.parseInt(parts[0]);
            for (String s : parts[1].split(",")) {
                long seed = Long.parseLong(s);
                FluidGrid g = FluidGrid.withObstacles(n, seed, true);
                Problem p = g.pressureProblem(null);
                String name = g.label() + " " + n + "^3";
                SolverOptions opts = SolverOptions.defaults().withRtol(1e-6).withMaxIterations(2000);
                rows.add(run(name, n, p, new ConjugateGradient(opts, NoPreconditioner.INSTANCE), "CG"));
                rows.add(run(name, n, p, new ConjugateGradient(opts, new Ic0()), "IC(0)-PCG"));
                SolverOptions dopts = opts.withMaxIterations(1000);
                Dcdm.Settings base = Dcdm.Settings.defaults();
                if (modes.contains("k64")) {
                    rows.add(run(name, n, p, new Dcdm(dopts, net, GridMap.of(g), base.withDirections(64)), "DCDM k=64"));
                }
                if (modes.contains("combined")) {
                    rows.add(run(name, n, p, new Dcdm(dopts, net, GridMap.of(g), base.withDirections(64).withCombine(true)),
                            "DCDM combined k=64"));
                }
                if (modes.contains("k2")) {
                    rows.add(run(name, n, p, new Dcdm(dopts, net, GridMap.of(g), base), "DCDM k=2 (paper)"));
                }
            }
        }
        Path md = dir.resolve("dcdm-results.md");
        Files.writeString(md, markdown(rows, modelName, started, args), StandardCharsets.UTF_8);
        plotResiduals(rows, dir.resolve("dcdm-residuals.png"));
        plotIterations(rows, dir.resolve("dcdm-iterations.png"));
        System.out.println("wrote " + md + ", dcdm-residuals.png and dcdm-iterations.png in " + dir);
    }

    static String markdown(List<Row> rows, String model, String started, String[] args) {
        StringBuilder md = new StringBuilder();
        md.append("# DCDM against CG and IC(0)-PCG\n\n");
        md.append("Written by `dev.solvent.reports.DcdmReport` on ").append(started).append(" (UTC) with model `")
                .append(model).append("`; ").append(Runtime.getRuntime().availableProcessors())
                .append(" processors, load average at the end ")
                .append(String.format(Locale.ROOT, "%.2f",
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()))
                .append(". Reproduce with\n\n```\njava -Xmx6g -cp jmh/target/benchmarks.jar dev.solvent.reports.DcdmReport ")
                .append(String.join(" ", args)).append("\n```\n\n");
        md.append("| problem | unknowns | solver | its to 1e-4 | its to 1e-6 | time to 1e-4 (s) | time to 1e-6 (s) | setup (s) "
                + "| result | DCDM directions |\n|---|---|---|---|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            md.append(String.format(Locale.ROOT, "| %s | %d | %s | %d | %d | %.2f | %.2f | %.2f | %s (%.1e) | %s |%n",
                    r.problem, r.unknowns, r.solver, r.it4, r.it6, r.t4, r.t6, r.setup, r.reason, r.relResidual, r.extra));
        }
        md.append("\n![residual histories](dcdm-residuals.png)\n\n![iterations against grid size](dcdm-iterations.png)\n");
        return md.toString();
    }

    /** One panel per problem: ||r|| / ||b|| against the iteration for every solver. */
    static void plotResiduals(List<Row> rows, Path png) throws IOException {
        Map<String, List<Row>> byProblem = new LinkedHashMap<>();
        for (Row r : rows) {
            byProblem.computeIfAbsent(r.problem, k -> new ArrayList<>()).add(r);
        }
        List<String> solvers = solvers(rows);
        List<XYChart> charts = new ArrayList<>();
        for (Map.Entry<String, List<Row>> e : byProblem.entrySet()) {
            List<Plots.Line> lines = new ArrayList<>();
            for (Row r : e.getValue()) {
                double[] x = new double[r.relativeResiduals.length];
                for (int i = 0; i < x.length; i++) {
                    x[i] = i;
                }
                lines.add(new Plots.Line(r.solver, x, r.relativeResiduals, solvers.indexOf(r.solver)));
            }
            charts.add(Plots.chart(e.getKey(), "iteration", "||r|| / ||b||", true, Double.NaN, lines, 520, 400));
        }
        Plots.save(charts, Math.min(2, charts.size()), png);
    }

    /** Iterations to 1e-6 against the grid size n (n^3 cells), the mean over the seeds run at each size. */
    static void plotIterations(List<Row> rows, Path png) throws IOException {
        List<String> solvers = solvers(rows);
        List<Plots.Line> lines = new ArrayList<>();
        for (String s : solvers) {
            Map<Integer, double[]> sums = new java.util.TreeMap<>();
            for (Row r : rows) {
                if (r.solver.equals(s)) {
                    double[] acc = sums.computeIfAbsent(r.n, k -> new double[2]);
                    acc[0] += r.it6;
                    acc[1]++;
                }
            }
            double[] x = new double[sums.size()];
            double[] y = new double[sums.size()];
            int k = 0;
            for (Map.Entry<Integer, double[]> e : sums.entrySet()) {
                x[k] = e.getKey();
                y[k] = e.getValue()[0] / e.getValue()[1];
                k++;
            }
            lines.add(new Plots.Line(s, x, y, solvers.indexOf(s)));
        }
        Plots.save(List.of(Plots.chart("Iterations to 1e-6 against grid size", "n (grid n^3)", "iterations", false,
                Double.NaN, lines, 640, 440)), 1, png);
    }

    private static List<String> solvers(List<Row> rows) {
        List<String> names = new ArrayList<>();
        for (Row r : rows) {
            if (!names.contains(r.solver)) {
                names.add(r.solver);
            }
        }
        return names;
    }

    private static Row run(String name, int n, Problem p, IterativeSolver solver, String label) {
        Backend backend = new ReferenceBackend();
        double[] b = p.rhs();
        double bNorm = 0;
        for (double v : b) {
            bNorm += v * v;
        }
        bNorm = Math.sqrt(bNorm);
        long[] times = new long[100_000];
        double[] norms = new double[100_000];
        int[] count = {0};
        SolverOptions opts = solver.options().withListener((it, r) -> {
            if (it < times.length) {
                times[it] = System.nanoTime();
                norms[it] = r;
                count[0] = it + 1;
            }
        });
        IterativeSolver s = solver instanceof Dcdm d
                ? new Dcdm(opts, d.network(), d.map(), d.settings())
                : new ConjugateGradient(opts, ((ConjugateGradient) solver).preconditioner());
        long t0 = System.nanoTime();
        BoundSolver bound = s.setup(p.matrix(), backend);
        double setup = (System.nanoTime() - t0) * 1e-9;
        double[] x = new double[b.length];
        long start = System.nanoTime();
        SolveResult res = bound.solve(b, x);
        long end = System.nanoTime();
        int it4 = -1;
        for (int i = 0; i < count[0]; i++) {
            if (norms[i] <= 1e-4 * bNorm) {
                it4 = i;
                break;
            }
        }
        double t4 = it4 < 0 ? Double.NaN : (times[it4] - start) * 1e-9;
        String extra = "";
        if (bound instanceof Dcdm.Bound d) {
            extra = d.networkDirections() + " network / " + d.fallbacks() + " fallback (" + d.fallbackName() + ")";
        }
        bound.close();
        double[] relative = Arrays.copyOf(norms, count[0]);
        for (int i = 0; i < relative.length; i++) {
            relative[i] /= bNorm;
        }
        Row row = new Row(name, n, b.length, label, it4, res.iterations(), t4, (end - start) * 1e-9, setup,
                res.reason().toString(), res.relativeResidual(), extra, relative);
        System.out.println(row.problem + " | " + row.solver + " | " + row.it6 + " iterations | " + row.reason);
        return row;
    }
}
