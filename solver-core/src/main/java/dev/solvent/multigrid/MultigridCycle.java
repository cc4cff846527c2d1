package dev.solvent.multigrid;

import dev.solvent.backend.Backend;
import dev.solvent.backend.BoundOperator;
import dev.solvent.backend.Vector;

/**
 * The multigrid cycle, written once against the {@link Backend}: a {@link Hierarchy}'s operators
 * bound to the backend (the finest level's operator is the solver's own bound operator, so a
 * matrix-free stencil stays matrix-free), with every vector, inverse diagonal and smoother
 * coefficient made at bind time. A cycle allocates nothing.
 *
 * <p><b>The V-cycle</b> on level l, for {@code A_l x = b_l}:
 * <pre>
 *   x = S(b, x)                    pre-smoothing (from x = 0 when the guess is zero)
 *   b_{l+1} = R_l (b - A_l x)      residual and restriction
 *   x_{l+1} = cycle(l+1, b_{l+1}) from zero (twice for a W-cycle: the second from its result)
 *   x += P_l x_{l+1}               prolongation (applyAdd)
 *   x = S(b, x)                    post-smoothing, the same smoother
 * </pre>
 * and on the coarsest level the dense solve. The smoother is a polynomial in {@code D^-1 A}, and
 * such a polynomial is self-adjoint in the A inner product, so applying the same one before and
 * after makes the V- and W-cycles symmetric positive definite operators: valid CG preconditioners.
 * The F-cycle (an F-cycle then a V-cycle on the coarse level) is not symmetric.
 *
 * <p><b>Smoothers</b>, each step one fused {@link Backend#smootherStep}
 * ({@code d = c1 d + c2 Dinv (b - A x); x += d}) alternating between two vectors:
 * <ul>
 *   <li>Chebyshev of degree m on {@code [lo, hi] = [lower rho, upper rho]}, with
 *       {@code theta = (hi + lo)/2}, {@code delta = (hi - lo)/2}, {@code sigma = theta/delta}:
 *       step 0 has {@code c1 = 0, c2 = 1/theta}, {@code rho_0 = 1/sigma}; step k has
 *       {@code rho_k = 1/(2 sigma - rho_{k-1})}, {@code c1 = rho_k rho_{k-1}},
 *       {@code c2 = 2 rho_k / delta} (the three-term Chebyshev recurrence, Saad, Iterative
 *       Methods, algorithm 12.1, on the Jacobi-preconditioned system);</li>
 *   <li>l1-Jacobi: {@code c1 = 0, c2 = 1} with {@code Dinv = 1 / sum_j |a_ij|}.</li>
 * </ul>
 * An even number of steps in all returns the iterate to the vector it started in.
 *
 * <p><b>Coarsest level</b>: the right-hand side is downloaded, solved on the host by the dense
 * factor, and the answer uploaded (a few hundred numbers; on host backends array copies). A
 * coarsest level too large to factor is smoothed instead.
 *
 * <p><b>Null space</b>: for a singular system the caller's right-hand side is projected onto the
 * complement of the null space, and so is the result: {@code z = Q M Q r} with
 * {@code Q = I - U U^T}.
 */
final class MultigridCycle implements AutoCloseable {

    private final Backend backend;
    private final Hierarchy hierarchy;
    private final AmgOptions options;
    private final LevelState[] levels;
    private final double[] coarseB;
    private final double[] coarseX;
    private Vector[] nullBasis;
    private Vector projected;

    /** What one level holds on the backend. */
    private static final class LevelState {
        BoundOperator a;
        BoundOperator p;
        BoundOperator r;
        boolean ownsA;
        Vector dinv;
        /** The level's right-hand side (level 0: the caller's, set per call). */
        Vector b;
        /** The level's iterate (level 0: the caller's, set per call). */
        Vector x;
        Vector alternate;
        Vector d;
        Vector residual;
        double[] c1;
        double[] c2;
    }

