package dev.solvent.precond;

import dev.solvent.backend.Backend;
import dev.solvent.backend.BoundOperator;
import dev.solvent.order.Ordering;

/**
 * SSOR preconditioning, {@code M = (D + wL) D^-1 (D + wU) / (w (2 - w))}: symmetric positive
 * definite whenever A is and {@code 0 < w < 2}, so it suits CG. Needs an assembled matrix with a
 * nonzero diagonal. Applying it costs one pass over the matrix, about one SpMV.
 *
 * <p>L and U are the parts of A before and after the diagonal in an {@link Ordering}:
 * {@link Ordering#NATURAL} ({@code ssor}: the triangles of A; backends run the rows of a dependency
 * level in parallel) or {@link Ordering#MULTICOLOUR} ({@code ssor-mc}: couplings to earlier and later
 * colours, a different preconditioner, usually weaker on Poisson but with far more parallelism).
 */
public final class SsorPreconditioner implements Preconditioner {

    private final double omega;
    private final Ordering ordering;

    /** Natural-order SSOR. */
    public SsorPreconditioner(double omega) {
        this(omega, Ordering.NATURAL);
    }

    public SsorPreconditioner(double omega, Ordering ordering) {
        if (!(omega > 0 && omega < 2)) {
            throw new IllegalArgumentException("ssor: omega must lie in (0, 2), got " + omega);
        }
        this.omega = omega;
        this.ordering = java.util.Objects.requireNonNull(ordering, "ordering");
    }

    public Ordering ordering() {
        return ordering;
    }

    public double omega() {
        return omega;
    }

    @Override
    public String name() {
        return ordering == Ordering.MULTICOLOUR ? "ssor-mc" : "ssor";
    }

    @Override
    public BoundPreconditioner setup(BoundOperator a, Backend backend) {
        BoundOperator assembled = Ic0.assembled(a, backend, name());
        java.util.Map<String, Object> report;
        try {
            java.util.Map<String, Object> r = new java.util.LinkedHashMap<>();
            r.put("omega", omega);
            r.putAll(backend.prepareRelaxation(assembled, ordering));
            report = java.util.Collections.unmodifiableMap(r);
        } catch (RuntimeException e) {
            if (assembled != a) {
                assembled.close();
            }
            throw e;
        }
        return new BoundPreconditioner() {
            @Override
            public double applyDot(dev.solvent.backend.Vector r, dev.solvent.backend.Vector z) {
                return backend.ssorApplyDot(assembled, r, z, omega, ordering);
            }

            @Override
            public java.util.Map<String, Object> setupReport() {
                return report;
            }

            @Override
            public void close() {
                if (assembled != a) {
                    assembled.close();
                }
            }
        };
    }
}
