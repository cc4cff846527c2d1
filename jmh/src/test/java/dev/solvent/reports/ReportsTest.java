package dev.solvent.reports;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report generators at toy sizes: each writes its page and figures into the folder it is
 * given (and nowhere else), and refuses to run without one.
 */
class ReportsTest {

    @TempDir
    Path dir;

    private static BufferedImage png(Path file) throws Exception {
        assertTrue(Files.exists(file), file + " missing");
        BufferedImage img = ImageIO.read(file.toFile());
        assertTrue(img != null && img.getWidth() > 100 && img.getHeight() > 100, file + " is not an image");
        return img;
    }

    /** Pixels of one palette colour: a drawn line leaves many. */
    private static int pixels(BufferedImage img, int rgb) {
        int hits = 0;
        for (int x = 0; x < img.getWidth(); x++) {
            for (int y = 0; y < img.getHeight(); y++) {
                hits += (img.getRGB(x, y) & 0xffffff) == rgb ? 1 : 0;
            }
        }
        return hits;
    }

    @Test
    void plotsDrawEveryLineInItsColour() throws Exception {
        double[] y = new double[5000];
        for (int i = 0; i < y.length; i++) {
            y[i] = Math.pow(10, -i / 1000.0);
        }
        Path f = dir.resolve("p.png");
        Plots.save(List.of(
                Plots.chart("a", "iteration", "residual", true, Double.NaN, List.of(Plots.Line.of("decay", y, 0)), 300, 240),
                Plots.chart("b", "round", "cumulative", false, Double.NaN,
                        List.of(Plots.Line.cumulative("flat", new double[] {1, 1, 1, 1}, 3)), 300, 240)), 2, f);
        BufferedImage img = png(f);
        assertEquals(600, img.getWidth());
        assertEquals(240, img.getHeight());
        assertTrue(pixels(img, 0x1f77b4) > 50, "first line");
        assertTrue(pixels(img, 0xd62728) > 50, "second line");
    }

    @Test
    void chartsThatDoNotFillTheLastRowLeaveItsCellsWhite() throws Exception {
        // Five panels in three columns, as the OT report draws its five cases: two rows, one blank cell.
        List<org.knowm.xchart.XYChart> charts = new java.util.ArrayList<>();
        for (int k = 0; k < 5; k++) {
            charts.add(Plots.chart("case " + k, "time (s)", "error", true, Double.NaN,
                    List.of(Plots.Line.of("decay", new double[] {1, 0.1, 0.01}, 0)), 200, 150));
        }
        Path f = dir.resolve("five.png");
        Plots.save(charts, 3, f);
        BufferedImage img = png(f);
        assertEquals(600, img.getWidth());
        assertEquals(300, img.getHeight());
        assertTrue(pixels(img, 0x1f77b4) > 50, "the lines are drawn");
        // The sixth cell (row 2, column 3) is empty: white throughout.
        for (int y = 150; y < 300; y += 7) {
            for (int x = 400; x < 600; x += 7) {
                assertEquals(0xffffff, img.getRGB(x, y) & 0xffffff, "pixel " + x + "," + y);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> Plots.save(List.of(), 3, dir.resolve("none.png")));
    }

    @Test
    void thinningKeepsAtMostMaxPointsAndTheLastOne() {
        double[] x = new double[10_001];
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = i;
            y[i] = i == 7 ? -1 : i + 1;
        }
        double[][] t = Plots.thin(x, y, true);
        assertTrue(t[0].length <= Plots.MAX_POINTS + 1, "" + t[0].length);
        assertEquals(10_000.0, t[0][t[0].length - 1]);
        double[][] all = Plots.thin(new double[] {1, 2, 3}, new double[] {5, -1, 6}, true);
        assertArrayEquals(new double[] {1, 3}, all[0], "non-positive values leave a log axis");
    }

    @Test
    void reportsNeedAnOutputFolder() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OtReport.main(new String[0]));
        assertTrue(e.getMessage().contains("--out DIR is required"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> DcdmReport.main(new String[] {"fluid-ml8", "16:1"}));
        assertTrue(e.getMessage().contains("--out DIR is required"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> BanditReport.main(new String[] {"--rounds", "10"}));
        assertTrue(e.getMessage().contains("--out DIR is required"), e.getMessage());
    }

    @Test
    void otReportWritesItsPageAndConvergenceFigure() throws Exception {
        OtReport.main(new String[] {"--out", dir.toString(), "--random-n", "200", "--sinkhorn-cap", "2"});
        String md = Files.readString(dir.resolve("ot.md"));
        assertTrue(md.contains("| random assignment, seed 1 | 200 | SNS | CONVERGED"), md);
        assertTrue(md.contains("![marginal error against time, SNS and Sinkhorn](ot-convergence.png)"), md);
        assertTrue(md.contains("only the random assignment case"), md);
        BufferedImage img = png(dir.resolve("ot-convergence.png"));
        assertTrue(pixels(img, 0x1f77b4) > 20 && pixels(img, 0xff7f0e) > 20, "both methods drawn");
        try (var files = Files.list(dir)) {
            assertEquals(List.of("ot-convergence.png", "ot.md"),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void dcdmReportWritesTheTableResidualsAndIterationsAgainstGridSize() throws Exception {
        DcdmReport.main(new String[] {"--out", dir.toString(), "--modes", "k2", "fluid16-c8", "8:101", "10:101"});
        String md = Files.readString(dir.resolve("dcdm-results.md"));
        for (String s : new String[] {"| CG |", "| IC(0)-PCG |", "| DCDM k=2 (paper) |", " 8^3 ", " 10^3 "}) {
            assertTrue(md.contains(s), s + " missing:\n" + md);
        }
        assertTrue(md.contains("CONVERGED_RTOL"), md);
        BufferedImage residuals = png(dir.resolve("dcdm-residuals.png"));
        assertTrue(pixels(residuals, 0x2ca02c) > 20, "the DCDM history is drawn");
        png(dir.resolve("dcdm-iterations.png"));
    }

    @Test
    void banditReportWritesItsPageAndCumulativeFigure() throws Exception {
        BanditReport.main(new String[] {"--out", dir.toString(), "--rounds", "40", "--seeds", "1", "--nx", "8",
            "--heat-steps", "10", "--search-max-nx", "8"});
        String md = Files.readString(dir.resolve("bandit.md"));
        assertTrue(md.contains("![cumulative iterations per method](bandit-cumulative.png)"), md);
        assertTrue(md.contains("dev.solvent.reports.BanditReport --out " + dir), md);
        BufferedImage img = png(dir.resolve("bandit-cumulative.png"));
        assertEquals(3 * 560, img.getWidth());
    }
}
