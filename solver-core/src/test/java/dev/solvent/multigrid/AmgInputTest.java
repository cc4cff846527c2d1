package dev.solvent.multigrid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solvent.backend.Backend;
import dev.solvent.backend.ReferenceBackend;
import dev.solvent.gen.Generators;
import dev.solvent.matrix.CooBuilder;
import dev.solvent.matrix.CsrMatrix;
import dev.solvent.matrix.Stencil7Operator;
import dev.solvent.solve.BoundSolver;
import dev.solvent.solve.ConjugateGradient;
import dev.solvent.solve.ConvergedReason;
import dev.solvent.solve.SolveResult;
import dev.solvent.solve.SolverOptions;
import dev.solvent.solve.Solvers;
import org.junit.jupiter.api.Test;

/**
 * Bad input gets a clear error naming the cause, or a reason in the result, never a NaN answer:
 * empty rows, zero and negative diagonals, non-finite entries, near-null-space vectors and
 * aggregates that do not fit, options out of range.
 */
class AmgInputTest {

    private static final SolverOptions OPTIONS = SolverOptions.defaults();

    /** The 2D Poisson matrix of order 36 with row {@code row} replaced by {@code entries} (column, value). */
    private static CsrMatrix withRow(int row, double... entries) {
        CsrMatrix p = Generators.poisson2d(6).matrix();
        CooBuilder b = CsrMatrix.builder(p.rows(), p.cols());
        for (int i = 0; i < p.rows(); i++) {
            if (i == row) {
                for (int e = 0; e < entries.length; e += 2) {
                    b.add(i, (int) entries[e], entries[e + 1]);
                }
                continue;
            }
            for (int k = p.rowPtr()[i]; k < p.rowPtr()[i + 1]; k++) {
                b.add(i, p.colIdx()[k], p.values()[k]);
            }
        }
        return b.build();
    }

    private static IllegalArgumentException setupFails(CsrMatrix a, String solver, String pc) {
        try (Backend be = new ReferenceBackend()) {
            return assertThrows(IllegalArgumentException.class, () -> Solvers.create(solver, pc, OPTIONS).setup(a, be));
        }
    }

    @Test
    void emptyRowIsNamed() {
        for (String[] sp : new String[][] {{"cg", "amg"}, {"amg", "none"}}) {
            IllegalArgumentException e = setupFails(withRow(7), sp[0], sp[1]);
            assertTrue(e.getMessage().contains("row 7 is empty"), e.getMessage());
        }
    }

    @Test
    void zeroAndNegativeDiagonalsAreNamed() {
        IllegalArgumentException zero = setupFails(withRow(9, 8, -1.0, 9, 0.0, 10, -1.0), "cg", "amg");
        assertTrue(zero.getMessage().contains("row 9 has a zero diagonal"), zero.getMessage());
        IllegalArgumentException missing = setupFails(withRow(9, 8, -1.0, 10, -1.0), "cg", "amg");
        assertTrue(missing.getMessage().contains("row 9 has a zero diagonal"), missing.getMessage());
        IllegalArgumentException negative = setupFails(withRow(4, 4, -2.0), "cg", "amg");
        assertTrue(negative.getMessage().contains("row 4 has the diagonal entry -2.0"), negative.getMessage());
    }

