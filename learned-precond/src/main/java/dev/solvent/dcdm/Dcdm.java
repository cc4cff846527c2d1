package dev.solvent.dcdm;

import dev.solvent.backend.Backend;
import dev.solvent.backend.HostVector;
import dev.solvent.backend.Vector;
import dev.solvent.cuda.ConvKernels;
import dev.solvent.cuda.CudaBackend;
import dev.solvent.cuda.DeviceFloats;
import dev.solvent.cuda.DeviceIndices;
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
 * orthogonalisations and dots.
 *
 * <p>Backends: any host backend (the network runs on the CPU, vectors are Java arrays), or a
 * {@link CudaBackend}: then r, x, the candidates and the k stored directions with their A-products
 * stay device vectors, the network runs on the device ({@link DeviceDcdmNetwork}, its weights
 * uploaded at setup), scatter and gather too, and only scalars (dot products) come back to the
 * host. The CUDA backend has no IC(0), so there the default fallback is Jacobi instead, which the
 * result message says.
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
        this.options = Objects.requireNonNull(options, "options").requireStoppable();
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
        // Names of the work vectors; each direction's A-product is the next number.
        private static final int Q = 0;
        private static final int AQ = 1;
        private static final int QF = 2;
        private static final int AQF = 3;
        private static final int R = 4;

        private final BoundPreconditioner pc;
        private final String pcName;
        /** The vectors and their operations: host arrays, or device vectors on a CudaBackend. */
        private final Work work;
        private int fallbacks;
        private int networkDirections;

        Bound(LinearOperator operator, Backend backend) {
            super("dcdm", Dcdm.this.options, checked(operator, backend, Dcdm.this.map), backend);
            BoundPreconditioner p = null;
            String name = settings.fallback().name();
            boolean cuda = backend instanceof CudaBackend;
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
            Work w;
            try {
                w = cuda ? new DeviceWork((CudaBackend) backend) : new HostWork();
            } catch (RuntimeException e) {
                if (p != null) {
                    p.close();
                }
                super.release();
                throw e;
            }
            this.work = w;
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
        protected boolean needsSymmetricOperator() {
            return true;
        }

        @Override
        protected String preconditionerName() {
            return "cnn+" + pcName;
        }

        /** Resets the per-solve counts (inside the one-thread guard of every solve). */
        @Override
        protected void onSolveStart() {
            fallbacks = 0;
            networkDirections = 0;
        }

        /** An outcome whose message also counts the directions taken. */
        private Outcome outcome(ConvergedReason reason, int iterations, String message) {
            String counts = "network directions " + networkDirections + ", fallback directions " + fallbacks
                    + " (" + pcName + ")";
            return new Outcome(reason, iterations, message.isEmpty() ? counts : message + "; " + counts);
        }

        @Override
        protected Outcome iterate(Vector bv, Vector xv, double rr, History history) {
            work.start(xv);
            double threshold = history.threshold();
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
                    work.network(rNorm);
                    double qr = work.dot(Q, R);
                    double qNorm = Math.sqrt(work.dot(Q, Q));
                    if (Math.abs(qr) >= settings.usefulness() * qNorm * rNorm && qNorm > 0) {
                        work.orthogonalise(Q);
                        netAq = work.applyDot(Q);
                        double qr2 = work.dot(Q, R);
                        if (netAq > 0 && Double.isFinite(netAq)) {
                            netGain = qr2 * qr2 / netAq;
                        }
                    }
                }
                // Candidate 2, the fallback M^-1 r, A-orthogonalised the same way.
                work.fallback();
                work.orthogonalise(QF);
                double fAq = work.applyDot(QF);
                double fr = work.dot(QF, R);
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
                    double c = work.dot(QF, AQ) / netAq;
                    work.subtractNetworkPart(c);
                    double f2Aq = work.dot(QF, AQF);
                    double f2r = work.dot(QF, R);
                    double gain2 = f2Aq > 1e-14 * fAq ? f2r * f2r / f2Aq : 0;
                    helped = netGain + gain2 >= 1.1 * fallGain;
                    rr = work.step(Q, netAq);
                    if (gain2 > 0) {
                        rr = work.step(QF, f2Aq);
                    }
                    networkDirections++;
                } else if (netOk && (netGain >= fallGain || !fallOk)) {
                    rr = work.step(Q, netAq);
                    networkDirections++;
                    helped = true;
                } else {
                    rr = work.step(QF, fAq);
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
                        return outcome(history.convergedReason(), it, "");
                    }
                    if (++restarts > 5) {
                        return outcome(ConvergedReason.DIVERGED_BREAKDOWN, it, "the true residual "
                                + Math.sqrt(rr) + " stays above the tolerance " + threshold
                                + " although the updated residual meets it");
                    }
                } else {
                    Outcome stop = history.stop(it);
                    if (stop != null) {
                        return outcome(stop.reason(), stop.iterations(), stop.message());
                    }
                }
            }
            return outcome(ConvergedReason.DIVERGED_MAX_ITERATIONS, options.maxIterations(), "");
        }

        /**
         * The vectors of the iteration and what it does with them, by name: {@link #Q} the network
         * direction, {@link #AQ} its A-product, {@link #QF} and {@link #AQF} the fallback's,
         * {@link #R} the residual. The k stored directions and their A-products live here too.
         */
        private interface Work extends AutoCloseable {
            /** Starts a solve with solution vector x: no stored directions. */
            void start(Vector x);

            /** {@code Q = gather(NN(scatter(r / rNorm)))}. */
            void network(double rNorm);

            /** {@code QF = M^-1 r} (r itself without a preconditioner). */
            void fallback();

            double dot(int u, int v);

            /** u (Q or QF) {@code -= sum_j (u.A p_j / p_j.A p_j) p_j} over the stored directions (modified Gram-Schmidt in the A inner product). */
            void orthogonalise(int u);

            /** The A-product of u (Q or QF) into its partner (AQ or AQF); returns {@code u.Au}. */
            double applyDot(int u);

            /** {@code QF -= c Q; AQF -= c AQ}. */
            void subtractNetworkPart(double c);

            /**
             * The exact line search along d (Q or QF): {@code alpha = d.r / d.Ad; x += alpha d;
             * r -= alpha A d}; d becomes the newest stored direction. Returns {@code r.r}.
             */
            double step(int d, double dAd);

            @Override
            void close();
        }

        /** Host arrays (the original implementation; the network runs on the CPU). */
        private final class HostWork implements Work {
            /** The base class's residual vector seen as its host array. */
            private final double[] r = HostVector.of(Bound.this.r);
            private final double[] q = new double[n];
            private final double[] aq = new double[n];
            private final double[] qf = new double[n];
            private final double[] aqf = new double[n];
            private final float[] grid = new float[map.shape().voxels()];
            private final double[][] dirs = new double[settings.directions()][n];
            private final double[][] aDirs = new double[settings.directions()][n];
            private final double[] dAd = new double[settings.directions()];
            private double[] x;
            private int stored;
            private int newest;

            private double[] vec(int v) {
                return switch (v) {
                    case Q -> q;
                    case AQ -> aq;
                    case QF -> qf;
                    case AQF -> aqf;
                    default -> r;
                };
            }

            @Override
            public void start(Vector xv) {
                x = HostVector.of(xv);
                stored = 0;
                newest = -1;
            }

            @Override
            public void network(double rNorm) {
                map.scatter(r, 1.0 / rNorm, grid);
                float[] y = network.forward(map.shape(), grid);
                map.gather(y, q);
            }

            @Override
            public void fallback() {
                if (pc == null) {
                    System.arraycopy(r, 0, qf, 0, n);
                } else {
                    pc.applyDot(backend.wrap(r), backend.wrap(qf));
                }
            }

            @Override
            public double dot(int u, int v) {
                return Dcdm.dot(vec(u), vec(v));
            }

            @Override
            public void orthogonalise(int u) {
                double[] v = vec(u);
                int k = settings.directions();
                for (int s = 0; s < stored; s++) {
                    int j = ((newest - s) % k + k) % k;
                    double c = Dcdm.dot(v, aDirs[j]) / dAd[j];
                    double[] p = dirs[j];
                    for (int i = 0; i < n; i++) {
                        v[i] -= c * p[i];
                    }
                }
            }

            @Override
            public double applyDot(int u) {
                return backend.applyDot(a, backend.wrap(vec(u)), backend.wrap(vec(u + 1)));
            }

            @Override
            public void subtractNetworkPart(double c) {
                for (int i = 0; i < n; i++) {
                    qf[i] -= c * q[i];
                    aqf[i] -= c * aq[i];
                }
            }

            @Override
            public double step(int dv, double dAd0) {
                double[] d = vec(dv);
                double[] ad = vec(dv + 1);
                double alpha = Dcdm.dot(d, r) / dAd0;
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

            @Override
            public void close() {
            }
        }

        /**
         * Device vectors on a {@link CudaBackend}: the same arithmetic through the Backend SPI, the
         * network through {@link DeviceDcdmNetwork}; only the dot products come back. A stored
         * direction is not copied: the work vector that became the newest direction swaps places
         * with the slot it fills.
         */
        private final class DeviceWork implements Work {
            private final DeviceDcdmNetwork net;
            private final ConvKernels kernels;
            private final DeviceIndices voxels;
            /** The network's input grid: zero off the unknowns' voxels, which scatter never writes. */
            private final DeviceFloats grid;
            private final Vector[] v = new Vector[4];
            private final Vector[] dirs;
            private final Vector[] aDirs;
            private final double[] dAd;
            private Vector x;
            private int stored;
            private int newest;

            DeviceWork(CudaBackend cuda) {
                int k = settings.directions();
                dirs = new Vector[k];
                aDirs = new Vector[k];
                dAd = new double[k];
                DeviceDcdmNetwork dn = null;
                DeviceIndices vx = null;
                DeviceFloats g = null;
                try {
                    dn = new DeviceDcdmNetwork(network, cuda);
                    kernels = dn.kernels();
                    vx = kernels.upload(map.voxelOfUnknown());
                    g = kernels.allocateFloats(map.shape().voxels());
                    for (int i = 0; i < 4; i++) {
                        v[i] = backend.allocate(n);
                    }
                    for (int j = 0; j < k; j++) {
                        dirs[j] = backend.allocate(n);
                        aDirs[j] = backend.allocate(n);
                    }
                } catch (RuntimeException e) {
                    closeAll(dn, vx, g);
                    throw e;
                }
                net = dn;
                voxels = vx;
                grid = g;
            }

            private Vector vec(int i) {
                return i == R ? Bound.this.r : v[i];
            }

            @Override
            public void start(Vector xv) {
                x = xv;
                stored = 0;
                newest = -1;
            }

            @Override
            public void network(double rNorm) {
                kernels.scatter(Bound.this.r, 1.0 / rNorm, voxels, grid);
                kernels.gather(net.forward(map.shape(), grid), voxels, v[Q]);
            }

            @Override
            public void fallback() {
                if (pc == null) {
                    backend.copy(Bound.this.r, v[QF]);
                } else {
                    pc.applyDot(Bound.this.r, v[QF]);
                }
            }

            @Override
            public double dot(int a, int b) {
                return backend.dot(vec(a), vec(b));
            }

            @Override
            public void orthogonalise(int u) {
                int k = settings.directions();
                for (int s = 0; s < stored; s++) {
                    int j = ((newest - s) % k + k) % k;
                    double c = backend.dot(v[u], aDirs[j]) / dAd[j];
                    backend.axpy(-c, dirs[j], v[u]);
                }
            }

            @Override
            public double applyDot(int u) {
                return backend.applyDot(a, v[u], v[u + 1]);
            }

            @Override
            public void subtractNetworkPart(double c) {
                backend.axpy(-c, v[Q], v[QF]);
                backend.axpy(-c, v[AQ], v[AQF]);
            }

            @Override
            public double step(int d, double dAd0) {
                double alpha = backend.dot(v[d], Bound.this.r) / dAd0;
                double rr = backend.cgUpdate(alpha, v[d], v[d + 1], x, Bound.this.r);
                int k = settings.directions();
                newest = (newest + 1) % k;
                Vector t = dirs[newest];
                dirs[newest] = v[d];
                v[d] = t;
                t = aDirs[newest];
                aDirs[newest] = v[d + 1];
                v[d + 1] = t;
                dAd[newest] = dAd0;
                stored = Math.min(stored + 1, k);
                return rr;
            }

            private void closeAll(DeviceDcdmNetwork dn, DeviceIndices vx, DeviceFloats g) {
                for (Vector[] group : new Vector[][] {v, dirs, aDirs}) {
                    for (Vector e : group) {
                        if (e != null) {
                            e.close();
                        }
                    }
                }
                if (g != null) {
                    g.close();
                }
                if (vx != null) {
                    vx.close();
                }
                if (dn != null) {
                    dn.close();
                }
            }

            @Override
            public void close() {
                closeAll(net, voxels, grid);
            }
        }

        @Override
        protected void release() {
            work.close();
            if (pc != null) {
                pc.close();
            }
            super.release();
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
        if (!backend.isHost() && !(backend instanceof CudaBackend)) {
            throw new IllegalArgumentException("dcdm runs on host backends and on the CUDA backend (where the network"
                    + " has kernels), got " + backend.name());
        }
        return operator;
    }
}
