package dev.solvent.cli;

import dev.solvent.examples.smoke.PressureSolvers;
import dev.solvent.examples.smoke.RunSummary;
import dev.solvent.examples.smoke.SmokeConfig;
import dev.solvent.examples.smoke.SmokeRun;
import dev.solvent.examples.smoke.StepPlot;
import dev.solvent.examples.smoke.SummaryTable;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code solvent smoke}: the smoke-simulation example ({@code examples/smoke}) with its pressure
 * projection solved by the chosen Solvent solver every step; pictures, a per-step CSV, a summary
 * table, and with {@code --compare} several solvers over the same scene and a plot of them.
 */
@Command(name = "smoke", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run a smoke simulation whose pressure projection Solvent solves every step:",
            "a MAC grid, semi-Lagrangian advection, buoyancy, a solid sphere, an inflow source.",
            "Writes PNG frames (density integrated along y), an animated GIF, steps.csv and,",
            "steps.png (iterations and solve time per step; with --compare, of each solver).",
            "Examples:",
            "  solvent smoke --n 64 --steps 200 --pc ic0 --out smoke-out",
            "  solvent smoke --compare cg,ic0,ic0:cold,bandit --out smoke-compare"})
final class SmokeCommand implements Callable<Integer> {

    @Option(names = "--n", defaultValue = "48", paramLabel = "N", description = "Cells per side (n^3 in 3D, n^2 in 2D). Default: ${DEFAULT-VALUE}.")
    int n;

    @Option(names = "--steps", defaultValue = "150", paramLabel = "S", description = "Time steps. Default: ${DEFAULT-VALUE}.")
    int steps;

    @Option(names = "--dims", defaultValue = "3", paramLabel = "D", description = "Dimensions of the scene, 2 or 3. Default: ${DEFAULT-VALUE}.")
    int dims;

    @Option(names = "--pc", defaultValue = "ic0", paramLabel = "NAME",
            description = "Pressure solver: cg (plain), a preconditioner of CG from Solvent's registry (jacobi, ssor, ic0, "
                    + "amg, auto, ... as registered), dcdm (the shipped learned model; 3D), or bandit (a tuner picking "
                    + "per step). Default: ${DEFAULT-VALUE}.")
    String pc;

    @Option(names = "--compare", split = ",", paramLabel = "NAME[:warm|:cold]",
            description = "Run several solvers over the same scene instead of --pc, e.g. cg,ic0,ic0:cold,bandit; "
                    + "each gets its own folder under --out, and --out gets steps.png and summary.md.")
    List<String> compare;

    @Option(names = "--warm-start", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Start each pressure solve from the previous pressure (--no-warm-start: from zero). Default: on.")
    boolean warmStart;

    @Option(names = "--closed", description = "A closed box (pure Neumann: the pressure is defined up to a constant) instead of an open top.")
    boolean closed;

    @Option(names = "--out", defaultValue = "smoke-out", paramLabel = "DIR", description = "Output folder. Default: ${DEFAULT-VALUE}.")
    Path out;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "SEED", description = "Seed of the inflow's noise and the bandit. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--threads", defaultValue = "0", paramLabel = "N",
            description = "Threads of the simulation and of the cpu backend; 0 means one per core. Default: ${DEFAULT-VALUE}.")
    int threads;

    @Option(names = "--rtol", defaultValue = "1e-6", paramLabel = "R", description = "Pressure solve tolerance, ||b - A p|| <= rtol ||b||. Default: ${DEFAULT-VALUE}.")
    double rtol;

    @Option(names = "--max-iterations", defaultValue = "10000", paramLabel = "K", description = "Iteration limit per solve. Default: ${DEFAULT-VALUE}.")
    int maxIterations;

    @Option(names = "--omega", defaultValue = "1.5", paramLabel = "W", description = "Omega of the ssor preconditioner. Default: ${DEFAULT-VALUE}.")
    double omega;

    @Option(names = "--bandit-cost", defaultValue = "work", paramLabel = "work|time",
            description = "What the bandit observes: work (iterations x modelled work per iteration; deterministic) or time "
                    + "(wall time; varies between runs). Default: ${DEFAULT-VALUE}.")
    String banditCost;

