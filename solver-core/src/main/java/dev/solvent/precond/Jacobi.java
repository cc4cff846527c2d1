package dev.solvent.precond;

import dev.solvent.backend.Backend;
import dev.solvent.backend.BoundOperator;
import dev.solvent.backend.Vector;

/** Jacobi (diagonal) preconditioning: {@code z_i = r_i / a_ii}. Needs the operator's diagonal. */
public final class Jacobi implements Preconditioner {

    @Override
    public String name() {
        return "jacobi";
    }

    @Override
    public BoundPreconditioner setup(BoundOperator a, Backend backend) {
        double[] diagonal = a.source().diagonal();
        double[] inverse = new double[diagonal.length];
        for (int i = 0; i < diagonal.length; i++) {
            if (diagonal[i] == 0.0) {
                throw new IllegalArgumentException("jacobi: row " + (i + 1) + " (counted from 1) has a zero diagonal entry");
            }
            inverse[i] = 1.0 / diagonal[i];
        }
        Vector d = backend.upload(inverse);
        return new BoundPreconditioner() {
            @Override
            public double applyDot(Vector r, Vector z) {
                return backend.diagonalScaleDot(d, r, z);
            }

            @Override
            public void close() {
                d.close();
            }
        };
    }
}
