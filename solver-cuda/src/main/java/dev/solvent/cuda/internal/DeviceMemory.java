package dev.solvent.cuda.internal;

import dev.solvent.cuda.CudaException;
import dev.solvent.cuda.DeviceOutOfMemoryException;
import java.lang.ref.Cleaner;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import jcuda.Pointer;
import jcuda.Sizeof;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;

/**
 * The device allocator of one backend: every {@link DeviceBuffer} comes from here, and here it is
 * freed, explicitly ({@link DeviceBuffer#close}), when the backend closes, or after the Java
 * object that owned it became unreachable.
 *
 * <p>Why the last: the {@code Backend} SPI gives solvers vectors with no {@code close()}, so the
 * work vectors of a bound solver, a Jacobi inverse diagonal or the uploaded b and x of
 * {@code solve(double[], double[])} have no other point of release. A {@link Cleaner} notices
 * when such a buffer's owner is gone and QUEUES its pointer; the queue is drained by the next
 * allocation (or {@link #reclaim}) on a thread that has the context current, never on the
 * cleaner's own thread, so frees cannot race with kernels. The JVM does not see device memory
 * pressure, so an allocation that fails for lack of memory first collects garbage, drains the
 * queue and tries once more before throwing {@link DeviceOutOfMemoryException}.
 *
 * <p>The bytes themselves are moved by a {@code DeviceMemory.Device}: the CUDA driver ({@code cuMemAlloc},
 * {@code cuMemcpy*}, {@code cuMemsetD32}) or the {@link EmulatedDevice}, whose device memory is
 * host memory.
 */
public final class DeviceMemory implements AutoCloseable {

    private static final Cleaner CLEANER = Cleaner.create();

    /**
     * Where device memory lives and how bytes reach it. Every method is called with the context
     * current on the calling thread; sizes have been checked against the allocation.
     */
    interface Device {
        /**
         * Allocates {@code size} bytes: {@code CUDA_SUCCESS} with the allocation in {@code out[0]},
         * or the driver's error ({@code CUDA_ERROR_OUT_OF_MEMORY} when the device is full).
         */
        int allocate(DeviceMemory owner, long size, Allocation[] out);

        void free(Allocation a);

        void upload(Allocation dst, double[] src);

        void upload(Allocation dst, int[] src);

        void upload(Allocation dst, float[] src);

        void download(Allocation src, double[] dst);

        void download(Allocation src, int[] dst);

        void download(Allocation src, float[] dst);

        void copy(Allocation dst, Allocation src, long bytes);

        /** Sets the first {@code bytes} (a multiple of 4) to zero. */
        void zero(Allocation dst, long bytes);
    }

    /** The CUDA driver's memory: {@code cuMemAlloc}, {@code cuMemFree}, {@code cuMemcpy*}, {@code cuMemsetD32}. */
    static final class DriverMemory implements Device {
        static final DriverMemory INSTANCE = new DriverMemory();

        @Override
        public int allocate(DeviceMemory owner, long size, Allocation[] out) {
            CUdeviceptr ptr = new CUdeviceptr();
            int result = JCudaDriver.cuMemAlloc(ptr, size);
            if (result == CUresult.CUDA_SUCCESS) {
                out[0] = new Allocation(owner, ptr, size);
            }
            return result;
        }

        @Override
        public void free(Allocation a) {
            Cuda.check(JCudaDriver.cuMemFree(a.ptr), "cuMemFree(" + a.bytes + " bytes)");
        }

        @Override
        public void upload(Allocation dst, double[] src) {
            Cuda.check(JCudaDriver.cuMemcpyHtoD(dst.ptr, Pointer.to(src), (long) src.length * Sizeof.DOUBLE), "cuMemcpyHtoD");
        }

        @Override
        public void upload(Allocation dst, int[] src) {
            Cuda.check(JCudaDriver.cuMemcpyHtoD(dst.ptr, Pointer.to(src), (long) src.length * Sizeof.INT), "cuMemcpyHtoD");
        }

        @Override
        public void upload(Allocation dst, float[] src) {
            Cuda.check(JCudaDriver.cuMemcpyHtoD(dst.ptr, Pointer.to(src), (long) src.length * Sizeof.FLOAT), "cuMemcpyHtoD");
        }

        @Override
        public void download(Allocation src, double[] dst) {
            Cuda.check(JCudaDriver.cuMemcpyDtoH(Pointer.to(dst), src.ptr, (long) dst.length * Sizeof.DOUBLE), "cuMemcpyDtoH");
        }

        @Override
        public void download(Allocation src, int[] dst) {
            Cuda.check(JCudaDriver.cuMemcpyDtoH(Pointer.to(dst), src.ptr, (long) dst.length * Sizeof.INT), "cuMemcpyDtoH");
        }

        @Override
        public void download(Allocation src, float[] dst) {
            Cuda.check(JCudaDriver.cuMemcpyDtoH(Pointer.to(dst), src.ptr, (long) dst.length * Sizeof.FLOAT), "cuMemcpyDtoH");
        }

        @Override
        public void copy(Allocation dst, Allocation src, long bytes) {
            Cuda.check(JCudaDriver.cuMemcpyDtoD(dst.ptr, src.ptr, bytes), "cuMemcpyDtoD");
        }

        @Override
        public void zero(Allocation dst, long bytes) {
            Cuda.check(JCudaDriver.cuMemsetD32(dst.ptr, 0, bytes / 4), "cuMemsetD32");
        }
    }

