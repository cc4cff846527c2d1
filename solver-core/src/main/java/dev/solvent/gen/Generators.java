package dev.solvent.gen;

import dev.solvent.matrix.CsrMatrix;
import java.util.Arrays;
import java.util.function.DoubleBinaryOperator;

/**
 * Test problems: the model Poisson matrices, variable-coefficient and anisotropic diffusion, and
 * the pressure system of an incompressible-flow solver ({@link FluidGrid}).
 *
 * <p>Grid unknowns are numbered with x fastest: cell {@code (i, j, k)} of an {@code nx x ny x nz}
 * grid is unknown {@code i + nx (j + ny k)}, the order of
 * {@link dev.solvent.matrix.Stencil7Operator}. Every matrix is symmetric (exactly, bit for bit) and
 * every generator rejects an empty grid, a grid of more than {@code 2^31 - 1} unknowns and a matrix
 * with more nonzeros than a Java array holds, naming the cause.
 */
public final class Generators {

    private Generators() {
    }

    // ---------------------------------------------------------------------------------------------
    // Constant-coefficient Poisson

    /**
     * The 1D Dirichlet Laplacian {@code tridiag(-1, 2, -1)} of order n (the second difference
     * {@code -u[i-1] + 2 u[i] - u[i+1]} with {@code u[-1] = u[n] = 0}, unscaled by h^2), with
     * {@code b = A 1} and exact solution 1.
     */
    public static Problem poisson1d(int n) {
        int size = gridSize("poisson1d", n);
        return withOnes("poisson1d-" + n, stencil("poisson1d", n, 1, 1, 2.0, -1.0, 0.0, 0.0), new int[] {n}, size);
    }

    /** {@link #poisson2d(int, int)} on an n x n grid. */
    public static Problem poisson2d(int n) {
        return poisson2d(n, n);
    }

    /**
     * The 2D 5-point Dirichlet Laplacian on an {@code nx x ny} grid, unscaled by h^2:
     *
     * <pre>
     *   (A u)[i,j] = 4 u[i,j] - u[i-1,j] - u[i+1,j] - u[i,j-1] - u[i,j+1]
     * </pre>
     *
     * with u = 0 outside the grid, so every row has 4 on the diagonal whatever its number of
     * neighbours. {@code b = A 1} (the number of boundary sides of each cell), exact solution 1.
     */
    public static Problem poisson2d(int nx, int ny) {
        int size = gridSize("poisson2d", nx, ny);
        return withOnes("poisson2d-" + nx + "x" + ny, stencil("poisson2d", nx, ny, 1, 4.0, -1.0, -1.0, 0.0),
                new int[] {nx, ny}, size);
    }

    /** {@link #poisson3d(int, int, int)} on an n x n x n grid. */
    public static Problem poisson3d(int n) {
        return poisson3d(n, n, n);
    }

    /**
     * The 3D 7-point Dirichlet Laplacian on an {@code nx x ny x nz} grid, unscaled by h^2:
     *
     * <pre>
     *   (A u)[i,j,k] = 6 u[i,j,k] - u[i-1,j,k] - u[i+1,j,k] - u[i,j-1,k] - u[i,j+1,k]
     *                             - u[i,j,k-1] - u[i,j,k+1]
     * </pre>
     *
     * with u = 0 outside the grid. Equal entry for entry to
     * {@code Stencil7Operator.poisson(nx, ny, nz).toCsr()}. {@code b = A 1}, exact solution 1.
     */
    public static Problem poisson3d(int nx, int ny, int nz) {
        int size = gridSize("poisson3d", nx, ny, nz);
        return withOnes("poisson3d-" + nx + "x" + ny + "x" + nz,
                stencil("poisson3d", nx, ny, nz, 6.0, -1.0, -1.0, -1.0), new int[] {nx, ny, nz}, size);
    }

    // ---------------------------------------------------------------------------------------------
    // Anisotropic

