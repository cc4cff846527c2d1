package dev.solvent.cuda.internal;

import dev.solvent.cuda.CudaException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;

/**
 * A PTX module loaded from the class path ({@code /dev/solvent/cuda/ptx/NAME.ptx}) into the
 * current context; the driver JIT-compiles it for the device on load.
 */
public final class PtxModule implements AutoCloseable {

    /** Where the PTX resources live on the class path. */
    public static final String RESOURCE_DIR = "/dev/solvent/cuda/ptx/";

    private final String name;
    private final CUmodule module = new CUmodule();
    private boolean closed;

    /** Loads {@code NAME.ptx}; the context must be current. */
    public PtxModule(String name) {
        this.name = name;
        byte[] ptx = readResource(name);
        // cuModuleLoadData takes a NUL-terminated image.
        byte[] image = Arrays.copyOf(ptx, ptx.length + 1);
        int result = JCudaDriver.cuModuleLoadData(module, image);
        if (result != CUresult.CUDA_SUCCESS) {
            String hint = switch (result) {
                case CUresult.CUDA_ERROR_UNSUPPORTED_PTX_VERSION ->
                        ": the driver (CUDA " + Cuda.versionString(Cuda.driverVersion()) + ") does not accept this PTX ISA ("
                                + declared(ptx, ".version") + "); see docs/cuda.md";
                case CUresult.CUDA_ERROR_INVALID_PTX, CUresult.CUDA_ERROR_JIT_COMPILER_NOT_FOUND ->
                        ": the driver's JIT could not compile it (" + declared(ptx, ".target") + ")";
                default -> "";
            };
            throw new CudaException("loading PTX module " + name + ".ptx failed: " + Cuda.errorName(result) + hint,
                    result, Cuda.errorName(result));
        }
    }

    /** The raw PTX text of resource {@code NAME.ptx}. */
    public static byte[] readResource(String name) {
        String path = RESOURCE_DIR + name + ".ptx";
        try (InputStream in = PtxModule.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("PTX resource " + path + " is missing from the class path");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + path, e);
        }
    }

    /** The first line of {@code ptx} that starts with {@code directive}, or "none". */
    public static String declared(byte[] ptx, String directive) {
        for (String line : new String(ptx, StandardCharsets.US_ASCII).split("\n")) {
            if (line.startsWith(directive + " ")) {
                return line.trim();
            }
        }
        return "no " + directive;
    }

    /** The kernel {@code entry} (an {@code extern "C"} name) of this module. */
    public CUfunction function(String entry) {
        CUfunction f = new CUfunction();
        Cuda.check(JCudaDriver.cuModuleGetFunction(f, module, entry), "cuModuleGetFunction(" + name + "." + entry + ")");
        return f;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Cuda.check(JCudaDriver.cuModuleUnload(module), "cuModuleUnload(" + name + ")");
        }
    }
}
