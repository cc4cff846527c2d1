package dev.solvent.gen;

import java.util.Arrays;
import java.util.Random;

/**
 * A box of {@code nx x ny x nz} unit cells, each {@link CellType#FLUID}, {@link CellType#SOLID} or
 * {@link CellType#AIR}, as the marker grid of a smoke or liquid simulation on a staggered (MAC)
 * grid, and the pressure-projection system it defines ({@link #pressureProblem}).
 *
 * <p>Cells are indexed {@code (i, j, k)} with z (k) pointing up, and numbered
 * {@code i + nx (j + ny k)}. Whatever lies outside the box counts as SOLID (a closed wall).
 *
 * <p>The grid is mutable ({@link #set}); the unknown numbering ({@link #unknownIndex()},
 * {@link #fluidCells()}) is that of the cell types at the time of the call, the same as a
 * {@link #pressureProblem} built at that time.
 */
public final class FluidGrid {

    /** Smallest box the factories build: walls plus an interior of at least 4 cells a side. */
    public static final int MIN_FACTORY_SIZE = 6;

    private final int nx;
    private final int ny;
    private final int nz;
    private final CellType[] cells;
    private String label = "fluid";

    /**
     * A grid of {@code nx x ny x nz} cells, all FLUID.
     *
     * @throws IllegalArgumentException if a dimension is not positive or there are more than
     *                                  2^31 - 1 cells
     */
    public FluidGrid(int nx, int ny, int nz) {
        int n = Generators.gridSize("FluidGrid", nx, ny, nz);
        this.nx = nx;
        this.ny = ny;
        this.nz = nz;
        this.cells = new CellType[n];
        Arrays.fill(cells, CellType.FLUID);
    }

    /**
     * The standard smoke box: an n x n x n grid whose border cells are SOLID walls, with a SOLID
     * sphere of radius n/6 off-centre near the bottom (centre at (0.42 n, 0.46 n, 0.3 n) in cell
     * units), and, when {@code openTop}, the top layer inside the side walls AIR (an open lid at
     * p = 0) instead of wall. Any fluid pocket cut off from the air (or, in a closed box, from the
     * largest fluid region) is filled with SOLID, so that an open box gives a positive definite
     * system and a closed one a single fluid region.
     *
     * @throws IllegalArgumentException if n is below {@value #MIN_FACTORY_SIZE} or n^3 exceeds 2^31 - 1
     */
    public static FluidGrid smokeBox(int n, boolean openTop) {
        FluidGrid g = walledBox("smokeBox", n, openTop);
        g.sphere(0.42 * n, 0.46 * n, 0.3 * n, n / 6.0);
        g.fillSealedPockets();
        g.label = "smokebox" + (openTop ? "-open" : "-closed");
        return g;
    }

    /**
     * A walled n x n x n box (open top as in {@link #smokeBox}) with three to five random SOLID
     * obstacles, spheres or boxes of a sixth to a third of the box, placed below the top sixth of
     * the interior so that air stays reachable. The same seed gives the same grid (it drives a
     * {@link java.util.Random}); different seeds give different domains, for training and
     * evaluating a learned preconditioner on distinct geometries. Sealed pockets are filled as in
     * {@link #smokeBox}.
     *
     * @throws IllegalArgumentException if n is below {@value #MIN_FACTORY_SIZE} or n^3 exceeds 2^31 - 1
     */
    public static FluidGrid withObstacles(int n, long seed, boolean openTop) {
        FluidGrid g = walledBox("withObstacles", n, openTop);
        Random rnd = new Random(seed);
        int count = 3 + rnd.nextInt(3);
        for (int o = 0; o < count; o++) {
            double cx = n * (0.2 + 0.6 * rnd.nextDouble());
            double cy = n * (0.2 + 0.6 * rnd.nextDouble());
            double cz = n * (0.15 + 0.55 * rnd.nextDouble());
            if (rnd.nextBoolean()) {
                g.sphere(cx, cy, cz, n * (1.0 / 12 + rnd.nextDouble() / 12));
            } else {
                double hx = n * (1.0 / 12 + rnd.nextDouble() / 12);
                double hy = n * (1.0 / 12 + rnd.nextDouble() / 12);
                double hz = n * (1.0 / 12 + rnd.nextDouble() / 12);
                g.box(cx - hx, cx + hx, cy - hy, cy + hy, cz - hz, cz + hz);
            }
        }
        g.fillSealedPockets();
        g.label = "obstacles-seed" + seed + (openTop ? "-open" : "-closed");
        return g;
    }

