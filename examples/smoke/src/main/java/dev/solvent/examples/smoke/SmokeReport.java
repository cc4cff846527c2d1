package dev.solvent.examples.smoke;

import dev.solvent.solve.Solvers;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Writes {@code smoke.md} and its pictures from one set of runs: the generator of
 * {@code docs/smoke.md}. Every solver that the registry knows when it runs is included, so once
 * {@code amg} is registered the same command adds its rows.
 *
 * <pre>
 *   java -Xmx6g -cp cli/target/solvent.jar dev.solvent.examples.smoke.SmokeReport \
 *       --out docs --work target/smoke-report [--n 64] [--steps 200] [--threads 2]
 * </pre>
 *
 * {@code --out} receives smoke.md, smoke-frames.png, smoke.gif and smoke-steps.png (small: they are
 * committed); {@code --work} receives every run's steps.csv, frames and GIF (not committed).
 * Runs: at n^3 (default 64^3) x steps (200), open top: CG, IC(0)-PCG and AMG-PCG (when registered),
 * each warm and cold, and the bandit; IC(0)-PCG in the closed box; the bandit with hindsight (every
 * arm on every step) at (n/2)^3; DCDM with the shipped model on a small run ({@code --dcdm-n},
 * {@code --dcdm-steps}: 32^3 x 20 by default, its CNN costing about a second per iteration on a
 * 2-core CPU) with CG and IC(0)-PCG on the same run for comparison.
 */
public final class SmokeReport {

    private SmokeReport() {
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of("docs");
        Path work = Path.of("target/smoke-report");
        int n = 64;
        int steps = 200;
        int threads = 2;
        int dcdmN = 32;
        int dcdmSteps = 20;
        int hindsightN = 32;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (a) {
                case "--out": out = Path.of(need(a, v)); i++; break;
                case "--work": work = Path.of(need(a, v)); i++; break;
                case "--n": n = Integer.parseInt(need(a, v)); i++; break;
                case "--steps": steps = Integer.parseInt(need(a, v)); i++; break;
                case "--threads": threads = Integer.parseInt(need(a, v)); i++; break;
                case "--dcdm-n": dcdmN = Integer.parseInt(need(a, v)); i++; break;
                case "--dcdm-steps": dcdmSteps = Integer.parseInt(need(a, v)); i++; break;
                case "--hindsight-n": hindsightN = Integer.parseInt(need(a, v)); i++; break;
                default: throw new IllegalArgumentException("unknown option " + a
                        + " (--out, --work, --n, --steps, --threads, --dcdm-n, --dcdm-steps, --hindsight-n)");
            }
        }
        Files.createDirectories(out);
        Files.createDirectories(work);
        long start = System.nanoTime();
        SmokeConfig base = SmokeConfig.defaults(3, n).withThreads(threads);
        boolean amg = Solvers.preconditionerNames().contains("amg");
        int gifEvery = Math.max(1, steps / 40);

        // The main comparison, open top.
        List<RunSummary> main = new ArrayList<>();
        List<String> names = new ArrayList<>(List.of("cg", "ic0"));
        if (amg) {
            names.add("amg");
        }
        for (String name : names) {
            for (boolean warm : new boolean[] {true, false}) {
                boolean pictures = name.equals("ic0") && warm;
                SmokeRun.Options o = new SmokeRun.Options(steps, work.resolve(SmokeRun.folderName(name + (warm ? "" : "-cold"))),
                        pictures ? Math.max(1, steps / 4) : 0, 3, pictures ? gifEvery : 0, 2);
                main.add(log(SmokeRun.run(name, base.withWarmStart(warm), o, null)));
            }
        }
        main.add(log(SmokeRun.run("bandit", base, new SmokeRun.Options(steps, work.resolve("bandit"), 0, 1, 0, 1), null)));
        RunSummary closed = log(SmokeRun.run("ic0", base.withOpenTop(false),
                new SmokeRun.Options(steps, work.resolve("ic0-closed"), steps, 3, 0, 1), null));

        // The bandit against every fixed arm on the same sequence of systems.
        SmokeConfig small = SmokeConfig.defaults(3, hindsightN).withThreads(threads).withHindsight(true);
        RunSummary hindsight = log(SmokeRun.run("bandit", small, new SmokeRun.Options(steps, work.resolve("bandit-hindsight"), 0, 1, 0, 1), null));

