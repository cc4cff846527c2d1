package dev.solvent.cuda;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solvent.cuda.internal.EmulatedDevice;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * Helpers of the gpu-tagged tests: a backend on device 0, or a skipped test (never a passed one)
 * where the CUDA backend cannot run.
 *
 * <p>Which device: the kind {@code solvent.cuda.kind} selects. Maven runs the tests with
 * {@code auto}: on a GPU where the driver finds one, else on the emulated device (the kernels
 * compiled by g++ and run on the CPU), else they skip saying why. The emulated device is hundreds
 * of times slower than a GPU, so some tests use smaller problems or counts there
 * ({@link #emulated}); every kernel still runs.
 */
final class Gpu {

    /** Grid cap of an H100 or H200 SXM: 132 multiprocessors, 8 resident blocks of 256 threads each. */
    static final int H200_BLOCKS = EmulatedDevice.DEFAULT_MULTIPROCESSORS * EmulatedDevice.BLOCKS_PER_MULTIPROCESSOR;

    private Gpu() {
    }

    /** A new backend on device 0, or skips the calling test/class with the reason. */
    static CudaBackend backend(boolean useVendorLibraries) {
        String why = CudaBackend.unavailableReason();
        Assumptions.assumeTrue(why == null, () -> "no usable GPU: " + why);
        return CudaBackend.create(0, useVendorLibraries);
    }

    /** Whether the gpu tests run on the emulated device here (no usable GPU, the kind auto or emulated). */
    static boolean emulated() {
        return switch (DeviceKind.selected()) {
            case EMULATED -> true;
            case AUTO -> !CudaBackend.isAvailable(DeviceKind.DRIVER);
            case DRIVER -> false;
        };
    }

    /**
     * Whether the emulated device's kernels are built with sanitizers ({@code
     * solvent.cuda.emulator.sanitize}, the emulator-sanitize profile): several times slower again,
     * so the tests keep to small grids and counts there.
     */
    static boolean sanitized() {
        return emulated() && !System.getProperty("solvent.cuda.emulator.sanitize", "").isBlank();
    }

    /**
     * The backends a conformance test runs on, or an empty list where none can run. On a GPU: with
     * cuSPARSE/cuBLAS where they load, and with the project's kernels only. On the emulated device
     * (no vendor libraries there) three grid caps instead: an H100/H200's 1056 resident blocks, a
     * grid of one block (every grid-stride loop strides), and 5 blocks (a small odd grid); with
     * sanitizers, 8 blocks (one multiprocessor) in place of the H100/H200 grid.
     */
    static List<CudaBackend> conformanceBackends() {
        if (!CudaBackend.isAvailable()) {
            return List.of();
        }
        if (emulated()) {
            return List.of(CudaBackend.createEmulated(sanitized() ? EmulatedDevice.BLOCKS_PER_MULTIPROCESSOR : H200_BLOCKS),
                    CudaBackend.createEmulated(1), CudaBackend.createEmulated(5));
        }
        return List.of(CudaBackend.create(0, true), CudaBackend.create(0, false));
    }

    /** How a conformance backend is named in messages. */
    static String label(CudaBackend b) {
        if (b.isEmulated()) {
            return "emulated/" + b.maxBlocks() + (b.maxBlocks() == 1 ? " block" : " blocks");
        }
        return (b.usesCusparse() ? "cuSPARSE" : "kernels") + "/" + (b.usesCublas() ? "cuBLAS" : "kernels");
    }

    /** |e_i - a_i| <= tol * max(1, max_i |e_i|) for all i. */
    static void assertClose(double[] expected, double[] actual, double tol, String what) {
        assertTrue(expected.length == actual.length, what + ": lengths differ");
        double scale = 1.0;
        for (double e : expected) {
            scale = Math.max(scale, Math.abs(e));
        }
        for (int i = 0; i < expected.length; i++) {
            double err = Math.abs(expected[i] - actual[i]);
            if (!(err <= tol * scale)) {
                throw new AssertionError(what + ": entry " + i + " is " + actual[i] + ", expected " + expected[i]
                        + " (error " + err + " > " + tol * scale + ")");
            }
        }
    }

    /** |expected - actual| <= tol * max(1, magnitude). */
    static void assertClose(double expected, double actual, double magnitude, double tol, String what) {
        double err = Math.abs(expected - actual);
        if (!(err <= tol * Math.max(1.0, magnitude))) {
            throw new AssertionError(what + ": " + actual + ", expected " + expected + " (error " + err + ")");
        }
    }

    /** sum |x_i y_i|, the scale of a dot product's rounding error. */
    static double absDot(double[] x, double[] y) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += Math.abs(x[i] * y[i]);
        }
        return s;
    }
}
