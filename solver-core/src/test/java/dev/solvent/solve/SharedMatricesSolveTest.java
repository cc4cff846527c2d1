package dev.solvent.solve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solvent.Residuals;
import dev.solvent.SharedData;
import dev.solvent.backend.Backend;
import dev.solvent.backend.Backends;
import dev.solvent.io.MatrixMarket;
import dev.solvent.matrix.CsrMatrix;
import dev.solvent.precond.PreconditionerOptions;
import dev.solvent.precond.ShiftPolicy;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Tier 3 on the real SuiteSparse matrices in {@code ../shared/matrices}: every SPD matrix solved
 * to rtol 1e-8 by CG or PCG, with the residual recomputed here; the nonsymmetric ones under
 * Gauss-Seidel/SOR converge or come back diverged, as their spectral radii say they must.
 * Skipped when the shared folder is absent.
 */
class SharedMatricesSolveTest {

    private static Backend backend;

    @BeforeAll
    static void startBackend() {
        backend = Backends.cpu(2);
    }

    @AfterAll
    static void stopBackend() {
        backend.close();
    }

    private static CsrMatrix read(String name) throws Exception {
        Path dir = SharedData.require("matrices");
        return MatrixMarket.readMatrix(dir.resolve(name));
    }

    private static double[] rhsOfOnes(CsrMatrix a) {
        double[] ones = new double[a.cols()];
        Arrays.fill(ones, 1.0);
        double[] b = new double[a.rows()];
        a.apply(ones, b);
        return b;
    }

    /** Each SPD matrix with the preconditioner that solves it; hard ones get a stronger one. */
    @ParameterizedTest(name = "{0} with cg/{1}")
    @CsvSource({
        "bcsstk01.mtx, jacobi",
        "bcsstk04.mtx, jacobi",
        "bcsstk13.mtx, jacobi",
        "nos4.mtx, none",
        "gr_30_30.mtx, none",
        "fv1.mtx, none",
        "bodyy4.mtx, jacobi",
        "ani4.mtx, ic0",
        "bcsstk04.mtx, ic0",
        "fv1.mtx, ssor",
    })
    void spdMatrixSolvedByPcgToRtol1e8(String file, String pc) throws Exception {
        CsrMatrix a = read(file);
        double[] b = rhsOfOnes(a);
        double[] x = new double[a.rows()];
        SolverOptions options = SolverOptions.defaults().withRtol(1e-8).withMaxIterations(50_000).withOmega(1.2);
        try (BoundSolver solver = Solvers.create("cg", pc, options).setup(a, backend)) {
            SolveResult r = solver.solve(b, x);
            assertEquals(ConvergedReason.CONVERGED_RTOL, r.reason(), file + ": " + r);
            double independent = Residuals.relative(a, x, b);
            assertTrue(independent <= 1e-8, file + ": recomputed relative residual " + independent);
        }
    }

    /**
     * Every SPD matrix with IC(0) and MIC(0) at their defaults (diagonal shift on breakdown), to
     * rtol 1e-8 from a random right-hand side (b = A 1 would be solved exactly by MIC(0), which
     * keeps row sums), the residual recomputed here; and the shift engaged exactly where the
     * unshifted factorisation breaks down.
     */
    @ParameterizedTest(name = "{0} with cg/{1}")
    @CsvSource({
        "bcsstk01.mtx, ic0", "bcsstk01.mtx, mic0",
        "bcsstk04.mtx, ic0", "bcsstk04.mtx, mic0",
        "bcsstk13.mtx, ic0", "bcsstk13.mtx, mic0",
        "nos4.mtx, ic0", "nos4.mtx, mic0",
        "gr_30_30.mtx, ic0", "gr_30_30.mtx, mic0",
        "fv1.mtx, ic0", "fv1.mtx, mic0",
        "bodyy4.mtx, ic0", "bodyy4.mtx, mic0",
        "ani4.mtx, ic0", "ani4.mtx, mic0",
    })
    void everySpdMatrixConvergesWithShiftedIncompleteCholesky(String file, String pc) throws Exception {
        CsrMatrix a = read(file);
        java.util.Random rnd = new java.util.Random(file.hashCode());
        double[] b = new double[a.rows()];
        for (int i = 0; i < b.length; i++) {
            b[i] = rnd.nextDouble() - 0.5;
        }
        double[] x = new double[a.rows()];
        SolverOptions options = SolverOptions.defaults().withRtol(1e-8).withMaxIterations(20_000);
        try (BoundSolver solver = Solvers.create("cg", pc, options).setup(a, backend)) {
            SolveResult r = solver.solve(b, x);
            assertEquals(ConvergedReason.CONVERGED_RTOL, r.reason(), file + ": " + r);
            double independent = Residuals.relative(a, x, b);
            assertTrue(independent <= 1e-8, file + ": recomputed relative residual " + independent);
            @SuppressWarnings("unchecked")
            java.util.Map<String, Object> report = (java.util.Map<String, Object>) solver.setupReport().get("preconditioner");
            double omega = pc.equals("mic0") ? dev.solvent.precond.Mic0.DEFAULT_RELAXATION : 0.0;
            boolean plainBreaksDown = !dev.solvent.precond.IncompleteCholesky.factor(a, pc, omega, ShiftPolicy.off())
                    .succeeded();
            int retries = ((Number) report.get("retries")).intValue();
            double shift = ((Number) report.get("shift")).doubleValue();
            assertEquals(plainBreaksDown, retries > 0, file + " " + pc + ": " + report);
            assertEquals(plainBreaksDown, shift > 0, file + " " + pc + ": " + report);
        }
    }

