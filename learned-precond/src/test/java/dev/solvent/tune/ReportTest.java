package dev.solvent.tune;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
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
    void plotIsAPngWithTheCurvesDrawn(@TempDir File dir) throws IOException {
        double[] flat = new double[100];
        java.util.Arrays.fill(flat, 10.0);
        CumulativePlot.Panel p = new CumulativePlot.Panel("test", "round", Double.NaN,
                List.of(new CumulativePlot.Series("ten per round", flat)));
        File f = new File(dir, "p.png");
        CumulativePlot.write(f, List.of(p, p), 300, 200);
        BufferedImage img = ImageIO.read(f);
        assertEquals(600, img.getWidth());
        assertEquals(200, img.getHeight());
        // The first palette colour (0x1f77b4) appears: the line and its legend swatch.
        int hits = 0;
        for (int x = 0; x < 300; x++) {
            for (int y = 0; y < 200; y++) {
                hits += (img.getRGB(x, y) & 0xffffff) == 0x1f77b4 ? 1 : 0;
            }
        }
        assertTrue(hits > 50, "curve pixels: " + hits);
    }

    @Test
    void axisNumbers() {
        assertEquals(1000.0, CumulativePlot.niceCeil(999), 0.0);
        assertEquals(2.5e4, CumulativePlot.niceCeil(2.1e4), 0.0);
        assertEquals("2500", CumulativePlot.axisLabel(2500));
        assertEquals("25k", CumulativePlot.axisLabel(25000));
        assertEquals("12.5k", CumulativePlot.axisLabel(12500));
        assertEquals("1.25M", CumulativePlot.axisLabel(1.25e6));
        assertEquals("1.7", SequenceReport.fmtOmega(1.7));
        assertEquals("1.75", SequenceReport.fmtOmega(1.75));
        assertEquals("1.0", SequenceReport.fmtOmega(1.0));
    }
}
