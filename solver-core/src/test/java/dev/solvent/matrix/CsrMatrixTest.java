package dev.solvent.matrix;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Tier 1: CSR construction, validation and the small operations, against hand-written values. */
class CsrMatrixTest {

    /** [[4, 0, 1], [0, 0, 0], [2, 3, 5]] written out by hand. */
    private static CsrMatrix example() {
        return CsrMatrix.of(3, 3, new int[] {0, 2, 2, 5}, new int[] {0, 2, 0, 1, 2}, new double[] {4, 1, 2, 3, 5});
    }

    @Test
    void applyMatchesHandComputedProduct() {
        double[] y = new double[3];
        example().apply(new double[] {1, 2, 3}, y);
        assertArrayEquals(new double[] {4 + 3, 0, 2 + 6 + 15}, y, 0.0);
    }

    @Test
    void getReturnsStoredEntriesAndZeroElsewhere() {
        CsrMatrix a = example();
        assertEquals(4, a.get(0, 0));
        assertEquals(0, a.get(0, 1));
        assertEquals(0, a.get(1, 1));
        assertEquals(3, a.get(2, 1));
        assertArrayEquals(new double[] {4, 0, 5}, a.diagonal(), 0.0);
        assertThrows(IndexOutOfBoundsException.class, () -> a.get(3, 0));
    }

    @Test
    void builderSortsAndSumsDuplicates() {
        CsrMatrix a = CsrMatrix.builder(3, 3)
                .add(2, 2, 5).add(0, 2, 1).add(2, 0, 1.5).add(0, 0, 4).add(2, 1, 3).add(2, 0, 0.5)
                .build();
        assertEquals(example(), a);
    }

    @Test
    void builderHandlesLongRowsOutOfOrder() {
        int n = 200;
        var b = CsrMatrix.builder(1, n);
        for (int j = n - 1; j >= 0; j--) {
            b.add(0, j, j);
            b.add(0, j, 1);
        }
        CsrMatrix a = b.build();
        assertEquals(n, a.nnz());
        for (int j = 0; j < n; j++) {
            assertEquals(j, a.colIdx()[j]);
            assertEquals(j + 1.0, a.values()[j]);
        }
    }

    @Test
    void constructionRejectsBrokenInvariantsNamingTheRow() {
        IllegalArgumentException unsorted = assertThrows(IllegalArgumentException.class,
                () -> CsrMatrix.of(2, 3, new int[] {0, 1, 3}, new int[] {0, 2, 1}, new double[] {1, 2, 3}));
        assertTrue(unsorted.getMessage().contains("row 1"), unsorted.getMessage());
        IllegalArgumentException range = assertThrows(IllegalArgumentException.class,
                () -> CsrMatrix.of(2, 3, new int[] {0, 1, 2}, new int[] {0, 3}, new double[] {1, 2}));
        assertTrue(range.getMessage().contains("out of range"), range.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> CsrMatrix.of(2, 2, new int[] {0, 1, 2}, new int[] {0, 0}, new double[] {1}));
        assertThrows(IllegalArgumentException.class,
                () -> CsrMatrix.of(2, 2, new int[] {0, 2, 1}, new int[] {0, 1}, new double[] {1, 2}));
        assertThrows(IllegalArgumentException.class,
                () -> CsrMatrix.of(2, 2, new int[] {0, 1, 1}, new int[] {0, 0}, new double[] {1, 2}));
        assertThrows(IndexOutOfBoundsException.class, () -> CsrMatrix.builder(2, 2).add(2, 0, 1));
    }

    @Test
    void adoptValidatesWithoutCopying() {
        double[] v = {7};
        CsrMatrix a = CsrMatrix.adopt(1, 1, new int[] {0, 1}, new int[] {0}, v);
        assertSame(v, a.values());
        IllegalArgumentException unsorted = assertThrows(IllegalArgumentException.class,
                () -> CsrMatrix.adopt(2, 3, new int[] {0, 1, 3}, new int[] {0, 2, 1}, new double[] {1, 2, 3}));
        assertTrue(unsorted.getMessage().contains("row 1"), unsorted.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CsrMatrix.adopt(1, 1, null, new int[] {0}, v));
    }

    @Test
    void ofCopiesItsArguments() {
        int[] rp = {0, 1};
        int[] ci = {0};
        double[] v = {7};
        CsrMatrix a = CsrMatrix.of(1, 1, rp, ci, v);
        v[0] = 8;
        assertEquals(7, a.get(0, 0));
        assertNotSame(v, a.values());
    }

    @Test
    void transposeMatchesEntrywiseDefinition() {
        Random rnd = new Random(3);
        var b = CsrMatrix.builder(7, 5);
        for (int t = 0; t < 15; t++) {
            b.add(rnd.nextInt(7), rnd.nextInt(5), rnd.nextGaussian());
        }
        CsrMatrix a = b.build();
        CsrMatrix t = a.transpose();
        assertEquals(5, t.rows());
        assertEquals(7, t.cols());
        for (int i = 0; i < 7; i++) {
            for (int j = 0; j < 5; j++) {
                assertEquals(a.get(i, j), t.get(j, i));
            }
        }
        assertEquals(a, t.transpose());
    }

    @Test
    void symmetryChecks() {
        assertFalse(example().isSymmetric(0));
        CsrMatrix sym = CsrMatrix.builder(2, 2).add(0, 0, 2).add(0, 1, 1).add(1, 0, 1 + 1e-13).add(1, 1, 2).build();
        assertFalse(sym.isSymmetric(0));
        assertTrue(sym.isSymmetric(1e-12));
        assertTrue(sym.isStructurallySymmetric());
        CsrMatrix oneSided = CsrMatrix.builder(2, 2).add(0, 1, 1).build();
        assertFalse(oneSided.isStructurallySymmetric());
        assertFalse(oneSided.isSymmetric(0.5));
    }

    @Test
    void lowerTriangleKeepsDiagonalAndBelow() {
        CsrMatrix l = example().lowerTriangle();
        assertEquals(4, l.get(0, 0));
        assertEquals(0, l.get(0, 2));
        assertEquals(2, l.get(2, 0));
        assertEquals(5, l.get(2, 2));
        assertEquals(4, l.nnz());
    }

    @Test
    void applyChecksLengths() {
        CsrMatrix a = example();
        assertThrows(IllegalArgumentException.class, () -> a.apply(new double[2], new double[3]));
        double[] same = new double[3];
        assertThrows(IllegalArgumentException.class, () -> a.apply(same, same));
    }

    @Test
    void identityAppliesAsIdentity() {
        double[] x = {3, -1, 2.5};
        double[] y = new double[3];
        CsrMatrix.identity(3).apply(x, y);
        assertArrayEquals(x, y, 0.0);
    }
}
