package dev.solvent.examples.smoke;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Pictures of the smoke: in 3D the density integrated along y (the view from the front, z up), in
 * 2D the density itself (y up), as white smoke over a dark box, with the obstacle, the walls and the
 * open top drawn in their own colours. The opacity of a pixel is {@code 1 - exp(-kappa s)} with s the
 * density summed along the line of sight ({@code kappa = 10 / n}, so a plume a tenth of the box wide
 * at density 1 is about 63% opaque) or, in 2D, {@code 1 - exp(-2 rho)}. The smoke is sampled
 * bilinearly at the picture's resolution; the geometry is drawn per cell.
 *
 * <p>Images are indexed (256 colours: 4 backgrounds x 64 opacity levels), so PNG frames and GIF
 * frames are small and the GIF needs no colour quantisation.
 */
public final class Renderer {

    static final int LEVELS = 64;
    private static final int[][] BASES = {
        {14, 18, 34},    // fluid: dark blue
        {196, 120, 52},  // obstacle: orange
        {88, 92, 100},   // wall: grey
        {34, 44, 70},    // air above the open top
    };
    private static final int[] SMOKE = {240, 242, 250};
    static final IndexColorModel PALETTE = palette();

    private final int scale;

    /** @param scale pixels per cell (at least 1) */
    public Renderer(int scale) {
        if (scale < 1) {
            throw new IllegalArgumentException("scale must be at least 1, got " + scale);
        }
        this.scale = scale;
    }

    private static IndexColorModel palette() {
        byte[] r = new byte[256];
        byte[] g = new byte[256];
        byte[] b = new byte[256];
        for (int base = 0; base < BASES.length; base++) {
            for (int l = 0; l < LEVELS; l++) {
                double a = l / (LEVELS - 1.0);
                int idx = base * LEVELS + l;
                r[idx] = (byte) Math.round(BASES[base][0] * (1 - a) + SMOKE[0] * a);
                g[idx] = (byte) Math.round(BASES[base][1] * (1 - a) + SMOKE[1] * a);
                b[idx] = (byte) Math.round(BASES[base][2] * (1 - a) + SMOKE[2] * a);
            }
        }
        return new IndexColorModel(8, 256, r, g, b);
    }

    /**
     * The picture of the grid now: width {@code nx * scale}, height {@code nz * scale} in 3D
     * ({@code ny * scale} in 2D), up at the top.
     */
    public BufferedImage render(MacGrid grid) {
        int nx = grid.nx();
        int ny = grid.ny();
        int nz = grid.nz();
        boolean threeD = grid.dims() == 3;
        int rows = threeD ? nz : ny;
        double[] opacity = new double[nx * rows];
        int[] base = new int[nx * rows];
        double[] rho = grid.density();
        double kappa = 10.0 / nx;
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < nx; i++) {
                double sum = 0.0;
                int kind = 0;
                if (threeD) {
                    boolean solid = false;
                    boolean air = false;
                    boolean wallColumn = true;
                    for (int j = 0; j < ny; j++) {
                        int c = grid.cell(i, j, r);
                        sum += rho[c];
                        byte t = grid.type(c);
                        boolean inner = j > 0 && j < ny - 1;
                        solid |= inner && t == MacGrid.SOLID;
                        air |= t == MacGrid.AIR;
                        wallColumn &= !inner || t == MacGrid.SOLID;
                    }
                    boolean wall = wallColumn && (i == 0 || i == nx - 1 || r == 0 || r == nz - 1);
                    kind = air ? 3 : wall ? 2 : solid ? 1 : 0;
                    opacity[i + nx * r] = 1 - Math.exp(-kappa * sum);
                } else {
                    int c = grid.cell(i, r, 0);
                    byte t = grid.type(c);
                    boolean wall = i == 0 || i == nx - 1 || r == 0 || r == ny - 1;
                    kind = t == MacGrid.AIR ? 3 : t == MacGrid.SOLID ? (wall ? 2 : 1) : 0;
                    opacity[i + nx * r] = 1 - Math.exp(-2 * rho[c]);
                }
                base[i + nx * r] = kind;
            }
        }
        int width = nx * scale;
        int height = rows * scale;
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_INDEXED, PALETTE);
        WritableRaster raster = img.getRaster();
        int[] line = new int[width];
        for (int py = 0; py < height; py++) {
            double fy = (height - 1 - py + 0.5) / scale - 0.5; // row coordinate, up at the top
            int r = Math.min(rows - 1, (height - 1 - py) / scale);
            for (int px = 0; px < width; px++) {
                double fx = (px + 0.5) / scale - 0.5;
                int i = Math.min(nx - 1, px / scale);
                int kind = base[i + nx * r];
                double a = kind == 2 ? 0.0 : bilinear(opacity, nx, rows, fx, fy);
                int level = (int) Math.round(Math.max(0, Math.min(1, a)) * (LEVELS - 1));
                line[px] = kind * LEVELS + level;
            }
            raster.setPixels(0, py, width, 1, line);
        }
        return img;
    }

    private static double bilinear(double[] f, int sx, int sy, double x, double y) {
        return MacGrid.sample(f, sx, sy, 1, x, y, 0);
    }

    /** Writes a PNG. */
    public static void writePng(BufferedImage img, Path file) throws IOException {
        if (!ImageIO.write(img, "png", file.toFile())) {
            throw new IOException("no PNG writer available for " + file);
        }
    }
}
