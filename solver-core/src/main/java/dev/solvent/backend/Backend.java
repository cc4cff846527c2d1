package dev.solvent.backend;

import dev.solvent.matrix.CsrMatrix;
import dev.solvent.matrix.LinearOperator;
import dev.solvent.order.Ordering;

/**
 * The kernels a solver needs, supplied once per execution target (Ginkgo's Executor, PETSc's
 * Vec/Mat types). Each algorithm is written once against this interface; the reference backend,
 * the parallel CPU backend and the CUDA backend supply the kernels.
 *
 * <p>Kernels are fused steps rather than chains of BLAS-1 calls: each returns the one reduction
 * the solver needs next, so an iteration makes as few passes over memory (and, on a GPU, as few
 * host synchronisations) as the algorithm allows.
 *
 * <p><b>Threads.</b> A backend may be shared by any number of threads and bound solvers: each
 * kernel call is complete in itself, and calls from several threads give the same results as the
 * same calls made one after the other. The {@code cpu} and {@code cuda} backends serialise their
 * kernels with a lock (they share a worker pool, preallocated task objects, a device context);
 * the {@code reference} backend keeps no state between calls and runs them side by side. What
 * must not be shared is a vector being written: two calls that run at once must not write the
 * same vector, nor one read what the other writes. A bound solver owns its work vectors and is
 * for one thread at a time ({@link dev.solvent.solve.BoundSolver}); bound solvers on one backend
 * may run at once on different threads.
 *
 * <p><b>Aliasing.</b> A kernel that writes one vector while reading another refuses to be given
 * the same vector for both ({@link IllegalArgumentException}) wherever that would change the
 * result: the input and output of the operator kernels, r and b or x of {@link #residual}, b and
 * x of {@link #sorSweep}, r and z of the preconditioner kernels, the four vectors of
 * {@link #cgUpdate}.
 *
 * <p><b>Closing.</b> {@link #close} releases threads and device memory. Setting up or running a
 * bound solver on a closed backend throws {@link IllegalStateException} at once; so do the
 * kernels of the {@code cpu} and {@code cuda} backends (the reference backend holds nothing to
 * release and its kernels keep working). Vectors and bound operators must be used with the
 * backend that made them.
 */
public interface Backend extends AutoCloseable {

    /** Short name: {@code reference}, {@code cpu}, {@code cuda}. */
    String name();

    /** Worker threads the kernels use (1 for the reference backend). */
    int threads();

    /** Whether vectors live in Java heap memory, so that {@link #wrap} can alias a caller's array. */
    boolean isHost();

    /** A new zero vector of length {@code n}. */
    Vector allocate(int n);

    /**
     * A vector over the caller's array without copying (host backends only); writes through the
     * vector change the array.
     *
     * @throws UnsupportedOperationException on a device backend
     */
    Vector wrap(double[] values);

    /** A new vector holding a copy of {@code values}. */
    Vector upload(double[] values);

    /** Copies {@code v} into {@code dst} (same length). */
    void download(Vector v, double[] dst);

    /** Prepares an operator for this backend's kernels. */
    BoundOperator bind(LinearOperator op);

    // ---- BLAS-1 ------------------------------------------------------------------------------

    /** {@code x[i] = value}. */
    void fill(Vector x, double value);

    /** {@code dst = src}. */
    void copy(Vector src, Vector dst);

    /** Returns {@code x . y}. */
    double dot(Vector x, Vector y);

    /** {@code y = y + alpha x}. */
    void axpy(double alpha, Vector x, Vector y);

    /** {@code x = alpha x}. */
    void scale(double alpha, Vector x);

    // ---- operator kernels --------------------------------------------------------------------

    /** {@code y = A x}. */
    void apply(BoundOperator a, Vector x, Vector y);

    /** {@code q = A p}; returns {@code p . q} (the CG curvature, fused into the SpMV pass). */
    double applyDot(BoundOperator a, Vector p, Vector q);

    /** {@code r = b - A x}; returns {@code r . r}. */
    double residual(BoundOperator a, Vector b, Vector x, Vector r);

    // ---- fused CG steps ----------------------------------------------------------------------

    /** cg.step1: {@code p = z + beta p}. */
    void cgDirection(Vector z, double beta, Vector p);

    /** cg.step2: {@code x = x + alpha p; r = r - alpha q}; returns {@code r . r}. */
    double cgUpdate(double alpha, Vector p, Vector q, Vector x, Vector r);

    /** Jacobi: {@code z = d .* r} with {@code d} the inverse diagonal; returns {@code r . z}. */
    double diagonalScaleDot(Vector d, Vector r, Vector z);

    // ---- relaxation and triangular kernels (need an assembled matrix) ------------------------

    /**
     * One SOR sweep in place in the NATURAL ordering: for each row i in the given order,
     * {@code x_i = (1 - omega) x_i + omega (b_i - sum_{j != i} a_ij x_j) / a_ii}.
     * With omega = 1 this is Gauss-Seidel; {@link SweepDirection#SYMMETRIC} is one SSOR step.
     * A backend may run rows that do not depend on each other in parallel (level scheduling), as
     * long as the result is the row-by-row recurrence's up to rounding.
     *
     * @throws UnsupportedOperationException if the operator is not an assembled matrix
     */
    void sorSweep(BoundOperator a, Vector b, Vector x, double omega, SweepDirection direction);

