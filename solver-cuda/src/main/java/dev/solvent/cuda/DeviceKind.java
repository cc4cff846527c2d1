package dev.solvent.cuda;

import java.util.Locale;

/**
 * Which device a {@link CudaBackend} runs on, chosen by the system property {@value #PROPERTY}
 * ({@code driver}, {@code emulated} or {@code auto}; default {@code driver}).
 */
public enum DeviceKind {

    /** An NVIDIA GPU through the CUDA driver (JCuda, the PTX kernels, cuSPARSE/cuBLAS where they load). */
    DRIVER,

    /**
     * The emulated device: the same kernels compiled from their {@code .cu} sources by the host's
     * C++ compiler (g++) and run on the CPU with the CUDA execution model emulated, far slower than
     * a GPU. For testing the device code where no GPU is present; see docs/cuda.md.
     */
    EMULATED,

    /** The driver where a GPU is usable, else the emulated device. */
    AUTO;

    /** The system property that selects the kind for {@link CudaBackend#create(int)} and the {@code cuda} provider. */
    public static final String PROPERTY = "solvent.cuda.kind";

    /** The kind named by {@value #PROPERTY}; {@link #DRIVER} when it is unset. */
    public static DeviceKind selected() {
        String v = System.getProperty(PROPERTY, "driver").trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "driver", "" -> DRIVER;
            case "emulated", "emulator" -> EMULATED;
            case "auto" -> AUTO;
            default -> throw new IllegalArgumentException(PROPERTY + " must be driver, emulated or auto, got '" + v + "'");
        };
    }
}
