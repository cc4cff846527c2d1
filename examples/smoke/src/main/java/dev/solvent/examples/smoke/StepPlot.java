package dev.solvent.examples.smoke;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The per-step plot of several runs over the same scene: pressure-solve iterations and solve time (XChart). */
public final class StepPlot {

    private StepPlot() {
    }

    /**
     * Writes a PNG with two panels, iterations per step and solve time per step (ms, log scale),
     * one line per run.
     *
     * @param file the PNG to write (".png" is added by XChart if missing)
     */
    public static void write(List<RunSummary> runs, String title, Path file) throws IOException {
        XYChart iterations = chart(title + ": pressure-solve iterations per step", "iterations");
        XYChart time = chart(title + ": pressure-solve time per step", "solve time [ms]");
        time.getStyler().setYAxisLogarithmic(true);
        for (RunSummary run : runs) {
            int n = run.steps().size();
            double[] x = new double[n];
            double[] its = new double[n];
            double[] ms = new double[n];
            for (int s = 0; s < n; s++) {
                x[s] = s + 1;
                its[s] = run.steps().get(s).iterations();
                ms[s] = Math.max(1e-3, 1e3 * run.steps().get(s).seconds());
            }
            style(iterations.addSeries(run.label(), x, its));
            style(time.addSeries(run.label(), x, ms));
        }
        List<XYChart> charts = new ArrayList<>();
        charts.add(iterations);
        charts.add(time);
        BitmapEncoder.saveBitmap(charts, 2, 1, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private static XYChart chart(String title, String yTitle) {
        XYChart c = new XYChartBuilder().width(960).height(380).title(title).xAxisTitle("time step").yAxisTitle(yTitle).build();
        org.knowm.xchart.style.XYStyler s = c.getStyler();
        s.setLegendPosition(Styler.LegendPosition.OutsideE);
        s.setChartBackgroundColor(java.awt.Color.WHITE);
        s.setPlotGridLinesVisible(true);
        return c;
    }

    private static void style(XYSeries series) {
        series.setMarker(SeriesMarkers.NONE);
        series.setLineWidth(1.4f);
    }
}