    private static FluidGrid walledBox(String what, int n, boolean openTop) {
        if (n < MIN_FACTORY_SIZE) {
            throw new IllegalArgumentException(what + ": n must be at least " + MIN_FACTORY_SIZE
                    + " (walls around an interior of 4 cells a side), got " + n);
        }
        FluidGrid g = new FluidGrid(n, n, n);
        for (int k = 0; k < n; k++) {
            for (int j = 0; j < n; j++) {
                for (int i = 0; i < n; i++) {
                    boolean side = i == 0 || i == n - 1 || j == 0 || j == n - 1;
                    if (side || k == 0) {
                        g.set(i, j, k, CellType.SOLID);
                    } else if (k == n - 1) {
                        g.set(i, j, k, openTop ? CellType.AIR : CellType.SOLID);
                    }
                }
            }
        }
        return g;
    }

    /** Marks SOLID the FLUID cells whose centre lies within radius r of (cx, cy, cz), in cell units. */
    private void sphere(double cx, double cy, double cz, double r) {
        for (int k = 0; k < nz; k++) {
            for (int j = 0; j < ny; j++) {
                for (int i = 0; i < nx; i++) {
                    double dx = i + 0.5 - cx;
                    double dy = j + 0.5 - cy;
                    double dz = k + 0.5 - cz;
                    if (dx * dx + dy * dy + dz * dz <= r * r && cells[index(i, j, k)] == CellType.FLUID) {
                        cells[index(i, j, k)] = CellType.SOLID;
                    }
                }
            }
        }
    }

    /** Marks SOLID the FLUID cells whose centre lies in the given box, in cell units. */
    private void box(double x0, double x1, double y0, double y1, double z0, double z1) {
        for (int k = 0; k < nz; k++) {
            for (int j = 0; j < ny; j++) {
                for (int i = 0; i < nx; i++) {
                    double x = i + 0.5;
                    double y = j + 0.5;
                    double z = k + 0.5;
                    if (x >= x0 && x <= x1 && y >= y0 && y <= y1 && z >= z0 && z <= z1
                            && cells[index(i, j, k)] == CellType.FLUID) {
                        cells[index(i, j, k)] = CellType.SOLID;
                    }
                }
            }
        }
    }

    /**
     * Fills with SOLID every fluid region that a simulation could not sensibly hold: where some
     * fluid region touches AIR, each region that does not (a pocket sealed by obstacles, whose
     * pressure would be defined only up to a constant); where none does (a closed box), every
     * region but the largest. Leaves one connected fluid region in the closed case, and in the
     * open case only regions whose pressure system is positive definite.
     */
    private void fillSealedPockets() {
        Components c = components();
        boolean anyAir = false;
        for (boolean t : c.touchesAir) {
            anyAir |= t;
        }
        int largest = 0;
        for (int r = 1; r < c.count; r++) {
            if (c.sizes[r] > c.sizes[largest]) {
                largest = r;
            }
        }
        for (int u = 0; u < c.cellOfUnknown.length; u++) {
            int r = c.regionOfUnknown[u];
            boolean keep = anyAir ? c.touchesAir[r] : r == largest;
            if (!keep) {
                cells[c.cellOfUnknown[u]] = CellType.SOLID;
            }
        }
    }

    public int nx() {
        return nx;
    }

    public int ny() {
        return ny;
    }

    public int nz() {
        return nz;
    }

    /** Number of cells, {@code nx ny nz}. */
    public int cellCount() {
        return cells.length;
    }

    /** The cell number {@code i + nx (j + ny k)}. */
    public int index(int i, int j, int k) {
        if (i < 0 || i >= nx || j < 0 || j >= ny || k < 0 || k >= nz) {
            throw new IndexOutOfBoundsException("cell (" + i + ", " + j + ", " + k + ") outside the "
                    + nx + " x " + ny + " x " + nz + " grid");
        }
        return i + nx * (j + ny * k);
    }

