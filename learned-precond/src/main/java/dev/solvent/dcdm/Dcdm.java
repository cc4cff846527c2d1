package dev.solvent.dcdm;

import dev.solvent.backend.Backend;
import dev.solvent.backend.HostVector;
import dev.solvent.backend.Vector;
import dev.solvent.matrix.LinearOperator;
import dev.solvent.precond.BoundPreconditioner;
import dev.solvent.precond.Ic0;
import dev.solvent.precond.Jacobi;
import dev.solvent.precond.Preconditioner;
import dev.solvent.solve.AbstractBoundSolver;
import dev.solvent.solve.ConvergedReason;
import dev.solvent.solve.IterativeSolver;
import dev.solvent.solve.SolveResult;
import dev.solvent.solve.SolverOptions;

import java.util.Objects;

/**
 * The Deep Conjugate Direction Method (Kaneda et al., ICML 2023): a conjugate-direction iteration
 * whose search directions come from a convolutional network that approximates {@code A^-1} up to
 * scale, with a safeguard.
 * <pre>
 *   r = b - A x
 *   repeat:
 *     q = gather(NN(scatter(r / ||r||)))                network direction
 *     f = M^-1 r                                        fallback direction (IC(0) by default)
 *     each: d -= sum_{j &lt;= k} (d.A p_j / p_j.A p_j) p_j   A-orthogonalise against the last k directions
 *     take the one with the larger gain (d.r)^2 / (d.A d); q is rejected outright if
 *       |q.r| &lt; usefulness ||q|| ||r|| (or it is not finite, or q.Aq &lt;= 0)
 *     alpha = (d.r) / (d.A d);  x += alpha d;  r -= alpha A d
 *     keep (d, A d, d.A d) as the newest direction
 * </pre>
 * A step along d with the exact line search lowers the squared A-norm of the error by exactly
 * {@code (d.r)^2 / d.Ad}, the gain, so choosing the larger gain makes each iteration at least as
 * good, in that norm, as the fallback step from the same state: the solve converges whatever the
 * network returns (an untrained one included), and the counted fallbacks say how often the
 * network lost. The fallback costs one triangular solve pair and one SpMV per iteration, small
 * next to one inference. When the network has lost {@code patience} times in a row it is not
 * evaluated for 1, 2, 4, ... up to 64 iterations (each further loss right after a pause starts
 * the next, twice as long; a win resets this), so a useless network stops costing inference time.
 *
 * <p>With {@link Settings#combine()} the iteration steps along both candidates each time (the
 * fallback A-orthogonalised against the network direction too): an exact minimisation over
 * their span, so a network that is weaker than IC(0) on its own but supplies what IC(0) misses
 * (the smooth, low modes) still helps. This is our extension, not the paper's.
 *
 * <p>The network is not SPD, so this is not PCG; with k = 2 and a network that always wins it is
 * the paper's reference iteration.
 *
 * <p>Stopping and results follow the library's rules: stop when {@code ||r|| <= max(rtol ||b||,
 * atol)}, confirmed on the true residual {@code b - A x} (at most five restarts from it when the
 * updated residual drifted); a zero right-hand side gives exactly zero in 0 iterations; NaN gives
 * {@code DIVERGED_NAN}; the reported residual is recomputed. The message reports how many
 * directions came from the network and how many were fallbacks ({@link Bound#fallbacks()}).
 *
 * <p>Cost per iteration: one network inference (the dominant cost: about 30 GFLOP for the paper's
 * network at 64^3), two SpMVs, one preconditioner application, 2 (2k + 3) vector passes for the
 * orthogonalisations and dots. Host backends only (the network runs on the CPU).
 */
public final class Dcdm implements IterativeSolver {

    /**
     * Settings of the iteration beyond the usual options.
     *
     * @param directions k, how many previous directions each new one is A-orthogonalised against
     * @param fallback   preconditioner of the fallback direction (IC(0) by default; Jacobi is
     *                   used instead if it fails to build, the plain residual if that fails too)
     * @param usefulness a network direction with {@code |q.r| < usefulness ||q|| ||r||} is rejected
     * @param patience   consecutive losses of the network after which it is skipped for a while
     * @param combine    step along both the network and the fallback direction every iteration
     *                   (an exact minimisation over their span) instead of the better one; the
     *                   network then counts as losing when the pair gains less than 10% over the
     *                   fallback alone
     */
    public record Settings(int directions, Preconditioner fallback, double usefulness, int patience, boolean combine) {
        public Settings {
            if (directions < 1) {
                throw new IllegalArgumentException("dcdm needs at least 1 previous direction, got " + directions);
            }
            Objects.requireNonNull(fallback, "fallback");
            if (!(usefulness >= 0 && usefulness < 1)) {
                throw new IllegalArgumentException("usefulness must lie in [0, 1), got " + usefulness);
            }
            if (patience < 1) {
                throw new IllegalArgumentException("patience must be at least 1, got " + patience);
            }
        }

