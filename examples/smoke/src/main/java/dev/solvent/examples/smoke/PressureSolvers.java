package dev.solvent.examples.smoke;

import dev.solvent.backend.Backend;
import dev.solvent.dcdm.Dcdm;
import dev.solvent.dcdm.DcdmNetwork;
import dev.solvent.dcdm.GridMap;
import dev.solvent.solve.SolverOptions;
import dev.solvent.solve.Solvers;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Pressure solvers by name. Every name but two goes to Solvent's registry as the preconditioner of
 * CG ({@code Solvers.create("cg", name, options)}), so whatever the registry gains ({@code amg},
 * {@code auto}, ...) works here unchanged, and a name it lacks is refused with its list:
 * <ul>
 *   <li>{@code cg} (or {@code none}): plain CG; {@code jacobi}, {@code ssor}, {@code ic0}, ...: PCG;</li>
 *   <li>{@code dcdm}: the Deep Conjugate Direction Method with a trained network (the shipped
 *       {@code dcdm-fluid-ml8} unless the configuration names a model), combined mode, k previous
 *       directions, IC(0) fallback; 3D only (the shipped models are 3D);</li>
 *   <li>{@code bandit}: a Tsallis-INF tuner choosing per step among plain CG, Jacobi, SSOR(1.2, 1.5,
 *       1.8), IC(0) and AMG when registered, each warm or cold ({@link BanditPressureSolver}).</li>
 * </ul>
 */
public final class PressureSolvers {

    /** Classpath location of the shipped multilevel DCDM model (module solvent-testdata). */
    public static final String SHIPPED_DCDM_MODEL = "dev/solvent/testdata/dcdm/dcdm-fluid-ml8";

    private PressureSolvers() {
    }

    /** The names this factory accepts now: the registry's preconditioners plus {@code cg}, {@code dcdm}, {@code bandit}. */
    public static List<String> names() {
        List<String> names = new ArrayList<>();
        names.add("cg");
        for (String pc : Solvers.preconditionerNames()) {
            if (!pc.equals("none")) {
                names.add(pc);
            }
        }
        names.add("dcdm");
        names.add("bandit");
        return names;
    }

    /**
     * The pressure solver of that name; it is bound to a matrix by the projection.
     *
     * @throws IllegalArgumentException for a name neither here nor in the registry (the message
     *                                  lists the known names), or dcdm in 2D
     */
    public static PressureSolver create(String name, SmokeConfig config, Backend backend) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a pressure solver name is required; choose one of " + names());
        }
        String key = name.trim().toLowerCase(Locale.ROOT);
        SolverOptions options = SolverOptions.defaults().withRtol(config.rtol()).withMaxIterations(config.maxIterations())
                .withOmega(config.omega()).withNonzeroInitialGuess(true).withRecordHistory(false);
        String label = key + (config.warmStart() ? "" : " (cold)");
        switch (key) {
            case "bandit":
                return new BanditPressureSolver(BanditPressureSolver.defaultArms(), options, backend,
                        BanditPressureSolver.CostKind.valueOf(config.banditCost().toUpperCase(Locale.ROOT)),
                        config.seed(), config.hindsight());
            case "dcdm":
                if (config.dims() != 3) {
                    throw new IllegalArgumentException("dcdm needs --dims 3: the DCDM models are 3D networks");
                }
                DcdmNetwork net = loadDcdm(config);
                Dcdm.Settings settings = Dcdm.Settings.defaults().withDirections(config.dcdmDirections()).withCombine(true);
                return new FixedPressureSolver(label, grid -> new Dcdm(options, net, GridMap.of(grid), settings),
                        backend, config.warmStart());
            default:
                String pc = key.equals("cg") ? "none" : key;
                try {
                    Solvers.create("cg", pc, options); // refused now, not at the first step
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("pressure solver '" + name + "': " + e.getMessage()
                            + "; besides those: cg, dcdm, bandit", e);
                }
                return new FixedPressureSolver(label, grid -> Solvers.create("cg", pc, options), backend, config.warmStart());
        }
    }

    /** The configured DCDM model, or the shipped one from the classpath. */
    static DcdmNetwork loadDcdm(SmokeConfig config) {
        try {
            if (config.dcdmModel() != null) {
                return DcdmNetwork.load(config.dcdmModel());
            }
            ClassLoader loader = PressureSolvers.class.getClassLoader();
            try (InputStream json = loader.getResourceAsStream(SHIPPED_DCDM_MODEL + ".json");
                 InputStream weights = loader.getResourceAsStream(SHIPPED_DCDM_MODEL + ".safetensors")) {
                if (json == null || weights == null) {
                    throw new IllegalStateException("the shipped DCDM model " + SHIPPED_DCDM_MODEL
                            + " is not on the classpath (it comes with solvent-testdata)");
                }
                return DcdmNetwork.load(json, weights, "classpath:" + SHIPPED_DCDM_MODEL);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the DCDM model: " + e.getMessage(), e);
        }
    }
}
