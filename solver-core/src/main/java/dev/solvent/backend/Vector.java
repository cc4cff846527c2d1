package dev.solvent.backend;

/**
 * A vector owned by a {@link Backend}: Java heap memory for the CPU backends, device memory for
 * CUDA. Solvers only pass vectors back to the backend that made them.
 */
public interface Vector extends AutoCloseable {

    /** Number of entries. */
    int length();

    /**
     * Releases the vector's memory now (device memory on a GPU backend; nothing on the host, where
     * the garbage collector does it). Using a closed vector is an error. Solvers close the work
     * vectors they allocate when they are closed, so repeated solves do not depend on the garbage
     * collector to give device memory back.
     */
    @Override
    default void close() {
    }
}