        /** k = 2, IC(0) fallback, usefulness 1e-3, patience 3. */
        public static Settings defaults() {
            return new Settings(2, new Ic0(), 1e-3, 3, false);
        }

        public Settings withDirections(int k) {
            return new Settings(k, fallback, usefulness, patience, combine);
        }

        public Settings withFallback(Preconditioner p) {
            return new Settings(directions, p, usefulness, patience, combine);
        }

        /** Both directions every iteration (see {@code combine}); k stored vectors, two added per iteration. */
        public Settings withCombine(boolean value) {
            return new Settings(directions, fallback, usefulness, patience, value);
        }
    }

    private final SolverOptions options;
    private final DcdmNetwork network;
    private final GridMap map;
    private final Settings settings;

    public Dcdm(SolverOptions options, DcdmNetwork network, GridMap map, Settings settings) {
        this.options = Objects.requireNonNull(options, "options");
        this.network = Objects.requireNonNull(network, "network");
        this.map = Objects.requireNonNull(map, "map");
        this.settings = Objects.requireNonNull(settings, "settings");
        if (map.shape().dims() != network.architecture().dimensions()) {
            throw new IllegalArgumentException("the network is " + network.architecture().dimensions()
                    + "D but the grid map is " + map.shape().dims() + "D");
        }
    }

    public Dcdm(SolverOptions options, DcdmNetwork network, GridMap map) {
        this(options, network, map, Settings.defaults());
    }

    @Override
    public String name() {
        return "dcdm";
    }

    @Override
    public SolverOptions options() {
        return options;
    }

    public Settings settings() {
        return settings;
    }

    /** The network that proposes directions. */
    public DcdmNetwork network() {
        return network;
    }

    /** Where the unknowns sit on the network's grid. */
    public GridMap map() {
        return map;
    }

    @Override
    public Bound setup(LinearOperator a, Backend backend) {
        return new Bound(a, backend);
    }

    /** DCDM bound to one matrix; after each solve, {@link #fallbacks()} tells how often the safeguard acted. */
    public final class Bound extends AbstractBoundSolver {
        private final BoundPreconditioner pc;
        private final String pcName;
        /** The base class's residual vector seen as its host array (DCDM runs on host backends only). */
        private final double[] r;
        private final double[] q;
        private final double[] aq;
        private final double[] qf;
        private final double[] aqf;
        private final float[] grid;
        private final double[][] dirs;
        private final double[][] aDirs;
        private final double[] dAd;
        private int fallbacks;
        private int networkDirections;
        private int stored;
        private int newest;

        Bound(LinearOperator operator, Backend backend) {
            super("dcdm", Dcdm.this.options, checked(operator, backend, Dcdm.this.map), backend);
            BoundPreconditioner p = null;
            String name = settings.fallback().name();
            try {
                p = settings.fallback().setup(a, backend);
                if (p.failure() != null) {
                    p = null;
                }
            } catch (IllegalArgumentException e) {
                p = null;
            }
            if (p == null) {
                // IC(0) can break down; Jacobi then, and no preconditioning if even that is impossible.
                try {
                    p = new Jacobi().setup(a, backend);
                    name = "jacobi";
                } catch (RuntimeException e) {
                    p = null;
                    name = "none";
                }
            }
            this.pc = p;
            this.pcName = name;
            this.r = HostVector.of(super.r);
            this.q = new double[n];
            this.aq = new double[n];
            this.qf = new double[n];
            this.aqf = new double[n];
            this.grid = new float[map.shape().voxels()];
            int k = settings.directions();
            this.dirs = new double[k][n];
            this.aDirs = new double[k][n];
            this.dAd = new double[k];
        }

        /** Fallback directions used by the last solve. */
        public int fallbacks() {
            return fallbacks;
        }

