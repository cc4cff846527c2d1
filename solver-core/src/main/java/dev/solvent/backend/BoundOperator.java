package dev.solvent.backend;

import dev.solvent.matrix.LinearOperator;

/**
 * A {@link LinearOperator} prepared for one backend: uploaded to the device, partitioned over
 * threads, or otherwise made ready for that backend's kernels. Made by {@link Backend#bind}.
 */
public interface BoundOperator extends AutoCloseable {

    /** The operator this was bound from. */
    LinearOperator source();

    default int rows() {
        return source().rows();
    }

    default int cols() {
        return source().cols();
    }

    /**
     * What binding prepared for the kernels, for setup reports: a level schedule's size, a
     * colouring, where the data lives. Values are strings, numbers or booleans; empty by default.
     */
    default java.util.Map<String, Object> report() {
        return java.util.Map.of();
    }

    /** Releases backend resources (device memory); a no-op on host backends. */
    @Override
    default void close() {
    }
}
