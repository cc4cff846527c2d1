package dev.solvent.solve;

import dev.solvent.backend.SweepDirection;
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
 *   <tr><td>solvers</td><td>{@code cg}, {@code sor}, {@code ssor}, {@code gs}, {@code gs-backward}, {@code gs-symmetric}</td></tr>
 *   <tr><td>preconditioners</td><td>{@code none}, {@code jacobi}, {@code ssor}, {@code ic0}</td></tr>
 * </table>
 *
 * Only {@code cg} takes a preconditioner; the stationary solvers are preconditioners of
 * themselves and reject any other than {@code none}.
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

        PRECONDITIONERS.put("none", o -> NoPreconditioner.INSTANCE);
        PRECONDITIONERS.put("jacobi", o -> new Jacobi());
        PRECONDITIONERS.put("ssor", o -> new SsorPreconditioner(o.omega()));
        PRECONDITIONERS.put("ic0", o -> new Ic0());
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

    private static String normalise(String name) {
        if (name == null) {
            throw new IllegalArgumentException("a solver or preconditioner name is required");
        }
        return name.trim().toLowerCase(Locale.ROOT);
    }
}
