package dev.solvent.precond;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solvent.matrix.CooBuilder;
import dev.solvent.matrix.CsrMatrix;
import dev.solvent.matrix.Stencil7Operator;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The factorisations against independent computations: IC(0) against the textbook row-by-row
 * formula on A itself (no scaling), its defining property {@code (L L^T)_ij = a_ij} on the pattern,
 * MIC(0)'s row sums {@code (L L^T) e = A e}, and the shift policy engaging exactly when the
 * unshifted factorisation breaks down.
 */
class IncompleteCholeskyTest {

    /** Kershaw's 4 x 4 SPD matrix, on which IC(0) meets a negative pivot (Kershaw 1978). */
    static CsrMatrix kershaw() {
        double[][] d = {{3, -2, 0, 2}, {-2, 3, -2, 0}, {0, -2, 3, -2}, {2, 0, -2, 3}};
        return dense(d);
    }

    static CsrMatrix dense(double[][] d) {
        CooBuilder b = CsrMatrix.builder(d.length, d.length);
        for (int i = 0; i < d.length; i++) {
            for (int j = 0; j < d.length; j++) {
                if (d[i][j] != 0.0) {
                    b.add(i, j, d[i][j]);
                }
            }
        }
        return b.build();
    }

    /** A random symmetric diagonally dominant matrix with mixed-sign off-diagonals, diagonal scales from 1e-3 to 1e3. */
    static CsrMatrix randomSpd(int n, long seed) {
        Random rnd = new Random(seed);
        CooBuilder b = CsrMatrix.builder(n, n);
        double[] rowSum = new double[n];
        double[] scale = new double[n];
        for (int i = 0; i < n; i++) {
            scale[i] = Math.pow(10, 6 * rnd.nextDouble() - 3);
        }
        for (int i = 0; i < n; i++) {
            for (int e = 0; e < 3; e++) {
                int j = rnd.nextInt(n);
                if (j != i) {
                    double v = (rnd.nextDouble() - 0.6) * Math.sqrt(scale[i] * scale[j]);
                    b.add(i, j, v);
                    b.add(j, i, v);
                    rowSum[i] += Math.abs(v) / Math.sqrt(scale[i] * scale[j]);
                    rowSum[j] += Math.abs(v) / Math.sqrt(scale[i] * scale[j]);
                }
            }
        }
        for (int i = 0; i < n; i++) {
            b.add(i, i, (rowSum[i] + 0.1) * scale[i]);
        }
        return b.build();
    }

