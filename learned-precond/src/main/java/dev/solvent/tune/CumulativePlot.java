package dev.solvent.tune;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.util.List;
import java.util.Locale;

/**
 * Draws cumulative cost against round, one line per method, in side-by-side panels, as a PNG
 * (java.awt, headless). Curves that leave the top of a panel are clipped there: the y range is set
 * by the methods worth comparing, not by Gauss-Seidel.
 */
public final class CumulativePlot {

    /**
     * One line: a label, its per-round costs (accumulated here) and a palette slot, so that a method
     * keeps its colour across panels.
     */
    public record Series(String label, double[] costs, int colour) {
        /** Colour by position in the panel. */
        public Series(String label, double[] costs) {
            this(label, costs, -1);
        }
    }

    /** One panel: title, x label, y maximum (or NaN for the largest curve), lines. */
    public record Panel(String title, String xLabel, double yMax, List<Series> series) {
    }

    private static final Color[] PALETTE = {
        new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728),
        new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f),
        new Color(0xbcbd22), new Color(0x17becf), new Color(0x000000),
    };

    private CumulativePlot() {
    }

    /** Writes the panels side by side into a PNG file. */
    public static void write(File file, List<Panel> panels, int panelWidth, int height) throws IOException {
        System.setProperty("java.awt.headless", "true");
        BufferedImage img = new BufferedImage(panelWidth * panels.size(), height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        for (int p = 0; p < panels.size(); p++) {
            drawPanel(g, panels.get(p), p * panelWidth, panelWidth, height);
        }
        g.dispose();
        ImageIO.write(img, "png", file);
    }

    private static void drawPanel(Graphics2D g, Panel panel, int x0, int w, int h) {
        int left = x0 + 80;
        int right = x0 + w - 20;
        int top = 40;
        int bottom = h - 60;
        int rounds = 0;
        double yMax = panel.yMax();
        boolean auto = !(yMax > 0);
        if (auto) {
            yMax = 0;
        }
        double[][] cum = new double[panel.series().size()][];
        for (int s = 0; s < cum.length; s++) {
            double[] c = panel.series().get(s).costs();
            cum[s] = new double[c.length];
            double sum = 0;
            for (int i = 0; i < c.length; i++) {
                sum += c[i];
                cum[s][i] = sum;
            }
            rounds = Math.max(rounds, c.length);
            if (auto && c.length > 0) {
                yMax = Math.max(yMax, sum);
            }
        }
        yMax = niceCeil(yMax);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(panel.title(), left, top - 15);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.setStroke(new BasicStroke(1f));
        g.drawRect(left, top, right - left, bottom - top);
        for (int k = 0; k <= 5; k++) {
            double yv = yMax * k / 5;
            int y = (int) Math.round(bottom - (bottom - top) * (double) k / 5);
            g.setColor(new Color(0xdddddd));
            g.drawLine(left + 1, y, right - 1, y);
            g.setColor(Color.BLACK);
            g.drawLine(left - 5, y, left, y);
            String label = axisLabel(yv);
            g.drawString(label, left - 10 - g.getFontMetrics().stringWidth(label), y + 4);
            double xv = (double) rounds * k / 5;
            int x = (int) Math.round(left + (right - left) * (double) k / 5);
            g.drawLine(x, bottom, x, bottom + 5);
            String xl = String.format(Locale.ROOT, "%.0f", xv);
            g.drawString(xl, x - g.getFontMetrics().stringWidth(xl) / 2, bottom + 20);
        }
        g.drawString(panel.xLabel(), (left + right) / 2 - g.getFontMetrics().stringWidth(panel.xLabel()) / 2, bottom + 42);
        Graphics2D rotated = (Graphics2D) g.create();
        rotated.rotate(-Math.PI / 2);
        String yLabel = "cumulative iterations";
        rotated.drawString(yLabel, -((top + bottom) / 2 + g.getFontMetrics().stringWidth(yLabel) / 2), x0 + 16);
        rotated.dispose();
        Graphics2D clip = (Graphics2D) g.create();
        clip.clipRect(left, top, right - left, bottom - top);
        clip.setStroke(new BasicStroke(2f));
        for (int s = 0; s < cum.length; s++) {
            clip.setColor(colour(panel, s));
            Path2D.Double path = new Path2D.Double();
            double[] c = cum[s];
            int stride = Math.max(1, c.length / 1000);
            for (int i = 0; i < c.length; i += stride) {
                double x = left + (right - left) * (i + 1.0) / rounds;
                double y = bottom - (bottom - top) * Math.min(c[i], 2 * yMax) / yMax;
                if (i == 0) {
                    path.moveTo(x, y);
                } else {
                    path.lineTo(x, y);
                }
            }
            if (c.length > 0) {
                path.lineTo(left + (right - left) * (double) c.length / rounds,
                        bottom - (bottom - top) * Math.min(c[c.length - 1], 2 * yMax) / yMax);
            }
            clip.draw(path);
        }
        clip.dispose();
        // Legend, top left inside the axes, with each method's final total.
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        int ly = top + 16;
        int boxW = 0;
        for (int s = 0; s < cum.length; s++) {
            boxW = Math.max(boxW, g.getFontMetrics().stringWidth(legend(panel.series().get(s), cum[s])));
        }
        g.setColor(new Color(255, 255, 255, 230));
        g.fillRect(left + 8, top + 4, boxW + 40, 16 * cum.length + 6);
        g.setColor(Color.GRAY);
        g.drawRect(left + 8, top + 4, boxW + 40, 16 * cum.length + 6);
        for (int s = 0; s < cum.length; s++) {
            g.setColor(colour(panel, s));
            g.setStroke(new BasicStroke(3f));
            g.drawLine(left + 14, ly - 4, left + 38, ly - 4);
            g.setColor(Color.BLACK);
            g.drawString(legend(panel.series().get(s), cum[s]), left + 44, ly);
            ly += 16;
        }
    }

    private static Color colour(Panel panel, int s) {
        int c = panel.series().get(s).colour();
        return PALETTE[(c >= 0 ? c : s) % PALETTE.length];
    }

    /** 250, 12.5k, 1.2M: short tick labels. */
    static String axisLabel(double v) {
        if (v >= 1e6) {
            return trim(String.format(Locale.ROOT, "%.2f", v / 1e6)) + "M";
        }
        if (v >= 1e4) {
            return trim(String.format(Locale.ROOT, "%.1f", v / 1e3)) + "k";
        }
        return trim(String.format(Locale.ROOT, "%.1f", v));
    }

    private static String trim(String s) {
        return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
    }

    private static String legend(Series s, double[] cum) {
        double total = cum.length == 0 ? 0 : cum[cum.length - 1];
        return s.label() + String.format(Locale.ROOT, "  (%.0f)", total);
    }

    /** 1, 2 or 5 times a power of ten, at least v. */
    static double niceCeil(double v) {
        if (!(v > 0)) {
            return 1;
        }
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * p >= v) {
                return m * p;
            }
        }
        return 10 * p;
    }
}
