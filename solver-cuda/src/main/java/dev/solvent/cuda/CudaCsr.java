package dev.solvent.cuda;

import dev.solvent.backend.BoundOperator;
import dev.solvent.cuda.internal.DeviceBuffer;
import dev.solvent.cuda.internal.DeviceMemory;
import dev.solvent.cuda.internal.Kernels;
import dev.solvent.cuda.internal.VendorLibraries;
import dev.solvent.matrix.CsrMatrix;
import dev.solvent.matrix.LinearOperator;
import dev.solvent.order.LevelSchedule;
import dev.solvent.order.MulticolorOrdering;
import dev.solvent.order.Ordering;
import dev.solvent.order.RowSchedule;

/**
 * A {@link CsrMatrix} uploaded to the device (row pointers, column indices, values: 4 (n + 1) +
 * 12 nnz bytes), or a {@link DeviceCsrOperator} already there (its arrays are borrowed: closing
 * this leaves them alone). What relaxation needs (the diagonal positions, and per ordering the
 * grouping of the rows: dependency levels for the natural ordering, colours for the multicolour
 * one) is computed on the host and uploaded when a solver prepares it or on first use; the
 * cuSPARSE descriptor likewise. A factor bound as a plain matrix gets its level-scheduled
 * {@link CudaFactor} on first use too.
 */
final class CudaCsr implements BoundOperator {

    private final LinearOperator source;
    /** The host matrix; for a device-resident source, downloaded only if relaxation asks for it. */
    private CsrMatrix matrix;
    private final int nnz;
    private final boolean borrowed;
    private final DeviceMemory memory;
    final DeviceBuffer rowPtr;
    final DeviceBuffer colIdx;
    final DeviceBuffer values;
    /** Lanes per row in the CSR kernels ({@link Kernels#rowGroup}), from the mean row length. */
    final int rowGroup;
    private DeviceBuffer diag;
    private Kernels.ColouredCsr natural;
    private Kernels.ColouredCsr multicolour;
    private CudaFactor factor;
    private final java.util.List<DeviceBuffer> groupBuffers = new java.util.ArrayList<>();
    private VendorLibraries.SparseMatrix cusparse;
    private boolean closed;

    CudaCsr(CsrMatrix matrix, DeviceMemory memory) {
        this.source = matrix;
        this.matrix = matrix;
        this.nnz = matrix.nnz();
        this.borrowed = false;
        this.memory = memory;
        DeviceBuffer rp = null;
        DeviceBuffer ci = null;
        DeviceBuffer v = null;
        try {
            rp = memory.allocate(4L * matrix.rowPtr().length, this);
            rp.upload(matrix.rowPtr());
            ci = memory.allocate(4L * matrix.nnz(), this);
            ci.upload(matrix.colIdx());
            v = memory.allocate(8L * matrix.nnz(), this);
            v.upload(matrix.values());
        } catch (RuntimeException e) {
            for (DeviceBuffer b : new DeviceBuffer[] {rp, ci, v}) {
                if (b != null) {
                    b.close();
                }
            }
            throw e;
        }
        this.rowPtr = rp;
        this.colIdx = ci;
        this.values = v;
        this.rowGroup = Kernels.rowGroup(matrix.rows(), matrix.nnz());
    }

    /** Binds a matrix that is already in this memory's device arrays; no copy. */
    CudaCsr(DeviceCsrOperator op, DeviceMemory memory) {
        this.source = op;
        this.matrix = null;
        this.nnz = op.nnz();
        this.borrowed = true;
        this.memory = memory;
        this.rowPtr = op.rowPtr();
        this.colIdx = op.colIdx();
        this.values = op.values();
        this.rowGroup = Kernels.rowGroup(op.rows(), op.nnz());
    }

    @Override
    public LinearOperator source() {
        return source;
    }

    /** Whether this matrix lives in {@code m}'s allocations (was bound by that backend). */
    boolean allocatedBy(DeviceMemory m) {
        return memory == m;
    }

