package dev.solvent.solve;

import dev.solvent.backend.SweepDirection;
import dev.solvent.multigrid.AmgOptions;
import dev.solvent.multigrid.AmgPreconditioner;
import dev.solvent.multigrid.MultigridSolver;
import dev.solvent.precond.Ic0;
import dev.solvent.precond.Jacobi;
import dev.solvent.precond.NoPreconditioner;
import dev.solvent.precond.Preconditioner;
import dev.solvent.precond.SsorPreconditioner;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The registry of solver and preconditioner names (PETSc's KSPType / PCType tables). One table
 * drives the command line, the JMH {@code @Param}s and a tuner's search space.
 *
 * <table>
 *   <caption>Names</caption>
 *   <tr><td>solvers</td><td>{@code cg}, {@code sor}, {@code ssor}, {@code gs}, {@code gs-backward}, {@code gs-symmetric}, {@code amg}</td></tr>
 *   <tr><td>preconditioners</td><td>{@code none}, {@code jacobi}, {@code ssor}, {@code ic0}, {@code amg}</td></tr>
 * </table>
 *
 * Only {@code cg} takes a preconditioner; the stationary solvers (the multigrid iteration
 * {@code amg} among them) are preconditioners of themselves and reject any other than {@code none}.
 * The {@code amg} entries take their own options ({@link AmgOptions}) through
 * {@link #create(String, String, SolverOptions, AmgOptions)}; elsewhere they use the defaults.
 */
public final class Solvers {

    private static final Map<String, BiFunction<SolverOptions, Preconditioner, IterativeSolver>> SOLVERS = new LinkedHashMap<>();
    private static final Map<String, Function<SolverOptions, Preconditioner>> PRECONDITIONERS = new LinkedHashMap<>();

    static {
        SOLVERS.put("cg", ConjugateGradient::new);
        SOLVERS.put("sor", (o, pc) -> StationaryIteration.sor(o));
        SOLVERS.put("ssor", (o, pc) -> StationaryIteration.ssor(o));
        SOLVERS.put("gs", (o, pc) -> StationaryIteration.gaussSeidel(o, SweepDirection.FORWARD));
        SOLVERS.put("gs-backward", (o, pc) -> StationaryIteration.gaussSeidel(o, SweepDirection.BACKWARD));
        SOLVERS.put("gs-symmetric", (o, pc) -> StationaryIteration.gaussSeidel(o, SweepDirection.SYMMETRIC));
        SOLVERS.put("amg", (o, pc) -> new MultigridSolver(o));

        PRECONDITIONERS.put("none", o -> NoPreconditioner.INSTANCE);
        PRECONDITIONERS.put("jacobi", o -> new Jacobi());
        PRECONDITIONERS.put("ssor", o -> new SsorPreconditioner(o.omega()));
        PRECONDITIONERS.put("ic0", o -> new Ic0());
        PRECONDITIONERS.put("amg", o -> new AmgPreconditioner());
    }

    private Solvers() {
    }

    /** Solver names, in registry order. */
    public static List<String> solverNames() {
        return List.copyOf(SOLVERS.keySet());
    }

    /** Preconditioner names, in registry order. */
    public static List<String> preconditionerNames() {
        return List.copyOf(PRECONDITIONERS.keySet());
    }

    /**
     * The preconditioner of that name; {@code ssor} takes its omega from the options.
     *
     * @throws IllegalArgumentException for an unknown name, listing the known ones
     */
    public static Preconditioner preconditioner(String name, SolverOptions options) {
        Function<SolverOptions, Preconditioner> factory = PRECONDITIONERS.get(normalise(name));
        if (factory == null) {
            throw new IllegalArgumentException("unknown preconditioner '" + name + "'; choose one of " + preconditionerNames());
        }
        return factory.apply(options);
    }

    /**
     * The solver of that name with the named preconditioner.
     *
     * @throws IllegalArgumentException for an unknown name, a preconditioner on a stationary solver,
     *                                  or options that cannot stop a solve (rtol and atol both 0)
     */
    public static IterativeSolver create(String solver, String preconditioner, SolverOptions options) {
        java.util.Objects.requireNonNull(options, "options").requireStoppable();
        BiFunction<SolverOptions, Preconditioner, IterativeSolver> factory = SOLVERS.get(normalise(solver));
        if (factory == null) {
            throw new IllegalArgumentException("unknown solver '" + solver + "'; choose one of " + solverNames());
        }
        Preconditioner pc = preconditioner(preconditioner, options);
        if (!normalise(solver).equals("cg") && !(pc instanceof NoPreconditioner)) {
            throw new IllegalArgumentException("solver '" + solver + "' takes no preconditioner (got '"
                    + preconditioner + "'); preconditioners apply to cg");
        }
        return factory.apply(options, pc);
    }

    /**
     * As {@link #preconditioner(String, SolverOptions)}, with {@code amg}'s own options for
     * {@code amg} (other names ignore them).
     *
     * @throws IllegalArgumentException as the two-argument form, and for the F-cycle (not symmetric)
     */
    public static Preconditioner preconditioner(String name, SolverOptions options, AmgOptions amg) {
        java.util.Objects.requireNonNull(amg, "amg options");
        Preconditioner pc = preconditioner(name, options);
        return pc instanceof AmgPreconditioner ? new AmgPreconditioner(amg) : pc;
    }

    /**
     * As {@link #create(String, String, SolverOptions)}, with {@code amg}'s own options for the
     * {@code amg} preconditioner and the {@code amg} solver (other names ignore them).
     *
     * @throws IllegalArgumentException as the three-argument form, and for the F-cycle as a CG
     *                                  preconditioner (it is not symmetric)
     */
    public static IterativeSolver create(String solver, String preconditioner, SolverOptions options, AmgOptions amg) {
        java.util.Objects.requireNonNull(amg, "amg options");
        IterativeSolver s = create(solver, preconditioner, options);
        if (s instanceof MultigridSolver) {
            return new MultigridSolver(options, amg);
        }
        if (s instanceof ConjugateGradient cg && cg.preconditioner() instanceof AmgPreconditioner) {
            return new ConjugateGradient(options, new AmgPreconditioner(amg));
        }
        return s;
    }

    private static String normalise(String name) {
        if (name == null) {
            throw new IllegalArgumentException("a solver or preconditioner name is required");
        }
        return name.trim().toLowerCase(Locale.ROOT);
    }
}
