package dev.solvent.backend;

import dev.solvent.matrix.CsrMatrix;

/**
 * What the backends whose vectors live in Java heap memory share: {@link HostVector}s, wrapping a
 * caller's array without a copy, uploads and downloads as array copies, the sequential relaxation
 * and triangular kernels ({@link SequentialKernels} on the caller), and the length check every
 * kernel starts with.
 */
public abstract class HostBackend implements Backend {

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
    // Lexicographic SOR and the triangular solves are recurrences: every host backend runs them on
    // the calling thread. They touch no shared state of the backend, so they need no lock.

    /**
     * One SOR sweep, on the caller: each row uses the rows updated before it, so the sweep is a
     * recurrence. Moves {@code 12 nnz + 4n + 24n} bytes per direction.
     */
    @Override
    public void sorSweep(BoundOperator a, Vector b, Vector x, double omega, SweepDirection direction) {
        HostCsr m = HostCsr.of(a, "SOR");
        int[] diag = m.diagonalPositions();
        CsrMatrix A = m.matrix();
        double[] bb = HostVector.of(b);
        double[] xx = HostVector.of(x);
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
     * The SSOR preconditioner with {@code r . z}, on the caller (two triangular recurrences).
     * Moves {@code 12 nnz + 4n} bytes of matrix and about 32n of vectors.
     */
    @Override
    public double ssorApplyDot(BoundOperator a, Vector r, Vector z, double omega) {
        HostCsr m = HostCsr.of(a, "SSOR");
        CsrMatrix A = m.matrix();
        double[] rr = HostVector.of(r);
        double[] zz = HostVector.of(z);
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
        CsrMatrix L = HostCsr.of(lower, "triangular solve").matrix();
        double[] rr = HostVector.of(r);
        double[] zz = HostVector.of(z);
        if (rr.length != L.rows() || zz.length != L.rows()) {
            throw new IllegalArgumentException("triangular solve with a " + L.rows() + " x " + L.cols()
                    + " factor got vectors of length " + rr.length + " and " + zz.length);
        }
        return SequentialKernels.choleskySolveDot(L.rowPtr(), L.colIdx(), L.values(), rr, zz);
    }

    /** Throws naming both lengths when two vectors a kernel combines differ in length. */
    protected static void checkLength(double[] a, double[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("vector lengths differ: " + a.length + " and " + b.length);
        }
    }
}
