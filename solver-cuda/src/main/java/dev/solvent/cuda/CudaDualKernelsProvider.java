package dev.solvent.cuda;

import dev.solvent.backend.Backend;
import dev.solvent.ot.DualKernels;
import dev.solvent.ot.DualKernelsProvider;
import dev.solvent.ot.TransportProblem;

/**
 * Gives Sinkhorn and Sinkhorn-Newton-Sparse their dense kernels on the GPU when they are handed a
 * {@link CudaBackend} (registered for {@link java.util.ServiceLoader}).
 */
public final class CudaDualKernelsProvider implements DualKernelsProvider {

    @Override
    public DualKernels open(TransportProblem problem, Backend backend) {
        return backend instanceof CudaBackend cuda ? new CudaDualKernels(problem, cuda) : null;
    }
}
