package dev.solvent.tune;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportTest {

    @Test
    void comparisonRowsAreOrderedAsTheirDefinitionsRequire() {
        List<LaplacianExperiment.Result> rs = List.of(
                LaplacianExperiment.run(40, LaplacianExperiment.Offsets.HIGH_VARIANCE, 4),
                LaplacianExperiment.run(40, LaplacianExperiment.Offsets.HIGH_VARIANCE, 5));
        List<Comparison.LaplacianRow> rows = Comparison.laplacian(rs);
        double best = Comparison.row(rows, SequenceReport.BEST_FIXED).meanAll();
        for (double w : Comparison.LAPLACIAN_FIXED) {
            assertTrue(best <= Comparison.row(rows, "omega=" + SequenceReport.fmtOmega(w)).meanAll());
        }
        // One arm per bin can do no worse than one arm overall, and no better than one arm per system.
        double perBin = Comparison.row(rows, Comparison.BEST_PER_BIN).meanAll();
        assertTrue(perBin <= best);
        assertTrue(Comparison.row(rows, SequenceReport.INSTANCE_OPTIMAL).meanAll() <= perBin);
        assertEquals(20, Comparison.window(40));
        assertEquals(1000, Comparison.window(5000));
        // The sd over two seeds is |a - b| / sqrt 2.
        double a = rs.get(0).fixed(0).mean();
        double b = rs.get(1).fixed(0).mean();
        assertEquals(Math.abs(a - b) / Math.sqrt(2), Comparison.row(rows, "omega=1.0").sdAll(), 1e-9);
    }

    @Test
    void omegasAreWrittenWithTheirSignificantDigits() {
        assertEquals("1.7", SequenceReport.fmtOmega(1.7));
        assertEquals("1.75", SequenceReport.fmtOmega(1.75));
        assertEquals("1.0", SequenceReport.fmtOmega(1.0));
    }
}
