package dev.solvent.gen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solvent.backend.ReferenceBackend;
import dev.solvent.matrix.CsrMatrix;
import dev.solvent.matrix.Stencil7Operator;
import dev.solvent.solve.BoundSolver;
import dev.solvent.solve.ConjugateGradient;
import dev.solvent.solve.ConvergedReason;
import dev.solvent.solve.SolveResult;
import dev.solvent.solve.SolverOptions;
import java.util.List;
import org.junit.jupiter.api.Test;

class GeneratorsTest {

    /** Every entry of {@code a} against a dense expectation, zeros included. */
    static void assertMatrix(double[][] expected, CsrMatrix a, double tol) {
        assertEquals(expected.length, a.rows(), "rows");
        assertEquals(expected[0].length, a.cols(), "cols");
        for (int i = 0; i < expected.length; i++) {
            for (int j = 0; j < expected[i].length; j++) {
                assertEquals(expected[i][j], a.get(i, j), tol * Math.max(1.0, Math.abs(expected[i][j])),
                        "entry (" + i + ", " + j + ")");
            }
        }
    }

    /** y = A x by dense row access through get(i, j), a route apart from CsrMatrix.apply. */
    static double[] denseApply(CsrMatrix a, double[] x) {
        double[] y = new double[a.rows()];
        for (int i = 0; i < a.rows(); i++) {
            for (int j = 0; j < a.cols(); j++) {
                y[i] += a.get(i, j) * x[j];
            }
        }
        return y;
    }

    // ---- hand-computed matrices -----------------------------------------------------------------

    @Test
    void poisson1dIsTridiagonal() {
        Problem p = Generators.poisson1d(3);
        assertMatrix(new double[][] {{2, -1, 0}, {-1, 2, -1}, {0, -1, 2}}, p.matrix(), 0);
        assertArrayEquals(new double[] {1, 0, 1}, p.rhs());
        assertArrayEquals(new double[] {1, 1, 1}, p.exactSolution());
        assertArrayEquals(new int[] {3}, p.grid());
    }

    @Test
    void poisson2dTwoByTwoByHand() {
        // Cells (0,0), (1,0), (0,1), (1,1) are unknowns 0..3; each has two neighbours.
        Problem p = Generators.poisson2d(2, 2);
        assertMatrix(new double[][] {
            {4, -1, -1, 0},
            {-1, 4, 0, -1},
            {-1, 0, 4, -1},
            {0, -1, -1, 4}}, p.matrix(), 0);
        assertArrayEquals(new double[] {2, 2, 2, 2}, p.rhs());
        assertEquals(12, p.matrix().nnz());
    }

    @Test
    void poisson2dNumbersXFastestAndDoesNotWrapRows() {
        // 3 x 2 grid: unknown 2 is (2,0), unknown 3 is (0,1); they are not neighbours.
        CsrMatrix a = Generators.poisson2d(3, 2).matrix();
        assertEquals(-1.0, a.get(0, 1));
        assertEquals(-1.0, a.get(0, 3));
        assertEquals(0.0, a.get(2, 3));
        assertEquals(-1.0, a.get(2, 5));
        assertEquals(4.0, a.get(4, 4));
        // 6 diagonal entries, 4 x-neighbour pairs and 3 y-neighbour pairs, each pair stored twice.
        assertEquals(6 + 2 * (4 + 3), a.nnz());
    }

    @Test
    void poisson3dCornerRow() {
        CsrMatrix a = Generators.poisson3d(2, 2, 2).matrix();
        // Cell (0,0,0) couples to (1,0,0) = 1, (0,1,0) = 2, (0,0,1) = 4.
        double[] row0 = {6, -1, -1, 0, -1, 0, 0, 0};
        for (int j = 0; j < 8; j++) {
            assertEquals(row0[j], a.get(0, j), "entry (0, " + j + ")");
        }
        assertEquals(8 * 4, a.nnz());
    }

