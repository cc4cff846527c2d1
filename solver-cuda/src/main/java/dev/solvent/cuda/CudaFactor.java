package dev.solvent.cuda;

import dev.solvent.backend.BoundOperator;
import dev.solvent.backend.TriangularFactor;
import dev.solvent.cuda.internal.DeviceBuffer;
import dev.solvent.cuda.internal.DeviceMemory;
import dev.solvent.cuda.internal.Kernels;
import dev.solvent.matrix.CsrMatrix;
import dev.solvent.matrix.LinearOperator;
import dev.solvent.order.LevelSchedule;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An incomplete Cholesky factor bound to the CUDA backend: factored on the host, rewritten for the
 * two gathering passes ({@link TriangularFactor}: L's rows scaled by the diagonal, the rows of
 * {@code D^-1 L^T}, {@code 1 / l_ii^2}), its rows listed level by level
 * ({@link LevelSchedule#ofLower}), all uploaded once here: {@code 2 (12 nnz(L - D) + 4 (n + 1)) + 12 n}
 * bytes of device memory. {@code choleskySolveDot} then launches one kernel per level and pass.
 */
final class CudaFactor implements BoundOperator {

    private final CsrMatrix lower;
    private final DeviceMemory memory;
    final Kernels.LevelFactor device;
    private final Map<String, Object> report;
    private final DeviceBuffer[] buffers;
    private boolean closed;

    CudaFactor(CsrMatrix lower, DeviceMemory memory) {
        this.lower = lower;
        this.memory = memory;
        TriangularFactor f = new TriangularFactor(lower);
        LevelSchedule levels = LevelSchedule.ofLower(lower);
        DeviceBuffer[] b = new DeviceBuffer[8];
        try {
            b[0] = ints(levels.order());
            b[1] = ints(f.lowerPtr());
            b[2] = ints(f.lowerCol());
            b[3] = doubles(f.lowerVal());
            b[4] = ints(f.upperPtr());
            b[5] = ints(f.upperCol());
            b[6] = doubles(f.upperVal());
            b[7] = doubles(f.scale());
        } catch (RuntimeException e) {
            for (DeviceBuffer x : b) {
                if (x != null) {
                    x.close();
                }
            }
            throw e;
        }
        this.buffers = b;
        this.device = new Kernels.LevelFactor(lower.rows(), b[0], levels.groupPtr(), b[1], b[2], b[3], b[4], b[5], b[6], b[7]);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("levels", levels.levels());
        r.put("widestLevel", levels.widestLevel());
        r.put("rows", "one kernel launch per level and pass, rows of a level in parallel on the device");
        this.report = java.util.Collections.unmodifiableMap(r);
    }

    private DeviceBuffer ints(int[] values) {
        DeviceBuffer b = memory.allocate(4L * Math.max(1, values.length), this);
        if (values.length > 0) {
            b.upload(values);
        }
        return b;
    }

    private DeviceBuffer doubles(double[] values) {
        DeviceBuffer b = memory.allocate(8L * Math.max(1, values.length), this);
        if (values.length > 0) {
            b.upload(values);
        }
        return b;
    }

    /** Whether this factor lives in {@code m}'s allocations (was bound by that backend). */
    boolean allocatedBy(DeviceMemory m) {
        return memory == m;
    }

    @Override
    public LinearOperator source() {
        return lower;
    }

    @Override
    public Map<String, Object> report() {
        return report;
    }

    synchronized void checkOpen() {
        if (closed) {
            throw new IllegalStateException("this bound factor has been closed");
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (DeviceBuffer b : buffers) {
            b.close();
        }
    }
}
