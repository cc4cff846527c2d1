package dev.solvent.solve;

import dev.solvent.backend.SweepDirection;
import dev.solvent.multigrid.AmgOptions;
import dev.solvent.multigrid.AmgPreconditioner;
import dev.solvent.multigrid.MultigridSolver;
import dev.solvent.order.Ordering;
import dev.solvent.precond.AutoPreconditioner;
import dev.solvent.precond.Ic0;
import dev.solvent.precond.Jacobi;
import dev.solvent.precond.Mic0;
import dev.solvent.precond.NoPreconditioner;
import dev.solvent.precond.Preconditioner;
import dev.solvent.precond.PreconditionerOptions;
import dev.solvent.precond.SsorPreconditioner;
import java.util.ArrayList;
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
 *   <tr><td>solvers</td><td>{@code cg}, {@code sor}, {@code ssor}, {@code gs}, {@code gs-backward},
 *       {@code gs-symmetric}, the multicolour ones {@code sor-mc}, {@code ssor-mc}, {@code gs-mc},
 *       {@code gs-backward-mc}, {@code gs-symmetric-mc}, and {@code amg}</td></tr>
 *   <tr><td>preconditioners</td><td>{@code none}, {@code jacobi}, {@code ssor}, {@code ssor-mc},
 *       {@code amg}, {@code ic0}, {@code mic0}, {@code auto}</td></tr>
 * </table>
 *
 * Only {@code cg} takes a preconditioner; the stationary solvers (the multigrid iteration
 * {@code amg} among them) are preconditioners of themselves and reject any other than {@code none}.
 * Names without {@code -mc} visit rows in the natural order, names with it colour by colour
 * ({@link Ordering}). The {@code amg} entries take their own options ({@link AmgOptions}), the
 * incomplete Cholesky ones theirs ({@link PreconditionerOptions}), through the longer forms of
 * {@link #create} and {@link #preconditioner}; elsewhere they use the defaults.
 *
 * <p>{@code auto} picks a robust preconditioner for an SPD matrix: {@code amg} when the registry
 * has a preconditioner of that name, shifted IC(0) otherwise; the preconditioner that runs reports
 * its own name, and its setup report says what was chosen and why.
 */
public final class Solvers {

    private static final Map<String, BiFunction<SolverOptions, Preconditioner, IterativeSolver>> SOLVERS = new LinkedHashMap<>();
    private static final Map<String, Function<SolverOptions, Preconditioner>> PRECONDITIONERS = new LinkedHashMap<>();
    /** Preconditioners that take {@link PreconditionerOptions} as well; listed after the others. */
    private static final Map<String, BiFunction<SolverOptions, PreconditionerOptions, Preconditioner>> CONFIGURED =
            new LinkedHashMap<>();

    static {
        SOLVERS.put("cg", ConjugateGradient::new);
        SOLVERS.put("sor", (o, pc) -> StationaryIteration.sor(o));
        SOLVERS.put("ssor", (o, pc) -> StationaryIteration.ssor(o));
        SOLVERS.put("gs", (o, pc) -> StationaryIteration.gaussSeidel(o, SweepDirection.FORWARD));
        SOLVERS.put("gs-backward", (o, pc) -> StationaryIteration.gaussSeidel(o, SweepDirection.BACKWARD));
        SOLVERS.put("gs-symmetric", (o, pc) -> StationaryIteration.gaussSeidel(o, SweepDirection.SYMMETRIC));
        SOLVERS.put("sor-mc", (o, pc) -> StationaryIteration.sor(o, Ordering.MULTICOLOUR));
        SOLVERS.put("ssor-mc", (o, pc) -> StationaryIteration.ssor(o, Ordering.MULTICOLOUR));
        SOLVERS.put("gs-mc", (o, pc) -> StationaryIteration.gaussSeidel(o, SweepDirection.FORWARD, Ordering.MULTICOLOUR));
        SOLVERS.put("gs-backward-mc", (o, pc) -> StationaryIteration.gaussSeidel(o, SweepDirection.BACKWARD, Ordering.MULTICOLOUR));
        SOLVERS.put("gs-symmetric-mc", (o, pc) -> StationaryIteration.gaussSeidel(o, SweepDirection.SYMMETRIC, Ordering.MULTICOLOUR));
        SOLVERS.put("amg", (o, pc) -> new MultigridSolver(o));

        PRECONDITIONERS.put("none", o -> NoPreconditioner.INSTANCE);
        PRECONDITIONERS.put("jacobi", o -> new Jacobi());
        PRECONDITIONERS.put("ssor", o -> new SsorPreconditioner(o.omega()));
        PRECONDITIONERS.put("ssor-mc", o -> new SsorPreconditioner(o.omega(), Ordering.MULTICOLOUR));
        PRECONDITIONERS.put("amg", o -> new AmgPreconditioner());

        CONFIGURED.put("ic0", (o, p) -> new Ic0(p.shift()));
        CONFIGURED.put("mic0", (o, p) -> new Mic0(p.micRelaxation(), p.shift()));
        CONFIGURED.put("auto", (o, p) -> auto(o, p, PRECONDITIONERS.containsKey("amg")));
    }

    /** The name {@code auto} resolves to {@code amg} when registered. */
    static final String AMG = "amg";

    /**
     * The robust default for an SPD matrix: algebraic multigrid when the registry has it
     * ({@code amgAvailable}), else IC(0) with the diagonal shift on breakdown (the options' shift
     * policy, on by default).
     */
    static Preconditioner auto(SolverOptions options, PreconditionerOptions pc, boolean amgAvailable) {
        if (amgAvailable) {
            return new AutoPreconditioner(PRECONDITIONERS.get(AMG).apply(options), "algebraic multigrid is registered;"
                    + " its iteration counts barely grow with the problem size on SPD (elliptic) problems");
        }
        BiFunction<SolverOptions, PreconditionerOptions, Preconditioner> ic0 = CONFIGURED.get("ic0");
        return new AutoPreconditioner(ic0.apply(options, pc), "no amg in the registry; IC(0) with a diagonal shift on"
                + " breakdown (shift policy " + pc.shift() + ") completes on every SPD matrix");
    }

    private Solvers() {
    }

    /** Solver names, in registry order. */
    public static List<String> solverNames() {
        return List.copyOf(SOLVERS.keySet());
    }

    /** Preconditioner names, in registry order. */
    public static List<String> preconditionerNames() {
        List<String> names = new ArrayList<>(PRECONDITIONERS.keySet());
        names.addAll(CONFIGURED.keySet());
        return List.copyOf(names);
    }

    /**
     * The preconditioner of that name with default {@link PreconditionerOptions}; {@code ssor} takes
     * its omega from the options.
     *
     * @throws IllegalArgumentException for an unknown name, listing the known ones
     */
    public static Preconditioner preconditioner(String name, SolverOptions options) {
        return preconditioner(name, options, PreconditionerOptions.defaults());
    }

    /**
     * The preconditioner of that name; {@code ssor} takes its omega from the solver options,
     * {@code ic0} and {@code mic0} their shift policy and relaxation from {@code pcOptions}.
     *
     * @throws IllegalArgumentException for an unknown name, listing the known ones
     */
    public static Preconditioner preconditioner(String name, SolverOptions options, PreconditionerOptions pcOptions) {
        String key = normalise(name);
        java.util.Objects.requireNonNull(pcOptions, "pcOptions");
        BiFunction<SolverOptions, PreconditionerOptions, Preconditioner> configured = CONFIGURED.get(key);
        if (configured != null) {
            return configured.apply(options, pcOptions);
        }
        Function<SolverOptions, Preconditioner> factory = PRECONDITIONERS.get(key);
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
        return create(solver, preconditioner, options, PreconditionerOptions.defaults());
    }

    /**
     * The solver of that name with the named preconditioner, configured by {@code pcOptions}.
     *
     * @throws IllegalArgumentException for an unknown name, a preconditioner on a stationary solver,
     *                                  or options that cannot stop a solve (rtol and atol both 0)
     */
    public static IterativeSolver create(String solver, String preconditioner, SolverOptions options,
                                         PreconditionerOptions pcOptions) {
        java.util.Objects.requireNonNull(options, "options").requireStoppable();
        BiFunction<SolverOptions, Preconditioner, IterativeSolver> factory = SOLVERS.get(normalise(solver));
        if (factory == null) {
            throw new IllegalArgumentException("unknown solver '" + solver + "'; choose one of " + solverNames());
        }
        Preconditioner pc = preconditioner(preconditioner, options, pcOptions);
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
        return preconditioner(name, options, PreconditionerOptions.defaults(), amg);
    }

    /**
     * The preconditioner of that name with both kinds of options: {@code pcOptions} for
     * {@code ic0} and {@code mic0}, {@code amg} for {@code amg} (also when {@code auto} chooses it).
     *
     * @throws IllegalArgumentException for an unknown name, and for the F-cycle (not symmetric)
     */
    public static Preconditioner preconditioner(String name, SolverOptions options, PreconditionerOptions pcOptions,
                                                AmgOptions amg) {
        java.util.Objects.requireNonNull(amg, "amg options");
        return withAmgOptions(preconditioner(name, options, pcOptions), amg);
    }

    private static Preconditioner withAmgOptions(Preconditioner pc, AmgOptions amg) {
        if (pc instanceof AmgPreconditioner) {
            return new AmgPreconditioner(amg);
        }
        if (pc instanceof AutoPreconditioner auto && auto.chosen() instanceof AmgPreconditioner) {
            return new AutoPreconditioner(new AmgPreconditioner(amg), auto.why());
        }
        return pc;
    }

    /**
     * As {@link #create(String, String, SolverOptions)}, with {@code amg}'s own options for the
     * {@code amg} preconditioner and the {@code amg} solver (other names ignore them).
     *
     * @throws IllegalArgumentException as the three-argument form, and for the F-cycle as a CG
     *                                  preconditioner (it is not symmetric)
     */
    public static IterativeSolver create(String solver, String preconditioner, SolverOptions options, AmgOptions amg) {
        return create(solver, preconditioner, options, PreconditionerOptions.defaults(), amg);
    }

    /**
     * The solver of that name with the named preconditioner, configured by both kinds of options:
     * {@code pcOptions} for {@code ic0} and {@code mic0}, {@code amg} for the {@code amg}
     * preconditioner (also when {@code auto} chooses it) and the {@code amg} solver.
     *
     * @throws IllegalArgumentException as the three-argument form, and for the F-cycle as a CG
     *                                  preconditioner (it is not symmetric)
     */
    public static IterativeSolver create(String solver, String preconditioner, SolverOptions options,
                                         PreconditionerOptions pcOptions, AmgOptions amg) {
        java.util.Objects.requireNonNull(amg, "amg options");
        IterativeSolver s = create(solver, preconditioner, options, pcOptions);
        if (s instanceof MultigridSolver) {
            return new MultigridSolver(options, amg);
        }
        if (s instanceof ConjugateGradient cg) {
            Preconditioner pc = withAmgOptions(cg.preconditioner(), amg);
            if (pc != cg.preconditioner()) {
                return new ConjugateGradient(options, pc);
            }
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
