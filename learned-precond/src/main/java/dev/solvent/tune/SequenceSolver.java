package dev.solvent.tune;

import dev.solvent.backend.Backend;
import dev.solvent.backend.ReferenceBackend;
import dev.solvent.matrix.CsrMatrix;
import dev.solvent.precond.SsorPreconditioner;
import dev.solvent.solve.BoundSolver;
import dev.solvent.solve.ConjugateGradient;
import dev.solvent.solve.ConvergedReason;
import dev.solvent.solve.IterativeSolver;
import dev.solvent.solve.SolveResult;
import dev.solvent.solve.SolverOptions;
import dev.solvent.solve.StationaryIteration;

import java.util.Objects;

/**
 * Solves a stream of systems {@code A_t x = b_t} one after another with SOR, SSOR-preconditioned
 * CG or plain CG, omega chosen per system by a {@link Tuner} (or given), and reports each solve's
 * cost in iterations together with its wall time.
 *
 * <p>Cost, as in the paper: the iteration count of a converged solve; the iteration cap for any
 * solve that did not converge. A diverging SOR stops early (DIVERGED_DTOL/NAN), and charging only
 * the iterations it spent would make a diverging omega look cheap; the paper's solver simply ran
 * such a solve to its cap, so the cap is what it costs here too.
 *
 * <p>Initial guess: with warm starting (the default for SSOR-PCG) each solve starts from the
 * previous solution, which in a time-stepping code is already close; without it (the paper's SOR
 * setting) from zero, so that with {@code x0 = 0} the stopping rule {@code ||r|| <= rtol ||b||} is
 * the paper's {@code ||r_k|| / ||r_0|| <= rtol}. The backend defaults to the
 * {@link ReferenceBackend}: the experiments count iterations, which are the same on every backend
 * (the CPU backend's level-scheduled sweeps equal the reference's to rounding).
 */
public final class SequenceSolver {

    /** Which solver runs each system. */
    public enum Method {
        /** Forward SOR, one sweep per iteration. */
        SOR,
        /** CG preconditioned by SSOR with the same omega. */
        SSOR_PCG,
        /** Plain CG; omega is ignored. */
        CG
    }

    /**
     * One solve.
     *
     * @param arm      the tuner's arm index, or -1 when omega was given directly
     * @param omega    the relaxation factor used
     * @param cost     iterations if converged, the iteration cap otherwise
     * @param seconds  wall time of setup plus solve
     * @param solution the returned x (owned by the caller)
     */
    public record Step(int arm, double omega, int iterations, double cost, ConvergedReason reason,
                       double seconds, double[] solution) {
    }

    private final Method method;
    private final SolverOptions options;
    private final Backend backend;
    private final boolean warmStart;
    private double[] x;

    /**
     * @param method    the solver
     * @param options   tolerances and cap (omega and the initial-guess flag are set per solve)
     * @param backend   where the kernels run; owned by the caller
     * @param warmStart start each solve from the previous solution instead of zero
     */
    public SequenceSolver(Method method, SolverOptions options, Backend backend, boolean warmStart) {
        this.method = Objects.requireNonNull(method, "method");
        this.options = Objects.requireNonNull(options, "options").withRecordHistory(false)
                .withNonzeroInitialGuess(warmStart);
        this.backend = Objects.requireNonNull(backend, "backend");
        this.warmStart = warmStart;
    }

    /** The paper's settings: rtol 1e-8, cap 10,000, divergence only on a 1e10-fold residual growth. */
    public static SolverOptions paperOptions() {
        return SolverOptions.defaults().withRtol(1e-8).withMaxIterations(10_000)
                .withDivergenceTolerance(1e10).withRecordHistory(false);
    }

    /** SOR from a zero guess on the reference backend, the paper's first experiment. */
    public static SequenceSolver sor() {
        return new SequenceSolver(Method.SOR, paperOptions(), new ReferenceBackend(), false);
    }

    /** Warm-started SSOR-PCG on the reference backend, the paper's second experiment. */
    public static SequenceSolver ssorPcg() {
        return new SequenceSolver(Method.SSOR_PCG, paperOptions(), new ReferenceBackend(), true);
    }

    /** Warm-started plain CG on the reference backend, the baseline of the second experiment. */
    public static SequenceSolver cg() {
        return new SequenceSolver(Method.CG, paperOptions(), new ReferenceBackend(), true);
    }

    public Method method() {
        return method;
    }

    public SolverOptions options() {
        return options;
    }

    /** Sets the next warm start (ignored when warm starting is off). */
    public void setInitialGuess(double[] guess) {
        x = guess.clone();
    }

    /** Solves from the current warm start without moving it: for searches over omega. */
    public Step trial(CsrMatrix a, double[] b, double omega) {
        return run(a, b, omega, -1);
    }

    /** Solves with the given omega and keeps the solution as the next warm start. */
    public Step solve(CsrMatrix a, double[] b, double omega) {
        Step s = run(a, b, omega, -1);
        x = s.solution().clone();
        return s;
    }

    /** Lets the tuner choose omega for this system, solves, and reports the cost back to it. */
    public Step solve(CsrMatrix a, double[] b, double context, Tuner tuner) {
        int arm = tuner.choose(context);
        double omega = tuner.arms()[arm];
        Step s = run(a, b, omega, arm);
        tuner.observe(s.cost());
        x = s.solution().clone();
        return s;
    }

    private Step run(CsrMatrix a, double[] b, double omega, int arm) {
        if (b.length != a.rows()) {
            throw new IllegalArgumentException("right-hand side has length " + b.length + " but the matrix is "
                    + a.rows() + " x " + a.cols());
        }
        double[] guess = warmStart && x != null && x.length == b.length ? x.clone() : new double[b.length];
        SolverOptions o = method == Method.CG ? options : options.withOmega(omega);
        IterativeSolver solver = switch (method) {
            case SOR -> StationaryIteration.sor(o);
            case SSOR_PCG -> new ConjugateGradient(o, new SsorPreconditioner(omega));
            case CG -> new ConjugateGradient(o);
        };
        long start = System.nanoTime();
        SolveResult r;
        try (BoundSolver bound = solver.setup(a, backend)) {
            r = bound.solve(b, guess);
        }
        double seconds = (System.nanoTime() - start) * 1e-9;
        return new Step(arm, omega, r.iterations(), cost(r), r.reason(), seconds, guess);
    }

    /** The paper's cost of a solve: its iterations if it converged, the cap otherwise. */
    public double cost(SolveResult r) {
        return r.converged() ? r.iterations() : Math.max(options.maxIterations(), r.iterations());
    }
}
