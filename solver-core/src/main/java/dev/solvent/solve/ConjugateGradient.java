package dev.solvent.solve;

import dev.solvent.backend.Backend;
import dev.solvent.backend.Vector;
import dev.solvent.matrix.LinearOperator;
import dev.solvent.precond.BoundPreconditioner;
import dev.solvent.precond.NoPreconditioner;
import dev.solvent.precond.Preconditioner;

/**
 * Conjugate gradient, plain or preconditioned, for symmetric positive definite systems.
 *
 * <pre>
 *   r = b - A x;  z = M^-1 r;  p = z;  rz = r.z
 *   repeat:
 *     q = A p;  pq = p.q                   (applyDot: the SpMV with its dot fused)
 *     if pq &lt;= 0: DIVERGED_INDEFINITE_MATRIX
 *     alpha = rz / pq
 *     x += alpha p;  r -= alpha q;  rr = r.r      (cg.step2, one pass)
 *     if sqrt(rr) &lt;= max(rtol ||b||, atol): check the true residual, stop
 *     z = M^-1 r;  rz' = r.z;  beta = rz' / rz    (preconditioner with its dot fused)
 *     p = z + beta p                              (cg.step1)
 * </pre>
 *
 * <p>Memory traffic per plain-CG iteration, in doubles (n unknowns): SpMV with fused dot reads p
 * (x once) and writes q (2n, plus the matrix: 12 bytes per nonzero and 4 per row for CSR, nothing
 * for a stencil); step2 reads p, q, x, r and writes x, r (6n); step1 reads r, p and writes p (3n).
 * That is 11n values plus the matrix, the floor that the benchmarks compare against. The
 * preconditioned form adds the preconditioner's own traffic and one more vector (z).
 *
 * <p>When the recursively updated residual meets the tolerance, the true residual {@code b - A x}
 * is computed; if rounding has made the two drift apart and the true one is still too large, CG
 * restarts from it (at most {@value #MAX_TRUE_RESIDUAL_RESTARTS} times) rather than report a
 * convergence that did not happen.
 *
 * <p>Like every solver of the library it also stops when the residual norm exceeds
 * {@code divergenceTolerance} times the initial one ({@code DIVERGED_DTOL}; on a nonsymmetric
 * matrix CG's residual can grow without bound while {@code p.Ap} stays positive), when the
 * smallest residual norm stops falling ({@code DIVERGED_STAGNATION}), and when the solving thread
 * is interrupted ({@code CANCELLED}); see {@link SolverOptions}.
 */
public final class ConjugateGradient implements IterativeSolver {

    static final int MAX_TRUE_RESIDUAL_RESTARTS = 5;

    private final SolverOptions options;
    private final Preconditioner preconditioner;

    /**
     * @throws IllegalArgumentException if the options cannot stop a solve (rtol and atol both 0)
     */
    public ConjugateGradient(SolverOptions options, Preconditioner preconditioner) {
        this.options = java.util.Objects.requireNonNull(options, "options").requireStoppable();
        this.preconditioner = java.util.Objects.requireNonNull(preconditioner, "preconditioner");
    }

    /** Plain CG. */
    public ConjugateGradient(SolverOptions options) {
        this(options, NoPreconditioner.INSTANCE);
    }

    @Override
    public String name() {
        return "cg";
    }

    @Override
    public SolverOptions options() {
        return options;
    }

    public Preconditioner preconditioner() {
        return preconditioner;
    }

    @Override
    public BoundSolver setup(LinearOperator a, Backend backend) {
        return new Bound(a, backend);
    }

    private final class Bound extends AbstractBoundSolver {
        private BoundPreconditioner pc;
        private final Vector z;
        private final Vector p;
        private final Vector q;
        private double setupSeconds;
        private int resetups;

        Bound(LinearOperator operator, Backend backend) {
            super("cg", ConjugateGradient.this.options, operator, backend);
            long start = System.nanoTime();
            boolean plain = preconditioner instanceof NoPreconditioner;
            this.pc = plain ? null : preconditioner.setup(a, backend);
            this.z = plain ? r : backend.allocate(n);
            this.p = backend.allocate(n);
            this.q = backend.allocate(n);
            this.setupSeconds = (System.nanoTime() - start) * 1e-9;
        }

