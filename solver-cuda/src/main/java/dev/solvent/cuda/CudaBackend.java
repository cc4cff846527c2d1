package dev.solvent.cuda;

import dev.solvent.backend.Backend;
import dev.solvent.backend.BackendUnavailableException;
import dev.solvent.backend.BoundOperator;
import dev.solvent.backend.SweepDirection;
import dev.solvent.backend.Vector;
import dev.solvent.cuda.internal.Cuda;
import dev.solvent.cuda.internal.CudaContext;
import dev.solvent.cuda.internal.DeviceBuffer;
import dev.solvent.cuda.internal.DeviceContext;
import dev.solvent.cuda.internal.DeviceMemory;
import dev.solvent.cuda.internal.EmulatedDevice;
import dev.solvent.cuda.internal.Kernels;
import dev.solvent.cuda.internal.VendorLibraries;
import dev.solvent.matrix.CsrMatrix;
import dev.solvent.matrix.LinearOperator;
import dev.solvent.matrix.Stencil7Operator;
import dev.solvent.order.MulticolorOrdering;
import dev.solvent.order.Ordering;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CUDA backend: vectors and matrices in device memory, the project's own kernels (loaded as
 * PTX through the JCuda driver API), and cuSPARSE/cuBLAS where their libraries load.
 *
 * <p>What runs where:
 * <ul>
 *   <li>CSR {@code apply}: cuSPARSE SpMV when it loads, else {@code solvent_csr_spmv}.
 *       {@code applyDot} and {@code residual} on CSR use cuSPARSE SpMV followed by a dot product
 *       when cuSPARSE loads (three passes over the vectors), else the fused one-pass kernels
 *       {@code solvent_csr_spmv_dot} and {@code solvent_csr_residual}.</li>
 *   <li>{@link Stencil7Operator}: the matrix-free kernels {@code solvent_stencil7_*}, always.</li>
 *   <li>{@code dot}, {@code axpy}, {@code scale}: cuBLAS when it loads, else our kernels.</li>
 *   <li>{@code cgDirection}, {@code cgUpdate}, {@code diagonalScaleDot}: our fused kernels.</li>
 *   <li>Multigrid: {@code applyAdd} on CSR by cuSPARSE SpMV (beta = 1) where it loads, else
 *       {@code solvent_csr_spmv_add}; {@code smootherStep} by the fused
 *       {@code solvent_csr_smoother_step} / {@code solvent_stencil7_smoother_step} /
 *       {@code solvent_smoother_start}; {@code upload(values, dst)} a host-to-device copy. A
 *       multigrid hierarchy is set up on the host and uploaded once; its coarsest solve downloads
 *       the (small) right-hand side, solves on the host and uploads the answer.</li>
 *   <li>{@code sorSweep} and {@code ssorApplyDot}: our kernels, one launch per group of rows that
 *       do not couple, groups in sequence, rows of a group in parallel. In the NATURAL ordering the
 *       groups are the dependency levels ({@link dev.solvent.order.LevelSchedule}): the result is
 *       the lexicographic sweep of the CPU backends, to rounding. In the MULTICOLOUR ordering they
 *       are the colours of {@link MulticolorOrdering#greedy} (red-black for 5- and 7-point
 *       stencils): far fewer launches, but a different method that converges differently;
 *       {@link MulticolorOrdering} is its sequential reference.</li>
 *   <li>{@code choleskySolveDot} (IC(0), MIC(0)): the factor is computed on the host and bound by
 *       {@link #bindTriangularFactor} ({@link CudaFactor}: uploaded once with its level schedule);
 *       the forward and backward solves run on the device, one launch per level and pass
 *       ({@code solvent_ic_forward}, {@code solvent_ic_backward}), r.z accumulated during the
 *       forward pass. Equal to the reference's sequential substitution to rounding.</li>
 *   <li>Any other {@link LinearOperator}: applied on the host, with a copy each way (logged).</li>
 * </ul>
 * {@link #create(int, boolean)} with {@code false} forces our kernels everywhere.
 *
 * <p>Scalars: each kernel that ends in a reduction copies back exactly the one double the SPI
 * returns; nothing else crosses to the host during an iteration.
 *
 * <p>Threads: like every {@link Backend}, one call at a time (methods are synchronised); each call
 * makes the device's primary context current on the calling thread first, so any thread may call.
 *
 * <p>Devices ({@link DeviceKind}): an NVIDIA GPU through the CUDA driver, or the emulated device,
 * on which the same kernels, compiled from their {@code .cu} sources by the host's g++, run on the
 * CPU with the CUDA execution model emulated (for tests on machines without a GPU; cuSPARSE and
 * cuBLAS do not exist there, so every operation runs the project's kernels). {@link #create(int)}
 * takes the kind from the system property {@value DeviceKind#PROPERTY} (default: the driver).
 *
 * <p>Memory: vectors have no {@code close()} in the SPI, so a vector's device memory is freed by
 * {@link #release}, by {@link #close}, or after the vector becomes unreachable (queued by a
 * {@link java.lang.ref.Cleaner}, freed at the next allocation; an allocation that finds the device
 * full collects garbage and retries before throwing {@link DeviceOutOfMemoryException}). Bound
 * operators are freed by their {@code close()} (a bound solver closes its own).
 */
public final class CudaBackend implements Backend {

    private static final Logger LOG = LoggerFactory.getLogger(CudaBackend.class);

    private final DeviceContext context;
    private final DeviceMemory memory;
    private final Kernels kernels;
    /** Lanes per row forced on every CSR kernel (GpuBenchmark's sweep); 0: each matrix's own. */
    private volatile int forcedRowGroup;
    private final VendorLibraries libs;
    private final boolean emulated;
    private boolean closed;
    private boolean warnedHostOperator;

    private CudaBackend(DeviceContext context, DeviceMemory memory, Kernels kernels, VendorLibraries libs,
                        boolean emulated) {
        this.context = context;
        this.memory = memory;
        this.kernels = kernels;
        this.libs = libs;
        this.emulated = emulated;
    }

    /**
     * A backend on device {@code deviceOrdinal} of the kind {@value DeviceKind#PROPERTY} selects
     * (the CUDA driver by default), running Solvent's own kernels only: on an H200 they beat
     * cuSPARSE's SpMV on every matrix measured (docs/gpu-results.md), and their fused forms save
     * passes over the vectors. {@code create(deviceOrdinal, true)} tries cuSPARSE and cuBLAS.
     *
     * @throws BackendUnavailableException saying why (JCuda's driver binding did not load, no
     *                                     NVIDIA driver, no such device, the PTX does not load)
     */
    public static CudaBackend create(int deviceOrdinal) {
        return create(deviceOrdinal, false);
    }

    /**
     * A backend on device {@code deviceOrdinal} of the kind {@value DeviceKind#PROPERTY} selects.
     *
     * @param useVendorLibraries try cuSPARSE and cuBLAS (true), or run only the project's kernels
     * @throws BackendUnavailableException saying why the backend cannot run here
     */
    public static CudaBackend create(int deviceOrdinal, boolean useVendorLibraries) {
        return create(DeviceKind.selected(), deviceOrdinal, useVendorLibraries);
    }

    /**
     * A backend on device {@code deviceOrdinal} of {@code kind}: the CUDA driver's, the emulated
     * device (ordinal 0 only; {@code useVendorLibraries} has no effect there), or for
     * {@link DeviceKind#AUTO} the driver's where it is usable, else the emulated one.
     *
     * @throws BackendUnavailableException saying why the backend cannot run here
     */
    public static CudaBackend create(DeviceKind kind, int deviceOrdinal, boolean useVendorLibraries) {
        DeviceKind k = kind == DeviceKind.AUTO ? (unavailableReason(DeviceKind.DRIVER) == null ? DeviceKind.DRIVER
                : DeviceKind.EMULATED) : kind;
        if (k == DeviceKind.EMULATED) {
            if (kind == DeviceKind.AUTO && EmulatedDevice.unavailableReason() != null) {
                throw new BackendUnavailableException(unavailableReason(DeviceKind.AUTO));
            }
            if (deviceOrdinal != 0) {
                throw new BackendUnavailableException("CUDA backend unavailable: emulated device " + deviceOrdinal
                        + " does not exist (the emulated device is device 0)");
            }
            return createEmulated(EmulatedDevice.defaultMaxBlocks());
        }
        return createOnDriver(deviceOrdinal, useVendorLibraries);
    }

    /**
     * A backend on the emulated CUDA device whose launches use at most {@code maxBlocks} blocks of
     * 256 threads (8 per multiprocessor, so 1056 is an H100 or H200 SXM and 1 a grid of one block).
     * The kernels are compiled by the host's g++ from the {@code .cu} sources on first use (some
     * seconds, cached). Every operation runs the project's kernels: cuSPARSE and cuBLAS do not
     * exist there.
     *
     * @throws BackendUnavailableException where no C++ compiler is available
     * @throws IllegalStateException       where the compiler rejects the kernels' sources
     */
    public static CudaBackend createEmulated(int maxBlocks) {
        EmulatedDevice device = EmulatedDevice.open(maxBlocks);
        DeviceMemory memory = null;
        Kernels kernels = null;
        try {
            memory = new DeviceMemory(device);
            kernels = Kernels.load(device, memory);
            CudaBackend backend = new CudaBackend(device, memory, kernels, null, true);
            LOG.info("{}", backend.describe());
            return backend;
        } catch (RuntimeException | Error e) {
            closeQuietly(kernels);
            closeQuietly(memory);
            closeQuietly(device);
            throw e;
        }
    }

    private static CudaBackend createOnDriver(int deviceOrdinal, boolean useVendorLibraries) {
        Cuda.initialize();
        int devices = Cuda.deviceCount();
        if (deviceOrdinal < 0 || deviceOrdinal >= devices) {
            throw new BackendUnavailableException("CUDA backend unavailable: device " + deviceOrdinal
                    + " does not exist (" + devices + " CUDA device(s) found)");
        }
        CudaContext context;
        try {
            context = new CudaContext(deviceOrdinal);
        } catch (CudaException e) {
            // For example a device in exclusive or prohibited compute mode, or one already full.
            throw new BackendUnavailableException("CUDA backend unavailable: could not open device " + deviceOrdinal
                    + ": " + e.getMessage(), e);
        }
        DeviceMemory memory = null;
        Kernels kernels = null;
        VendorLibraries libs = null;
        try {
            memory = new DeviceMemory(context);
            try {
                kernels = Kernels.load(context, memory);
            } catch (CudaException e) {
                throw new BackendUnavailableException("CUDA backend unavailable on device " + deviceOrdinal + " ("
                        + context.name() + ", driver CUDA " + Cuda.versionString(Cuda.driverVersion())
                        + "): the kernels did not load: " + e.getMessage(), e);
            }
            libs = useVendorLibraries ? VendorLibraries.open(context) : null;
            CudaBackend backend = new CudaBackend(context, memory, kernels, libs, false);
            LOG.info("{}", backend.describe());
            return backend;
        } catch (RuntimeException | Error e) {
            closeQuietly(libs);
            closeQuietly(kernels);
            closeQuietly(memory);
            closeQuietly(context);
            throw e;
        }
    }

    /**
     * Whether a device of the kind {@value DeviceKind#PROPERTY} selects can be used here; never
     * throws, never crashes on a machine without a driver. The reason when it cannot is in
     * {@link #unavailableReason()}.
     */
    public static boolean isAvailable() {
        return unavailableReason() == null;
    }

    /** Why a device of the kind {@value DeviceKind#PROPERTY} selects cannot be used here, or null. */
    public static String unavailableReason() {
        return unavailableReason(DeviceKind.selected());
    }

    /** Whether a device of {@code kind} can be used here. */
    public static boolean isAvailable(DeviceKind kind) {
        return unavailableReason(kind) == null;
    }

    /**
     * Why a device of {@code kind} cannot be used here, or null when it can: for the driver, why
     * it did not load or found no device; for the emulated device, why it cannot be built (no
     * C++ compiler); for {@link DeviceKind#AUTO}, both reasons when neither can.
     */
    public static String unavailableReason(DeviceKind kind) {
        return switch (kind) {
            case DRIVER -> driverUnavailableReason();
            case EMULATED -> EmulatedDevice.unavailableReason();
            case AUTO -> {
                String driver = driverUnavailableReason();
                String emulator = driver == null ? null : EmulatedDevice.unavailableReason();
                yield driver == null || emulator == null ? null : driver + "; and the " + emulator;
            }
        };
    }

    private static String driverUnavailableReason() {
        try {
            Cuda.initialize();
            return null;
        } catch (BackendUnavailableException e) {
            return e.getMessage();
        } catch (Throwable t) {
            return "CUDA backend unavailable: " + t;
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception ignored) {
                // Cleaning up after a failed start: the original failure is the one to report.
            }
        }
    }

    // ---- identity -----------------------------------------------------------------------------

    @Override
    public String name() {
        return "cuda";
    }

    /** Host threads: one; the parallelism is on the device. */
    @Override
    public int threads() {
        return 1;
    }

    @Override
    public boolean isHost() {
        return false;
    }

    /** Device name, compute capability, driver version and which libraries run. */
    public String describe() {
        if (emulated) {
            return "CUDA backend on the " + context.name() + ": kernels compiled by g++ from the .cu sources, run on"
                    + " the CPU; CSR SpMV: Solvent kernels; BLAS-1: Solvent kernels (no cuSPARSE or cuBLAS on the"
                    + " emulated device)";
        }
        return "CUDA backend on device " + context.ordinal() + " (" + context.name() + ", compute capability "
                + context.computeCapability() + ", " + context.multiprocessors() + " SMs), driver CUDA "
                + Cuda.versionString(Cuda.driverVersion()) + "; CSR SpMV: "
                + (usesCusparse() ? "cuSPARSE" : "Solvent kernels") + "; BLAS-1: "
                + (usesCublas() ? "cuBLAS" : "Solvent kernels");
    }

    public String deviceName() {
        return context.name();
    }

    public int deviceOrdinal() {
        return context.ordinal();
    }

    /** Whether this backend runs on the emulated device (the kernels on the host CPU) rather than a GPU. */
    public boolean isEmulated() {
        return emulated;
    }

    /** The most blocks one kernel launch uses (8 per multiprocessor). */
    public int maxBlocks() {
        return kernels.maxBlocks();
    }

    /** Whether CSR SpMV runs on cuSPARSE (else the project's kernels). */
    public boolean usesCusparse() {
        return libs != null && libs.hasCusparse();
    }

    /** Whether dot/axpy/scale run on cuBLAS (else the project's kernels). */
    public boolean usesCublas() {
        return libs != null && libs.hasCublas();
    }

    /** Free and total device memory in bytes ({@code cuMemGetInfo}), for the whole device. */
    public record MemoryInfo(long freeBytes, long totalBytes) {
    }

    public synchronized MemoryInfo memoryInfo() {
        begin();
        long[] info = context.memoryInfo();
        return new MemoryInfo(info[0], info[1]);
    }

    /** Bytes of device memory this backend currently holds (vectors, matrices, workspaces). */
    public long liveDeviceBytes() {
        return memory.liveBytes();
    }

    /** Frees now the device memory of vectors and matrices that are no longer reachable. */
    public void reclaim() {
        memory.reclaim();
    }

    /**
     * Frees a vector's device memory now; using it afterwards throws. After the backend itself is
     * closed this does nothing: closing the backend already freed all its memory.
     */
    public synchronized void release(Vector v) {
        if (closed) {
            return;
        }
        begin();
        buf(v).close();
    }

    /** Waits for all queued kernels; surfaces an asynchronous kernel error as a {@link CudaException}. */
    public synchronized void synchronize() {
        begin();
        context.synchronize();
    }

    // ---- vectors ------------------------------------------------------------------------------

    // ---- for the OT and DCDM kernels of this package (CudaDualKernels, ConvKernels), which call ----
    // ---- them holding this backend's lock -----------------------------------------------------------

    Kernels kernels() {
        return kernels;
    }

    DeviceMemory memory() {
        return memory;
    }

    /** The device memory of a vector of this backend. */
    DeviceBuffer buffer(Vector v) {
        return buf(v);
    }

    /** Makes the context current on this thread; callers hold this backend's lock. */
    void enter() {
        begin();
    }

    void begin() {
        if (closed) {
            throw new IllegalStateException("the CUDA backend has been closed");
        }
        context.makeCurrent();
    }

    DeviceBuffer buf(Vector v) {
        if (v instanceof DeviceVector dv && dv.owner == this) {
            if (dv.buffer.isFreed()) {
                throw new IllegalStateException("vector used after CudaBackend.release");
            }
            return dv.buffer;
        }
        throw new IllegalArgumentException("expected a vector of this CUDA backend, got "
                + (v == null ? "null" : v.getClass().getName())
                + " (vectors must be used with the backend that allocated them)");
    }

    private static void sameLength(Vector a, Vector b) {
        if (a.length() != b.length()) {
            throw new IllegalArgumentException("vector lengths differ: " + a.length() + " and " + b.length());
        }
    }

    private static void distinct(Vector a, Vector b, String what) {
        if (a == b) {
            throw new IllegalArgumentException(what + " must be different vectors");
        }
    }

    private DeviceVector newVector(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("negative vector length " + n);
        }
        DeviceBuffer b = memory.allocate(8L * n, null);
        DeviceVector v = new DeviceVector(this, b, n);
        b.freeWhenUnreachable(v);
        return v;
    }

    @Override
    public synchronized Vector allocate(int n) {
        begin();
        DeviceVector v = newVector(n);
        v.buffer.zero(8L * n);
        return v;
    }

    /** Not possible: device memory cannot alias a Java array. */
    @Override
    public Vector wrap(double[] values) {
        throw new UnsupportedOperationException("the CUDA backend keeps vectors in device memory and cannot wrap a"
                + " Java array; use upload and download");
    }

    @Override
    public synchronized Vector upload(double[] values) {
        begin();
        DeviceVector v = newVector(values.length);
        v.buffer.upload(values);
        return v;
    }

    @Override
    public synchronized void download(Vector v, double[] dst) {
        begin();
        if (v.length() != dst.length) {
            throw new IllegalArgumentException("vector lengths differ: " + v.length() + " and " + dst.length);
        }
        buf(v).download(dst);
    }

    @Override
    public synchronized BoundOperator bind(LinearOperator op) {
        begin();
        if (op instanceof CsrMatrix m) {
            return new CudaCsr(m, memory);
        }
        if (op instanceof DeviceCsrOperator d) {
            if (d.owner() != this) {
                throw new IllegalArgumentException("this device matrix belongs to another CUDA backend");
            }
            return new CudaCsr(d, memory);
        }
        if (op instanceof Stencil7Operator s) {
            return new CudaStencil(s);
        }
        if (!warnedHostOperator) {
            warnedHostOperator = true;
            LOG.warn("no CUDA kernel for {}: it will be applied on the host, copying each vector both ways",
                    op.getClass().getSimpleName());
        }
        return new HostOperator(op);
    }

    // ---- BLAS-1 -------------------------------------------------------------------------------

    @Override
    public synchronized void fill(Vector x, double value) {
        begin();
        kernels.fill(x.length(), value, buf(x));
    }

    @Override
    public synchronized void copy(Vector src, Vector dst) {
        begin();
        sameLength(src, dst);
        if (src != dst) {
            buf(dst).copyFrom(buf(src), 8L * src.length());
        }
    }

    @Override
    public synchronized double dot(Vector x, Vector y) {
        begin();
        sameLength(x, y);
        return usesCublas() ? libs.dot(x.length(), buf(x), buf(y)) : kernels.dot(x.length(), buf(x), buf(y));
    }

    @Override
    public synchronized void axpy(double alpha, Vector x, Vector y) {
        begin();
        sameLength(x, y);
        if (usesCublas()) {
            libs.axpy(x.length(), alpha, buf(x), buf(y));
        } else {
            kernels.axpy(x.length(), alpha, buf(x), buf(y));
        }
    }

    @Override
    public synchronized void scale(double alpha, Vector x) {
        begin();
        if (usesCublas()) {
            libs.scale(x.length(), alpha, buf(x));
        } else {
            kernels.scale(x.length(), alpha, buf(x));
        }
    }

    // ---- operator kernels ---------------------------------------------------------------------

    private BoundOperator own(BoundOperator a) {
        if (a instanceof CudaCsr m && !m.allocatedBy(memory)) {
            throw new IllegalArgumentException("this matrix was bound by another CUDA backend: bind it with this one");
        }
        if (a instanceof CudaCsr || a instanceof CudaStencil || a instanceof HostOperator) {
            return a;
        }
        throw new IllegalArgumentException("expected an operator bound by a CUDA backend, got "
                + a.getClass().getName() + " (bind the operator with this backend)");
    }

    /** Lanes per row for the CSR kernels on {@code m}: its own choice unless one is forced. */
    private int rowGroup(CudaCsr m) {
        int forced = forcedRowGroup;
        return forced == 0 ? m.rowGroup : forced;
    }

    /**
     * Forces the lanes per row of every CSR kernel (1, 2, 4, ..., 32), or with 0 restores each
     * matrix's choice ({@link Kernels#rowGroup}). For measuring the choice, not for tuning.
     */
    void forceRowGroup(int group) {
        forcedRowGroup = group == 0 ? 0 : Kernels.checkRowGroup(group);
    }

    private static void checkApply(BoundOperator a, Vector x, Vector y) {
        if (x.length() != a.cols()) {
            throw new IllegalArgumentException("input vector has length " + x.length() + " but the operator has "
                    + a.cols() + " columns");
        }
        if (y.length() != a.rows()) {
            throw new IllegalArgumentException("output vector has length " + y.length() + " but the operator has "
                    + a.rows() + " rows");
        }
        distinct(x, y, "input and output");
    }

    private void hostApply(HostOperator h, Vector x, Vector y) {
        double[] hx = new double[x.length()];
        double[] hy = new double[y.length()];
        buf(x).download(hx);
        h.operator.apply(hx, hy);
        buf(y).upload(hy);
    }

    @Override
    public synchronized void apply(BoundOperator a, Vector x, Vector y) {
        begin();
        checkApply(own(a), x, y);
        if (a instanceof CudaCsr m) {
            if (usesCusparse()) {
                m.cusparse(libs).spmv(1.0, buf(x), 0.0, buf(y));
            } else {
                kernels.csrSpmv(m.rows(), rowGroup(m), m.rowPtr, m.colIdx, m.values, buf(x), buf(y));
            }
        } else if (a instanceof CudaStencil s) {
            kernels.stencilSpmv(s.stencil, buf(x), buf(y));
        } else {
            hostApply((HostOperator) a, x, y);
        }
    }

    @Override
    public synchronized double applyDot(BoundOperator a, Vector p, Vector q) {
        begin();
        checkApply(own(a), p, q);
        sameLength(p, q);
        if (a instanceof CudaCsr m) {
            if (usesCusparse()) {
                m.cusparse(libs).spmv(1.0, buf(p), 0.0, buf(q));
                return dot(p, q);
            }
            return kernels.csrSpmvDot(m.rows(), rowGroup(m), m.rowPtr, m.colIdx, m.values, buf(p), buf(q));
        }
        if (a instanceof CudaStencil s) {
            return kernels.stencilSpmvDot(s.stencil, buf(p), buf(q));
        }
        hostApply((HostOperator) a, p, q);
        return dot(p, q);
    }

    @Override
    public synchronized double residual(BoundOperator a, Vector b, Vector x, Vector r) {
        begin();
        checkApply(own(a), x, r);
        sameLength(b, r);
        distinct(b, r, "b and r");
        if (a instanceof CudaCsr m) {
            if (usesCusparse()) {
                // r = b, then r = -A x + 1 r.
                copy(b, r);
                m.cusparse(libs).spmv(-1.0, buf(x), 1.0, buf(r));
                return dot(r, r);
            }
            return kernels.csrResidual(m.rows(), rowGroup(m), m.rowPtr, m.colIdx, m.values, buf(b), buf(x), buf(r));
        }
        if (a instanceof CudaStencil s) {
            return kernels.stencilResidual(s.stencil, buf(b), buf(x), buf(r));
        }
        hostApply((HostOperator) a, x, r);
        // r = A x; now r = b - r as -1 (r - b).
        axpy(-1.0, b, r);
        scale(-1.0, r);
        return dot(r, r);
    }

    // ---- fused CG steps -----------------------------------------------------------------------

    @Override
    public synchronized void cgDirection(Vector z, double beta, Vector p) {
        begin();
        sameLength(z, p);
        kernels.cgDirection(p.length(), buf(z), beta, buf(p));
    }

    @Override
    public synchronized double cgUpdate(double alpha, Vector p, Vector q, Vector x, Vector r) {
        begin();
        sameLength(p, q);
        sameLength(p, x);
        sameLength(p, r);
        // The kernel's arguments are __restrict__: the four vectors must not alias.
        distinct(p, q, "p and q");
        distinct(x, r, "x and r");
        distinct(p, x, "p and x");
        distinct(p, r, "p and r");
        distinct(q, x, "q and x");
        distinct(q, r, "q and r");
        return kernels.cgUpdate(p.length(), alpha, buf(p), buf(q), buf(x), buf(r));
    }

    @Override
    public synchronized double diagonalScaleDot(Vector d, Vector r, Vector z) {
        begin();
        sameLength(d, r);
        sameLength(d, z);
        distinct(r, z, "r and z");
        distinct(d, z, "d and z");
        return kernels.diagScaleDot(d.length(), buf(d), buf(r), buf(z));
    }

    // ---- multigrid ----------------------------------------------------------------------------

    @Override
    public synchronized void upload(double[] values, Vector dst) {
        begin();
        if (values.length != dst.length()) {
            throw new IllegalArgumentException("vector lengths differ: " + values.length + " and " + dst.length());
        }
        buf(dst).upload(values);
    }

    /**
     * {@code y += alpha A x}: cuSPARSE SpMV with beta = 1 where it loads, else
     * {@code solvent_csr_spmv_add}; {@code solvent_stencil7_spmv_add} on a stencil; a host
     * operator on the host (copies both ways).
     */
    @Override
    public synchronized void applyAdd(BoundOperator a, double alpha, Vector x, Vector y) {
        begin();
        checkApply(own(a), x, y);
        if (a instanceof CudaCsr m) {
            if (usesCusparse()) {
                m.cusparse(libs).spmv(alpha, buf(x), 1.0, buf(y));
            } else {
                kernels.csrSpmvAdd(m.rows(), rowGroup(m), alpha, m.rowPtr, m.colIdx, m.values, buf(x), buf(y));
            }
        } else if (a instanceof CudaStencil s) {
            kernels.stencilSpmvAdd(s.stencil, alpha, buf(x), buf(y));
        } else {
            double[] hx = new double[x.length()];
            double[] hy = new double[y.length()];
            double[] t = new double[y.length()];
            buf(x).download(hx);
            buf(y).download(hy);
            ((HostOperator) a).operator.apply(hx, t);
            for (int i = 0; i < hy.length; i++) {
                hy[i] += alpha * t[i];
            }
            buf(y).upload(hy);
        }
    }

    /**
     * The fused smoother step ({@code solvent_csr_smoother_step}, {@code solvent_stencil7_smoother_step},
     * {@code solvent_smoother_start} for x = null); a host operator on the host.
     */
    @Override
    public synchronized void smootherStep(BoundOperator a, Vector b, Vector x, Vector dinv, double c1, double c2,
                                          Vector d, Vector xOut) {
        begin();
        sameLength(b, dinv);
        sameLength(b, d);
        sameLength(b, xOut);
        distinct(d, xOut, "d and xOut");
        distinct(b, xOut, "b and xOut");
        distinct(b, d, "b and d");
        if (x == null) {
            kernels.smootherStart(b.length(), buf(b), buf(dinv), c1, c2, buf(d), buf(xOut));
            return;
        }
        checkApply(own(a), x, xOut);
        sameLength(b, x);
        distinct(x, d, "x and d");
        if (a instanceof CudaCsr m) {
            kernels.csrSmootherStep(m.rows(), rowGroup(m), m.rowPtr, m.colIdx, m.values, buf(b), buf(x), buf(dinv), c1, c2, buf(d),
                    buf(xOut));
        } else if (a instanceof CudaStencil s) {
            kernels.stencilSmootherStep(s.stencil, buf(b), buf(x), buf(dinv), c1, c2, buf(d), buf(xOut));
        } else {
            int n = b.length();
            double[] hb = new double[n];
            double[] hx = new double[n];
            double[] hd = new double[n];
            double[] hdinv = new double[n];
            double[] ax = new double[n];
            buf(b).download(hb);
            buf(x).download(hx);
            buf(d).download(hd);
            buf(dinv).download(hdinv);
            ((HostOperator) a).operator.apply(hx, ax);
            for (int i = 0; i < n; i++) {
                double r = hb[i] - ax[i];
                hd[i] = c1 == 0.0 ? c2 * hdinv[i] * r : c1 * hd[i] + c2 * hdinv[i] * r;
                ax[i] = hx[i] + hd[i];
            }
            buf(d).upload(hd);
            buf(xOut).upload(ax);
        }
    }

    // ---- relaxation ---------------------------------------------------------------------------

    private static CudaCsr csr(BoundOperator a, String kernel) {
        if (a instanceof CudaCsr m) {
            return m;
        }
        throw new UnsupportedOperationException(kernel + " needs an assembled CsrMatrix, got "
                + a.source().getClass().getSimpleName());
    }

    /** One natural-order SOR sweep, one launch per dependency level (see {@link #sorSweep(BoundOperator, Vector, Vector, double, SweepDirection, Ordering)}). */
    @Override
    public void sorSweep(BoundOperator a, Vector b, Vector x, double omega, SweepDirection direction) {
        sorSweep(a, b, x, omega, direction, Ordering.NATURAL);
    }

    /**
     * One SOR sweep in the given ordering: groups (dependency levels, or colours) in order for
     * {@link SweepDirection#FORWARD}, reversed for {@code BACKWARD}, both for {@code SYMMETRIC}; one
     * launch per group.
     */
    @Override
    public synchronized void sorSweep(BoundOperator a, Vector b, Vector x, double omega, SweepDirection direction,
                                      Ordering ordering) {
        begin();
        CudaCsr m = csr(own(a), "SOR");
        checkApply(m, x, b);
        distinct(b, x, "b and x");
        Kernels.ColouredCsr c = m.scheduled(ordering);
        DeviceBuffer bb = buf(b);
        DeviceBuffer xx = buf(x);
        if (direction != SweepDirection.BACKWARD) {
            for (int k = 0; k < c.colourPtr().length - 1; k++) {
                kernels.colourSor(c, k, bb, xx, omega);
            }
        }
        if (direction != SweepDirection.FORWARD) {
            for (int k = c.colourPtr().length - 2; k >= 0; k--) {
                kernels.colourSor(c, k, bb, xx, omega);
            }
        }
    }

    /** The natural-order SSOR preconditioner, one launch per dependency level and pass. */
    @Override
    public double ssorApplyDot(BoundOperator a, Vector r, Vector z, double omega) {
        return ssorApplyDot(a, r, z, omega, Ordering.NATURAL);
    }

    /**
     * The SSOR preconditioner in the given ordering ({@link MulticolorOrdering#ssorApplyDot} for
     * the multicolour one, the lexicographic SSOR of the reference backend for the natural one);
     * symmetric positive definite for SPD A in either, but different preconditioners.
     */
    @Override
    public synchronized double ssorApplyDot(BoundOperator a, Vector r, Vector z, double omega, Ordering ordering) {
        begin();
        CudaCsr m = csr(own(a), "SSOR");
        checkApply(m, r, z);
        return kernels.colourSsorApplyDot(m.scheduled(ordering), buf(r), buf(z), omega);
    }

    /** Groups the rows (levels or colours) and uploads the grouping now; returns what it built. */
    @Override
    public synchronized java.util.Map<String, Object> prepareRelaxation(BoundOperator a, Ordering ordering) {
        begin();
        CudaCsr m = csr(own(a), "relaxation");
        Kernels.ColouredCsr c = m.scheduled(ordering);
        java.util.Map<String, Object> report = new java.util.LinkedHashMap<>();
        report.put("ordering", ordering.label());
        report.put(ordering == Ordering.NATURAL ? "levels" : "colours", c.colourPtr().length - 1);
        report.put("rows", "one kernel launch per " + (ordering == Ordering.NATURAL ? "level" : "colour")
                + ", its rows in parallel on the device");
        return report;
    }

    /** Uploads the factor with its level schedule ({@link CudaFactor}). */
    @Override
    public synchronized BoundOperator bindTriangularFactor(CsrMatrix lower) {
        begin();
        return new CudaFactor(java.util.Objects.requireNonNull(lower, "lower"), memory);
    }

    /**
     * {@code L L^T z = r} on the device, level by level (a factor bound by {@link #bind} is given its
     * level schedule on first use); returns {@code r . z}.
     */
    @Override
    public synchronized double choleskySolveDot(BoundOperator lower, Vector r, Vector z) {
        begin();
        CudaFactor f;
        if (lower instanceof CudaFactor cf) {
            if (!cf.allocatedBy(memory)) {
                throw new IllegalArgumentException("this factor was bound by another CUDA backend: bind it with this one");
            }
            f = cf;
        } else {
            f = csr(own(lower), "the triangular solve").factor();
        }
        f.checkOpen();
        checkApply(f, r, z);
        return kernels.icSolveDot(f.device, buf(r), buf(z));
    }

    /**
     * Frees a buffer this package handed out ({@link DeviceFloats}, {@link DeviceIndices}) now;
     * nothing once it is freed or after this backend closed (closing freed everything).
     */
    synchronized void free(DeviceBuffer buffer) {
        if (!closed && !buffer.isFreed()) {
            begin();
            buffer.close();
        }
    }

    @Override
    public synchronized boolean isClosed() {
        return closed;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            context.makeCurrent();
            if (libs != null) {
                libs.close();
            }
            kernels.close();
            memory.close();
        } finally {
            context.close();
        }
    }

    @Override
    public String toString() {
        return closed ? "CudaBackend[closed]" : "CudaBackend[" + context.name() + "]";
    }
}
