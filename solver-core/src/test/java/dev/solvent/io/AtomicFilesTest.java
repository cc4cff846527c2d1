package dev.solvent.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solvent.matrix.CsrMatrix;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A write that fails half way leaves the old file and no litter; a write that succeeds is whole. */
class AtomicFilesTest {

    @TempDir
    Path dir;

    private List<String> names() throws IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aWriteThatFailsHalfWayLeavesTheOldFileAndNoTemporaryFile() throws IOException {
        Path f = dir.resolve("x.mtx");
        MatrixMarket.writeVector(new double[] {1, 2, 3}, f);
        byte[] before = Files.readAllBytes(f);
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(f, out -> {
            out.write(new byte[100_000]);
            throw new IOException("No space left on device");
        }));
        assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("No space left"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(f));
        assertEquals(List.of("x.mtx"), names());
        // A RuntimeException in the writer is not swallowed either, and cleans up the same way.
        assertThrows(IllegalStateException.class, () -> AtomicFiles.write(f, out -> {
            out.write(1);
            throw new IllegalStateException("bug");
        }));
        assertArrayEquals(before, Files.readAllBytes(f));
        assertEquals(List.of("x.mtx"), names());
    }

    @Test
    void matrixMarketWritesAreWholeAndReplaceTheOldFile() throws IOException {
        Path f = dir.resolve("A.mtx");
        Files.writeString(f, "old content", StandardCharsets.US_ASCII);
        CsrMatrix a = CsrMatrix.builder(2, 2).add(0, 0, 2).add(1, 0, -1).add(0, 1, -1).add(1, 1, 2).build();
        MatrixMarket.writeMatrix(a, f, true);
        CsrMatrix back = MatrixMarket.readMatrix(f);
        assertArrayEquals(a.values(), back.values());
        assertEquals(List.of("A.mtx"), names());
    }

    @Test
    void checkWritableNamesTheProblem() throws IOException {
        IOException missing = assertThrows(IOException.class,
                () -> AtomicFiles.checkWritable(dir.resolve("none").resolve("x.mtx")));
        assertTrue(missing.getMessage().contains("none"), missing.getMessage());
        Files.createDirectories(dir.resolve("folder"));
        IOException folder = assertThrows(IOException.class, () -> AtomicFiles.checkWritable(dir.resolve("folder")));
        assertTrue(folder.getMessage().contains("folder"), folder.getMessage());
        Path file = Files.writeString(dir.resolve("f.txt"), "x");
        assertThrows(IOException.class, () -> AtomicFiles.checkWritable(file.resolve("x.mtx")));
        AtomicFiles.checkWritable(dir.resolve("new.mtx"));
        assertFalse(Files.exists(dir.resolve("new.mtx")));
        assertEquals(List.of("f.txt", "folder"), names(), "the probe file was left behind");
    }
}
