package dev.solvent.gen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solvent.io.MatrixMarket;
import dev.solvent.matrix.CsrMatrix;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Grid layouts in Matrix Market comment lines: the written form, round trips, and malformed lines. */
class GridLayoutTest {

    @TempDir
    Path dir;

    @Test
    void runsOfConsecutiveCellsAreWrittenAsRanges() {
        GridLayout g = new GridLayout(4, 2, 1, new int[] {0, 1, 2, 5, 7, 6});
        assertEquals(List.of("solvent-grid 4 2 1", "solvent-cells 0-2 5 7 6"), g.toComments());
        assertEquals(2, g.dimensions());
        assertEquals(List.of("solvent-grid 2 2 2", "solvent-cells 0-7"), GridLayout.box(2, 2, 2).toComments());
    }

    @Test
    void fluidLayoutRoundTripsThroughAMatrixMarketFileAndTheMatrixReadsAsBefore() throws Exception {
        FluidGrid fluid = FluidGrid.smokeBox(12, true);
        Problem p = fluid.pressureProblem(null);
        GridLayout layout = GridLayout.of(fluid);
        assertEquals(p.matrix().rows(), layout.unknowns());
        Path file = dir.resolve("P.mtx");
        MatrixMarket.writeMatrix(p.matrix(), file, true, layout.toComments());
        String text = Files.readString(file);
        assertTrue(text.startsWith("%%MatrixMarket matrix coordinate real symmetric\n"), text.substring(0, 60));
        assertTrue(text.lines().skip(1).takeWhile(l -> l.startsWith("%")).allMatch(l -> l.length() <= 101));

        List<String> comments = MatrixMarket.readComments(file);
        assertEquals(layout, GridLayout.fromComments(comments, file.toString()));
        CsrMatrix back = MatrixMarket.readMatrix(file);
        assertArrayEquals(p.matrix().values(), back.values());
        assertArrayEquals(p.matrix().colIdx(), back.colIdx());

        // The same through gzip.
        Path gz = dir.resolve("P.mtx.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            Files.copy(file, out);
        }
        assertEquals(layout, GridLayout.fromComments(MatrixMarket.readComments(gz), gz.toString()));
    }

    @Test
    void aFileWithoutLayoutLinesHasNone() throws Exception {
        Path file = dir.resolve("A.mtx");
        MatrixMarket.writeMatrix(Generators.poisson2d(3).matrix(), file);
        assertNull(GridLayout.fromComments(MatrixMarket.readComments(file), file.toString()));
    }

    @Test
    void malformedLayoutLinesNameTheFileAndTheProblem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GridLayout.fromComments(List.of("solvent-grid 4 4", "solvent-cells 0-15"), "a.mtx"));
        assertTrue(e.getMessage().startsWith("a.mtx: ") && e.getMessage().contains("three sizes"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> GridLayout.fromComments(List.of("solvent-grid 2 2 1", "solvent-cells 0-4"), "b.mtx"));
        assertTrue(e.getMessage().contains("outside the 2 x 2 x 1 grid"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> GridLayout.fromComments(List.of("solvent-grid 2 2 1", "solvent-cells 3-1"), "c.mtx"));
        assertTrue(e.getMessage().contains("ends before it starts"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> GridLayout.fromComments(List.of("solvent-grid 2 2 1", "solvent-cells 0 x"), "d.mtx"));
        assertTrue(e.getMessage().contains("'x'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> GridLayout.fromComments(List.of("solvent-grid 2 2 1", "solvent-cells 0 0"), "e.mtx"));
        assertTrue(e.getMessage().contains("share cell 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> GridLayout.fromComments(List.of("solvent-cells 0"), "f.mtx"));
        assertTrue(e.getMessage().contains("without a '%solvent-grid' line"), e.getMessage());
    }

    @Test
    void readCommentsRefusesAnEndlessHeaderLine() throws Exception {
        Path file = dir.resolve("long.mtx");
        Files.writeString(file, "%%MatrixMarket matrix coordinate real general\n%" + "x".repeat(MatrixMarket.MAX_COMMENT_LINE + 1)
                + "\n1 1 1\n1 1 1\n");
        dev.solvent.io.MatrixMarketException e = assertThrows(dev.solvent.io.MatrixMarketException.class,
                () -> MatrixMarket.readComments(file));
        assertTrue(e.getMessage().contains("long.mtx:2:") && e.getMessage().contains("longer than"), e.getMessage());
    }

    @Test
    void readCommentsRefusesAFileWithoutBanner() throws Exception {
        Path file = dir.resolve("x.mtx");
        Files.writeString(file, "3 3 1\n1 1 1\n");
        assertThrows(dev.solvent.io.MatrixMarketException.class, () -> MatrixMarket.readComments(file));
    }
}
