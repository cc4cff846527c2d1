package dev.solvent.backend;

import dev.solvent.matrix.CsrMatrix;
import dev.solvent.order.MulticolorOrdering;
import dev.solvent.order.Ordering;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the backends whose vectors live in Java heap memory share: {@link HostVector}s, wrapping a
 * caller's array without a copy, uploads and downloads as array copies, the sequential relaxation
 * and triangular kernels ({@link SequentialKernels} on the caller; the multicolour ordering's
 * {@link MulticolorOrdering} recurrences), and the length check every kernel starts with. The
 * parallel CPU backend replaces the relaxation and triangular kernels with level-scheduled and
 * multicolour ones; the reference backend keeps these.
 */
public abstract class HostBackend implements Backend {

    private volatile boolean closed;

    @Override
    public boolean isClosed() {
        return closed;
    }

    /** Marks the backend closed; subclasses release their own resources and call this. */
    @Override
    public void close() {
        closed = true;
    }

    /**
     * The one guard of the closed state: throws {@link IllegalStateException} once the backend is
     * closed. Kernels that must not run after close call it on entry.
     */
    protected final void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the " + name() + " backend has been closed");
        }
    }

    @Override
    public final boolean isHost() {
        return true;
    }

    @Override
    public Vector allocate(int n) {
        return new HostVector(new double[n]);
    }

    @Override
    public Vector wrap(double[] values) {
        return new HostVector(values);
    }

    @Override
    public Vector upload(double[] values) {
        return new HostVector(values.clone());
    }

    @Override
    public void download(Vector v, double[] dst) {
        double[] src = HostVector.of(v);
        checkLength(src, dst);
        System.arraycopy(src, 0, dst, 0, src.length);
    }

    @Override
    public void upload(double[] values, Vector dst) {
        double[] d = HostVector.of(dst);
        checkLength(values, d);
        System.arraycopy(values, 0, d, 0, d.length);
    }

    // ---- sequential kernels ------------------------------------------------------------------
    // Lexicographic SOR and the triangular solves are recurrences: these versions run them row
    // after row on the calling thread. They touch no shared state of the backend, so they need no
    // lock.

    /**
     * One SOR sweep, on the caller: each row uses the rows updated before it, so the sweep is a
     * recurrence. Moves {@code 12 nnz + 4n + 24n} bytes per direction.
     */
    @Override
    public void sorSweep(BoundOperator a, Vector b, Vector x, double omega, SweepDirection direction) {
        ensureOpen();
        HostCsr m = HostCsr.of(a, "SOR");
        int[] diag = m.diagonalPositions();
        CsrMatrix A = m.matrix();
        double[] bb = HostVector.of(b);
        double[] xx = HostVector.of(x);
        checkDistinct("SOR", "b", bb, "x", xx);
        int n = A.rows();
        if (bb.length != n || xx.length != n) {
            throw new IllegalArgumentException("SOR on a " + n + " x " + n + " matrix got vectors of length "
                    + bb.length + " and " + xx.length);
        }
        if (direction != SweepDirection.BACKWARD) {
            SequentialKernels.sorSweep(A.rowPtr(), A.colIdx(), A.values(), diag, bb, xx, omega, 0, n, 1);
        }
        if (direction != SweepDirection.FORWARD) {
            SequentialKernels.sorSweep(A.rowPtr(), A.colIdx(), A.values(), diag, bb, xx, omega, n - 1, -1, -1);
        }
    }

    /**
     * One SOR sweep in the given ordering, row after row on the caller; the multicolour sweep is
     * {@link MulticolorOrdering#sorSweep} with this matrix's greedy colouring.
     */
    @Override
    public void sorSweep(BoundOperator a, Vector b, Vector x, double omega, SweepDirection direction, Ordering ordering) {
        if (ordering == Ordering.NATURAL) {
            sorSweep(a, b, x, omega, direction);
            return;
        }
        ensureOpen();
        HostCsr m = HostCsr.of(a, "SOR");
        double[] bb = HostVector.of(b);
        double[] xx = HostVector.of(x);
        checkDistinct("SOR", "b", bb, "x", xx);
        m.multicolour().sorSweep(m.matrix(), bb, xx, omega, direction);
    }

    /** The SSOR preconditioner in the given ordering, row after row on the caller. */
    @Override
    public double ssorApplyDot(BoundOperator a, Vector r, Vector z, double omega, Ordering ordering) {
        if (ordering == Ordering.NATURAL) {
            return ssorApplyDot(a, r, z, omega);
        }
        ensureOpen();
        HostCsr m = HostCsr.of(a, "SSOR");
        double[] rr = HostVector.of(r);
        double[] zz = HostVector.of(z);
        checkDistinct("SSOR", "r", rr, "z", zz);
        return m.multicolour().ssorApplyDot(m.matrix(), rr, zz, omega);
    }

    /** Checks the diagonal and, for the multicolour ordering, colours the matrix now. */
    @Override
    public Map<String, Object> prepareRelaxation(BoundOperator a, Ordering ordering) {
        ensureOpen();
        HostCsr m = HostCsr.of(a, "relaxation");
        m.diagonalPositions();
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("ordering", ordering.label());
        if (ordering == Ordering.MULTICOLOUR) {
            report.put("colours", m.multicolour().colours());
        }
        report.put("rows", "one after another");
        return report;
    }

    /**
     * The SSOR preconditioner with {@code r . z}, on the caller (two triangular recurrences).
     * Moves {@code 12 nnz + 4n} bytes of matrix and about 32n of vectors.
     */
    @Override
    public double ssorApplyDot(BoundOperator a, Vector r, Vector z, double omega) {
        ensureOpen();
        HostCsr m = HostCsr.of(a, "SSOR");
        CsrMatrix A = m.matrix();
        double[] rr = HostVector.of(r);
        double[] zz = HostVector.of(z);
        checkDistinct("SSOR", "r", rr, "z", zz);
        if (rr.length != A.rows() || zz.length != A.rows()) {
            throw new IllegalArgumentException("SSOR on a " + A.rows() + " x " + A.cols()
                    + " matrix got vectors of length " + rr.length + " and " + zz.length);
        }
        return SequentialKernels.ssorApplyDot(A.rowPtr(), A.colIdx(), A.values(), m.diagonalPositions(), rr, zz, omega);
    }

    /**
     * {@code L L^T z = r} with {@code r . z}, on the caller (forward and backward substitution are
     * recurrences). Moves the factor twice, {@code 2 (12 nnz(L) + 4n)}, and about 40n of vectors.
     */
    @Override
    public double choleskySolveDot(BoundOperator lower, Vector r, Vector z) {
        ensureOpen();
        CsrMatrix L = HostCsr.of(lower, "triangular solve").matrix();
        double[] rr = HostVector.of(r);
        double[] zz = HostVector.of(z);
        checkDistinct("triangular solve", "r", rr, "z", zz);
        if (rr.length != L.rows() || zz.length != L.rows()) {
            throw new IllegalArgumentException("triangular solve with a " + L.rows() + " x " + L.cols()
                    + " factor got vectors of length " + rr.length + " and " + zz.length);
        }
        return SequentialKernels.choleskySolveDot(L.rowPtr(), L.colIdx(), L.values(), rr, zz);
    }

    /**
     * Throws when a kernel is handed the same array for two vectors that must differ (one is
     * written while the other is still read).
     */
    protected static void checkDistinct(String kernel, String aName, double[] a, String bName, double[] b) {
        if (a == b) {
            throw new IllegalArgumentException(kernel + ": " + aName + " and " + bName
                    + " must be different vectors (one is written while the other is read), got the same array");
        }
    }

    /** cgUpdate writes x and r while it reads p and q: all four must be different vectors. */
    protected static void checkCgUpdateDistinct(double[] p, double[] q, double[] x, double[] r) {
        checkDistinct("cgUpdate", "p", p, "q", q);
        checkDistinct("cgUpdate", "p", p, "x", x);
        checkDistinct("cgUpdate", "p", p, "r", r);
        checkDistinct("cgUpdate", "q", q, "x", x);
        checkDistinct("cgUpdate", "q", q, "r", r);
        checkDistinct("cgUpdate", "x", x, "r", r);
    }

    /**
     * The smoother step writes d and xOut while reading b, x (may be null) and dinv: refuses any
     * written array that is also another argument.
     */
    protected static void checkSmootherAliasing(double[] b, double[] x, double[] dinv, double[] d, double[] xOut) {
        if (xOut == x || xOut == b || xOut == dinv || xOut == d) {
            throw new IllegalArgumentException("smootherStep: xOut must be a different vector from x, b, dinv and d");
        }
        if (d == x || d == b || d == dinv) {
            throw new IllegalArgumentException("smootherStep: d must be a different vector from x, b and dinv");
        }
    }

    /** Throws naming both lengths when two vectors a kernel combines differ in length. */
    protected static void checkLength(double[] a, double[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("vector lengths differ: " + a.length + " and " + b.length);
        }
    }
}