    MultigridCycle(Hierarchy hierarchy, BoundOperator fine, Backend backend) {
        this.backend = backend;
        this.hierarchy = hierarchy;
        this.options = hierarchy.options;
        int count = hierarchy.size();
        this.levels = new LevelState[count];
        for (int l = 0; l < count; l++) {
            Hierarchy.Level h = hierarchy.level(l);
            LevelState s = new LevelState();
            int n = h.a.rows();
            if (l > 0) {
                s.b = backend.allocate(n);
                s.x = backend.allocate(n);
            }
            boolean smoothed = l < count - 1 || hierarchy.coarse == null;
            if (smoothed) {
                s.alternate = backend.allocate(n);
                s.d = backend.allocate(n);
            }
            if (l < count - 1) {
                s.residual = backend.allocate(n);
            }
            levels[l] = s;
        }
        int nc = hierarchy.coarsest().rows;
        coarseB = new double[nc];
        coarseX = new double[nc];
        bind(fine);
    }

    /**
     * Binds (again, after a re-setup) the hierarchy's operators and uploads its diagonals and
     * smoother coefficients; vectors are kept.
     */
    void bind(BoundOperator fine) {
        releaseOperators();
        int count = levels.length;
        for (int l = 0; l < count; l++) {
            Hierarchy.Level h = hierarchy.level(l);
            LevelState s = levels[l];
            s.ownsA = l > 0;
            s.a = l == 0 ? fine : backend.bind(h.a);
            if (l < count - 1) {
                s.p = backend.bind(h.p);
                s.r = backend.bind(h.restriction());
            }
            if (s.d != null) {
                double[] dinv = inverseDiagonal(h);
                if (s.dinv == null) {
                    s.dinv = backend.upload(dinv);
                } else {
                    backend.upload(dinv, s.dinv);
                }
                coefficients(h, s);
            }
        }
        for (Vector v : nullBasisOrEmpty()) {
            v.close();
        }
        double[][] basis = hierarchy.fineNullBasis;
        nullBasis = new Vector[basis.length];
        for (int c = 0; c < basis.length; c++) {
            nullBasis[c] = backend.upload(basis[c]);
        }
        if (basis.length > 0 && projected == null) {
            projected = backend.allocate(hierarchy.level(0).rows);
        }
    }

    private Vector[] nullBasisOrEmpty() {
        return nullBasis == null ? new Vector[0] : nullBasis;
    }

    private double[] inverseDiagonal(Hierarchy.Level h) {
        int n = h.a.rows();
        double[] out = new double[n];
        if (options.smoother() == AmgOptions.Smoother.L1_JACOBI) {
            int[] rp = h.a.rowPtr();
            double[] v = h.a.values();
            for (int i = 0; i < n; i++) {
                double sum = 0.0;
                for (int k = rp[i]; k < rp[i + 1]; k++) {
                    sum += Math.abs(v[k]);
                }
                out[i] = 1.0 / sum;
            }
        } else {
            for (int i = 0; i < n; i++) {
                out[i] = 1.0 / h.diagonal[i];
            }
        }
        return out;
    }

    private void coefficients(Hierarchy.Level h, LevelState s) {
        if (options.smoother() == AmgOptions.Smoother.L1_JACOBI) {
            s.c1 = new double[] {0.0};
            s.c2 = new double[] {1.0};
            return;
        }
        int m = options.chebyshevDegree();
        double hi = options.chebyshevUpper() * h.rho;
        double lo = options.chebyshevLower() * h.rho;
        double theta = 0.5 * (hi + lo);
        double delta = 0.5 * (hi - lo);
        double sigma = theta / delta;
        s.c1 = new double[m];
        s.c2 = new double[m];
        s.c1[0] = 0.0;
        s.c2[0] = 1.0 / theta;
        double rhoOld = 1.0 / sigma;
        for (int k = 1; k < m; k++) {
            double rhoNew = 1.0 / (2.0 * sigma - rhoOld);
            s.c1[k] = rhoNew * rhoOld;
            s.c2[k] = 2.0 * rhoNew / delta;
            rhoOld = rhoNew;
        }
    }

    /**
     * {@code z = M r}: one cycle from a zero guess (preconditioner form). r and z must differ;
     * r is not changed.
     */
    void precondition(Vector r, Vector z) {
        Vector b = r;
        if (nullBasis.length > 0) {
            backend.copy(r, projected);
            project(projected);
            b = projected;
        }
        LevelState fine = levels[0];
        fine.b = b;
        fine.x = z;
        try {
            cycle(0, true, options.cycle());
        } finally {
            fine.b = null;
            fine.x = null;
        }
        if (nullBasis.length > 0) {
            project(z);
        }
    }

