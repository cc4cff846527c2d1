package dev.solvent.reports;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The reports' figures, drawn by XChart as PNG files: line charts (convergence histories, scaling)
 * and cumulative-cost panels. Headless: no display is needed.
 */
public final class Plots {

    /** At most this many points per line; longer histories are thinned evenly (the last point kept). */
    static final int MAX_POINTS = 2000;

    /** One colour per method, the same in every panel of a figure. */
    private static final Color[] PALETTE = {
        new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728),
        new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f),
        new Color(0xbcbd22), new Color(0x17becf), new Color(0x000000),
    };

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private Plots() {
    }

    /** One line: a label, its points, and a palette slot (so that a method keeps its colour across panels). */
    public record Line(String label, double[] x, double[] y, int colour) {
        public Line {
            if (x.length != y.length) {
                throw new IllegalArgumentException(label + ": " + x.length + " x values but " + y.length + " y values");
            }
        }

        /** Against 1, 2, 3, ... */
        public static Line of(String label, double[] y, int colour) {
            double[] x = new double[y.length];
            for (int i = 0; i < x.length; i++) {
                x[i] = i + 1;
            }
            return new Line(label, x, y, colour);
        }

        /** The running sum of per-round costs against the round. */
        public static Line cumulative(String label, double[] costs, int colour) {
            double[] y = new double[costs.length];
            double sum = 0;
            for (int i = 0; i < costs.length; i++) {
                sum += costs[i];
                y[i] = sum;
            }
            return of(label, y, colour);
        }
    }

    /**
     * A line chart.
     *
     * @param logY  a logarithmic y axis (residuals, errors)
     * @param yMax  the top of the y axis, or NaN to fit every line (a line above it leaves the panel)
     */
    public static XYChart chart(String title, String xTitle, String yTitle, boolean logY, double yMax, List<Line> lines,
                                int width, int height) {
        XYChart chart = new XYChartBuilder().width(width).height(height).title(title).xAxisTitle(xTitle)
                .yAxisTitle(yTitle).build();
        Styler.LegendPosition legend = logY ? Styler.LegendPosition.InsideNE : Styler.LegendPosition.InsideNW;
        chart.getStyler().setLegendPosition(legend);
        chart.getStyler().setYAxisLogarithmic(logY);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotGridLinesVisible(true);
        chart.getStyler().setAntiAlias(true);
        if (!Double.isNaN(yMax)) {
            chart.getStyler().setYAxisMax(yMax);
            chart.getStyler().setYAxisMin(logY ? null : 0.0);
        }
        for (Line line : lines) {
            double[][] xy = thin(line.x(), line.y(), logY);
            if (xy[0].length == 0) {
                continue;
            }
            XYSeries s = chart.addSeries(line.label(), xy[0], xy[1]);
            // A few points (a scaling study) are shown as points; a long history as a plain line.
            s.setMarker(xy[0].length <= 12 ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
            s.setLineColor(PALETTE[Math.floorMod(line.colour(), PALETTE.length)]);
            s.setMarkerColor(PALETTE[Math.floorMod(line.colour(), PALETTE.length)]);
        }
        return chart;
    }

    /**
     * Writes charts side by side ({@code columns} per row, row by row) into one PNG file; each cell
     * is as large as the largest chart, and cells left over in the last row stay white.
     */
    public static void save(List<XYChart> charts, int columns, Path png) throws IOException {
        if (charts.isEmpty() || columns < 1) {
            throw new IllegalArgumentException("need at least one chart and one column, got " + charts.size()
                    + " charts and " + columns + " columns");
        }
        int cols = Math.min(columns, charts.size());
        int rows = (charts.size() + cols - 1) / cols;
        List<BufferedImage> images = new ArrayList<>();
        int cellWidth = 0;
        int cellHeight = 0;
        for (XYChart chart : charts) {
            BufferedImage image = BitmapEncoder.getBufferedImage(chart);
            images.add(image);
            cellWidth = Math.max(cellWidth, image.getWidth());
            cellHeight = Math.max(cellHeight, image.getHeight());
        }
        BufferedImage sheet = new BufferedImage(cols * cellWidth, rows * cellHeight, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = sheet.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, sheet.getWidth(), sheet.getHeight());
            for (int k = 0; k < images.size(); k++) {
                g.drawImage(images.get(k), (k % cols) * cellWidth, (k / cols) * cellHeight, null);
            }
        } finally {
            g.dispose();
        }
        if (!ImageIO.write(sheet, "png", png.toFile())) {
            throw new IOException("no PNG writer in this JDK for " + png);
        }
    }

    /** At most {@link #MAX_POINTS} evenly spaced points, the last one kept; non-positive y dropped on a log axis. */
    static double[][] thin(double[] x, double[] y, boolean logY) {
        int n = x.length;
        int step = Math.max(1, (n + MAX_POINTS - 1) / MAX_POINTS);
        double[] tx = new double[n / step + 1];
        double[] ty = new double[tx.length];
        int k = 0;
        for (int i = 0; i < n; i += step) {
            int at = Math.min(i, n - 1);
            if (i + step >= n) {
                at = n - 1;
            }
            if (!Double.isFinite(y[at]) || logY && !(y[at] > 0)) {
                continue;
            }
            tx[k] = x[at];
            ty[k] = y[at];
            k++;
        }
        return new double[][] {java.util.Arrays.copyOf(tx, k), java.util.Arrays.copyOf(ty, k)};
    }
}
