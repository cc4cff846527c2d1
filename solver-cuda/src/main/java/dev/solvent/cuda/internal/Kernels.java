package dev.solvent.cuda.internal;

import java.util.List;
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
 */
public final class Kernels implements AutoCloseable {

    /** Threads per block; must equal SOLVENT_BLOCK in solvent_common.cuh. */
    public static final int BLOCK = 256;

    /** Entry points of blas.ptx that this class launches. */
    public static final List<String> BLAS_ENTRIES = List.of("solvent_fill", "solvent_axpy", "solvent_scale",
            "solvent_dot", "solvent_reduce", "solvent_cg_direction", "solvent_cg_update", "solvent_diag_scale_dot");
    /** Entry points of spmv.ptx that this class launches. */
    public static final List<String> SPMV_ENTRIES = List.of("solvent_csr_spmv", "solvent_csr_spmv_dot",
            "solvent_csr_residual", "solvent_stencil7_spmv", "solvent_stencil7_spmv_dot", "solvent_stencil7_residual");
    /** Entry points of relax.ptx that this class launches. */
    public static final List<String> RELAX_ENTRIES = List.of("solvent_colour_sor", "solvent_colour_ssor_forward",
            "solvent_colour_ssor_backward");

    private final CudaContext context;
    private final PtxModule blas;
    private final PtxModule spmv;
    private final PtxModule relax;
    private final CUfunction fill, axpy, scale, dot, reduce, cgDirection, cgUpdate, diagScaleDot;
    private final CUfunction csrSpmv, csrSpmvDot, csrResidual, stSpmv, stSpmvDot, stResidual;
    private final CUfunction colourSor, ssorForward, ssorBackward;
    private final int maxBlocks;
    private final DeviceBuffer partial;
    private final DeviceBuffer result;
    private final double[] host = new double[1];
    private final boolean syncEachLaunch = Boolean.getBoolean("solvent.cuda.sync");

    /** Loads the three PTX modules into {@code context} (current on this thread). */
    public Kernels(CudaContext context, DeviceMemory memory) {
        this.context = context;
        context.makeCurrent();
        this.blas = new PtxModule("blas");
        this.spmv = new PtxModule("spmv");
        this.relax = new PtxModule("relax");
        fill = blas.function("solvent_fill");
        axpy = blas.function("solvent_axpy");
        scale = blas.function("solvent_scale");
        dot = blas.function("solvent_dot");
        reduce = blas.function("solvent_reduce");
        cgDirection = blas.function("solvent_cg_direction");
        cgUpdate = blas.function("solvent_cg_update");
        diagScaleDot = blas.function("solvent_diag_scale_dot");
        csrSpmv = spmv.function("solvent_csr_spmv");
        csrSpmvDot = spmv.function("solvent_csr_spmv_dot");
        csrResidual = spmv.function("solvent_csr_residual");
        stSpmv = spmv.function("solvent_stencil7_spmv");
        stSpmvDot = spmv.function("solvent_stencil7_spmv_dot");
        stResidual = spmv.function("solvent_stencil7_residual");
        colourSor = relax.function("solvent_colour_sor");
        ssorForward = relax.function("solvent_colour_ssor_forward");
        ssorBackward = relax.function("solvent_colour_ssor_backward");
        this.maxBlocks = Math.max(1, context.multiprocessors() * (2048 / BLOCK));
        this.partial = memory.allocate((long) maxBlocks * Sizeof.DOUBLE, null);
        this.result = memory.allocate(Sizeof.DOUBLE, null);
    }

    /** Blocks for a grid-stride loop over {@code n} items. */
    int blocks(long n) {
        return (int) Math.max(1, Math.min(maxBlocks, (n + BLOCK - 1) / BLOCK));
    }

    // ---- argument marshalling -----------------------------------------------------------------

    private static Pointer p(DeviceBuffer b) {
        return Pointer.to(b.ptr());
    }

    private static Pointer p(int v) {
        return Pointer.to(new int[] {v});
    }

    private static Pointer p(double v) {
        return Pointer.to(new double[] {v});
    }

    private void launch(CUfunction f, int blocks, Pointer... args) {
        Cuda.check(JCudaDriver.cuLaunchKernel(f, blocks, 1, 1, BLOCK, 1, 1, 0, null, Pointer.to(args), null),
                "cuLaunchKernel");
        if (syncEachLaunch) {
            Cuda.check(JCudaDriver.cuCtxSynchronize(), "kernel execution (solvent.cuda.sync)");
        }
    }

    /** Second pass of a reduction over the first {@code blocks} partials; copies the sum back. */
    private double finish(int blocks) {
        launch(reduce, 1, p(blocks), p(partial), p(result));
        result.download(host);
        return host[0];
    }

    // ---- vector kernels -----------------------------------------------------------------------

    public void fill(int n, double value, DeviceBuffer x) {
        launch(fill, blocks(n), p(n), p(value), p(x));
    }

    public void axpy(int n, double alpha, DeviceBuffer x, DeviceBuffer y) {
        launch(axpy, blocks(n), p(n), p(alpha), p(x), p(y));
    }

