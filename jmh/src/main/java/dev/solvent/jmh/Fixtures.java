package dev.solvent.jmh;

import dev.solvent.backend.ReferenceBackend;
import dev.solvent.gen.Generators;
import dev.solvent.gen.Problem;
import dev.solvent.matrix.CsrMatrix;
import dev.solvent.solve.BoundSolver;
import dev.solvent.solve.SolverOptions;
import dev.solvent.solve.Solvers;
import java.util.SplittableRandom;
import no.uib.cipr.matrix.sparse.CompRowMatrix;

/**
 * What the benchmarks share: the problems, their conversion to the peers' types, and the checks
 * every benchmark runs once on its own answer. The checks recompute things with plain loops that
 * do not go through the code being timed, so a fast wrong kernel cannot pass.
 */
final class Fixtures {

    /** The relative tolerance every full solve must meet: ||b - Ax|| <= 1e-8 ||b||. */
    static final double RTOL = 1e-8;

    private Fixtures() {
    }

    /** The 3D Poisson problem on a grid^3 grid, b = A 1 (exact solution all ones). */
    static Problem poisson(int grid) {
        return Generators.poisson3d(grid);
    }

    /** Stored entries of the 7-point Laplacian on g^3: 7 per unknown less the 6 g^2 missing at faces. */
    static long poissonNonzeros(long grid) {
        return 7 * grid * grid * grid - 6 * grid * grid;
    }

    /** A fixed pseudo-random vector, so that every run and every library multiplies the same x. */
    static double[] randomVector(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = random.nextDouble(-1.0, 1.0);
        }
        return x;
    }

    /**
     * The same matrix as MTJ's CompRowMatrix. MTJ builds its structure from per-row column lists;
     * the values are then copied straight into its data array, whose order must then be ours,
     * which is checked here rather than assumed.
     */
    static CompRowMatrix toMtj(CsrMatrix a) {
        int n = a.rows();
        int[] rp = a.rowPtr();
        int[] ci = a.colIdx();
        int[][] pattern = new int[n][];
        for (int i = 0; i < n; i++) {
            pattern[i] = java.util.Arrays.copyOfRange(ci, rp[i], rp[i + 1]);
        }
        CompRowMatrix m = new CompRowMatrix(n, a.cols(), pattern);
        if (!java.util.Arrays.equals(m.getRowPointers(), rp) || !java.util.Arrays.equals(m.getColumnIndices(), ci)) {
            throw new IllegalStateException("MTJ laid out the pattern differently from ours");
        }
        System.arraycopy(a.values(), 0, m.getData(), 0, a.nnz());
        return m;
    }

    /** ||b - A x|| / ||b|| with plain sequential loops on the CSR arrays (independent of any backend). */
    static double relativeResidual(CsrMatrix a, double[] b, double[] x) {
        int[] rp = a.rowPtr();
        int[] ci = a.colIdx();
        double[] v = a.values();
        double rr = 0.0;
        double bb = 0.0;
        for (int i = 0; i < a.rows(); i++) {
            double s = 0.0;
            for (int k = rp[i]; k < rp[i + 1]; k++) {
                s += v[k] * x[ci[k]];
            }
            double d = b[i] - s;
            rr += d * d;
            bb += b[i] * b[i];
        }
        return Math.sqrt(rr / bb);
    }

    /** y = A x with plain sequential loops (the reference product for the SpMV checks). */
    static double[] multiply(CsrMatrix a, double[] x) {
        int[] rp = a.rowPtr();
        int[] ci = a.colIdx();
        double[] v = a.values();
        double[] y = new double[a.rows()];
        for (int i = 0; i < a.rows(); i++) {
            double s = 0.0;
            for (int k = rp[i]; k < rp[i + 1]; k++) {
                s += v[k] * x[ci[k]];
            }
            y[i] = s;
        }
        return y;
    }

    /** Throws unless every entry of {@code actual} is within {@code relTol * max|expected|} of {@code expected}. */
    static void checkClose(String what, double[] expected, double[] actual, double relTol) {
        if (expected.length != actual.length) {
            throw new IllegalStateException(what + ": length " + actual.length + ", expected " + expected.length);
        }
        double scale = 0.0;
        for (double e : expected) {
            scale = Math.max(scale, Math.abs(e));
        }
        double bound = relTol * Math.max(scale, Double.MIN_NORMAL);
        for (int i = 0; i < expected.length; i++) {
            double d = Math.abs(expected[i] - actual[i]);
            if (!(d <= bound)) {
                throw new IllegalStateException(what + ": entry " + i + " is " + actual[i] + ", expected "
                        + expected[i] + " (tolerance " + bound + ")");
            }
        }
    }

    /** Throws unless a solve's true relative residual meets the tolerance it was asked for. */
    static void checkConverged(String what, double relativeResidual, double rtol) {
        // A hair of slack: the peers stop on their recursively updated residual, which may drift
        // from the true one by rounding; anything beyond that is a wrong answer.
        if (!(relativeResidual <= rtol * 1.001)) {
            throw new IllegalStateException(what + ": true relative residual " + relativeResidual
                    + " does not meet rtol " + rtol);
        }
    }

    /** Throws unless two relative residuals agree to {@code relTol} of each other. */
    /**
     * A peer stopped after exactly {@code cap} iterations must reach the residual that Solvent's
     * reference CG (same preconditioner name, same cap) reaches: the peers are checked to do the same
     * work, not just any work.
     */
    static void checkAgainstReferenceCg(String what, Problem problem, String pc, int cap, double peerRelativeResidual) {
        double[] xr = new double[problem.size()];
        SolverOptions options = SolverOptions.defaults().withRtol(1e-30).withMaxIterations(cap).withStagnationWindow(0);
        try (ReferenceBackend reference = new ReferenceBackend();
             BoundSolver oracle = Solvers.create("cg", pc, options).setup(problem.matrix(), reference)) {
            oracle.solve(problem.rhs(), xr);
        }
        checkSame(what + " after " + cap + " iterations vs Solvent's reference CG",
                relativeResidual(problem.matrix(), problem.rhs(), xr), peerRelativeResidual, 1e-6);
    }

    static void checkSame(String what, double expected, double actual, double relTol) {
        if (!(Math.abs(expected - actual) <= relTol * Math.abs(expected))) {
            throw new IllegalStateException(what + ": " + actual + ", expected " + expected + " (relative tolerance "
                    + relTol + ")");
        }
    }
}
