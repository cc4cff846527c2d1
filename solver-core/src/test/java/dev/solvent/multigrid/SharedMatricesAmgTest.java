package dev.solvent.multigrid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solvent.Residuals;
import dev.solvent.SharedData;
import dev.solvent.backend.Backend;
import dev.solvent.backend.Backends;
import dev.solvent.io.MatrixMarket;
import dev.solvent.matrix.CsrMatrix;
import dev.solvent.solve.BoundSolver;
import dev.solvent.solve.ConvergedReason;
import dev.solvent.solve.SolveResult;
import dev.solvent.solve.SolverOptions;
import dev.solvent.solve.Solvers;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every SPD matrix of {@code ../shared/matrices} solved by AMG-PCG with the default options to
 * rtol 1e-8 (b = A 1), the residual recomputed here; the iteration counts of Jacobi-PCG and
 * IC(0)-PCG on the same system are printed beside it (IC(0) breaks down on bcsstk13). The
 * structural matrices (bcsstk*) are elasticity problems solved here without their rigid-body
 * modes, which smoothed aggregation needs to do well: for them AMG is only asked to converge, and
 * does so in about as many iterations as Jacobi-PCG. The others must take fewer iterations than
 * Jacobi-PCG. Skipped when the shared folder is absent.
 */
@Timeout(300)
class SharedMatricesAmgTest {

    private static Backend backend;

    @BeforeAll
    static void start() {
        backend = Backends.cpu(2);
    }

    @AfterAll
    static void stop() {
        backend.close();
    }

    private static SolveResult solve(CsrMatrix a, double[] b, String pc, double[] x) {
        SolverOptions options = SolverOptions.defaults().withRtol(1e-8).withMaxIterations(20_000);
        try (BoundSolver s = Solvers.create("cg", pc, options).setup(a, backend)) {
            return s.solve(b, x);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"bcsstk01.mtx, true", "bcsstk04.mtx, true", "bcsstk13.mtx, true", "nos4.mtx, false",
        "gr_30_30.mtx, false", "fv1.mtx, false", "bodyy4.mtx, false", "ani4.mtx, false"})
    void everySpdMatrixConvergesWithAmg(String file, boolean elasticity) throws Exception {
        CsrMatrix a = MatrixMarket.readMatrix(SharedData.require("matrices").resolve(file));
        double[] ones = new double[a.cols()];
        Arrays.fill(ones, 1.0);
        double[] b = new double[a.rows()];
        a.apply(ones, b);
        double[] x = new double[a.rows()];
        SolveResult amg = solve(a, b, "amg", x);
        assertEquals(ConvergedReason.CONVERGED_RTOL, amg.reason(), file + ": " + amg);
        double residual = Residuals.relative(a, x, b);
        assertTrue(residual <= 1e-8, file + ": recomputed relative residual " + residual);
        SolveResult jacobi = solve(a, b, "jacobi", new double[a.rows()]);
        SolveResult ic0 = solve(a, b, "ic0", new double[a.rows()]);
        System.out.printf("shared %-13s n %6d  amg %5d  jacobi %5d  ic0 %s%n", file, a.rows(), amg.iterations(),
                jacobi.iterations(), ic0.converged() ? String.valueOf(ic0.iterations()) : ic0.reason().name());
        if (!elasticity) {
            assertTrue(amg.iterations() < jacobi.iterations(), file + ": amg " + amg.iterations() + ", jacobi "
                    + jacobi.iterations());
        }
    }
}
