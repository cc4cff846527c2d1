package dev.solvent.dcdm;

import dev.solvent.backend.Backend;
import dev.solvent.backend.ReferenceBackend;
import dev.solvent.gen.FluidGrid;
import dev.solvent.gen.Problem;
import dev.solvent.precond.Ic0;
import dev.solvent.precond.NoPreconditioner;
import dev.solvent.solve.BoundSolver;
import dev.solvent.solve.ConjugateGradient;
import dev.solvent.solve.IterativeSolver;
import dev.solvent.solve.SolveResult;
import dev.solvent.solve.SolverOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Produces the tables of {@code docs/dcdm.md}: CG, IC(0)-PCG and DCDM on smoke-in-a-box pressure
 * problems around random obstacles ({@link FluidGrid#withObstacles}, open top, the plume
 * divergence as right-hand side), on domains not used in training. Each solver runs once to
 * {@code ||r|| <= 1e-6 ||b||}; the iteration count and time at 1e-4 are read off the same run
 * (the first iteration whose residual meets 1e-4, its time from a listener's clock). Setup
 * (IC(0) factorisation; for DCDM also its fallback's) is timed separately. DCDM runs three
 * times: A-orthogonalising against the last 64 directions (network or IC(0) direction, the
 * better), the same combined (both, see {@link Dcdm.Settings#combine()}), and with the paper's
 * k = 2.
 *
 * <p>Usage: {@code DcdmReport [--modes=k64,combined,k2] MODEL.json SIZE:SEED[,SEED...] ...}, for
 * example {@code DcdmReport model.json 32:101,102 64:101}; {@code --modes} picks the DCDM runs
 * (default all three).
 */
public final class DcdmReport {

    private DcdmReport() {
    }

    record Row(String problem, int unknowns, String solver, int it4, int it6, double t4, double t6, double setup,
               String reason, double relResidual, String extra) {
    }

    public static void main(String[] args) throws Exception {
        List<String> modes = List.of("k64", "combined", "k2");
        if (args.length > 0 && args[0].startsWith("--modes=")) {
            modes = List.of(args[0].substring("--modes=".length()).split(","));
            args = java.util.Arrays.copyOfRange(args, 1, args.length);
        }
        if (args.length < 2 || !List.of("k64", "combined", "k2").containsAll(modes)) {
            System.err.println("usage: DcdmReport [--modes=k64,combined,k2] MODEL.json SIZE:SEED[,SEED...] ...");
            System.exit(2);
        }
        DcdmNetwork net = DcdmNetwork.load(Path.of(args[0]));
        System.out.println("model: " + args[0] + ", " + net.architecture() + ", " + net.parameterCount()
                + " parameters; training notes: " + net.trainingNotes());
        System.out.println("threads for the network: " + Parallel.threads() + "; SpMV/IC(0): reference backend (1 thread)");
        List<Row> rows = new ArrayList<>();
        for (int a = 1; a < args.length; a++) {
            String[] parts = args[a].split(":");
            int n = Integer.parseInt(parts[0]);
            for (String s : parts[1].split(",")) {
                long seed = Long.parseLong(s);
                FluidGrid g = FluidGrid.withObstacles(n, seed, true);
                Problem p = g.pressureProblem(null);
                String name = g.label() + " " + n + "^3";
                SolverOptions opts = SolverOptions.defaults().withRtol(1e-6).withMaxIterations(2000);
                rows.add(run(name, p, new ConjugateGradient(opts, NoPreconditioner.INSTANCE), "CG"));
                rows.add(run(name, p, new ConjugateGradient(opts, new Ic0()), "IC(0)-PCG"));
                SolverOptions dopts = opts.withMaxIterations(1000);
                Dcdm.Settings base = Dcdm.Settings.defaults();
                if (modes.contains("k64")) {
                    rows.add(run(name, p, new Dcdm(dopts, net, GridMap.of(g), base.withDirections(64)), "DCDM k=64"));
                }
                if (modes.contains("combined")) {
                    rows.add(run(name, p, new Dcdm(dopts, net, GridMap.of(g), base.withDirections(64).withCombine(true)),
                            "DCDM combined k=64"));
                }
                if (modes.contains("k2")) {
                    rows.add(run(name, p, new Dcdm(dopts, net, GridMap.of(g), base), "DCDM k=2 (paper)"));
                }
            }
        }
        System.out.println();
        System.out.println("| problem | unknowns | solver | its to 1e-4 | its to 1e-6 | time to 1e-4 (s) | time to 1e-6 (s) | setup (s) | result | DCDM directions |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|");
        for (Row r : rows) {
            System.out.printf(Locale.ROOT, "| %s | %d | %s | %d | %d | %.2f | %.2f | %.2f | %s (%.1e) | %s |%n", r.problem,
                    r.unknowns, r.solver, r.it4, r.it6, r.t4, r.t6, r.setup, r.reason, r.relResidual, r.extra);
        }
    }

    private static Row run(String name, Problem p, IterativeSolver solver, String label) {
        Backend backend = new ReferenceBackend();
        double[] b = p.rhs();
        double bNorm = Math.sqrt(Lanczos.dot(b, b));
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
        IterativeSolver s = solver instanceof Dcdm
                ? new Dcdm(opts, netOf((Dcdm) solver), mapOf((Dcdm) solver), ((Dcdm) solver).settings())
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
        if (bound instanceof Dcdm.Bound) {
            Dcdm.Bound d = (Dcdm.Bound) bound;
            extra = d.networkDirections() + " network / " + d.fallbacks() + " fallback (" + d.fallbackName() + ")";
        }
        bound.close();
        Row row = new Row(name, b.length, label, it4, res.iterations(), t4, (end - start) * 1e-9, setup,
                res.reason().toString(), res.relativeResidual(), extra);
        System.out.println(row);
        return row;
    }

    private static DcdmNetwork netOf(Dcdm d) {
        return d.network();
    }

    private static GridMap mapOf(Dcdm d) {
        return d.map();
    }
}