    /**
     * Anisotropic 2D diffusion {@code -u_xx - epsY u_yy} on an {@code nx x ny} grid with the
     * 5-point stencil, unscaled, Dirichlet u = 0 outside:
     *
     * <pre>
     *   (A u)[i,j] = (2 + 2 epsY) u[i,j] - (u[i-1,j] + u[i+1,j]) - epsY (u[i,j-1] + u[i,j+1])
     * </pre>
     *
     * Small epsY gives strong coupling along x only, the case where point smoothers and IC(0)
     * degrade. {@code b = A 1}, exact solution 1.
     *
     * @throws IllegalArgumentException unless epsY is finite and positive
     */
    public static Problem anisotropic2d(int nx, int ny, double epsY) {
        int size = gridSize("anisotropic2d", nx, ny);
        positive("anisotropic2d", "epsY", epsY);
        return withOnes("anisotropic2d-" + nx + "x" + ny + "-epsY" + epsY,
                stencil("anisotropic2d", nx, ny, 1, 2.0 + 2.0 * epsY, -1.0, -epsY, 0.0), new int[] {nx, ny}, size);
    }

    /**
     * Anisotropic 3D diffusion {@code -(ex u_xx + ey u_yy + ez u_zz)} with the 7-point stencil,
     * unscaled, Dirichlet u = 0 outside:
     *
     * <pre>
     *   (A u)[i,j,k] = 2 (ex + ey + ez) u[i,j,k] - ex (u[i-1,j,k] + u[i+1,j,k])
     *                  - ey (u[i,j-1,k] + u[i,j+1,k]) - ez (u[i,j,k-1] + u[i,j,k+1])
     * </pre>
     *
     * {@code anisotropic3d(nx, ny, nz, 1, 1, 1)} is {@link #poisson3d(int, int, int)}.
     * {@code b = A 1}, exact solution 1.
     *
     * @throws IllegalArgumentException unless ex, ey and ez are finite and positive
     */
    public static Problem anisotropic3d(int nx, int ny, int nz, double ex, double ey, double ez) {
        int size = gridSize("anisotropic3d", nx, ny, nz);
        positive("anisotropic3d", "ex", ex);
        positive("anisotropic3d", "ey", ey);
        positive("anisotropic3d", "ez", ez);
        return withOnes("anisotropic3d-" + nx + "x" + ny + "x" + nz + "-e" + ex + "," + ey + "," + ez,
                stencil("anisotropic3d", nx, ny, nz, 2.0 * (ex + ey + ez), -ex, -ey, -ez),
                new int[] {nx, ny, nz}, size);
    }

    // ---------------------------------------------------------------------------------------------
    // Variable coefficient (cell-centred finite volumes)

    /**
     * {@code -div(k grad u) = 1} on the unit square, u = 0 on the boundary, discretised by
     * cell-centred finite volumes on an {@code nx x ny} grid of cells of size
     * {@code hx = 1/nx, hy = 1/ny} (k sampled at the cell centres {@code ((i+1/2) hx, (j+1/2) hy)}).
     *
     * <p>Integrating over a cell and approximating each face flux by a two-point difference gives
     *
     * <pre>
     *   sum over faces f of T_f (u_P - u_N(f)) = f_P |cell| = hx hy
     * </pre>
     *
     * with, for an x face between cells P and N, {@code T = kf hy / hx} where
     * {@code kf = 2 kP kN / (kP + kN)} is the harmonic mean (the exact flux of a 1D layered medium,
     * which keeps the flux continuous across a jump in k); y faces likewise with {@code hx / hy}.
     * A face on the domain boundary is half a cell from the wall where u = 0, so it takes the cell's
     * own k over the distance h/2: {@code T = 2 kP hy / hx} (x) or {@code 2 kP hx / hy} (y), added
     * to the diagonal only. The matrix is symmetric positive definite.
     *
     * <p>Relation to {@link #poisson2d}: for k = 1 on square cells (nx = ny) every interior T is 1,
     * so A is the 5-point Poisson matrix plus 1 on the diagonal for each boundary side of a cell
     * (the half-cell Dirichlet distance). The right-hand side is 1 times the cell area; the exact
     * solution of the discrete system is not known (null).
     *
     * @throws IllegalArgumentException if k is not finite and positive at some cell centre (the
     *                                  message names the point)
     */
    public static Problem variableCoefficient2d(int nx, int ny, DoubleBinaryOperator k) {
        gridSize("variableCoefficient2d", nx, ny);
        if (k == null) {
            throw new IllegalArgumentException("variableCoefficient2d: coefficient k must not be null");
        }
        return finiteVolume("variableCoefficient2d-" + nx + "x" + ny, nx, ny, 1, false,
                (x, y, z) -> k.applyAsDouble(x, y));
    }

