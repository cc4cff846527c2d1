package dev.solvent.backend;

/**
 * Service-provider hook for backends that live outside solver-core (the CUDA backend), found
 * through {@link java.util.ServiceLoader} so that solver-core does not depend on them. A provider
 * must be cheap to construct: probing for drivers and devices happens in {@link #create}.
 */
public interface BackendProvider {

    /** The name users select it by ({@code cuda}). */
    String name();

    /**
     * Creates a backend.
     *
     * @param threads host threads the backend may use, or 0 for its default
     * @throws BackendUnavailableException saying why it cannot run here (no driver, no device,
     *                                     native library failed to load)
     */
    Backend create(int threads);
}
