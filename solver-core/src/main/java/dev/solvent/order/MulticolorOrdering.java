package dev.solvent.order;

import dev.solvent.backend.SweepDirection;
import dev.solvent.matrix.CsrMatrix;
import java.util.Arrays;

/**
 * A colouring of a matrix's rows such that no two rows of one colour are coupled
 * ({@code a_ij = a_ji = 0} for {@code i != j} of the same colour), with the rows listed colour by
 * colour. It is what lets SOR, Gauss-Seidel and SSOR run in parallel on any matrix: a sweep visits
 * the colours in order, and the rows of one colour, which never read each other, are updated in
 * parallel (on the CPU backend's worker threads, or on a GPU).
 *
 * <p>This class is also the pure-Java REFERENCE of every backend's multicolour relaxation
 * ({@link Ordering#MULTICOLOUR}): {@link #sorSweep} and {@link #ssorApplyDot} run the same
 * colour-ordered recurrences row after row, and the reference backend uses them. Because rows of a
 * colour are independent, the parallel kernels must agree with them up to rounding.
 *
 * <p><b>This is not lexicographic SOR.</b> A colour-ordered sweep equals a lexicographic sweep on
 * the symmetrically permuted matrix {@code P A P^T} (rows renumbered in {@link #order()}), so it
 * produces different iterates from the natural row-0-to-n-1 sweep, and SSOR preconditioning
 * with it gives different CG iteration counts (for Poisson, red-black SSOR is known to be a weaker
 * preconditioner than lexicographic SSOR). For the 5- and 7-point Poisson matrices both orderings
 * are consistently ordered, so the asymptotic Gauss-Seidel and SOR rates agree; for general
 * matrices with more colours even that need not hold.
 *
 * <p>Colourings: {@link #greedy} for any matrix (each row, in index order, takes the smallest
 * colour not used by an already coloured neighbour in the symmetrised pattern {@code A + A^T});
 * {@link #redBlack} for structured grids, colour {@code (i + j + k) mod 2}, which greedy also
 * finds for 5- and 7-point stencils in natural numbering.
 */
public final class MulticolorOrdering implements RowSchedule {

    private final int[] colourOf;
    private final int[] order;
    private final int[] colourPtr;

    private MulticolorOrdering(int[] colourOf, int colours) {
        this.colourOf = colourOf;
        int[][] listed = RowSchedule.listByGroup(colourOf, colours);
        this.order = listed[0];
        this.colourPtr = listed[1];
    }

