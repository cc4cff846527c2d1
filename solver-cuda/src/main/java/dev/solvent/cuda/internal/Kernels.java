package dev.solvent.cuda.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jcuda.Pointer;
import jcuda.Sizeof;
import jcuda.driver.CUfunction;
import jcuda.driver.JCudaDriver;

/**
 * Typed launchers for the project's own kernels (src/main/cuda, loaded from the PTX resources).
 * The math of each kernel is written over it in the .cu source.
 *
 * <p>Launch shape: {@link #BLOCK} threads per block and grid-stride loops, with the grid capped
 * at what the device keeps resident (8 blocks of 256 threads per multiprocessor), so the partial
 * sums of a reduction always fit one buffer allocated here once. A kernel that ends in a dot
 * product leaves one partial per block; {@code solvent_reduce} sums them in one block and the
 * host copies back that single double: the only device-to-host traffic of an iteration.
 *
 * <p>Launches are asynchronous; only methods that return a double wait for the device. With the
 * system property {@code solvent.cuda.sync=true} every launch is followed by a synchronisation,
 * so that an error names the kernel that caused it.
 *
 * <p>Each launcher passes its arguments as Java values in the kernel's parameter order; a test
 * (KernelLaunchTest) replays every launcher against the parameter lists of the .cu sources and
 * the PTX, so a wrong order or type is caught without a GPU.
 */
public final class Kernels implements AutoCloseable {

    /** Threads per block; must equal SOLVENT_BLOCK in solvent_common.cuh. */
    public static final int BLOCK = 256;

    /** Entry points of blas.ptx that this class launches. */
    public static final List<String> BLAS_ENTRIES = List.of("solvent_fill", "solvent_axpy", "solvent_scale",
            "solvent_dot", "solvent_reduce", "solvent_cg_direction", "solvent_cg_update", "solvent_diag_scale_dot",
            "solvent_smoother_start");
    /** Entry points of spmv.ptx that this class launches. */
    public static final List<String> SPMV_ENTRIES = List.of("solvent_csr_spmv", "solvent_csr_spmv_dot",
            "solvent_csr_residual", "solvent_stencil7_spmv", "solvent_stencil7_spmv_dot", "solvent_stencil7_residual",
            "solvent_csr_spmv_add", "solvent_stencil7_spmv_add", "solvent_csr_smoother_step",
            "solvent_stencil7_smoother_step");
    /** Entry points of relax.ptx that this class launches. */
    public static final List<String> RELAX_ENTRIES = List.of("solvent_colour_sor", "solvent_colour_ssor_forward",
            "solvent_colour_ssor_backward", "solvent_ic_forward", "solvent_ic_backward");
    /** Entry points of ot.ptx (entropic optimal transport) that this class launches. */
    public static final List<String> OT_ENTRIES = List.of("solvent_ot_row_step", "solvent_ot_column_step",
            "solvent_ot_plan_rows", "solvent_ot_plan_cols", "solvent_ot_count_nonfinite", "solvent_ot_null_dot",
            "solvent_ot_null_shift", "solvent_ot_select_begin", "solvent_ot_select_histogram",
            "solvent_ot_select_step", "solvent_ot_count_rows", "solvent_ot_count_cols", "solvent_ot_scan",
            "solvent_ot_fill_rows", "solvent_ot_fill_cols", "solvent_ot_max_pair_sum", "solvent_ot_phi_sum",
            "solvent_ot_step");
    /** Entry points of conv.ptx that this class launches (the DCDM network's float32 layers). */
    public static final List<String> CONV_ENTRIES = List.of("solvent_conv3x3", "solvent_avgpool2",
            "solvent_upsample2_add", "solvent_head", "solvent_scatter", "solvent_gather");

    /** Output channels per thread of solvent_conv3x3; must equal SOLVENT_CONV_GROUP in conv.cu. */
    public static final int CONV_GROUP = 8;

