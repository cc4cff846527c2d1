package dev.solvent.cuda.internal;

import jcuda.Pointer;
import jcuda.Sizeof;
import jcuda.cudaDataType;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasHandle;
import jcuda.jcusparse.JCusparse;
import jcuda.jcusparse.cusparseDnVecDescr;
import jcuda.jcusparse.cusparseHandle;
import jcuda.jcusparse.cusparseIndexBase;
import jcuda.jcusparse.cusparseIndexType;
import jcuda.jcusparse.cusparseOperation;
import jcuda.jcusparse.cusparseSpMVAlg;
import jcuda.jcusparse.cusparseSpMatDescr;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * cuSPARSE (CSR SpMV) and cuBLAS (dot, axpy, scal) through JCusparse/JCublas, where their native
 * libraries load. JCuda 12.6.0's bindings link against {@code libcusparse.so.12} and
 * {@code libcublas.so.12}; a machine with only a CUDA 13 toolkit, or only the driver, lacks them.
 * Whether each loads is probed once per JVM, failures (including {@link UnsatisfiedLinkError})
 * are caught and logged, and the backend then runs the project's own kernels instead.
 */
public final class VendorLibraries implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(VendorLibraries.class);

    private static final Object PROBE_LOCK = new Object();
    private static String cusparseProblem;
    private static String cublasProblem;
    private static boolean probed;

    private final cusparseHandle sparse;
    private final cublasHandle blas;

    private VendorLibraries(cusparseHandle sparse, cublasHandle blas) {
        this.sparse = sparse;
        this.blas = blas;
    }

    /** Loads the native bindings once per JVM; afterwards the answers are cached. */
    private static void probeNatives() {
        synchronized (PROBE_LOCK) {
            if (probed) {
                return;
            }
            probed = true;
            try {
                JCusparse.setExceptionsEnabled(false);
            } catch (Throwable t) {
                cusparseProblem = "JCusparse's native library did not load (needs libcusparse.so.12 from a CUDA 12"
                        + " toolkit or redistributable): " + Cuda.loadFailureSummary(t);
            }
            try {
                JCublas2.setExceptionsEnabled(false);
            } catch (Throwable t) {
                cublasProblem = "JCublas2's native library did not load (needs libcublas.so.12): " + Cuda.loadFailureSummary(t);
            }
        }
    }

    /**
     * Opens handles in the current context for whichever library loads, logging which path each
     * operation takes. Returns null (after logging why) when neither is usable.
     */
    public static VendorLibraries open(CudaContext context) {
        probeNatives();
        context.makeCurrent();
        cusparseHandle sparse = null;
        cublasHandle blas = null;
        if (cusparseProblem == null) {
            try {
                cusparseHandle h = new cusparseHandle();
                Cuda.checkCusparse(JCusparse.cusparseCreate(h), "cusparseCreate");
                sparse = h;
            } catch (Throwable t) {
                LOG.warn("cuSPARSE unavailable, CSR SpMV runs Solvent's kernels: {}", Cuda.rootMessage(t));
            }
        } else {
            LOG.info("cuSPARSE unavailable, CSR SpMV runs Solvent's kernels: {}", cusparseProblem);
        }
        if (cublasProblem == null) {
            try {
                cublasHandle h = new cublasHandle();
                Cuda.checkCublas(JCublas2.cublasCreate(h), "cublasCreate");
                blas = h;
            } catch (Throwable t) {
                LOG.warn("cuBLAS unavailable, BLAS-1 runs Solvent's kernels: {}", Cuda.rootMessage(t));
            }
        } else {
            LOG.info("cuBLAS unavailable, BLAS-1 runs Solvent's kernels: {}", cublasProblem);
        }
        if (sparse != null) {
            LOG.info("CSR SpMV runs on cuSPARSE");
        }
        if (blas != null) {
            LOG.info("dot/axpy/scale run on cuBLAS");
        }
        if (sparse == null && blas == null) {
            return null;
        }
        return new VendorLibraries(sparse, blas);
    }

    public boolean hasCusparse() {
        return sparse != null;
    }

    public boolean hasCublas() {
        return blas != null;
    }

    /** A CSR matrix described to cuSPARSE, with its SpMV workspace. */
    public final class SparseMatrix implements AutoCloseable {
        private final cusparseSpMatDescr descr = new cusparseSpMatDescr();
        private final int rows;
        private final int cols;
        private final DeviceMemory memory;
        private final Object owner;
        private DeviceBuffer workspace;
        private boolean closed;

        SparseMatrix(int rows, int cols, int nnz, DeviceBuffer rp, DeviceBuffer ci, DeviceBuffer v, DeviceMemory memory,
                     Object owner) {
            this.owner = owner;
            this.rows = rows;
            this.cols = cols;
            this.memory = memory;
            Cuda.checkCusparse(JCusparse.cusparseCreateCsr(descr, rows, cols, nnz, rp.ptr(), ci.ptr(), v.ptr(),
                    cusparseIndexType.CUSPARSE_INDEX_32I, cusparseIndexType.CUSPARSE_INDEX_32I,
                    cusparseIndexBase.CUSPARSE_INDEX_BASE_ZERO, cudaDataType.CUDA_R_64F), "cusparseCreateCsr");
        }

        /** {@code y = alpha A x + beta y} (host scalars, default stream). */
        public void spmv(double alpha, DeviceBuffer x, double beta, DeviceBuffer y) {
            cusparseDnVecDescr vx = new cusparseDnVecDescr();
            cusparseDnVecDescr vy = new cusparseDnVecDescr();
            Cuda.checkCusparse(JCusparse.cusparseCreateDnVec(vx, cols, x.ptr(), cudaDataType.CUDA_R_64F), "cusparseCreateDnVec");
            try {
                Cuda.checkCusparse(JCusparse.cusparseCreateDnVec(vy, rows, y.ptr(), cudaDataType.CUDA_R_64F), "cusparseCreateDnVec");
                try {
                    Pointer a = Pointer.to(new double[] {alpha});
                    Pointer b = Pointer.to(new double[] {beta});
                    int op = cusparseOperation.CUSPARSE_OPERATION_NON_TRANSPOSE;
                    // CSR_ALG2: cuSPARSE documents bit-wise reproducible results for it (non-transposed A).
                    int alg = cusparseSpMVAlg.CUSPARSE_SPMV_CSR_ALG2;
                    long[] size = {0};
                    Cuda.checkCusparse(JCusparse.cusparseSpMV_bufferSize(sparse, op, a, descr.asConst(), vx.asConst(), b, vy,
                            cudaDataType.CUDA_R_64F, alg, size), "cusparseSpMV_bufferSize");
                    if (workspace == null || workspace.bytes() < size[0]) {
                        if (workspace != null) {
                            workspace.close();
                        }
                        workspace = memory.allocate(Math.max(size[0], Sizeof.DOUBLE), owner);
                    }
                    Cuda.checkCusparse(JCusparse.cusparseSpMV(sparse, op, a, descr.asConst(), vx.asConst(), b, vy,
                            cudaDataType.CUDA_R_64F, alg, workspace.ptr()), "cusparseSpMV");
                } finally {
                    JCusparse.cusparseDestroyDnVec(vy.asConst());
                }
            } finally {
                JCusparse.cusparseDestroyDnVec(vx.asConst());
            }
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                Cuda.checkCusparse(JCusparse.cusparseDestroySpMat(descr.asConst()), "cusparseDestroySpMat");
                if (workspace != null) {
                    workspace.close();
                }
            }
        }
    }

    /**
     * Describes a device CSR matrix to cuSPARSE; the buffers must outlive the result. The SpMV
     * workspace is allocated from {@code memory} and released with {@code owner}.
     */
    public SparseMatrix csr(int rows, int cols, int nnz, DeviceBuffer rp, DeviceBuffer ci, DeviceBuffer v,
                            DeviceMemory memory, Object owner) {
        return new SparseMatrix(rows, cols, nnz, rp, ci, v, memory, owner);
    }

    /** {@code x . y} by cuBLAS (host pointer mode: the call waits for the result). */
    public double dot(int n, DeviceBuffer x, DeviceBuffer y) {
        double[] out = {0};
        Cuda.checkCublas(JCublas2.cublasDdot(blas, n, x.ptr(), 1, y.ptr(), 1, Pointer.to(out)),
                "cublasDdot");
        return out[0];
    }

    /** {@code y += alpha x} by cuBLAS. */
    public void axpy(int n, double alpha, DeviceBuffer x, DeviceBuffer y) {
        Cuda.checkCublas(JCublas2.cublasDaxpy(blas, n, Pointer.to(new double[] {alpha}), x.ptr(), 1, y.ptr(), 1), "cublasDaxpy");
    }

    /** {@code x *= alpha} by cuBLAS. */
    public void scale(int n, double alpha, DeviceBuffer x) {
        Cuda.checkCublas(JCublas2.cublasDscal(blas, n, Pointer.to(new double[] {alpha}), x.ptr(), 1),
                "cublasDscal");
    }

    @Override
    public void close() {
        if (sparse != null) {
            Cuda.checkCusparse(JCusparse.cusparseDestroy(sparse), "cusparseDestroy");
        }
        if (blas != null) {
            Cuda.checkCublas(JCublas2.cublasDestroy(blas), "cublasDestroy");
        }
    }
}
