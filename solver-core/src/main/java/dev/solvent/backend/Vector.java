package dev.solvent.backend;

/**
 * A vector owned by a {@link Backend}: Java heap memory for the CPU backends, device memory for
 * CUDA. Solvers only pass vectors back to the backend that made them.
 */
public interface Vector {

    /** Number of entries. */
    int length();
}
