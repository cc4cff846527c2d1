package dev.solvent.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solvent.SharedData;
import dev.solvent.matrix.CsrMatrix;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Reads every matrix of {@code ../shared/matrices} and checks it against a deliberately simple
 * second reading of the same text (String.split and Double.parseDouble), so that the fast tokenizer
 * and the number parser are checked against an independent route. Skipped where the folder is absent.
 */
class MatrixMarketSharedFilesTest {

    /** What the plain scan of a file finds. */
    private static final class Scan {
        String symmetry;
        String field;
        int rows;
        int cols;
        int count;
        int diagonal;
        final List<int[]> positions = new ArrayList<>();
        final Map<Long, Double> values = new HashMap<>();
    }

    private static long key(int i, int j) {
        return ((long) i << 32) | j;
    }

    private static Scan scan(Path file) throws IOException {
        Scan s = new Scan();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII)) {
            String[] banner = r.readLine().trim().split("\\s+");
            s.field = banner[3].toLowerCase(Locale.ROOT);
            s.symmetry = banner[4].toLowerCase(Locale.ROOT);
            boolean sizeSeen = false;
            String line;
            while ((line = r.readLine()) != null) {
                line = line.trim();
                if (line.isEmpty() || line.startsWith("%")) {
                    continue;
                }
                String[] t = line.split("\\s+");
                if (!sizeSeen) {
                    s.rows = Integer.parseInt(t[0]);
                    s.cols = Integer.parseInt(t[1]);
                    s.count = Integer.parseInt(t[2]);
                    sizeSeen = true;
                    continue;
                }
                int i = Integer.parseInt(t[0]) - 1;
                int j = Integer.parseInt(t[1]) - 1;
                double v = Double.parseDouble(t[2]);
                if (i == j) {
                    s.diagonal++;
                }
                s.positions.add(new int[] {i, j});
                Double previous = s.values.put(key(i, j), v);
                // The count formula below assumes each position once; say so if a file breaks that.
                assertEquals(null, previous, file + " repeats position (" + (i + 1) + ", " + (j + 1) + ")");
            }
        }
        assertEquals(s.count, s.positions.size(), file + ": the scan found a different number of entry lines");
        return s;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ani4.mtx", "bcsstk01.mtx", "bcsstk04.mtx", "bcsstk13.mtx", "bodyy4.mtx",
        "fs_541_1.mtx", "fv1.mtx", "gr_30_30.mtx", "nos4.mtx", "orsirr_1.mtx", "sherman5.mtx"})
    void readsEverySharedMatrixAsItsTextSays(String name) throws IOException {
        Path file = SharedData.require("matrices").resolve(name);
        Scan s = scan(file);
        CsrMatrix a = MatrixMarket.readMatrix(file);

        assertEquals(s.rows, a.rows(), "rows");
        assertEquals(s.cols, a.cols(), "cols");
        boolean symmetric = s.symmetry.equals("symmetric");
        int expectedStored = symmetric ? 2 * s.count - s.diagonal : s.count;
        assertEquals(expectedStored, a.nnz(), "stored entries");

        // Every entry of the file, at its place and mirrored where symmetric. Together with the count
        // above this pins the whole matrix. Both routes round correctly, so equality is exact.
        for (int[] p : s.positions) {
            double v = s.values.get(key(p[0], p[1]));
            assertEquals(v, a.get(p[0], p[1]), 0.0, name + " entry (" + (p[0] + 1) + ", " + (p[1] + 1) + ")");
            if (symmetric) {
                assertEquals(v, a.get(p[1], p[0]), 0.0, name + " mirrored entry (" + (p[1] + 1) + ", " + (p[0] + 1) + ")");
            }
        }
        if (symmetric) {
            assertEquals(a, a.transpose(), name + " should come out exactly symmetric");
        }
    }

    @Test
    void ani4IsStoredGeneralButNumericallySymmetric() throws IOException {
        Path file = SharedData.require("matrices").resolve("ani4.mtx");
        assertEquals("general", scan(file).symmetry);
        CsrMatrix a = MatrixMarket.readMatrix(file);
        assertTrue(a.isSymmetric(1e-12), "ani4 is symmetric up to rounding");
    }

    @Test
    void nonsymmetricGeneralMatrixIsNotSymmetrised() throws IOException {
        CsrMatrix a = MatrixMarket.readMatrix(SharedData.require("matrices").resolve("sherman5.mtx"));
        assertFalse(a.isSymmetric(1e-6), "sherman5 is nonsymmetric; a reader that mirrors would make it symmetric");
    }

    /**
     * gr_30_30 is the 9-point Laplacian on a 30 x 30 grid, stored with an integer header: 8 on the
     * diagonal, -1 for each of the up to 8 neighbours. The counts come from the grid, not the file:
     * 900 points, and 870 horizontal + 870 vertical + 2 * 29 * 29 diagonal neighbour pairs, each
     * stored twice once mirrored.
     */
    @Test
    void gr3030IntegerLaplacianHasItsValues() throws IOException {
        Path file = SharedData.require("matrices").resolve("gr_30_30.mtx");
        assertEquals("integer", scan(file).field);
        CsrMatrix a = MatrixMarket.readMatrix(file);
        int pairs = 30 * 29 + 30 * 29 + 2 * 29 * 29;
        assertEquals(900 + 2 * pairs, a.nnz());
        for (int i = 0; i < 900; i++) {
            for (int k = a.rowPtr()[i]; k < a.rowPtr()[i + 1]; k++) {
                int j = a.colIdx()[k];
                assertEquals(i == j ? 8.0 : -1.0, a.values()[k], 0.0, "entry (" + (i + 1) + ", " + (j + 1) + ")");
            }
        }
        // Grid point (r, c) is index 30 r + c: an interior point couples to all 8 neighbours.
        int centre = 30 * 15 + 15;
        assertEquals(-1.0, a.get(centre, centre + 31), 0.0);
        assertEquals(-1.0, a.get(centre, centre - 29), 0.0);
        assertEquals(0.0, a.get(centre, centre + 2), 0.0);
    }
}