    /**
     * One SOR sweep in the given ordering: {@link Ordering#NATURAL} is
     * {@link #sorSweep(BoundOperator, Vector, Vector, double, SweepDirection)};
     * {@link Ordering#MULTICOLOUR} visits the colours of
     * {@link dev.solvent.order.MulticolorOrdering#greedy} in order (reversed backward), the rows of a
     * colour in any order: the reference is {@link dev.solvent.order.MulticolorOrdering#sorSweep}.
     *
     * @throws UnsupportedOperationException if the backend lacks that ordering, or the operator is
     *                                       not an assembled matrix
     */
    default void sorSweep(BoundOperator a, Vector b, Vector x, double omega, SweepDirection direction, Ordering ordering) {
        if (ordering == Ordering.NATURAL) {
            sorSweep(a, b, x, omega, direction);
            return;
        }
        throw new UnsupportedOperationException(name() + " backend has no " + ordering.label() + " relaxation");
    }

    /**
     * The SSOR preconditioner in the NATURAL ordering:
     * {@code z = omega (2 - omega) (D + omega U)^-1 D (D + omega L)^-1 r}, one pass over each
     * triangle; returns {@code r . z}.
     */
    double ssorApplyDot(BoundOperator a, Vector r, Vector z, double omega);

    /**
     * The SSOR preconditioner in the given ordering ({@link Ordering#MULTICOLOUR}: L and U hold the
     * couplings to earlier and later colours; reference
     * {@link dev.solvent.order.MulticolorOrdering#ssorApplyDot}); returns {@code r . z}.
     *
     * @throws UnsupportedOperationException if the backend lacks that ordering
     */
    default double ssorApplyDot(BoundOperator a, Vector r, Vector z, double omega, Ordering ordering) {
        if (ordering == Ordering.NATURAL) {
            return ssorApplyDot(a, r, z, omega);
        }
        throw new UnsupportedOperationException(name() + " backend has no " + ordering.label() + " relaxation");
    }

    /**
     * Prepares {@code a} for the relaxation kernels in {@code ordering} now (a level schedule or a
     * colouring, a copy of the matrix in schedule order, a device upload), so that setup rather than
     * the first sweep pays for it; kernels that find nothing prepared prepare on first use. Returns
     * what was prepared, for setup reports ({@code ordering} and, where it applies, {@code levels}
     * or {@code colours}, and how rows are run).
     *
     * @throws IllegalArgumentException if the operator is not an assembled square matrix with a
     *                                  nonzero diagonal
     * @throws UnsupportedOperationException if the backend lacks that ordering
     */
    default java.util.Map<String, Object> prepareRelaxation(BoundOperator a, Ordering ordering) {
        if (ordering != Ordering.NATURAL) {
            throw new UnsupportedOperationException(name() + " backend has no " + ordering.label() + " relaxation");
        }
        return java.util.Map.of("ordering", ordering.label());
    }

    /**
     * Solves {@code L L^T z = r} with {@code L} lower triangular, its diagonal the last entry of
     * each row (the IC(0) factor), bound by {@link #bindTriangularFactor} (or by {@link #bind});
     * returns {@code r . z}. The result is the sequential forward and backward substitution's up
     * to rounding.
     */
    double choleskySolveDot(BoundOperator lower, Vector r, Vector z);

    /**
     * Binds a lower-triangular factor (diagonal last in each row, positive) for
     * {@link #choleskySolveDot}: a backend builds its solve schedule here, once (dependency levels,
     * the transposed factor, a device upload). The default binds it as any matrix.
     */
    default BoundOperator bindTriangularFactor(CsrMatrix lower) {
        return bind(lower);
    }

    // ---- multigrid kernels -------------------------------------------------------------------

    /**
     * Copies {@code values} into the existing vector {@code dst} (same length), the mirror of
     * {@link #download}: what a multigrid cycle's host-side coarse solve writes back without
     * allocating a vector per cycle.
     */
    void upload(double[] values, Vector dst);

    /**
     * {@code y = y + alpha A x}, with A possibly rectangular (rows = length of y, columns =
     * length of x): a multigrid cycle's prolongation {@code x_fine += P x_coarse}.
     */
    void applyAdd(BoundOperator a, double alpha, Vector x, Vector y);

    /**
     * One step of a polynomial smoother in residual form (Chebyshev, l1-Jacobi), with the residual
     * fused into the update:
     * <pre>
     *   r = b - A x
     *   d = c1 d + c2 dinv .* r        (dinv: the smoother's inverse diagonal)
     *   xOut = x + d
     * </pre>
     * {@code x == null} stands for x = 0: then r = b, no operator is applied and xOut = d. With
     * {@code c1 == 0} the old d is not read (the first step of a polynomial). {@code xOut} must be
     * a different vector from {@code x}: every row reads the old x of its neighbours, so the
     * caller alternates two vectors.
     */
    void smootherStep(BoundOperator a, Vector b, Vector x, Vector dinv, double c1, double c2, Vector d, Vector xOut);

    /** Whether {@link #close} has been called. */
    default boolean isClosed() {
        return false;
    }

    /** Releases pools, handles and device memory owned by the backend. */
    @Override
    void close();
}
