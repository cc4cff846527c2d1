package dev.solvent.cuda;

import dev.solvent.backend.BoundOperator;
import dev.solvent.backend.Vector;
import dev.solvent.matrix.CsrMatrix;
import dev.solvent.matrix.LinearOperator;
import dev.solvent.matrix.Stencil7Operator;
import dev.solvent.solve.BoundSolver;
import dev.solvent.solve.ConjugateGradient;
import dev.solvent.solve.SolveResult;
import dev.solvent.solve.SolverOptions;
import java.util.Locale;

/**
 * A small GPU benchmark for machines without Maven (run by gpu-bundle/run-gpu.sh), printing one
 * {@code RESULT} line per measurement. Not a test and not JMH: a quick account of what the
 * kernels reach on a device, for docs/cuda.md.
 *
 * <ul>
 *   <li>device copy bandwidth ({@code cuMemcpyDtoD} of 1 GiB; read + write counted);</li>
 *   <li>SpMV on 3D Poisson at 128^3 and 256^3 as effective GB/s, CSR (our kernel, and cuSPARSE
 *       where it loads) and the matrix-free stencil. Bytes counted: CSR 12 nnz + 4 (n + 1) + 16 n
 *       (matrix, x read once, y written); stencil 16 n;</li>
 *   <li>CG time per iteration (200 iterations at a tolerance it cannot reach);</li>
 *   <li>a full 256^3 CG solve to rtol 1e-8 with b = A 1, its iterations, time and true residual;</li>
 *   <li>AMG-PCG (smoothed aggregation, hierarchy built on the host and uploaded) on the stencil at
 *       each size: setup, a first and a second solve to rtol 1e-8 (the second is what each time
 *       step of a CFD code pays after a re-setup-free step), iterations and true residual;</li>
 *   <li>the lanes per row of the CSR kernels ({@link dev.solvent.cuda.internal.Kernels#rowGroup}):
 *       SpMV on the 7-point matrix at the largest size and on a 27-point matrix at the smallest
 *       (beside cuSPARSE) with 1 to 32 lanes forced, and the largest AMG-PCG solve with each width
 *       forced on every level and with each matrix's own choice.</li>
 * </ul>
 * Arguments: grid sizes (default {@code 128 256}).
 */
public final class GpuBenchmark {

    private GpuBenchmark() {
    }

    private static void result(String what, double value, String unit) {
        System.out.println(String.format(Locale.ROOT, "RESULT %-48s %12.3f %s", what, value, unit));
    }

    public static void main(String[] args) {
        String why = CudaBackend.unavailableReason();
        if (why != null) {
            System.out.println("GPU benchmark not run: " + why);
            System.exit(2);
        }
        int[] sizes = args.length == 0 ? new int[] {128, 256} : java.util.Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        try (CudaBackend own = CudaBackend.create(0, false); CudaBackend libs = CudaBackend.create(0, true)) {
            System.out.println(own.describe());
            System.out.println(libs.describe());
            copyBandwidth(own);
            int largest = 0;
            for (int n : sizes) {
                largest = Math.max(largest, n);
                Stencil7Operator stencil = Stencil7Operator.poisson(n, n, n);
                CsrMatrix csr = poissonCsr(n);
                spmv(own, stencil, n + "^3 stencil", 16.0 * stencil.rows());
                double csrBytes = 12.0 * csr.nnz() + 4.0 * (csr.rows() + 1) + 16.0 * csr.rows();
                spmv(own, csr, n + "^3 CSR (Solvent kernel)", csrBytes);
                if (libs.usesCusparse()) {
                    spmv(libs, csr, n + "^3 CSR (cuSPARSE)", csrBytes);
                }
                cgPerIteration(own, stencil, n + "^3 stencil");
                cgPerIteration(own, csr, n + "^3 CSR (Solvent kernels)");
                if (libs.usesCusparse()) {
                    cgPerIteration(libs, csr, n + "^3 CSR (cuSPARSE/cuBLAS)");
                }
            }
            fullSolve(own, Stencil7Operator.poisson(largest, largest, largest), largest + "^3 stencil");
            laneSweep(own, libs, poissonCsr(largest), largest + "^3 7-point CSR");
            int smallest = java.util.Arrays.stream(sizes).min().getAsInt();
            laneSweep(own, libs, poisson27(smallest), smallest + "^3 27-point CSR");
            for (int n : sizes) {
                amgSolve(own, Stencil7Operator.poisson(n, n, n), n + "^3 stencil", n == largest);
            }
            // The same solves on this machine's processors, for a ratio in the same run.
            dev.solvent.backend.Backend host = dev.solvent.backend.Backends.cpu();
            System.out.println("host CPU backend: " + host.threads() + " threads");
            amgSolve(host, Stencil7Operator.poisson(largest, largest, largest), largest + "^3 stencil, host CPU", false);
            fullSolve(host, Stencil7Operator.poisson(largest, largest, largest), largest + "^3 stencil, host CPU");
            fullSolve(own, poissonCsr(largest), largest + "^3 CSR (Solvent kernels)");
        }
    }