    @Test
    void poisson3dEqualsStencilOperator() {
        int[][] shapes = {{1, 1, 1}, {1, 1, 5}, {5, 1, 1}, {1, 4, 1}, {3, 4, 5}, {6, 2, 3}, {4, 4, 4}};
        for (int[] s : shapes) {
            CsrMatrix gen = Generators.poisson3d(s[0], s[1], s[2]).matrix();
            CsrMatrix st = Stencil7Operator.poisson(s[0], s[1], s[2]).toCsr();
            assertArrayEquals(st.rowPtr(), gen.rowPtr(), "rowPtr " + java.util.Arrays.toString(s));
            assertArrayEquals(st.colIdx(), gen.colIdx(), "colIdx " + java.util.Arrays.toString(s));
            assertArrayEquals(st.values(), gen.values(), "values " + java.util.Arrays.toString(s));
            assertEquals(st, gen);
        }
        assertEquals(Generators.poisson3d(5).matrix(), Generators.poisson3d(5, 5, 5).matrix());
        assertEquals(Generators.poisson2d(5).matrix(), Generators.poisson2d(5, 5).matrix());
    }

    // ---- right-hand sides -----------------------------------------------------------------------

    @Test
    void poissonRhsIsTheNumberOfBoundarySides() {
        // A 1 = diagonal - (number of in-grid neighbours) = number of sides on the boundary.
        int nx = 4, ny = 3, nz = 5;
        double[] b3 = Generators.poisson3d(nx, ny, nz).rhs();
        double[] b2 = Generators.poisson2d(nx, ny).rhs();
        double[] b1 = Generators.poisson1d(nx).rhs();
        for (int k = 0; k < nz; k++) {
            for (int j = 0; j < ny; j++) {
                for (int i = 0; i < nx; i++) {
                    int sides = (i == 0 ? 1 : 0) + (i == nx - 1 ? 1 : 0) + (j == 0 ? 1 : 0) + (j == ny - 1 ? 1 : 0);
                    assertEquals(sides + (k == 0 ? 1 : 0) + (k == nz - 1 ? 1 : 0), b3[i + nx * (j + ny * k)]);
                    if (k == 0) {
                        assertEquals(sides, b2[i + nx * j]);
                    }
                    if (k == 0 && j == 0) {
                        assertEquals((i == 0 ? 1 : 0) + (i == nx - 1 ? 1 : 0), b1[i]);
                    }
                }
            }
        }
    }

    @Test
    void rhsIsAOnesComputedIndependently() {
        for (Problem p : List.of(Generators.poisson1d(7), Generators.poisson2d(5, 3), Generators.poisson3d(3, 4, 2),
                Generators.anisotropic2d(4, 5, 0.01), Generators.anisotropic3d(3, 2, 4, 1.0, 0.1, 10.0))) {
            double[] ones = p.exactSolution();
            for (double v : ones) {
                assertEquals(1.0, v);
            }
            assertArrayEquals(denseApply(p.matrix(), ones), p.rhs(), 1e-12, p.name());
        }
    }

    // ---- anisotropic ----------------------------------------------------------------------------

    @Test
    void anisotropic2dEntries() {
        double eps = 0.125;
        Problem p = Generators.anisotropic2d(3, 3, eps);
        CsrMatrix a = p.matrix();
        assertEquals(2 + 2 * eps, a.get(4, 4));
        assertEquals(-1.0, a.get(4, 3));
        assertEquals(-1.0, a.get(4, 5));
        assertEquals(-eps, a.get(4, 1));
        assertEquals(-eps, a.get(4, 7));
        for (int j = 0; j < 3; j++) {
            for (int i = 0; i < 3; i++) {
                double expected = (i == 0 ? 1 : 0) + (i == 2 ? 1 : 0) + eps * ((j == 0 ? 1 : 0) + (j == 2 ? 1 : 0));
                assertEquals(expected, p.rhs()[i + 3 * j], 1e-15);
            }
        }
    }

    @Test
    void anisotropic3dMatchesAStencilWithDistinctWeights() {
        double ex = 1.5, ey = 0.25, ez = 4.0;
        CsrMatrix a = Generators.anisotropic3d(3, 4, 2, ex, ey, ez).matrix();
        CsrMatrix s = new Stencil7Operator(3, 4, 2, 2 * (ex + ey + ez), -ex, -ey, -ez).toCsr();
        assertEquals(s, a);
        assertEquals(Generators.poisson3d(3, 4, 2).matrix(), Generators.anisotropic3d(3, 4, 2, 1, 1, 1).matrix());
    }

    // ---- variable coefficient -------------------------------------------------------------------

