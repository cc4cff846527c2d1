package dev.solvent.cuda.internal;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import dev.solvent.backend.BackendUnavailableException;
import dev.solvent.cuda.CudaException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import jcuda.driver.CUresult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The emulated CUDA device: the project's kernels, compiled from their unmodified {@code .cu}
 * sources by the host's C++ compiler ({@code EmulatorBuild}) together with a host emulation of the
 * CUDA execution model ({@code src/main/cuda/emulation}), run on the CPU and called through JNA
 * with the same typed arguments the driver launcher passes. It stands behind the same seams as the
 * CUDA driver ({@link DeviceContext}, {@code DeviceMemory.Device}, {@code Kernels.Device}), so
 * {@code CudaBackend}, {@code CudaDualKernels} and {@code ConvKernels} run on it unchanged.
 *
 * <p>What it checks that no host backend can: the kernels' own logic (reductions, grid-stride
 * loops, colour sweeps, radix selection, compaction, the network layers), every launch's argument
 * count and types against the kernel's C++ parameter list (a Double passed for an int parameter is
 * an error here, and garbage on a GPU), reads and writes past the end of a device buffer (each
 * ends at an inaccessible page; the fault is reported with the kernel, block and thread), reads of
 * device or shared memory nothing wrote (both start as NaN bytes), and barrier discipline: each
 * thread of a block runs as its own context, in an order shuffled at every barrier, and a
 * {@code __syncthreads} or warp operation that not all threads reach, or a deadlock, fails the
 * launch with a {@link CudaException} saying which threads wait where. Launches are synchronous:
 * an error names the kernel that caused it.
 *
 * <p>What it cannot check: the driver and JCuda calls, PTX and its JIT, cuSPARSE and cuBLAS (absent
 * here: the backend runs its own kernels), real warp scheduling and the GPU memory model, timing,
 * and the device's real memory limits.
 *
 * <p>System properties: {@value #MULTIPROCESSORS_PROPERTY} (default {@value #DEFAULT_MULTIPROCESSORS},
 * an H100 or H200 SXM: grids are capped at 8 blocks of 256 threads per multiprocessor, as on the
 * device), {@value #MEMORY_PROPERTY} (bytes of emulated device memory, default 1 GiB),
 * {@value #TIMEOUT_PROPERTY} (seconds a launch may take, default 300), {@value #SCHEDULE_PROPERTY}
 * ({@code shuffled}, {@code ascending} or {@code descending} thread order in each phase) and
 * {@value #SEED_PROPERTY}; the build's properties are in {@code EmulatorBuild}.
 */
public final class EmulatedDevice implements DeviceContext, DeviceMemory.Device {

    private static final Logger LOG = LoggerFactory.getLogger(EmulatedDevice.class);

    public static final String MULTIPROCESSORS_PROPERTY = "solvent.cuda.emulator.multiprocessors";
    public static final String MEMORY_PROPERTY = "solvent.cuda.emulator.memory";
    public static final String TIMEOUT_PROPERTY = "solvent.cuda.emulator.timeout";
    public static final String SCHEDULE_PROPERTY = "solvent.cuda.emulator.schedule";
    public static final String SEED_PROPERTY = "solvent.cuda.emulator.seed";

    /** Multiprocessors of an H100 SXM and of an H200: 132, so 1056 resident blocks of 256 threads. */
    public static final int DEFAULT_MULTIPROCESSORS = 132;

    /** Resident blocks of {@link Kernels#BLOCK} threads per multiprocessor (2048 threads). */
    public static final int BLOCKS_PER_MULTIPROCESSOR = 2048 / Kernels.BLOCK;

    /** Bytes of emulated device memory, shared by every emulated device of the JVM. */
    private static final AtomicLong USED = new AtomicLong();
    private static final Set<String> LAUNCHED = ConcurrentHashMap.newKeySet();

    /** The default sources' library, loaded once per JVM (or the reason it could not be). */
    private static Library library;
    private static RuntimeException libraryFailure;
    /** Libraries of other sources (the emulator's own tests), by where they were built. */
    private static final Map<Path, Library> OTHERS = new ConcurrentHashMap<>();
    private static volatile boolean used;

    private final Library lib;
    private final int maxBlocks;
    private final long capacity;
    private final Set<DeviceMemory.Allocation> live = ConcurrentHashMap.newKeySet();
    private final Launcher launcher = new Launcher();
    private volatile boolean closed;

    /** A kernel of the loaded library: its typed entry point and its parameters. */
    private record Entry(String name, String file, String signature, List<KernelSources.Param> params, Function function) {
    }

    /** The compiled kernels, loaded once per JVM. */
    private static final class Library {
        final Path path;
        final String origin;
        final NativeLibrary lib;
        final Map<String, Entry> kernels = new LinkedHashMap<>();
        final Function alloc;
        final Function free;
        final Function copy;
        final Function lastError;
        final boolean guardPages;

        Library(KernelSources sources, Path path) {
            this.path = path;
            this.origin = sources.origin();
            this.lib = NativeLibrary.getInstance(path.toString());
            this.alloc = lib.getFunction("solvent_emu_alloc");
            this.free = lib.getFunction("solvent_emu_free");
            this.copy = lib.getFunction("solvent_emu_copy");
            this.lastError = lib.getFunction("solvent_emu_last_error");
            this.guardPages = lib.getFunction("solvent_emu_guard_pages").invokeInt(new Object[0]) != 0;
            Map<String, KernelSources.Kernel> declared = new LinkedHashMap<>();
            for (KernelSources.Kernel k : sources.kernels()) {
                declared.put(k.name(), k);
            }
            int count = lib.getFunction("solvent_emu_kernel_count").invokeInt(new Object[0]);
            for (int i = 0; i < count; i++) {
                String name = lib.getFunction("solvent_emu_kernel_name").invokeString(new Object[] {i}, false);
                String file = lib.getFunction("solvent_emu_kernel_file").invokeString(new Object[] {i}, false);
                String signature = lib.getFunction("solvent_emu_kernel_signature").invokeString(new Object[] {i}, false);
                Pointer entry = lib.getFunction("solvent_emu_kernel_launcher").invokePointer(new Object[] {i});
                KernelSources.Kernel k = declared.get(name);
                // The compiler's parameter kinds against the source text's: the two readings must agree.
                if (k == null || !k.signature().equals(signature)) {
                    throw new IllegalStateException("kernel " + name + " in " + file + ": the compiled parameter kinds "
                            + signature + " differ from the source's " + (k == null ? "(not found)" : k.signature()));
                }
                kernels.put(name, new Entry(name, file, signature, k.params(), Function.getFunction(entry)));
            }
            if (!kernels.keySet().equals(declared.keySet())) {
                throw new IllegalStateException("the emulated device registered " + kernels.keySet()
                        + " but the sources define " + declared.keySet());
            }
            configure(Double.parseDouble(System.getProperty(TIMEOUT_PROPERTY, "300")));
        }

        String lastError() {
            return lastError.invokeString(new Object[0], false);
        }

        void configure(double timeoutSeconds) {
            String schedule = System.getProperty(SCHEDULE_PROPERTY, "shuffled").trim().toLowerCase(Locale.ROOT);
            int order = switch (schedule) {
                case "shuffled" -> 0;
                case "ascending" -> 1;
                case "descending" -> 2;
                default -> throw new IllegalArgumentException(SCHEDULE_PROPERTY
                        + " must be shuffled, ascending or descending, got " + schedule);
            };
            long seed = Long.decode(System.getProperty(SEED_PROPERTY, "0x5eed5eed"));
            lib.getFunction("solvent_emu_configure").invokeVoid(new Object[] {timeoutSeconds, order, seed});
        }
    }

    /**
     * Why no emulated device can be made here (no C++ compiler, not Linux), or null. Compiles
     * nothing; a compiler that rejects the sources is an error at {@link #open(int)}, not a reason.
     */
    public static String unavailableReason() {
        String why = EmulatorBuild.unavailableReason();
        return why == null ? null : "emulated CUDA device unavailable: " + why;
    }

    private static synchronized Library library() {
        if (library != null) {
            return library;
        }
        if (libraryFailure != null) {
            throw libraryFailure;
        }
        String why = unavailableReason();
        if (why != null) {
            throw new BackendUnavailableException(why);
        }
        try {
            checkSanitizerRuntime();
            KernelSources sources = KernelSources.locate();
            Path path = EmulatorBuild.library(sources);
            library = new Library(sources, path);
            LOG.info("emulated CUDA device: {} kernels from {} ({}{})", library.kernels.size(), sources.origin(), path,
                    EmulatorBuild.sanitizers().isEmpty() ? "" : ", sanitizers " + EmulatorBuild.sanitizers());
            return library;
        } catch (RuntimeException | LinkageError e) {
            libraryFailure = e instanceof RuntimeException r ? r
                    : new IllegalStateException("the emulated CUDA device did not load: " + e, e);
            throw libraryFailure;
        }
    }

    /**
     * A kernel library built with AddressSanitizer or ThreadSanitizer can only be loaded into a
     * process whose sanitizer runtime was loaded first (else the sanitizer aborts the JVM): checks
     * that it is, from the process's memory map, and says how to arrange it otherwise.
     */
    private static void checkSanitizerRuntime() {
        String sanitize = EmulatorBuild.sanitizers();
        String runtime = sanitize.contains("address") ? "libasan" : sanitize.contains("thread") ? "libtsan" : null;
        if (runtime == null) {
            return;
        }
        String maps;
        try {
            maps = java.nio.file.Files.readString(Path.of("/proc/self/maps"));
        } catch (java.io.IOException e) {
            return;
        }
        if (!maps.contains("/" + runtime)) {
            throw new IllegalStateException("-D" + EmulatorBuild.SANITIZE_PROPERTY + "=" + sanitize + " needs the JVM started"
                    + " with the sanitizer's runtime preloaded: LD_PRELOAD=$(" + EmulatorBuild.cxx() + " -print-file-name="
                    + runtime + ".so) (the emulator-sanitize Maven profile of solver-cuda does this; see docs/cuda.md)");
        }
    }

    /**
     * An emulated device whose kernels launch at most {@code maxBlocks} blocks (the partial-sum
     * buffer's size): {@code 8 * 132 = 1056} is an H100 or H200, {@code 1} a grid of one block.
     *
     * @throws BackendUnavailableException where no C++ compiler is available
     * @throws IllegalStateException       where the compiler rejects the sources
     */
    public static EmulatedDevice open(int maxBlocks) {
        if (maxBlocks < 1) {
            throw new IllegalArgumentException("maxBlocks must be positive, got " + maxBlocks);
        }
        return new EmulatedDevice(library(), maxBlocks);
    }

    /**
     * An emulated device running the kernels of {@code sources} (which must include the emulation
     * files), in a library of their own: for testing the emulator itself with kernels that break
     * its rules on purpose.
     */
    static EmulatedDevice open(int maxBlocks, KernelSources sources) {
        String why = unavailableReason();
        if (why != null) {
            throw new BackendUnavailableException(why);
        }
        checkSanitizerRuntime();
        Path path = EmulatorBuild.library(sources);
        Library l = OTHERS.computeIfAbsent(path, p -> new Library(sources, p));
        return new EmulatedDevice(l, maxBlocks);
    }

    /** Sets how long a launch of this device's library may take before it is reported (and the library retired). */
    void setTimeout(double seconds) {
        lib.configure(seconds);
    }

    /** The grid cap from {@value #MULTIPROCESSORS_PROPERTY}: 8 blocks per emulated multiprocessor. */
    public static int defaultMaxBlocks() {
        int sms = Integer.parseInt(System.getProperty(MULTIPROCESSORS_PROPERTY, String.valueOf(DEFAULT_MULTIPROCESSORS)).trim());
        if (sms < 1) {
            throw new IllegalArgumentException(MULTIPROCESSORS_PROPERTY + " must be positive, got " + sms);
        }
        return sms * BLOCKS_PER_MULTIPROCESSOR;
    }

    private EmulatedDevice(Library lib, int maxBlocks) {
        this.lib = lib;
        this.maxBlocks = maxBlocks;
        used = true;
        this.capacity = Long.parseLong(System.getProperty(MEMORY_PROPERTY, String.valueOf(1L << 30)).trim());
    }

    /** The most blocks a launch uses. */
    public int maxBlocks() {
        return maxBlocks;
    }

    /** Every kernel launched on an emulated device in this JVM so far (for the tests' coverage check). */
    public static Set<String> launchedKernels() {
        return Collections.unmodifiableSet(new TreeSet<>(LAUNCHED));
    }

    /** Whether an emulated device has been opened in this JVM. */
    public static boolean used() {
        return used;
    }

    /** The kernels compiled into the emulated device (loads it when needed). */
    public static Set<String> compiledKernels() {
        return Collections.unmodifiableSet(new TreeSet<>(library().kernels.keySet()));
    }

    /** Where the kernels were compiled from, the library, and whether buffer ends are guarded. */
    public static String describeBuild() {
        Library l = library();
        return l.kernels.size() + " kernels from " + l.origin + " in " + l.path + (l.guardPages
                ? "; device buffers end at guard pages" : "; device buffers from malloc (sanitizer build)")
                + (EmulatorBuild.sanitizers().isEmpty() ? "" : "; -fsanitize=" + EmulatorBuild.sanitizers());
    }

    Kernels.Device launcher() {
        return launcher;
    }

    // ---- DeviceContext ---------------------------------------------------------------------------

    @Override
    public void makeCurrent() {
        if (closed) {
            throw new IllegalStateException("the CUDA backend has been closed");
        }
    }

    /** Launches are synchronous here: nothing is queued. */
    @Override
    public void synchronize() {
        makeCurrent();
    }

    @Override
    public long[] memoryInfo() {
        makeCurrent();
        return new long[] {Math.max(0, capacity - USED.get()), capacity};
    }

    @Override
    public int ordinal() {
        return 0;
    }

    @Override
    public String name() {
        return "emulated CUDA device (host CPU, " + multiprocessors() + " SMs, " + maxBlocks + " blocks at most)";
    }

    @Override
    public String computeCapability() {
        return "emulated";
    }

    @Override
    public int multiprocessors() {
        return (maxBlocks + BLOCKS_PER_MULTIPROCESSOR - 1) / BLOCKS_PER_MULTIPROCESSOR;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    /** Frees whatever device memory is still allocated here (as releasing a context does). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (DeviceMemory.Allocation a : List.copyOf(live)) {
            release(a);
        }
    }

    // ---- device memory -------------------------------------------------------------------------

    @Override
    public int allocate(DeviceMemory owner, long size, DeviceMemory.Allocation[] out) {
        long used = USED.addAndGet(size);
        if (used > capacity) {
            USED.addAndGet(-size);
            return CUresult.CUDA_ERROR_OUT_OF_MEMORY;
        }
        long address = Pointer.nativeValue(lib.alloc.invokePointer(new Object[] {size}));
        if (address == 0) {
            USED.addAndGet(-size);
            return CUresult.CUDA_ERROR_OUT_OF_MEMORY;
        }
        DeviceMemory.Allocation a = new DeviceMemory.Allocation(owner, null, address, size);
        live.add(a);
        out[0] = a;
        return CUresult.CUDA_SUCCESS;
    }

    @Override
    public void free(DeviceMemory.Allocation a) {
        release(a);
    }

    private void release(DeviceMemory.Allocation a) {
        if (live.remove(a)) {
            a.freed = true;
            USED.addAndGet(-a.bytes);
            if (lib.free.invokeInt(new Object[] {new Pointer(a.address)}) != 0) {
                throw new IllegalStateException("the emulated device does not know the buffer at 0x"
                        + Long.toHexString(a.address));
            }
        }
    }

    private static Pointer at(DeviceMemory.Allocation a) {
        if (a.address == 0) {
            throw new IllegalArgumentException("a CUDA driver buffer cannot be used on the emulated device");
        }
        return new Pointer(a.address);
    }

    @Override
    public void upload(DeviceMemory.Allocation dst, double[] src) {
        at(dst).write(0, src, 0, src.length);
    }

    @Override
    public void upload(DeviceMemory.Allocation dst, int[] src) {
        at(dst).write(0, src, 0, src.length);
    }

    @Override
    public void upload(DeviceMemory.Allocation dst, float[] src) {
        at(dst).write(0, src, 0, src.length);
    }

    @Override
    public void download(DeviceMemory.Allocation src, double[] dst) {
        at(src).read(0, dst, 0, dst.length);
    }

    @Override
    public void download(DeviceMemory.Allocation src, int[] dst) {
        at(src).read(0, dst, 0, dst.length);
    }

    @Override
    public void download(DeviceMemory.Allocation src, float[] dst) {
        at(src).read(0, dst, 0, dst.length);
    }

    @Override
    public void copy(DeviceMemory.Allocation dst, DeviceMemory.Allocation src, long bytes) {
        lib.copy.invokeVoid(new Object[] {at(dst), at(src), bytes});
    }

    @Override
    public void zero(DeviceMemory.Allocation dst, long bytes) {
        at(dst).setMemory(0, bytes, (byte) 0);
    }

    // ---- kernels -------------------------------------------------------------------------------

    /** Launches on this device: checks every argument against the kernel's parameters, then calls it. */
    private final class Launcher implements Kernels.Device {
        @Override
        public void launch(String entry, int blocks, Object[] args) {
            makeCurrent();
            Library l = lib;
            Entry k = l.kernels.get(entry);
            if (k == null) {
                throw new IllegalArgumentException("no kernel " + entry);
            }
            if (args.length != k.signature().length()) {
                throw new IllegalArgumentException(entry + " takes " + k.signature().length() + " arguments " + k.params()
                        + ", the launch passed " + args.length);
            }
            Object[] call = new Object[args.length + 2];
            call[0] = blocks;
            call[1] = Kernels.BLOCK;
            for (int i = 0; i < args.length; i++) {
                call[i + 2] = convert(k, i, args[i]);
            }
            LAUNCHED.add(entry);
            int rc = k.function().invokeInt(call);
            if (rc != 0) {
                throw new CudaException(entry + " failed on the emulated device: " + l.lastError(), rc, Cuda.errorName(rc));
            }
        }

        private Object convert(Entry k, int i, Object a) {
            KernelSources.Param p = k.params().get(i);
            char kind = k.signature().charAt(i);
            Object out = switch (kind) {
                case 'i', 'u' -> a instanceof Integer ? a : null;
                case 'l', 'L' -> a instanceof Long ? a : null;
                case 'f' -> a instanceof Float ? a : null;
                case 'd' -> a instanceof Double ? a : null;
                case 'p' -> a instanceof DeviceBuffer b ? at(b.live()) : null;
                default -> null;
            };
            if (out == null) {
                throw new IllegalArgumentException(k.name() + ": argument " + i + " (" + p.type() + " " + p.name() + ") got "
                        + (a == null ? "null" : a.getClass().getSimpleName() + " " + a) + ": the kernel takes "
                        + switch (kind) {
                            case 'i' -> "an int (Integer)";
                            case 'u' -> "an unsigned int (Integer)";
                            case 'l', 'L' -> "a 64-bit integer (Long)";
                            case 'f' -> "a float (Float)";
                            case 'd' -> "a double (Double)";
                            case 'p' -> "a device pointer (DeviceBuffer)";
                            default -> "a type the launcher cannot pass";
                        });
            }
            return out;
        }

        @Override
        public double read(DeviceBuffer buffer) {
            makeCurrent();
            return at(buffer.live()).getDouble(0);
        }

        @Override
        public void zero(DeviceBuffer buffer, long bytes) {
            buffer.zero(bytes);
        }

        /** The library stays loaded for the JVM; the device's memory is freed by {@link EmulatedDevice#close}. */
        @Override
        public void close() {
        }
    }
}