    /**
     * Where launches go. The driver in production ({@link DriverDevice}); the host-run kernels of
     * the {@link EmulatedDevice}; a recorder in the tests that check every launcher's arguments
     * against the kernels' signatures.
     * Arguments are {@link Integer} ({@code int}), {@link Double} ({@code double}) or
     * {@link DeviceBuffer} (a device pointer), in the kernel's parameter order.
     */
    interface Device extends AutoCloseable {
        void launch(String entry, int blocks, Object[] args);

        /** Copies back the first double of {@code buffer}, waiting for queued kernels. */
        double read(DeviceBuffer buffer);

        /** Sets the first {@code bytes} of {@code buffer} to zero, in stream order. */
        void zero(DeviceBuffer buffer, long bytes);

        @Override
        void close();
    }

    /** The real device: the PTX modules loaded into the current context. */
    private static final class DriverDevice implements Device {
        private final PtxModule[] modules;
        private final Map<String, CUfunction> functions = new HashMap<>();
        private final double[] host = new double[1];
        private final boolean syncEachLaunch = Boolean.getBoolean("solvent.cuda.sync");

        DriverDevice() {
            List<PtxModule> loaded = new ArrayList<>();
            try {
                for (String name : List.of("blas", "spmv", "relax", "ot", "conv")) {
                    PtxModule m = new PtxModule(name);
                    loaded.add(m);
                    List<String> entries = switch (name) {
                        case "blas" -> BLAS_ENTRIES;
                        case "spmv" -> SPMV_ENTRIES;
                        case "relax" -> RELAX_ENTRIES;
                        case "conv" -> CONV_ENTRIES;
                        default -> OT_ENTRIES;
                    };
                    for (String entry : entries) {
                        functions.put(entry, m.function(entry));
                    }
                }
            } catch (RuntimeException e) {
                for (PtxModule m : loaded) {
                    try {
                        m.close();
                    } catch (RuntimeException ignored) {
                        // Reporting the load failure matters more than a failed unload.
                    }
                }
                throw e;
            }
            this.modules = loaded.toArray(new PtxModule[0]);
        }

        @Override
        public void launch(String entry, int blocks, Object[] args) {
            CUfunction f = functions.get(entry);
            if (f == null) {
                throw new IllegalArgumentException("no kernel " + entry);
            }
            Pointer[] params = new Pointer[args.length];
            for (int i = 0; i < args.length; i++) {
                Object a = args[i];
                if (a instanceof Integer v) {
                    params[i] = Pointer.to(new int[] {v});
                } else if (a instanceof Double v) {
                    params[i] = Pointer.to(new double[] {v});
                } else if (a instanceof DeviceBuffer b) {
                    params[i] = Pointer.to(b.ptr());
                } else {
                    throw new IllegalArgumentException(entry + ": argument " + i + " has unsupported type " + a);
                }
            }
            Cuda.check(JCudaDriver.cuLaunchKernel(f, blocks, 1, 1, BLOCK, 1, 1, 0, null, Pointer.to(params), null),
                    "cuLaunchKernel(" + entry + ")");
            if (syncEachLaunch) {
                Cuda.check(JCudaDriver.cuCtxSynchronize(), entry + " (solvent.cuda.sync)");
            }
        }

        @Override
        public double read(DeviceBuffer buffer) {
            buffer.download(host);
            return host[0];
        }

        @Override
        public void zero(DeviceBuffer buffer, long bytes) {
            buffer.zero(bytes);
        }

        @Override
        public void close() {
            for (int i = modules.length - 1; i >= 0; i--) {
                modules[i].close();
            }
        }
    }

    private final Device device;
    private final int maxBlocks;
    private final DeviceBuffer partial;
    private final DeviceBuffer result;

    Kernels(Device device, int maxBlocks, DeviceBuffer partial, DeviceBuffer result) {
        this.device = device;
        this.maxBlocks = maxBlocks;
        this.partial = partial;
        this.result = result;
    }

