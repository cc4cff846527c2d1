package dev.solvent.cuda;

import dev.solvent.cuda.internal.DeviceBuffer;

/**
 * A float32 array in device memory, made by {@link ConvKernels} (network weights and feature
 * maps). Freed by {@link #close}, when its backend closes, or after this object becomes
 * unreachable.
 */
public final class DeviceFloats implements AutoCloseable {

    final CudaBackend owner;
    final DeviceBuffer buffer;
    private final long length;

    DeviceFloats(CudaBackend owner, DeviceBuffer buffer, long length) {
        this.owner = owner;
        this.buffer = buffer;
        this.length = length;
    }

    /** Number of floats. */
    public long length() {
        return length;
    }

    /** Frees the device memory now; closing twice, or after the backend closed, does nothing. */
    @Override
    public void close() {
        owner.free(buffer);
    }

    @Override
    public String toString() {
        return "DeviceFloats[" + length + (buffer.isFreed() ? ", released]" : "]");
    }
}
