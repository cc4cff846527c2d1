package dev.solvent.examples.smoke;

import dev.solvent.backend.Backend;
import dev.solvent.gen.FluidGrid;
import dev.solvent.matrix.CsrMatrix;
import dev.solvent.solve.BoundSolver;
import dev.solvent.solve.SolveResult;
import dev.solvent.solve.SolverOptions;
import dev.solvent.solve.Solvers;
import dev.solvent.tune.TsallisInf;
import dev.solvent.tune.Tuner;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * PCGBandit's idea (Khodak et al.) in a smoke simulation: before each pressure solve a
 * Tsallis-INF bandit ({@link TsallisInf} from {@code dev.solvent.tune}) picks an arm, a
 * preconditioner with its parameter and whether to warm-start, and afterwards observes the cost of
 * that one solve. Over the run its total cost approaches that of the best fixed arm in hindsight.
 *
 * <p>Cost: by default iterations times the arm's modelled work per iteration ({@link WorkModel}),
 * in plain-CG-iteration units: deterministic, so a seed gives the same choices and the same
 * simulation. Alternatively ({@link CostKind#TIME}) the solve's wall time in microseconds, which
 * sees the real speed of each kernel on this machine but differs from run to run.
 *
 * <p>Each preconditioner (with its omega) is set up once per geometry, the first time an arm uses
 * it, and reused; warm and cold arms share it. An arm that fails to converge (an indefinite
 * preconditioner, the iteration limit) pays its iterations and the pressure is finished by the
 * backstop (IC(0)-PCG from where the arm stopped), whose cost is added, as PCGBandit's backstop does.
 *
 * <p>With {@code hindsight} on, every arm also solves every step's system (from the same previous
 * pressure; the results are discarded), giving each fixed arm's total cost on exactly the sequence
 * of systems the run met: the best fixed choice in hindsight, and the bandit's regret against it.
 */
final class BanditPressureSolver implements PressureSolver {

    /** What the tuner observes. */
    enum CostKind {
        /** Iterations times the arm's modelled work per iteration, in plain-CG-iteration units. */
        WORK,
        /** Wall time of the solve, in microseconds. */
        TIME
    }

    /** One choice: a preconditioner of the registry with its omega (for ssor), warm start or not. */
    record Arm(String preconditioner, double omega, boolean warm) {
        String key() {
            return preconditioner.equals("ssor") ? String.format(Locale.ROOT, "ssor(%.2f)", omega)
                    : preconditioner.equals("none") ? "cg" : preconditioner;
        }

        String label() {
            return key() + (warm ? "/warm" : "/cold");
        }
    }

    static final String BACKSTOP = "ic0";

    private final List<Arm> arms;
    private final SolverOptions options;
    private final Backend backend;
    private final CostKind costKind;
    private final boolean hindsight;
    private final Tuner tuner;
    private final Map<String, BoundSolver> bound = new LinkedHashMap<>();
    private CsrMatrix matrix;
    private int setups;
    private double[] scratch = new double[0];

    private final int[] choices;
    private final double[] hindsightCost;
    private final long[] hindsightIterations;
    private final double[] hindsightSeconds;
    private double totalCost;
    private int backstops;
    private boolean lastBackstopped;

    /**
     * @param arms      the choices (at least one); their preconditioner names must be in the registry
     * @param options   solver options (rtol, iteration limit); the initial guess is set per arm
     * @param seed      the tuner's seed
     * @param hindsight also solve every step with every arm, to find the best fixed arm in hindsight
     */
    BanditPressureSolver(List<Arm> arms, SolverOptions options, Backend backend, CostKind costKind, long seed,
                         boolean hindsight) {
        if (arms.isEmpty()) {
            throw new IllegalArgumentException("the bandit needs at least one arm");
        }
        for (Arm a : arms) {
            Solvers.preconditioner(a.preconditioner(), options.withOmega(a.omega()));
        }
        this.arms = List.copyOf(arms);
        this.options = options.withNonzeroInitialGuess(true);
        this.backend = backend;
        this.costKind = costKind;
        this.hindsight = hindsight;
        double[] index = new double[arms.size()];
        for (int i = 0; i < index.length; i++) {
            index[i] = i;
        }
        this.tuner = new TsallisInf(index, seed);
        this.choices = new int[arms.size()];
        this.hindsightCost = new double[arms.size()];
        this.hindsightIterations = new long[arms.size()];
        this.hindsightSeconds = new double[arms.size()];
    }

    /**
     * The default arms: plain CG, Jacobi, SSOR with omega 1.2, 1.5 and 1.8, IC(0), and AMG when the
     * registry has it, each warm and cold.
     */
    static List<Arm> defaultArms() {
        List<String> known = Solvers.preconditionerNames();
        List<Arm> list = new ArrayList<>();
        for (boolean warm : new boolean[] {true, false}) {
            list.add(new Arm("none", 1.0, warm));
            list.add(new Arm("jacobi", 1.0, warm));
            for (double omega : new double[] {1.2, 1.5, 1.8}) {
                list.add(new Arm("ssor", omega, warm));
            }
            list.add(new Arm("ic0", 1.0, warm));
            if (known.contains("amg")) {
                list.add(new Arm("amg", 1.0, warm));
            }
        }
        return list;
    }

    @Override
    public String label() {
        return "bandit";
    }

    @Override
    public void bind(CsrMatrix a, FluidGrid geometry) {
        closeBound();
        matrix = a;
        scratch = new double[a.rows()];
    }

    private BoundSolver boundFor(Arm arm) {
        BoundSolver s = bound.get(arm.key());
        if (s == null) {
            SolverOptions o = options.withOmega(arm.omega());
            s = Solvers.create("cg", arm.preconditioner(), o).setup(matrix, backend);
            bound.put(arm.key(), s);
            setups++;
        }
        return s;
    }

    private BoundSolver backstop() {
        return boundFor(new Arm(BACKSTOP, 1.0, true));
    }

    /** Runs one arm on (b, previous) into x: its iterations, seconds and cost, and the final result. */
    private PressureSolve run(Arm arm, double[] b, double[] previous, double[] x) {
        if (arm.warm()) {
            System.arraycopy(previous, 0, x, 0, x.length);
        } else {
            Arrays.fill(x, 0.0);
        }
        BoundSolver s = boundFor(arm);
        SolveResult r = s.solve(b, x);
        double cost = cost(arm, s, r);
        int iterations = r.iterations();
        double seconds = r.seconds();
        lastBackstopped = !r.converged();
        if (!r.converged()) {
            if (r.reason().name().startsWith("DIVERGED") && !r.reason().name().equals("DIVERGED_MAX_ITERATIONS")) {
                // A breakdown may leave x anywhere: the backstop starts over from the guess.
                System.arraycopy(arm.warm() ? previous : new double[x.length], 0, x, 0, x.length);
            }
            BoundSolver bs = backstop();
            r = bs.solve(b, x);
            iterations += r.iterations();
            seconds += r.seconds();
            cost += cost(new Arm(BACKSTOP, 1.0, true), bs, r);
        }
        return new PressureSolve(arm.label(), arm.warm(), iterations, seconds, r, cost);
    }

    private double cost(Arm arm, BoundSolver s, SolveResult r) {
        if (costKind == CostKind.TIME) {
            return r.seconds() * 1e6;
        }
        return r.iterations() * WorkModel.perIteration(arm.preconditioner(), matrix, s.setupReport())
                / WorkModel.plainCg(matrix);
    }

    @Override
    public PressureSolve solve(double[] b, double[] previous, double[] x) {
        if (matrix == null) {
            throw new IllegalStateException("bandit: solve before bind");
        }
        int i = tuner.choose(Double.NaN);
        Arm arm = arms.get(i);
        PressureSolve s = run(arm, b, previous, x);
        if (lastBackstopped) {
            backstops++;
        }
        tuner.observe(s.cost());
        choices[i]++;
        totalCost += s.cost();
        if (hindsight) {
            for (int j = 0; j < arms.size(); j++) {
                PressureSolve h = j == i ? s : run(arms.get(j), b, previous, scratch);
                hindsightCost[j] += h.cost();
                hindsightIterations[j] += h.iterations();
                hindsightSeconds[j] += h.seconds();
            }
        }
        return s;
    }

    List<Arm> arms() {
        return arms;
    }

    /** How often each arm was chosen. */
    int[] choices() {
        return choices.clone();
    }

    /** The tuner's total observed cost. */
    double totalCost() {
        return totalCost;
    }

    CostKind costKind() {
        return costKind;
    }

    boolean hindsight() {
        return hindsight;
    }

    /** Each arm's total cost over every step (only with hindsight on). */
    double[] hindsightCost() {
        return hindsightCost.clone();
    }

    long[] hindsightIterations() {
        return hindsightIterations.clone();
    }

    double[] hindsightSeconds() {
        return hindsightSeconds.clone();
    }

    /** Steps whose chosen arm failed and the backstop finished the solve. */
    int backstops() {
        return backstops;
    }

    /** The tuner's current distribution over the arms. */
    double[] probabilities() {
        return tuner.probabilities();
    }

    @Override
    public int setups() {
        return setups;
    }

    private void closeBound() {
        for (BoundSolver s : bound.values()) {
            s.close();
        }
        bound.clear();
    }

    @Override
    public void close() {
        closeBound();
    }
}
