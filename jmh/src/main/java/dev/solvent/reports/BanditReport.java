package dev.solvent.reports;

import dev.solvent.tune.Comparison;
import dev.solvent.tune.HeatExperiment;
import dev.solvent.tune.LaplacianExperiment;
import dev.solvent.tune.SequenceReport;
import dev.solvent.tune.SequenceSolver;
import dev.solvent.tune.Trace;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.XYChart;

/**
 * Runs both experiments of "Learning to Relax" at report scale and writes {@code bandit.md} and
 * {@code bandit-cumulative.png} into the folder given by {@code --out}.
 *
 * <pre>
 *   java -cp jmh/target/benchmarks.jar dev.solvent.reports.BanditReport --out DIR
 *        [--rounds 5000] [--seeds 3] [--nx 50,100,200] [--heat-steps 1000] [--search-max-nx 200]
 * </pre>
 */
public final class BanditReport {

    private static final String[] PAPER_ROWS = {"omega=1.0", "omega=1.4", "omega=1.6", "omega=1.7", "omega=1.8",
        SequenceReport.YOUNG, "tsallis-inf"};
    /** An independent replica of the experiment (mean SOR iterations per instance; Tsallis-INF: last 1000 rounds). */
    private static final double[][] PAPER = {
        {617.5, 275.6}, {259.6, 112.2}, {153.1, 64.1}, {117.4, 61.4}, {104.2, 86.0}, {56.4, 42.1}, {109.6, 71.4},
    };

    private BanditReport() {
    }

    static final String USAGE = "usage: BanditReport --out DIR [--rounds T] [--seeds S] [--nx 50,100,200] "
            + "[--heat-steps N] [--search-max-nx NX]";