    @Option(names = "--hindsight", description = "Bandit: also solve every step with every arm, to report the best fixed arm in hindsight (slow).")
    boolean hindsight;

    @Option(names = "--dcdm-model", paramLabel = "FILE", description = "DCDM model (.json beside its .safetensors). Default: the shipped dcdm-fluid-ml8.")
    Path dcdmModel;

    @Option(names = "--dcdm-directions", defaultValue = "64", paramLabel = "K", description = "DCDM: previous directions kept. Default: ${DEFAULT-VALUE}.")
    int dcdmDirections;

    @Option(names = "--frame-every", paramLabel = "K", description = "A PNG frame every K steps (0: none). Default: steps/4.")
    Integer frameEvery;

    @Option(names = "--gif-every", paramLabel = "K", description = "A GIF frame every K steps (0: no GIF). Default: about 50 frames.")
    Integer gifEvery;

    @Option(names = "--scale", defaultValue = "4", paramLabel = "PX", description = "Pixels per cell of the PNG frames. Default: ${DEFAULT-VALUE}.")
    int scale;

    @Option(names = "--gif-scale", defaultValue = "2", paramLabel = "PX", description = "Pixels per cell of the GIF. Default: ${DEFAULT-VALUE}.")
    int gifScale;

    @Option(names = "--print-every", paramLabel = "K", description = "Print a line every K steps (0: none). Default: steps/10.")
    Integer printEvery;

    @Option(names = {"-q", "--quiet"}, description = "No progress bar.")
    boolean quiet;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** A solver choice of --pc or --compare: its name and warm start. */
    record Choice(String name, boolean warm) {
    }

