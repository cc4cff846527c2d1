package dev.solvent.gen;

import dev.solvent.matrix.CsrMatrix;

/**
 * A generated linear system {@code A x = b}: what the generators return and what tests, the CLI
 * and the benchmarks consume.
 *
 * <p>The arrays are held as given, not copied (test problems run to millions of unknowns): treat
 * them as read-only, like the internal arrays of {@link CsrMatrix}. Being a record of arrays,
 * {@code equals} compares the arrays by identity.
 *
 * @param name          a short label saying what the problem is and its size, such as
 *                      {@code poisson3d-64x64x64}; a singular system whose right-hand side was
 *                      projected onto the range says so here
 * @param matrix        the square matrix A
 * @param rhs           the right-hand side b, length {@code matrix.rows()}
 * @param exactSolution the x with {@code A x = b} when the generator knows it (for example the
 *                      vector of ones when {@code b = A 1}), otherwise null
 * @param grid          the grid dimensions the unknowns come from ({@code {n}}, {@code {nx, ny}} or
 *                      {@code {nx, ny, nz}}), or null where the problem has no grid; for a
 *                      compressed numbering (fluid cells only) it is the grid of cells, not of
 *                      unknowns
 */
public record Problem(String name, CsrMatrix matrix, double[] rhs, double[] exactSolution, int[] grid) {

    public Problem {
        if (name == null || matrix == null || rhs == null) {
            throw new IllegalArgumentException("name, matrix and rhs must not be null");
        }
        if (!matrix.isSquare()) {
            throw new IllegalArgumentException("problem " + name + ": matrix is " + matrix.rows() + " x "
                    + matrix.cols() + ", not square");
        }
        if (rhs.length != matrix.rows()) {
            throw new IllegalArgumentException("problem " + name + ": rhs has length " + rhs.length
                    + " but the matrix has " + matrix.rows() + " rows");
        }
        if (exactSolution != null && exactSolution.length != matrix.cols()) {
            throw new IllegalArgumentException("problem " + name + ": exact solution has length "
                    + exactSolution.length + " but the matrix has " + matrix.cols() + " columns");
        }
    }

    /** Number of unknowns, {@code matrix().rows()}. */
    public int size() {
        return matrix.rows();
    }

    @Override
    public String toString() {
        return "Problem[" + name + ", " + matrix + (exactSolution != null ? ", exact solution known" : "") + "]";
    }
}
