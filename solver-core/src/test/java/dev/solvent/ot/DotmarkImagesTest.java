package dev.solvent.ot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Generated DOTmark-format images: integer intensities, seeded, and read back exactly. */
class DotmarkImagesTest {

    @Test
    void blobsAreIntegerIntensitiesThatDependOnTheSeed(@TempDir Path dir) throws Exception {
        double[][] a = DotmarkCsv.gaussianBlobs(32, 1);
        double[][] b = DotmarkCsv.gaussianBlobs(32, 2);
        assertEquals(32, a.length);
        double max = 0;
        for (double[] row : a) {
            assertEquals(32, row.length);
            for (double v : row) {
                assertTrue(v >= 0 && v <= 255 && v == Math.rint(v), "" + v);
                max = Math.max(max, v);
            }
        }
        assertEquals(255.0, max, "scaled to the full range");
        assertNotEquals(java.util.Arrays.deepToString(a), java.util.Arrays.deepToString(b));
        assertArrayEquals(a, DotmarkCsv.gaussianBlobs(32, 1), "the same seed gives the same image");

        Path f = dir.resolve("a.csv");
        DotmarkCsv.write(a, f);
        assertTrue(Files.readAllLines(f).get(0).matches("\\d+(,\\d+){31}"), Files.readAllLines(f).get(0));
        assertArrayEquals(a, DotmarkCsv.read(f));
        assertThrows(IllegalArgumentException.class, () -> DotmarkCsv.write(new double[][] {{1, -1}}, f));
    }
}
