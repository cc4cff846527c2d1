package dev.solvent.cli;

import dev.solvent.tune.Comparison;
import dev.solvent.tune.HeatExperiment;
import dev.solvent.tune.LaplacianExperiment;
import dev.solvent.tune.SequenceReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code solvent tune-demo}: runs one of the "Learning to Relax" experiments and prints the
 * comparison of fixed omegas, the best fixed omega in hindsight, the instance-optimal omega and the
 * bandit tuners (Tsallis-INF, Tsallis-INF-CB, ChebCB). The defaults (1000 rounds of the
 * high-variance Laplacian experiment, one seed) take seconds; the report generator
 * {@code dev.solvent.reports.BanditReport} (module jmh) runs the full versions.
 */
@Command(name = "tune-demo", mixinStandardHelpOptions = true,
        description = "Compare bandit tuning of the SOR/SSOR relaxation factor with fixed and per-instance omegas.")
public final class TuneDemoCommand implements Callable<Integer> {

    /** Which experiment. */
    public enum Experiment { laplacian, heat }

    /** Which offset distribution(s) of the Laplacian experiment. */
    public enum OffsetChoice { high, low, both }

    @Spec
    CommandSpec spec;

    @Option(names = "--experiment", paramLabel = "NAME", defaultValue = "laplacian",
            description = "The experiment: laplacian (SOR on a 10x10 Laplacian + c I) or heat (SSOR-PCG on Crank-Nicolson"
                    + " steps). Default: ${DEFAULT-VALUE}.")
    Experiment experiment;

    @Option(names = "--rounds", paramLabel = "N", defaultValue = "1000",
            description = "Systems per sequence (time steps for heat). Default: ${DEFAULT-VALUE}.")
    int rounds;

    @Option(names = "--seeds", paramLabel = "N", defaultValue = "1", description = "Number of seeds (laplacian). Default: ${DEFAULT-VALUE}.")
    int seeds;

    @Option(names = "--seed", paramLabel = "SEED", defaultValue = "1", description = "First seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--offsets", paramLabel = "NAME", defaultValue = "high",
            description = "Offset distribution for laplacian: high, low or both. Default: ${DEFAULT-VALUE}.")
    OffsetChoice offsets;

    @Option(names = "--nx", paramLabel = "NX", defaultValue = "50",
            description = "Grid intervals per side for heat ((nx-1)^2 unknowns). Default: ${DEFAULT-VALUE}.")
    int nx;

    @Option(names = "--no-instance-optimal", negatable = false,
            description = "Skip the heat experiment's per-step search of the best omega (it costs about 12 solves per step).")
    boolean noInstanceOptimal;

    @Option(names = "--json", description = "One JSON object per table row instead of the table.")
    boolean json;

    @Override
    public Integer call() {
        if (rounds < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--rounds must be at least 1, got " + rounds);
        }
        if (seeds < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--seeds must be at least 1, got " + seeds);
        }
        if (nx < 3) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--nx must be at least 3, got " + nx);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (experiment == Experiment.laplacian) {
            List<LaplacianExperiment.Offsets> which = switch (offsets) {
                case high -> List.of(LaplacianExperiment.Offsets.HIGH_VARIANCE);
                case low -> List.of(LaplacianExperiment.Offsets.LOW_VARIANCE);
                case both -> List.of(LaplacianExperiment.Offsets.values());
            };
            for (LaplacianExperiment.Offsets o : which) {
                List<LaplacianExperiment.Result> results = new ArrayList<>();
                for (int s = 0; s < seeds; s++) {
                    results.add(LaplacianExperiment.run(rounds, o, seed + s));
                }
                printLaplacian(out, o, Comparison.laplacian(results));
            }
        } else {
            HeatExperiment.Result r = HeatExperiment.run(nx, rounds, seed, !noInstanceOptimal);
            printHeat(out, Comparison.heat(r));
        }
        out.flush();
        return 0;
    }

    private void printLaplacian(PrintWriter out, LaplacianExperiment.Offsets o, List<Comparison.LaplacianRow> rows) {
        int window = Comparison.window(rounds);
        String key = o == LaplacianExperiment.Offsets.HIGH_VARIANCE ? "high" : "low";
        if (json) {
            for (Comparison.LaplacianRow r : rows) {
                out.println(Json.object().put("experiment", "laplacian").put("offsets", key).put("rounds", rounds)
                        .put("seeds", seeds).put("method", r.method()).put("mean_iterations", r.meanAll())
                        .put("sd_iterations", r.sdAll()).put("window", window)
                        .put("mean_iterations_last_window", r.meanLast()).put("sd_iterations_last_window", r.sdLast())
                        .put("note", r.note()));
            }
            return;
        }
        out.println("SOR on the 10x10 Laplacian + c I, " + o.description() + "; " + rounds + " rounds, "
                + seeds + " seed(s) from " + seed);
        out.printf(Locale.ROOT, "%-22s %14s %22s  %s%n", "method", "mean iters", "mean iters last " + window, "");
        for (Comparison.LaplacianRow r : rows) {
            out.printf(Locale.ROOT, "%-22s %14s %22s  %s%n", r.method(), withSd(r.meanAll(), r.sdAll()),
                    withSd(r.meanLast(), r.sdLast()), r.note());
        }
        out.println();
    }

    private void printHeat(PrintWriter out, List<Comparison.HeatRow> rows) {
        if (json) {
            for (Comparison.HeatRow r : rows) {
                out.println(Json.object().put("experiment", "heat").put("nx", r.nx()).put("unknowns", r.unknowns())
                        .put("steps", r.steps()).put("method", r.method()).put("iterations", r.iterations())
                        .put("seconds", r.seconds()).put("cpu_seconds", r.cpuSeconds())
                        .put("iterations_vs_cg", r.iterationsVsCg()).put("seconds_vs_cg", r.secondsVsCg())
                        .put("cpu_vs_cg", r.cpuVsCg()).put("note", r.note()));
            }
            return;
        }
        Comparison.HeatRow first = rows.get(0);
        out.println("2D heat equation, Crank-Nicolson, nx = " + first.nx() + " (" + first.unknowns() + " unknowns), "
                + first.steps() + " steps, warm-started SSOR-PCG (CG: unpreconditioned)");
        out.printf(Locale.ROOT, "%-18s %12s %10s %10s %10s %10s %10s  %s%n", "method", "iterations", "wall s", "CPU s",
                "iters/CG", "wall/CG", "CPU/CG", "");
        for (Comparison.HeatRow r : rows) {
            out.printf(Locale.ROOT, "%-18s %12.0f %10s %10s %10s %10s %10s  %s%n", r.method(), r.iterations(),
                    fmt3(r.seconds()), fmt3(r.cpuSeconds()), SequenceReport.fmt2(r.iterationsVsCg()),
                    SequenceReport.fmt2(r.secondsVsCg()), SequenceReport.fmt2(r.cpuVsCg()), r.note());
        }
    }

    private static String withSd(double mean, double sd) {
        return Double.isFinite(sd) ? SequenceReport.fmt1(mean) + " +- " + SequenceReport.fmt1(sd) : SequenceReport.fmt1(mean);
    }

    private static String fmt3(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.3f", v) : "-";
    }
}