    /**
     * Loads the PTX modules into {@code context} and allocates the reduction buffers: one
     * partial per block of the largest grid (8 blocks of 256 threads per multiprocessor, what the
     * device keeps resident) and one result.
     */
    public static Kernels load(CudaContext context, DeviceMemory memory) {
        context.makeCurrent();
        DriverDevice device = new DriverDevice();
        int maxBlocks = Math.max(1, context.multiprocessors() * (2048 / BLOCK));
        DeviceBuffer partial = null;
        try {
            partial = memory.allocate((long) maxBlocks * Sizeof.DOUBLE, null);
            DeviceBuffer result = memory.allocate(Sizeof.DOUBLE, null);
            return new Kernels(device, maxBlocks, partial, result);
        } catch (RuntimeException e) {
            if (partial != null) {
                partial.close();
            }
            device.close();
            throw e;
        }
    }

    /**
     * The kernels of the emulated device (compiled from the .cu sources, run on the host), with
     * reduction buffers for its grid cap ({@link EmulatedDevice#maxBlocks}).
     */
    public static Kernels load(EmulatedDevice device, DeviceMemory memory) {
        int maxBlocks = device.maxBlocks();
        DeviceBuffer partial = memory.allocate((long) maxBlocks * Sizeof.DOUBLE, null);
        try {
            DeviceBuffer result = memory.allocate(Sizeof.DOUBLE, null);
            return new Kernels(device.launcher(), maxBlocks, partial, result);
        } catch (RuntimeException e) {
            partial.close();
            throw e;
        }
    }

    /** Blocks for a grid-stride loop over {@code n} items. */
    int blocks(long n) {
        return (int) Math.max(1, Math.min(maxBlocks, (n + BLOCK - 1) / BLOCK));
    }

    private void launch(String entry, int blocks, Object... args) {
        device.launch(entry, blocks, args);
    }

    /** Second pass of a reduction over the first {@code blocks} partials; copies the sum back. */
    private double finish(int blocks) {
        launch("solvent_reduce", 1, blocks, partial, result);
        return device.read(result);
    }

    // ---- vector kernels -----------------------------------------------------------------------

    public void fill(int n, double value, DeviceBuffer x) {
        launch("solvent_fill", blocks(n), n, value, x);
    }

    public void axpy(int n, double alpha, DeviceBuffer x, DeviceBuffer y) {
        launch("solvent_axpy", blocks(n), n, alpha, x, y);
    }

    public void scale(int n, double alpha, DeviceBuffer x) {
        launch("solvent_scale", blocks(n), n, alpha, x);
    }

    public double dot(int n, DeviceBuffer x, DeviceBuffer y) {
        int g = blocks(n);
        launch("solvent_dot", g, n, x, y, partial);
        return finish(g);
    }

    public void cgDirection(int n, DeviceBuffer z, double beta, DeviceBuffer pv) {
        launch("solvent_cg_direction", blocks(n), n, z, beta, pv);
    }

    public double cgUpdate(int n, double alpha, DeviceBuffer pv, DeviceBuffer q, DeviceBuffer x, DeviceBuffer r) {
        int g = blocks(n);
        launch("solvent_cg_update", g, n, alpha, pv, q, x, r, partial);
        return finish(g);
    }

    public double diagScaleDot(int n, DeviceBuffer d, DeviceBuffer r, DeviceBuffer z) {
        int g = blocks(n);
        launch("solvent_diag_scale_dot", g, n, d, r, z, partial);
        return finish(g);
    }

    // ---- CSR ----------------------------------------------------------------------------------
    //
    // Every CSR kernel sums a row with a group of `group` lanes (1, 2, 4, 8, 16 or 32; see
    // rowGroup), so a launch covers n * group threads.

    /** Widest lane group per row. */
    public static final int MAX_ROW_GROUP = 32;