    @Test
    void theFirstBadDiagonalIsNamedWhateverTheSetupThreads() {
        // 100^2 rows: the finest level is scanned in parallel blocks of 2048 rows; the bad rows lie
        // in different blocks, and the lowest must be named for any number of threads.
        CsrMatrix p = Generators.poisson2d(100).matrix();
        double[] v = p.values().clone();
        for (int row : new int[] {9001, 4500, 6200}) {
            int k = java.util.Arrays.binarySearch(p.colIdx(), p.rowPtr()[row], p.rowPtr()[row + 1], row);
            v[k] = row == 4500 ? -3.0 : 0.0;
        }
        CsrMatrix a = CsrMatrix.of(p.rows(), p.cols(), p.rowPtr(), p.colIdx(), v);
        for (int threads = 1; threads <= 3; threads++) {
            final int t = threads;
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Hierarchy.build(a, AmgOptions.defaults(), t));
            assertTrue(e.getMessage().contains("row 4500 has the diagonal entry -3.0"), t + " threads: " + e.getMessage());
        }
        // A NaN anywhere is the reason even where a diagonal is bad too (no exception).
        double[] nan = v.clone();
        nan[nan.length - 1] = Double.NaN;
        Hierarchy h = Hierarchy.build(CsrMatrix.of(p.rows(), p.cols(), p.rowPtr(), p.colIdx(), nan), AmgOptions.defaults(), 2);
        assertTrue(h.failure.contains("NaN or infinite"), h.failure);
    }

    @Test
    void finiteEntriesWhoseRowSumOverflowsAreNotCalledInfinite() {
        // Entries near the largest double: every one finite, their absolute row sums not.
        CsrMatrix a = CsrMatrix.of(2, 2, new int[] {0, 2, 4}, new int[] {0, 1, 0, 1},
                new double[] {1.5e308, -1e308, -1e308, 1.5e308});
        Hierarchy h = Hierarchy.build(a, AmgOptions.defaults(), 1);
        // (The dense coarse factor of such a matrix may overflow: that is a reason of its own.)
        assertTrue(h.failure == null || !h.failure.contains("NaN or infinite entry"), h.failure);
        assertEquals(1, h.size(), "the 2 x 2 matrix is its own coarsest level");
    }

    @Test
    void indefiniteCoarsestMatrixIsAReasonAndTheReportSaysWhy() {
        // Symmetric with a positive diagonal, but indefinite: [[1, 2], [2, 1]] has eigenvalues 3 and -1.
        CsrMatrix a = CsrMatrix.of(2, 2, new int[] {0, 2, 4}, new int[] {0, 1, 0, 1}, new double[] {1, 2, 2, 1});
        try (Backend be = new ReferenceBackend();
             BoundSolver s = Solvers.create("cg", "amg", OPTIONS).setup(a, be)) {
            double[] x = new double[2];
            SolveResult r = s.solve(new double[] {1, 1}, x);
            assertEquals(ConvergedReason.DIVERGED_PRECONDITIONER_FAILED, r.reason(), r.toString());
            assertTrue(r.message().contains("not positive definite"), r.message());
            @SuppressWarnings("unchecked")
            java.util.Map<String, Object> pc = (java.util.Map<String, Object>) s.setupReport().get("preconditioner");
            assertEquals("none: the dense Cholesky factorisation failed (see failure)", pc.get("coarseSolve"));
            assertTrue(pc.get("failure").toString().contains("not positive definite"), pc.toString());
        }
    }

    @Test
    void matricesNearTheLimitsOfTheDoubleRange() {
        CsrMatrix p = Generators.poisson2d(40).matrix();
        double[] b = new double[p.rows()];
        java.util.Arrays.fill(b, 1.0);
        // 1e-300: squares of its row sums underflow; the Dirichlet matrix is still not singular.
        double[] small = p.values().clone();
        for (int k = 0; k < small.length; k++) {
            small[k] *= 1e-300;
        }
        CsrMatrix tiny = p.withValues(small);
        try (Backend be = new ReferenceBackend();
             BoundSolver s = Solvers.create("cg", "amg", OPTIONS).setup(tiny, be)) {
            double[] x = new double[b.length];
            SolveResult r = s.solve(b, x);
            assertEquals(ConvergedReason.CONVERGED_RTOL, r.reason(), r.toString());
            @SuppressWarnings("unchecked")
            java.util.Map<String, Object> pc = (java.util.Map<String, Object>) s.setupReport().get("preconditioner");
            assertEquals(Boolean.FALSE, pc.get("nullSpaceProjected"), pc.toString());
        }
        // 1e305: P^T A P overflows; the error says so instead of blaming the matrix.
        double[] large = p.values().clone();
        for (int k = 0; k < large.length; k++) {
            large[k] *= 1e305;
        }
        IllegalArgumentException e = setupFails(p.withValues(large), "cg", "amg");
        assertTrue(e.getMessage().contains("left the double range"), e.getMessage());
    }

    @Test
    void nonFiniteMatrixIsAReasonNotANanAndAResetupRecovers() {
        CsrMatrix good = Generators.poisson2d(6).matrix();
        double[] v = good.values().clone();
        v[11] = Double.NaN;
        CsrMatrix bad = CsrMatrix.of(good.rows(), good.cols(), good.rowPtr(), good.colIdx(), v);
        nanIsAReasonAndAResetupRecovers(bad, good, good);
        // A stencil: the matrix assembled from it is let go after setup, also when setup stopped.
        Stencil7Operator goodStencil = new Stencil7Operator(6, 5, 4, 6.0, -1.0, -1.0, -1.0);
        nanIsAReasonAndAResetupRecovers(new Stencil7Operator(6, 5, 4, 6.0, -1.0, Double.NaN, -1.0), goodStencil,
                goodStencil.toCsr());
    }

    private static void nanIsAReasonAndAResetupRecovers(dev.solvent.matrix.LinearOperator bad,
                                                        dev.solvent.matrix.LinearOperator good, CsrMatrix goodMatrix) {
        double[] b = new double[bad.rows()];
        java.util.Arrays.fill(b, 1.0);
        try (Backend be = new ReferenceBackend()) {
            for (String[] sp : new String[][] {{"cg", "amg"}, {"amg", "none"}}) {
                try (BoundSolver s = Solvers.create(sp[0], sp[1], OPTIONS).setup(bad, be)) {
                    SolveResult r = s.solve(b, new double[b.length]);
                    assertEquals(ConvergedReason.DIVERGED_NAN, r.reason(), r.toString());
                    assertTrue(s.setupReport().toString().length() > 0);
                    // The setup stopped before any level: a re-setup on good values builds one.
                    s.resetup(good);
                    double[] x = new double[b.length];
                    SolveResult ok = s.solve(b, x);
                    assertEquals(ConvergedReason.CONVERGED_RTOL, ok.reason(), sp[0] + ": " + ok);
                    assertTrue(dev.solvent.Residuals.relative(goodMatrix, x, b) <= OPTIONS.rtol(), sp[0]);
                }
            }
        }
    }

    @Test
    void nearNullSpaceAndAggregatesMustFitTheMatrix() {
        CsrMatrix a = Generators.poisson2d(6).matrix();
        IllegalArgumentException shortVector = assertThrows(IllegalArgumentException.class, () -> build(a,
                AmgOptions.defaults().withNearNullSpace(new double[][] {filled(35, 1.0)})));
        assertTrue(shortVector.getMessage().contains("length 35"), shortVector.getMessage());
        assertThrows(IllegalArgumentException.class, () -> AmgOptions.defaults().withNearNullSpace(new double[0][]));
        IllegalArgumentException lengths = assertThrows(IllegalArgumentException.class,
                () -> AmgOptions.defaults().withNearNullSpace(new double[][] {filled(36, 1.0), filled(35, 1.0)}));
        assertTrue(lengths.getMessage().contains("differ in length"), lengths.getMessage());
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
                () -> AmgOptions.defaults().withNearNullSpace(new double[][] {filled(36, 1.0), new double[36]}));
        assertTrue(zero.getMessage().contains("vector 1 is zero"), zero.getMessage());
        double[] nan = new double[36];
        nan[3] = Double.NaN;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AmgOptions.defaults().withNearNullSpace(new double[][] {nan}));
        assertTrue(e.getMessage().contains("entry 3"), e.getMessage());

        int[] wrongLength = new int[30];
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> build(a, AmgOptions.defaults().withAggregates(wrongLength).withCoarseSize(5))).getMessage()
                .contains("30 aggregate numbers"));
        int[] gap = new int[36];
        for (int i = 0; i < 36; i++) {
            gap[i] = i < 18 ? 0 : 2;
        }
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> build(a, AmgOptions.defaults().withAggregates(gap).withCoarseSize(5))).getMessage()
                .contains("aggregate 1 is empty"));
        int[] negative = new int[36];
        negative[5] = -3;
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> build(a, AmgOptions.defaults().withAggregates(negative).withCoarseSize(5))).getMessage()
                .contains("unknown 5 has aggregate -3"));
        IllegalArgumentException block = assertThrows(IllegalArgumentException.class,
                () -> build(Generators.poisson2d(5).matrix(), AmgOptions.defaults().withBlockSize(2).withCoarseSize(5)));
        assertTrue(block.getMessage().contains("block size 2"), block.getMessage());
    }

    private static double[] filled(int n, double value) {
        double[] v = new double[n];
        java.util.Arrays.fill(v, value);
        return v;
    }

    @Test
    void theScaleOfNearNullSpaceVectorsDoesNotMatter() {
        CsrMatrix a = Generators.poisson2d(40).matrix();
        AmgOptions base = AmgOptions.defaults().withCoarseSize(40);
        Hierarchy constant = build(a, base);
        // Squares of 1e300 overflow and of 1e-300 underflow: before scaling, every aggregate's
        // prolongator column came out empty (zero or NaN).
        for (double scale : new double[] {0x1p996, 0x1p-996, 1e300, 1e-300, 3.0}) {
            double[] v = filled(a.rows(), scale);
            Hierarchy h = build(a, base.withNearNullSpace(new double[][] {v}));
            assertEquals(null, h.failure, "scale " + scale);
            assertEquals(constant.size(), h.size(), "scale " + scale);
            boolean powerOfTwo = scale == Math.scalb(1.0, Math.getExponent(scale));
            for (int l = 1; l < h.size(); l++) {
                assertEquals(constant.level(l).a.nnz(), h.level(l).a.nnz(), "scale " + scale + ", level " + l);
                if (powerOfTwo) {
                    assertEquals(constant.level(l).a, h.level(l).a, "scale " + scale + ", level " + l + ": bit for bit");
                }
            }
            assertEquals(scale, v[0], 0.0, "the caller's vector is not changed");
        }
    }

    @Test
    void givenAggregatesAreUsedOnTheFinestLevel() {
        CsrMatrix a = Generators.poisson2d(8).matrix();
        int[] agg = new int[64];
        for (int i = 0; i < 64; i++) {
            // 2 x 2 boxes; the corner unknown 0 left out.
            agg[i] = ((i % 8) / 2) + 4 * ((i / 8) / 2);
        }
        agg[0] = -1;
        Hierarchy h = Hierarchy.build(a, AmgOptions.defaults().withAggregates(agg).withCoarseSize(5), 1);
        assertEquals(16, h.level(1).a.rows());
        assertEquals(16, h.level(0).aggregateCount);
        assertTrue(java.util.Arrays.equals(agg, h.level(0).aggregates));
        double[] b = new double[64];
        java.util.Arrays.fill(b, 1.0);
        double[] x = new double[64];
        try (Backend be = new ReferenceBackend();
             BoundSolver s = new ConjugateGradient(OPTIONS, new AmgPreconditioner(
                     AmgOptions.defaults().withAggregates(agg).withCoarseSize(5))).setup(a, be)) {
            SolveResult r = s.solve(b, x);
            assertEquals(ConvergedReason.CONVERGED_RTOL, r.reason(), r.toString());
            assertTrue(dev.solvent.Residuals.relative(a, x, b) <= 1e-8);
        }
    }

    @Test
    void optionsOutOfRangeAreRejectedWithTheirName() {
        AmgOptions d = AmgOptions.defaults();
        assertTrue(assertThrows(IllegalArgumentException.class, () -> d.withStrengthThreshold(1.0)).getMessage().contains("strength"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> d.withChebyshevDegree(0)).getMessage().contains("degree"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> d.withSweeps(0)).getMessage().contains("sweeps"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> d.withCoarseSize(0)).getMessage().contains("coarse size"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> d.withCoarseSize(AmgOptions.MAX_COARSE_SIZE + 1))
                .getMessage().contains("coarse size"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> d.withMaxLevels(0)).getMessage().contains("max levels"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> d.withProlongatorDamping(2.0)).getMessage().contains("damping"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> d.withChebyshevInterval(0.0, 1.1)).getMessage().contains("Chebyshev"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> d.withChebyshevInterval(0.3, 0.9)).getMessage().contains("Chebyshev"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> d.withSetupThreads(-1)).getMessage().contains("threads"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AmgOptions.Smoother.byName("gauss-seidel")).getMessage().contains("chebyshev"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AmgOptions.Cycle.byName("K")).getMessage().contains("V, W or F"));
        assertEquals(AmgOptions.Smoother.L1_JACOBI, AmgOptions.Smoother.byName("L1_Jacobi"));
        assertEquals(AmgOptions.Cycle.W, AmgOptions.Cycle.byName("w"));
    }

    private static Hierarchy build(CsrMatrix a, AmgOptions options) {
        return Hierarchy.build(a, options, 1);
    }
}