    /** The type of cell (i, j, k). */
    public CellType type(int i, int j, int k) {
        return cells[index(i, j, k)];
    }

    /** Sets the type of cell (i, j, k); returns this grid for chaining. */
    public FluidGrid set(int i, int j, int k, CellType type) {
        if (type == null) {
            throw new IllegalArgumentException("cell type must not be null");
        }
        cells[index(i, j, k)] = type;
        return this;
    }

    /** Number of cells of the given type. */
    public int count(CellType type) {
        int c = 0;
        for (CellType t : cells) {
            if (t == type) {
                c++;
            }
        }
        return c;
    }

    /** The label that starts problem names, such as {@code smokebox-open}; {@code fluid} for a grid built by hand. */
    public String label() {
        return label;
    }

    /**
     * Cell to unknown: for each cell number, its unknown in {@link #pressureProblem} (FLUID cells
     * numbered in increasing cell order), or -1 for SOLID and AIR cells. A fresh array each call.
     */
    public int[] unknownIndex() {
        int[] map = new int[cells.length];
        int u = 0;
        for (int c = 0; c < cells.length; c++) {
            map[c] = cells[c] == CellType.FLUID ? u++ : -1;
        }
        return map;
    }

    /** Unknown to cell: the cell number of each unknown of {@link #pressureProblem}. */
    public int[] fluidCells() {
        int[] cellOf = new int[count(CellType.FLUID)];
        int u = 0;
        for (int c = 0; c < cells.length; c++) {
            if (cells[c] == CellType.FLUID) {
                cellOf[u++] = c;
            }
        }
        return cellOf;
    }

    /**
     * The default right-hand-side source: the discrete divergence, per cell, of a smooth
     * rising-plume velocity field sampled on the faces of the staggered grid, as after the
     * advection and buoyancy steps of a smoke solver. In normalised coordinates
     * {@code X = x/nx, Y = y/ny, Z = z/nz}, with {@code g = exp(-((X-1/2)^2 + (Y-1/2)^2) / (2 * 0.15^2))}:
     *
     * <pre>
     *   w = g (1/2 + Z)                 (rises, accelerating upwards)
     *   u = -(X - 1/2) g (1 - Z) / 2    (drawn in towards the column near the bottom)
     *   v = -(Y - 1/2) g (1 - Z) / 2
     * </pre>
     *
     * Each component is sampled at the centre of its face ({@code u} on x faces, and so on); the
     * normal velocity on a face next to a SOLID cell (or the outside) is set to zero, the wall
     * condition. The divergence of a FLUID cell is the net outflow through its six faces, in grid
     * units (h = 1); it is 0 for SOLID and AIR cells. By the discrete divergence theorem its sum
     * over a fluid region is the net flow into the AIR cells bordering it, zero for a sealed region.
     */
    public double[] plumeDivergence() {
        double[] div = new double[cells.length];
        for (int k = 0; k < nz; k++) {
            for (int j = 0; j < ny; j++) {
                for (int i = 0; i < nx; i++) {
                    int c = i + nx * (j + ny * k);
                    if (cells[c] != CellType.FLUID) {
                        continue;
                    }
                    div[c] = faceVelocity(0, i + 1, j, k) - faceVelocity(0, i, j, k)
                            + faceVelocity(1, i, j + 1, k) - faceVelocity(1, i, j, k)
                            + faceVelocity(2, i, j, k + 1) - faceVelocity(2, i, j, k);
                }
            }
        }
        return div;
    }

