package dev.solvent.multigrid;

/**
 * Immutable configuration of smoothed-aggregation algebraic multigrid ({@link AmgPreconditioner},
 * {@link MultigridSolver}). Start from {@link #defaults()} and change what you need with the
 * {@code with...} methods; every value is checked when it is set.
 *
 * <p>The defaults were tuned on the 3D 7-point Poisson matrix and the smoke-box pressure matrix
 * ({@code Generators.fluid3d}) at 64^3 and 128^3, as a CG preconditioner to rtol 1e-8.
 *
 * @param strengthThreshold  theta: {@code j} is a strong neighbour of {@code i} when
 *                           {@code |a_ij| >= theta sqrt(|a_ii a_jj|)} (symmetric strength of
 *                           connection), in [0, 1); 0 keeps every stored nonzero
 * @param smoother           the relaxation on each level
 * @param chebyshevDegree    degree of the Chebyshev polynomial (operator applications per
 *                           smoothing; 1 is a damped Jacobi step), 1 to 8
 * @param sweeps             smoother applications before and after the coarse correction (each a
 *                           full Chebyshev polynomial or one l1-Jacobi sweep), at least 1
 * @param cycle              V (default), W, or F (F only for the stationary solver: it is not
 *                           symmetric, so it cannot precondition CG)
 * @param coarseSize         a level with at most this many rows is the coarsest and is solved
 *                           exactly by a dense Cholesky factorisation (at most 5000)
 * @param maxLevels          most levels in the hierarchy, the finest included (at least 1)
 * @param prolongatorDamping the prolongator is {@code P = (I - omega D^-1 A) T} with
 *                           {@code omega = prolongatorDamping / rho(D^-1 A)}; 4/3 is the classical
 *                           choice, in (0, 2)
 * @param chebyshevLower     the Chebyshev polynomial targets eigenvalues of {@code D^-1 A} in
 *                           {@code [chebyshevLower rho, chebyshevUpper rho]}; in (0, 1)
 * @param chebyshevUpper     safety factor above the estimated spectral radius, at least 1
 * @param blockSize          unknowns per node on the finest level (3 for 3D elasticity with the
 *                           unknowns of a node consecutive): strength and aggregation then work
 *                           on nodes, so an aggregate never splits a node; 1 by default
 * @param nearNullSpace      the near-null-space vectors the tentative prolongator reproduces
 *                           exactly ({@code nearNullSpace[c]} is vector c over all unknowns), for
 *                           example the rigid-body modes of an elasticity problem; null for the
 *                           constant vector
 * @param aggregates         the finest level's aggregates given by the caller (aggregate number
 *                           per unknown, {@code -1} for an unknown left out), or null to compute
 *                           them; coarser levels are always aggregated by the library
 * @param setupThreads       threads of the setup, 0 for the backend's thread count (all
 *                           processors for a device backend). The hierarchy does not depend on it.
 */