    /** The matrix on the host (downloaded on first use where it was made on the device). */
    synchronized CsrMatrix matrix() {
        if (matrix == null) {
            matrix = ((DeviceCsrOperator) source).toHost();
        }
        return matrix;
    }

    /**
     * The matrix with the grouping of {@code ordering} on the device, built on first use: the
     * dependency levels of {@link LevelSchedule#of} for the natural ordering (the colour kernels then
     * compute the lexicographic sweep), the greedy colouring for the multicolour one.
     */
    synchronized Kernels.ColouredCsr scheduled(Ordering ordering) {
        checkOpen();
        Kernels.ColouredCsr existing = ordering == Ordering.NATURAL ? natural : multicolour;
        if (existing != null) {
            return existing;
        }
        CsrMatrix matrix = matrix();
        if (!matrix.isSquare()) {
            throw new IllegalArgumentException("relaxation needs a square matrix, got " + matrix.rows() + " x " + matrix.cols());
        }
        RowSchedule groups = ordering == Ordering.NATURAL ? LevelSchedule.of(matrix) : MulticolorOrdering.greedy(matrix);
        if (diag == null) {
            int[] d = diagonalPositions(matrix);
            diag = memory.allocate(4L * Math.max(1, d.length), this);
            if (d.length > 0) {
                diag.upload(d);
            }
        }
        DeviceBuffer order = upload(groups.order());
        DeviceBuffer colour = upload(groups.groupOf());
        Kernels.ColouredCsr c = new Kernels.ColouredCsr(matrix.rows(), rowPtr, colIdx, values, diag, order, colour,
                groups.groupPtr());
        if (ordering == Ordering.NATURAL) {
            natural = c;
        } else {
            multicolour = c;
        }
        return c;
    }

    /**
     * Index into the values of each row's diagonal entry.
     *
     * @throws IllegalArgumentException naming the first row whose diagonal is missing or zero
     */
    private static int[] diagonalPositions(CsrMatrix a) {
        int[] rp = a.rowPtr();
        int[] ci = a.colIdx();
        double[] v = a.values();
        int[] pos = new int[a.rows()];
        for (int i = 0; i < pos.length; i++) {
            pos[i] = java.util.Arrays.binarySearch(ci, rp[i], rp[i + 1], i);
            if (pos[i] < 0 || v[pos[i]] == 0.0) {
                throw new IllegalArgumentException("row " + (i + 1) + " (counted from 1) has a zero diagonal entry:"
                        + " relaxation needs every"
                        + " diagonal entry nonzero");
            }
        }
        return pos;
    }

    private DeviceBuffer upload(int[] values) {
        DeviceBuffer b = memory.allocate(4L * Math.max(1, values.length), this);
        groupBuffers.add(b);
        if (values.length > 0) {
            b.upload(values);
        }
        return b;
    }

    /** The level-scheduled factor of this (lower-triangular) matrix, made on first use. */
    synchronized CudaFactor factor() {
        checkOpen();
        if (factor == null) {
            factor = new CudaFactor(matrix(), memory);
        }
        return factor;
    }

    /** The cuSPARSE view of this matrix, made on first use. */
    synchronized VendorLibraries.SparseMatrix cusparse(VendorLibraries libs) {
        checkOpen();
        if (cusparse == null) {
            cusparse = libs.csr(source.rows(), source.cols(), nnz, rowPtr, colIdx, values, memory, this);
        }
        return cusparse;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("this bound matrix has been closed");
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (cusparse != null) {
            cusparse.close();
        }
        if (factor != null) {
            factor.close();
        }
        for (DeviceBuffer b : groupBuffers) {
            b.close();
        }
        DeviceBuffer[] own = borrowed ? new DeviceBuffer[] {diag} : new DeviceBuffer[] {rowPtr, colIdx, values, diag};
        for (DeviceBuffer b : own) {
            if (b != null) {
                b.close();
            }
        }
    }
}