    /**
     * {@code -div(k grad u) = 1} on the unit cube, u = 0 on the boundary, by cell-centred finite
     * volumes on an {@code nx x ny x nz} grid of cells {@code hx x hy x hz} (h = 1/n per direction),
     * k sampled at the cell centres. As in {@link #variableCoefficient2d}:
     *
     * <pre>
     *   sum over faces f of T_f (u_P - u_N(f)) = hx hy hz
     *   x face between P and N:  T = (2 kP kN / (kP + kN)) hy hz / hx   (harmonic mean of k)
     *   x face on the boundary:  T = 2 kP hy hz / hx                     (u = 0 at h/2)
     * </pre>
     *
     * and the same for y and z with the roles of the spacings exchanged.
     *
     * <p>Relation to {@link #poisson3d}: for k = 1 on cubic cells (nx = ny = nz = n, h = 1/n) every
     * interior T is h, so A = h (P + B) with P the 7-point Poisson matrix and B the diagonal matrix
     * counting the boundary faces of each cell. The right-hand side is 1 times the cell volume; the
     * exact solution is not known (null).
     *
     * @throws IllegalArgumentException if k is not finite and positive at some cell centre (the
     *                                  message names the point)
     */
    public static Problem variableCoefficient3d(int nx, int ny, int nz, Coefficient3 k) {
        gridSize("variableCoefficient3d", nx, ny, nz);
        if (k == null) {
            throw new IllegalArgumentException("variableCoefficient3d: coefficient k must not be null");
        }
        return finiteVolume("variableCoefficient3d-" + nx + "x" + ny + "x" + nz, nx, ny, nz, true, k);
    }

    /**
     * {@link #variableCoefficient3d} on an n x n x n grid with a jumping coefficient: k = contrast
     * inside the centred cube {@code [1/4, 3/4]^3} (half the width of the domain), k = 1 outside.
     * Large contrasts (10^3 to 10^6) are the classic hard case for simple preconditioners.
     *
     * @throws IllegalArgumentException unless contrast is finite and positive
     */
    public static Problem jumpingCoefficient3d(int n, double contrast) {
        gridSize("jumpingCoefficient3d", n, n, n);
        positive("jumpingCoefficient3d", "contrast", contrast);
        return finiteVolume("jumpingCoefficient3d-" + n + "-contrast" + contrast, n, n, n, true,
                (x, y, z) -> Math.abs(x - 0.5) <= 0.25 && Math.abs(y - 0.5) <= 0.25 && Math.abs(z - 0.5) <= 0.25
                        ? contrast : 1.0);
    }

    // ---------------------------------------------------------------------------------------------
    // Fluid pressure

    /**
     * The pressure-projection system of a smoke simulation in an n x n x n box open at the top:
     * {@code FluidGrid.smokeBox(n, true).pressureProblem(null)} (walls, a spherical obstacle, air
     * above, rising-plume right-hand side). Symmetric positive definite.
     */
    public static Problem fluid3d(int n) {
        return FluidGrid.smokeBox(n, true).pressureProblem(null);
    }

