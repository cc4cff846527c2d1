package dev.solvent.gen;

import static dev.solvent.gen.GeneratorsTest.assertMatrix;
import static dev.solvent.gen.GeneratorsTest.solveAndCheck;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solvent.matrix.CsrMatrix;
import org.junit.jupiter.api.Test;

class FluidGridTest {

    // ---- hand-computed systems ------------------------------------------------------------------

    @Test
    void twoByTwoWithOneAirCellByHand() {
        // Cells (0,0) (1,0) (0,1) are FLUID -> unknowns 0, 1, 2; (1,1) is AIR; outside is wall.
        // (0,0): fluid neighbours (1,0), (0,1)              -> diag 2, -1, -1
        // (1,0): fluid (0,0), air (1,1)                     -> diag 2, -1 to unknown 0
        // (0,1): fluid (0,0), air (1,1)                     -> diag 2, -1 to unknown 0
        FluidGrid g = new FluidGrid(2, 2, 1).set(1, 1, 0, CellType.AIR);
        Problem p = g.pressureProblem(new double[] {1, 2, 3, 99});
        assertMatrix(new double[][] {{2, -1, -1}, {-1, 2, 0}, {-1, 0, 2}}, p.matrix(), 0);
        assertArrayEquals(new double[] {-1, -2, -3}, p.rhs());
        assertArrayEquals(new int[] {0, 1, 2, -1}, g.unknownIndex());
        assertArrayEquals(new int[] {0, 1, 2}, g.fluidCells());
        assertArrayEquals(new int[] {2, 2, 1}, p.grid());
        assertNull(p.exactSolution());
        assertFalse(p.name().contains("singular"), p.name());
        // det = 2*4 - 1*2 - 1*2 = 4 > 0 and the leading minors 2, 3 are positive: SPD.
        solveAndCheck(p);
    }

    @Test
    void twoSealedChambersAreProjectedSeparately() {
        // F F S F F along x: regions {0,1} and {3,4}, each [[1,-1],[-1,1]], no air.
        FluidGrid g = new FluidGrid(5, 1, 1).set(2, 0, 0, CellType.SOLID);
        Problem p = g.pressureProblem(new double[] {1, 2, 0, 5, 9});
        assertMatrix(new double[][] {{1, -1, 0, 0}, {-1, 1, 0, 0}, {0, 0, 1, -1}, {0, 0, -1, 1}}, p.matrix(), 0);
        // rhs -1, -2 (mean -1.5) and -5, -9 (mean -7), each less its region's mean.
        assertArrayEquals(new double[] {0.5, -0.5, 2, -2}, p.rhs(), 1e-15);
        assertTrue(p.name().endsWith("singular-projected"), p.name());
        assertArrayEquals(new int[] {0, 1, -1, 2, 3}, g.unknownIndex());
    }

    @Test
    void onlyTheRegionWithoutAirIsProjected() {
        // A F S F F: the first fluid cell has an air neighbour (diag 1, Dirichlet), the pair does not.
        FluidGrid g = new FluidGrid(5, 1, 1).set(0, 0, 0, CellType.AIR).set(2, 0, 0, CellType.SOLID);
        Problem p = g.pressureProblem(new double[] {7, 2, 0, 1, 4});
        assertMatrix(new double[][] {{1, 0, 0}, {0, 1, -1}, {0, -1, 1}}, p.matrix(), 0);
        assertArrayEquals(new double[] {-2, 1.5, -1.5}, p.rhs(), 1e-15);
        assertTrue(p.name().contains("singular"), p.name());
    }

    @Test
    void isolatedFluidCellHasAZeroRow() {
        Problem p = new FluidGrid(1, 1, 1).pressureProblem(new double[] {3});
        assertEquals(0.0, p.matrix().get(0, 0));
        assertEquals(1, p.matrix().nnz());
        assertArrayEquals(new double[] {0}, p.rhs());
    }

    // ---- smoke boxes ----------------------------------------------------------------------------

