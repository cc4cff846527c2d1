package dev.solvent.matrix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.data.DMatrixSparseCSC;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.sparse.csc.CommonOps_DSCC;
import org.junit.jupiter.api.Test;

class EjmlInteropTest {

    /** Random sparse matrix with every third row empty and some explicit zeros. */
    private static CsrMatrix random(Random rnd, int rows, int cols, double density) {
        CooBuilder b = CsrMatrix.builder(rows, cols);
        for (int i = 0; i < rows; i++) {
            if (i % 3 == 1) {
                continue;
            }
            for (int j = 0; j < cols; j++) {
                double u = rnd.nextDouble();
                if (u < density) {
                    b.add(i, j, u < density / 10 ? 0.0 : rnd.nextGaussian());
                }
            }
        }
        return b.build();
    }

    private static boolean storedIn(CsrMatrix a, int i, int j) {
        for (int k = a.rowPtr()[i]; k < a.rowPtr()[i + 1]; k++) {
            if (a.colIdx()[k] == j) {
                return true;
            }
        }
        return false;
    }

    @Test
    void toEjmlHoldsTheSameEntries() {
        CsrMatrix a = random(new Random(11), 23, 17, 0.25);
        DMatrixSparseCSC c = EjmlInterop.toEjml(a);
        assertEquals(a.rows(), c.numRows);
        assertEquals(a.cols(), c.numCols);
        assertEquals(a.nnz(), c.nz_length, "explicit zeros are kept");
        assertTrue(c.indicesSorted);
        assertTrue(CommonOps_DSCC.checkStructure(c), "EJML's own structure check");
        for (int i = 0; i < a.rows(); i++) {
            for (int j = 0; j < a.cols(); j++) {
                assertEquals(a.get(i, j), c.get(i, j), 0.0, "(" + i + ", " + j + ")");
                assertEquals(storedIn(a, i, j), c.isAssigned(i, j), "stored pattern at (" + i + ", " + j + ")");
            }
        }
    }

