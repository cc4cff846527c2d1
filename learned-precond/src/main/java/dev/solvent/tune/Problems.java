package dev.solvent.tune;

import dev.solvent.matrix.CsrMatrix;

/** The matrices of the paper's two experiments. */
public final class Problems {

    private Problems() {
    }

    /**
     * The unscaled 5-point Laplacian on an {@code m x m} interior grid with Dirichlet boundaries,
     * plus {@code c I}: row {@code i m + j} holds {@code 4 + c} on the diagonal and {@code -1} for each
     * of the (up to four) grid neighbours {@code (i +- 1, j), (i, j +- 1)} inside the grid.
     * Its eigenvalues are {@code c + 4 - 2 cos(pi a h) - 2 cos(pi b h)}, {@code h = 1/(m+1)}, so it
     * is SPD for {@code c > -8 sin^2(pi h / 2)} (about -0.1620 for m = 10).
     */
    public static CsrMatrix shiftedLaplacian(int m, double c) {
        if (m < 1) {
            throw new IllegalArgumentException("grid size must be positive, got " + m);
        }
        int n = m * m;
        var builder = CsrMatrix.builder(n, n).reserve(5 * n);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < m; j++) {
                int row = i * m + j;
                builder.add(row, row, 4.0 + c);
                if (i > 0) {
                    builder.add(row, row - m, -1.0);
                }
                if (i < m - 1) {
                    builder.add(row, row + m, -1.0);
                }
                if (j > 0) {
                    builder.add(row, row - 1, -1.0);
                }
                if (j < m - 1) {
                    builder.add(row, row + 1, -1.0);
                }
            }
        }
        return builder.build();
    }

    /**
     * Young's optimal SOR factor for {@link #shiftedLaplacian}: the matrix is consistently ordered,
     * so {@code omega* = 2 / (1 + sqrt(1 - beta^2))} with the Jacobi spectral radius
     * {@code beta = (2 cos(pi h) + 2 cos(pi h)) / (4 + c) = 4 cos(pi h) / (4 + c)}.
     */
    public static double youngOmega(int m, double c) {
        double beta = 4.0 * Math.cos(Math.PI / (m + 1)) / (4.0 + c);
        if (!(beta < 1.0)) {
            throw new IllegalArgumentException("Jacobi does not converge for c = " + c + " (beta = " + beta + ")");
        }
        return 2.0 / (1.0 + Math.sqrt(1.0 - beta * beta));
    }
}