    /**
     * The plume's normal velocity on the face of direction {@code dir} (0 x, 1 y, 2 z) with lower
     * corner at grid point (i, j, k): the face between cell (i,j,k) and its lower neighbour along
     * dir. Zero if either cell is SOLID or outside the grid.
     */
    private double faceVelocity(int dir, int i, int j, int k) {
        int ia = dir == 0 ? i - 1 : i;
        int ja = dir == 1 ? j - 1 : j;
        int ka = dir == 2 ? k - 1 : k;
        if (solidOrOutside(ia, ja, ka) || solidOrOutside(i, j, k)) {
            return 0.0;
        }
        double x = (dir == 0 ? i : i + 0.5) / nx;
        double y = (dir == 1 ? j : j + 0.5) / ny;
        double z = (dir == 2 ? k : k + 0.5) / nz;
        double sigma = 0.15;
        double g = Math.exp(-((x - 0.5) * (x - 0.5) + (y - 0.5) * (y - 0.5)) / (2 * sigma * sigma));
        switch (dir) {
            case 0:
                return -(x - 0.5) * g * (1.0 - z) / 2.0;
            case 1:
                return -(y - 0.5) * g * (1.0 - z) / 2.0;
            default:
                return g * (0.5 + z);
        }
    }

    private boolean solidOrOutside(int i, int j, int k) {
        if (i < 0 || i >= nx || j < 0 || j >= ny || k < 0 || k >= nz) {
            return true;
        }
        return cells[i + nx * (j + ny * k)] == CellType.SOLID;
    }

    /**
     * The pressure Poisson system of the projection step, one unknown per FLUID cell (numbered as
     * {@link #unknownIndex()}). In grid units ({@code h = 1}, {@code dt / rho = 1}; other units
     * only scale p), requiring the corrected face velocities {@code u - grad p} to have zero net
     * outflow from each fluid cell P gives
     *
     * <pre>
     *   (number of non-SOLID neighbours of P) p_P - sum over FLUID neighbours N of p_N = -div(u)_P
     * </pre>
     *
     * A FLUID or AIR neighbour adds 1 to the diagonal (AIR is a Dirichlet neighbour at p = 0, so it
     * has no off-diagonal entry); a SOLID neighbour or the outside adds nothing (zero normal
     * velocity: a Neumann condition). Rows are in increasing cell order and each row's columns are
     * the -z, -y, -x, centre, +x, +y, +z neighbours.
     *
     * <p>The matrix is symmetric, and positive definite when every connected fluid region touches
     * AIR. A region that touches none (a closed box) adds the constant on that region to the null
     * space. Then the system is solvable only if the rhs sums to zero over that region, so the rhs is
     * projected onto the range by subtracting its mean over each such region; the problem name then
     * ends in {@code -singular-projected}. CG started from zero stays in the range and converges on
     * the projected system. An isolated fluid cell with only SOLID neighbours is such a region, with
     * an all-zero row (diagonal 0, stored) and rhs 0.
     *
     * @param divergence the velocity divergence per cell (length {@link #cellCount()}, indexed by
     *                   cell number; entries of SOLID and AIR cells are ignored), or null for
     *                   {@link #plumeDivergence()}. The rhs is its negative on the fluid cells.
     * @return the system, with {@code grid = {nx, ny, nz}} (the cells, not the unknowns) and no
     *         known exact solution
     * @throws IllegalArgumentException if divergence has the wrong length or a non-finite entry at a
     *                                  fluid cell
     * @throws IllegalStateException    if the grid has no FLUID cell
     */
    public Problem pressureProblem(double[] divergence) {
        if (divergence != null && divergence.length != cells.length) {
            throw new IllegalArgumentException("divergence has length " + divergence.length + " but the grid has "
                    + cells.length + " cells (" + nx + " x " + ny + " x " + nz + ")");
        }
        double[] div = divergence != null ? divergence : plumeDivergence();
        Components comp = components();
        int[] unknownOf = comp.unknownOfCell;
        int m = comp.cellOfUnknown.length;
        if (m == 0) {
            throw new IllegalStateException("the grid " + label + " has no FLUID cell: there is no pressure to solve for");
        }
        int sy = nx;
        int sz = nx * ny;
        RowAssembler a = new RowAssembler("pressure system of " + label, m, m, 7L * m);
        double[] rhs = new double[m];
        for (int u = 0; u < m; u++) {
            int c = comp.cellOfUnknown[u];
            int i = c % nx;
            int j = (c / nx) % ny;
            int k = c / sz;
            if (!Double.isFinite(div[c])) {
                throw new IllegalArgumentException("divergence is " + div[c] + " at fluid cell (" + i + ", " + j + ", " + k + ")");
            }
            rhs[u] = -div[c];
            int diag = 0;
            // Neighbour cell numbers in increasing order, -1 where outside the grid.
            int[] nb = {
                k > 0 ? c - sz : -1, j > 0 ? c - sy : -1, i > 0 ? c - 1 : -1,
                i < nx - 1 ? c + 1 : -1, j < ny - 1 ? c + sy : -1, k < nz - 1 ? c + sz : -1};
            for (int d : nb) {
                if (d >= 0 && cells[d] != CellType.SOLID) {
                    diag++;
                }
            }
            for (int t = 0; t < 6; t++) {
                if (t == 3) {
                    a.add(u, diag);
                }
                int d = nb[t];
                if (d >= 0 && cells[d] == CellType.FLUID) {
                    a.add(unknownOf[d], -1.0);
                }
            }
            a.endRow();
        }

        boolean singular = false;
        double[] sum = new double[comp.count];
        for (int u = 0; u < m; u++) {
            sum[comp.regionOfUnknown[u]] += rhs[u];
        }
        for (int r = 0; r < comp.count; r++) {
            singular |= !comp.touchesAir[r];
        }
        if (singular) {
            for (int u = 0; u < m; u++) {
                int r = comp.regionOfUnknown[u];
                if (!comp.touchesAir[r]) {
                    rhs[u] -= sum[r] / comp.sizes[r];
                }
            }
        }
        String name = label + "-pressure-" + nx + "x" + ny + "x" + nz + (singular ? "-singular-projected" : "");
        return new Problem(name, a.build(), rhs, null, new int[] {nx, ny, nz});
    }