    public void scale(int n, double alpha, DeviceBuffer x) {
        launch(scale, blocks(n), p(n), p(alpha), p(x));
    }

    public double dot(int n, DeviceBuffer x, DeviceBuffer y) {
        int g = blocks(n);
        launch(dot, g, p(n), p(x), p(y), p(partial));
        return finish(g);
    }

    public void cgDirection(int n, DeviceBuffer z, double beta, DeviceBuffer pv) {
        launch(cgDirection, blocks(n), p(n), p(z), p(beta), p(pv));
    }

    public double cgUpdate(int n, double alpha, DeviceBuffer pv, DeviceBuffer q, DeviceBuffer x, DeviceBuffer r) {
        int g = blocks(n);
        launch(cgUpdate, g, p(n), p(alpha), p(pv), p(q), p(x), p(r), p(partial));
        return finish(g);
    }

    public double diagScaleDot(int n, DeviceBuffer d, DeviceBuffer r, DeviceBuffer z) {
        int g = blocks(n);
        launch(diagScaleDot, g, p(n), p(d), p(r), p(z), p(partial));
        return finish(g);
    }

    // ---- CSR ----------------------------------------------------------------------------------

    public void csrSpmv(int n, DeviceBuffer rp, DeviceBuffer ci, DeviceBuffer v, DeviceBuffer x, DeviceBuffer y) {
        launch(csrSpmv, blocks(n), p(n), p(rp), p(ci), p(v), p(x), p(y));
    }

    public double csrSpmvDot(int n, DeviceBuffer rp, DeviceBuffer ci, DeviceBuffer v, DeviceBuffer pv, DeviceBuffer q) {
        int g = blocks(n);
        launch(csrSpmvDot, g, p(n), p(rp), p(ci), p(v), p(pv), p(q), p(partial));
        return finish(g);
    }

    public double csrResidual(int n, DeviceBuffer rp, DeviceBuffer ci, DeviceBuffer v, DeviceBuffer b, DeviceBuffer x,
                              DeviceBuffer r) {
        int g = blocks(n);
        launch(csrResidual, g, p(n), p(rp), p(ci), p(v), p(b), p(x), p(r), p(partial));
        return finish(g);
    }

    // ---- 7-point stencil ----------------------------------------------------------------------

    /** Stencil geometry and coefficients, as kernel arguments. */
    public record Stencil(int nx, int ny, int nz, double center, double wx, double wy, double wz) {
        long n() {
            return (long) nx * ny * nz;
        }

        Pointer[] args(Pointer... rest) {
            Pointer[] a = new Pointer[7 + rest.length];
            a[0] = p(nx);
            a[1] = p(ny);
            a[2] = p(nz);
            a[3] = p(center);
            a[4] = p(wx);
            a[5] = p(wy);
            a[6] = p(wz);
            System.arraycopy(rest, 0, a, 7, rest.length);
            return a;
        }
    }

    public void stencilSpmv(Stencil s, DeviceBuffer x, DeviceBuffer y) {
        launch(stSpmv, blocks(s.n()), s.args(p(x), p(y)));
    }

    public double stencilSpmvDot(Stencil s, DeviceBuffer pv, DeviceBuffer q) {
        int g = blocks(s.n());
        launch(stSpmvDot, g, s.args(p(pv), p(q), p(partial)));
        return finish(g);
    }

    public double stencilResidual(Stencil s, DeviceBuffer b, DeviceBuffer x, DeviceBuffer r) {
        int g = blocks(s.n());
        launch(stResidual, g, s.args(p(b), p(x), p(r), p(partial)));
        return finish(g);
    }

    // ---- multicolour relaxation ---------------------------------------------------------------

    /** A CSR matrix with its colour ordering on the device, as the relaxation kernels need it. */
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
        launch(colourSor, blocks(count), p(first), p(count), p(m.order), p(m.rp), p(m.ci), p(m.v), p(m.diag), p(b),
                p(x), p(omega));
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
            launch(ssorForward, blocks(count), p(first), p(count), p(m.order), p(m.rp), p(m.ci), p(m.v), p(m.diag),
                    p(m.colour), p(r), p(z), p(omega));
        }
        partial.zero((long) maxBlocks * Sizeof.DOUBLE);
        int used = 1;
        for (int c = colours - 1; c >= 0; c--) {
            int first = m.colourPtr[c];
            int count = m.colourPtr[c + 1] - first;
            int g = blocks(count);
            used = Math.max(used, g);
            launch(ssorBackward, g, p(first), p(count), p(m.order), p(m.rp), p(m.ci), p(m.v), p(m.diag), p(m.colour),
                    p(r), p(z), p(omega), p(partial));
        }
        return finish(used);
    }

    public int maxBlocks() {
        return maxBlocks;
    }

    public CudaContext context() {
        return context;
    }

    @Override
    public void close() {
        partial.close();
        result.close();
        relax.close();
        spmv.close();
        blas.close();
    }
}
