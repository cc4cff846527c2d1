package dev.solvent.cuda;

import static dev.solvent.cuda.Gpu.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solvent.backend.BoundOperator;
import dev.solvent.backend.ReferenceBackend;
import dev.solvent.backend.Vector;
import dev.solvent.gen.FluidGrid;
import dev.solvent.gen.Generators;
import dev.solvent.gen.Problem;
import dev.solvent.matrix.CsrMatrix;
import dev.solvent.matrix.LinearOperator;
import dev.solvent.matrix.Stencil7Operator;
import dev.solvent.multigrid.AmgOptions;
import dev.solvent.solve.BoundSolver;
import dev.solvent.solve.ConvergedReason;
import dev.solvent.solve.SolveResult;
import dev.solvent.solve.SolverOptions;
import dev.solvent.solve.Solvers;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The multigrid kernels of the CUDA backend ({@code upload} into a vector, {@code applyAdd},
 * {@code smootherStep}) against the reference backend, with cuSPARSE/cuBLAS and with the
 * project's kernels only; then AMG-PCG and the multigrid iteration solved on the GPU against the
 * same solves on the reference backend (a hierarchy built on the host, uploaded once, the
 * coarsest level solved on the host). The device evaluates {@code c2 dinv r} with fused
 * multiply-adds, so results agree to rounding, not bit for bit, and iteration counts may differ
 * by one. Skipped where no GPU is usable.
 */
@Tag("gpu")
class CudaMultigridTest {

    private static CudaBackend withLibraries;
    private static CudaBackend kernelsOnly;

    @BeforeAll
    static void start() {
        if (CudaBackend.isAvailable()) {
            withLibraries = CudaBackend.create(0, true);
            kernelsOnly = CudaBackend.create(0, false);
        }
    }

    @BeforeEach
    void requireGpu() {
        Assumptions.assumeTrue(withLibraries != null, () -> "no usable GPU: " + CudaBackend.unavailableReason());
    }

    @AfterAll
    static void stop() {
        if (withLibraries != null) {
            withLibraries.close();
        }
        if (kernelsOnly != null) {
            kernelsOnly.close();
        }
    }

    private static List<CudaBackend> backends() {
        return List.of(withLibraries, kernelsOnly);
    }

    private static double[] down(CudaBackend b, Vector v) {
        double[] out = new double[v.length()];
        b.download(v, out);
        return out;
    }

    private static void checkApplyAdd(CudaBackend gpu, LinearOperator op, String what) {
        ReferenceBackend ref = new ReferenceBackend();
        double[] x = TestMatrices.randomVector(op.cols(), 41);
        double[] y = TestMatrices.randomVector(op.rows(), 42);
        double[] expected = y.clone();
        ref.applyAdd(ref.bind(op), -1.75, ref.wrap(x), ref.wrap(expected));
        try (BoundOperator a = gpu.bind(op)) {
            Vector gy = gpu.upload(y);
            gpu.applyAdd(a, -1.75, gpu.upload(x), gy);
            assertClose(expected, down(gpu, gy), 1e-14, what + " applyAdd");
        }
    }

    private static void checkSmoother(CudaBackend gpu, LinearOperator op, String what) {
        ReferenceBackend ref = new ReferenceBackend();
        int n = op.rows();
        double[] b = TestMatrices.randomVector(n, 51);
        double[] x = TestMatrices.randomVector(n, 52);
        double[] dinv = TestMatrices.randomVector(n, 53);
        double[] d0 = TestMatrices.randomVector(n, 54);
        try (BoundOperator a = gpu.bind(op)) {
            for (boolean zeroGuess : new boolean[] {false, true}) {
                for (double c1 : new double[] {0.0, 0.4}) {
                    double[] d = d0.clone();
                    double[] xOut = new double[n];
                    ref.smootherStep(ref.bind(op), ref.wrap(b), zeroGuess ? null : ref.wrap(x), ref.wrap(dinv), c1, 1.3,
                            ref.wrap(d), ref.wrap(xOut));
                    Vector gd = gpu.upload(d0);
                    Vector gOut = gpu.allocate(n);
                    gpu.smootherStep(a, gpu.upload(b), zeroGuess ? null : gpu.upload(x), gpu.upload(dinv), c1, 1.3, gd,
                            gOut);
                    String at = what + (zeroGuess ? " x=null" : "") + " c1=" + c1;
                    assertClose(d, down(gpu, gd), 1e-13, at + " d");
                    assertClose(xOut, down(gpu, gOut), 1e-13, at + " xOut");
                }
            }
        }
    }

