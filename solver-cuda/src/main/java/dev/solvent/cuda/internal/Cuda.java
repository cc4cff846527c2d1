package dev.solvent.cuda.internal;

import dev.solvent.backend.BackendUnavailableException;
import dev.solvent.cuda.CudaException;
import dev.solvent.cuda.DeviceOutOfMemoryException;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;
import jcuda.jcublas.cublasStatus;
import jcuda.jcusparse.cusparseStatus;

/**
 * The one gate to the CUDA driver: loading JCuda's native driver binding, {@code cuInit}, and
 * {@link #check}, through which every driver call's result passes. Every JCuda call of the
 * project lives in this package.
 *
 * <p>Loading is attempted once per JVM. A failure (no {@code libcuda.so.1}, no device, a driver
 * too old) is remembered and reported as a {@link BackendUnavailableException} on every later
 * attempt, without touching the native code again: after a failed static initialiser the JCuda
 * classes are unusable for the rest of the JVM's life anyway.
 */
public final class Cuda {

    private static final Object LOCK = new Object();
    private static boolean initialised;
    private static BackendUnavailableException failure;

    private Cuda() {
    }

    /**
     * Loads libJCudaDriver (which needs only the NVIDIA driver's {@code libcuda.so.1}), calls
     * {@code cuInit} and checks that a device exists.
     *
     * @throws BackendUnavailableException saying why the driver cannot be used here
     */
    public static void initialize() {
        synchronized (LOCK) {
            if (initialised) {
                return;
            }
            if (failure != null) {
                throw failure;
            }
            try {
                initializeOnce();
                initialised = true;
            } catch (BackendUnavailableException e) {
                failure = e;
                throw e;
            }
        }
    }

    private static void initializeOnce() {
        try {
            // The first use of JCudaDriver runs its static initialiser, which extracts and loads
            // libJCudaDriver; dlopen fails there when libcuda.so.1 is missing. Catch everything:
            // an Error from a native loader must not escape as anything but "unavailable".
            JCudaDriver.setExceptionsEnabled(false);
        } catch (Throwable t) {
            throw new BackendUnavailableException("CUDA backend unavailable: JCuda's native driver binding"
                    + " (libJCudaDriver, JCuda 12.6.0) failed to load. It needs the NVIDIA driver's libcuda.so.1,"
                    + " which is usually missing because no NVIDIA driver is installed on this machine. Cause: "
                    + loadFailureSummary(t), t);
        }
        int result;
        try {
            result = JCudaDriver.cuInit(0);
        } catch (Throwable t) {
            throw new BackendUnavailableException("CUDA backend unavailable: cuInit failed: " + rootMessage(t), t);
        }
        if (result != CUresult.CUDA_SUCCESS) {
            String why = switch (result) {
                case CUresult.CUDA_ERROR_NO_DEVICE -> "the driver is installed but reports no CUDA device";
                case CUresult.CUDA_ERROR_STUB_LIBRARY -> "libcuda.so.1 is the toolkit's stub library, not a real NVIDIA driver";
                case CUresult.CUDA_ERROR_SYSTEM_DRIVER_MISMATCH -> "the NVIDIA kernel module and libcuda.so.1 versions differ";
                case CUresult.CUDA_ERROR_NOT_INITIALIZED, CUresult.CUDA_ERROR_INVALID_DEVICE ->
                        "the driver could not initialise a device";
                default -> "cuInit failed";
            };
            throw new BackendUnavailableException("CUDA backend unavailable: " + why + " (" + errorName(result) + ")");
        }
        int[] count = {0};
        int r = JCudaDriver.cuDeviceGetCount(count);
        if (r != CUresult.CUDA_SUCCESS || count[0] == 0) {
            throw new BackendUnavailableException("CUDA backend unavailable: no CUDA device found"
                    + (r != CUresult.CUDA_SUCCESS ? " (" + errorName(r) + ")" : ""));
        }
    }

