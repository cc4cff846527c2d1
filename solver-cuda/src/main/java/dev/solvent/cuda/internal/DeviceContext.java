package dev.solvent.cuda.internal;

/**
 * What a backend needs of its device besides memory and kernels: identity, binding to the calling
 * thread, waiting for queued work, and the device's memory figures. {@link CudaContext} is the CUDA
 * driver's primary context; {@link EmulatedDevice} the emulated device that runs the kernels on the
 * host.
 */
public interface DeviceContext extends AutoCloseable {

    /** Binds the device to the calling thread (a no-op on the emulated device). */
    void makeCurrent();

    /** Waits for all queued work; reports asynchronous kernel errors. */
    void synchronize();

    /** {@code {free, total}} bytes of device memory. */
    long[] memoryInfo();

    int ordinal();

    String name();

    /** Compute capability as {@code major.minor}, or what the device emulates. */
    String computeCapability();

    int multiprocessors();

    boolean isClosed();

    @Override
    void close();
}
