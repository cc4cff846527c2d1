package dev.solvent.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solvent.matrix.CsrMatrix;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A size line is a promise the rest of the file must keep: dimensions that the entries cannot
 * back are refused at the size line, before memory is allocated for them. A 66-byte file asking
 * for a 50000000 x 50000000 matrix cost 22 s and 2.5 GB; a vector header of 2000000000 entries
 * ran out of memory.
 */
class MatrixMarketBoundsTest {

    @TempDir
    Path dir;

    /** Bytes this thread allocates while {@code action} runs. */
    static long allocated(ThrowingRunnable action) throws Exception {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean)
                java.lang.management.ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        long before = mx.getThreadAllocatedBytes(id);
        action.run();
        return mx.getThreadAllocatedBytes(id) - before;
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    private Path file(String name, String text) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, text, StandardCharsets.US_ASCII);
        return p;
    }

    private static void refusedCheaply(ThrowingRunnable read, Path file, long line, String cause) throws Exception {
        MatrixMarketException[] thrown = new MatrixMarketException[1];
        long bytes = allocated(() -> thrown[0] = assertThrows(MatrixMarketException.class, read::run));
        MatrixMarketException e = thrown[0];
        assertEquals(file.toString(), e.source());
        assertEquals(line, e.line(), e.getMessage());
        assertTrue(e.getMessage().contains(cause), e.getMessage());
        assertTrue(bytes < 8L << 20, "allocated " + bytes + " bytes to refuse a " + Files.size(file) + "-byte file");
    }

    @Test
    void hugeDeclaredMatrixWithoutEntriesIsRefusedAtTheSizeLine() throws Exception {
        for (String size : new String[] {"50000000 50000000 0", "2000000000 2000000000 0", "2000000000 1 1",
            "1 2000000000 1"}) {
            Path f = file("huge.mtx", "%%MatrixMarket matrix coordinate real general\n" + size + "\n"
                    + (size.endsWith(" 1") ? "1 1 1.0\n" : ""));
            refusedCheaply(() -> MatrixMarket.readMatrix(f), f, 2, "entries");
        }
        Path array = file("empty-columns.mtx", "%%MatrixMarket matrix array real general\n50000000 0\n");
        refusedCheaply(() -> MatrixMarket.readMatrix(array), array, 2, "entries");
    }

    @Test
    void hugeDeclaredVectorIsRefusedAtTheSizeLine() throws Exception {
        Path coo = file("b.mtx", "%%MatrixMarket matrix coordinate real general\n2000000000 1 0\n");
        refusedCheaply(() -> MatrixMarket.readVector(coo), coo, 2, "entries");
        Path one = file("b1.mtx", "%%MatrixMarket matrix coordinate real general\n2000000000 1 1\n7 1 1.5\n");
        refusedCheaply(() -> MatrixMarket.readVector(one), one, 2, "entries");
    }

    @Test
    void aVectorOfTheExpectedLengthIsReadHoweverSparseAndAnyOtherIsRefusedAtTheSizeLine() throws Exception {
        int n = 3_000_000;
        Path e1 = file("e1.mtx", "%%MatrixMarket matrix coordinate real general\n" + n + " 1 1\n2 1 4.5\n");
        double[] v = MatrixMarket.readVector(e1, n);
        assertEquals(n, v.length);
        assertEquals(4.5, v[1]);
        assertEquals(0.0, v[0]);
        refusedCheaply(() -> MatrixMarket.readVector(e1, 6), e1, 2, "6");
        Path big = file("big.mtx", "%%MatrixMarket matrix coordinate real general\n2000000000 1 0\n");
        refusedCheaply(() -> MatrixMarket.readVector(big, 6), big, 2, "6");
        Path array = file("a.mtx", "%%MatrixMarket matrix array real general\n3 1\n1\n2\n3\n");
        assertArrayEquals(new double[] {1, 2, 3}, MatrixMarket.readVector(array, 3));
        refusedCheaply(() -> MatrixMarket.readVector(array, 4), array, 2, "4");
    }

    @Test
    void ordinarySparseShapesStillRead() throws Exception {
        // An all-zero matrix of modest size, and a long sparse vector, are legitimate files.
        CsrMatrix zero = MatrixMarket.readMatrix(new ByteArrayInputStream(
                "%%MatrixMarket matrix coordinate real general\n1000 1000 0\n".getBytes(StandardCharsets.US_ASCII)), "z");
        assertEquals(1000, zero.rows());
        assertEquals(0, zero.nnz());
        double[] v = MatrixMarket.readVector(new ByteArrayInputStream(
                "%%MatrixMarket matrix coordinate real general\n100000 1 1\n100000 1 2\n".getBytes(StandardCharsets.US_ASCII)), "v");
        assertEquals(100_000, v.length);
        assertEquals(2.0, v[99_999]);
        // Rows without entries are accepted up to the documented bound, and refused one beyond it.
        long limit = MatrixMarketReader.DIMENSION_SLACK + MatrixMarketReader.DIMENSION_PER_ENTRY * 2;
        String twoEntries = "1 1 1\n" + limit + " 1 1\n";
        CsrMatrix tall = MatrixMarket.readMatrix(new ByteArrayInputStream(("%%MatrixMarket matrix coordinate real general\n"
                + limit + " 1 2\n" + twoEntries).getBytes(StandardCharsets.US_ASCII)), "t");
        assertEquals(limit, tall.rows());
        Path over = file("over.mtx", "%%MatrixMarket matrix coordinate real general\n" + (limit + 1) + " 1 2\n" + twoEntries);
        refusedCheaply(() -> MatrixMarket.readMatrix(over), over, 2, "entries");
    }
}