    /**
     * {@code x = x + M (b - A x)}: one cycle from the guess x (solver form), projected off the
     * null space where there is one. b and x must differ.
     */
    void iterate(Vector b, Vector x) {
        Vector rhs = b;
        if (nullBasis.length > 0) {
            backend.copy(b, projected);
            project(projected);
            rhs = projected;
        }
        LevelState fine = levels[0];
        fine.b = rhs;
        fine.x = x;
        try {
            cycle(0, false, options.cycle());
        } finally {
            fine.b = null;
            fine.x = null;
        }
        if (nullBasis.length > 0) {
            project(x);
        }
    }

    /** {@code ||U^T v||}: the norm of v's component along the recognised null space (0 without one). */
    double nullSpaceComponent(Vector v) {
        double s = 0.0;
        for (Vector u : nullBasis) {
            double d = backend.dot(u, v);
            s += d * d;
        }
        return Math.sqrt(s);
    }

    /** {@code v -= U (U^T v)}, the basis orthonormal. */
    private void project(Vector v) {
        for (Vector u : nullBasis) {
            backend.axpy(-backend.dot(u, v), u, v);
        }
    }

    private void cycle(int l, boolean zeroGuess, AmgOptions.Cycle type) {
        LevelState s = levels[l];
        if (l == levels.length - 1) {
            if (hierarchy.coarse != null) {
                backend.download(s.b, coarseB);
                hierarchy.coarse.solve(coarseB, coarseX);
                backend.upload(coarseX, s.x);
            } else {
                Vector cur = smooth(s, s.x, zeroGuess);
                smooth(s, cur, false);
            }
            return;
        }
        Vector cur = smooth(s, s.x, zeroGuess);
        LevelState next = levels[l + 1];
        backend.residual(s.a, s.b, cur, s.residual);
        backend.apply(s.r, s.residual, next.b);
        cycle(l + 1, true, type);
        if (l + 1 < levels.length - 1) {
            if (type == AmgOptions.Cycle.W) {
                cycle(l + 1, false, type);
            } else if (type == AmgOptions.Cycle.F) {
                cycle(l + 1, false, AmgOptions.Cycle.V);
            }
        }
        backend.applyAdd(s.p, 1.0, next.x, cur);
        smooth(s, cur, false);
    }

    /**
     * {@code sweeps} applications of the smoother to the iterate held in {@code cur} (the level's
     * x or its alternate; ignored when {@code zeroGuess}, which starts from x = 0 in x's place);
     * returns the vector that holds the result.
     */
    private Vector smooth(LevelState s, Vector cur, boolean zeroGuess) {
        Vector from = zeroGuess ? null : cur;
        Vector home = zeroGuess ? s.x : cur;
        Vector other = home == s.x ? s.alternate : s.x;
        for (int sweep = 0; sweep < options.sweeps(); sweep++) {
            for (int k = 0; k < s.c1.length; k++) {
                backend.smootherStep(s.a, s.b, from, s.dinv, s.c1[k], s.c2[k], s.d, other);
                Vector t = home;
                home = other;
                other = t;
                from = home;
            }
        }
        return home;
    }

    private void releaseOperators() {
        for (LevelState s : levels) {
            if (s == null) {
                continue;
            }
            if (s.ownsA && s.a != null) {
                s.a.close();
            }
            if (s.p != null) {
                s.p.close();
            }
            if (s.r != null) {
                s.r.close();
            }
            s.a = null;
            s.p = null;
            s.r = null;
        }
    }

    @Override
    public void close() {
        releaseOperators();
        for (LevelState s : levels) {
            for (Vector v : new Vector[] {s.dinv, s.alternate, s.d, s.residual}) {
                if (v != null) {
                    v.close();
                }
            }
            if (s != levels[0]) {
                s.b.close();
                s.x.close();
            }
        }
        for (Vector v : nullBasisOrEmpty()) {
            v.close();
        }
        if (projected != null) {
            projected.close();
        }
    }
}