        @Override
        public java.util.Map<String, Object> setupReport() {
            java.util.Map<String, Object> report = new java.util.LinkedHashMap<>();
            report.put("setupSeconds", setupSeconds);
            if (resetups > 0) {
                report.put("resetups", resetups);
            }
            if (pc != null && !pc.setupReport().isEmpty()) {
                report.put("preconditioner", pc.setupReport());
            }
            return java.util.Collections.unmodifiableMap(report);
        }

        @Override
        protected boolean needsSymmetricOperator() {
            return true;
        }

        @Override
        protected String preconditionerName() {
            return preconditioner.name();
        }

        /** Numeric re-setup of the preconditioner where it supports one, a full setup otherwise. */
        @Override
        protected void operatorChanged() {
            long start = System.nanoTime();
            if (pc != null && !pc.resetup(a)) {
                // Set up the new one first: if the new values are refused the old one stays.
                BoundPreconditioner fresh = preconditioner.setup(a, backend);
                BoundPreconditioner old = pc;
                pc = fresh;
                old.close();
            }
            setupSeconds = (System.nanoTime() - start) * 1e-9;
            resetups++;
        }

        /** z = M^-1 r; returns r.z (just rr for plain CG, where z is r). */
        private double precondition(double rr) {
            return pc == null ? rr : pc.applyDot(r, z);
        }

        @Override
        protected Outcome iterate(Vector b, Vector x, double rr, History history) {
            if (pc != null && pc.failure() != null) {
                return new Outcome(ConvergedReason.DIVERGED_PRECONDITIONER_FAILED, 0, pc.failure());
            }
            double threshold = history.threshold();
            String inconsistent = pc == null ? null : pc.inconsistency(b, threshold);
            if (inconsistent != null) {
                return new Outcome(ConvergedReason.DIVERGED_INCONSISTENT_RHS, 0, inconsistent);
            }
            int restarts = 0;
            double rz = precondition(rr);
            backend.copy(z, p);
            for (int k = 1; k <= options.maxIterations(); k++) {
                if (!Double.isFinite(rz)) {
                    return new Outcome(ConvergedReason.DIVERGED_NAN, k - 1, "r.z is " + rz);
                }
                if (rz <= 0.0) {
                    return new Outcome(ConvergedReason.DIVERGED_INDEFINITE_PRECONDITIONER, k - 1,
                            "r.z = " + rz + " <= 0 at iteration " + (k - 1));
                }
                double pq = backend.applyDot(a, p, q);
                if (!Double.isFinite(pq)) {
                    return new Outcome(ConvergedReason.DIVERGED_NAN, k - 1, "p.Ap is " + pq + " at iteration " + k);
                }
                if (pq <= 0.0) {
                    return new Outcome(ConvergedReason.DIVERGED_INDEFINITE_MATRIX, k - 1,
                            "p.Ap = " + pq + " <= 0 at iteration " + k + ": the matrix is not positive definite");
                }
                double alpha = rz / pq;
                rr = backend.cgUpdate(alpha, p, q, x, r);
                double rNorm = Math.sqrt(rr);
                history.add(rNorm);
                if (!Double.isFinite(rr)) {
                    return new Outcome(ConvergedReason.DIVERGED_NAN, k, "residual is " + rNorm + " at iteration " + k);
                }
                if (rNorm <= threshold) {
                    // Confirm with the true residual; restart from it if rounding made them drift.
                    rr = backend.residual(a, b, x, r);
                    if (Math.sqrt(rr) <= threshold) {
                        return new Outcome(history.convergedReason(), k, "");
                    }
                    if (++restarts > MAX_TRUE_RESIDUAL_RESTARTS) {
                        return new Outcome(ConvergedReason.DIVERGED_BREAKDOWN, k, "the true residual "
                                + Math.sqrt(rr) + " stays above the tolerance " + threshold
                                + " although the recursive residual meets it: the tolerance is below attainable accuracy");
                    }
                    rz = precondition(rr);
                    backend.copy(z, p);
                    continue;
                }
                Outcome stop = history.stop(k);
                if (stop != null) {
                    return stop;
                }
                double rzNext = precondition(rr);
                double beta = rzNext / rz;
                rz = rzNext;
                backend.cgDirection(z, beta, p);
            }
            return new Outcome(ConvergedReason.DIVERGED_MAX_ITERATIONS, options.maxIterations(), "");
        }

        @Override
        protected void release() {
            if (pc != null) {
                pc.close();
                z.close();
            }
            p.close();
            q.close();
            super.release();
        }
    }
}