    /** The 7-point Poisson matrix built row by row (CooBuilder would sort 10^8 triplets). */
    static CsrMatrix poissonCsr(int n) {
        int rows = n * n * n;
        int[] rp = new int[rows + 1];
        long nnzEstimate = 7L * rows;
        int[] ci = new int[(int) nnzEstimate];
        double[] v = new double[(int) nnzEstimate];
        int k = 0;
        for (int z = 0; z < n; z++) {
            for (int y = 0; y < n; y++) {
                for (int x = 0; x < n; x++) {
                    int p = x + n * (y + n * z);
                    if (z > 0) { ci[k] = p - n * n; v[k++] = -1; }
                    if (y > 0) { ci[k] = p - n; v[k++] = -1; }
                    if (x > 0) { ci[k] = p - 1; v[k++] = -1; }
                    ci[k] = p;
                    v[k++] = 6;
                    if (x < n - 1) { ci[k] = p + 1; v[k++] = -1; }
                    if (y < n - 1) { ci[k] = p + n; v[k++] = -1; }
                    if (z < n - 1) { ci[k] = p + n * n; v[k++] = -1; }
                    rp[p + 1] = k;
                }
            }
        }
        return CsrMatrix.of(rows, rows, rp, java.util.Arrays.copyOf(ci, k), java.util.Arrays.copyOf(v, k));
    }

    /** A relative residual, in scientific notation (fixed point would print 1e-9 as 0.000). */
    private static void residual(String what, double value) {
        System.out.println(String.format(Locale.ROOT, "RESULT %-48s %12.3e", what, value));
    }

    /** SpMV on {@code a} with 1 to 32 lanes per row forced, then cuSPARSE's where it loads. */
    private static void laneSweep(CudaBackend own, CudaBackend libs, CsrMatrix a, String what) {
        double bytes = 12.0 * a.nnz() + 4.0 * (a.rows() + 1) + 16.0 * a.rows();
        System.out.println(what + ": " + a.rows() + " rows, " + a.nnz() + " nonzeros, own choice "
                + dev.solvent.cuda.internal.Kernels.rowGroup(a.rows(), a.nnz()) + " lanes per row");
        try {
            for (int group = 1; group <= 32; group <<= 1) {
                own.forceRowGroup(group);
                spmv(own, a, what + ", " + group + " lanes per row", bytes);
            }
        } finally {
            own.forceRowGroup(0);
        }
        if (libs.usesCusparse()) {
            spmv(libs, a, what + ", cuSPARSE", bytes);
        }
    }