    /**
     * The lanes per row for a CSR matrix with {@code nnz} entries in {@code rows} rows: the power of
     * two at or above a quarter of the mean row length (each lane sums about four entries), at most
     * 32. Measured on an H200 (docs/gpu-results.md): 2 lanes for 7-point rows and 8 for 27-point
     * rows were the fastest of the six widths, and the choice per matrix beat every single width
     * forced on all levels of an AMG hierarchy.
     */
    public static int rowGroup(long rows, long nnz) {
        if (rows <= 0) {
            return 1;
        }
        long quarter = (nnz + 4 * rows - 1) / (4 * rows);
        int group = 1;
        while (group < quarter && group < MAX_ROW_GROUP) {
            group <<= 1;
        }
        return group;
    }

    /**
     * {@code group} itself.
     *
     * @throws IllegalArgumentException unless it is a power of two from 1 to {@link #MAX_ROW_GROUP}
     */
    public static int checkRowGroup(int group) {
        if (group < 1 || group > MAX_ROW_GROUP || Integer.bitCount(group) != 1) {
            throw new IllegalArgumentException("lanes per row must be a power of two from 1 to " + MAX_ROW_GROUP
                    + ", got " + group);
        }
        return group;
    }

    private int rowBlocks(int n, int group) {
        return blocks((long) n * checkRowGroup(group));
    }

    public void csrSpmv(int n, int group, DeviceBuffer rp, DeviceBuffer ci, DeviceBuffer v, DeviceBuffer x,
                        DeviceBuffer y) {
        launch("solvent_csr_spmv", rowBlocks(n, group), n, group, rp, ci, v, x, y);
    }

    public double csrSpmvDot(int n, int group, DeviceBuffer rp, DeviceBuffer ci, DeviceBuffer v, DeviceBuffer pv,
                             DeviceBuffer q) {
        int g = rowBlocks(n, group);
        launch("solvent_csr_spmv_dot", g, n, group, rp, ci, v, pv, q, partial);
        return finish(g);
    }

    public double csrResidual(int n, int group, DeviceBuffer rp, DeviceBuffer ci, DeviceBuffer v, DeviceBuffer b,
                              DeviceBuffer x, DeviceBuffer r) {
        int g = rowBlocks(n, group);
        launch("solvent_csr_residual", g, n, group, rp, ci, v, b, x, r, partial);
        return finish(g);
    }

    // ---- 7-point stencil ----------------------------------------------------------------------

    /** Stencil geometry and coefficients, as kernel arguments. */
    public record Stencil(int nx, int ny, int nz, double center, double wx, double wy, double wz) {
        long n() {
            return (long) nx * ny * nz;
        }

        Object[] args(Object... rest) {
            Object[] a = new Object[7 + rest.length];
            a[0] = nx;
            a[1] = ny;
            a[2] = nz;
            a[3] = center;
            a[4] = wx;
            a[5] = wy;
            a[6] = wz;
            System.arraycopy(rest, 0, a, 7, rest.length);
            return a;
        }
    }

    public void stencilSpmv(Stencil s, DeviceBuffer x, DeviceBuffer y) {
        launch("solvent_stencil7_spmv", blocks(s.n()), s.args(x, y));
    }

    public double stencilSpmvDot(Stencil s, DeviceBuffer pv, DeviceBuffer q) {
        int g = blocks(s.n());
        launch("solvent_stencil7_spmv_dot", g, s.args(pv, q, partial));
        return finish(g);
    }

    public double stencilResidual(Stencil s, DeviceBuffer b, DeviceBuffer x, DeviceBuffer r) {
        int g = blocks(s.n());
        launch("solvent_stencil7_residual", g, s.args(b, x, r, partial));
        return finish(g);
    }

    // ---- multigrid ----------------------------------------------------------------------------