    /** Number of CUDA devices; {@link #initialize} first. */
    public static int deviceCount() {
        initialize();
        int[] count = {0};
        check(JCudaDriver.cuDeviceGetCount(count), "cuDeviceGetCount");
        return count[0];
    }

    /** The driver's CUDA version as 1000 major + 10 minor (12060 for 12.6); {@link #initialize} first. */
    public static int driverVersion() {
        initialize();
        int[] v = {0};
        check(JCudaDriver.cuDriverGetVersion(v), "cuDriverGetVersion");
        return v[0];
    }

    /** {@code 12060} as {@code "12.6"}. */
    public static String versionString(int version) {
        return (version / 1000) + "." + (version % 1000) / 10;
    }

    /**
     * Throws unless {@code result} is {@code CUDA_SUCCESS}: a {@link DeviceOutOfMemoryException}
     * for {@code CUDA_ERROR_OUT_OF_MEMORY}, a {@link CudaException} naming the error otherwise.
     *
     * @param what the call and its arguments, for the message
     */
    public static void check(int result, String what) {
        if (result == CUresult.CUDA_SUCCESS) {
            return;
        }
        String name = errorName(result);
        if (result == CUresult.CUDA_ERROR_OUT_OF_MEMORY) {
            throw new DeviceOutOfMemoryException(what + " failed: " + name + " (device memory exhausted)", result, name, -1);
        }
        throw new CudaException(what + " failed: " + name + " (" + result + ")", result, name);
    }

    /** {@link #check} for cuSPARSE status codes. */
    public static void checkCusparse(int status, String what) {
        if (status == cusparseStatus.CUSPARSE_STATUS_SUCCESS) {
            return;
        }
        String name = cusparseStatus.stringFor(status);
        if (status == cusparseStatus.CUSPARSE_STATUS_ALLOC_FAILED) {
            throw new DeviceOutOfMemoryException(what + " failed: " + name, status, name, -1);
        }
        throw new CudaException(what + " failed: " + name + " (" + status + ")", status, name);
    }

    /** {@link #check} for cuBLAS status codes. */
    public static void checkCublas(int status, String what) {
        if (status == cublasStatus.CUBLAS_STATUS_SUCCESS) {
            return;
        }
        String name = cublasStatus.stringFor(status);
        if (status == cublasStatus.CUBLAS_STATUS_ALLOC_FAILED) {
            throw new DeviceOutOfMemoryException(what + " failed: " + name, status, name, -1);
        }
        throw new CudaException(what + " failed: " + name + " (" + status + ")", status, name);
    }

    /** The symbolic name of a {@code CUresult}, such as {@code CUDA_ERROR_INVALID_PTX}. */
    public static String errorName(int result) {
        return CUresult.stringFor(result);
    }

    /**
     * A one-line account of a native-library load failure. JCuda's {@link UnsatisfiedLinkError}
     * carries the stack traces of both its load attempts in its message; the line that matters is
     * the dynamic loader's own ({@code libcuda.so.1: cannot open shared object file ...}), the
     * last {@code UnsatisfiedLinkError:} line in it.
     */
    static String loadFailureSummary(Throwable t) {
        String message = String.valueOf(t.getMessage());
        String marker = "UnsatisfiedLinkError: ";
        String best = null;
        for (String line : message.split("\n")) {
            int at = line.indexOf(marker);
            if (at >= 0) {
                best = line.substring(at + marker.length()).trim();
            }
        }
        if (best == null) {
            best = message.lines().findFirst().orElse("").trim();
        }
        return t.getClass().getSimpleName() + ": " + best;
    }

    static String rootMessage(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (sb.length() > 0) {
                sb.append(" <- ");
            }
            sb.append(c.getClass().getSimpleName()).append(": ").append(c.getMessage());
            if (c.getCause() == c) {
                break;
            }
        }
        return sb.toString();
    }
}