public record AmgOptions(double strengthThreshold, Smoother smoother, int chebyshevDegree, int sweeps, Cycle cycle,
                         int coarseSize, int maxLevels, double prolongatorDamping, double chebyshevLower,
                         double chebyshevUpper, int blockSize, double[][] nearNullSpace, int[] aggregates,
                         int setupThreads) {

    /** Largest coarsest level the dense factorisation accepts. */
    public static final int MAX_COARSE_SIZE = 5000;

    /** The relaxation on each level. */
    public enum Smoother {
        /**
         * A Chebyshev polynomial in {@code D^-1 A} on the upper part of its spectrum: parallel,
         * and the same polynomial before and after the coarse correction keeps the cycle symmetric.
         */
        CHEBYSHEV("chebyshev"),
        /**
         * l1-Jacobi, {@code x += D_l1^-1 (b - A x)} with {@code (D_l1)_ii = sum_j |a_ij|}:
         * convergent for any SPD matrix without a damping factor or an eigenvalue estimate.
         */
        L1_JACOBI("l1-jacobi");

        private final String label;

        Smoother(String label) {
            this.label = label;
        }

        /** The name the command line uses. */
        public String label() {
            return label;
        }

        /** The smoother called {@code name} ({@code chebyshev}, {@code l1-jacobi}; case and {@code _} ignored). */
        public static Smoother byName(String name) {
            String n = name.trim().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
            for (Smoother s : values()) {
                if (s.label.equals(n)) {
                    return s;
                }
            }
            throw new IllegalArgumentException("unknown smoother '" + name + "'; choose chebyshev or l1-jacobi");
        }
    }

    /** The order in which the levels are visited. */
    public enum Cycle {
        /** One coarse correction per level. */
        V,
        /** Two coarse corrections per level: more work on the coarse levels, fewer iterations. */
        W,
        /** An F-cycle on the coarse level followed by a V-cycle: not symmetric. */
        F;

        /** The cycle called {@code name} ({@code V}, {@code W} or {@code F}, either case). */
        public static Cycle byName(String name) {
            try {
                return valueOf(name.trim().toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown cycle '" + name + "'; choose V, W or F");
            }
        }
    }

    public AmgOptions {
        if (!(strengthThreshold >= 0.0 && strengthThreshold < 1.0)) {
            throw new IllegalArgumentException("amg: the strength threshold must lie in [0, 1), got " + strengthThreshold);
        }
        java.util.Objects.requireNonNull(smoother, "smoother");
        java.util.Objects.requireNonNull(cycle, "cycle");
        if (chebyshevDegree < 1 || chebyshevDegree > 8) {
            throw new IllegalArgumentException("amg: the Chebyshev degree must lie in [1, 8], got " + chebyshevDegree);
        }
        if (sweeps < 1) {
            throw new IllegalArgumentException("amg: sweeps must be at least 1, got " + sweeps);
        }
        if (coarseSize < 1 || coarseSize > MAX_COARSE_SIZE) {
            throw new IllegalArgumentException("amg: the coarse size must lie in [1, " + MAX_COARSE_SIZE + "], got " + coarseSize);
        }
        if (maxLevels < 1) {
            throw new IllegalArgumentException("amg: max levels must be at least 1, got " + maxLevels);
        }
        if (!(prolongatorDamping > 0.0 && prolongatorDamping < 2.0)) {
            throw new IllegalArgumentException("amg: the prolongator damping must lie in (0, 2), got " + prolongatorDamping);
        }
        if (!(chebyshevLower > 0.0 && chebyshevLower < 1.0)) {
            throw new IllegalArgumentException("amg: the Chebyshev lower bound fraction must lie in (0, 1), got " + chebyshevLower);
        }
        if (!(chebyshevUpper >= 1.0 && chebyshevUpper < 10.0)) {
            throw new IllegalArgumentException("amg: the Chebyshev upper safety factor must lie in [1, 10), got " + chebyshevUpper);
        }
        if (blockSize < 1) {
            throw new IllegalArgumentException("amg: the block size must be at least 1, got " + blockSize);
        }
        if (setupThreads < 0) {
            throw new IllegalArgumentException("amg: setup threads must be 0 (the backend's) or positive, got " + setupThreads);
        }
        if (nearNullSpace != null) {
            if (nearNullSpace.length == 0) {
                throw new IllegalArgumentException("amg: the near null space needs at least one vector (or null for the constant)");
            }
            int n = -1;
            for (int c = 0; c < nearNullSpace.length; c++) {
                double[] v = nearNullSpace[c];
                if (v == null) {
                    throw new IllegalArgumentException("amg: near-null-space vector " + c + " is null");
                }
                if (n >= 0 && v.length != n) {
                    throw new IllegalArgumentException("amg: near-null-space vectors differ in length (" + n + " and "
                            + v.length + " at vector " + c + ")");
                }
                n = v.length;
                boolean zero = true;
                for (int i = 0; i < v.length; i++) {
                    if (!Double.isFinite(v[i])) {
                        throw new IllegalArgumentException("amg: near-null-space vector " + c + " has " + v[i]
                                + " at entry " + i);
                    }
                    zero &= v[i] == 0.0;
                }
                if (zero) {
                    throw new IllegalArgumentException("amg: near-null-space vector " + c + " is zero");
                }
            }
        }
    }

    /**
     * theta 0.02, Chebyshev of degree 2, one sweep, V-cycle, coarsest level at most 500 rows, at
     * most 25 levels, prolongator damping 4/3, Chebyshev interval [0.3 rho, 1.1 rho], block size
     * 1, the constant near null space, computed aggregates, the backend's threads.
     */
    public static AmgOptions defaults() {
        return new AmgOptions(0.02, Smoother.CHEBYSHEV, 2, 1, Cycle.V, 500, 25, 4.0 / 3.0, 0.3, 1.1, 1, null, null, 0);
    }

    public AmgOptions withStrengthThreshold(double value) {
        return new AmgOptions(value, smoother, chebyshevDegree, sweeps, cycle, coarseSize, maxLevels, prolongatorDamping,
                chebyshevLower, chebyshevUpper, blockSize, nearNullSpace, aggregates, setupThreads);
    }

    public AmgOptions withSmoother(Smoother value) {
        return new AmgOptions(strengthThreshold, value, chebyshevDegree, sweeps, cycle, coarseSize, maxLevels,
                prolongatorDamping, chebyshevLower, chebyshevUpper, blockSize, nearNullSpace, aggregates, setupThreads);
    }

    public AmgOptions withChebyshevDegree(int value) {
        return new AmgOptions(strengthThreshold, smoother, value, sweeps, cycle, coarseSize, maxLevels, prolongatorDamping,
                chebyshevLower, chebyshevUpper, blockSize, nearNullSpace, aggregates, setupThreads);
    }

    public AmgOptions withSweeps(int value) {
        return new AmgOptions(strengthThreshold, smoother, chebyshevDegree, value, cycle, coarseSize, maxLevels,
                prolongatorDamping, chebyshevLower, chebyshevUpper, blockSize, nearNullSpace, aggregates, setupThreads);
    }

    public AmgOptions withCycle(Cycle value) {
        return new AmgOptions(strengthThreshold, smoother, chebyshevDegree, sweeps, value, coarseSize, maxLevels,
                prolongatorDamping, chebyshevLower, chebyshevUpper, blockSize, nearNullSpace, aggregates, setupThreads);
    }

    public AmgOptions withCoarseSize(int value) {
        return new AmgOptions(strengthThreshold, smoother, chebyshevDegree, sweeps, cycle, value, maxLevels,
                prolongatorDamping, chebyshevLower, chebyshevUpper, blockSize, nearNullSpace, aggregates, setupThreads);
    }

    public AmgOptions withMaxLevels(int value) {
        return new AmgOptions(strengthThreshold, smoother, chebyshevDegree, sweeps, cycle, coarseSize, value,
                prolongatorDamping, chebyshevLower, chebyshevUpper, blockSize, nearNullSpace, aggregates, setupThreads);
    }

    public AmgOptions withProlongatorDamping(double value) {
        return new AmgOptions(strengthThreshold, smoother, chebyshevDegree, sweeps, cycle, coarseSize, maxLevels, value,
                chebyshevLower, chebyshevUpper, blockSize, nearNullSpace, aggregates, setupThreads);
    }

    /** The Chebyshev interval {@code [lower rho, upper rho]}. */
    public AmgOptions withChebyshevInterval(double lower, double upper) {
        return new AmgOptions(strengthThreshold, smoother, chebyshevDegree, sweeps, cycle, coarseSize, maxLevels,
                prolongatorDamping, lower, upper, blockSize, nearNullSpace, aggregates, setupThreads);
    }

    public AmgOptions withBlockSize(int value) {
        return new AmgOptions(strengthThreshold, smoother, chebyshevDegree, sweeps, cycle, coarseSize, maxLevels,
                prolongatorDamping, chebyshevLower, chebyshevUpper, value, nearNullSpace, aggregates, setupThreads);
    }

    /** Near-null-space vectors ({@code vectors[c]} over all unknowns); null for the constant. Not copied. */
    public AmgOptions withNearNullSpace(double[][] vectors) {
        return new AmgOptions(strengthThreshold, smoother, chebyshevDegree, sweeps, cycle, coarseSize, maxLevels,
                prolongatorDamping, chebyshevLower, chebyshevUpper, blockSize, vectors, aggregates, setupThreads);
    }

    /** The finest level's aggregates (number per unknown, -1 for none); null to compute them. Not copied. */
    public AmgOptions withAggregates(int[] value) {
        return new AmgOptions(strengthThreshold, smoother, chebyshevDegree, sweeps, cycle, coarseSize, maxLevels,
                prolongatorDamping, chebyshevLower, chebyshevUpper, blockSize, nearNullSpace, value, setupThreads);
    }

    public AmgOptions withSetupThreads(int value) {
        return new AmgOptions(strengthThreshold, smoother, chebyshevDegree, sweeps, cycle, coarseSize, maxLevels,
                prolongatorDamping, chebyshevLower, chebyshevUpper, blockSize, nearNullSpace, aggregates, value);
    }

    /** Near-null-space vectors per node: 1 for the constant. */
    public int nullSpaceDimension() {
        return nearNullSpace == null ? 1 : nearNullSpace.length;
    }

    /** A short description for reports, such as {@code V(chebyshev 2) theta 0.02}. */
    public String describe() {
        String relax = smoother == Smoother.CHEBYSHEV ? "chebyshev " + chebyshevDegree : "l1-jacobi";
        return cycle + "(" + relax + (sweeps > 1 ? " x" + sweeps : "") + ") theta " + strengthThreshold;
    }
}
