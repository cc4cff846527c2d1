package dev.solvent.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One test per kind of malformed input: the exception type, the line it names (counted by hand in
 * each text below), and a message carrying "source:line:" and a word about the cause.
 */
class MatrixMarketMalformedTest {

    private static final String SOURCE = "bad.mtx";
    private static final String HEADER = "%%MatrixMarket matrix coordinate real general\n";

    @TempDir
    Path dir;

    private static MatrixMarketException failsMatrix(String text, long line, String cause) {
        return check(assertThrows(MatrixMarketException.class, () -> MatrixMarket.readMatrix(
                new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1)), SOURCE)), line, cause);
    }

    private static MatrixMarketException failsVector(String text, long line, String cause) {
        return check(assertThrows(MatrixMarketException.class, () -> MatrixMarket.readVector(
                new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1)), SOURCE)), line, cause);
    }

    private static MatrixMarketException check(MatrixMarketException e, long line, String cause) {
        assertEquals(SOURCE, e.source());
        assertEquals(line, e.line(), e.getMessage());
        assertTrue(e.getMessage().startsWith(SOURCE + ":" + line + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(cause), "expected '" + cause + "' in: " + e.getMessage());
        return e;
    }

    @Test
    void emptyInput() {
        failsMatrix("", 1, "empty input");
    }

    @Test
    void missingBanner() {
        failsMatrix("3 3 1\n1 1 1\n", 1, "missing Matrix Market banner");
        failsMatrix("%MatrixMarket matrix coordinate real general\n1 1 1\n1 1 1\n", 1, "missing Matrix Market banner");
        failsMatrix("\n" + HEADER + "1 1 0\n", 1, "missing Matrix Market banner");
    }

    @Test
    void bannerWithWrongWordCount() {
        failsMatrix("%%MatrixMarket matrix coordinate real\n1 1 0\n", 1, "found 4");
        failsMatrix("%%MatrixMarket matrix coordinate real general extra\n1 1 0\n", 1, "found 6");
    }

    @Test
    void unknownObjectFormatFieldSymmetry() {
        failsMatrix("%%MatrixMarket vector coordinate real general\n1 1 0\n", 1, "unknown object 'vector'");
        failsMatrix("%%MatrixMarket matrix sparse real general\n1 1 0\n", 1, "unknown format 'sparse'");
        failsMatrix("%%MatrixMarket matrix coordinate double general\n1 1 0\n", 1, "unknown field 'double'");
        failsMatrix("%%MatrixMarket matrix coordinate real upper\n1 1 0\n", 1, "unknown symmetry 'upper'");
        failsMatrix("%%MatrixMarket matrix array pattern general\n1 1\n", 1, "pattern field is not allowed");
    }

    @Test
    void complexAndHermitianAreNotSupported() {
        failsMatrix("%%MatrixMarket matrix coordinate complex general\n1 1 1\n1 1 1 0\n", 1, "not supported");
        failsMatrix("%%MatrixMarket matrix coordinate real hermitian\n1 1 1\n1 1 1\n", 1, "not supported");
    }

    @Test
    void sizeLineWithWrongTokenCount() {
        failsMatrix(HEADER + "% comment\n3 3\n1 1 1\n", 3, "found 2");
        failsMatrix(HEADER + "3 3 1 7\n1 1 1\n", 2, "found 4");
        failsVector("%%MatrixMarket matrix array real general\n3 1 3\n1\n2\n3\n", 2, "found 3");
    }

    @Test
    void sizeLineWithNegativeOrNonIntegerSizes() {
        failsMatrix(HEADER + "-3 3 1\n1 1 1\n", 2, "negative");
        failsMatrix(HEADER + "3 3.5 1\n1 1 1\n", 2, "'3.5' is not an integer");
        failsMatrix(HEADER + "3 3 x\n1 1 1\n", 2, "'x' is not an integer");
        failsMatrix(HEADER + "3 3 99999999999999999999\n", 2, "too large");
    }

    @Test
    void sizeLineTooLargeForArrays() {
        failsMatrix(HEADER + "3000000000 3 1\n1 1 1\n", 2, "exceeds the largest supported dimension");
    }

    @Test
    void symmetricButNotSquare() {
        failsMatrix("%%MatrixMarket matrix coordinate real symmetric\n\n3 4 1\n1 1 1\n", 3, "must be square");
        failsMatrix("%%MatrixMarket matrix coordinate real skew-symmetric\n3 4 1\n2 1 1\n", 2, "must be square");
    }

    @Test
    void missingSizeLine() {
        failsMatrix(HEADER + "% only comments\n", 2, "missing size line");
    }

    /** Truncated file: the message names the last line read and the expected and found counts. */
    @Test
    void tooFewEntries() {
        MatrixMarketException e = failsMatrix(HEADER + "3 3 4\n1 1 1\n2 2 2\n3 3 3\n% trailing comment\n", 6,
                "too few entries");
        assertTrue(e.getMessage().contains("declares 4"), e.getMessage());
        assertTrue(e.getMessage().contains("ends after 3"), e.getMessage());
        assertTrue(e.getMessage().contains("last line read: 6"), e.getMessage());
        // Cut off in the middle of a line, without a final newline: that line is still the last read.
        failsMatrix(HEADER + "3 3 2\n1 1 1\n2 2", 4, "expected 3 numbers");
        failsMatrix(HEADER + "3 3 2\n1 1 1\n", 3, "too few entries");
        failsVector("%%MatrixMarket matrix array real general\n3 1\n1\n2\n", 4, "ends after 2");
    }

    /** A header promising a billion values must fail on the missing data, not on allocating for it. */
    @Test
    void liedAboutLengthFailsAsTruncatedNotOutOfMemory() {
        failsVector("%%MatrixMarket matrix array real general\n1000000000 1\n1\n2\n", 4, "too few entries");
        failsMatrix(HEADER + "1000 1000 1000000000\n1 1 1\n", 3, "too few entries");
    }

    @Test
    void tooManyEntries() {
        failsMatrix(HEADER + "3 3 2\n1 1 1\n2 2 2\n\n% fine so far\n3 3 3\n", 7, "too many entries");
        failsVector("%%MatrixMarket matrix array real general\n2 1\n1\n2\n3\n", 5, "too many entries");
    }

    @Test
    void rowOrColumnIndexOutOfRange() {
        failsMatrix(HEADER + "3 4 2\n1 1 1\n4 1 1\n", 4, "row index 4 out of range 1..3");
        failsMatrix(HEADER + "3 4 1\n0 1 1\n", 3, "row index 0 out of range 1..3");
        failsMatrix(HEADER + "3 4 1\n1 5 1\n", 3, "column index 5 out of range 1..4");
        failsMatrix(HEADER + "3 4 1\n1 -2 1\n", 3, "column index -2 out of range");
        failsMatrix(HEADER + "3 4 1\n1 99999999999999999999999 1\n", 3, "out of range");
        failsMatrix(HEADER + "3 4 1\n1.0 1 1\n", 3, "row index '1.0' is not an integer");
    }

    @Test
    void nonNumericValue() {
        for (String bad : new String[] {"abc", "1.0d", "0x10", "1e", "1.2.3", "--1", ".", "1,5", "infinite", "e5"}) {
            failsMatrix(HEADER + "2 2 1\n1 1 " + bad + "\n", 3, "is not a number");
        }
        failsMatrix("%%MatrixMarket matrix coordinate integer general\n2 2 1\n1 1 1.5\n", 3, "is not an integer");
        failsMatrix("%%MatrixMarket matrix coordinate integer general\n2 2 1\n1 1 NaN\n", 3, "is not a number");
    }

    @Test
    void wrongTokenCountOnEntryLine() {
        failsMatrix(HEADER + "2 2 2\n1 1 1\n2 2\n", 4, "found 2");
        failsMatrix(HEADER + "2 2 1\n1 1 1 1\n", 3, "found 4");
        failsMatrix("%%MatrixMarket matrix coordinate pattern general\n2 2 1\n1 1 1\n", 3, "found 3");
        failsMatrix(HEADER + "2 2 1\n1\n", 3, "found 1");
        failsVector("%%MatrixMarket matrix array real general\n2 1\n1 2\n3\n", 3, "found 2");
    }

    @Test
    void skewSymmetricWithNonzeroDiagonal() {
        failsMatrix("%%MatrixMarket matrix coordinate real skew-symmetric\n2 2 2\n2 1 1\n2 2 3\n", 4,
                "nonzero diagonal entry (2, 2)");
    }

    @Test
    void vectorOfWrongShape() {
        failsVector(HEADER + "3 2 0\n", 2, "not a vector");
        failsVector("%%MatrixMarket matrix array real general\n% c\n2 2\n1\n2\n3\n4\n", 3, "not a vector");
    }

    @Test
    void binaryJunkGivesAClearErrorNotAnOutOfMemory() {
        byte[] junk = new byte[100_000];
        Arrays.fill(junk, (byte) 'x');
        String text = HEADER + "2 2 1\n1 1 " + new String(junk, StandardCharsets.ISO_8859_1) + "\n";
        failsMatrix(text, 3, "token longer than");
    }

    @Test
    void truncatedGzipIsAMatrixMarketException() throws IOException {
        StringBuilder sb = new StringBuilder(HEADER + "100 100 100\n");
        for (int k = 1; k <= 100; k++) {
            sb.append(k).append(' ').append(k).append(" 1.25\n");
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(sb.toString().getBytes(StandardCharsets.US_ASCII));
        }
        byte[] whole = bytes.toByteArray();
        byte[] cut = Arrays.copyOf(whole, whole.length / 2);
        MatrixMarketException e = assertThrows(MatrixMarketException.class,
                () -> MatrixMarket.readMatrix(new ByteArrayInputStream(cut), SOURCE));
        assertEquals(SOURCE, e.source());
        assertTrue(e.getMessage().startsWith(SOURCE + ":" + e.line() + ": "), e.getMessage());
        // Header-only gzip garbage: magic bytes then nothing.
        MatrixMarketException h = assertThrows(MatrixMarketException.class,
                () -> MatrixMarket.readMatrix(new ByteArrayInputStream(new byte[] {0x1f, (byte) 0x8b, 8}), SOURCE));
        assertTrue(h.getMessage().contains("gzip"), h.getMessage());
    }

    @Test
    void fileErrorsNameThePath() throws IOException {
        Path absent = dir.resolve("no-such-matrix.mtx");
        IOException e = assertThrows(NoSuchFileException.class, () -> MatrixMarket.readMatrix(absent));
        assertTrue(e.getMessage().contains(absent.toString()), e.getMessage());
        IOException v = assertThrows(NoSuchFileException.class, () -> MatrixMarket.readVector(absent));
        assertTrue(v.getMessage().contains(absent.toString()), v.getMessage());
        IOException d = assertThrows(IOException.class, () -> MatrixMarket.readMatrix(dir));
        assertTrue(d.getMessage().contains(dir.toString()), d.getMessage());

        // A parse error in a file names the file path as its source.
        Path bad = dir.resolve("bad-file.mtx");
        Files.writeString(bad, HEADER + "2 2 1\n1 1 zz\n");
        MatrixMarketException p = assertThrows(MatrixMarketException.class, () -> MatrixMarket.readMatrix(bad));
        assertEquals(bad.toString(), p.source());
        assertEquals(3, p.line());
        assertTrue(p.getMessage().startsWith(bad + ":3: "), p.getMessage());
    }
}