    /** Connected fluid regions (6-neighbour connectivity) and whether each touches AIR. */
    private static final class Components {
        int[] unknownOfCell;
        int[] cellOfUnknown;
        int[] regionOfUnknown;
        int[] sizes;
        boolean[] touchesAir;
        int count;
    }

    /** Breadth-first search over the fluid cells, with an explicit queue (no recursion depth). */
    private Components components() {
        Components c = new Components();
        c.unknownOfCell = unknownIndex();
        c.cellOfUnknown = fluidCells();
        int m = c.cellOfUnknown.length;
        c.regionOfUnknown = new int[m];
        Arrays.fill(c.regionOfUnknown, -1);
        int[] queue = new int[m];
        int[] sizes = new int[Math.max(1, m)];
        boolean[] air = new boolean[Math.max(1, m)];
        int sz = nx * ny;
        for (int seed = 0; seed < m; seed++) {
            if (c.regionOfUnknown[seed] >= 0) {
                continue;
            }
            int r = c.count++;
            int head = 0;
            int tail = 0;
            queue[tail++] = seed;
            c.regionOfUnknown[seed] = r;
            while (head < tail) {
                int u = queue[head++];
                int cell = c.cellOfUnknown[u];
                int i = cell % nx;
                int j = (cell / nx) % ny;
                int k = cell / sz;
                int[] nb = {
                    i > 0 ? cell - 1 : -1, i < nx - 1 ? cell + 1 : -1, j > 0 ? cell - nx : -1,
                    j < ny - 1 ? cell + nx : -1, k > 0 ? cell - sz : -1, k < nz - 1 ? cell + sz : -1};
                for (int d : nb) {
                    if (d < 0) {
                        continue;
                    }
                    if (cells[d] == CellType.AIR) {
                        air[r] = true;
                    } else if (cells[d] == CellType.FLUID) {
                        int v = c.unknownOfCell[d];
                        if (c.regionOfUnknown[v] < 0) {
                            c.regionOfUnknown[v] = r;
                            queue[tail++] = v;
                        }
                    }
                }
            }
            sizes[r] = tail;
        }
        c.sizes = Arrays.copyOf(sizes, c.count);
        c.touchesAir = Arrays.copyOf(air, c.count);
        return c;
    }

    @Override
    public String toString() {
        return "FluidGrid[" + label + ", " + nx + " x " + ny + " x " + nz + ", " + count(CellType.FLUID) + " fluid, "
                + count(CellType.SOLID) + " solid, " + count(CellType.AIR) + " air]";
    }
}
