package dev.solvent.examples.smoke;

import dev.solvent.gen.FluidGrid;
import dev.solvent.matrix.CsrMatrix;

/**
 * How the projection solves its pressure system {@code A p = b}: one Solvent solver chosen by name
 * ({@link PressureSolvers#create}), or a tuner choosing among several each step.
 *
 * <p>{@link #bind} is called once per geometry (the matrix changes only when the cell types do): it
 * runs Solvent's {@code setup} (factorisation, hierarchy, network upload). {@link #solve} is called
 * every step on the bound solver.
 */
public interface PressureSolver extends AutoCloseable {

    /** Name in tables and plots, such as {@code ic0} or {@code bandit}. */
    String label();

    /**
     * Binds to the pressure matrix of a new geometry, releasing what was bound before.
     *
     * @param a        the matrix of {@code geometry.pressureProblem}, one unknown per FLUID cell
     * @param geometry the cell types it was built from (for solvers that need the grid, such as DCDM)
     */
    void bind(CsrMatrix a, FluidGrid geometry);

    /**
     * Solves {@code A x = b}.
     *
     * @param previous the previous step's pressure in the current numbering (zero where unknown):
     *                 the initial guess when warm-starting
     * @param x        receives the pressure
     */
    PressureSolve solve(double[] b, double[] previous, double[] x);

    /** How many times {@code setup} has run (per method, summed), for reports and tests. */
    int setups();

    @Override
    void close();
}
