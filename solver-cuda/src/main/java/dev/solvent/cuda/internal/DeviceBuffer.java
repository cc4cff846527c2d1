package dev.solvent.cuda.internal;

import java.lang.ref.Cleaner;
import jcuda.Sizeof;
import jcuda.driver.CUdeviceptr;

/**
 * A block of device memory from a {@link DeviceMemory}. Closing it frees the memory at once;
 * otherwise it is freed when the owner given at allocation becomes unreachable, or when the
 * backend closes. Copies are synchronous with respect to the host.
 */
public final class DeviceBuffer implements AutoCloseable {

    private final DeviceMemory memory;
    private final DeviceMemory.Allocation allocation;
    private Cleaner.Cleanable cleanable;

    DeviceBuffer(DeviceMemory memory, DeviceMemory.Allocation allocation) {
        this.memory = memory;
        this.allocation = allocation;
    }

    /**
     * Frees this memory (at the next allocation or reclaim of its allocator) once {@code owner} is
     * unreachable; {@code owner} is typically the object holding this buffer. At most once.
     */
    public synchronized void freeWhenUnreachable(Object owner) {
        if (cleanable != null) {
            throw new IllegalStateException("this buffer already has an owner");
        }
        cleanable = memory.register(owner, allocation);
    }

    /** The device address, for kernel arguments in this package. */
    CUdeviceptr ptr() {
        return live().ptr;
    }

    /** The allocation, checked not to have been freed. */
    DeviceMemory.Allocation live() {
        if (allocation.freed) {
            throw new IllegalStateException("device buffer used after it was freed");
        }
        return allocation;
    }

    /** Allocated size in bytes. */
    public long bytes() {
        return allocation.bytes;
    }

    public boolean isFreed() {
        return allocation.freed;
    }

    /** Copies {@code src} to the start of this buffer. */
    public void upload(double[] src) {
        checkFits((long) src.length * Sizeof.DOUBLE);
        if (src.length > 0) {
            memory.device().upload(live(), src);
        }
    }

    /** Copies {@code src} to the start of this buffer. */
    public void upload(int[] src) {
        checkFits((long) src.length * Sizeof.INT);
        if (src.length > 0) {
            memory.device().upload(live(), src);
        }
    }

    /** Copies {@code src} to the start of this buffer. */
    public void upload(float[] src) {
        checkFits((long) src.length * Sizeof.FLOAT);
        if (src.length > 0) {
            memory.device().upload(live(), src);
        }
    }

    /** Copies the first {@code dst.length} floats of this buffer into {@code dst}. */
    public void download(float[] dst) {
        checkFits((long) dst.length * Sizeof.FLOAT);
        if (dst.length > 0) {
            memory.device().download(live(), dst);
        }
    }

    /** Copies the first {@code dst.length} doubles of this buffer into {@code dst}. */
    public void download(double[] dst) {
        checkFits((long) dst.length * Sizeof.DOUBLE);
        if (dst.length > 0) {
            memory.device().download(live(), dst);
        }
    }

    /** Copies the first {@code dst.length} ints of this buffer into {@code dst}. */
    public void download(int[] dst) {
        checkFits((long) dst.length * Sizeof.INT);
        if (dst.length > 0) {
            memory.device().download(live(), dst);
        }
    }

    /** Copies {@code bytes} from the start of {@code src} to the start of this buffer, on the device. */
    public void copyFrom(DeviceBuffer src, long bytes) {
        checkFits(bytes);
        src.checkFits(bytes);
        if (bytes > 0) {
            memory.device().copy(live(), src.live(), bytes);
        }
    }

    /** Sets the first {@code bytes} (a multiple of 4) to zero. */
    public void zero(long bytes) {
        checkFits(bytes);
        if (bytes > 0) {
            memory.device().zero(live(), bytes);
        }
    }

    private void checkFits(long bytes) {
        if (bytes > allocation.bytes) {
            throw new IllegalArgumentException(bytes + " bytes do not fit a device buffer of " + allocation.bytes);
        }
    }

    /** Frees the memory now (idempotent). */
    @Override
    public void close() {
        memory.free(allocation);
        Cleaner.Cleanable cleanable;
        synchronized (this) {
            cleanable = this.cleanable;
        }
        if (cleanable != null) {
            // The cleaner's action would queue an already freed allocation; free() ignores it.
            cleanable.clean();
        }
    }
}
