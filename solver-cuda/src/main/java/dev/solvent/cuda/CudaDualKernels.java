package dev.solvent.cuda;

import dev.solvent.backend.Backend;
import dev.solvent.backend.Vector;
import dev.solvent.cuda.internal.DeviceBuffer;
import dev.solvent.cuda.internal.DeviceMemory;
import dev.solvent.cuda.internal.Kernels;
import dev.solvent.ot.DualKernels;
import dev.solvent.ot.TransportProblem;
import dev.solvent.solve.BoundSolver;
import dev.solvent.solve.ConjugateGradient;
import dev.solvent.solve.SolveResult;

import java.util.ArrayList;
import java.util.List;

/**
 * {@link DualKernels} on a {@link CudaBackend}: the dense kernels of Sinkhorn and
 * Sinkhorn-Newton-Sparse in ot.cu, the Newton system solved by the library's
 * {@link ConjugateGradient} on the same backend.
 *
 * <p>Device memory: the scaled cost K = eta C and its transpose (coalesced column passes), the plan
 * P and its transpose while Newton runs, so 4 n m doubles, plus vectors and the sparsified Hessian
 * in CSR. What crosses to the host per step: one double per reduction (errors, the dot products and
 * the line-search sums), the Hessian's nnz (one value), and, when Jacobi asks for the diagonal,
 * the plan's n + m row and column sums. The plan itself is never copied back; the potentials are
 * copied once at the end, and the result is then evaluated on the host by the CPU kernels.
 *
 * <p>Never run on a GPU so far (see docs/cuda.md): the launches are checked against the kernel
 * signatures without one (KernelLaunchTest), the numbers only by the gpu-tagged tests.
 */
final class CudaDualKernels implements DualKernels {

    private final CudaBackend backend;
    private final Kernels kernels;
    private final DeviceMemory memory;
    private final TransportProblem problem;
    private final int n;
    private final int m;
    private final List<DeviceBuffer> owned = new ArrayList<>();
    private final Kernels.OtArrays arrays;
    private final DeviceBuffer uSaved;
    // Newton work space, made on the first formPlan.
    private Kernels.OtPlan plan;
    private Vector g;
    private Vector w;
    private Kernels.OtSelect select;
    private DeviceBuffer sizes;
    private DeviceBuffer rowPtr;
    private DeviceBuffer colIdx;
    private DeviceBuffer values;
    private long capacity;
    private DeviceCsrOperator hessian;
    private double hessianShift;
    private boolean closed;