    @Test
    void variableCoefficient2dHarmonicMeanByHand() {
        // Two cells along x (hx = 1/2, hy = 1), k = 1 then 3.
        // Interior face: harmonic mean 2*1*3/4 = 3/2, times hy/hx = 2, gives 3.
        // x boundary faces: 2 k hy/hx = 4 k; y boundary faces (two per cell): 2 k hx/hy = k each.
        Problem p = Generators.variableCoefficient2d(2, 1, (x, y) -> x < 0.5 ? 1.0 : 3.0);
        assertMatrix(new double[][] {{3 + 4 + 2, -3}, {-3, 3 + 12 + 6}}, p.matrix(), 1e-15);
        assertArrayEquals(new double[] {0.5, 0.5}, p.rhs(), 0);
        assertNull(p.exactSolution());
        assertArrayEquals(new int[] {2, 1}, p.grid());
    }

    @Test
    void variableCoefficient2dConstantIsPoissonPlusBoundaryDiagonal() {
        // Square cells, k = c: A = c (P5 + B), B counting boundary sides.
        int n = 5;
        double c = 2.5;
        CsrMatrix a = Generators.variableCoefficient2d(n, n, (x, y) -> c).matrix();
        CsrMatrix p5 = Generators.poisson2d(n, n).matrix();
        double[] b = Generators.poisson2d(n, n).rhs(); // boundary sides per cell, checked above
        for (int r = 0; r < n * n; r++) {
            for (int s = 0; s < n * n; s++) {
                double expected = c * (p5.get(r, s) + (r == s ? b[r] : 0.0));
                assertEquals(expected, a.get(r, s), 1e-13, "(" + r + ", " + s + ")");
            }
        }
    }

    @Test
    void variableCoefficient3dConstantMatchesTheOperatorDerivedHere() {
        // Non-cubic cells, k = c: T = c * (face area / centre distance) per direction, boundary
        // faces twice that on the diagonal, rhs = cell volume.
        int nx = 3, ny = 4, nz = 5;
        double c = 0.7;
        double hx = 1.0 / nx, hy = 1.0 / ny, hz = 1.0 / nz;
        double tx = c * hy * hz / hx, ty = c * hx * hz / hy, tz = c * hx * hy / hz;
        Problem p = Generators.variableCoefficient3d(nx, ny, nz, (x, y, z) -> c);
        CsrMatrix a = p.matrix();
        int n = nx * ny * nz;
        double[][] expected = new double[n][n];
        for (int k = 0; k < nz; k++) {
            for (int j = 0; j < ny; j++) {
                for (int i = 0; i < nx; i++) {
                    int r = i + nx * (j + ny * k);
                    expected[r][r] = 2 * tx + 2 * ty + 2 * tz; // every cell has six faces
                    if (i == 0 || i == nx - 1) {
                        expected[r][r] += tx * ((i == 0 ? 1 : 0) + (i == nx - 1 ? 1 : 0));
                    }
                    if (j == 0 || j == ny - 1) {
                        expected[r][r] += ty * ((j == 0 ? 1 : 0) + (j == ny - 1 ? 1 : 0));
                    }
                    if (k == 0 || k == nz - 1) {
                        expected[r][r] += tz * ((k == 0 ? 1 : 0) + (k == nz - 1 ? 1 : 0));
                    }
                    if (i > 0) {
                        expected[r][r - 1] = -tx;
                    }
                    if (i < nx - 1) {
                        expected[r][r + 1] = -tx;
                    }
                    if (j > 0) {
                        expected[r][r - nx] = -ty;
                    }
                    if (j < ny - 1) {
                        expected[r][r + nx] = -ty;
                    }
                    if (k > 0) {
                        expected[r][r - nx * ny] = -tz;
                    }
                    if (k < nz - 1) {
                        expected[r][r + nx * ny] = -tz;
                    }
                }
            }
        }
        assertMatrix(expected, a, 1e-13);
        for (double v : p.rhs()) {
            assertEquals(hx * hy * hz, v, 1e-16);
        }
        // For cubic cells it is h (P7 + B), the documented relation to poisson3d.
        int m = 4;
        CsrMatrix cube = Generators.variableCoefficient3d(m, m, m, (x, y, z) -> 1.0).matrix();
        Problem p7 = Generators.poisson3d(m);
        for (int r = 0; r < m * m * m; r++) {
            for (int s = 0; s < m * m * m; s++) {
                double e = (p7.matrix().get(r, s) + (r == s ? p7.rhs()[r] : 0.0)) / m;
                assertEquals(e, cube.get(r, s), 1e-14, "(" + r + ", " + s + ")");
            }
        }
    }

