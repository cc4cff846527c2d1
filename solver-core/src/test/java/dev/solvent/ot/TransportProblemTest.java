package dev.solvent.ot;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TransportProblemTest {

    private static final double[][] COST_2x3 = {{0, 1, 2}, {3, 4, 5}};

    private static String message(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }

    @Test
    void negativeMassIsRejectedNamingTheBin() {
        String msg = message(() -> TransportProblem.of(new double[] {0.5, -0.5}, new double[] {0, 0, 0}, COST_2x3, 1));
        assertTrue(msg.contains("source") && msg.contains("bin 1") && msg.contains("-0.5"), msg);
    }

    @Test
    void nanMassIsRejected() {
        String msg = message(() -> TransportProblem.of(new double[] {0.5, 0.5}, new double[] {0.5, Double.NaN, 0.5},
                COST_2x3, 1));
        assertTrue(msg.contains("target") && msg.contains("NaN"), msg);
    }

    @Test
    void costWithWrongNumberOfRowsIsRejected() {
        String msg = message(() -> TransportProblem.of(new double[] {1, 1, 1}, new double[] {1, 1, 1}, COST_2x3, 1));
        assertTrue(msg.contains("2 rows") && msg.contains("3 bins"), msg);
    }

    @Test
    void costWithWrongNumberOfColumnsIsRejected() {
        String msg = message(() -> TransportProblem.of(new double[] {1, 1}, new double[] {1, 1}, COST_2x3, 1));
        assertTrue(msg.contains("cost row 0") && msg.contains("3 entries"), msg);
    }

    @Test
    void nonFiniteCostIsRejected() {
        double[][] c = {{0, Double.POSITIVE_INFINITY}, {1, 0}};
        String msg = message(() -> TransportProblem.of(new double[] {1, 1}, new double[] {1, 1}, c, 1));
        assertTrue(msg.contains("(0, 1)"), msg);
    }

    @Test
    void differentTotalsAreAnErrorUnlessNormalisationIsAsked() {
        double[] r = {1, 1};
        double[] c = {1, 2, 1};
        String msg = message(() -> TransportProblem.of(r, c, COST_2x3, 1));
        assertTrue(msg.contains("total mass 2.0") && msg.contains("4.0"), msg);
        TransportProblem p = TransportProblem.of(r, c, COST_2x3, 1, TransportProblem.Totals.NORMALISE);
        assertArrayEquals(new double[] {0.5, 0.5}, p.sourceMasses(), 0);
        assertArrayEquals(new double[] {0.25, 0.5, 0.25}, p.targetMasses(), 0);
    }

    @Test
    void roundingLevelDifferenceOfTotalsIsAbsorbedExactly() {
        double[] r = {0.5, 0.5};
        double[] c = {0.25, 0.5, 0.25 + 1e-13};
        TransportProblem p = TransportProblem.of(r, c, COST_2x3, 1);
        double sum = 0;
        for (double v : p.targetMasses()) {
            sum += v;
        }
        assertEquals(1.0, sum, 1e-16);
    }

    @Test
    void zeroTotalAndEmptyHistogramsAreRejected() {
        assertTrue(message(() -> TransportProblem.of(new double[] {0, 0}, new double[] {1, 1}, new double[][] {{0, 1}, {1, 0}}, 1))
                .contains("zero total mass"));
        assertTrue(message(() -> TransportProblem.of(new double[0], new double[] {1}, new double[0][], 1)).contains("empty"));
    }

    @Test
    void etaMustBeFiniteAndPositive() {
        double[] h = {1, 1};
        double[][] c = {{0, 1}, {1, 0}};
        for (double eta : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
            String msg = message(() -> TransportProblem.of(h, h, c, eta));
            assertTrue(msg.contains("eta"), msg);
        }
    }

    @Test
    void zeroMassBinsAreDroppedFromTheSupport() {
        double[] r = {0, 0.5, 0, 0.5};
        double[] c = {0.25, 0, 0.75};
        double[][] cost = new double[4][3];
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 3; j++) {
                cost[i][j] = 10 * i + j;
            }
        }
        TransportProblem p = TransportProblem.of(r, c, cost, 1);
        assertArrayEquals(new int[] {1, 3}, p.sourceSupport());
        assertArrayEquals(new int[] {0, 2}, p.targetSupport());
        assertEquals(2, p.n());
        assertEquals(2, p.m());
        assertEquals(4, p.sourceSize());
        assertEquals(32.0, p.cost(1, 1), 0); // original (3, 2)
        assertEquals(10.0, p.cost(0, 0), 0); // original (1, 0)
    }

    @Test
    void gridCostScaledToUnitInterval() {
        // 3 x 3 grids: the largest squared distance is between opposite corners, 2^2 + 2^2 = 8.
        double[][] a = {{1, 1, 1}, {1, 1, 1}, {1, 1, 1}};
        TransportProblem p = TransportProblem.fromGrids(a, a, GroundCost.SQEUCLIDEAN, true, 1);
        assertEquals(1.0 / 8, p.costScale(), 0);
        assertEquals(1.0, p.cost(0, 8), 1e-15);
        assertEquals(5.0 / 8, p.cost(0, 5), 1e-15); // (0,0) to (1,2)
        TransportProblem e = TransportProblem.fromGrids(a, a, GroundCost.EUCLIDEAN, false, 1);
        assertEquals(Math.sqrt(5), e.cost(0, 5), 1e-15);
        assertEquals(1.0, e.costScale(), 0);
    }

    @Test
    void pointValidation() {
        double[] h = {1, 1};
        double[][] pts = {{0, 0}, {1, 1}};
        assertTrue(message(() -> TransportProblem.fromPoints(h, new double[][] {{0, 0}}, h, pts, GroundCost.SQEUCLIDEAN,
                false, 1, TransportProblem.Totals.REQUIRE_EQUAL)).contains("1 source points"));
        assertTrue(message(() -> TransportProblem.fromPoints(h, pts, h, new double[][] {{0}, {1}}, GroundCost.SQEUCLIDEAN,
                false, 1, TransportProblem.Totals.REQUIRE_EQUAL)).contains("dimension"));
        assertTrue(message(() -> TransportProblem.fromPoints(h, new double[][] {{0, 0}, {1}}, h, pts, GroundCost.SQEUCLIDEAN,
                false, 1, TransportProblem.Totals.REQUIRE_EQUAL)).contains("source point 1"));
    }

    @Test
    void groundCostNames() {
        assertEquals(GroundCost.EUCLIDEAN, GroundCost.parse("Euclidean"));
        assertEquals(GroundCost.SQEUCLIDEAN, GroundCost.parse("sqeuclidean"));
        assertTrue(message(() -> GroundCost.parse("manhattan")).contains("manhattan"));
    }

    @Test
    void tooLargeForADenseCostIsRejectedBeforeAllocating() {
        int n = 50_000; // n^2 = 2.5e9 entries: more than one Java array holds
        double[] h = new double[n];
        double[][] pts = new double[n][];
        for (int i = 0; i < n; i++) {
            h[i] = 1;
            pts[i] = new double[] {i};
        }
        String msg = message(() -> TransportProblem.fromPoints(h, pts, h, pts, GroundCost.SQEUCLIDEAN, false, 1,
                TransportProblem.Totals.REQUIRE_EQUAL));
        assertTrue(msg.contains("50000 x 50000"), msg);
    }
}
