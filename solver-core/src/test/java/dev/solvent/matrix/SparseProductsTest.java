package dev.solvent.matrix;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The setup's sparse products against dense products computed here: every entry, the pattern
 * (entries that cancel to exactly zero stay, listed once), the numeric refill on a kept pattern
 * bit for bit, the transpose and its position map, all the same for any thread count.
 */
class SparseProductsTest {

    private static CsrMatrix random(Random rnd, int rows, int cols, double density) {
        CooBuilder b = CsrMatrix.builder(rows, cols);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                if (rnd.nextDouble() < density) {
                    // Small integers: products and sums are exact, so cancellations are exact zeros.
                    b.add(i, j, rnd.nextInt(7) - 3);
                }
            }
        }
        return b.build();
    }

    private static double[][] dense(CsrMatrix m) {
        double[][] d = new double[m.rows()][m.cols()];
        for (int i = 0; i < m.rows(); i++) {
            for (int k = m.rowPtr()[i]; k < m.rowPtr()[i + 1]; k++) {
                d[i][m.colIdx()[k]] = m.values()[k];
            }
        }
        return d;
    }

    @Test
    void productMatchesTheDenseProductWithItsStructuralPattern() {
        Random rnd = new Random(17);
        for (int trial = 0; trial < 20; trial++) {
            int n = 1 + rnd.nextInt(60);
            int k = 1 + rnd.nextInt(60);
            int m = 1 + rnd.nextInt(60);
            CsrMatrix a = random(rnd, n, k, 0.15);
            CsrMatrix b = random(rnd, k, m, 0.15);
            double[][] da = dense(a);
            double[][] db = dense(b);
            CsrMatrix c;
            try (ParallelRows par = new ParallelRows(1 + trial % 3)) {
                c = SparseProducts.multiply(a, b, par);
            }
            assertEquals(n, c.rows());
            assertEquals(m, c.cols());
            CsrMatrix.of(c.rows(), c.cols(), c.rowPtr(), c.colIdx(), c.values());   // valid: sorted, no duplicates
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < m; j++) {
                    double s = 0.0;
                    boolean structural = false;
                    for (int q = 0; q < k; q++) {
                        s += da[i][q] * db[q][j];
                        structural |= hasEntry(a, i, q) && hasEntry(b, q, j);
                    }
                    assertEquals(s, c.get(i, j), 0.0, "c(" + i + ", " + j + ")");
                    assertEquals(structural, hasEntry(c, i, j), "pattern at (" + i + ", " + j + ")");
                }
            }
        }
    }

    private static boolean hasEntry(CsrMatrix m, int i, int j) {
        return java.util.Arrays.binarySearch(m.colIdx(), m.rowPtr()[i], m.rowPtr()[i + 1], j) >= 0;
    }

    @Test
    void cancellationToZeroKeepsOneEntry() {
        // Row 0 of A B: 1*1 + 1*(-1) = 0 in column 0, reached twice within the row.
        CsrMatrix a = CsrMatrix.of(1, 3, new int[] {0, 3}, new int[] {0, 1, 2}, new double[] {1, 1, 1});
        CsrMatrix b = CsrMatrix.of(3, 2, new int[] {0, 1, 2, 4}, new int[] {0, 0, 0, 1}, new double[] {1, -1, 2, 5});
        try (ParallelRows par = new ParallelRows(1)) {
            CsrMatrix c = SparseProducts.multiply(a, b, par);
            assertArrayEquals(new int[] {0, 1}, c.colIdx());
            assertArrayEquals(new double[] {2, 5}, c.values(), 0.0);
        }
        // Column 0 cancels to zero before the third term: still one entry.
        CsrMatrix b2 = CsrMatrix.of(3, 1, new int[] {0, 1, 2, 3}, new int[] {0, 0, 0}, new double[] {1, -1, 3});
        try (ParallelRows par = new ParallelRows(2)) {
            CsrMatrix c = SparseProducts.multiply(a, b2, par);
            assertArrayEquals(new int[] {0}, c.colIdx());
            assertArrayEquals(new double[] {3}, c.values(), 0.0);
        }
    }

    @Test
    void numericRefillAndTransposeAgreeBitForBitForAnyThreadCount() {
        Random rnd = new Random(3);
        CsrMatrix a = random(rnd, 3000, 500, 0.01);
        CsrMatrix b = random(rnd, 500, 800, 0.01);
        double[] av = a.values().clone();
        for (int k = 0; k < av.length; k++) {
            av[k] = rnd.nextGaussian();
        }
        CsrMatrix a2 = a.withValues(av);
        CsrMatrix reference;
        SparseProducts.Transposed t1;
        try (ParallelRows one = new ParallelRows(1)) {
            reference = SparseProducts.multiply(a2, b, one);
            t1 = SparseProducts.transpose(reference, one);
        }
        assertEquals(reference.transpose(), t1.transpose());
        for (int threads : new int[] {2, 3}) {
            try (ParallelRows par = new ParallelRows(threads)) {
                assertEquals(reference, SparseProducts.multiply(a2, b, par), threads + " threads");
                CsrMatrix pattern = SparseProducts.multiply(a, b, par);
                assertEquals(reference, SparseProducts.multiplyNumeric(a2, b, pattern, par), "numeric on the pattern");
                SparseProducts.Transposed t = SparseProducts.transpose(reference, par);
                assertEquals(t1.transpose(), t.transpose());
                assertArrayEquals(t1.position(), t.position());
                assertEquals(t1.transpose(), t.withSourceValues(reference.values(), par));
            }
        }
        try (ParallelRows par = new ParallelRows(1)) {
            assertThrows(IllegalArgumentException.class, () -> SparseProducts.multiply(b, a, par));
        }
    }

    @Test
    void flaggedRowsAreTheFullProductsRowsAndTheOthersStayEmpty() {
        Random rnd = new Random(41);
        CsrMatrix a = random(rnd, 3000, 400, 0.01);
        CsrMatrix b = random(rnd, 400, 300, 0.02);
        boolean[] rows = new boolean[a.rows()];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = rnd.nextInt(4) != 0;
        }
        CsrMatrix b2 = b.withValues(gaussian(rnd, b.nnz()));
        for (int threads : new int[] {1, 3}) {
            try (ParallelRows par = new ParallelRows(threads)) {
                CsrMatrix full = SparseProducts.multiply(a, b, par);
                CsrMatrix some = SparseProducts.multiply(a, b, rows, par);
                for (int i = 0; i < a.rows(); i++) {
                    int len = some.rowPtr()[i + 1] - some.rowPtr()[i];
                    if (!rows[i]) {
                        assertEquals(0, len, "row " + i + " is not flagged");
                        continue;
                    }
                    assertEquals(full.rowPtr()[i + 1] - full.rowPtr()[i], len, "row " + i);
                    for (int q = 0; q < len; q++) {
                        assertEquals(full.colIdx()[full.rowPtr()[i] + q], some.colIdx()[some.rowPtr()[i] + q]);
                        assertEquals(full.values()[full.rowPtr()[i] + q], some.values()[some.rowPtr()[i] + q], 0.0);
                    }
                }
                // A numeric refill with the same flags on new values equals a fresh product.
                assertEquals(SparseProducts.multiply(a, b2, rows, par), SparseProducts.multiplyNumeric(a, b2, some, rows, par),
                        threads + " threads");
                assertThrows(IllegalArgumentException.class, () -> SparseProducts.multiply(a, b, new boolean[5], par));
            }
        }
    }

    @Test
    void galerkinProductIsTheTwoProductsBitForBitAndRefillsItsPattern() {
        Random rnd = new Random(29);
        // More fine rows than one parallel block, so that A P is held in several blocks.
        int fine = 5000;
        int coarse = 700;
        CsrMatrix a = random(rnd, fine, fine, 0.0015);
        CsrMatrix p = random(rnd, fine, coarse, 0.003);
        CsrMatrix r;
        CsrMatrix twoProducts;
        CsrMatrix a2 = a.withValues(gaussian(rnd, a.nnz()));
        CsrMatrix p2 = p.withValues(gaussian(rnd, p.nnz()));
        CsrMatrix r2;
        CsrMatrix reference;
        try (ParallelRows one = new ParallelRows(1)) {
            r = SparseProducts.transpose(p, one).transpose();
            r2 = SparseProducts.transpose(p2, one).transpose();
            twoProducts = SparseProducts.multiply(r, SparseProducts.multiply(a, p, one), one);
            reference = SparseProducts.multiply(r2, SparseProducts.multiply(a2, p2, one), one);
        }
        double[][] exact = dense(twoProducts);
        double[][] byDense = multiplyDense(multiplyDense(dense(r), dense(a)), dense(p));
        for (int i = 0; i < coarse; i++) {
            // Small integers: every sum is exact, so the dense product checks the sparse one entry by entry.
            assertArrayEquals(byDense[i], exact[i], 0.0, "row " + i);
        }
        for (int threads : new int[] {1, 2, 3}) {
            try (ParallelRows par = new ParallelRows(threads)) {
                SparseProducts.Galerkin pattern = SparseProducts.galerkin(r, a, p, par);
                assertEquals(twoProducts, pattern.coarse(), threads + " threads");
                assertEquals(SparseProducts.multiply(a, p, par).nnz(), pattern.middle().nonzeros(), "the pattern of A P");
                assertEquals(reference, SparseProducts.galerkin(r2, a2, p2, par).coarse(), threads + " threads, real values");
                assertEquals(reference, SparseProducts.galerkinNumeric(r2, a2, p2, pattern.middle(),
                        SparseProducts.Pattern.of(pattern.coarse()), par), "numeric on the kept patterns, " + threads + " threads");
            }
        }
        try (ParallelRows par = new ParallelRows(1)) {
            assertThrows(IllegalArgumentException.class, () -> SparseProducts.galerkin(p, a, p, par));
        }
    }

    /**
     * A B with at most one entry in each row of B (a tentative prolongator) takes a two-pass path
     * of its own; it must give the general product bit for bit. The general one is reached by
     * padding: B with one more row holding two entries, A with one more column holding none, so
     * the padded product is A B and its B is not of the one-entry kind.
     */
    @Test
    void oneEntryPerRowProductsAreTheGeneralProductBitForBit() {
        Random rnd = new Random(53);
        int n = 4000;
        int k = 3000;
        int m = 400;
        CooBuilder ab = CsrMatrix.builder(n, k + 1);
        for (int i = 0; i < n; i++) {
            // Mostly short rows, some long ones (more entries than columns of B's image), explicit zeros.
            int len = i % 97 == 0 ? 900 : 1 + rnd.nextInt(12);
            for (int q = 0; q < len; q++) {
                ab.add(i, rnd.nextInt(k), rnd.nextInt(5) == 0 ? 0.0 : rnd.nextGaussian());
            }
        }
        CsrMatrix aPadded = ab.build();
        CsrMatrix a = CsrMatrix.of(n, k, aPadded.rowPtr(), aPadded.colIdx(), aPadded.values());
        int[] brp = new int[k + 2];
        int[] bci = new int[k + 2];
        double[] bv = new double[k + 2];
        int e = 0;
        for (int i = 0; i < k; i++) {
            if (rnd.nextInt(6) != 0) {   // some rows of B empty (unknowns outside every aggregate)
                bci[e] = rnd.nextInt(m);
                bv[e++] = rnd.nextGaussian();
            }
            brp[i + 1] = e;
        }
        bci[e] = 0;
        bv[e++] = 1.0;
        bci[e] = 1;
        bv[e++] = 1.0;
        brp[k + 1] = e;
        CsrMatrix bPadded = CsrMatrix.of(k + 1, m, brp, java.util.Arrays.copyOf(bci, e), java.util.Arrays.copyOf(bv, e));
        CsrMatrix b = CsrMatrix.of(k, m, java.util.Arrays.copyOf(brp, k + 1), java.util.Arrays.copyOf(bci, brp[k]),
                java.util.Arrays.copyOf(bv, brp[k]));
        boolean[] rows = new boolean[n];
        for (int i = 0; i < n; i++) {
            rows[i] = rnd.nextInt(3) != 0;
        }
        CsrMatrix general;
        CsrMatrix generalSome;
        try (ParallelRows one = new ParallelRows(1)) {
            general = SparseProducts.multiply(aPadded, bPadded, one);
            generalSome = SparseProducts.multiply(aPadded, bPadded, rows, one);
        }
        assertTrue(general.nnz() > n, "the test's product has entries");
        for (int threads : new int[] {1, 2, 3}) {
            try (ParallelRows par = new ParallelRows(threads)) {
                CsrMatrix c = SparseProducts.multiply(a, b, par);
                CsrMatrix.of(c.rows(), c.cols(), c.rowPtr(), c.colIdx(), c.values());   // valid: sorted, no duplicates
                assertEquals(general, c, threads + " threads");
                CsrMatrix some = SparseProducts.multiply(a, b, rows, par);
                assertEquals(generalSome, some, "flagged rows, " + threads + " threads");
                CsrMatrix b2 = b.withValues(gaussian(rnd, b.nnz()));
                assertEquals(SparseProducts.multiply(a, b2, rows, par), SparseProducts.multiplyNumeric(a, b2, some, rows, par),
                        "numeric on the pattern, " + threads + " threads");
            }
        }
    }

    private static double[] gaussian(Random rnd, int n) {
        double[] x = new double[n];
        for (int k = 0; k < n; k++) {
            x[k] = rnd.nextGaussian();
        }
        return x;
    }

    private static double[][] multiplyDense(double[][] x, double[][] y) {
        double[][] z = new double[x.length][y[0].length];
        for (int i = 0; i < x.length; i++) {
            for (int k = 0; k < y.length; k++) {
                if (x[i][k] == 0.0) {
                    continue;
                }
                for (int j = 0; j < y[0].length; j++) {
                    z[i][j] += x[i][k] * y[k][j];
                }
            }
        }
        return z;
    }
}