    @Override
    public Integer call() throws IOException {
        if (steps < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--steps must be at least 1, got " + steps);
        }
        if (threads < 0 || threads > BackendOptions.MAX_THREADS) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--threads must be 0 (one per core) or 1 to " + BackendOptions.MAX_THREADS + ", got " + threads);
        }
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--out " + out + " is a file; give a folder for the pictures and tables");
        }
        if (dcdmModel != null && Outputs.same(out, dcdmModel)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--out " + out + " is the --dcdm-model input; choose another folder");
        }
        SmokeConfig base;
        try {
            base = new SmokeConfig(dims, n, !closed, seed, threads == 0 ? Runtime.getRuntime().availableProcessors() : threads,
                    rtol, maxIterations, warmStart, omega, banditCost.toLowerCase(Locale.ROOT), hindsight, dcdmModel, dcdmDirections);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        List<Choice> choices = choices();
        // Refuse an unknown name before any run starts.
        for (Choice c : choices) {
            try (dev.solvent.backend.Backend probe = dev.solvent.backend.Backends.reference()) {
                PressureSolvers.create(c.name(), base.withWarmStart(c.warm()), probe).close();
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        (compare != null ? "--compare " : "--pc ") + c.name() + ": " + e.getMessage());
            }
        }
        PrintWriter stdout = spec.commandLine().getOut();
        int every = frameEvery != null ? frameEvery : Math.max(1, steps / 4);
        int gif = gifEvery != null ? gifEvery : Math.max(1, (steps + 49) / 50);
        int print = printEvery != null ? printEvery : Math.max(1, steps / 10);
        Files.createDirectories(out);
        stdout.printf(Locale.ROOT, "Smoke %dD, %s, %s, %d steps, rtol %.0e, %d thread(s), seed %d; writing to %s%n", dims,
                dims == 3 ? n + "^3" : n + "^2", closed ? "closed box" : "open top", steps, rtol, base.threads(), seed, out);
        stdout.printf("%5s  %-18s %6s %10s %12s %12s %10s%n", "step", "method", "its", "solve [ms]", "|div|/|div*|", "max |div|", "mass");
        stdout.flush();
        List<RunSummary> runs = new ArrayList<>();
        for (Choice c : choices) {
            SmokeConfig config = base.withWarmStart(c.warm());
            Path dir = compare == null ? out : out.resolve(SmokeRun.folderName(c.name() + (c.warm() ? "" : "-cold")));
            SmokeRun.Options options = new SmokeRun.Options(steps, dir, every, scale, gif, gifScale);
            ProgressBar bar = quiet || !Progress.stderrIsTerminal() ? null : new ProgressBarBuilder()
                    .setTaskName(c.name() + (c.warm() ? "" : " (cold)")).setInitialMax(steps).setStyle(ProgressBarStyle.ASCII)
                    .setConsumer(new ConsoleProgressBarConsumer(System.err, 110)).setUpdateIntervalMillis(200).build();
            try {
                RunSummary run = SmokeRun.run(c.name(), config, options, (label, step) -> {
                    if (bar != null) {
                        bar.step();
                        bar.setExtraMessage(String.format(Locale.ROOT, "its %d, div %.1e",
                                step.projection().solve().iterations(), step.projection().relativeDivergence()));
                    }
                    if (print > 0 && (step.step() % print == 0 || step.step() == steps)) {
                        if (bar != null && System.console() != null) {
                            stdout.print("\r\033[2K"); // the bar shares the screen: start the line afresh
                        }
                        stdout.printf(Locale.ROOT, "%5d  %-18s %6d %10.2f %12.2e %12.2e %10.2f%n", step.step(),
                                shorten(step.projection().solve().method()), step.projection().solve().iterations(),
                                1e3 * step.projection().solve().seconds(), step.projection().relativeDivergence(),
                                step.projection().divAfterMax(), step.mass());
                        stdout.flush();
                    }
                });
                runs.add(run);
            } finally {
                if (bar != null) {
                    bar.close();
                }
            }
        }
        stdout.println();
        stdout.print(SummaryTable.text(runs));
        for (RunSummary r : runs) {
            if (r.bandit() != null) {
                stdout.println();
                stdout.print(SummaryTable.bandit(r, false));
            }
        }
        RunSummary first = runs.get(0);
        stdout.printf(Locale.ROOT, "%n%,d pressure unknowns; matrix assembled %d time(s) (the geometry does not change); "
                + "divergence: ||div u||_2 over the fluid cells after projection, relative to before it (<= rtol when the "
                + "solve converged), and max |div u| in 1/step.%n", first.unknowns(), first.assemblies());
        stdout.printf(Locale.ROOT, "Smoke mass after %d steps: %.2f (injected %.2f, left through the top %.2f; semi-Lagrangian "
                + "advection is not conservative).%n", steps, first.finalMass(), first.totalInjected(), first.totalOutflow());
        StepPlot.write(runs, String.format(Locale.ROOT, "smoke %s%s", dims == 3 ? n + "^3" : n + "^2", closed ? " closed" : ""),
                out.resolve("steps.png"));
        if (compare != null) {
            Files.writeString(out.resolve("summary.md"), SummaryTable.markdown(runs), StandardCharsets.UTF_8);
            stdout.println("Wrote " + out.resolve("steps.png") + " and " + out.resolve("summary.md") + "; per run: steps.csv, frames/, smoke.gif");
        } else {
            stdout.println("Wrote " + out.resolve("steps.csv") + ", " + out.resolve("steps.png") + ", " + out.resolve("frames")
                    + "/ and " + out.resolve("smoke.gif"));
        }
        stdout.flush();
        for (RunSummary r : runs) {
            if (r.notConverged() > 0) {
                spec.commandLine().getErr().println("solvent: warning: " + r.label() + ": " + r.notConverged()
                        + " pressure solve(s) did not meet the tolerance");
                return SolventCommand.EXIT_NOT_CONVERGED;
            }
        }
        return 0;
    }

    private List<Choice> choices() {
        List<Choice> list = new ArrayList<>();
        if (compare == null) {
            list.add(new Choice(pc, warmStart));
            return list;
        }
        for (String entry : compare) {
            String e = entry.trim();
            boolean warm = warmStart;
            int colon = e.indexOf(':');
            if (colon >= 0) {
                String mode = e.substring(colon + 1).toLowerCase(Locale.ROOT);
                if (!mode.equals("warm") && !mode.equals("cold")) {
                    throw new CommandLine.ParameterException(spec.commandLine(),
                            "--compare " + entry + ": after the colon write warm or cold");
                }
                warm = mode.equals("warm");
                e = e.substring(0, colon);
            }
            if (e.isEmpty()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--compare has an empty name");
            }
            list.add(new Choice(e, warm));
        }
        return list;
    }

    private static String shorten(String method) {
        return method.length() <= 18 ? method : method.substring(0, 18);
    }

}
