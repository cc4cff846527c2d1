package dev.solvent.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solvent.matrix.CooBuilder;
import dev.solvent.matrix.CsrMatrix;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Write then read gives back exactly what was written (CsrMatrix.equals compares values bit for bit). */
class MatrixMarketRoundTripTest {

    @TempDir
    Path dir;

    /** Values that break careless printing or parsing. */
    private static final double[] AWKWARD = {
        0.1, -0.0, 1.0 / 3.0, Math.PI, 1e-300, Double.MIN_VALUE, Double.MIN_NORMAL, Double.MAX_VALUE,
        9007199254740993.0, 1e22, 1e23, -123456.789e-7, 0.0, Double.NaN, Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY, 2.2250738585072011e-308,
    };

    /** A random rows x cols matrix with a few empty rows, explicit zeros and awkward values. */
    static CsrMatrix randomMatrix(Random rnd, int rows, int cols, double density) {
        CooBuilder b = CsrMatrix.builder(rows, cols);
        for (int i = 0; i < rows; i++) {
            if (i % 5 == 3) {
                continue; // empty row
            }
            for (int j = 0; j < cols; j++) {
                if (rnd.nextDouble() < density) {
                    double v = rnd.nextInt(4) == 0 ? AWKWARD[rnd.nextInt(AWKWARD.length)] : rnd.nextGaussian() * Math.pow(10, rnd.nextInt(40) - 20);
                    b.add(i, j, v);
                }
            }
        }
        return b.build();
    }