    @Test
    void jumpingCoefficientByHand() {
        // n = 4, h = 1/4: centres 1/8, 3/8, 5/8, 7/8, so cells 1 and 2 of each axis are inside
        // [1/4, 3/4]. Cell (1,1,1) has inside neighbours at +x, +y, +z (k = c) and outside ones
        // at -x, -y, -z (harmonic mean 2c/(1+c)); each T is that times h^2/h = h.
        int n = 4;
        double c = 100.0, h = 0.25;
        CsrMatrix a = Generators.jumpingCoefficient3d(n, c).matrix();
        int p = 1 + n * (1 + n * 1);
        double hm = 2 * c / (1 + c);
        assertEquals(h * (3 * c + 3 * hm), a.get(p, p), 1e-12);
        assertEquals(-h * hm, a.get(p, p - 1), 1e-14);
        assertEquals(-h * c, a.get(p, p + 1), 1e-12);
        assertEquals(-h * hm, a.get(p, p - n * n), 1e-14);
        assertEquals(-h * c, a.get(p, p + n * n), 1e-12);
        // Corner cell (0,0,0): k = 1, three outside neighbours, three boundary faces (2 h each).
        assertEquals(3 * h + 3 * 2 * h, a.get(0, 0), 1e-14);
    }

    @Test
    void variableCoefficientRejectsBadCoefficientNamingThePoint() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Generators.variableCoefficient3d(4, 4, 4, (x, y, z) -> x > 0.5 && y > 0.5 && z > 0.5 ? -1.0 : 1.0));
        assertTrue(e.getMessage().contains("(2, 2, 2)") && e.getMessage().contains("0.625"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Generators.variableCoefficient2d(3, 3, (x, y) -> x < 0.2 ? 0.0 : 1.0));
        assertTrue(e.getMessage().contains("(0, 0)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Generators.variableCoefficient2d(3, 3, (x, y) -> Double.NaN));
        assertThrows(IllegalArgumentException.class,
                () -> Generators.variableCoefficient3d(3, 3, 3, (x, y, z) -> Double.POSITIVE_INFINITY));
        assertThrows(IllegalArgumentException.class, () -> Generators.variableCoefficient2d(3, 3, null));
        assertThrows(IllegalArgumentException.class, () -> Generators.variableCoefficient3d(3, 3, 3, null));
    }

    // ---- properties of every generator ----------------------------------------------------------

    static List<Problem> allSmallProblems() {
        return List.of(
                Generators.poisson1d(1), Generators.poisson1d(9),
                Generators.poisson2d(1, 1), Generators.poisson2d(4, 7), Generators.poisson2d(6),
                Generators.poisson3d(1, 1, 1), Generators.poisson3d(2, 5, 3), Generators.poisson3d(5),
                Generators.anisotropic2d(6, 5, 1e-3), Generators.anisotropic3d(4, 3, 5, 1.0, 1e-2, 1e2),
                Generators.variableCoefficient2d(7, 5, (x, y) -> 1 + x * x + Math.sin(3 * y) * Math.sin(3 * y)),
                Generators.variableCoefficient3d(4, 5, 3, (x, y, z) -> Math.exp(3 * x - 2 * y + z)),
                Generators.jumpingCoefficient3d(6, 1e4),
                Generators.fluid3d(8),
                FluidGrid.smokeBox(8, false).pressureProblem(null),
                FluidGrid.withObstacles(12, 3, true).pressureProblem(null));
    }

    @Test
    void everyMatrixIsExactlySymmetric() {
        for (Problem p : allSmallProblems()) {
            assertTrue(p.matrix().isSymmetric(0.0), p.name());
            assertTrue(p.matrix().isStructurallySymmetric(), p.name());
            assertTrue(p.matrix().isFinite(), p.name());
            assertEquals(p.matrix().rows(), p.rhs().length, p.name());
        }
    }

    @Test
    void spdProblemsSolveWithCg() {
        for (Problem p : List.of(Generators.poisson3d(6, 5, 4), Generators.anisotropic2d(10, 10, 0.01),
                Generators.jumpingCoefficient3d(8, 1e3),
                Generators.variableCoefficient2d(9, 9, (x, y) -> 1 + 10 * x * y))) {
            double[] x = solveAndCheck(p);
            if (p.exactSolution() != null) {
                for (int i = 0; i < x.length; i++) {
                    assertEquals(p.exactSolution()[i], x[i], 1e-5, p.name());
                }
            }
        }
    }

    /** Solves with plain CG at rtol 1e-8 and checks ||b - A x|| recomputed here. */
    static double[] solveAndCheck(Problem p) {
        double[] x = new double[p.size()];
        try (BoundSolver s = new ConjugateGradient(SolverOptions.defaults().withRtol(1e-8)).setup(p.matrix(), new ReferenceBackend())) {
            SolveResult r = s.solve(p.rhs(), x);
            assertEquals(ConvergedReason.CONVERGED_RTOL, r.reason(), p.name() + ": " + r);
        }
        double[] ax = denseOrSparseApply(p.matrix(), x);
        double rr = 0, bb = 0;
        for (int i = 0; i < x.length; i++) {
            double d = p.rhs()[i] - ax[i];
            rr += d * d;
            bb += p.rhs()[i] * p.rhs()[i];
        }
        assertTrue(Math.sqrt(rr) <= 1e-8 * Math.sqrt(bb), p.name() + ": relative residual " + Math.sqrt(rr / bb));
        return x;
    }

    /** y = A x straight from the CSR arrays, written here rather than calling CsrMatrix.apply. */
    static double[] denseOrSparseApply(CsrMatrix a, double[] x) {
        int[] rp = a.rowPtr();
        int[] ci = a.colIdx();
        double[] v = a.values();
        double[] y = new double[a.rows()];
        for (int i = 0; i < a.rows(); i++) {
            for (int k = rp[i]; k < rp[i + 1]; k++) {
                y[i] += v[k] * x[ci[k]];
            }
        }
        return y;
    }

    // ---- bad arguments --------------------------------------------------------------------------

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> Generators.poisson1d(0));
        assertThrows(IllegalArgumentException.class, () -> Generators.poisson2d(-1));
        assertThrows(IllegalArgumentException.class, () -> Generators.poisson2d(3, 0));
        assertThrows(IllegalArgumentException.class, () -> Generators.poisson3d(3, 3, 0));
        IllegalArgumentException big = assertThrows(IllegalArgumentException.class, () -> Generators.poisson3d(2000));
        assertTrue(big.getMessage().contains("2^31"), big.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Generators.poisson2d(70000, 70000));
        // Fits 2^31 - 1 unknowns but not 7 nonzeros each: fails before allocating, naming it.
        IllegalArgumentException nnz = assertThrows(IllegalArgumentException.class, () -> Generators.poisson3d(1000, 1000, 1000));
        assertTrue(nnz.getMessage().contains("nonzeros"), nnz.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Generators.anisotropic2d(3, 3, 0.0));
        assertThrows(IllegalArgumentException.class, () -> Generators.anisotropic2d(3, 3, -1.0));
        assertThrows(IllegalArgumentException.class, () -> Generators.anisotropic2d(3, 3, Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> Generators.anisotropic3d(3, 3, 3, 1, 1, Double.POSITIVE_INFINITY));
        assertThrows(IllegalArgumentException.class, () -> Generators.anisotropic3d(3, 3, 3, 1, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> Generators.jumpingCoefficient3d(4, 0.0));
        assertThrows(IllegalArgumentException.class, () -> Generators.jumpingCoefficient3d(4, Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> Generators.jumpingCoefficient3d(0, 10));
        assertThrows(IllegalArgumentException.class, () -> Generators.variableCoefficient2d(0, 3, (x, y) -> 1));
        assertThrows(IllegalArgumentException.class, () -> Generators.fluid3d(3));
    }

    @Test
    void problemValidatesItsParts() {
        CsrMatrix a = Generators.poisson1d(3).matrix();
        assertThrows(IllegalArgumentException.class, () -> new Problem("x", a, new double[2], null, null));
        assertThrows(IllegalArgumentException.class, () -> new Problem("x", a, new double[3], new double[4], null));
        assertThrows(IllegalArgumentException.class, () -> new Problem(null, a, new double[3], null, null));
        assertThrows(IllegalArgumentException.class,
                () -> new Problem("x", CsrMatrix.builder(2, 3).build(), new double[2], null, null));
        assertEquals(3, new Problem("x", a, new double[3], null, null).size());
    }
}
