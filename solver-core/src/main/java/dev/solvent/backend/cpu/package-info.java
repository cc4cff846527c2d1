/**
 * The multithreaded CPU backend: {@link dev.solvent.backend.cpu.ParallelCpuBackend} (registered
 * as {@code cpu} in {@link dev.solvent.backend.Backends}), the
 * {@link dev.solvent.backend.cpu.WorkerPool} it runs on, and the operators it binds
 * ({@link dev.solvent.backend.cpu.ParallelCsr}, {@link dev.solvent.backend.cpu.BoundStencil}).
 *
 * <p>Everything here is built so that a solver iteration allocates nothing and hands off to the
 * pool's threads in about a microsecond or less: the threads are created once, the parallel regions
 * are preallocated task objects whose fields are set per call, and the partitions of operators
 * are computed when they are bound. The loops themselves live in a package-private class of
 * static methods over raw arrays, one per kernel.
 *
 * <p>The kernels are tested against {@link dev.solvent.backend.ReferenceBackend} on random
 * inputs for several thread counts; element-wise results agree bit for bit, reductions to
 * rounding (their summation order depends on the split, and is fixed for a given thread count).
 */
package dev.solvent.backend.cpu;
