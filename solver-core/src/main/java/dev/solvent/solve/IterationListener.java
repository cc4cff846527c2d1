package dev.solvent.solve;

/**
 * Sees every iteration of a solve (PETSc monitors, Ginkgo loggers). Nothing is attached by
 * default, so an unmonitored solve pays nothing. Called on the solving thread: keep it cheap.
 */
@FunctionalInterface
public interface IterationListener {

    /**
     * @param iteration    iterations completed (0 for the initial residual)
     * @param residualNorm the 2-norm of the residual the iteration tracks
     */
    void onIteration(int iteration, double residualNorm);
}
