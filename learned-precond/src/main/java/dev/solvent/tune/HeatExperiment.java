package dev.solvent.tune;

import dev.solvent.matrix.CsrMatrix;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The paper's second experiment: {@link HeatEquation} stepped by Crank-Nicolson, each step's SPD
 * system solved by warm-started SSOR-PCG (tolerance 1e-8 relative to {@code ||b||}, cap 10,000)
 * with omega fixed, tuned by a bandit with the diffusion coefficient as context, or searched per
 * step; plain CG, warm-started the same way, is the baseline.
 *
 * <p>Every method runs its own simulation from the same initial state (the solutions differ only
 * within the tolerance). Wall time, and the CPU time of the solving thread (less disturbed on a
 * shared machine), are measured around each step's solve, tuner included; the
 * right-hand side assembly, the same for every method, is left out. A short untimed run of every
 * solver on the same grid comes first, so that the JIT has compiled the kernels before any timing.
 */
public final class HeatExperiment {

    /** Time step, as in the paper. */
    public static final double DT = 0.001;
    /** The paper's fixed omegas. */
    public static final double[] FIXED = {1.0, 1.3, 1.5, 1.75, 1.95};
    /** Range of the context {@code kappa(t)}. */
    public static final double KAPPA_LO = 0.0;
    public static final double KAPPA_HI = 10.0;
    /** Solves per step the instance-optimal search may spend (5 seeds + 7 golden-section points). */
    public static final int SEARCH_BUDGET = 12;

    /** One grid's comparison. */
    public record Result(int nx, int unknowns, int steps, List<Trace> traces) {
        public Trace trace(String method) {
            for (Trace t : traces) {
                if (t.method().equals(method)) {
                    return t;
                }
            }
            throw new IllegalArgumentException("no method " + method);
        }

        /** The fixed omega with the fewest total iterations. */
        public Trace bestFixed() {
            Trace best = null;
            for (double w : FIXED) {
                Trace t = trace("omega=" + SequenceReport.fmtOmega(w));
                if (best == null || t.total() < best.total()) {
                    best = t;
                }
            }
            return best;
        }
    }

    private HeatExperiment() {
    }

    /**
     * Runs all methods on one grid.
     *
     * @param nx          intervals per side ({@code (nx-1)^2} unknowns)
     * @param steps       time steps (the paper: 5000, i.e. five periods of kappa)
     * @param seed        seeds the bandits
     * @param instanceOptimal whether to run the (expensive: up to {@value #SEARCH_BUDGET} solves per step) per-step search
     */
    public static Result run(int nx, int steps, long seed, boolean instanceOptimal) {
        warmUp(nx, Math.min(steps, 40));
        List<Trace> traces = new ArrayList<>();
        traces.add(simulate(nx, steps, SequenceSolver.cg(), null, Double.NaN, "cg"));
        for (double w : FIXED) {
            traces.add(simulate(nx, steps, SequenceSolver.ssorPcg(), null, w, "omega=" + SequenceReport.fmtOmega(w)));
        }
        if (instanceOptimal) {
            traces.add(instanceOptimal(nx, steps));
        }
        double[] arms = Tuner.defaultArms();
        SplittableRandom seeds = new SplittableRandom(seed ^ 0x5DEECE66DL);
        Tuner[] tuners = {
            new TsallisInf(arms, seeds.nextLong()),
            new TsallisInfCb(arms, 6, KAPPA_LO, KAPPA_HI, seeds.nextLong()),
            new ChebCb(arms, KAPPA_LO, KAPPA_HI, seeds.nextLong()),
            TsallisInfCb.adaptive(arms, 6, Math.max(6, Math.min(300, steps / 5)), seeds.nextLong()),
        };
        for (Tuner tuner : tuners) {
            traces.add(simulate(nx, steps, SequenceSolver.ssorPcg(), tuner, Double.NaN, tuner.name()));
        }
        return new Result(nx, (nx - 1) * (nx - 1), steps, traces);
    }

    /** Untimed runs in the strong-diffusion phase (t = 0.7), where the solves take many iterations. */
    private static void warmUp(int nx, int steps) {
        simulate(nx, steps, SequenceSolver.cg(), null, Double.NaN, "warm-up", 0.7);
        simulate(nx, steps, SequenceSolver.ssorPcg(), null, 1.5, "warm-up", 0.7);
    }

    /** One simulation with a fixed omega (tuner null) or a tuner. */
    static Trace simulate(int nx, int steps, SequenceSolver solver, Tuner tuner, double omega, String name) {
        return simulate(nx, steps, solver, tuner, omega, name, 0.0);
    }

    private static Trace simulate(int nx, int steps, SequenceSolver solver, Tuner tuner, double omega, String name,
                                  double startTime) {
        HeatEquation pde = new HeatEquation(nx, DT, startTime);
        solver.setInitialGuess(pde.state());
        double[] cost = new double[steps];
        double[] seconds = new double[steps];
        double[] omegas = new double[steps];
        double[] cpu = new double[steps];
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        boolean cpuTimed = threads.isCurrentThreadCpuTimeSupported();
        for (int s = 0; s < steps; s++) {
            CsrMatrix a = pde.matrix();
            double[] b = pde.rhs();
            long cpuStart = cpuTimed ? threads.getCurrentThreadCpuTime() : 0L;
            long start = System.nanoTime();
            SequenceSolver.Step step = tuner == null ? solver.solve(a, b, omega)
                    : solver.solve(a, b, pde.context(), tuner);
            seconds[s] = (System.nanoTime() - start) * 1e-9;
            cpu[s] = cpuTimed ? (threads.getCurrentThreadCpuTime() - cpuStart) * 1e-9 : Double.NaN;
            cost[s] = step.cost();
            omegas[s] = step.omega();
            pde.advance(step.solution());
        }
        return new Trace(name, cost, seconds, omegas, cpuTimed ? cpu : new double[0]);
    }

    /** Per step: scan the fixed omegas, golden-section around the best, keep the cheapest solve. */
    static Trace instanceOptimal(int nx, int steps) {
        HeatEquation pde = new HeatEquation(nx, DT);
        SequenceSolver solver = SequenceSolver.ssorPcg();
        solver.setInitialGuess(pde.state());
        double[] cost = new double[steps];
        double[] omegas = new double[steps];
        for (int s = 0; s < steps; s++) {
            CsrMatrix a = pde.matrix();
            double[] b = pde.rhs();
            SequenceSolver.Step[] best = new SequenceSolver.Step[1];
            InstanceOptimal.Result r = InstanceOptimal.goldenSection(w -> {
                SequenceSolver.Step st = solver.trial(a, b, w);
                if (best[0] == null || st.cost() < best[0].cost()) {
                    best[0] = st;
                }
                return st.cost();
            }, 1.0, 1.95, FIXED, SEARCH_BUDGET);
            cost[s] = r.cost();
            omegas[s] = r.omega();
            solver.setInitialGuess(best[0].solution());
            pde.advance(best[0].solution());
        }
        return new Trace(SequenceReport.INSTANCE_OPTIMAL, cost, new double[0], omegas);
    }
}
