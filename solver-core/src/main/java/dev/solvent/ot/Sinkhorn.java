package dev.solvent.ot;

/**
 * Log-domain Sinkhorn for entropic optimal transport: alternately make the row and the column
 * marginals exact,
 *
 * <pre>
 *   x_i += (log r_i - log (P 1)_i) / eta,   then   y_j += (log c_j - log (P^T 1)_j) / eta,
 *   P_ij = exp(eta (-C_ij + x_i + y_j) - 1),
 * </pre>
 *
 * every log-sum-exp stabilised by a shift (see {@link DualState}), so that it stays finite at
 * eta = 1200 with costs in [0, 1], where exp(-eta C) underflows. Each iteration reads the cost twice
 * and takes 2 n m exponentials; the row step also measures the marginal error of the state it starts
 * from, so the stopping test costs nothing extra.
 *
 * <p>Stops when {@code ||P 1 - r||_1 <= tolerance} (the column marginal is exact after each
 * iteration), or at the iteration or time limit; the result recomputes both marginals.
 */
public final class Sinkhorn {

    private final SinkhornOptions options;
    /** Where the dense kernels run: null for the CPU (see {@link DualKernels#open}). */
    private final dev.solvent.backend.Backend backend;

    /** Sinkhorn with the dense kernels on the CPU, {@link SinkhornOptions#threads()} threads. */
    public Sinkhorn(SinkhornOptions options) {
        this.options = java.util.Objects.requireNonNull(options, "options");
        this.backend = null;
    }

    /**
     * Sinkhorn with the dense kernels on {@code backend} where its module provides them (the CUDA
     * module for its {@code CudaBackend}), else on the CPU. Sinkhorn solves no linear system, so a
     * host backend changes nothing. The caller keeps and closes the backend.
     */
    public Sinkhorn(SinkhornOptions options, dev.solvent.backend.Backend backend) {
        this.options = java.util.Objects.requireNonNull(options, "options");
        this.backend = java.util.Objects.requireNonNull(backend, "backend");
    }

    public Sinkhorn() {
        this(SinkhornOptions.defaults());
    }

    public SinkhornOptions options() {
        return options;
    }

    /** Solves the problem from zero potentials. */
    public OtResult solve(TransportProblem problem) {
        long start = System.nanoTime();
        try (DualKernels s = DualKernels.open(problem, backend, options.threads())) {
            long deadline = deadline(start, options.timeLimitSeconds());
            Run run = iterate(s, options.maxIterations(), options.tolerance(), deadline, options.listener());
            return s.result("sinkhorn", run.reason, options.planThreshold(), run.iterations, 0, 0, start,
                    run.reason == OtReason.CONVERGED ? "" : "row marginal error " + run.error + " when stopped",
                    options.threads());
        }
    }

    /** Outcome of a run of Sinkhorn iterations. */
    record Run(OtReason reason, int iterations, double error) {
    }

    static long deadline(long start, double seconds) {
        return Double.isInfinite(seconds) ? Long.MAX_VALUE : start + (long) (seconds * 1e9);
    }

    static boolean expired(long deadline) {
        return deadline != Long.MAX_VALUE && System.nanoTime() - deadline > 0;
    }

    /**
     * Runs Sinkhorn iterations on the state. At most {@code maxIterations} full iterations are done;
     * the state is left where the returned error was measured (after a column step, unless no
     * iteration was done), so that the error describes the returned potentials.
     */
    static Run iterate(DualKernels s, int maxIterations, double tolerance, long deadline,
                       dev.solvent.solve.IterationListener listener) {
        int it = 0;
        while (true) {
            s.saveRowPotentials();
            double error = s.rowStep();
            if (listener != null && it > 0) {
                listener.onIteration(it, error);
            }
            OtReason stop = null;
            if (Double.isNaN(error) || !s.finite()) {
                stop = OtReason.DIVERGED_NAN;
            } else if (it > 0 && error <= tolerance) {
                // Measured after a column step, so this is the whole marginal error.
                stop = OtReason.CONVERGED;
            } else if (Thread.currentThread().isInterrupted()) {
                stop = OtReason.CANCELLED;
            } else if (it >= maxIterations) {
                stop = OtReason.MAX_ITERATIONS;
            } else if (expired(deadline)) {
                stop = OtReason.TIME_LIMIT;
            }
            if (stop != null) {
                s.restoreRowPotentials();
                return new Run(stop, it, error);
            }
            s.columnStep();
            it++;
        }
    }
}