    @Test
    void smokeBoxLayout() {
        int n = 12;
        FluidGrid g = FluidGrid.smokeBox(n, true);
        for (int k = 0; k < n; k++) {
            for (int j = 0; j < n; j++) {
                for (int i = 0; i < n; i++) {
                    boolean side = i == 0 || j == 0 || i == n - 1 || j == n - 1;
                    if (side || k == 0) {
                        assertEquals(CellType.SOLID, g.type(i, j, k), "wall " + i + "," + j + "," + k);
                    } else if (k == n - 1) {
                        assertEquals(CellType.AIR, g.type(i, j, k), "lid " + i + "," + j + "," + k);
                    } else {
                        assertNotEquals(CellType.AIR, g.type(i, j, k));
                    }
                }
            }
        }
        // The sphere: centre (5.04, 5.52, 3.6), radius 2 -> cell (5, 5, 3) is inside it.
        assertEquals(CellType.SOLID, g.type(5, 5, 3));
        assertEquals(CellType.FLUID, g.type(5, 5, 8));
        int walls = n * n * n - (n - 2) * (n - 2) * (n - 1);
        int air = (n - 2) * (n - 2);
        assertEquals(air, g.count(CellType.AIR));
        assertTrue(g.count(CellType.SOLID) > walls + 20, "the sphere adds solid cells: " + g);
        assertEquals(n * n * n, g.count(CellType.SOLID) + g.count(CellType.AIR) + g.count(CellType.FLUID));

        FluidGrid closed = FluidGrid.smokeBox(n, false);
        assertEquals(0, closed.count(CellType.AIR));
        assertEquals(CellType.SOLID, closed.type(5, 5, n - 1));
    }

    @Test
    void openSmokeBoxIsSpdAndItsRowsCountNonSolidNeighbours() {
        FluidGrid g = FluidGrid.smokeBox(16, true);
        Problem p = g.pressureProblem(null);
        assertFalse(p.name().contains("singular"), p.name());
        checkRowsAgainstCellTypes(g, p.matrix());
        int[] region = regions(g);
        // Every fluid cell is connected to a cell with an air neighbour (no sealed pocket).
        boolean[] airRegion = new boolean[g.cellCount()];
        forEachFluid(g, (c, i, j, k) -> {
            if (countNeighbours(g, i, j, k, CellType.AIR) > 0) {
                airRegion[region[c]] = true;
            }
        });
        forEachFluid(g, (c, i, j, k) -> assertTrue(airRegion[region[c]], "cell " + c + " is sealed off"));
        // Without projection the rhs is exactly minus the plume divergence on the fluid cells.
        double[] div = g.plumeDivergence();
        int[] cells = g.fluidCells();
        for (int u = 0; u < cells.length; u++) {
            assertEquals(-div[cells[u]], p.rhs()[u]);
        }
        // The plume leaves through the open lid: the net outflow is positive.
        double total = 0;
        for (double d : div) {
            total += d;
        }
        assertTrue(total > 0.1, "net outflow " + total);
        solveAndCheck(p);
        assertEquals(p.matrix(), Generators.fluid3d(16).matrix());
        assertArrayEquals(p.rhs(), Generators.fluid3d(16).rhs());
    }

    @Test
    void closedSmokeBoxIsSingularButConsistent() {
        FluidGrid g = FluidGrid.smokeBox(14, false);
        Problem p = g.pressureProblem(null);
        assertTrue(p.name().endsWith("singular-projected"), p.name());
        CsrMatrix a = p.matrix();
        checkRowsAgainstCellTypes(g, a);
        // No air anywhere: every row sums to zero, so the constant is in the null space.
        double[] ones = new double[a.rows()];
        java.util.Arrays.fill(ones, 1.0);
        double[] a1 = GeneratorsTest.denseOrSparseApply(a, ones);
        for (double v : a1) {
            assertEquals(0.0, v);
        }
        // One fluid region, so the projected rhs sums to zero over all unknowns.
        int[] region = regions(g);
        int[] cells = g.fluidCells();
        for (int u = 1; u < cells.length; u++) {
            assertEquals(region[cells[0]], region[cells[u]], "the closed box is one region");
        }
        double sum = 0, abs = 0;
        for (double v : p.rhs()) {
            sum += v;
            abs += Math.abs(v);
        }
        assertTrue(abs > 0);
        assertTrue(Math.abs(sum) <= 1e-12 * abs, "rhs sum " + sum);
        // The raw plume divergence already sums to zero over a sealed region (the discrete
        // divergence theorem with zero normal velocity on solid faces), before any projection.
        double divSum = 0, divAbs = 0;
        for (double d : g.plumeDivergence()) {
            divSum += d;
            divAbs += Math.abs(d);
        }
        assertTrue(divAbs > 0);
        assertTrue(Math.abs(divSum) <= 1e-12 * divAbs, "divergence sum " + divSum);
        solveAndCheck(p);
    }