    @Test
    void generalMatrixRoundTripsExactly() throws IOException {
        CsrMatrix a = randomMatrix(new Random(1), 53, 37, 0.2);
        assertTrue(a.nnz() > 200, "the test matrix should not be trivially small");
        Path f = dir.resolve("a.mtx");
        MatrixMarket.writeMatrix(a, f);
        List<String> lines = Files.readAllLines(f);
        assertEquals("%%MatrixMarket matrix coordinate real general", lines.get(0));
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("%") && l.contains("Solvent")), "a comment names Solvent");
        assertEquals(a, MatrixMarket.readMatrix(f));
    }

    @Test
    void emptyAndZeroSizedMatricesRoundTrip() throws IOException {
        for (CsrMatrix a : new CsrMatrix[] {CsrMatrix.builder(4, 6).build(), CsrMatrix.builder(0, 0).build(),
            CsrMatrix.builder(0, 3).build()}) {
            Path f = dir.resolve("empty.mtx");
            MatrixMarket.writeMatrix(a, f);
            assertEquals(a, MatrixMarket.readMatrix(f));
        }
    }

    @Test
    void symmetricWriterStoresLowerTriangleAndRoundTrips() throws IOException {
        Random rnd = new Random(2);
        int n = 40;
        CooBuilder b = CsrMatrix.builder(n, n);
        int expectedLines = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                if (i == j || rnd.nextDouble() < 0.15) {
                    double v = rnd.nextInt(5) == 0 ? AWKWARD[rnd.nextInt(AWKWARD.length)] : rnd.nextGaussian();
                    b.add(i, j, v);
                    if (i != j) {
                        b.add(j, i, v);
                    }
                    expectedLines++;
                }
            }
        }
        CsrMatrix a = b.build();
        Path f = dir.resolve("s.mtx");
        MatrixMarket.writeMatrix(a, f, true);
        List<String> lines = Files.readAllLines(f);
        assertEquals("%%MatrixMarket matrix coordinate real symmetric", lines.get(0));
        int entryLines = 0;
        boolean sizeSeen = false;
        for (String l : lines) {
            if (l.startsWith("%")) {
                continue;
            }
            String[] t = l.trim().split("\\s+");
            if (!sizeSeen) {
                assertEquals(n + " " + n + " " + expectedLines, l.trim());
                sizeSeen = true;
                continue;
            }
            assertTrue(Integer.parseInt(t[0]) >= Integer.parseInt(t[1]), "only the lower triangle: " + l);
            entryLines++;
        }
        assertEquals(expectedLines, entryLines);
        assertEquals(a, MatrixMarket.readMatrix(f));
    }

    @Test
    void symmetricWriterRefusesNonsymmetricAndNonSquare() {
        CsrMatrix skewed = CsrMatrix.builder(3, 3).add(0, 0, 1).add(2, 1, 5.0).add(1, 2, 5.000000000000001).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MatrixMarket.writeMatrix(skewed, dir.resolve("x.mtx"), true));
        assertTrue(e.getMessage().contains("(2, 3)") || e.getMessage().contains("(3, 2)"), e.getMessage());
        CsrMatrix oneSided = CsrMatrix.builder(3, 3).add(2, 0, 1.0).build();
        assertThrows(IllegalArgumentException.class, () -> MatrixMarket.writeMatrix(oneSided, dir.resolve("y.mtx"), true));
        CsrMatrix rect = CsrMatrix.builder(2, 3).build();
        IllegalArgumentException r = assertThrows(IllegalArgumentException.class,
                () -> MatrixMarket.writeMatrix(rect, dir.resolve("z.mtx"), true));
        assertTrue(r.getMessage().contains("not square"), r.getMessage());
    }

    @Test
    void vectorRoundTripsExactly() throws IOException {
        Random rnd = new Random(3);
        double[] v = new double[200];
        for (int k = 0; k < v.length; k++) {
            v[k] = k < AWKWARD.length ? AWKWARD[k] : rnd.nextGaussian() * Math.pow(10, rnd.nextInt(600) - 300);
        }
        Path f = dir.resolve("v.mtx");
        MatrixMarket.writeVector(v, f);
        assertEquals("%%MatrixMarket matrix array real general", Files.readAllLines(f).get(0));
        // assertArrayEquals on doubles compares bit patterns: -0.0 and NaN must survive as such.
        assertArrayEquals(v, MatrixMarket.readVector(f));
        MatrixMarket.writeVector(new double[0], f);
        assertArrayEquals(new double[0], MatrixMarket.readVector(f));
    }

    @Test
    void gzipInputIsRecognisedByContentNotName() throws IOException {
        CsrMatrix a = randomMatrix(new Random(4), 30, 30, 0.3);
        Path plain = dir.resolve("a.mtx");
        MatrixMarket.writeMatrix(a, plain);
        // Deliberately no .gz suffix: detection must go by the magic bytes.
        Path zipped = dir.resolve("compressed.mtx");
        gzip(plain, zipped);
        assertEquals(0x1f, Files.readAllBytes(zipped)[0] & 0xff);
        assertEquals(a, MatrixMarket.readMatrix(zipped));
        try (var in = Files.newInputStream(zipped)) {
            assertEquals(a, MatrixMarket.readMatrix(in, "stream"));
        }

        double[] v = {1.5, -2.25, 0.1};
        Path vf = dir.resolve("v.mtx");
        MatrixMarket.writeVector(v, vf);
        Path vz = dir.resolve("v.mtx.gz");
        gzip(vf, vz);
        assertArrayEquals(v, MatrixMarket.readVector(vz));
    }

    /** The caller owns the stream: reading, plain or gzip, leaves it open. */
    @Test
    void streamReadersLeaveTheStreamOpen() throws IOException {
        Path plain = dir.resolve("v.mtx");
        MatrixMarket.writeVector(new double[] {4.0, 5.0}, plain);
        Path zipped = dir.resolve("v.gz");
        gzip(plain, zipped);
        for (Path f : new Path[] {plain, zipped}) {
            boolean[] closed = {false};
            try (InputStream in = new FilterInputStream(Files.newInputStream(f)) {
                @Override
                public void close() throws IOException {
                    closed[0] = true;
                    super.close();
                }
            }) {
                assertArrayEquals(new double[] {4.0, 5.0}, MatrixMarket.readVector(in, f.toString()));
                assertEquals(false, closed[0], f + " stream closed by the reader");
            }
        }
    }

    static void gzip(Path from, Path to) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(to))) {
            out.write(Files.readAllBytes(from));
        }
    }

    @Test
    void writerOutputIsPlainAscii() throws IOException {
        Path f = dir.resolve("a.mtx");
        MatrixMarket.writeMatrix(CsrMatrix.builder(2, 2).add(1, 0, -0.5).build(), f);
        String text = new String(Files.readAllBytes(f), StandardCharsets.US_ASCII);
        assertTrue(text.endsWith("\n2 1 -0.5\n"), text);
    }
}
