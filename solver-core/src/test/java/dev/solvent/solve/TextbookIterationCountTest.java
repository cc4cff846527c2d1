package dev.solvent.solve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solvent.backend.ReferenceBackend;
import dev.solvent.matrix.CsrMatrix;
import dev.solvent.matrix.Stencil7Operator;
import org.junit.jupiter.api.Test;

/**
 * SciPy's {@code cg} takes 158 iterations on the 3D 7-point Poisson matrix at 64^3 with b = A 1,
 * x0 = 0 and rtol 1e-8 (relative to ||b||). Plain CG in exact arithmetic is unique, so a correct
 * implementation must land within rounding of that count.
 */
class TextbookIterationCountTest {

    @Test
    void plainCgOnPoisson64CubedTakes158Iterations() {
        CsrMatrix a = Stencil7Operator.poisson(64, 64, 64).toCsr();
        double[] ones = new double[a.rows()];
        java.util.Arrays.fill(ones, 1.0);
        double[] b = new double[a.rows()];
        a.apply(ones, b);
        double[] x = new double[a.rows()];
        try (BoundSolver solver = new ConjugateGradient(SolverOptions.defaults().withRtol(1e-8)).setup(a, new ReferenceBackend())) {
            SolveResult result = solver.solve(b, x);
            assertEquals(ConvergedReason.CONVERGED_RTOL, result.reason());
            assertTrue(Math.abs(result.iterations() - 158) <= 2, "iterations: " + result.iterations());
            // Independent check of the answer: recompute b - A x here.
            double[] ax = new double[a.rows()];
            a.apply(x, ax);
            double rr = 0, bb = 0;
            for (int i = 0; i < b.length; i++) {
                rr += (b[i] - ax[i]) * (b[i] - ax[i]);
                bb += b[i] * b[i];
            }
            assertTrue(Math.sqrt(rr) <= 1e-8 * Math.sqrt(bb), "true relative residual " + Math.sqrt(rr / bb));
        }
    }
}