    /** The 27-point Poisson matrix (26 on the diagonal, -1 to every neighbour in the 3 x 3 x 3 box). */
    static CsrMatrix poisson27(int n) {
        int rows = n * n * n;
        int[] rp = new int[rows + 1];
        int[] ci = new int[27 * rows];
        double[] v = new double[27 * rows];
        int k = 0;
        for (int z = 0; z < n; z++) {
            for (int y = 0; y < n; y++) {
                for (int x = 0; x < n; x++) {
                    int p = x + n * (y + n * z);
                    for (int dz = -1; dz <= 1; dz++) {
                        for (int dy = -1; dy <= 1; dy++) {
                            for (int dx = -1; dx <= 1; dx++) {
                                int xx = x + dx;
                                int yy = y + dy;
                                int zz = z + dz;
                                if (xx < 0 || yy < 0 || zz < 0 || xx >= n || yy >= n || zz >= n) {
                                    continue;
                                }
                                ci[k] = xx + n * (yy + n * zz);
                                v[k++] = dx == 0 && dy == 0 && dz == 0 ? 26 : -1;
                            }
                        }
                    }
                    rp[p + 1] = k;
                }
            }
        }
        return CsrMatrix.of(rows, rows, rp, java.util.Arrays.copyOf(ci, k), java.util.Arrays.copyOf(v, k));
    }

    private static void copyBandwidth(CudaBackend gpu) {
        int n = 1 << 27;
        Vector a = gpu.allocate(n);
        Vector b = gpu.allocate(n);
        gpu.fill(a, 1.0);
        for (int i = 0; i < 3; i++) {
            gpu.copy(a, b);
        }
        int reps = 20;
        gpu.synchronize();
        long t0 = System.nanoTime();
        for (int i = 0; i < reps; i++) {
            gpu.copy(a, b);
        }
        gpu.synchronize();
        double s = (System.nanoTime() - t0) * 1e-9;
        result("device copy 1 GiB (read+write)", 2.0 * 8 * n * reps / s / 1e9, "GB/s");
        gpu.release(a);
        gpu.release(b);
    }

    private static void spmv(CudaBackend gpu, LinearOperator op, String what, double bytes) {
        try (BoundOperator a = gpu.bind(op)) {
            Vector x = gpu.allocate(op.cols());
            Vector y = gpu.allocate(op.rows());
            gpu.fill(x, 1.0);
            for (int i = 0; i < 3; i++) {
                gpu.apply(a, x, y);
            }
            int reps = op.rows() > 4_000_000 ? 20 : 50;
            gpu.synchronize();
            long t0 = System.nanoTime();
            for (int i = 0; i < reps; i++) {
                gpu.apply(a, x, y);
            }
            gpu.synchronize();
            double s = (System.nanoTime() - t0) * 1e-9 / reps;
            result("SpMV " + what, bytes / s / 1e9, "GB/s effective");
            result("SpMV " + what + " time", s * 1e3, "ms");
            gpu.release(x);
            gpu.release(y);
        }
    }

    private static void cgPerIteration(CudaBackend gpu, LinearOperator op, String what) {
        SolverOptions options = SolverOptions.defaults().withRtol(1e-300).withAtol(1e-300).withMaxIterations(200)
                .withRecordHistory(false);
        double[] ones = new double[op.rows()];
        java.util.Arrays.fill(ones, 1.0);
        Vector b = gpu.upload(ones);
        Vector x = gpu.allocate(op.rows());
        try (BoundSolver s = new ConjugateGradient(options).setup(op, gpu)) {
            s.solve(b, x); // warm-up
            SolveResult r = s.solve(b, x);
            result("CG per iteration " + what, r.seconds() / Math.max(1, r.iterations()) * 1e3, "ms");
        }
        gpu.release(b);
        gpu.release(x);
    }