    public static void main(String[] args) throws IOException {
        File dir = null;
        int rounds = 5000;
        int seeds = 3;
        int[] nxs = {50, 100, 200};
        int heatSteps = 1000;
        int searchMaxNx = 200;
        for (int i = 0; i < args.length; i += 2) {
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + args[i] + " needs a value; " + USAGE);
            }
            String v = args[i + 1];
            switch (args[i]) {
                case "--out" -> dir = new File(v);
                case "--rounds" -> rounds = Integer.parseInt(v);
                case "--seeds" -> seeds = Integer.parseInt(v);
                case "--nx" -> nxs = java.util.Arrays.stream(v.split(",")).mapToInt(Integer::parseInt).toArray();
                case "--heat-steps" -> heatSteps = Integer.parseInt(v);
                case "--search-max-nx" -> searchMaxNx = Integer.parseInt(v);
                default -> throw new IllegalArgumentException("unknown option " + args[i] + "; " + USAGE);
            }
        }
        if (dir == null) {
            throw new IllegalArgumentException("--out DIR is required (the report is written there); " + USAGE);
        }
        if (!dir.isDirectory() && !dir.mkdirs()) {
            throw new IOException("cannot create " + dir);
        }
        String command = "java -cp jmh/target/benchmarks.jar dev.solvent.reports.BanditReport " + String.join(" ", args);
        long start = System.nanoTime();

        List<List<LaplacianExperiment.Result>> lap = new ArrayList<>();
        for (LaplacianExperiment.Offsets o : LaplacianExperiment.Offsets.values()) {
            List<LaplacianExperiment.Result> rs = new ArrayList<>();
            for (int s = 1; s <= seeds; s++) {
                long t0 = System.nanoTime();
                rs.add(LaplacianExperiment.run(rounds, o, s));
                System.err.printf(Locale.ROOT, "laplacian %s seed %d: %.1f s%n", o, s, (System.nanoTime() - t0) * 1e-9);
            }
            lap.add(rs);
        }
        List<HeatExperiment.Result> heat = new ArrayList<>();
        for (int nx : nxs) {
            long t0 = System.nanoTime();
            heat.add(HeatExperiment.run(nx, heatSteps, 1, nx <= searchMaxNx));
            System.err.printf(Locale.ROOT, "heat nx=%d: %.1f s%n", nx, (System.nanoTime() - t0) * 1e-9);
        }
        double minutes = (System.nanoTime() - start) * 1e-9 / 60;
        double cpuMinutes = Double.NaN;
        double load = Double.NaN;
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            cpuMinutes = sun.getProcessCpuTime() * 1e-9 / 60;
        }
        load = os.getSystemLoadAverage();

        List<XYChart> panels = new ArrayList<>();
        for (List<LaplacianExperiment.Result> rs : lap) {
            LaplacianExperiment.Result r = rs.get(0);
            List<Plots.Line> series = new ArrayList<>();
            series.add(Plots.Line.cumulative("omega=1 (Gauss-Seidel)", r.fixed(0).costs(), 0));
            int best = r.bestFixedArm(0);
            series.add(Plots.Line.cumulative("best fixed omega=" + SequenceReport.fmtOmega(r.arms()[best]),
                    r.fixed(best).costs(), 1));
            series.add(Plots.Line.cumulative("instance-optimal", r.trace(SequenceReport.INSTANCE_OPTIMAL).costs(), 2));
            for (int k = 0; k < Comparison.BANDITS.size(); k++) {
                String m = Comparison.BANDITS.get(k);
                series.add(Plots.Line.cumulative(m, r.trace(m).costs(), 3 + k));
            }
            double yMax = 1.6 * r.fixed(best).total();
            panels.add(Plots.chart("(a) SOR, " + (r.offsets() == LaplacianExperiment.Offsets.HIGH_VARIANCE
                    ? "high" : "low") + "-variance offsets, seed " + r.seed(), "round", "cumulative iterations", false,
                    yMax, series, 560, 460));
        }
        HeatExperiment.Result big = heat.get(heat.size() - 1);
        List<Plots.Line> hs = new ArrayList<>();
        hs.add(Plots.Line.cumulative("plain CG", big.trace("cg").costs(), 0));
        hs.add(Plots.Line.cumulative("best fixed " + big.bestFixed().method(), big.bestFixed().costs(), 1));
        if (big.traces().stream().anyMatch(t -> t.method().equals(SequenceReport.INSTANCE_OPTIMAL))) {
            hs.add(Plots.Line.cumulative("instance-optimal", big.trace(SequenceReport.INSTANCE_OPTIMAL).costs(), 2));
        }
        double heatMax = big.bestFixed().total();
        for (int k = 0; k < Comparison.BANDITS.size(); k++) {
            String m = Comparison.BANDITS.get(k);
            hs.add(Plots.Line.cumulative(m, big.trace(m).costs(), 3 + k));
            heatMax = Math.max(heatMax, big.trace(m).total());
        }
        panels.add(Plots.chart("(b) heat, SSOR-PCG, nx=" + big.nx() + " (plain CG leaves the top)", "time step",
                "cumulative iterations", false, 1.5 * heatMax, hs, 560, 460));
        Plots.save(panels, panels.size(), new File(dir, "bandit-cumulative.png").toPath());

        String md = markdown(lap, heat, rounds, seeds, heatSteps, searchMaxNx, command, minutes, cpuMinutes, load);
        Files.writeString(new File(dir, "bandit.md").toPath(), md, StandardCharsets.UTF_8);
        System.err.printf(Locale.ROOT, "wrote %s (%.1f min)%n", new File(dir, "bandit.md"), minutes);
    }

    private static String markdown(List<List<LaplacianExperiment.Result>> lap, List<HeatExperiment.Result> heat,
                                   int rounds, int seeds, int heatSteps, int searchMaxNx, String command, double minutes,
                                   double cpuMinutes, double load) {
        StringBuilder sb = new StringBuilder();
        int window = Comparison.window(rounds);
        sb.append("# Bandit tuning of the SOR / SSOR relaxation factor\n\n");
        sb.append("Reproduction of the two experiments of Khodak, Chow, Balcan and Talwalkar, \"Learning to Relax\" ")
                .append("(ICLR 2024), with the tuners of `dev.solvent.tune` (module `learned-precond`). ")
                .append("Generated by `BanditReport`; do not edit by hand.\n\n");
        sb.append("Reproduce (from the repository root; the run takes about a quarter of an hour on two cores):\n\n```\n")
                .append("mvn -B -q -DskipTests package\n")
                .append(command).append("\n```\n\n");
        sb.append("A quicker look: `solvent tune-demo` (1000 rounds, high-variance offsets, one seed), ")
                .append("`solvent tune-demo --experiment heat --nx 50 --rounds 1000`.\n\n");
        sb.append("| | |\n|---|---|\n");
        sb.append("| date (UTC) | ").append(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC)
                .format(Instant.now())).append(" |\n");
        sb.append("| JDK | ").append(System.getProperty("java.vm.name")).append(' ')
                .append(System.getProperty("java.version")).append(" |\n");
        sb.append("| machine | ").append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.arch"))
                .append(", ").append(Runtime.getRuntime().availableProcessors())
                .append(" CPU cores (the load average below says how busy they were; wall times on a busy machine are noisy) |\n");
        sb.append("| backend | `ReferenceBackend` (single-threaded; the costs compared are iteration counts, which do not depend on the backend) |\n");
        sb.append("| report run time | ").append(SequenceReport.fmt1(minutes)).append(" min wall, ")
                .append(SequenceReport.fmt1(cpuMinutes)).append(" min CPU (JIT and GC threads included); ")
                .append("1-minute load average at the end ").append(SequenceReport.fmt1(load)).append(" on ")
                .append(Runtime.getRuntime().availableProcessors()).append(" cores |\n\n");
        if (minutes > 15) {
            sb.append("The run took longer than the ~15 minutes it was sized for because the cores were busy with other work: ")
                    .append("the program is single-threaded, and its CPU time is the better measure of its cost.\n\n");
        }

        sb.append("## (a) SOR on the 10 x 10 Laplacian plus c_t I\n\n");
        sb.append("n = 100, `A_t = A + c_t I` with A the unscaled 5-point Laplacian, `b_t` standard Gaussian ")
                .append("rejected until `||b|| <= 10`, x0 = 0, stop at `||r|| <= 1e-8 ||b||`, cap 10,000. ")
                .append(rounds).append(" systems per run, seeds 1..").append(seeds)
                .append(" (each seed draws its own systems and its own bandit randomness). Arms: the 20 omegas ")
                .append("1, 1.05, ..., 1.95. Mean SOR iterations per system, mean +- sample sd over seeds; ")
                .append("\"last ").append(window).append("\" is the mean over the last ").append(window)
                .append(" rounds, where the learners are judged. The replica column quotes an independent implementation ")
                .append("of the same experiment (not part of this repository): means over all rounds for the fixed and ")
                .append("Young rows, the last 1000 rounds for Tsallis-INF.\n\n");
        sb.append("- **best-fixed**: the single arm with the least mean cost in hindsight, chosen separately for ")
                .append("all rounds and for the last-").append(window).append(" window (the stricter comparison); the ")
                .append("omegas are listed per seed.\n");
        sb.append("- **best-fixed-per-bin**: the best arm of each of Tsallis-INF-CB's 6 context bins, in hindsight: ")
                .append("the ceiling of any one-omega-per-bin policy.\n");
        sb.append("- **instance-optimal**: per system, the cheapest of the 20 arms (a grid search of 20 solves).\n");
        sb.append("- **young-per-instance**: Young's formula `2 / (1 + sqrt(1 - beta_t^2))`, ")
                .append("`beta_t = 4 cos(pi/11) / (4 + c_t)`, solved at that omega (off the grid).\n");
        sb.append("- Tsallis-INF: `eta_t = 2/sqrt(t)`; Tsallis-INF-CB: 6 equal bins over c in [-0.15, 0.45] (the paper's); ")
                .append("tsallis-inf-cb-quantile (not in the paper): 6 bins at the quantiles of the first 300 contexts, frozen after; ")
                .append("ChebCB: degree 6, `eta_t = sqrt(20 t)`, ridge 1. Costs normalised as `(k - 1)` / running mean of `(k - 1)`.\n\n");

        List<String> checks = new ArrayList<>();
        for (List<LaplacianExperiment.Result> rs : lap) {
            LaplacianExperiment.Offsets o = rs.get(0).offsets();
            List<Comparison.LaplacianRow> rows = Comparison.laplacian(rs);
            int col = o == LaplacianExperiment.Offsets.HIGH_VARIANCE ? 0 : 1;
            sb.append("### ").append(o.description()).append("\n\n");
            sb.append("| method | mean iterations, all rounds | mean iterations, last ").append(window)
                    .append(" | independent replica | note |\n|---|---:|---:|---:|---|\n");
            for (Comparison.LaplacianRow r : rows) {
                String paper = "";
                for (int k = 0; k < PAPER_ROWS.length; k++) {
                    if (PAPER_ROWS[k].equals(r.method())) {
                        paper = SequenceReport.fmt1(PAPER[k][col]);
                    }
                }
                sb.append("| ").append(r.method()).append(" | ").append(pm(r.meanAll(), r.sdAll())).append(" | ")
                        .append(pm(r.meanLast(), r.sdLast())).append(" | ").append(paper).append(" | ")
                        .append(r.note()).append(" |\n");
            }
            sb.append('\n');
            String d = col == 0 ? "high variance" : "low variance";
            double ts = Comparison.row(rows, "tsallis-inf").meanLast();
            double bf = Comparison.row(rows, SequenceReport.BEST_FIXED).meanLast();
            double gs = Comparison.row(rows, "omega=1.0").meanLast();
            double io = Comparison.row(rows, SequenceReport.INSTANCE_OPTIMAL).meanLast();
            checks.add(check(d + ": Tsallis-INF within 12% of the best fixed omega (last " + window + ")",
                    ts / bf - 1, 0.12, "%"));
            if (col == 0) {
                double ratio = gs / ts;
                checks.add("- " + (ratio >= 4 ? "**met**" : "**missed**") + " - " + d
                        + ": Tsallis-INF at least 4x fewer iterations than omega = 1 (last " + window + "): "
                        + SequenceReport.fmt2(ratio) + "x" + (ratio >= 4 ? "" : ", short by " + SequenceReport.fmt2(4 - ratio) + "x"));
            }
            for (String m : new String[] {"tsallis-inf-cb", "tsallis-inf-cb-quantile", "chebcb"}) {
                double v = Comparison.row(rows, m).meanLast();
                checks.add(check(d + ": " + m + " within 25% of instance-optimal (last " + window + ")", v / io - 1, 0.25, "%"));
            }
            double pb = Comparison.row(rows, Comparison.BEST_PER_BIN).meanLast();
            checks.add("- (context) " + d + ": the best one-omega-per-bin policy itself is "
                    + SequenceReport.fmt1(100 * (pb / io - 1)) + "% above instance-optimal (last " + window + ")");
        }
        sb.append("### Targets\n\n");
        for (String c : checks) {
            sb.append(c).append('\n');
        }
        sb.append('\n');

        sb.append("## (b) 2D heat equation, Crank-Nicolson, warm-started SSOR-PCG\n\n");
        sb.append("`(I + s K) u_{n+1} = (I - s K) u_n + dt f`, `s = kappa(t_{n+1/2}) dt / 2`, K the 5-point ")
                .append("`-Laplacian` with h = 1/nx on (nx-1)^2 unknowns, `kappa(t) = max(0.1 sin 2 pi t, -10 sin 2 pi t)`, ")
                .append("dt = 0.001, forcing a bump circling the centre, each solve warm-started from the previous ")
                .append("step and stopped at `||r|| <= 1e-8 ||b||`. **").append(heatSteps).append(" steps** (t in [0, ")
                .append(SequenceReport.fmt2(heatSteps * HeatExperiment.DT)).append("]")
                .append(heatSteps == 1000 ? ": one full period of kappa, the gentle half then the strong half" : "")
                .append(") instead of the paper's 5000 (five periods), to keep the report to ")
                .append("about a quarter of an hour on two cores. One bandit seed (1). Context = kappa, in [0, 10] ")
                .append("(Tsallis-INF-CB: 6 bins). Fixed omegas: the paper's 1, 1.3, 1.5, 1.75, 1.95; ")
                .append("**best-fixed** is the best of those five (not of a finer grid). **instance-optimal**: per ")
                .append("step, the five fixed omegas then golden-section search in the bracket around the best, ")
                .append(HeatExperiment.SEARCH_BUDGET).append(" solves per step, the cheapest counted")
                .append(searchMaxNx < Integer.MAX_VALUE ? " (run for nx <= " + searchMaxNx + ")" : "")
                .append(". Times: wall and thread-CPU time of the solves (setup + solve + tuner), right-hand-side ")
                .append("assembly excluded; plain CG is `new ConjugateGradient(options)`, also warm-started.\n\n");
        for (HeatExperiment.Result r : heat) {
            sb.append("### nx = ").append(r.nx()).append(" (").append(r.unknowns()).append(" unknowns)\n\n");
            sb.append("| method | total iterations | wall s | CPU s | CPU ms / iteration | iterations / CG | wall / CG | CPU / CG | note |\n")
                    .append("|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
            for (Comparison.HeatRow row : Comparison.heat(r)) {
                sb.append("| ").append(row.method()).append(" | ").append(String.format(Locale.ROOT, "%.0f", row.iterations()))
                        .append(" | ").append(SequenceReport.fmt2(row.seconds()))
                        .append(" | ").append(SequenceReport.fmt2(row.cpuSeconds()))
                        .append(" | ").append(Double.isFinite(row.cpuSeconds())
                                ? String.format(Locale.ROOT, "%.3f", 1e3 * row.cpuSeconds() / row.iterations()) : "-")
                        .append(" | ").append(SequenceReport.fmt2(row.iterationsVsCg())).append(" | ")
                        .append(SequenceReport.fmt2(row.secondsVsCg())).append(" | ")
                        .append(SequenceReport.fmt2(row.cpuVsCg())).append(" | ").append(row.note()).append(" |\n");
            }
            sb.append('\n');
            Trace cg = r.trace("cg");
            Trace bf = r.bestFixed();
            sb.append("Against plain CG: the best fixed omega (").append(bf.method()).append(") takes ")
                    .append(SequenceReport.fmt2(bf.total() / cg.total())).append(" of its iterations, ")
                    .append(SequenceReport.fmt2(bf.totalSeconds() / cg.totalSeconds())).append(" of its wall time and ")
                    .append(SequenceReport.fmt2(bf.totalCpuSeconds() / cg.totalCpuSeconds())).append(" of its CPU time");
            for (String m : Comparison.BANDITS) {
                Trace t = r.trace(m);
                sb.append("; ").append(m).append(' ').append(SequenceReport.fmt2(t.total() / cg.total()))
                        .append(", ").append(SequenceReport.fmt2(t.totalSeconds() / cg.totalSeconds()))
                        .append(" and ").append(SequenceReport.fmt2(t.totalCpuSeconds() / cg.totalCpuSeconds()))
                        .append(" (").append(signedPercent(t.total() / bf.total() - 1)).append(" iterations against best fixed)");
            }
            sb.append(".\n\n");
        }
        sb.append("Wall times are noisy on a busy machine (other work competing for the ")
                .append("cores stretches whichever run it overlaps); the CPU time of the solving thread is much less ")
                .append("affected, and its ms-per-iteration should be nearly constant across the SSOR-PCG rows of one ")
                .append("grid, since the same kernels run. Iteration counts are exact and reproducible.\n\n");
        sb.append("## Cumulative iterations\n\n");
        sb.append("![cumulative iterations per method](bandit-cumulative.png)\n\n");
        sb.append("Left and middle: experiment (a), seed 1 (Gauss-Seidel leaves the top of the panel; the ")
                .append("legend gives each method's total). Right: experiment (b) on the largest grid.\n\n");
        sb.append("## How this differs from the paper\n\n");
        sb.append("- (a) is computed from a table `cost[t][arm]` (every system solved with every arm); each ")
                .append("bandit is replayed against it. With x0 = 0 a solve is a deterministic function of the system ")
                .append("and omega, so this equals running the bandit live (a test checks it against `SequenceSolver`).\n");
        sb.append("- A solve that does not converge costs the cap (10,000), never the iterations it spent before ")
                .append("a divergence check fired, which would make a diverging omega look cheap. Solves that hit ")
                .append("the cap in these runs: ").append(capped(lap, heat))
                .append(" (all matrices are SPD and omega is in (0, 2), so SOR and SSOR-PCG converge).\n");
        sb.append("- ChebCB fits each arm by ridge least squares (ridge 1, which also makes untried arms look ")
                .append("cheap, so each is tried early) with `eta_t = sqrt(K t)`; the paper's code uses a ")
                .append("bounded least-squares fit and a data-dependent learning rate.\n");
        sb.append("- (b): ").append(heatSteps).append(" steps, not 5000, one bandit seed, and best-fixed over five omegas; ")
                .append("the solver runs on `ReferenceBackend` (single-threaded: the cost is the iteration count, the ")
                .append("same on every backend).\n");
        return sb.toString();
    }

    /** Counts solves charged the cap, over every cost table entry and every trace. */
    private static long capped(List<List<LaplacianExperiment.Result>> lap, List<HeatExperiment.Result> heat) {
        double cap = SequenceSolver.paperOptions().maxIterations();
        long n = 0;
        for (List<LaplacianExperiment.Result> rs : lap) {
            for (LaplacianExperiment.Result r : rs) {
                for (double[] row : r.costTable()) {
                    for (double c : row) {
                        n += c >= cap ? 1 : 0;
                    }
                }
                for (Trace t : r.traces()) {
                    for (double c : t.costs()) {
                        n += c >= cap ? 1 : 0;
                    }
                }
            }
        }
        for (HeatExperiment.Result r : heat) {
            for (Trace t : r.traces()) {
                for (double c : t.costs()) {
                    n += c >= cap ? 1 : 0;
                }
            }
        }
        return n;
    }

    private static String check(String what, double excess, double limit, String unit) {
        boolean ok = excess <= limit;
        return "- " + (ok ? "**met**" : "**missed**") + " - " + what + ": " + SequenceReport.fmt1(100 * excess) + "%"
                + (ok ? "" : ", over the target by " + SequenceReport.fmt1(100 * (excess - limit)) + " points");
    }

    private static String signedPercent(double v) {
        return (v >= 0 ? "+" : "") + SequenceReport.fmt1(100 * v) + "%";
    }

    private static String pm(double mean, double sd) {
        return Double.isFinite(sd) ? SequenceReport.fmt1(mean) + " +- " + SequenceReport.fmt1(sd) : SequenceReport.fmt1(mean);
    }
}
