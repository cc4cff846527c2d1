package dev.solvent.cuda;

/**
 * A CUDA driver, cuSPARSE or cuBLAS call failed. The message names the call and the CUDA error
 * ({@code CUDA_ERROR_ILLEGAL_ADDRESS}, ...). Kernel launches are asynchronous: an error inside a
 * kernel is reported by the next call that waits for the device (a kernel returning a dot
 * product, a download), which may name that later call rather than the kernel that failed; run
 * with {@code -Dsolvent.cuda.sync=true} to wait after every launch and pin it down.
 */
public class CudaException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int code;
    private final String errorName;

    public CudaException(String message, int code, String errorName) {
        super(message);
        this.code = code;
        this.errorName = errorName;
    }

    /** The numeric result code (a {@code CUresult}, {@code cusparseStatus} or {@code cublasStatus}). */
    public int code() {
        return code;
    }

    /** The symbolic name of the code, for example {@code CUDA_ERROR_OUT_OF_MEMORY}. */
    public String errorName() {
        return errorName;
    }
}
