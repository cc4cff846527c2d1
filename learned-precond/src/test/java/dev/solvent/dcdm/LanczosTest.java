package dev.solvent.dcdm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solvent.matrix.CooBuilder;
import dev.solvent.matrix.CsrMatrix;
import java.util.Arrays;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;
import org.junit.jupiter.api.Test;

/** Ritz pairs against EJML's dense eigenvalues of the same small matrix. */
class LanczosTest {

    /** A random sparse SPD matrix: B + B^T with a dominant positive diagonal of distinct entries. */
    private static CsrMatrix randomSpd(int n, long seed) {
        Random rnd = new Random(seed);
        double[][] d = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < 3; k++) {
                int j = rnd.nextInt(n);
                if (j != i) {
                    double v = rnd.nextGaussian();
                    d[i][j] += v;
                    d[j][i] += v;
                }
            }
        }
        for (int i = 0; i < n; i++) {
            double row = 0;
            for (int j = 0; j < n; j++) {
                row += Math.abs(d[i][j]);
            }
            d[i][i] = row + 0.1 + i * 0.37;
        }
        CooBuilder b = CsrMatrix.builder(n, n);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (d[i][j] != 0) {
                    b.add(i, j, d[i][j]);
                }
            }
        }
        return b.build();
    }

    private static double[] denseEigenvalues(CsrMatrix a) {
        int n = a.rows();
        DMatrixRMaj m = new DMatrixRMaj(n, n);
        double[] e = new double[n];
        double[] col = new double[n];
        for (int j = 0; j < n; j++) {
            Arrays.fill(e, 0);
            e[j] = 1;
            a.apply(e, col);
            for (int i = 0; i < n; i++) {
                m.set(i, j, col[i]);
            }
        }
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(n, false, true);
        assertTrue(eig.decompose(m));
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = eig.getEigenvalue(i).getReal();
        }
        Arrays.sort(v);
        return v;
    }

    @Test
    void fullLanczosFindsEveryEigenvalue() {
        CsrMatrix a = randomSpd(40, 1);
        double[] exact = denseEigenvalues(a);
        Lanczos.Ritz ritz = Lanczos.ritz(a, 40, 7, 1e-8);
        assertEquals(40, ritz.values().length);
        for (int i = 0; i < 40; i++) {
            assertEquals(exact[i], ritz.values()[i], 1e-8 * exact[39], "eigenvalue " + i);
        }
        // Ritz vectors: unit, orthogonal, and eigenvectors: ||A y - theta y|| small.
        double[] ay = new double[40];
        for (int i = 0; i < 40; i += 7) {
            double[] y = ritz.vectors()[i];
            assertEquals(1.0, Lanczos.dot(y, y), 1e-12);
            assertEquals(0.0, Lanczos.dot(y, ritz.vectors()[(i + 3) % 40]), 1e-8);
            a.apply(y, ay);
            Lanczos.axpy(-ritz.values()[i], y, ay);
            assertTrue(Math.sqrt(Lanczos.dot(ay, ay)) < 1e-7 * exact[39], "residual of Ritz pair " + i);
        }
    }

    @Test
    void partialLanczosGetsTheExtremesFirstAndStaysInsideTheSpectrum() {
        CsrMatrix a = randomSpd(120, 2);
        double[] exact = denseEigenvalues(a);
        Lanczos.Ritz ritz = Lanczos.ritz(a, 40, 3, 1e-8);
        double[] v = ritz.values();
        assertEquals(40, v.length);
        assertEquals(exact[119], v[39], 1e-6 * exact[119], "largest Ritz value converged");
        assertTrue(v[0] >= exact[0] - 1e-9 && v[39] <= exact[119] + 1e-9, "Cauchy interlacing");
        for (int i = 1; i < v.length; i++) {
            assertTrue(v[i] >= v[i - 1], "ascending");
        }
    }

    @Test
    void smallRitzValuesAreDropped() {
        CsrMatrix a = randomSpd(30, 4);
        double[] exact = denseEigenvalues(a);
        double cut = (exact[10] + exact[11]) / 2;
        Lanczos.Ritz ritz = Lanczos.ritz(a, 30, 5, cut);
        assertEquals(19, ritz.values().length);
        assertEquals(exact[11], ritz.values()[0], 1e-8 * exact[29]);
    }
}