    /** The textbook IC(0), row by row on A's lower pattern, with hash maps: shares no code with the library. */
    static Map<Long, Double> textbookIc0(CsrMatrix a) {
        int n = a.rows();
        Map<Long, Double> l = new HashMap<>();
        java.util.List<java.util.List<Integer>> cols = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            java.util.List<Integer> row = new java.util.ArrayList<>();
            for (int k = a.rowPtr()[i]; k < a.rowPtr()[i + 1]; k++) {
                if (a.colIdx()[k] < i) {
                    row.add(a.colIdx()[k]);
                }
            }
            cols.add(row);
        }
        for (int i = 0; i < n; i++) {
            for (int j : cols.get(i)) {
                double s = a.get(i, j);
                for (int m : cols.get(i)) {
                    if (m < j && l.containsKey(key(j, m))) {
                        s -= l.get(key(i, m)) * l.get(key(j, m));
                    }
                }
                l.put(key(i, j), s / l.get(key(j, j)));
            }
            double d = a.get(i, i);
            for (int m : cols.get(i)) {
                d -= l.get(key(i, m)) * l.get(key(i, m));
            }
            l.put(key(i, i), Math.sqrt(d));
        }
        return l;
    }

    static long key(int i, int j) {
        return (long) i << 32 | j;
    }

    /** y = L L^T x by two plain products. */
    static double[] llt(CsrMatrix lower, double[] x) {
        int n = lower.rows();
        double[] t = new double[n];
        for (int i = 0; i < n; i++) {
            for (int k = lower.rowPtr()[i]; k < lower.rowPtr()[i + 1]; k++) {
                t[lower.colIdx()[k]] += lower.values()[k] * x[i];
            }
        }
        double[] y = new double[n];
        lower.apply(t, y);
        return y;
    }

    /** (L L^T)_ij as a sparse dot of rows i and j of L. */
    static double lltEntry(CsrMatrix lower, int i, int j) {
        double s = 0.0;
        for (int k = lower.rowPtr()[i]; k < lower.rowPtr()[i + 1]; k++) {
            s += lower.values()[k] * lower.get(j, lower.colIdx()[k]);
        }
        return s;
    }

    @Test
    void ic0EqualsTheTextbookRowByRowFactor() {
        for (CsrMatrix a : new CsrMatrix[] {randomSpd(300, 1), randomSpd(500, 2),
                Stencil7Operator.poisson(7, 6, 5).toCsr()}) {
            IncompleteCholesky.Factorization f = IncompleteCholesky.factor(a, "ic0", 0.0, ShiftPolicy.off());
            assertTrue(f.succeeded(), f.failure());
            Map<Long, Double> expected = textbookIc0(a);
            CsrMatrix l = f.lower();
            assertEquals(expected.size(), l.nnz(), "pattern of the lower triangle");
            for (int i = 0; i < l.rows(); i++) {
                for (int k = l.rowPtr()[i]; k < l.rowPtr()[i + 1]; k++) {
                    double want = expected.get(key(i, l.colIdx()[k]));
                    double got = l.values()[k];
                    assertEquals(want, got, 1e-12 * Math.abs(want) + 1e-300, "l(" + i + "," + l.colIdx()[k] + ")");
                }
                assertEquals(i, l.colIdx()[l.rowPtr()[i + 1] - 1], "diagonal last in row " + i);
            }
        }
    }

    @Test
    void ic0ReproducesAOnItsPattern() {
        CsrMatrix a = randomSpd(400, 3);
        CsrMatrix l = IncompleteCholesky.factor(a, "ic0", 0.0, ShiftPolicy.off()).lower();
        for (int i = 0; i < a.rows(); i++) {
            for (int k = a.rowPtr()[i]; k < a.rowPtr()[i + 1]; k++) {
                int j = a.colIdx()[k];
                if (j <= i) {
                    double want = a.values()[k];
                    assertEquals(want, lltEntry(l, i, j), 1e-11 * Math.abs(a.get(i, i)), "(" + i + "," + j + ")");
                }
            }
        }
    }

    @Test
    void mic0KeepsTheRowSumsAndAOffTheDiagonal() {
        CsrMatrix a = Stencil7Operator.poisson(9, 8, 7).toCsr();
        // A variable diagonal too, so that the row-sum weighting under the scaling matters.
        CsrMatrix b = randomMMatrix(600, 5);
        for (CsrMatrix m : new CsrMatrix[] {a, b}) {
            IncompleteCholesky.Factorization f = IncompleteCholesky.factor(m, "mic0", 1.0, ShiftPolicy.off());
            assertTrue(f.succeeded(), f.failure());
            double[] ones = new double[m.rows()];
            java.util.Arrays.fill(ones, 1.0);
            double[] want = new double[m.rows()];
            m.apply(ones, want);
            double[] got = llt(f.lower(), ones);
            for (int i = 0; i < want.length; i++) {
                assertEquals(want[i], got[i], 1e-11 * m.get(i, i), "row sum " + i);
            }
            for (int i = 0; i < m.rows(); i++) {
                for (int k = m.rowPtr()[i]; k < m.rowPtr()[i + 1]; k++) {
                    int j = m.colIdx()[k];
                    if (j < i) {
                        assertEquals(m.values()[k], lltEntry(f.lower(), i, j), 1e-11 * m.get(i, i), "(" + i + "," + j + ")");
                    }
                }
            }
        }
    }

    @Test
    void longColumnsGiveThePairwiseFactor() {
        // Every column through the pattern-driven update (longColumn 0) against the pairwise loop:
        // IC(0) makes the same updates, bit for bit; MIC adds its dropped fill in another order.
        CsrMatrix poisson = Stencil7Operator.poisson(9, 8, 7).toCsr();
        CsrMatrix m = randomMMatrix(600, 5);
        // A node at index 0 coupled (weakly) to all 400 others: its column is long by default too.
        CsrMatrix p2 = dev.solvent.gen.Generators.poisson2d(20).matrix();
        CooBuilder bb = CsrMatrix.builder(401, 401);
        for (int i = 0; i < 400; i++) {
            for (int k = p2.rowPtr()[i]; k < p2.rowPtr()[i + 1]; k++) {
                bb.add(i + 1, p2.colIdx()[k] + 1, p2.values()[k] + (p2.colIdx()[k] == i ? 0.01 : 0.0));
            }
            bb.add(i + 1, 0, -0.01);
            bb.add(0, i + 1, -0.01);
        }
        bb.add(0, 0, 0.01 * 400 + 1.0);
        CsrMatrix bordered = bb.build();
        for (CsrMatrix a : new CsrMatrix[] {poisson, m, bordered}) {
            for (double omega : new double[] {0.0, 0.5, 1.0}) {
                IncompleteCholesky.Factorization pairwise = IncompleteCholesky.factor(a, "mic0", omega, ShiftPolicy.off(),
                        Integer.MAX_VALUE);
                IncompleteCholesky.Factorization driven = IncompleteCholesky.factor(a, "mic0", omega, ShiftPolicy.off(), 0);
                IncompleteCholesky.Factorization byDefault = IncompleteCholesky.factor(a, "mic0", omega, ShiftPolicy.off());
                assertTrue(pairwise.succeeded() && driven.succeeded() && byDefault.succeeded(), pairwise.failure());
                if (omega == 0.0) {
                    assertEquals(pairwise.lower(), driven.lower(), "IC(0) bit for bit");
                    assertEquals(pairwise.lower(), byDefault.lower(), "IC(0) bit for bit");
                    continue;
                }
                double[] x = pairwise.lower().values();
                double[] y = driven.lower().values();
                double[] z = byDefault.lower().values();
                for (int k = 0; k < x.length; k++) {
                    assertEquals(x[k], y[k], 1e-11 * Math.abs(x[k]) + 1e-14, "omega " + omega + ", entry " + k);
                    assertEquals(x[k], z[k], 1e-11 * Math.abs(x[k]) + 1e-14, "omega " + omega + ", entry " + k);
                }
            }
        }
    }

    /** Symmetric, nonpositive off-diagonals, strictly diagonally dominant, diagonal scales spread over 1e-2..1e2. */
    static CsrMatrix randomMMatrix(int n, long seed) {
        Random rnd = new Random(seed);
        CooBuilder b = CsrMatrix.builder(n, n);
        double[] scale = new double[n];
        double[] rowSum = new double[n];
        for (int i = 0; i < n; i++) {
            scale[i] = Math.pow(10, 4 * rnd.nextDouble() - 2);
        }
        for (int i = 0; i < n; i++) {
            for (int e = 0; e < 3; e++) {
                int j = rnd.nextInt(n);
                if (j != i) {
                    double v = -rnd.nextDouble() * Math.sqrt(scale[i] * scale[j]);
                    b.add(i, j, v);
                    b.add(j, i, v);
                    rowSum[i] += -v;
                    rowSum[j] += -v;
                }
            }
        }
        for (int i = 0; i < n; i++) {
            b.add(i, i, rowSum[i] + 0.05 * scale[i]);
        }
        return b.build();
    }

    @Test
    void mic0WithZeroRelaxationIsIc0() {
        CsrMatrix a = randomMMatrix(300, 9);
        CsrMatrix ic = IncompleteCholesky.factor(a, "ic0", 0.0, ShiftPolicy.off()).lower();
        assertEquals(ic, IncompleteCholesky.factor(a, "mic0", 0.0, ShiftPolicy.off()).lower());
        // And a partial relaxation lies between: its diagonal is below IC(0)'s (the dropped fill of an
        // M-matrix is positive, so moving it to the diagonal lowers the pivots) wherever fill was dropped.
        CsrMatrix half = IncompleteCholesky.factor(a, "mic0", 0.5, ShiftPolicy.off()).lower();
        boolean lower = false;
        for (int i = 0; i < a.rows(); i++) {
            double dIc = ic.get(i, i);
            double dHalf = half.get(i, i);
            assertTrue(dHalf <= dIc * (1 + 1e-14), "row " + i);
            lower |= dHalf < dIc * (1 - 1e-12);
        }
        assertTrue(lower, "some fill was dropped and moved");
    }

    @Test
    void theShiftEngagesExactlyWhenPlainIc0BreaksDown() {
        // Kershaw's matrix: SPD (its dense Cholesky exists) but IC(0) breaks down.
        CsrMatrix k = kershaw();
        assertTrue(denseCholeskyExists(k), "Kershaw's matrix is SPD");
        IncompleteCholesky.Factorization plain = IncompleteCholesky.factor(k, "ic0", 0.0, ShiftPolicy.off());
        assertNull(plain.lower());
        assertTrue(plain.failure().contains("row 4 (counted from 1)"), plain.failure());
        IncompleteCholesky.Factorization shifted = IncompleteCholesky.factor(k, "ic0", 0.0, ShiftPolicy.DEFAULT);
        assertTrue(shifted.succeeded(), shifted.failure());
        assertTrue(shifted.shift() > 0 && shifted.retries() >= 1, shifted.toString());
        assertEquals(ShiftPolicy.DEFAULT.shift(shifted.retries()), shifted.shift(), 0.0);
        assertTrue(shifted.breakdown().contains("row 4"), shifted.breakdown());
        // The shift is the first of the sequence that works: one retry fewer still breaks down.
        if (shifted.retries() > 1) {
            ShiftPolicy fewer = new ShiftPolicy(ShiftPolicy.DEFAULT.initialShift(), ShiftPolicy.DEFAULT.growth(),
                    shifted.retries() - 1);
            assertNotNull(IncompleteCholesky.factor(k, "ic0", 0.0, fewer).failure());
        }
        // The factor is IC(0) of the shifted matrix A + alpha diag(A): it reproduces that on the pattern.
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j <= i; j++) {
                if (k.get(i, j) != 0.0) {
                    double want = k.get(i, j) * (i == j ? 1 + shifted.shift() : 1);
                    assertEquals(want, lltEntry(shifted.lower(), i, j), 1e-12 * 3, "(" + i + "," + j + ")");
                }
            }
        }

        // Where IC(0) does not break down, the shift never engages and the factor is the plain one.
        for (CsrMatrix a : new CsrMatrix[] {randomSpd(200, 4), Stencil7Operator.poisson(6, 5, 4).toCsr()}) {
            IncompleteCholesky.Factorization p = IncompleteCholesky.factor(a, "ic0", 0.0, ShiftPolicy.off());
            IncompleteCholesky.Factorization d = IncompleteCholesky.factor(a, "ic0", 0.0, ShiftPolicy.DEFAULT);
            assertTrue(p.succeeded());
            assertEquals(0.0, d.shift());
            assertEquals(0, d.retries());
            assertNull(d.breakdown());
            assertEquals(p.lower(), d.lower());
        }
    }

    static boolean denseCholeskyExists(CsrMatrix a) {
        int n = a.rows();
        double[][] m = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                m[i][j] = a.get(i, j);
            }
        }
        for (int k = 0; k < n; k++) {
            if (!(m[k][k] > 0)) {
                return false;
            }
            double d = Math.sqrt(m[k][k]);
            for (int i = k; i < n; i++) {
                m[i][k] /= d;
            }
            for (int j = k + 1; j < n; j++) {
                for (int i = j; i < n; i++) {
                    m[i][j] -= m[i][k] * m[j][k];
                }
            }
        }
        return true;
    }

    @Test
    void aNonPositiveDiagonalFailsAtOnceWithoutRetries() {
        CsrMatrix a = dense(new double[][] {{4, 1, 0}, {1, -2, 1}, {0, 1, 4}});
        IncompleteCholesky.Factorization f = IncompleteCholesky.factor(a, "ic0", 0.0, ShiftPolicy.DEFAULT);
        assertNull(f.lower());
        assertEquals(0, f.retries());
        assertTrue(f.failure().contains("row 2") && f.failure().contains("not positive"), f.failure());
        CsrMatrix missing = dense(new double[][] {{4, 1}, {1, 0}});
        assertTrue(IncompleteCholesky.factor(missing, "ic0", 0.0, ShiftPolicy.DEFAULT).failure().contains("row 2"));
    }

    @Test
    void retriesAreBoundedAndTheFailureSaysSo() {
        // Indefinite: no shift below 2 (scaled) completes, and two retries from 1e-3 stay far below.
        CsrMatrix a = dense(new double[][] {{1, 3}, {3, 1}});
        IncompleteCholesky.Factorization f = IncompleteCholesky.factor(a, "ic0", 0.0, new ShiftPolicy(1e-3, 2, 2));
        assertNull(f.lower());
        assertEquals(2, f.retries());
        assertEquals(2e-3, f.shift(), 0.0);
        assertTrue(f.failure().contains("2 shifted retries"), f.failure());
    }

    @Test
    void shiftPolicyParsesAndRejectsBadText() {
        assertEquals(ShiftPolicy.DEFAULT, ShiftPolicy.parse("auto"));
        assertTrue(!ShiftPolicy.parse("off").enabled());
        assertEquals(new ShiftPolicy(1e-2, 2.0, 30), ShiftPolicy.parse("1e-2"));
        assertEquals(new ShiftPolicy(1e-2, 4.0, 10), ShiftPolicy.parse(" 1e-2, 4 ,10 "));
        assertEquals(ShiftPolicy.parse(ShiftPolicy.DEFAULT.toString()), ShiftPolicy.DEFAULT);
        for (String bad : new String[] {"", "x", "0", "-1", "1e-3,1", "1e-3,2,-1", "1,2,3,4", "1e-3,2,1.5"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ShiftPolicy.parse(bad), bad);
            assertTrue(e.getMessage().contains("shift policy"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> new Mic0(1.5, ShiftPolicy.DEFAULT));
        assertThrows(IllegalArgumentException.class, () -> IncompleteCholesky.factor(kershaw(), "mic0", -0.1, ShiftPolicy.DEFAULT));
    }
}
