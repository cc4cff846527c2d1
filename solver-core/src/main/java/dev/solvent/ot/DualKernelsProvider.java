package dev.solvent.ot;

import dev.solvent.backend.Backend;

/**
 * Supplies {@link DualKernels} for the backends of one module (the CUDA module serves its
 * {@code CudaBackend}). Registered through {@link java.util.ServiceLoader} under
 * {@code META-INF/services/dev.solvent.ot.DualKernelsProvider}.
 */
public interface DualKernelsProvider {

    /**
     * Kernels for {@code problem} on {@code backend}, or null when this provider does not serve that
     * backend. The kernels use the backend but do not own it.
     */
    DualKernels open(TransportProblem problem, Backend backend);
}
