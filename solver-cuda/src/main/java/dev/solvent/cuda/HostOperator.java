package dev.solvent.cuda;

import dev.solvent.backend.BoundOperator;
import dev.solvent.matrix.LinearOperator;

/**
 * An operator the CUDA backend has no kernel for (a trained network, a nested solver, any
 * user-supplied {@link LinearOperator}): each application copies x to the host, runs
 * {@link LinearOperator#apply} there and copies y back. Correct, and as slow as two PCIe
 * transfers per application; the backend logs a warning when it binds one.
 */
final class HostOperator implements BoundOperator {

    final LinearOperator operator;

    HostOperator(LinearOperator operator) {
        this.operator = operator;
    }

    @Override
    public LinearOperator source() {
        return operator;
    }
}
