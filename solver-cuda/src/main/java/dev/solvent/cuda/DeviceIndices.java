package dev.solvent.cuda;

import dev.solvent.cuda.internal.DeviceBuffer;

/**
 * An int32 index array in device memory, made by {@link ConvKernels#upload(int[])}: where each
 * unknown sits on a network grid. Its largest value is kept so that a scatter can check, on the
 * host, that every index falls inside the grid it writes.
 */
public final class DeviceIndices implements AutoCloseable {

    final CudaBackend owner;
    final DeviceBuffer buffer;
    private final int length;
    final int max;

    DeviceIndices(CudaBackend owner, DeviceBuffer buffer, int length, int max) {
        this.owner = owner;
        this.buffer = buffer;
        this.length = length;
        this.max = max;
    }

    public int length() {
        return length;
    }

    /** Frees the device memory now; closing twice, or after the backend closed, does nothing. */
    @Override
    public void close() {
        owner.free(buffer);
    }
}