    CudaDualKernels(TransportProblem problem, CudaBackend backend) {
        this.problem = problem;
        this.backend = backend;
        this.kernels = backend.kernels();
        this.memory = backend.memory();
        this.n = problem.n();
        this.m = problem.m();
        double eta = problem.eta();
        // eta C_ij as the CPU forms it (DualState), row-major and transposed.
        double[] k = new double[n * m];
        double[] kt = new double[n * m];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                double kij = eta * problem.cost(i, j);
                k[i * m + j] = kij;
                kt[j * n + i] = kij;
            }
        }
        double[] r = problem.sourceMasses();
        double[] c = problem.targetMasses();
        double[] logR = new double[n];
        double[] logC = new double[m];
        for (int i = 0; i < n; i++) {
            logR[i] = Math.log(r[i]);
        }
        for (int j = 0; j < m; j++) {
            logC[j] = Math.log(c[j]);
        }
        synchronized (backend) {
            backend.enter();
            try {
                Kernels.OtArrays a = new Kernels.OtArrays(n, m, upload(k), upload(kt), zeros(n), zeros(m), upload(logR),
                        upload(logC), upload(r), upload(c));
                this.arrays = a;
                this.uSaved = zeros(n);
            } catch (RuntimeException | Error e) {
                freeOwned();
                throw e;
            }
        }
    }

    private DeviceBuffer upload(double[] values) {
        DeviceBuffer b = memory.allocate(8L * values.length, null);
        owned.add(b);
        b.upload(values);
        return b;
    }

    private DeviceBuffer zeros(long doubles) {
        DeviceBuffer b = memory.allocate(8L * doubles, null);
        owned.add(b);
        b.zero(8L * doubles);
        return b;
    }

    private DeviceBuffer bytes(long count) {
        DeviceBuffer b = memory.allocate(Math.max(8, count), null);
        owned.add(b);
        return b;
    }

    private void freeOwned() {
        for (int q = owned.size() - 1; q >= 0; q--) {
            owned.get(q).close();
        }
        owned.clear();
    }

    private void check() {
        if (closed) {
            throw new IllegalStateException("these OT kernels have been closed");
        }
        backend.enter();
    }

    @Override
    public TransportProblem problem() {
        return problem;
    }

    @Override
    public String where() {
        return "cuda";
    }

    // ---- Sinkhorn -------------------------------------------------------------------------------

    @Override
    public double rowStep() {
        synchronized (backend) {
            check();
            return kernels.otRowStep(arrays);
        }
    }

    @Override
    public void columnStep() {
        synchronized (backend) {
            check();
            kernels.otColumnStep(arrays);
        }
    }

    @Override
    public boolean finite() {
        synchronized (backend) {
            check();
            return kernels.otCountNonFinite(n, arrays.u()) == 0 && kernels.otCountNonFinite(m, arrays.v()) == 0;
        }
    }

    @Override
    public void saveRowPotentials() {
        synchronized (backend) {
            check();
            uSaved.copyFrom(arrays.u(), 8L * n);
        }
    }

    @Override
    public void restoreRowPotentials() {
        synchronized (backend) {
            check();
            arrays.u().copyFrom(uSaved, 8L * n);
        }
    }

    // ---- Newton ---------------------------------------------------------------------------------

    @Override
    public double formPlan() {
        synchronized (backend) {
            check();
            if (plan == null) {
                // The gradient and the direction are backend vectors: CG takes them as they are.
                g = backend.allocate(n + m);
                w = backend.allocate(n + m);
                plan = new Kernels.OtPlan(zeros((long) n * m), zeros((long) n * m), zeros(n), zeros(m), zeros(n),
                        zeros(m), backend.buffer(g));
                select = new Kernels.OtSelect(bytes(24), bytes(4 * 256), bytes(8));
                sizes = bytes(4L * (n + m));
                rowPtr = bytes(4L * (n + m + 1));
            }
            return kernels.otPlan(arrays, plan);
        }
    }

    @Override
    public void projectGradient() {
        synchronized (backend) {
            check();
            kernels.otProjectNull(n, n + m, backend.buffer(g));
        }
    }

    @Override
    public long sparsify(int keep, double relativeThreshold, double shift) {
        synchronized (backend) {
            check();
            kernels.otTopThreshold(n * m, plan.p(), keep, select);
            int nnz = kernels.otHessianPattern(arrays, plan, select.top(), relativeThreshold, sizes, rowPtr);
            if (nnz > capacity) {
                if (colIdx != null) {
                    owned.remove(colIdx);
                    owned.remove(values);
                    colIdx.close();
                    values.close();
                }
                // Some room to grow: the kept set changes a little from step to step.
                capacity = Math.min(Integer.MAX_VALUE, nnz + (long) nnz / 4 + 16);
                colIdx = bytes(4L * capacity);
                values = bytes(8L * capacity);
            }
            kernels.otHessianFill(arrays, plan, select.top(), relativeThreshold, shift, rowPtr, colIdx, values);
            hessianShift = shift;
            hessian = new DeviceCsrOperator(backend, n + m, nnz, rowPtr, colIdx, values, this::hessianDiagonal);
            return (nnz - n - m) / 2;
        }
    }

    /** The diagonal of the sparsified Hessian, from the plan's sums (n + m doubles copied back). */
    private double[] hessianDiagonal() {
        double[] rowSum = new double[n];
        double[] colSum = new double[m];
        synchronized (backend) {
            check();
            plan.rowSum().download(rowSum);
            plan.colSum().download(colSum);
        }
        double[] d = new double[n + m];
        for (int i = 0; i < n; i++) {
            d[i] = (1 + hessianShift) * Math.max(rowSum[i], Double.MIN_NORMAL);
        }
        for (int j = 0; j < m; j++) {
            d[n + j] = (1 + hessianShift) * Math.max(colSum[j], Double.MIN_NORMAL);
        }
        return d;
    }

    @Override
    public SolveResult solveNewton(ConjugateGradient cg, Backend cgBackend) {
        if (cgBackend != backend) {
            throw new IllegalArgumentException("the Newton matrix is on " + backend + ": CG must run there, not on "
                    + cgBackend);
        }
        backend.fill(w, 0.0);
        SolveResult solved;
        try (BoundSolver bound = cg.setup(hessian, backend)) {
            solved = bound.solve(g, w);
        }
        synchronized (backend) {
            check();
            kernels.otProjectNull(n, n + m, backend.buffer(w));
        }
        return solved;
    }

    @Override
    public double gradientDotDirection() {
        return backend.dot(g, w);
    }

    @Override
    public double maxPairSum() {
        synchronized (backend) {
            check();
            return kernels.otMaxPairSum(n, n + m, backend.buffer(w));
        }
    }

    @Override
    public double phiSum(double alpha) {
        synchronized (backend) {
            check();
            return kernels.otPhiSum(n, m, plan.p(), backend.buffer(w), alpha);
        }
    }

    @Override
    public void step(double alpha) {
        synchronized (backend) {
            check();
            kernels.otStep(arrays, alpha, backend.buffer(w));
        }
    }

    // ---- result ---------------------------------------------------------------------------------

    @Override
    public void potentials(double[] u, double[] v) {
        synchronized (backend) {
            check();
            arrays.u().download(u);
            arrays.v().download(v);
        }
    }

    @Override
    public void close() {
        synchronized (backend) {
            if (closed) {
                return;
            }
            closed = true;
            try {
                if (g != null) {
                    backend.release(g);
                    backend.release(w);
                }
                freeOwned();
            } catch (IllegalStateException alreadyClosed) {
                // The backend was closed first: it freed all of its memory, ours included.
            }
        }
    }
}