    /** {@code y += alpha A x} for the n rows of a CSR matrix (rectangular allowed). */
    public void csrSpmvAdd(int n, int group, double alpha, DeviceBuffer rp, DeviceBuffer ci, DeviceBuffer v,
                           DeviceBuffer x, DeviceBuffer y) {
        launch("solvent_csr_spmv_add", rowBlocks(n, group), n, group, alpha, rp, ci, v, x, y);
    }

    /** {@code y += alpha A x} on the stencil. */
    public void stencilSpmvAdd(Stencil s, double alpha, DeviceBuffer x, DeviceBuffer y) {
        launch("solvent_stencil7_spmv_add", blocks(s.n()), s.args(alpha, x, y));
    }

    /** The smoother step {@code d = c1 d + c2 dinv (b - A x); xout = x + d} on CSR. */
    public void csrSmootherStep(int n, int group, DeviceBuffer rp, DeviceBuffer ci, DeviceBuffer v, DeviceBuffer b,
                                DeviceBuffer x, DeviceBuffer dinv, double c1, double c2, DeviceBuffer d,
                                DeviceBuffer xout) {
        launch("solvent_csr_smoother_step", rowBlocks(n, group), n, group, rp, ci, v, b, x, dinv, c1, c2, d, xout);
    }

    /** The smoother step on the stencil. */
    public void stencilSmootherStep(Stencil s, DeviceBuffer b, DeviceBuffer x, DeviceBuffer dinv, double c1, double c2,
                                    DeviceBuffer d, DeviceBuffer xout) {
        launch("solvent_stencil7_smoother_step", blocks(s.n()), s.args(b, x, dinv, c1, c2, d, xout));
    }

    /** The smoother's first step from x = 0: {@code d = c1 d + c2 dinv b; xout = d}. */
    public void smootherStart(int n, DeviceBuffer b, DeviceBuffer dinv, double c1, double c2, DeviceBuffer d,
                              DeviceBuffer xout) {
        launch("solvent_smoother_start", blocks(n), n, b, dinv, c1, c2, d, xout);
    }

    // ---- scheduled relaxation (colours or dependency levels) -----------------------------------

    /**
     * A CSR matrix with a grouping of its rows on the device, as the relaxation kernels need it:
     * the colours of a multicolouring, or the dependency levels of the natural ordering (then
     * {@code colour} holds each row's level and the kernels compute the lexicographic sweep).
     */
    public record ColouredCsr(int n, DeviceBuffer rp, DeviceBuffer ci, DeviceBuffer v, DeviceBuffer diag,
                              DeviceBuffer order, DeviceBuffer colour, int[] colourPtr) {
        int colours() {
            return colourPtr.length - 1;
        }
    }

    /** SOR over the rows of colour {@code c}, in place in x. */
    public void colourSor(ColouredCsr m, int c, DeviceBuffer b, DeviceBuffer x, double omega) {
        int first = m.colourPtr[c];
        int count = m.colourPtr[c + 1] - first;
        launch("solvent_colour_sor", blocks(count), first, count, m.order, m.rp, m.ci, m.v, m.diag, b, x, omega);
    }

    /**
     * The multicolour SSOR preconditioner: the forward pass over colours 0..C-1, the backward pass
     * over C-1..0 accumulating r.z in the partials, and the final reduction. Returns {@code r . z}.
     */
    public double colourSsorApplyDot(ColouredCsr m, DeviceBuffer r, DeviceBuffer z, double omega) {
        int colours = m.colours();
        for (int c = 0; c < colours; c++) {
            int first = m.colourPtr[c];
            int count = m.colourPtr[c + 1] - first;
            launch("solvent_colour_ssor_forward", blocks(count), first, count, m.order, m.rp, m.ci, m.v, m.diag,
                    m.colour, r, z, omega);
        }
        device.zero(partial, (long) maxBlocks * Sizeof.DOUBLE);
        int used = 1;
        for (int c = colours - 1; c >= 0; c--) {
            int first = m.colourPtr[c];
            int count = m.colourPtr[c + 1] - first;
            int g = blocks(count);
            used = Math.max(used, g);
            launch("solvent_colour_ssor_backward", g, first, count, m.order, m.rp, m.ci, m.v, m.diag, m.colour,
                    r, z, omega, partial);
        }
        return finish(used);
    }