        /** Network directions used by the last solve. */
        public int networkDirections() {
            return networkDirections;
        }

        /** The preconditioner the fallback actually uses ({@code ic0}, {@code jacobi} or {@code none}). */
        public String fallbackName() {
            return pcName;
        }

        @Override
        protected String preconditionerName() {
            return "cnn+" + pcName;
        }

        /** Resets the per-solve counts, then solves as every bound solver does. */
        @Override
        public SolveResult solve(Vector b, Vector x) {
            fallbacks = 0;
            networkDirections = 0;
            return super.solve(b, x);
        }

        /** An outcome whose message also counts the directions taken. */
        private Outcome outcome(ConvergedReason reason, int iterations, String message) {
            String counts = "network directions " + networkDirections + ", fallback directions " + fallbacks
                    + " (" + pcName + ")";
            return new Outcome(reason, iterations, message.isEmpty() ? counts : message + "; " + counts);
        }

        @Override
        protected Outcome iterate(Vector bv, Vector xv, double rr, double bNorm, History history) {
            double[] x = HostVector.of(xv);
            double threshold = options.threshold(bNorm);
            int k = settings.directions();
            stored = 0;
            newest = -1;
            int restarts = 0;
            int losses = 0;        // consecutive iterations the network direction lost
            int skip = 0;          // iterations left in which the network is not evaluated
            int backoff = 1;       // length of the next skip
            for (int it = 1; it <= options.maxIterations(); it++) {
                double rNorm = Math.sqrt(rr);
                // Candidate 1, the network: gain (q.r)^2 / q.Aq is how much the step along the
                // A-orthogonalised q lowers the squared A-norm of the error.
                double netGain = Double.NEGATIVE_INFINITY;
                double netAq = 0;
                boolean evaluated = skip == 0;
                if (!evaluated) {
                    skip--;
                } else {
                    networkDirection(rNorm, q);
                    double qr = dot(q, r);
                    double qNorm = Math.sqrt(dot(q, q));
                    if (Math.abs(qr) >= settings.usefulness() * qNorm * rNorm && qNorm > 0) {
                        orthogonalise(q, stored, newest, k);
                        netAq = backend.applyDot(a, backend.wrap(q), backend.wrap(aq));
                        double qr2 = dot(q, r);
                        if (netAq > 0 && Double.isFinite(netAq)) {
                            netGain = qr2 * qr2 / netAq;
                        }
                    }
                }
                // Candidate 2, the fallback M^-1 r, A-orthogonalised the same way.
                fallbackDirection(qf);
                orthogonalise(qf, stored, newest, k);
                double fAq = backend.applyDot(a, backend.wrap(qf), backend.wrap(aqf));
                double fr = dot(qf, r);
                double fallGain = fr * fr / fAq;
                boolean netOk = netGain > 0 && Double.isFinite(netGain);
                boolean fallOk = fallGain > 0 && Double.isFinite(fallGain);
                if (!fallOk && !netOk) {
                    if (Double.isNaN(fAq) || Double.isInfinite(fAq)) {
                        return outcome(ConvergedReason.DIVERGED_NAN, it - 1, "q.Aq is " + fAq + " at iteration " + it);
                    }
                    if (fAq <= 0) {
                        return outcome(ConvergedReason.DIVERGED_INDEFINITE_MATRIX, it - 1,
                                "q.Aq = " + fAq + " <= 0 at iteration " + it + ": the matrix is not positive definite");
                    }
                    return outcome(ConvergedReason.DIVERGED_BREAKDOWN, it - 1, "at iteration " + it
                            + " neither direction has a component along the residual: no progress is possible");
                }
                boolean helped;
                if (settings.combine() && netOk && fallOk) {
                    // Both: A-orthogonalise the fallback against the network direction as well, so
                    // the two exact line searches minimise the A-norm of the error over span{q, f}.
                    double c = dot(qf, aq) / netAq;
                    for (int i = 0; i < n; i++) {
                        qf[i] -= c * q[i];
                        aqf[i] -= c * aq[i];
                    }
                    double f2Aq = dot(qf, aqf);
                    double f2r = dot(qf, r);
                    double gain2 = f2Aq > 1e-14 * fAq ? f2r * f2r / f2Aq : 0;
                    helped = netGain + gain2 >= 1.1 * fallGain;
                    rr = step(q, aq, netAq, x);
                    if (gain2 > 0) {
                        rr = step(qf, aqf, f2Aq, x);
                    }
                    networkDirections++;
                } else if (netOk && (netGain >= fallGain || !fallOk)) {
                    rr = step(q, aq, netAq, x);
                    networkDirections++;
                    helped = true;
                } else {
                    rr = step(qf, aqf, fAq, x);
                    fallbacks++;
                    helped = false;
                }
                if (evaluated) {
                    if (helped) {
                        losses = 0;
                        backoff = 1;
                    } else if (++losses >= settings.patience()) {
                        // The network keeps losing: stop paying for its inference for a while,
                        // twice as long each time it fails again.
                        skip = backoff;
                        backoff = Math.min(2 * backoff, 64);
                        // After the pause one more loss is enough for the next, longer pause.
                        losses = settings.patience() - 1;
                    }
                }
                double norm = Math.sqrt(rr);
                history.add(norm);
                if (!Double.isFinite(rr)) {
                    return outcome(ConvergedReason.DIVERGED_NAN, it, "residual is " + norm + " at iteration " + it);
                }
                if (norm <= threshold) {
                    rr = backend.residual(a, bv, xv, super.r);
                    if (Math.sqrt(rr) <= threshold) {
                        return outcome(options.convergedReason(bNorm), it, "");
                    }
                    if (++restarts > 5) {
                        return outcome(ConvergedReason.DIVERGED_BREAKDOWN, it, "the true residual "
                                + Math.sqrt(rr) + " stays above the tolerance " + threshold
                                + " although the updated residual meets it");
                    }
                }
            }
            return outcome(ConvergedReason.DIVERGED_MAX_ITERATIONS, options.maxIterations(), "");
        }

