package dev.solvent.cuda;

import dev.solvent.backend.BoundOperator;
import dev.solvent.cuda.internal.DeviceBuffer;
import dev.solvent.cuda.internal.DeviceMemory;
import dev.solvent.cuda.internal.Kernels;
import dev.solvent.cuda.internal.VendorLibraries;
import dev.solvent.matrix.CsrMatrix;
import dev.solvent.matrix.LinearOperator;
import dev.solvent.order.MulticolorOrdering;

/**
 * A {@link CsrMatrix} uploaded to the device (row pointers, column indices, values: 4 (n + 1) +
 * 12 nnz bytes), or a {@link DeviceCsrOperator} already there (its arrays are borrowed: closing
 * this leaves them alone). What relaxation needs (the diagonal positions and the multicolour
 * ordering) is computed on the host and uploaded on first use; the cuSPARSE descriptor likewise.
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
    private MulticolorOrdering ordering;
    private Kernels.ColouredCsr coloured;
    private DeviceBuffer diag;
    private DeviceBuffer order;
    private DeviceBuffer colour;
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

    /** The ordering the relaxation kernels use (greedy colouring; red-black for 5/7-point stencils). */
    synchronized MulticolorOrdering ordering() {
        if (ordering == null) {
            ordering = MulticolorOrdering.greedy(matrix());
        }
        return ordering;
    }

    /** The matrix with its colouring on the device, built on first use. */
    synchronized Kernels.ColouredCsr coloured() {
        checkOpen();
        if (coloured == null) {
            CsrMatrix matrix = matrix();
            if (!matrix.isSquare()) {
                throw new IllegalArgumentException("relaxation needs a square matrix, got " + matrix.rows() + " x " + matrix.cols());
            }
            MulticolorOrdering o = ordering();
            int[] d = o.diagonalPositions(matrix);
            diag = memory.allocate(4L * d.length, this);
            diag.upload(d);
            order = memory.allocate(4L * d.length, this);
            order.upload(o.order());
            colour = memory.allocate(4L * d.length, this);
            colour.upload(o.colourOf());
            coloured = new Kernels.ColouredCsr(matrix.rows(), rowPtr, colIdx, values, diag, order, colour, o.colourPtr());
        }
        return coloured;
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
        DeviceBuffer[] own = borrowed ? new DeviceBuffer[] {diag, order, colour}
                : new DeviceBuffer[] {rowPtr, colIdx, values, diag, order, colour};
        for (DeviceBuffer b : own) {
            if (b != null) {
                b.close();
            }
        }
    }
}
