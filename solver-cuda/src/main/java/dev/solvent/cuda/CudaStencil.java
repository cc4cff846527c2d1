package dev.solvent.cuda;

import dev.solvent.backend.BoundOperator;
import dev.solvent.cuda.internal.Kernels;
import dev.solvent.matrix.LinearOperator;
import dev.solvent.matrix.Stencil7Operator;

/** A {@link Stencil7Operator} on the device: nothing to upload, the kernel takes its seven numbers. */
final class CudaStencil implements BoundOperator {

    final Stencil7Operator operator;
    final Kernels.Stencil stencil;

    CudaStencil(Stencil7Operator op) {
        this.operator = op;
        this.stencil = new Kernels.Stencil(op.nx(), op.ny(), op.nz(), op.center(), op.wx(), op.wy(), op.wz());
    }

    @Override
    public LinearOperator source() {
        return operator;
    }
}
