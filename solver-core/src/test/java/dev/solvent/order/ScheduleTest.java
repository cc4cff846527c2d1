package dev.solvent.order;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solvent.matrix.CooBuilder;
import dev.solvent.matrix.CsrMatrix;
import dev.solvent.matrix.Stencil7Operator;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Level and block schedules checked by brute force: every row listed once, no coupling inside a
 * group (rows) or between blocks of one level, and every dependency in an earlier group, which
 * is what makes a scheduled recurrence compute the row-by-row one.
 */
class ScheduleTest {

    /** Rows i and j couple (the relaxation sense): a_ij or a_ji stored, i != j. */
    static boolean couple(CsrMatrix a, int i, int j) {
        return Arrays.binarySearch(a.colIdx(), a.rowPtr()[i], a.rowPtr()[i + 1], j) >= 0
                || Arrays.binarySearch(a.colIdx(), a.rowPtr()[j], a.rowPtr()[j + 1], i) >= 0;
    }

    static void assertValidLevels(CsrMatrix a, LevelSchedule s, boolean symmetric) {
        int n = a.rows();
        int[] level = s.groupOf();
        int[] order = s.order();
        int[] ptr = s.groupPtr();
        int[] sorted = order.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < n; i++) {
            assertEquals(i, sorted[i], "every row once");
        }
        for (int l = 0; l < s.levels(); l++) {
            assertTrue(ptr[l + 1] > ptr[l], "level " + l + " is empty");
            for (int t = ptr[l]; t < ptr[l + 1]; t++) {
                assertEquals(l, level[order[t]]);
            }
        }
        for (int i = 0; i < n; i++) {
            for (int k = a.rowPtr()[i]; k < a.rowPtr()[i + 1]; k++) {
                int j = a.colIdx()[k];
                if (j < i) {
                    assertTrue(level[j] < level[i], "row " + i + " depends on " + j);
                } else if (j > i && symmetric) {
                    assertTrue(level[i] < level[j], "row " + j + " depends on " + i + " (upper entry)");
                }
            }
        }
        if (symmetric) {
            assertTrue(s.isValidFor(a));
        }
    }

    static CsrMatrix randomPattern(int n, int perRow, long seed) {
        java.util.Random rnd = new java.util.Random(seed);
        CooBuilder b = CsrMatrix.builder(n, n);
        for (int i = 0; i < n; i++) {
            b.add(i, i, 4.0);
            for (int e = 0; e < perRow; e++) {
                b.add(i, rnd.nextInt(n), 1.0);
            }
        }
        return b.build();
    }

    @Test
    void levelsOfAGridAreItsDiagonalPlanes() {
        int n = 6;
        CsrMatrix a = Stencil7Operator.poisson(n, n, n).toCsr();
        LevelSchedule s = LevelSchedule.of(a);
        assertEquals(3 * n - 2, s.levels());
        int[] level = s.groupOf();
        for (int k = 0; k < n; k++) {
            for (int j = 0; j < n; j++) {
                for (int i = 0; i < n; i++) {
                    assertEquals(i + j + k, level[i + n * (j + n * k)]);
                }
            }
        }
        assertValidLevels(a, s, true);
        assertValidLevels(a.lowerTriangle(), LevelSchedule.ofLower(a.lowerTriangle()), false);
    }

    @Test
    void levelsAreValidOnNonsymmetricPatterns() {
        for (long seed = 1; seed <= 4; seed++) {
            CsrMatrix a = randomPattern(500, 3, seed);
            assertValidLevels(a, LevelSchedule.of(a), true);
            assertValidLevels(a, LevelSchedule.ofLower(a), false);
        }
        // A tridiagonal matrix is one chain: as many levels as rows.
        CsrMatrix tri = Stencil7Operator.poisson(9, 1, 1).toCsr();
        assertEquals(9, LevelSchedule.of(tri).levels());
        assertEquals(1, LevelSchedule.of(CsrMatrix.identity(5)).levels());
        assertEquals(0, LevelSchedule.of(CsrMatrix.identity(0)).levels());
        assertThrows(IllegalArgumentException.class, () -> LevelSchedule.of(CsrMatrix.builder(2, 3).build()));
    }

    static void assertValidBlocks(CsrMatrix a, BlockSchedule s, boolean symmetric) {
        int n = a.rows();
        int[] start = s.blockStart();
        int[] end = s.blockEnd();
        int[] ptr = s.levelPtr();
        int[] blockOf = new int[n];
        int[] levelOf = new int[s.blocks()];
        Arrays.fill(blockOf, -1);
        for (int l = 0; l < s.levels(); l++) {
            assertTrue(ptr[l + 1] > ptr[l], "level " + l + " is empty");
            for (int b = ptr[l]; b < ptr[l + 1]; b++) {
                levelOf[b] = l;
                assertTrue(start[b] < end[b]);
                for (int i = start[b]; i < end[b]; i++) {
                    assertEquals(-1, blockOf[i], "row " + i + " in two blocks");
                    blockOf[i] = b;
                }
            }
        }
        for (int i = 0; i < n; i++) {
            assertTrue(blockOf[i] >= 0, "row " + i + " in no block");
        }
        for (int i = 0; i < n; i++) {
            for (int k = a.rowPtr()[i]; k < a.rowPtr()[i + 1]; k++) {
                int j = a.colIdx()[k];
                if (blockOf[j] == blockOf[i] || (!symmetric && j > i)) {
                    continue;
                }
                int early = Math.min(i, j);
                int late = Math.max(i, j);
                assertTrue(levelOf[blockOf[early]] < levelOf[blockOf[late]],
                        "rows " + early + " and " + late + " couple: the later one's block must come in a later level");
            }
        }
    }

    @Test
    void blocksOfAGridAreItsLinesOrRunsOfThemOnDiagonalLevels() {
        int n = 16;
        CsrMatrix a = Stencil7Operator.poisson(n, n, n).toCsr();
        // Wanting 8-way parallelism: single lines give 4096 / (31 levels x 16 rows) = 8.3, pairs of
        // lines would give less, so the blocks are the lines, on the levels j + k.
        BlockSchedule lines = BlockSchedule.of(a, 8);
        assertFalse(lines.singleRows());
        assertEquals(n * n, lines.blocks());
        assertEquals(2 * n - 1, lines.levels());
        for (int b = 0; b < lines.blocks(); b++) {
            assertEquals(n, lines.blockEnd()[b] - lines.blockStart()[b]);
            assertEquals(0, lines.blockStart()[b] % n, "a block is a grid line");
        }
        assertValidBlocks(a, lines, true);
        BlockSchedule lower = BlockSchedule.ofLower(a.lowerTriangle(), 8);
        assertEquals(2 * n - 1, lower.levels());
        assertValidBlocks(a.lowerTriangle(), lower, false);
        // Wanting 4: runs of two lines still give enough, four would not.
        BlockSchedule pairs = BlockSchedule.of(a, 4);
        assertEquals(n * n / 2, pairs.blocks());
        for (int b = 0; b < pairs.blocks(); b++) {
            assertEquals(2 * n, pairs.blockEnd()[b] - pairs.blockStart()[b]);
        }
        assertValidBlocks(a, pairs, true);
        // Wanting 1: one block, the plain row-by-row sweep.
        BlockSchedule one = BlockSchedule.of(a, 1);
        assertEquals(1, one.blocks());
        assertEquals(1, one.levels());
        assertEquals(0, one.blockStart()[0]);
        assertEquals(n * n * n, one.blockEnd()[0]);
        // A small grid cannot give 8-way parallelism with lines (35 lines in 11 levels), so single
        // rows (19 levels of 350 rows) are used instead.
        CsrMatrix small = Stencil7Operator.poisson(10, 7, 5).toCsr();
        BlockSchedule wanting = BlockSchedule.of(small, 8);
        assertTrue(wanting.singleRows());
        assertEquals(10 + 7 + 5 - 2, wanting.levels());
        assertValidBlocks(small, wanting, true);
    }

    @Test
    void twoDimensionalGridsFallBackToSingleRows() {
        // On a 2D grid each line depends on the one before: the lines form one chain, while the
        // rows have nx + ny - 1 levels; single rows win.
        CsrMatrix a = Stencil7Operator.poisson(40, 30, 1).toCsr();
        BlockSchedule s = BlockSchedule.of(a, 4);
        assertTrue(s.singleRows(), s.toString());
        assertEquals(LevelSchedule.of(a).levels(), s.levels());
        assertArrayEquals(LevelSchedule.of(a).order(), s.blockStart());
        assertValidBlocks(a, s, true);
        // A tridiagonal matrix is a chain either way: one block, one level, no parallelism to lose.
        CsrMatrix tri = Stencil7Operator.poisson(50, 1, 1).toCsr();
        BlockSchedule chain = BlockSchedule.of(tri, 4);
        assertEquals(1, chain.blocks());
        assertValidBlocks(tri, chain, true);
        for (long seed = 1; seed <= 3; seed++) {
            CsrMatrix r = randomPattern(300, 2, seed);
            for (int p : new int[] {1, 8}) {
                assertValidBlocks(r, BlockSchedule.of(r, p), true);
                assertValidBlocks(r, BlockSchedule.ofLower(r, p), false);
            }
        }
    }
}
