package dev.solvent.precond;

import dev.solvent.backend.Backend;
import dev.solvent.backend.BoundOperator;

/**
 * SSOR preconditioning, {@code M = (D + wL) D^-1 (D + wU) / (w (2 - w))}: symmetric positive
 * definite whenever A is and {@code 0 < w < 2}, so it suits CG. Needs an assembled matrix with a
 * nonzero diagonal. Applying it costs one pass over the matrix, about one SpMV, but the
 * triangular recurrences run sequentially on the CPU.
 */
public final class SsorPreconditioner implements Preconditioner {

    private final double omega;

    public SsorPreconditioner(double omega) {
        if (!(omega > 0 && omega < 2)) {
            throw new IllegalArgumentException("ssor: omega must lie in (0, 2), got " + omega);
        }
        this.omega = omega;
    }

    public double omega() {
        return omega;
    }

    @Override
    public String name() {
        return "ssor";
    }

    @Override
    public BoundPreconditioner setup(BoundOperator a, Backend backend) {
        BoundOperator assembled = Ic0.assembled(a, backend, "ssor");
        return new BoundPreconditioner() {
            @Override
            public double applyDot(dev.solvent.backend.Vector r, dev.solvent.backend.Vector z) {
                return backend.ssorApplyDot(assembled, r, z, omega);
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