    @Test
    void multigridKernelsMatchTheReference() {
        for (CudaBackend gpu : backends()) {
            String label = gpu.usesCusparse() ? "cuSPARSE" : "kernels";
            CsrMatrix square = TestMatrices.randomSpd(3001, 14, 61);
            checkSmoother(gpu, square, label + " CSR");
            checkApplyAdd(gpu, square, label + " CSR");
            checkApplyAdd(gpu, TestMatrices.randomGeneral(5000, 700, 4, 62), label + " prolongation 5000 x 700");
            checkApplyAdd(gpu, TestMatrices.randomGeneral(700, 5000, 25, 63), label + " restriction 700 x 5000");
            Stencil7Operator s = new Stencil7Operator(33, 17, 9, 6.5, -1.25, -0.5, -0.75);
            checkSmoother(gpu, s, label + " stencil");
            checkApplyAdd(gpu, s, label + " stencil");
            double[] values = TestMatrices.randomVector(1000, 64);
            Vector v = gpu.allocate(1000);
            gpu.upload(values, v);
            assertClose(values, down(gpu, v), 0.0, "upload into a vector");
        }
    }

    /**
     * Every width of the CSR kernels' lane groups (1 to 32 lanes per row, forced on every matrix)
     * against the reference: rows from empty to over 100 entries, row counts that leave the last
     * warp's groups partly past the end, a rectangular prolongation and restriction.
     */
    @Test
    void everyLaneGroupWidthMatchesTheReference() {
        CsrMatrix square = TestMatrices.randomGeneral(1001, 1001, 110, 71);
        CsrMatrix tall = TestMatrices.randomGeneral(1500, 700, 40, 72);
        CsrMatrix wide = TestMatrices.randomGeneral(333, 2000, 60, 73);
        assertTrue(java.util.stream.IntStream.range(700, 1500).anyMatch(i -> tall.rowPtr()[i] == tall.rowPtr()[i + 1]),
                "the tall matrix has empty rows");
        for (CudaBackend gpu : backends()) {
            String label = gpu.usesCusparse() ? "cuSPARSE" : "kernels";
            try {
                for (int group = 1; group <= 32; group <<= 1) {
                    gpu.forceRowGroup(group);
                    String at = label + ", " + group + " lanes per row, ";
                    CudaConformanceTest.checkOperator(gpu, square, at + "square 1001");
                    CudaConformanceTest.checkOperator(gpu, wide, at + "wide 333 x 2000");
                    checkSmoother(gpu, square, at + "square 1001");
                    checkApplyAdd(gpu, tall, at + "tall 1500 x 700");
                    checkApplyAdd(gpu, wide, at + "wide 333 x 2000");
                }
            } finally {
                gpu.forceRowGroup(0);
            }
        }
    }

    /** AMG-PCG and the amg iteration on the GPU against the reference backend, the residual recomputed. */
    @Test
    void amgSolvesMatchTheReference() {
        Problem poisson = Generators.poisson3d(40);
        Problem closed = FluidGrid.smokeBox(32, false).pressureProblem(null);
        SolverOptions options = SolverOptions.defaults().withRtol(1e-8).withMaxIterations(500);
        AmgOptions amg = AmgOptions.defaults().withCoarseSize(100);
        ReferenceBackend ref = new ReferenceBackend();
        for (Problem p : List.of(poisson, closed)) {
            for (String[] sp : new String[][] {{"cg", "amg"}, {"amg", "none"}}) {
                SolveResult expected;
                try (BoundSolver s = Solvers.create(sp[0], sp[1], options, amg).setup(p.matrix(), ref)) {
                    expected = s.solve(p.rhs(), new double[p.size()]);
                }
                for (CudaBackend gpu : backends()) {
                    double[] x = new double[p.size()];
                    try (BoundSolver s = Solvers.create(sp[0], sp[1], options, amg).setup(p.matrix(), gpu)) {
                        SolveResult r = s.solve(p.rhs(), x);
                        String what = p.name() + " " + sp[0] + "/" + sp[1] + " on " + gpu.describe();
                        assertEquals(ConvergedReason.CONVERGED_RTOL, r.reason(), what + ": " + r);
                        assertTrue(Math.abs(r.iterations() - expected.iterations()) <= 1,
                                what + ": " + r.iterations() + " iterations, reference " + expected.iterations());
                        double residual = TestMatrices.residualNorm(p.matrix(), p.rhs(), x) / TestMatrices.norm(p.rhs());
                        assertTrue(residual <= 1e-8, what + ": recomputed residual " + residual);
                    }
                }
            }
        }
        // The finest level as a matrix-free stencil on the device.
        Stencil7Operator stencil = Stencil7Operator.poisson(40, 40, 40);
        for (CudaBackend gpu : backends()) {
            double[] x = new double[poisson.size()];
            try (BoundSolver s = Solvers.create("cg", "amg", options, amg).setup(stencil, gpu)) {
                SolveResult r = s.solve(poisson.rhs(), x);
                assertEquals(ConvergedReason.CONVERGED_RTOL, r.reason(), r.toString());
                assertTrue(TestMatrices.residualNorm(poisson.matrix(), poisson.rhs(), x) / TestMatrices.norm(poisson.rhs())
                        <= 1e-8);
            }
        }
    }
}
