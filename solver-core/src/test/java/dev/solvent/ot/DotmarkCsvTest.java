package dev.solvent.ot;

import dev.solvent.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DotmarkCsvTest {

    @TempDir
    Path dir;

    private Path write(String content) throws IOException {
        Path f = dir.resolve("img.csv");
        Files.writeString(f, content);
        return f;
    }

    @Test
    void readsGridAndNormalises() throws IOException {
        double[][] g = DotmarkCsv.read(write("1,2\n\n3, 4\n"));
        assertArrayEquals(new double[] {1, 2}, g[0], 0);
        assertArrayEquals(new double[] {3, 4}, g[1], 0);
        assertArrayEquals(new double[] {0.1, 0.2, 0.3, 0.4}, DotmarkCsv.histogram(g), 1e-16);
    }

    @Test
    void malformedNumberNamesTheLine() throws IOException {
        Path f = write("1,2,3\n4,5,6\n7,x8,9\n");
        IOException e = assertThrows(IOException.class, () -> DotmarkCsv.read(f));
        assertTrue(e.getMessage().contains("line 3") && e.getMessage().contains("x8"), e.getMessage());
    }

    @Test
    void negativeValueNamesTheLine() throws IOException {
        Path f = write("1,2\n-4,5\n");
        IOException e = assertThrows(IOException.class, () -> DotmarkCsv.read(f));
        assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("-4"), e.getMessage());
    }

    @Test
    void raggedRowNamesTheLine() throws IOException {
        Path f = write("1,2\n3,4\n5\n");
        IOException e = assertThrows(IOException.class, () -> DotmarkCsv.read(f));
        assertTrue(e.getMessage().contains("line 3") && e.getMessage().contains("1 values"), e.getMessage());
    }

    @Test
    void emptyFileAndZeroMass() throws IOException {
        Path empty = write("\n\n");
        assertTrue(assertThrows(IOException.class, () -> DotmarkCsv.read(empty)).getMessage().contains("empty"));
        double[][] zero = DotmarkCsv.read(write("0,0\n0,0\n"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DotmarkCsv.histogram(zero)).getMessage()
                .contains("zero total mass"));
    }

    @Test
    void realDotmarkImage() throws IOException {
        Path f = SharedData.require("dotmark").resolve("Shapes_32_1001.csv");
        double[][] g = DotmarkCsv.read(f);
        assertEquals(32, g.length);
        // Cross-check against an independent reading of the file: total of all comma-separated fields.
        double total = 0;
        for (String line : Files.readAllLines(f)) {
            for (String s : line.split(",")) {
                if (!s.isBlank()) {
                    total += Double.parseDouble(s.trim());
                }
            }
        }
        double[] h = DotmarkCsv.histogram(g);
        assertEquals(1024, h.length);
        assertEquals(g[3][7] / total, h[3 * 32 + 7], 1e-18);
        double sum = 0;
        for (double v : h) {
            sum += v;
        }
        assertEquals(1.0, sum, 1e-12);
    }
}