    /**
     * Greedy colouring in row order over the symmetrised pattern (stored entries count as
     * couplings, explicit zeros included; the diagonal does not).
     *
     * @throws IllegalArgumentException if the matrix is not square
     */
    public static MulticolorOrdering greedy(CsrMatrix a) {
        if (!a.isSquare()) {
            throw new IllegalArgumentException("colouring needs a square matrix, got " + a.rows() + " x " + a.cols());
        }
        int n = a.rows();
        CsrMatrix t = a.isStructurallySymmetric() ? a : a.transpose();
        int[][] patterns = t == a ? new int[][] {a.rowPtr(), a.colIdx()} : new int[][] {a.rowPtr(), a.colIdx(), t.rowPtr(), t.colIdx()};
        int[] colour = new int[n];
        Arrays.fill(colour, -1);
        // usedBy[c] == i marks colour c as taken by a neighbour of row i (no clearing between rows).
        int[] usedBy = new int[16];
        Arrays.fill(usedBy, -1);
        int colours = 0;
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < patterns.length; p += 2) {
                int[] rp = patterns[p];
                int[] ci = patterns[p + 1];
                for (int k = rp[i]; k < rp[i + 1]; k++) {
                    int j = ci[k];
                    if (j != i && colour[j] >= 0) {
                        usedBy[colour[j]] = i;
                    }
                }
            }
            int c = 0;
            while (c < usedBy.length && usedBy[c] == i) {
                c++;
            }
            if (c == usedBy.length) {
                int old = usedBy.length;
                usedBy = Arrays.copyOf(usedBy, 2 * old);
                Arrays.fill(usedBy, old, usedBy.length, -1);
            }
            colour[i] = c;
            colours = Math.max(colours, c + 1);
        }
        return new MulticolorOrdering(colour, colours);
    }

    /** Red-black colouring of an {@code nx x ny x nz} grid numbered {@code i + nx (j + ny k)}. */
    public static MulticolorOrdering redBlack(int nx, int ny, int nz) {
        if (nx <= 0 || ny <= 0 || nz <= 0) {
            throw new IllegalArgumentException("grid dimensions must be positive, got " + nx + " x " + ny + " x " + nz);
        }
        int n = Math.multiplyExact(Math.multiplyExact(nx, ny), nz);
        int[] colour = new int[n];
        for (int k = 0; k < nz; k++) {
            for (int j = 0; j < ny; j++) {
                for (int i = 0; i < nx; i++) {
                    colour[i + nx * (j + ny * k)] = (i + j + k) & 1;
                }
            }
        }
        return new MulticolorOrdering(colour, n == 1 ? 1 : 2);
    }

    /** Number of rows. */
    @Override
    public int size() {
        return colourOf.length;
    }

    /** Number of colours. */
    public int colours() {
        return colourPtr.length - 1;
    }

    /** Colour of each row (a copy). */
    public int[] colourOf() {
        return colourOf.clone();
    }

    /** Rows listed colour by colour, increasing within a colour (a copy). */
    @Override
    public int[] order() {
        return order.clone();
    }

    /** Rows of colour c are {@code order()[colourPtr()[c] .. colourPtr()[c+1])} (a copy). */
    public int[] colourPtr() {
        return colourPtr.clone();
    }

    @Override
    public int groups() {
        return colours();
    }

    @Override
    public int[] groupOf() {
        return colourOf();
    }

    @Override
    public int[] groupPtr() {
        return colourPtr();
    }

    /**
     * One colour-ordered SOR sweep in place, the reference of the CUDA kernel
     * {@code solvent_colour_sor} and of the CPU backends' multicolour sweep: for the colours in order (reverse order for
     * {@link SweepDirection#BACKWARD}; both for {@link SweepDirection#SYMMETRIC}), for each row i
     * of the colour:
     * <pre>  x_i = (1 - w) x_i + w (b_i - sum_{j != i} a_ij x_j) / a_ii  </pre>
     *
     * @throws IllegalArgumentException if a row's diagonal entry is missing or zero, or sizes differ
     */
    public void sorSweep(CsrMatrix a, double[] b, double[] x, double omega, SweepDirection direction) {
        int[] diag = diagonalPositions(a);
        checkLength(b.length, "b");
        checkLength(x.length, "x");
        if (direction != SweepDirection.BACKWARD) {
            for (int c = 0; c < colours(); c++) {
                sorColour(a, diag, b, x, omega, c);
            }
        }
        if (direction != SweepDirection.FORWARD) {
            for (int c = colours() - 1; c >= 0; c--) {
                sorColour(a, diag, b, x, omega, c);
            }
        }
    }

    private void sorColour(CsrMatrix a, int[] diag, double[] b, double[] x, double omega, int c) {
        int[] rp = a.rowPtr();
        int[] ci = a.colIdx();
        double[] v = a.values();
        for (int t = colourPtr[c]; t < colourPtr[c + 1]; t++) {
            int i = order[t];
            double s = b[i];
            for (int k = rp[i]; k < rp[i + 1]; k++) {
                if (k != diag[i]) {
                    s -= v[k] * x[ci[k]];
                }
            }
            x[i] += omega * (s / v[diag[i]] - x[i]);
        }
    }

    /**
     * The SSOR preconditioner in the colour ordering, the reference of the CUDA kernels
     * {@code solvent_colour_ssor_forward/backward}:
     * {@code z = w (2 - w) (D + wU)^-1 D (D + wL)^-1 r}, where L and U hold the entries
     * {@code a_ij} with {@code colour_j < colour_i} and {@code colour_j > colour_i}:
     * <pre>
     *   forward,  colours 0..C-1:  t_i = (w(2-w) r_i - w sum_{colour_j &lt; colour_i} a_ij t_j) / a_ii
     *   backward, colours C-1..0:  z_i = t_i - w (sum_{colour_j > colour_i} a_ij z_j) / a_ii
     * </pre>
     * Symmetric positive definite when A is (it is SSOR of {@code P A P^T}). Returns {@code r . z}.
     */
    public double ssorApplyDot(CsrMatrix a, double[] r, double[] z, double omega) {
        int[] diag = diagonalPositions(a);
        checkLength(r.length, "r");
        checkLength(z.length, "z");
        int[] rp = a.rowPtr();
        int[] ci = a.colIdx();
        double[] v = a.values();
        double c = omega * (2.0 - omega);
        for (int col = 0; col < colours(); col++) {
            for (int t = colourPtr[col]; t < colourPtr[col + 1]; t++) {
                int i = order[t];
                double s = 0.0;
                for (int k = rp[i]; k < rp[i + 1]; k++) {
                    if (colourOf[ci[k]] < col) {
                        s += v[k] * z[ci[k]];
                    }
                }
                z[i] = (c * r[i] - omega * s) / v[diag[i]];
            }
        }
        double dot = 0.0;
        for (int col = colours() - 1; col >= 0; col--) {
            for (int t = colourPtr[col]; t < colourPtr[col + 1]; t++) {
                int i = order[t];
                double s = 0.0;
                for (int k = rp[i]; k < rp[i + 1]; k++) {
                    if (colourOf[ci[k]] > col) {
                        s += v[k] * z[ci[k]];
                    }
                }
                z[i] -= omega * s / v[diag[i]];
                dot += r[i] * z[i];
            }
        }
        return dot;
    }

    /**
     * Index into {@code a.values()} of each row's diagonal entry.
     *
     * @throws IllegalArgumentException naming the first row whose diagonal is missing or zero, or if
     *                                  {@code a} does not match this ordering's size
     */
    public int[] diagonalPositions(CsrMatrix a) {
        if (a.rows() != size() || a.cols() != size()) {
            throw new IllegalArgumentException("the ordering has " + size() + " rows, the matrix is " + a.rows() + " x " + a.cols());
        }
        int[] rp = a.rowPtr();
        int[] ci = a.colIdx();
        double[] v = a.values();
        int[] pos = new int[size()];
        for (int i = 0; i < pos.length; i++) {
            pos[i] = Arrays.binarySearch(ci, rp[i], rp[i + 1], i);
            if (pos[i] < 0 || v[pos[i]] == 0.0) {
                throw new IllegalArgumentException("row " + (i + 1) + " (counted from 1) has a zero diagonal entry:"
                        + " relaxation needs every"
                        + " diagonal entry nonzero");
            }
        }
        return pos;
    }

    private void checkLength(int length, String what) {
        if (length != size()) {
            throw new IllegalArgumentException(what + " has length " + length + " but the ordering has " + size() + " rows");
        }
    }

    @Override
    public String toString() {
        return "MulticolorOrdering[" + size() + " rows, " + colours() + " colours]";
    }
}