    // ---- IC(0) / MIC(0) triangular solves, level by level ----------------------------------------

    /**
     * An incomplete Cholesky factor on the device as the level-scheduled solves take it
     * (dev.solvent.backend.TriangularFactor's arrays): rows listed level by level in {@code order},
     * level l at {@code order[levelPtr[l] .. levelPtr[l+1])}.
     */
    public record LevelFactor(int n, DeviceBuffer order, int[] levelPtr, DeviceBuffer lp, DeviceBuffer lc,
                              DeviceBuffer lv, DeviceBuffer up, DeviceBuffer uc, DeviceBuffer uv,
                              DeviceBuffer scale) {
        int levels() {
            return levelPtr.length - 1;
        }
    }

    /**
     * Solves {@code L L^T z = r}: the forward pass, one launch per level in order, accumulating
     * {@code r . z} in the partials; the backward pass, one launch per level in reverse; then the
     * reduction. Returns {@code r . z}.
     */
    public double icSolveDot(LevelFactor f, DeviceBuffer r, DeviceBuffer z) {
        device.zero(partial, (long) maxBlocks * Sizeof.DOUBLE);
        int used = 1;
        for (int l = 0; l < f.levels(); l++) {
            int first = f.levelPtr[l];
            int count = f.levelPtr[l + 1] - first;
            int g = blocks(count);
            used = Math.max(used, g);
            launch("solvent_ic_forward", g, first, count, f.order, f.lp, f.lc, f.lv, f.scale, r, z, partial);
        }
        for (int l = f.levels() - 1; l >= 0; l--) {
            int first = f.levelPtr[l];
            int count = f.levelPtr[l + 1] - first;
            launch("solvent_ic_backward", blocks(count), first, count, f.order, f.up, f.uc, f.uv, z);
        }
        return finish(used);
    }

    // ---- entropic optimal transport (ot.cu) ---------------------------------------------------

    /** The device arrays of one transport problem, as the OT kernels take them (see CudaDualKernels). */
    public record OtArrays(int n, int m, DeviceBuffer k, DeviceBuffer kt, DeviceBuffer u, DeviceBuffer v,
                           DeviceBuffer logr, DeviceBuffer logc, DeviceBuffer r, DeviceBuffer c) {
    }

    /** The plan and its sums and extremes, row- and column-major, and the gradient (length n + m). */
    public record OtPlan(DeviceBuffer p, DeviceBuffer pt, DeviceBuffer rowSum, DeviceBuffer colSum,
                         DeviceBuffer rowMax, DeviceBuffer colMax, DeviceBuffer g) {
    }

    /** Blocks for kernels that give one block to each of {@code count} rows (or columns). */
    int lineBlocks(int count) {
        return Math.max(1, Math.min(maxBlocks, count));
    }

    /** Row half-step of Sinkhorn; returns the row marginal error before it. */
    public double otRowStep(OtArrays a) {
        int g = lineBlocks(a.n());
        launch("solvent_ot_row_step", g, a.n(), a.m(), a.k(), a.u(), a.v(), a.logr(), a.r(), partial);
        return finish(g);
    }

    /** Column half-step of Sinkhorn. */
    public void otColumnStep(OtArrays a) {
        launch("solvent_ot_column_step", lineBlocks(a.m()), a.n(), a.m(), a.kt(), a.u(), a.v(), a.logc());
    }