    @Test
    void roundTripsBothWays() {
        Random rnd = new Random(12);
        for (int t = 0; t < 20; t++) {
            CsrMatrix a = random(rnd, 1 + rnd.nextInt(40), 1 + rnd.nextInt(40), rnd.nextDouble() * 0.5);
            assertEquals(a, EjmlInterop.fromEjml(EjmlInterop.toEjml(a)));
        }
        for (CsrMatrix empty : new CsrMatrix[] {CsrMatrix.builder(0, 0).build(), CsrMatrix.builder(3, 0).build(),
            CsrMatrix.builder(2, 5).build()}) {
            assertEquals(empty, EjmlInterop.fromEjml(EjmlInterop.toEjml(empty)));
        }
        // From EJML's side: a matrix EJML built itself, by its own set() calls, out of row order.
        DMatrixSparseCSC e = new DMatrixSparseCSC(4, 5, 0);
        e.set(3, 4, 2.5);
        e.set(0, 4, -1.0);
        e.set(2, 0, 7.0);
        e.set(1, 1, 0.0);
        CsrMatrix c = EjmlInterop.fromEjml(e);
        assertEquals(4, c.nnz());
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 5; j++) {
                assertEquals(e.get(i, j), c.get(i, j), 0.0);
                assertEquals(e.isAssigned(i, j), storedIn(c, i, j));
            }
        }
        DMatrixSparseCSC back = EjmlInterop.toEjml(c);
        assertTrue(CommonOps_DSCC.checkStructure(back));
        e.sortIndices(null);
        assertTrue(org.ejml.sparse.csc.MatrixFeatures_DSCC.isEqualsSort(e, back, 0.0), "same matrix back in EJML");
    }

    /** Unsorted row indices within columns, written by hand; the expected CSR is worked out by hand. */
    @Test
    void fromEjmlAcceptsUnsortedColumns() {
        // 3 x 3:  [ 1  0  4 ]
        //         [ 0  0  0 ]   (explicit zero stored at (1, 2))
        //         [ 2  3  5 ]   column 0 lists rows 2, 0; column 2 lists rows 2, 1, 0.
        DMatrixSparseCSC m = new DMatrixSparseCSC(3, 3, 0);
        m.col_idx = new int[] {0, 2, 3, 6};
        m.nz_rows = new int[] {2, 0, 2, 2, 1, 0};
        m.nz_values = new double[] {2, 1, 3, 5, 0, 4};
        m.nz_length = 6;
        m.indicesSorted = false;
        CsrMatrix a = EjmlInterop.fromEjml(m);
        CsrMatrix expected = CsrMatrix.of(3, 3, new int[] {0, 2, 3, 6}, new int[] {0, 2, 2, 0, 1, 2},
                new double[] {1, 4, 0, 2, 3, 5});
        assertEquals(expected, a);
    }

    @Test
    void fromEjmlRejectsInconsistentInput() {
        DMatrixSparseCSC dup = new DMatrixSparseCSC(2, 1, 0);
        dup.col_idx = new int[] {0, 2};
        dup.nz_rows = new int[] {1, 1};
        dup.nz_values = new double[] {1, 2};
        dup.nz_length = 2;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EjmlInterop.fromEjml(dup));
        assertTrue(e.getMessage().contains("twice"), e.getMessage());

        DMatrixSparseCSC range = new DMatrixSparseCSC(2, 1, 0);
        range.col_idx = new int[] {0, 1};
        range.nz_rows = new int[] {5};
        range.nz_values = new double[] {1};
        range.nz_length = 1;
        IllegalArgumentException r = assertThrows(IllegalArgumentException.class, () -> EjmlInterop.fromEjml(range));
        assertTrue(r.getMessage().contains("out of range"), r.getMessage());

        DMatrixSparseCSC ptr = new DMatrixSparseCSC(2, 2, 0);
        ptr.col_idx = new int[] {0, 1, 1};
        ptr.nz_rows = new int[] {0};
        ptr.nz_values = new double[] {1};
        ptr.nz_length = 0;
        IllegalArgumentException p = assertThrows(IllegalArgumentException.class, () -> EjmlInterop.fromEjml(ptr));
        assertTrue(p.getMessage().contains("col_idx"), p.getMessage());
    }

    @Test
    void toDenseHasEveryEntry() {
        CsrMatrix a = random(new Random(13), 9, 14, 0.3);
        DMatrixRMaj d = EjmlInterop.toDense(a);
        assertEquals(a.rows(), d.numRows);
        assertEquals(a.cols(), d.numCols);
        for (int i = 0; i < a.rows(); i++) {
            for (int j = 0; j < a.cols(); j++) {
                assertEquals(a.get(i, j), d.get(i, j), 0.0);
            }
        }
    }

    /** y = A x by CsrMatrix.apply against EJML's own sparse and dense products. */
    @Test
    void applyAgreesWithEjmlMultiplication() {
        Random rnd = new Random(14);
        for (int t = 0; t < 10; t++) {
            int rows = 1 + rnd.nextInt(60);
            int cols = 1 + rnd.nextInt(60);
            CsrMatrix a = random(rnd, rows, cols, 0.2);
            double[] x = new double[cols];
            for (int j = 0; j < cols; j++) {
                x[j] = rnd.nextGaussian();
            }
            double[] y = new double[rows];
            a.apply(x, y);

            DMatrixRMaj xv = new DMatrixRMaj(cols, 1, true, x);
            DMatrixRMaj ySparse = new DMatrixRMaj(rows, 1);
            CommonOps_DSCC.mult(EjmlInterop.toEjml(a), xv, ySparse);
            DMatrixRMaj yDense = new DMatrixRMaj(rows, 1);
            CommonOps_DDRM.mult(EjmlInterop.toDense(a), xv, yDense);

            for (int i = 0; i < rows; i++) {
                // Rounding bound: the same products, summed possibly in another order.
                double scale = 0.0;
                for (int k = a.rowPtr()[i]; k < a.rowPtr()[i + 1]; k++) {
                    scale += Math.abs(a.values()[k] * x[a.colIdx()[k]]);
                }
                double tol = 1e-14 * scale;
                assertEquals(ySparse.get(i, 0), y[i], tol, "sparse product, row " + i);
                assertEquals(yDense.get(i, 0), y[i], tol, "dense product, row " + i);
                if (i % 3 == 1) {
                    assertEquals(0.0, y[i], 0.0, "empty row " + i);
                }
            }
        }
    }
}