        // DCDM on a small run, with CG and IC(0) on the same run.
        SmokeConfig dcdmConfig = SmokeConfig.defaults(3, dcdmN).withThreads(threads);
        List<RunSummary> dcdm = new ArrayList<>();
        for (String name : List.of("cg", "ic0", "dcdm")) {
            for (boolean warm : new boolean[] {true, false}) {
                dcdm.add(log(SmokeRun.run(name, dcdmConfig.withWarmStart(warm),
                        new SmokeRun.Options(dcdmSteps, work.resolve("small-" + name + (warm ? "" : "-cold")), 0, 1, 0, 1), null)));
            }
        }

        // Pictures.
        Path ic0Dir = work.resolve("ic0");
        List<BufferedImage> frames = new ArrayList<>();
        for (int s = Math.max(1, steps / 4); s <= steps; s += Math.max(1, steps / 4)) {
            Path f = ic0Dir.resolve("frames").resolve(String.format(Locale.ROOT, "frame-%04d.png", s));
            if (Files.exists(f)) {
                frames.add(ImageIO.read(f.toFile()));
            }
        }
        Path closedFrame = work.resolve("ic0-closed").resolve("frames").resolve(String.format(Locale.ROOT, "frame-%04d.png", steps));
        if (Files.exists(closedFrame)) {
            frames.add(ImageIO.read(closedFrame.toFile()));
        }
        Renderer.writePng(strip(frames), out.resolve("smoke-frames.png"));
        Files.copy(ic0Dir.resolve("smoke.gif"), out.resolve("smoke.gif"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        StepPlot.write(main, String.format(Locale.ROOT, "smoke %d^3, open top", n), out.resolve("smoke-steps.png"));

        double minutes = (System.nanoTime() - start) * 1e-9 / 60;
        String load = Files.exists(Path.of("/proc/loadavg")) ? Files.readString(Path.of("/proc/loadavg")).trim() : "unknown";
        String doc = document(n, steps, threads, amg, main, closed, hindsight, hindsightN, dcdm, dcdmN, dcdmSteps, minutes, load, out);
        Files.writeString(out.resolve("smoke.md"), doc, StandardCharsets.UTF_8);
        System.out.printf(Locale.ROOT, "wrote %s (%.1f minutes; load average %s)%n", out.resolve("smoke.md"), minutes, load);
    }

    private static String need(String option, String value) {
        if (value == null) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return value;
    }

    private static RunSummary log(RunSummary r) {
        System.out.printf(Locale.ROOT, "%-14s n=%d steps=%d %s: solve %.1f s, mean its %.1f, max rel div %.2e, wall %.1f s%n",
                r.label(), r.config().n(), r.steps().size(), r.config().openTop() ? "open" : "closed", r.solveSeconds(),
                r.meanIterations(), r.maxRelDivergence(), r.wallSeconds());
        return r;
    }

    /** Frames side by side with a 4-pixel gap. */
    static BufferedImage strip(List<BufferedImage> frames) {
        int gap = 4;
        int w = gap;
        int h = 0;
        for (BufferedImage f : frames) {
            w += f.getWidth() + gap;
            h = Math.max(h, f.getHeight());
        }
        BufferedImage img = new BufferedImage(Math.max(1, w), h + 2 * gap, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(java.awt.Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        int x = gap;
        for (BufferedImage f : frames) {
            g.drawImage(f, x, gap, null);
            x += f.getWidth() + gap;
        }
        g.dispose();
        return img;
    }

    /** A few sentences computed from the main table: warm start, time per iteration, the bandit. */
    static String reading(List<RunSummary> main, RunSummary hindsight) {
        StringBuilder d = new StringBuilder("What the table says:\n\n");
        for (RunSummary warm : main) {
            for (RunSummary cold : main) {
                if (warm.bandit() == null && warm.config().warmStart() && !cold.config().warmStart()
                        && cold.label().equals(warm.label() + " (cold)")) {
                    d.append(String.format(Locale.ROOT, "- Warm start, %s: %.1f iterations per solve against %.1f from zero (%.0f%% fewer).%n",
                            warm.label(), warm.meanIterations(), cold.meanIterations(),
                            100 * (1 - warm.meanIterations() / cold.meanIterations())));
                }
            }
        }
        d.append("- Wall time per iteration (solve time / iterations):");
        for (RunSummary r : main) {
            if (r.bandit() == null) {
                d.append(String.format(Locale.ROOT, " %s %.1f ms;", r.label(), 1e3 * r.solveSeconds() / r.totalIterations()));
            }
        }
        d.setLength(d.length() - 1);
        d.append(". An IC(0)-PCG iteration adds two triangular solves to CG's work (level-scheduled: at each level a\n"
                + "  thread waits for the rows that level reads) and an AMG-PCG iteration a V-cycle, so fewer iterations need not\n"
                + "  mean proportionally less time; the times depend on the machine's load (below) and are indicative.\n");
        for (RunSummary r : main) {
            RunSummary.BanditAccount a = r.bandit();
            if (a != null) {
                int top = 0;
                for (int i = 1; i < a.choices().length; i++) {
                    if (a.choices()[i] > a.choices()[top]) {
                        top = i;
                    }
                }
                d.append(String.format(Locale.ROOT, "- The bandit: %.1f iterations per solve; its most chosen arm %s (%d of %d steps).%n",
                        r.meanIterations(), a.arms().get(top), a.choices()[top], r.steps().size()));
            }
        }
        RunSummary.BanditAccount h = hindsight.bandit();
        if (h != null && h.bestArm() >= 0) {
            d.append(String.format(Locale.ROOT, "- Against the best fixed arm in hindsight (%s, at %d^3 below) the bandit paid %.2f times its cost "
                    + "over %d steps: with %d arms and a few hundred rounds, exploration is still a large share of the cost.%n",
                    h.arms().get(h.bestArm()), hindsight.config().n(), h.totalCost() / h.hindsightCost()[h.bestArm()],
                    hindsight.steps().size(), h.arms().size()));
        }
        return d.append('\n').toString();
    }

    private static String document(int n, int steps, int threads, boolean amg, List<RunSummary> main, RunSummary closed,
                                   RunSummary hindsight, int hindsightN, List<RunSummary> dcdm, int dcdmN, int dcdmSteps,
                                   double minutes, String load, Path out) {
        StringBuilder d = new StringBuilder();
        RunSummary first = main.get(0);
        d.append("# Smoke: a CFD code whose pressure projection is Solvent's\n\n");
        d.append("`examples/smoke` (package `dev.solvent.examples.smoke`) is a small incompressible smoke simulation that\n"
                + "links Solvent through its public API only (a test scans its bytecode for anything else) and solves\n"
                + "its pressure Poisson system with Solvent every time step. `./solvent smoke` runs it.\n\n");
        d.append("![frames](smoke-frames.png)\n\n");
        d.append(String.format(Locale.ROOT, "Density integrated along y (front view, z up) at steps %d, %d, %d and %d of the %d^3 "
                + "open-top run with IC(0)-PCG, and (right) step %d of the closed box. Orange: the solid sphere; grey: walls; "
                + "lighter band at the top: the open lid (AIR). Animation of the open-top run: [smoke.gif](smoke.gif).\n\n",
                steps / 4, steps / 2, 3 * steps / 4, steps, n, steps));
        d.append("## The simulation\n\n");
        d.append("- MAC grid in grid units (cell 1, step 1): face velocities, density and temperature at cell centres;\n"
                + "  the scene is `FluidGrid.smokeBox(n, openTop)`: walls all round, a solid sphere of radius n/6 near the\n"
                + "  bottom, AIR above an open top (or a closed lid). 2D (`--dims 2`): the same in an n x n slice.\n"
                + "- Each step: semi-Lagrangian advection of velocity, density and temperature (RK2 back-trace,\n"
                + "  multilinear interpolation); the source (a disc on the floor partly under the sphere: density 1,\n"
                + "  temperature 1 with seeded noise, an upward inflow on its faces); buoyancy `w += beta T - alpha rho`;\n"
                + "  zero normal velocity on solid faces; the pressure projection; smoke reaching the AIR layer leaves.\n"
                + "- Projection: `b = -div u*` on the fluid cells, `A p = b` with the matrix of\n"
                + "  `FluidGrid.pressureProblem` (assembled and set up once per geometry: these runs assemble it once),\n"
                + "  `u = u* - grad p`. Then `div u = -(b - A p)`: the divergence left is the solver's residual.\n"
                + "- Warm start: the previous step's pressure is the initial guess (`nonzeroInitialGuess`); cold: zero.\n"
                + "  The stopping rule is relative to `||b||`, so a good guess saves iterations without loosening it.\n"
                + "- Closed box: A is singular (constants); b sums to zero over the region by the divergence theorem, the\n"
                + "  projection removes its rounding-level mean and the mean of p after each solve; CG needs nothing else.\n\n");
        d.append("Divergence is measured after every projection, from the new face velocities, over the fluid cells:\n"
                + "`||div u||_2 / ||div u*||_2` (at most rtol = 1e-6 when the solve converged) and `max |div u|` (per step,\n"
                + "grid units). Mass: the sum of density over the fluid cells (semi-Lagrangian advection does not conserve it).\n\n");

        d.append(String.format(Locale.ROOT, "## %d^3, %d steps, open top\n\n", n, steps));
        d.append(String.format(Locale.ROOT, "%,d pressure unknowns, rtol 1e-6, %d threads (Solvent's `cpu` backend and the simulation loops).\n\n",
                first.unknowns(), threads));
        List<RunSummary> rows = new ArrayList<>(main);
        rows.add(closed);
        d.append(SummaryTable.markdown(rows).replaceFirst("\n\\|ic0\\|on\\|(?=[^\n]*\n$)", "\n|ic0 (closed box)|on|"));
        if (!amg) {
            d.append("|amg|on / off|not yet available: `amg` is not in Solvent's registry in this build|||||||||\n");
        }
        d.append("\nThe last row is the closed box (pure Neumann) with IC(0)-PCG, warm start.\n\n");
        d.append("![iterations and time per step](smoke-steps.png)\n\n");
        d.append(reading(main, hindsight));
        RunSummary bandit = null;
        for (RunSummary r : main) {
            if (r.bandit() != null) {
                bandit = r;
            }
        }
        d.append("## The bandit\n\n");
        d.append("`--pc bandit`: before each solve a Tsallis-INF bandit (`dev.solvent.tune.TsallisInf`, the learner of\n"
                + "\"Learning to Relax\" and of PCGBandit) picks an arm: plain CG, Jacobi, SSOR with omega 1.2, 1.5 or 1.8,\n"
                + "IC(0)" + (amg ? ", AMG" : "") + ", each with warm start or without. It observes the cost of that one solve:\n"
                + "iterations times the arm's modelled memory traffic per iteration, in plain-CG-iteration units (SSOR or\n"
                + "IC(0) cost about twice a CG iteration). That cost is deterministic, so a seed gives the same choices and the\n"
                + "same run; wall time (`--bandit-cost time`) would also see what the model leaves out (the waits of the\n"
                + "level-scheduled sweeps, the machine's load), but changes from run to run. PCGBandit also weights\n"
                + "iterations by a per-preconditioner estimate.\n\n");
        if (bandit != null) {
            d.append(String.format(Locale.ROOT, "At %d^3 x %d steps (arms chosen):\n\n", n, steps));
            d.append(SummaryTable.bandit(bandit, true)).append('\n');
        }
        d.append(String.format(Locale.ROOT, "Against the best fixed arm in hindsight, at %d^3 x %d steps with `--hindsight` (every arm also\n"
                + "solves every step's system from the same previous pressure; the simulation uses the bandit's answer):\n\n", hindsightN, steps));
        d.append(SummaryTable.bandit(hindsight, true)).append('\n');

        d.append(String.format(Locale.ROOT, "## DCDM (shipped model dcdm-fluid-ml8), %d^3 x %d steps\n\n", dcdmN, dcdmSteps));
        d.append("DCDM's network runs on the CPU here (about 1.6 s per iteration at 64^3 on 2 cores), so 200 steps at 64^3 are\n"
                + String.format(Locale.ROOT, "out of reach: this table is a separate, smaller run (%d^3, %d steps, open top), with CG and IC(0)-PCG\n", dcdmN, dcdmSteps)
                + "on the same run. DCDM: combined mode, k = 64 stored directions, IC(0) fallback; the model was trained on\n"
                + "16^3 and 32^3 obstacle boxes with an open top (not on this scene).\n\n");
        d.append(SummaryTable.markdown(dcdm)).append('\n');

        d.append("## Reproduce\n\n");
        d.append("```\nmvn -B -q -DskipTests package\n"
                + String.format(Locale.ROOT, "java -Xmx6g -cp cli/target/solvent.jar dev.solvent.examples.smoke.SmokeReport --out %s --work target/smoke-report \\\n"
                + "    --n %d --steps %d --threads %d --dcdm-n %d --dcdm-steps %d --hindsight-n %d\n", out, n, steps, threads, dcdmN, dcdmSteps, hindsightN)
                + "```\n\n");
        d.append("One run of a single solver, with a progress bar, frames, GIF and steps.csv:\n\n"
                + "```\n./solvent smoke --n 64 --steps 200 --pc ic0 --out smoke-out\n"
                + "./solvent smoke --n 48 --steps 150 --compare cg,ic0,ic0:cold,bandit --out smoke-compare\n```\n\n");
        d.append(String.format(Locale.ROOT, "Generated on %s in %.0f minutes; load average at the end: %s (a shared 2-core machine: "
                + "times are indicative, iterations and divergence are not affected).\n", LocalDate.now(), minutes, load));
        return d.toString();
    }
}