    /** Forms the plan, its sums and maxima and the gradient; returns the marginal error ||g||_1. */
    public double otPlan(OtArrays a, OtPlan p) {
        int gr = lineBlocks(a.n());
        launch("solvent_ot_plan_rows", gr, a.n(), a.m(), a.k(), a.u(), a.v(), a.r(), p.p(), p.rowSum(), p.rowMax(),
                p.g(), partial);
        double rows = finish(gr);
        int gc = lineBlocks(a.m());
        launch("solvent_ot_plan_cols", gc, a.n(), a.m(), a.kt(), a.u(), a.v(), a.c(), p.pt(), p.colSum(), p.colMax(),
                p.g(), partial);
        return rows + finish(gc);
    }

    /** The number of entries of x[0..len) that are NaN or infinite. */
    public double otCountNonFinite(int len, DeviceBuffer x) {
        int g = blocks(len);
        launch("solvent_ot_count_nonfinite", g, len, x, partial);
        return finish(g);
    }

    /** {@code z -= (z.e / e.e) e}, e = (1_n, -1_m), total = n + m. */
    public void otProjectNull(int n, int total, DeviceBuffer z) {
        int g = blocks(total);
        launch("solvent_ot_null_dot", g, n, total, z, partial);
        double coef = finish(g) / total;
        launch("solvent_ot_null_shift", blocks(total), n, total, coef, z);
    }

    /** Work space of the top-k selection: the state (3 longs), the 256-bin histogram, the threshold. */
    public record OtSelect(DeviceBuffer state, DeviceBuffer hist, DeviceBuffer top) {
    }

    /**
     * Leaves in {@code s.top} the value of the {@code keep}-th largest positive entry of the plan
     * (radix selection, eight passes of one byte); nothing is copied back.
     */
    public void otTopThreshold(int total, DeviceBuffer p, int keep, OtSelect s) {
        launch("solvent_ot_select_begin", 1, keep, s.state(), s.hist());
        for (int shift = 56; shift >= 0; shift -= 8) {
            launch("solvent_ot_select_histogram", blocks(total), total, shift, p, s.state(), s.hist());
            launch("solvent_ot_select_step", 1, shift, s.state(), s.hist(), s.top());
        }
    }

    /** Counts the kept entries per row of the sparsified Hessian into sizes and scans them into rowPtr; returns nnz. */
    public int otHessianPattern(OtArrays a, OtPlan p, DeviceBuffer top, double rel, DeviceBuffer sizes,
                                DeviceBuffer rowPtr) {
        launch("solvent_ot_count_rows", lineBlocks(a.n()), a.n(), a.m(), p.p(), p.rowMax(), p.colMax(), top, rel, sizes);
        launch("solvent_ot_count_cols", lineBlocks(a.m()), a.n(), a.m(), p.pt(), p.rowMax(), p.colMax(), top, rel, sizes);
        launch("solvent_ot_scan", 1, a.n() + a.m(), sizes, rowPtr, result);
        return (int) device.read(result);
    }

    /** Fills the column indices and values of the sparsified Hessian, row pointers already made. */
    public void otHessianFill(OtArrays a, OtPlan p, DeviceBuffer top, double rel, double shift, DeviceBuffer rowPtr,
                              DeviceBuffer colIdx, DeviceBuffer values) {
        launch("solvent_ot_fill_rows", lineBlocks(a.n()), a.n(), a.m(), p.p(), p.rowSum(), p.rowMax(), p.colMax(),
                top, rel, shift, rowPtr, colIdx, values);
        launch("solvent_ot_fill_cols", lineBlocks(a.m()), a.n(), a.m(), p.pt(), p.colSum(), p.rowMax(), p.colMax(),
                top, rel, shift, rowPtr, colIdx, values);
    }

    /** {@code max_ij |w_i + w_{n+j}|}. */
    public double otMaxPairSum(int n, int total, DeviceBuffer w) {
        launch("solvent_ot_max_pair_sum", 1, n, total, w, result);
        return device.read(result);
    }

    /** {@code sum_ij P_ij phi(alpha (w_i + w_{n+j}))}. */
    public double otPhiSum(int n, int m, DeviceBuffer p, DeviceBuffer w, double alpha) {
        int g = blocks((long) n * m);
        launch("solvent_ot_phi_sum", g, n, m, p, w, alpha, partial);
        return finish(g);
    }