    @Test
    void userDivergenceIsProjectedPerRegionInAClosedBox() {
        FluidGrid g = FluidGrid.smokeBox(8, false);
        double[] div = new double[g.cellCount()];
        for (int c = 0; c < div.length; c++) {
            div[c] = 1.0 + (c % 7);
        }
        Problem p = g.pressureProblem(div);
        int[] cells = g.fluidCells();
        double mean = 0;
        for (int c : cells) {
            mean += -div[c];
        }
        mean /= cells.length;
        for (int u = 0; u < cells.length; u++) {
            assertEquals(-div[cells[u]] - mean, p.rhs()[u], 1e-12);
        }
        solveAndCheck(p);
    }

    @Test
    void obstacleDomainsAreReproducibleAndDistinct() {
        int n = 16;
        FluidGrid a = FluidGrid.withObstacles(n, 42, true);
        FluidGrid b = FluidGrid.withObstacles(n, 42, true);
        FluidGrid c = FluidGrid.withObstacles(n, 43, true);
        FluidGrid box = FluidGrid.smokeBox(n, true);
        assertTrue(sameTypes(a, b));
        assertFalse(sameTypes(a, c));
        int walls = n * n * n - (n - 2) * (n - 2) * (n - 1);
        assertTrue(a.count(CellType.SOLID) > walls && c.count(CellType.SOLID) > walls);
        assertFalse(sameTypes(a, box));
        assertEquals((n - 2) * (n - 2), a.count(CellType.AIR));
        for (FluidGrid g : new FluidGrid[] {a, c}) {
            Problem p = g.pressureProblem(null);
            assertFalse(p.name().contains("singular"), p.name());
            assertTrue(p.matrix().isSymmetric(0.0));
            checkRowsAgainstCellTypes(g, p.matrix());
            solveAndCheck(p);
        }
        Problem closed = FluidGrid.withObstacles(n, 42, false).pressureProblem(null);
        assertTrue(closed.name().contains("singular"), closed.name());
        solveAndCheck(closed);
    }

    // ---- bad input ------------------------------------------------------------------------------

