package dev.solvent.examples.smoke;

import dev.solvent.backend.Backend;
import dev.solvent.gen.FluidGrid;
import dev.solvent.matrix.CsrMatrix;
import dev.solvent.solve.BoundSolver;
import dev.solvent.solve.IterativeSolver;
import dev.solvent.solve.SolveResult;
import java.util.Arrays;
import java.util.function.Function;

/**
 * One Solvent solver for every step: {@code setup} once per geometry, then the same
 * {@link BoundSolver} for every solve. With warm start the previous pressure is the initial guess
 * (the solver's options must ask for a nonzero initial guess); without, the solve starts from zero.
 */
final class FixedPressureSolver implements PressureSolver {

    private final String label;
    private final Function<FluidGrid, IterativeSolver> solverFor;
    private final Backend backend;
    private final boolean warm;
    private BoundSolver bound;
    private int setups;

    /**
     * @param solverFor builds the solver for a geometry (most ignore it; DCDM maps its unknowns onto
     *                  the grid); its options must have {@code nonzeroInitialGuess} set
     */
    FixedPressureSolver(String label, Function<FluidGrid, IterativeSolver> solverFor, Backend backend, boolean warm) {
        this.label = label;
        this.solverFor = solverFor;
        this.backend = backend;
        this.warm = warm;
    }

    @Override
    public String label() {
        return label;
    }

    @Override
    public void bind(CsrMatrix a, FluidGrid geometry) {
        if (bound != null) {
            bound.close();
            bound = null;
        }
        IterativeSolver solver = solverFor.apply(geometry);
        if (!solver.options().nonzeroInitialGuess()) {
            throw new IllegalArgumentException("the pressure solver's options must allow a nonzero initial guess");
        }
        bound = solver.setup(a, backend);
        setups++;
    }

    @Override
    public PressureSolve solve(double[] b, double[] previous, double[] x) {
        if (bound == null) {
            throw new IllegalStateException(label + ": solve before bind");
        }
        if (warm) {
            System.arraycopy(previous, 0, x, 0, x.length);
        } else {
            Arrays.fill(x, 0.0);
        }
        SolveResult r = bound.solve(b, x);
        return PressureSolve.of(label, warm, r);
    }

    @Override
    public int setups() {
        return setups;
    }

    @Override
    public void close() {
        if (bound != null) {
            bound.close();
            bound = null;
        }
    }
}
