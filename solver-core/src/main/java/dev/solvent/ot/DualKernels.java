package dev.solvent.ot;

import dev.solvent.backend.Backend;
import dev.solvent.solve.ConjugateGradient;
import dev.solvent.solve.SolveResult;

/**
 * The dense kernels over the dual state of one {@link TransportProblem}, as {@link Sinkhorn} and
 * {@link SinkhornNewtonSparse} use them: the seam that lets those solvers run their n x m passes
 * somewhere other than the Java heap. The solvers keep the control flow (stopping tests, the line
 * search's decisions, fallbacks); an implementation keeps the potentials, the plan, the gradient,
 * the Newton direction and the sparsified Hessian wherever its kernels run, and hands back only
 * scalars, until {@link #potentials} or {@link #result} at the end.
 *
 * <p>The formulas are those of the CPU implementation (the package-private {@code DualState}),
 * written over each method there; an implementation must keep them, including the shifted
 * log-sum-exp, the clipping of exponents below -700 and the sparsification rule, so that it
 * agrees with the CPU to rounding. Implementations come from {@link #open}: the CPU one for host
 * backends, otherwise a {@link DualKernelsProvider} found through {@link java.util.ServiceLoader}.
 *
 * <p>This is a service-provider interface for backend modules, not an application API; an
 * instance is used by one thread at a time and must be closed.
 */
public interface DualKernels extends AutoCloseable {

    /** The problem these kernels work on. */
    TransportProblem problem();

    /** Where the kernels run, for messages ({@code cpu}, {@code cuda}). */
    String where();

    // ---- Sinkhorn -------------------------------------------------------------------------------

    /**
     * Row half-step: with {@code s_i = sum_j exp(u_i + v_j - K_ij)}, returns
     * {@code sum_i |s_i - r_i|} measured before the update and sets {@code u_i += log r_i - log s_i}.
     */
    double rowStep();

    /** Column half-step: {@code v_j += log c_j - log sum_i exp(u_i + v_j - K_ij)}. */
    void columnStep();

    /** Whether every potential is a number. */
    boolean finite();

    /** Remembers the row potentials u (before a row step that may be undone). */
    void saveRowPotentials();

    /** Puts back the row potentials remembered by {@link #saveRowPotentials}. */
    void restoreRowPotentials();

    // ---- Newton ---------------------------------------------------------------------------------

    /**
     * Forms the plan {@code P_ij = exp(u_i + v_j - K_ij)}, its row and column sums and maxima, and
     * the gradient {@code g = (r - P 1, c - P^T 1)}; returns {@code ||g||_1}, the marginal error.
     */
    double formPlan();

    /** Projects the gradient onto the complement of the null vector {@code (1_n, -1_m)}. */
    void projectGradient();

    /**
     * Builds the sparsified Hessian of the current plan (see
     * {@link SinkhornNewtonSparse#sparsifiedHessian}) with the {@code keep} largest entries as the
     * paper's part of the rule; returns the number of kept entries of P.
     */
    long sparsify(int keep, double relativeThreshold, double shift);

    /**
     * Solves {@code M_s w = g} from a zero guess with {@code cg} on {@code backend}, then projects
     * the null vector out of w.
     */
    SolveResult solveNewton(ConjugateGradient cg, Backend backend);

    /** {@code g . w}. */
    double gradientDotDirection();

    /** {@code max_ij |wu_i + wv_j|}, w = (wu, wv). */
    double maxPairSum();

    /** {@code sum_ij P_ij phi(alpha (wu_i + wv_j))} over the plan formed last, {@code phi(t) = e^t - 1 - t}. */
    double phiSum(double alpha);

    /** {@code u += alpha wu, v += alpha wv}. */
    void step(double alpha);

    // ---- result ---------------------------------------------------------------------------------

    /** Copies the scaled potentials out: {@code u = eta x} (length n) and {@code v = eta y - 1} (length m). */
    void potentials(double[] u, double[] v);

    /**
     * The result, evaluated once more from scratch. By default the potentials are copied out and
     * the result is evaluated by the CPU kernels on {@code threads} threads (one dense pass), so
     * every implementation reports marginals, costs and the plan by the same code.
     */
    default OtResult result(String method, OtReason reason, double planThreshold, int sinkhornIterations,
                            int newtonIterations, long cgIterations, long startNanos, String message, int threads) {
        TransportProblem p = problem();
        try (DualState host = new DualState(p, threads)) {
            potentials(host.u, host.v);
            return host.result(method, reason, planThreshold, sinkhornIterations, newtonIterations, cgIterations,
                    startNanos, message);
        }
    }

    @Override
    void close();

    /**
     * The kernels for {@code backend}: the CPU kernels on {@code threads} threads when the backend
     * is null or keeps its vectors on the host, else the first {@link DualKernelsProvider} that
     * serves this backend, else the CPU kernels (the dense passes then stay on the host and only
     * CG runs on the backend).
     */
    static DualKernels open(TransportProblem problem, Backend backend, int threads) {
        if (backend != null && !backend.isHost()) {
            for (DualKernelsProvider provider : java.util.ServiceLoader.load(DualKernelsProvider.class)) {
                DualKernels k = provider.open(problem, backend);
                if (k != null) {
                    return k;
                }
            }
        }
        return new HostDualKernels(problem, threads);
    }
}