    private final DeviceContext context;
    private final Device device;
    private final Set<Allocation> live = ConcurrentHashMap.newKeySet();
    private final ConcurrentLinkedQueue<Allocation> unreachable = new ConcurrentLinkedQueue<>();
    private long liveBytes;
    private boolean closed;

    /** The allocator of a CUDA driver context. */
    public DeviceMemory(CudaContext context) {
        this(context, DriverMemory.INSTANCE);
    }

    /** The allocator of the emulated device. */
    public DeviceMemory(EmulatedDevice device) {
        this(device, device);
    }

    DeviceMemory(DeviceContext context, Device device) {
        this.context = context;
        this.device = device;
    }

    Device device() {
        return device;
    }

    /**
     * The state a cleaner acts on: deliberately holds no reference to its {@link DeviceBuffer}.
     * A driver allocation has its {@code CUdeviceptr}; an emulated one its host address.
     */
    static final class Allocation implements Runnable {
        final DeviceMemory owner;
        final CUdeviceptr ptr;
        final long address;
        final long bytes;
        volatile boolean freed;

        Allocation(DeviceMemory owner, CUdeviceptr ptr, long bytes) {
            this(owner, ptr, 0L, bytes);
        }

        Allocation(DeviceMemory owner, CUdeviceptr ptr, long address, long bytes) {
            this.owner = owner;
            this.ptr = ptr;
            this.address = address;
            this.bytes = bytes;
        }

        /** Run by the cleaner (owner unreachable) or by {@link DeviceBuffer#close} after the free. */
        @Override
        public void run() {
            if (!freed) {
                owner.unreachable.add(this);
            }
        }
    }

    /**
     * Allocates {@code bytes} of device memory (at least 8, as {@code cuMemAlloc} refuses 0).
     *
     * @param owner the object whose unreachability releases the memory, or null for memory that
     *              is only released explicitly or when the backend closes
     * @throws DeviceOutOfMemoryException when the device has too little free memory
     */
    public synchronized DeviceBuffer allocate(long bytes, Object owner) {
        if (closed) {
            throw new IllegalStateException("the CUDA backend has been closed");
        }
        if (bytes < 0) {
            throw new IllegalArgumentException("negative allocation size " + bytes);
        }
        context.makeCurrent();
        drain();
        long size = Math.max(8, bytes);
        Allocation[] made = new Allocation[1];
        int result = device.allocate(this, size, made);
        if (result == CUresult.CUDA_ERROR_OUT_OF_MEMORY) {
            // Memory held by vectors the program dropped may be waiting for a GC: collect and retry once.
            System.gc();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            drain();
            result = device.allocate(this, size, made);
        }
        if (result == CUresult.CUDA_ERROR_OUT_OF_MEMORY) {
            long[] info = context.memoryInfo();
            throw new DeviceOutOfMemoryException("cannot allocate " + size + " bytes on CUDA device " + context.ordinal()
                    + " (" + context.name() + "): " + info[0] + " of " + info[1] + " bytes free, " + liveBytes
                    + " bytes held by this backend in " + live.size() + " buffers", result, Cuda.errorName(result), size);
        }
        Cuda.check(result, "cuMemAlloc(" + size + ")");
        Allocation a = made[0];
        live.add(a);
        liveBytes += size;
        DeviceBuffer buffer = new DeviceBuffer(this, a);
        if (owner != null) {
            buffer.freeWhenUnreachable(owner);
        }
        return buffer;
    }

    Cleaner.Cleanable register(Object owner, Allocation a) {
        return CLEANER.register(owner, a);
    }

    /** Frees one allocation now (idempotent). */
    synchronized void free(Allocation a) {
        if (a.freed || closed) {
            return;
        }
        context.makeCurrent();
        a.freed = true;
        live.remove(a);
        liveBytes -= a.bytes;
        device.free(a);
    }

    /** Frees what the cleaner queued. Caller holds the lock with the context current. */
    private void drain() {
        Allocation a;
        while ((a = unreachable.poll()) != null) {
            free(a);
        }
    }

    /**
     * Runs the garbage collector until the buffers of unreachable owners have been queued, then
     * frees them. For tests and long-running programs that want device memory back now; a normal
     * program never needs it (allocation does it when memory runs short).
     */
    public void reclaim() {
        // The cleaner thread queues what a collection found unreachable some time after the
        // collection; stop after two rounds in a row in which nothing arrived.
        int quiet = 0;
        for (int round = 0; round < 20 && quiet < 2; round++) {
            System.gc();
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            synchronized (this) {
                if (closed) {
                    return;
                }
                if (unreachable.isEmpty()) {
                    quiet++;
                } else {
                    quiet = 0;
                    context.makeCurrent();
                    drain();
                }
            }
        }
    }

    /** Bytes currently allocated through this allocator and not yet freed. */
    public synchronized long liveBytes() {
        return liveBytes;
    }

    /** Number of live buffers. */
    public int liveBuffers() {
        return live.size();
    }

    /** Frees every live buffer; later frees and cleaner actions do nothing. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        List<CudaException> errors = new ArrayList<>();
        if (!context.isClosed()) {
            context.makeCurrent();
            for (Allocation a : List.copyOf(live)) {
                try {
                    free(a);
                } catch (CudaException e) {
                    errors.add(e);
                }
            }
        }
        closed = true;
        unreachable.clear();
        live.clear();
        liveBytes = 0;
        if (!errors.isEmpty()) {
            throw errors.get(0);
        }
    }
}
