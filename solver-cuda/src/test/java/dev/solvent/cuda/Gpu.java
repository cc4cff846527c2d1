package dev.solvent.cuda;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Assumptions;

/**
 * Helpers of the gpu-tagged tests: a backend on device 0, or a skipped test (never a passed one)
 * where the CUDA backend cannot run.
 */
final class Gpu {

    private Gpu() {
    }

    /** A new backend on device 0, or skips the calling test/class with the reason. */
    static CudaBackend backend(boolean useVendorLibraries) {
        String why = CudaBackend.unavailableReason();
        Assumptions.assumeTrue(why == null, () -> "no usable GPU: " + why);
        return CudaBackend.create(0, useVendorLibraries);
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
