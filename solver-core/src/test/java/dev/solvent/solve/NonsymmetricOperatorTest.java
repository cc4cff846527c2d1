package dev.solvent.solve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solvent.Residuals;
import dev.solvent.backend.Backend;
import dev.solvent.backend.Backends;
import dev.solvent.backend.ReferenceBackend;
import dev.solvent.gen.Generators;
import dev.solvent.gen.Problem;
import dev.solvent.matrix.CooBuilder;
import dev.solvent.matrix.CsrMatrix;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A method that needs a symmetric operator (CG, the multigrid iteration) and fails on a
 * nonsymmetric one says so in the result, where before it only reported the iteration limit or a
 * stagnation; symmetric operators that fail for other reasons get no such sentence.
 */
class NonsymmetricOperatorTest {

    /** 1D convection-diffusion, upwind: row i is -(1 + c) x_{i-1} + (2 + c) x_i - x_{i+1}. */
    private static CsrMatrix convectionDiffusion(int n, double c) {
        CooBuilder b = CsrMatrix.builder(n, n);
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                b.add(i, i - 1, -1 - c);
            }
            b.add(i, i, 2 + c);
            if (i < n - 1) {
                b.add(i, i + 1, -1);
            }
        }
        return b.build();
    }

    private static double[] ones(int n) {
        double[] v = new double[n];
        java.util.Arrays.fill(v, 1.0);
        return v;
    }

    @Test
    void cgOnANonsymmetricMatrixNamesTheAsymmetryOnEveryBackend() {
        CsrMatrix a = convectionDiffusion(300, 1.5);
        double[] b = new double[300];
        a.apply(ones(300), b);
        SolverOptions options = SolverOptions.defaults().withRtol(1e-8).withMaxIterations(2000);
        for (Backend backend : List.of(new ReferenceBackend(), Backends.cpu(2))) {
            for (String pc : new String[] {"none", "jacobi"}) {
                double[] x = new double[300];
                SolveResult r;
                try (BoundSolver s = Solvers.create("cg", pc, options).setup(a, backend)) {
                    r = s.solve(b, x);
                }
                String what = "cg/" + pc + " on " + backend.name() + ": " + r;
                assertFalse(r.reason().converged(), what);
                assertTrue(Residuals.relative(a, x, b) > 1e-8, what + ": the recomputed residual is above rtol");
                assertTrue(r.message().contains("the operator is not symmetric"), what);
                assertTrue(r.message().contains("cg needs a symmetric positive definite matrix"), what);
            }
        }
        // The multigrid iteration (smoothed aggregation assumes a symmetric matrix) says so too.
        double[] x = new double[300];
        SolveResult r;
        try (BoundSolver s = Solvers.create("amg", "none", options).setup(a, new ReferenceBackend())) {
            r = s.solve(b, x);
        }
        assertFalse(r.reason().converged(), r.toString());
        assertTrue(Residuals.relative(a, x, b) > 1e-8, r.toString());
        assertTrue(r.message().contains("amg needs a symmetric positive definite matrix"), r.toString());
    }

    @Test
    void theRemedyNamedInTheMessageSolvesIt() {
        CsrMatrix a = convectionDiffusion(300, 1.5);
        double[] b = new double[300];
        a.apply(ones(300), b);
        double[] x = new double[300];
        SolveResult r;
        try (BoundSolver s = Solvers.create("gs", "none", SolverOptions.defaults().withRtol(1e-8)
                .withMaxIterations(200_000)).setup(a, new ReferenceBackend())) {
            r = s.solve(b, x);
        }
        assertTrue(r.reason().converged(), r.toString());
        assertTrue(Residuals.relative(a, x, b) <= 1e-8, r.toString());
    }

    @Test
    void symmetricOperatorsThatFailForOtherReasonsAreNotCalledNonsymmetric() {
        // Too few iterations on 2D Poisson.
        Problem poisson = Generators.poisson2d(40);
        SolveResult limited;
        try (BoundSolver s = Solvers.create("cg", "none", SolverOptions.defaults().withMaxIterations(5))
                .setup(poisson.matrix(), new ReferenceBackend())) {
            limited = s.solve(poisson.rhs(), new double[poisson.size()]);
        }
        assertEquals(ConvergedReason.DIVERGED_MAX_ITERATIONS, limited.reason());
        assertEquals("", limited.message(), limited.toString());

        // Symmetric indefinite: diag(2, -1, 2, -1, ...).
        CooBuilder d = CsrMatrix.builder(50, 50);
        for (int i = 0; i < 50; i++) {
            d.add(i, i, i % 2 == 0 ? 2.0 : -1.0);
        }
        SolveResult indefinite;
        try (BoundSolver s = Solvers.create("cg", "none", SolverOptions.defaults()).setup(d.build(),
                new ReferenceBackend())) {
            indefinite = s.solve(ones(50), new double[50]);
        }
        assertFalse(indefinite.reason().converged(), indefinite.toString());
        assertFalse(indefinite.message().contains("not symmetric"), indefinite.toString());

        // Symmetric up to rounding: one off-diagonal pair differing in the last bits.
        CsrMatrix p = poisson.matrix();
        double[] v = p.values().clone();
        int[] rp = p.rowPtr();
        int[] ci = p.colIdx();
        for (int k = rp[100]; k < rp[101]; k++) {
            if (ci[k] != 100) {
                v[k] = Math.nextUp(Math.nextUp(v[k]));
            }
        }
        CsrMatrix nearly = CsrMatrix.of(p.rows(), p.cols(), rp, ci, v);
        SolveResult rounded;
        try (BoundSolver s = Solvers.create("cg", "none", SolverOptions.defaults().withMaxIterations(5))
                .setup(nearly, new ReferenceBackend())) {
            rounded = s.solve(poisson.rhs(), new double[poisson.size()]);
        }
        assertEquals(ConvergedReason.DIVERGED_MAX_ITERATIONS, rounded.reason());
        assertEquals("", rounded.message(), rounded.toString());
    }

    @Test
    void methodsThatDoNotNeedSymmetryDoNotProbeIt() {
        CsrMatrix a = convectionDiffusion(300, 1.5);
        double[] b = new double[300];
        a.apply(ones(300), b);
        SolveResult r;
        try (BoundSolver s = Solvers.create("gs", "none", SolverOptions.defaults().withRtol(1e-8).withMaxIterations(10))
                .setup(a, new ReferenceBackend())) {
            r = s.solve(b, new double[300]);
        }
        assertEquals(ConvergedReason.DIVERGED_MAX_ITERATIONS, r.reason());
        assertFalse(r.message().contains("symmetric"), r.toString());
    }
}
