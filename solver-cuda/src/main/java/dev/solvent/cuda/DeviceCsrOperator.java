package dev.solvent.cuda;

import dev.solvent.cuda.internal.DeviceBuffer;
import dev.solvent.matrix.CsrMatrix;
import dev.solvent.matrix.LinearOperator;

import java.util.function.Supplier;

/**
 * A square CSR matrix assembled in device memory by a kernel (the sparsified Newton matrix of
 * {@link CudaDualKernels}), so that the library's solvers can run on it through
 * {@link CudaBackend#bind} without the matrix passing through the host. Its arrays belong to
 * whoever assembled it; binding borrows them.
 *
 * <p>As a {@link LinearOperator} on host arrays ({@link #apply}, {@link #toHost}) the matrix is
 * downloaded first: meant for checks, not for solving. {@link #diagonal()} comes from the
 * supplier given at construction (the caller knows it without reading the matrix back).
 */
final class DeviceCsrOperator implements LinearOperator {

    private final CudaBackend owner;
    private final int size;
    private final int nnz;
    private final DeviceBuffer rowPtr;
    private final DeviceBuffer colIdx;
    private final DeviceBuffer values;
    private final Supplier<double[]> diagonal;

    DeviceCsrOperator(CudaBackend owner, int size, int nnz, DeviceBuffer rowPtr, DeviceBuffer colIdx,
                      DeviceBuffer values, Supplier<double[]> diagonal) {
        this.owner = owner;
        this.size = size;
        this.nnz = nnz;
        this.rowPtr = rowPtr;
        this.colIdx = colIdx;
        this.values = values;
        this.diagonal = diagonal;
    }

    CudaBackend owner() {
        return owner;
    }

    int nnz() {
        return nnz;
    }

    DeviceBuffer rowPtr() {
        return rowPtr;
    }

    DeviceBuffer colIdx() {
        return colIdx;
    }

    DeviceBuffer values() {
        return values;
    }

    @Override
    public int rows() {
        return size;
    }

    @Override
    public int cols() {
        return size;
    }

    @Override
    public double[] diagonal() {
        return diagonal.get();
    }

    /** The matrix copied to the host. */
    CsrMatrix toHost() {
        int[] rp = new int[size + 1];
        int[] ci = new int[nnz];
        double[] v = new double[nnz];
        synchronized (owner) {
            owner.enter();
            rowPtr.download(rp);
            colIdx.download(ci);
            values.download(v);
        }
        return CsrMatrix.of(size, size, rp, ci, v);
    }

    @Override
    public void apply(double[] x, double[] y) {
        LinearOperator.checkApply(this, x, y);
        toHost().apply(x, y);
    }
}
