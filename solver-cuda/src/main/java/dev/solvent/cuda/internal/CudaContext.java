package dev.solvent.cuda.internal;

import java.nio.charset.StandardCharsets;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.JCudaDriver;

/**
 * One device's primary context, retained for the lifetime of a backend.
 *
 * <p>Why the primary context rather than {@code cuCtxCreate}: cuSPARSE and cuBLAS run on the CUDA
 * runtime, which always uses the device's primary context; retaining it here puts our kernels,
 * our allocations and theirs in the same context, and several backends on one device share it
 * (the driver counts retains and destroys it at the last release).
 *
 * <p>Thread policy: a context is current per host thread. Every public operation of the backend
 * calls {@link #makeCurrent} on the calling thread before its first driver call (one cheap
 * {@code cuCtxSetCurrent}), so a backend may be used from any thread, one call at a time.
 */
public final class CudaContext implements DeviceContext {

    private final int ordinal;
    private final CUdevice device = new CUdevice();
    private final CUcontext context = new CUcontext();
    private final String name;
    private final int ccMajor;
    private final int ccMinor;
    private final int multiprocessors;
    private boolean closed;

    /**
     * Retains the primary context of device {@code ordinal}.
     *
     * @throws IllegalArgumentException if there is no such device
     */
    public CudaContext(int ordinal) {
        Cuda.initialize();
        int count = Cuda.deviceCount();
        if (ordinal < 0 || ordinal >= count) {
            throw new IllegalArgumentException("CUDA device " + ordinal + " does not exist: " + count + " device(s) found");
        }
        this.ordinal = ordinal;
        Cuda.check(JCudaDriver.cuDeviceGet(device, ordinal), "cuDeviceGet(" + ordinal + ")");
        byte[] buf = new byte[256];
        Cuda.check(JCudaDriver.cuDeviceGetName(buf, buf.length, device), "cuDeviceGetName");
        int len = 0;
        while (len < buf.length && buf[len] != 0) {
            len++;
        }
        this.name = new String(buf, 0, len, StandardCharsets.US_ASCII);
        this.ccMajor = attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR);
        this.ccMinor = attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
        this.multiprocessors = attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT);
        Cuda.check(JCudaDriver.cuDevicePrimaryCtxRetain(context, device), "cuDevicePrimaryCtxRetain(" + ordinal + ")");
        makeCurrent();
    }

    private int attribute(int attribute) {
        int[] v = {0};
        Cuda.check(JCudaDriver.cuDeviceGetAttribute(v, attribute, device), "cuDeviceGetAttribute(" + attribute + ")");
        return v[0];
    }

    /** Binds this context to the calling thread. */
    @Override
    public void makeCurrent() {
        if (closed) {
            throw new IllegalStateException("the CUDA backend has been closed");
        }
        Cuda.check(JCudaDriver.cuCtxSetCurrent(context), "cuCtxSetCurrent");
    }

    /** Waits for all work queued in this context; reports asynchronous kernel errors. */
    @Override
    public void synchronize() {
        makeCurrent();
        Cuda.check(JCudaDriver.cuCtxSynchronize(), "cuCtxSynchronize");
    }

    /** {@code {free, total}} bytes of device memory, from {@code cuMemGetInfo}. */
    @Override
    public long[] memoryInfo() {
        makeCurrent();
        long[] free = {0};
        long[] total = {0};
        Cuda.check(JCudaDriver.cuMemGetInfo(free, total), "cuMemGetInfo");
        return new long[] {free[0], total[0]};
    }

    @Override
    public int ordinal() {
        return ordinal;
    }

    @Override
    public String name() {
        return name;
    }

    /** Compute capability as {@code major.minor}. */
    @Override
    public String computeCapability() {
        return ccMajor + "." + ccMinor;
    }

    @Override
    public int multiprocessors() {
        return multiprocessors;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    /** Releases the primary context (destroyed by the driver when no one else retains it). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        // Unbind first so this thread does not keep a context that the release may destroy.
        JCudaDriver.cuCtxSetCurrent(new CUcontext());
        Cuda.check(JCudaDriver.cuDevicePrimaryCtxRelease(device), "cuDevicePrimaryCtxRelease(" + ordinal + ")");
    }
}