        /**
         * The exact line search along d: {@code alpha = d.r / d.Ad; x += alpha d; r -= alpha A d};
         * d becomes the newest stored direction. Returns {@code r.r}.
         */
        private double step(double[] d, double[] ad, double dAd0, double[] x) {
            double alpha = dot(d, r) / dAd0;
            double rr = 0;
            for (int i = 0; i < n; i++) {
                x[i] += alpha * d[i];
                double ri = r[i] - alpha * ad[i];
                r[i] = ri;
                rr += ri * ri;
            }
            int k = settings.directions();
            newest = (newest + 1) % k;
            System.arraycopy(d, 0, dirs[newest], 0, n);
            System.arraycopy(ad, 0, aDirs[newest], 0, n);
            dAd[newest] = dAd0;
            stored = Math.min(stored + 1, k);
            return rr;
        }

        /** {@code q = gather(NN(scatter(r / ||r||)))}. */
        private void networkDirection(double rNorm, double[] out) {
            map.scatter(r, 1.0 / rNorm, grid);
            float[] y = network.forward(map.shape(), grid);
            map.gather(y, out);
        }

        /** {@code q = M^-1 r} (r itself without a preconditioner). */
        private void fallbackDirection(double[] out) {
            if (pc == null) {
                System.arraycopy(r, 0, out, 0, n);
            } else {
                pc.applyDot(backend.wrap(r), backend.wrap(out));
            }
        }

        /** {@code q -= sum_j (q.A p_j / p_j.A p_j) p_j} over the stored directions (modified Gram-Schmidt in the A inner product). */
        private void orthogonalise(double[] q, int stored, int newest, int k) {
            for (int s = 0; s < stored; s++) {
                int j = ((newest - s) % k + k) % k;
                double c = dot(q, aDirs[j]) / dAd[j];
                double[] p = dirs[j];
                for (int i = 0; i < n; i++) {
                    q[i] -= c * p[i];
                }
            }
        }

        @Override
        public void close() {
            if (pc != null) {
                pc.close();
            }
            super.close();
        }
    }

    private static double dot(double[] x, double[] y) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += x[i] * y[i];
        }
        return s;
    }

    /** The operator, after the checks DCDM needs beyond the common ones. */
    private static LinearOperator checked(LinearOperator operator, Backend backend, GridMap map) {
        if (operator.rows() == operator.cols() && operator.rows() != map.unknowns()) {
            throw new IllegalArgumentException("the matrix has " + operator.rows() + " rows but the grid map has "
                    + map.unknowns() + " unknowns");
        }
        if (!backend.isHost()) {
            throw new IllegalArgumentException("dcdm runs on host backends only (the network runs on the CPU), got "
                    + backend.name());
        }
        return operator;
    }
}
