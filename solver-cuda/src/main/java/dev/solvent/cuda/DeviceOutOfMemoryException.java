package dev.solvent.cuda;

/**
 * The device had too little free memory for an allocation, even after unreachable vectors were
 * reclaimed. The message gives the bytes asked for and the device's free and total memory.
 */
public class DeviceOutOfMemoryException extends CudaException {

    private static final long serialVersionUID = 1L;

    private final long requestedBytes;

    public DeviceOutOfMemoryException(String message, int code, String errorName, long requestedBytes) {
        super(message, code, errorName);
        this.requestedBytes = requestedBytes;
    }

    /** Size of the allocation that failed. */
    public long requestedBytes() {
        return requestedBytes;
    }
}
