package dev.solvent.precond;

import dev.solvent.backend.Backend;
import dev.solvent.backend.BoundOperator;

/**
 * The identity, {@code z = r}. Conjugate gradient recognises it and runs plain CG with no copy
 * (r itself serves as z); other users get the copy.
 */
public final class NoPreconditioner implements Preconditioner {

    public static final NoPreconditioner INSTANCE = new NoPreconditioner();

    private NoPreconditioner() {
    }

    @Override
    public String name() {
        return "none";
    }

    @Override
    public BoundPreconditioner setup(BoundOperator a, Backend backend) {
        return (r, z) -> {
            backend.copy(r, z);
            return backend.dot(r, z);
        };
    }
}