    // ---------------------------------------------------------------------------------------------
    // Internals

    /**
     * Assembles the constant 7-point stencil {@code c u[p] + wx (x neighbours) + wy (y neighbours)
     * + wz (z neighbours)}, neighbours outside the grid dropped (Dirichlet). Built row by row in
     * column order (-z, -y, -x, centre, +x, +y, +z are increasing indices). A direction of extent 1
     * has no neighbours, so its weight is never stored.
     */
    private static CsrMatrix stencil(String what, int nx, int ny, int nz, double c, double wx, double wy, double wz) {
        int n = nx * ny * nz;
        int sy = nx;
        int sz = nx * ny;
        // Each neighbour pair along a direction stores two entries.
        long nnz = (long) n + 2L * ((long) (nx - 1) * ny * nz + (long) nx * (ny - 1) * nz + (long) nx * ny * (nz - 1));
        RowAssembler a = new RowAssembler(what, n, n, nnz);
        for (int k = 0; k < nz; k++) {
            for (int j = 0; j < ny; j++) {
                for (int i = 0; i < nx; i++) {
                    int p = i + sy * j + sz * k;
                    if (k > 0) {
                        a.add(p - sz, wz);
                    }
                    if (j > 0) {
                        a.add(p - sy, wy);
                    }
                    if (i > 0) {
                        a.add(p - 1, wx);
                    }
                    a.add(p, c);
                    if (i < nx - 1) {
                        a.add(p + 1, wx);
                    }
                    if (j < ny - 1) {
                        a.add(p + sy, wy);
                    }
                    if (k < nz - 1) {
                        a.add(p + sz, wz);
                    }
                    a.endRow();
                }
            }
        }
        return a.build();
    }

    /** The finite-volume assembly behind both variable-coefficient generators (see their Javadoc). */
    private static Problem finiteVolume(String name, int nx, int ny, int nz, boolean threeD, Coefficient3 kf) {
        int n = nx * ny * nz;
        double hx = 1.0 / nx;
        double hy = 1.0 / ny;
        double hz = 1.0 / nz;
        // Face area over centre distance, per direction; in 2D the "areas" are lengths.
        double gx = threeD ? hy * hz / hx : hy / hx;
        double gy = threeD ? hx * hz / hy : hx / hy;
        double gz = threeD ? hx * hy / hz : 0.0;
        double volume = threeD ? hx * hy * hz : hx * hy;

        double[] kc = new double[n];
        for (int k = 0; k < nz; k++) {
            for (int j = 0; j < ny; j++) {
                for (int i = 0; i < nx; i++) {
                    double x = (i + 0.5) * hx;
                    double y = (j + 0.5) * hy;
                    double z = (k + 0.5) * hz;
                    double v = kf.at(x, y, z);
                    if (!(v > 0.0) || !Double.isFinite(v)) {
                        String where = threeD ? "k(" + x + ", " + y + ", " + z + ") = " + v + " at cell (" + i + ", " + j + ", " + k + ")"
                                : "k(" + x + ", " + y + ") = " + v + " at cell (" + i + ", " + j + ")";
                        throw new IllegalArgumentException(name + ": the coefficient must be finite and > 0, but " + where);
                    }
                    kc[i + nx * (j + ny * k)] = v;
                }
            }
        }

        int sy = nx;
        int sz = nx * ny;
        long nnz = (long) n + 2L * ((long) (nx - 1) * ny * nz + (long) nx * (ny - 1) * nz + (long) nx * ny * (nz - 1));
        RowAssembler a = new RowAssembler(name, n, n, nnz);
        for (int k = 0; k < nz; k++) {
            for (int j = 0; j < ny; j++) {
                for (int i = 0; i < nx; i++) {
                    int p = i + sy * j + sz * k;
                    double kp = kc[p];
                    double diag = 0.0;
                    // Boundary faces: half-cell distance to the wall, the cell's own k.
                    int boundaryX = (i == 0 ? 1 : 0) + (i == nx - 1 ? 1 : 0);
                    int boundaryY = (j == 0 ? 1 : 0) + (j == ny - 1 ? 1 : 0);
                    int boundaryZ = threeD ? (k == 0 ? 1 : 0) + (k == nz - 1 ? 1 : 0) : 0;
                    diag += 2.0 * kp * (boundaryX * gx + boundaryY * gy + boundaryZ * gz);
                    // Interior faces in increasing column order; the diagonal goes in at its place
                    // once all six faces are known, so it is computed before the row is written.
                    double tzm = k > 0 ? harmonic(kp, kc[p - sz]) * gz : 0.0;
                    double tym = j > 0 ? harmonic(kp, kc[p - sy]) * gy : 0.0;
                    double txm = i > 0 ? harmonic(kp, kc[p - 1]) * gx : 0.0;
                    double txp = i < nx - 1 ? harmonic(kp, kc[p + 1]) * gx : 0.0;
                    double typ = j < ny - 1 ? harmonic(kp, kc[p + sy]) * gy : 0.0;
                    double tzp = k < nz - 1 ? harmonic(kp, kc[p + sz]) * gz : 0.0;
                    diag += tzm + tym + txm + txp + typ + tzp;
                    if (k > 0) {
                        a.add(p - sz, -tzm);
                    }
                    if (j > 0) {
                        a.add(p - sy, -tym);
                    }
                    if (i > 0) {
                        a.add(p - 1, -txm);
                    }
                    a.add(p, diag);
                    if (i < nx - 1) {
                        a.add(p + 1, -txp);
                    }
                    if (j < ny - 1) {
                        a.add(p + sy, -typ);
                    }
                    if (k < nz - 1) {
                        a.add(p + sz, -tzp);
                    }
                    a.endRow();
                }
            }
        }
        double[] rhs = new double[n];
        Arrays.fill(rhs, volume);
        return new Problem(name, a.build(), rhs, null, threeD ? new int[] {nx, ny, nz} : new int[] {nx, ny});
    }

