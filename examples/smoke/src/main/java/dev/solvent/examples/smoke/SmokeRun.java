package dev.solvent.examples.smoke;

import dev.solvent.backend.Backend;
import dev.solvent.backend.Backends;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Runs a smoke simulation with one pressure solver for a number of steps and writes what it shows:
 * {@code steps.csv} (one line per step), PNG frames, and an animated GIF.
 */
public final class SmokeRun {

    /** Told about every step as it finishes (a progress bar). */
    public interface Listener {
        void onStep(String label, SmokeSimulation.Step step);
    }

    /**
     * What to run and write.
     *
     * @param steps      time steps
     * @param out        folder for the run's files, or null to write nothing
     * @param frameEvery a PNG frame every this many steps (and of the last step); 0 for none
     * @param frameScale pixels per cell of the PNG frames
     * @param gifEvery   a GIF frame every this many steps; 0 for no GIF
     * @param gifScale   pixels per cell of the GIF
     */
    public record Options(int steps, Path out, int frameEvery, int frameScale, int gifEvery, int gifScale) {
        public Options {
            if (steps < 1) {
                throw new IllegalArgumentException("steps must be at least 1, got " + steps);
            }
            if (frameEvery < 0 || gifEvery < 0 || frameScale < 1 || gifScale < 1) {
                throw new IllegalArgumentException("frame intervals must be non-negative and scales positive");
            }
        }

        /** Nothing written: for tests and timing. */
        public static Options noOutput(int steps) {
            return new Options(steps, null, 0, 1, 0, 1);
        }
    }

    private SmokeRun() {
    }

    /** Runs the named pressure solver over the configured scene (see {@link PressureSolvers#create}). */
    public static RunSummary run(String solverName, SmokeConfig config, Options options, Listener listener) {
        try (Backend backend = Backends.cpu(config.threads())) {
            PressureSolver solver = PressureSolvers.create(solverName, config, backend);
            return run(solver, config, options, listener);
        }
    }

    /** Runs the given pressure solver (which the run closes). */
    public static RunSummary run(PressureSolver solver, SmokeConfig config, Options options, Listener listener) {
        long start = System.nanoTime();
        String label = solver.label();
        List<RunSummary.StepRow> rows = new ArrayList<>();
        Path out = options.out();
        try (SmokeSimulation sim = new SmokeSimulation(config, solver)) {
            Renderer frames = new Renderer(options.frameScale());
            Renderer gifFrames = new Renderer(options.gifScale());
            GifWriter gif = null;
            PrintWriter csv = null;
            try {
                if (out != null) {
                    Files.createDirectories(out);
                    csv = new PrintWriter(Files.newBufferedWriter(out.resolve("steps.csv"), StandardCharsets.UTF_8));
                    csv.println("step,method,warm,iterations,solve_seconds,reason,relative_residual,div_before_l2,"
                            + "div_after_l2,div_after_rel,div_after_max,mass,injected,outflow,max_speed,step_seconds");
                    if (options.frameEvery() > 0) {
                        Files.createDirectories(out.resolve("frames"));
                    }
                    if (options.gifEvery() > 0) {
                        gif = new GifWriter(out.resolve("smoke.gif"), 8);
                    }
                }
                for (int s = 1; s <= options.steps(); s++) {
                    SmokeSimulation.Step step = sim.step();
                    PressureProjection.Stats p = step.projection();
                    PressureSolve solve = p.solve();
                    rows.add(new RunSummary.StepRow(solve.method(), solve.iterations(), solve.seconds(),
                            solve.result().converged(), p.relativeDivergence(), p.divAfter(), p.divAfterMax(), step.mass(),
                            step.outflow(), step.injected(), step.seconds()));
                    if (csv != null) {
                        csv.printf(Locale.ROOT, "%d,%s,%b,%d,%.6f,%s,%.3e,%.6e,%.6e,%.3e,%.3e,%.6f,%.6f,%.6f,%.4f,%.6f%n",
                                s, solve.method(), solve.warm(), solve.iterations(), solve.seconds(), solve.result().reason(),
                                solve.result().relativeResidual(), p.divBefore(), p.divAfter(), p.relativeDivergence(),
                                p.divAfterMax(), step.mass(), step.injected(), step.outflow(), step.maxSpeed(), step.seconds());
                    }
                    if (out != null && options.frameEvery() > 0 && (s % options.frameEvery() == 0 || s == options.steps())) {
                        Renderer.writePng(frames.render(sim.grid()),
                                out.resolve("frames").resolve(String.format(Locale.ROOT, "frame-%04d.png", s)));
                    }
                    if (gif != null && (s % options.gifEvery() == 0 || s == options.steps())) {
                        gif.add(gifFrames.render(sim.grid()));
                    }
                    if (listener != null) {
                        listener.onStep(label, step);
                    }
                }
            } finally {
                if (csv != null) {
                    csv.close();
                }
                if (gif != null) {
                    gif.close();
                }
            }
            RunSummary.BanditAccount account = null;
            if (solver instanceof BanditPressureSolver) {
                BanditPressureSolver b = (BanditPressureSolver) solver;
                List<String> arms = new ArrayList<>();
                for (BanditPressureSolver.Arm a : b.arms()) {
                    arms.add(a.label());
                }
                account = new RunSummary.BanditAccount(arms, b.choices(), b.costKind().name().toLowerCase(Locale.ROOT),
                        b.totalCost(), b.hindsight() ? b.hindsightCost() : new double[0],
                        b.hindsight() ? b.hindsightIterations() : new long[0],
                        b.hindsight() ? b.hindsightSeconds() : new double[0], b.backstops());
            }
            int unknowns = sim.projection().matrix() == null ? 0 : sim.projection().matrix().rows();
            return new RunSummary(label, config, List.copyOf(rows), solver.setups(), sim.projection().assemblies(),
                    unknowns, (System.nanoTime() - start) * 1e-9, account);
        } catch (IOException e) {
            throw new UncheckedIOException("writing the run's files under " + out + ": " + e.getMessage(), e);
        }
    }

    /** A folder name for a label: {@code ic0 (cold)} becomes {@code ic0-cold}. */
    public static String folderName(String label) {
        return label.replaceAll("[^A-Za-z0-9.]+", "-").replaceAll("^-|-$", "");
    }
}
