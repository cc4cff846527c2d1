package dev.solvent.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.solvent.matrix.CsrMatrix;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The variants of the format, on small files whose matrix is worked out by hand. */
class MatrixMarketReadTest {

    static CsrMatrix read(String text) throws IOException {
        return MatrixMarket.readMatrix(new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1)), "test.mtx");
    }

    static double[] readVector(String text) throws IOException {
        return MatrixMarket.readVector(new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1)), "test.mtx");
    }

    /** Dense form, row by row, for comparing with a hand-written matrix. */
    static double[][] dense(CsrMatrix a) {
        double[][] d = new double[a.rows()][a.cols()];
        for (int i = 0; i < a.rows(); i++) {
            for (int j = 0; j < a.cols(); j++) {
                d[i][j] = a.get(i, j);
            }
        }
        return d;
    }

    @Test
    void generalCoordinateWithCommentsBlankLinesAndDuplicates() throws IOException {
        CsrMatrix a = read("%%MatrixMarket matrix coordinate real general\n"
                + "% a comment\n"
                + "\n"
                + "   % an indented comment\n"
                + "2 3 5\n"
                + "1 1 1.5\n"
                + "\n"
                + "2 3 -2e1\n"
                + "% a comment among the entries\n"
                + "1 1 0.25\n"
                + "2\t1\t  0\n"
                + "1 3 .5\n");
        assertArrayEquals(new double[][] {{1.75, 0, 0.5}, {0, 0, -20}}, dense(a));
        // The explicit zero at (2, 1) is kept as a stored entry; the duplicate (1, 1) is merged.
        assertEquals(4, a.nnz());
    }

    @Test
    void bannerKeywordsAreCaseInsensitiveAndCrlfIsAccepted() throws IOException {
        CsrMatrix a = read("%%matrixmarket MATRIX Coordinate REAL General\r\n2 2 1\r\n2 2 3.0\r\n");
        assertArrayEquals(new double[][] {{0, 0}, {0, 3}}, dense(a));
    }

    @Test
    void symmetricMirrorsOffDiagonalEntries() throws IOException {
        CsrMatrix a = read("%%MatrixMarket matrix coordinate real symmetric\n3 3 4\n1 1 4\n2 1 -1\n3 2 -2\n3 3 5\n");
        assertArrayEquals(new double[][] {{4, -1, 0}, {-1, 0, -2}, {0, -2, 5}}, dense(a));
        assertEquals(6, a.nnz());
    }

    @Test
    void skewSymmetricNegatesTheMirror() throws IOException {
        CsrMatrix a = read("%%MatrixMarket matrix coordinate real skew-symmetric\n3 3 2\n2 1 3\n3 1 -0.5\n");
        assertArrayEquals(new double[][] {{0, -3, 0.5}, {3, 0, 0}, {-0.5, 0, 0}}, dense(a));
    }

    @Test
    void patternEntriesAreOne() throws IOException {
        CsrMatrix a = read("%%MatrixMarket matrix coordinate pattern symmetric\n3 3 3\n1 1\n3 1\n2 2\n");
        assertArrayEquals(new double[][] {{1, 0, 1}, {0, 1, 0}, {1, 0, 0}}, dense(a));
    }

    @Test
    void integerField() throws IOException {
        CsrMatrix a = read("%%MatrixMarket matrix coordinate integer general\n2 2 2\n1 2 -7\n2 1 +12\n");
        assertArrayEquals(new double[][] {{0, -7}, {12, 0}}, dense(a));
    }

    @Test
    void nonFiniteValuesAreReadNotRefused() throws IOException {
        CsrMatrix a = read("%%MatrixMarket matrix coordinate real general\n1 4 4\n1 1 NaN\n1 2 -inf\n1 3 Infinity\n1 4 nan\n");
        assertEquals(Double.NaN, a.get(0, 0));
        assertEquals(Double.NEGATIVE_INFINITY, a.get(0, 1));
        assertEquals(Double.POSITIVE_INFINITY, a.get(0, 2));
        assertEquals(Double.NaN, a.get(0, 3));
    }

    @Test
    void arrayMatrixIsColumnMajorAndDropsZeros() throws IOException {
        CsrMatrix a = read("%%MatrixMarket matrix array real general\n2 3\n1\n2\n0\n4\n5\n0\n");
        assertArrayEquals(new double[][] {{1, 0, 5}, {2, 4, 0}}, dense(a));
        assertEquals(4, a.nnz());
        CsrMatrix s = read("%%MatrixMarket matrix array real symmetric\n2 2\n1\n2\n3\n");
        assertArrayEquals(new double[][] {{1, 2}, {2, 3}}, dense(s));
        CsrMatrix k = read("%%MatrixMarket matrix array real skew-symmetric\n3 3\n1\n2\n3\n");
        assertArrayEquals(new double[][] {{0, -1, -2}, {1, 0, -3}, {2, 3, 0}}, dense(k));
    }

    /** The reader's own number conversion against Double.parseDouble on the same text. */
    @Test
    void numbersAreCorrectlyRounded() throws IOException {
        String[] texts = {"0.1", "1e-300", "4.9e-324", "2.4703282292062328e-324", "1.7976931348623157e308",
            "1.7976931348623159e308", "123456789012345678901234567890", "9007199254740993", "2.2250738585072011e-308",
            ".5", "5.", "-0", "-0.0", "1E22", "1e23", "8.41e21", "0.000000000000000000000000000001",
            "3.141592653589793238462643383279", "+2.5E-3", "123456789012345678", "1e-5", "1.0E-5", "7e+2"};
        StringBuilder file = new StringBuilder("%%MatrixMarket matrix array real general\n" + texts.length + " 1\n");
        for (String t : texts) {
            file.append(t).append('\n');
        }
        double[] v = readVector(file.toString());
        for (int k = 0; k < texts.length; k++) {
            assertEquals(Double.doubleToRawLongBits(Double.parseDouble(texts[k])), Double.doubleToRawLongBits(v[k]), texts[k]);
        }
    }

    @Test
    void coordinateVectorsEitherWay() throws IOException {
        // n x 1 with a missing entry (zero) and a duplicate (summed).
        double[] col = readVector("%%MatrixMarket matrix coordinate real general\n4 1 3\n3 1 2.5\n1 1 1\n3 1 0.5\n");
        assertArrayEquals(new double[] {1, 0, 3, 0}, col);
        double[] row = readVector("%%MatrixMarket matrix coordinate real general\n1 3 2\n1 3 -1\n1 1 7\n");
        assertArrayEquals(new double[] {7, 0, -1}, row);
    }

    @Test
    void arrayRowVectorAndIntegerVector() throws IOException {
        assertArrayEquals(new double[] {1, 2, 3}, readVector("%%MatrixMarket matrix array integer general\n1 3\n1\n2\n3\n"));
        assertArrayEquals(new double[] {-0.0}, readVector("%%MatrixMarket matrix array real general\n1 1\n-0.0\n"));
    }

    @Test
    void byteOrderMarkBeforeBannerIsTolerated() throws IOException {
        CsrMatrix a = read("\u00ef\u00bb\u00bf%%MatrixMarket matrix coordinate real general\n1 1 1\n1 1 2\n");
        assertEquals(2.0, a.get(0, 0));
    }

    @Test
    void upperTriangleEntryOfSymmetricFileIsMirroredToo() throws IOException {
        CsrMatrix a = read("%%MatrixMarket matrix coordinate real symmetric\n2 2 1\n1 2 9\n");
        assertArrayEquals(new double[][] {{0, 9}, {9, 0}}, dense(a));
    }
}
