package dev.solvent.cuda;

import dev.solvent.backend.Vector;
import dev.solvent.cuda.internal.DeviceBuffer;

/**
 * A vector in device memory, made by one {@link CudaBackend}. Its memory is freed by
 * {@link CudaBackend#release}, when the backend closes, or after this object becomes unreachable
 * (see {@link CudaBackend#reclaim}).
 */
final class DeviceVector implements Vector {

    final CudaBackend owner;
    final DeviceBuffer buffer;
    private final int length;

    DeviceVector(CudaBackend owner, DeviceBuffer buffer, int length) {
        this.owner = owner;
        this.buffer = buffer;
        this.length = length;
    }

    @Override
    public int length() {
        return length;
    }

    /** Frees the device memory now (see {@link CudaBackend#release}); closing twice is harmless. */
    @Override
    public void close() {
        if (!buffer.isFreed()) {
            owner.release(this);
        }
    }

    @Override
    public String toString() {
        return "DeviceVector[" + length + (buffer.isFreed() ? ", released]" : "]");
    }
}
