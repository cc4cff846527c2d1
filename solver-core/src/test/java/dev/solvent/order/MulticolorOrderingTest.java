package dev.solvent.order;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solvent.backend.ReferenceBackend;
import dev.solvent.backend.SequentialKernels;
import dev.solvent.backend.SweepDirection;
import dev.solvent.matrix.CsrMatrix;
import dev.solvent.matrix.Stencil7Operator;
import dev.solvent.precond.SsorPreconditioner;
import dev.solvent.solve.BoundSolver;
import dev.solvent.solve.ConjugateGradient;
import dev.solvent.solve.ConvergedReason;
import dev.solvent.solve.SolveResult;
import dev.solvent.solve.SolverOptions;
import dev.solvent.solve.StationaryIteration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The pure-Java colour-ordered relaxation: the reference the parallel and CUDA kernels are tested against. */
class MulticolorOrderingTest {

    private static final CsrMatrix TRIDIAG3 = CsrMatrix.builder(3, 3)
            .add(0, 0, 2).add(0, 1, -1)
            .add(1, 0, -1).add(1, 1, 2).add(1, 2, -1)
            .add(2, 1, -1).add(2, 2, 2)
            .build();

    /** Checked here by brute force, independently of {@link MulticolorOrdering#isValidFor}. */
    private static void assertProperColouring(CsrMatrix a, MulticolorOrdering o) {
        int[] colour = o.colourOf();
        for (int i = 0; i < a.rows(); i++) {
            for (int k = a.rowPtr()[i]; k < a.rowPtr()[i + 1]; k++) {
                int j = a.colIdx()[k];
                if (j != i) {
                    assertNotEquals(colour[i], colour[j], "rows " + i + " and " + j + " are coupled but share colour " + colour[i]);
                }
            }
        }
        assertTrue(o.isValidFor(a));
        // order lists every row once, grouped by colour, increasing within a colour.
        int[] order = o.order();
        int[] ptr = o.colourPtr();
        int[] sorted = order.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) {
            assertEquals(i, sorted[i]);
        }
        for (int c = 0; c < o.colours(); c++) {
            assertTrue(ptr[c + 1] > ptr[c], "colour " + c + " is empty");
            for (int t = ptr[c]; t < ptr[c + 1]; t++) {
                assertEquals(c, colour[order[t]]);
                if (t > ptr[c]) {
                    assertTrue(order[t] > order[t - 1]);
                }
            }
        }
    }

    @Test
    void greedyColouringIsProperOnRandomSymmetricAndNonsymmetricMatrices() {
        for (long seed = 1; seed <= 5; seed++) {
            CsrMatrix spd = TestMatrices.randomSpd(400, 12, seed);
            assertProperColouring(spd, MulticolorOrdering.greedy(spd));
            // A nonsymmetric pattern: a_ij stored without a_ji must still separate i and j.
            CsrMatrix general = TestMatrices.randomGeneral(300, 300, 6, seed);
            MulticolorOrdering o = MulticolorOrdering.greedy(general);
            assertProperColouring(general, o);
            assertProperColouring(general.transpose(), o);
        }
    }

    @Test
    void isValidForDetectsAClash() {
        // Red-black on a 1D chain is proper; the same colouring is wrong for a matrix coupling 0 and 2.
        MulticolorOrdering rb = MulticolorOrdering.redBlack(3, 1, 1);
        assertTrue(rb.isValidFor(TRIDIAG3));
        CsrMatrix coupled = CsrMatrix.builder(3, 3).add(0, 0, 1).add(0, 2, 1).add(1, 1, 1).add(2, 2, 1).build();
        assertFalse(rb.isValidFor(coupled));
    }

    @Test
    void sevenPointStencilGetsTwoColoursAndGreedyFindsRedBlack() {
        Stencil7Operator op = Stencil7Operator.poisson(7, 5, 4);
        CsrMatrix a = op.toCsr();
        MulticolorOrdering greedy = MulticolorOrdering.greedy(a);
        assertEquals(2, greedy.colours());
        assertProperColouring(a, greedy);
        MulticolorOrdering rb = MulticolorOrdering.redBlack(7, 5, 4);
        assertArrayEquals(rb.colourOf(), greedy.colourOf());
        assertArrayEquals(rb.order(), greedy.order());
        // 5-point in 2D (nz = 1) as well.
        CsrMatrix a2 = Stencil7Operator.poisson(9, 6, 1).toCsr();
        assertEquals(2, MulticolorOrdering.greedy(a2).colours());
        assertProperColouring(a2, MulticolorOrdering.greedy(a2));
    }

    @Test
    void colourOrderedGaussSeidelSweepMatchesHandComputation() {
        // tridiag(-1, 2, -1), x0 = [0, 1, 2], b = 0. Colours: {0, 2} red, {1} black.
        MulticolorOrdering o = MulticolorOrdering.greedy(TRIDIAG3);
        assertArrayEquals(new int[] {0, 1, 0}, o.colourOf());
        assertArrayEquals(new int[] {0, 2, 1}, o.order());
        double[] x = {0, 1, 2};
        o.sorSweep(TRIDIAG3, new double[3], x, 1.0, SweepDirection.FORWARD);
        // red:   x0 = (0 + x1) / 2 = 1/2,  x2 = (0 + x1) / 2 = 1/2   (x1 still 1)
        // black: x1 = (x0 + x2) / 2 = 1/2
        // (Lexicographic Gauss-Seidel gives [1/2, 5/4, 5/8] from the same start.)
        assertArrayEquals(new double[] {0.5, 0.5, 0.5}, x, 0.0);
    }

    @Test
    void colourOrderedSorAndBackwardSweepsMatchHandComputation() {
        MulticolorOrdering o = MulticolorOrdering.greedy(TRIDIAG3);
        double[] x = {0, 1, 2};
        o.sorSweep(TRIDIAG3, new double[3], x, 1.5, SweepDirection.FORWARD);
        // red:   x0 = 0 + 1.5 (1/2 - 0) = 3/4;   x2 = 2 + 1.5 (1/2 - 2) = -1/4
        // black: x1 = 1 + 1.5 ((3/4 - 1/4) / 2 - 1) = -1/8
        assertArrayEquals(new double[] {0.75, -0.125, -0.25}, x, 1e-15);

        double[] y = {0, 1, 2};
        o.sorSweep(TRIDIAG3, new double[] {1, 0, 0}, y, 1.0, SweepDirection.BACKWARD);
        // black first: y1 = (0 + y0 + y2) / 2 = 1;  then red: y0 = (1 + y1) / 2 = 1,  y2 = (0 + y1) / 2 = 1/2
        assertArrayEquals(new double[] {1.0, 1.0, 0.5}, y, 0.0);
    }

    @Test
    void colourOrderedSsorApplyMatchesHandComputation() {
        MulticolorOrdering o = MulticolorOrdering.greedy(TRIDIAG3);
        double[] z = new double[3];
        double rz = o.ssorApplyDot(TRIDIAG3, new double[] {1, 1, 1}, z, 1.0);
        // forward (red, then black): t0 = t2 = 1/2; t1 = (1 + t0 + t2) / 2 = 1
        // backward (black, then red): z1 = 1; z0 = t0 + z1 / 2 = 1; z2 = 1
        assertArrayEquals(new double[] {1, 1, 1}, z, 0.0);
        assertEquals(3.0, rz, 0.0);
    }

    /** A colour-ordered sweep is a lexicographic sweep of P A P^T: checked against solver-core's kernels. */
    @Test
    void colourOrderedKernelsEqualLexicographicKernelsOnThePermutedMatrix() {
        CsrMatrix a = TestMatrices.randomSpd(300, 10, 42);
        MulticolorOrdering o = MulticolorOrdering.greedy(a);
        assertTrue(o.colours() > 2, "want a general colouring, got " + o.colours() + " colours");
        int[] order = o.order();
        CsrMatrix p = TestMatrices.permute(a, order);
        int[] pdiag = new int[p.rows()];
        for (int i = 0; i < pdiag.length; i++) {
            pdiag[i] = Arrays.binarySearch(p.colIdx(), p.rowPtr()[i], p.rowPtr()[i + 1], i);
        }
        double[] b = TestMatrices.randomVector(300, 1);
        double[] x0 = TestMatrices.randomVector(300, 2);
        for (SweepDirection dir : SweepDirection.values()) {
            double[] x = x0.clone();
            o.sorSweep(a, b, x, 1.3, dir);
            double[] px = TestMatrices.gather(x0, order);
            double[] pb = TestMatrices.gather(b, order);
            if (dir != SweepDirection.BACKWARD) {
                SequentialKernels.sorSweep(p.rowPtr(), p.colIdx(), p.values(), pdiag, pb, px, 1.3, 0, p.rows(), 1);
            }
            if (dir != SweepDirection.FORWARD) {
                SequentialKernels.sorSweep(p.rowPtr(), p.colIdx(), p.values(), pdiag, pb, px, 1.3, p.rows() - 1, -1, -1);
            }
            assertArrayEquals(TestMatrices.scatter(px, order), x, 1e-12, dir.toString());
        }
        double[] r = TestMatrices.randomVector(300, 3);
        double[] z = new double[300];
        double rz = o.ssorApplyDot(a, r, z, 1.2);
        double[] pz = new double[300];
        double prz = SequentialKernels.ssorApplyDot(p.rowPtr(), p.colIdx(), p.values(), pdiag, TestMatrices.gather(r, order),
                pz, 1.2);
        assertArrayEquals(TestMatrices.scatter(pz, order), z, 1e-12);
        assertEquals(prz, rz, 1e-10 * Math.abs(prz));
    }

    @Test
    void colouredSorAndGaussSeidelConvergeOnPoisson() {
        CsrMatrix a = TestMatrices.poisson3d(10);
        double[] b = TestMatrices.randomVector(a.rows(), 7);
        try (ReferenceBackend backend = new ReferenceBackend()) {
            for (StationaryIteration solver : new StationaryIteration[] {
                    StationaryIteration.gaussSeidel(SolverOptions.defaults().withRtol(1e-6).withMaxIterations(2000),
                            SweepDirection.FORWARD, Ordering.MULTICOLOUR),
                    StationaryIteration.sor(SolverOptions.defaults().withRtol(1e-6).withOmega(1.6).withMaxIterations(2000),
                            Ordering.MULTICOLOUR),
                    StationaryIteration.ssor(SolverOptions.defaults().withRtol(1e-6).withOmega(1.5).withMaxIterations(2000),
                            Ordering.MULTICOLOUR)}) {
                double[] x = new double[a.rows()];
                try (BoundSolver s = solver.setup(a, backend)) {
                    SolveResult result = s.solve(b, x);
                    assertEquals(ConvergedReason.CONVERGED_RTOL, result.reason(), solver.name() + ": " + result);
                    assertTrue(TestMatrices.residualNorm(a, b, x) <= 1e-6 * TestMatrices.norm(b), solver.name());
                }
            }
        }
    }

    @Test
    void colouredSsorPreconditionedCgConvergesOnPoisson() {
        CsrMatrix a = TestMatrices.poisson3d(12);
        double[] b = TestMatrices.randomVector(a.rows(), 8);
        double[] x = new double[a.rows()];
        try (ReferenceBackend backend = new ReferenceBackend();
             BoundSolver s = new ConjugateGradient(SolverOptions.defaults().withRtol(1e-10),
                     new SsorPreconditioner(1.2, Ordering.MULTICOLOUR)).setup(a, backend)) {
            SolveResult result = s.solve(b, x);
            assertEquals(ConvergedReason.CONVERGED_RTOL, result.reason(), result.toString());
            assertTrue(TestMatrices.residualNorm(a, b, x) <= 1e-10 * TestMatrices.norm(b));
        }
    }

    @Test
    void zeroDiagonalIsRejected() {
        CsrMatrix a = CsrMatrix.builder(2, 2).add(0, 1, 1).add(1, 0, 1).add(1, 1, 1).build();
        MulticolorOrdering o = MulticolorOrdering.greedy(a);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> o.sorSweep(a, new double[2], new double[2], 1.0, SweepDirection.FORWARD));
        assertTrue(e.getMessage().contains("row 1 (counted from 1)"), e.getMessage());
    }
}