    /** {@code u += alpha w[0..n), v += alpha w[n..n+m)}. */
    public void otStep(OtArrays a, double alpha, DeviceBuffer w) {
        launch("solvent_ot_step", blocks((long) a.n() + a.m()), a.n(), a.m(), alpha, w, a.u(), a.v());
    }

    // ---- DCDM network layers (float32, channel-innermost) ------------------------------------

    /**
     * 3x3(x3) convolution of {@code in} ({@code cin} channels) into {@code out} ({@code cout}), on
     * an {@code nx x ny x nz} grid ({@code nz = 1} when {@code dims == 2}); ReLU when {@code relu},
     * then {@code + residual} when {@code residual} is not null. One block per 256 voxels and
     * {@link #CONV_GROUP} output channels (not a grid-stride loop: each thread owns one voxel).
     */
    public void conv3x3(int dims, int nx, int ny, int nz, int cin, int cout, DeviceBuffer in, DeviceBuffer w,
                        DeviceBuffer bias, boolean relu, DeviceBuffer residual, DeviceBuffer out) {
        long voxels = (long) nx * ny * nz;
        long groups = (cout + CONV_GROUP - 1) / CONV_GROUP;
        long blocks = Math.max(1, groups * ((voxels + BLOCK - 1) / BLOCK));
        if (blocks > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("convolution grid of " + blocks + " blocks is too large");
        }
        // Without a residual the kernel never reads that pointer; out stands in for it.
        launch("solvent_conv3x3", (int) blocks, dims, nx, ny, nz, cin, cout, in, w, bias, relu ? 1 : 0,
                residual != null ? 1 : 0, residual != null ? residual : out, out);
    }

    /** 2x average pooling of the fine {@code nx x ny x nz} map {@code in} onto the coarse map {@code out}. */
    public void avgPool2(int dims, int nx, int ny, int nz, int ch, DeviceBuffer in, DeviceBuffer out) {
        long items = (long) (nx / 2) * (ny / 2) * (dims == 3 ? nz / 2 : 1) * ch;
        launch("solvent_avgpool2", blocks(items), dims, nx, ny, nz, ch, in, out);
    }

    /** {@code out = gain * upsample2(coarse) + skip} on the fine {@code nx x ny x nz} grid; out may be skip. */
    public void upsample2Add(int dims, int nx, int ny, int nz, int ch, double gain, DeviceBuffer coarse,
                             DeviceBuffer skip, DeviceBuffer out) {
        launch("solvent_upsample2_add", blocks((long) nx * ny * nz * ch), dims, nx, ny, nz, ch, gain, coarse, skip,
                out);
    }

    /** The 1x1 head {@code y = b[0] + sum_c w[c] u[., c]} over {@code voxels} voxels. */
    public void head(int voxels, int ch, DeviceBuffer u, DeviceBuffer w, DeviceBuffer b, DeviceBuffer y) {
        launch("solvent_head", blocks(voxels), voxels, ch, u, w, b, y);
    }

    /** {@code grid[voxel[u]] = (float) (scale r[u])} for the {@code n} unknowns. */
    public void scatter(int n, double scale, DeviceBuffer r, DeviceBuffer voxel, DeviceBuffer grid) {
        launch("solvent_scatter", blocks(n), n, scale, r, voxel, grid);
    }

    /** {@code q[u] = y[voxel[u]]} for the {@code n} unknowns. */
    public void gather(int n, DeviceBuffer y, DeviceBuffer voxel, DeviceBuffer q) {
        launch("solvent_gather", blocks(n), n, y, voxel, q);
    }

    public int maxBlocks() {
        return maxBlocks;
    }

    @Override
    public void close() {
        partial.close();
        result.close();
        device.close();
    }
}
