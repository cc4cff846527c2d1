package dev.solvent.cuda;

import dev.solvent.backend.Backend;
import dev.solvent.backend.BackendProvider;
import dev.solvent.backend.BackendUnavailableException;

/**
 * Registers the CUDA backend under the name {@code cuda} (META-INF/services), so that
 * {@code Backends.byName("cuda", threads)} finds it when solver-cuda is on the class path.
 * Construction touches no native code; {@link #create} probes the driver.
 *
 * <p>The device is chosen by the system property {@code solvent.cuda.device} (default 0), its
 * kind by {@value DeviceKind#PROPERTY} (default {@code driver}; {@code emulated} runs the kernels
 * on the CPU, see {@link DeviceKind}). The {@code threads} argument is ignored: the CUDA backend
 * drives the device from one host thread.
 */
public final class CudaBackendProvider implements BackendProvider {

    /** System property naming the device ordinal. */
    public static final String DEVICE_PROPERTY = "solvent.cuda.device";

    @Override
    public String name() {
        return "cuda";
    }

    /**
     * @throws BackendUnavailableException saying why the CUDA backend cannot run here
     */
    @Override
    public Backend create(int threads) {
        String property = System.getProperty(DEVICE_PROPERTY, "0");
        int ordinal;
        try {
            ordinal = Integer.parseInt(property.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(DEVICE_PROPERTY + " must be a device number, got '" + property + "'", e);
        }
        return CudaBackend.create(ordinal);
    }
}