    private static void amgSolve(dev.solvent.backend.Backend gpu, LinearOperator op, String what, boolean laneSweep) {
        double[] ones = new double[op.rows()];
        java.util.Arrays.fill(ones, 1.0);
        double[] b = new double[op.rows()];
        op.apply(ones, b);
        SolverOptions options = SolverOptions.defaults().withRtol(1e-8).withMaxIterations(500).withRecordHistory(false);
        long t0 = System.nanoTime();
        try (BoundSolver s = dev.solvent.solve.Solvers.create("cg", "amg", options).setup(op, gpu)) {
            finish(gpu);
            double setup = (System.nanoTime() - t0) * 1e-9;
            double[] x = new double[op.rows()];
            SolveResult first = s.solve(b, x);
            double[] x2 = new double[op.rows()];
            SolveResult second = s.solve(b, x2);
            System.out.println("AMG-PCG solve " + what + ": " + second);
            result("AMG-PCG " + what + " setup", setup, "s");
            result("AMG-PCG " + what + " first solve", first.seconds(), "s");
            result("AMG-PCG " + what + " second solve", second.seconds(), "s");
            result("AMG-PCG " + what + " iterations", second.iterations(), "");
            result("AMG-PCG " + what + " per iteration", second.seconds() / Math.max(1, second.iterations()) * 1e3, "ms");
            residual("AMG-PCG " + what + " host-checked ||b-Ax||/||b||", relativeResidual(op, b, x2));
            long t1 = System.nanoTime();
            try {
                s.resetup(op);
                finish(gpu);
                result("AMG-PCG " + what + " numeric re-setup", (System.nanoTime() - t1) * 1e-9, "s");
                double[] x3 = new double[op.rows()];
                SolveResult third = s.solve(b, x3);
                result("AMG-PCG " + what + " solve after re-setup", third.seconds(), "s");
                residual("AMG-PCG " + what + " after re-setup host-checked", relativeResidual(op, b, x3));
            } catch (RuntimeException e) {
                System.out.println("AMG-PCG " + what + " re-setup FAILED: " + e);
            }
            if (laneSweep && gpu instanceof CudaBackend cuda) {
                try {
                    for (int group = 1; group <= 32; group <<= 1) {
                        cuda.forceRowGroup(group);
                        double[] xg = new double[op.rows()];
                        SolveResult r = s.solve(b, xg);
                        result("AMG-PCG " + what + " solve, " + group + " lanes per CSR row", r.seconds(), "s, "
                                + r.iterations() + " iterations, host-checked residual "
                                + String.format(Locale.ROOT, "%.3e", relativeResidual(op, b, xg)));
                    }
                } finally {
                    cuda.forceRowGroup(0);
                }
                double[] xa = new double[op.rows()];
                SolveResult r = s.solve(b, xa);
                result("AMG-PCG " + what + " solve, each matrix's own lanes", r.seconds(), "s, "
                        + r.iterations() + " iterations");
            }
        }
    }

    /** Waits for a device backend's queued work; host backends finish as they return. */
    private static void finish(dev.solvent.backend.Backend backend) {
        if (backend instanceof CudaBackend cuda) {
            cuda.synchronize();
        }
    }

    /** ||b - A x|| / ||b|| computed on the host, independent of the device. */
    private static double relativeResidual(LinearOperator op, double[] b, double[] x) {
        double[] ax = new double[op.rows()];
        op.apply(x, ax);
        double rr = 0;
        double bb = 0;
        for (int i = 0; i < b.length; i++) {
            rr += (b[i] - ax[i]) * (b[i] - ax[i]);
            bb += b[i] * b[i];
        }
        return Math.sqrt(rr / bb);
    }

    private static void fullSolve(dev.solvent.backend.Backend gpu, LinearOperator op, String what) {
        double[] ones = new double[op.rows()];
        java.util.Arrays.fill(ones, 1.0);
        double[] b = new double[op.rows()];
        op.apply(ones, b);
        double[] x = new double[op.rows()];
        try (BoundSolver s = new ConjugateGradient(SolverOptions.defaults().withRtol(1e-8).withMaxIterations(20_000)
                .withRecordHistory(false)).setup(op, gpu)) {
            SolveResult r = s.solve(b, x);
            System.out.println("CG solve " + what + ": " + r);
            result("CG solve " + what + " iterations", r.iterations(), "");
            result("CG solve " + what + " time", r.seconds(), "s");
            residual("CG solve " + what + " host-checked ||b-Ax||/||b||", relativeResidual(op, b, x));
        }
    }
}