    @Test
    void rejectsBadInput() {
        assertThrows(IllegalArgumentException.class, () -> new FluidGrid(0, 2, 2));
        assertThrows(IllegalArgumentException.class, () -> new FluidGrid(2000, 2000, 2000));
        assertThrows(IllegalArgumentException.class, () -> FluidGrid.smokeBox(5, true));
        assertThrows(IllegalArgumentException.class, () -> FluidGrid.withObstacles(-1, 1, true));
        assertThrows(IllegalArgumentException.class, () -> FluidGrid.smokeBox(2000, true));
        FluidGrid g = new FluidGrid(2, 2, 2);
        assertThrows(IndexOutOfBoundsException.class, () -> g.set(2, 0, 0, CellType.SOLID));
        assertThrows(IndexOutOfBoundsException.class, () -> g.type(0, -1, 0));
        assertThrows(IllegalArgumentException.class, () -> g.set(0, 0, 0, null));
        assertThrows(IllegalArgumentException.class, () -> g.pressureProblem(new double[7]));
        double[] div = new double[8];
        div[3] = Double.NaN;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> g.pressureProblem(div));
        assertTrue(e.getMessage().contains("(1, 1, 0)"), e.getMessage());
        g.set(1, 1, 0, CellType.SOLID);
        assertEquals(7, g.pressureProblem(div).size(), "NaN at a solid cell is ignored");
        FluidGrid empty = new FluidGrid(1, 1, 2).set(0, 0, 0, CellType.SOLID).set(0, 0, 1, CellType.AIR);
        assertThrows(IllegalStateException.class, () -> empty.pressureProblem(null));
    }

    // ---- helpers, written apart from FluidGrid's own search -------------------------------------

    interface CellVisitor {
        void visit(int cell, int i, int j, int k);
    }

    static void forEachFluid(FluidGrid g, CellVisitor v) {
        for (int k = 0; k < g.nz(); k++) {
            for (int j = 0; j < g.ny(); j++) {
                for (int i = 0; i < g.nx(); i++) {
                    if (g.type(i, j, k) == CellType.FLUID) {
                        v.visit(g.index(i, j, k), i, j, k);
                    }
                }
            }
        }
    }

    static int countNeighbours(FluidGrid g, int i, int j, int k, CellType type) {
        int[][] d = {{1, 0, 0}, {-1, 0, 0}, {0, 1, 0}, {0, -1, 0}, {0, 0, 1}, {0, 0, -1}};
        int count = 0;
        for (int[] o : d) {
            int a = i + o[0], b = j + o[1], c = k + o[2];
            boolean inside = a >= 0 && b >= 0 && c >= 0 && a < g.nx() && b < g.ny() && c < g.nz();
            if (inside && g.type(a, b, c) == type) {
                count++;
            }
        }
        return count;
    }

    /** Diagonal = FLUID + AIR neighbours, -1 per FLUID neighbour, row sum = AIR neighbours. */
    static void checkRowsAgainstCellTypes(FluidGrid g, CsrMatrix a) {
        int[] unknown = g.unknownIndex();
        forEachFluid(g, (c, i, j, k) -> {
            int u = unknown[c];
            int fluid = countNeighbours(g, i, j, k, CellType.FLUID);
            int air = countNeighbours(g, i, j, k, CellType.AIR);
            assertEquals(fluid + air, a.get(u, u), "diagonal of cell " + c);
            int[] rp = a.rowPtr();
            double sum = 0;
            for (int t = rp[u]; t < rp[u + 1]; t++) {
                sum += a.values()[t];
            }
            assertEquals(fluid + 1, rp[u + 1] - rp[u], "entries in row of cell " + c);
            assertEquals(air, sum, "row sum of cell " + c);
            if (i + 1 < g.nx() && g.type(i + 1, j, k) == CellType.FLUID) {
                assertEquals(-1.0, a.get(u, unknown[g.index(i + 1, j, k)]));
            }
            if (k + 1 < g.nz() && g.type(i, j, k + 1) == CellType.FLUID) {
                assertEquals(-1.0, a.get(u, unknown[g.index(i, j, k + 1)]));
            }
        });
    }

    /** Fluid regions by union-find over cell numbers (a different route from FluidGrid's BFS). */
    static int[] regions(FluidGrid g) {
        int[] parent = new int[g.cellCount()];
        for (int c = 0; c < parent.length; c++) {
            parent[c] = c;
        }
        forEachFluid(g, (c, i, j, k) -> {
            if (i + 1 < g.nx() && g.type(i + 1, j, k) == CellType.FLUID) {
                union(parent, c, g.index(i + 1, j, k));
            }
            if (j + 1 < g.ny() && g.type(i, j + 1, k) == CellType.FLUID) {
                union(parent, c, g.index(i, j + 1, k));
            }
            if (k + 1 < g.nz() && g.type(i, j, k + 1) == CellType.FLUID) {
                union(parent, c, g.index(i, j, k + 1));
            }
        });
        int[] root = new int[parent.length];
        for (int c = 0; c < parent.length; c++) {
            root[c] = find(parent, c);
        }
        return root;
    }

    private static int find(int[] parent, int c) {
        while (parent[c] != c) {
            parent[c] = parent[parent[c]];
            c = parent[c];
        }
        return c;
    }

    private static void union(int[] parent, int a, int b) {
        parent[find(parent, a)] = find(parent, b);
    }

    static boolean sameTypes(FluidGrid a, FluidGrid b) {
        for (int k = 0; k < a.nz(); k++) {
            for (int j = 0; j < a.ny(); j++) {
                for (int i = 0; i < a.nx(); i++) {
                    if (a.type(i, j, k) != b.type(i, j, k)) {
                        return false;
                    }
                }
            }
        }
        return true;
    }
}