    /**
     * Harmonic mean {@code 2ab/(a+b)}, written as {@code 2 (a b) / (a + b)} so that it is the same
     * double whichever cell of the face asks: a*b and a+b commute exactly in IEEE arithmetic, which
     * keeps the matrix exactly symmetric.
     */
    static double harmonic(double a, double b) {
        return 2.0 * (a * b) / (a + b);
    }

    /** Problem with b = A 1 and exact solution 1. */
    private static Problem withOnes(String name, CsrMatrix a, int[] grid, int n) {
        double[] ones = new double[n];
        Arrays.fill(ones, 1.0);
        double[] b = new double[n];
        a.apply(ones, b);
        return new Problem(name, a, b, ones, grid);
    }

    /**
     * Checks grid dimensions and returns the number of cells.
     *
     * @throws IllegalArgumentException if a dimension is not positive or the product exceeds 2^31 - 1
     */
    static int gridSize(String what, int... dims) {
        long n = 1;
        for (int d : dims) {
            if (d <= 0) {
                throw new IllegalArgumentException(what + ": grid dimensions must be positive, got " + dimsText(dims));
            }
            n *= d;
            if (n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(what + ": grid " + dimsText(dims)
                        + " has more than 2^31 - 1 unknowns");
            }
        }
        return (int) n;
    }

    private static String dimsText(int... dims) {
        StringBuilder s = new StringBuilder();
        for (int d = 0; d < dims.length; d++) {
            s.append(d == 0 ? "" : " x ").append(dims[d]);
        }
        return s.toString();
    }

    private static void positive(String what, String param, double v) {
        if (!(v > 0.0) || !Double.isFinite(v)) {
            throw new IllegalArgumentException(what + ": " + param + " must be finite and > 0, got " + v);
        }
    }
}