    @Test
    void ic0BreakdownOnBcsstk13IsReportedNotHiddenWhenTheShiftIsOff() throws Exception {
        // IC(0) of this ill-conditioned stiffness matrix meets a non-positive pivot: without the
        // shift the solve must say so (and where) instead of iterating with a garbage preconditioner.
        CsrMatrix a = read("bcsstk13.mtx");
        double[] b = rhsOfOnes(a);
        try (BoundSolver solver = Solvers.create("cg", "ic0", SolverOptions.defaults(),
                PreconditionerOptions.defaults().withShift(ShiftPolicy.off())).setup(a, backend)) {
            SolveResult r = solver.solve(b, new double[a.rows()]);
            assertEquals(ConvergedReason.DIVERGED_PRECONDITIONER_FAILED, r.reason(), r.toString());
            assertTrue(r.message().contains("row"), r.message());
            assertEquals(0, r.iterations());
        }
    }

    @Test
    void sherman5UnderGaussSeidelIsReportedDiverged() throws Exception {
        CsrMatrix a = read("sherman5.mtx");
        double[] b = rhsOfOnes(a);
        try (BoundSolver gs = Solvers.create("gs", "none", SolverOptions.defaults()).setup(a, backend)) {
            SolveResult r = gs.solve(b, new double[a.rows()]);
            assertTrue(r.reason() == ConvergedReason.DIVERGED_DTOL || r.reason() == ConvergedReason.DIVERGED_NAN, r.toString());
            // Spectral radius ~3.2: the residual passes 1e5 x its start within a few dozen sweeps.
            assertTrue(r.iterations() < 200, r.toString());
        }
    }

    @Test
    void fs5411ConvergesFastUnderGaussSeidel() throws Exception {
        CsrMatrix a = read("fs_541_1.mtx");
        double[] b = rhsOfOnes(a);
        double[] x = new double[a.rows()];
        try (BoundSolver gs = Solvers.create("gs", "none", SolverOptions.defaults()).setup(a, backend)) {
            SolveResult r = gs.solve(b, x);
            assertEquals(ConvergedReason.CONVERGED_RTOL, r.reason(), r.toString());
            // Radius ~0.014: each sweep gains about two digits.
            assertTrue(r.iterations() <= 20, r.toString());
            assertTrue(Residuals.relative(a, x, b) <= 1e-8);
        }
    }

    @Test
    void orsirr1ConvergesSlowlyUnderSor() throws Exception {
        CsrMatrix a = read("orsirr_1.mtx");
        double[] b = rhsOfOnes(a);
        double[] x = new double[a.rows()];
        SolverOptions options = SolverOptions.defaults().withMaxIterations(100_000);
        try (BoundSolver gs = Solvers.create("gs", "none", options).setup(a, backend)) {
            SolveResult r = gs.solve(b, x);
            assertEquals(ConvergedReason.CONVERGED_RTOL, r.reason(), r.toString());
            assertTrue(Residuals.relative(a, x, b) <= 1e-8);
            // Radius ~0.9993: thousands of sweeps, not a handful.
            assertTrue(r.iterations() > 1000, r.toString());
        }
    }
}
