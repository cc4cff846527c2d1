package dev.solvent.jmh.peers;

import dev.solvent.backend.Backend;
import dev.solvent.backend.Backends;
import dev.solvent.gen.Generators;
import dev.solvent.gen.Problem;
import dev.solvent.io.MatrixMarket;
import dev.solvent.matrix.CsrMatrix;
import dev.solvent.matrix.LinearOperator;
import dev.solvent.matrix.Stencil7Operator;
import dev.solvent.solve.BoundSolver;
import dev.solvent.solve.IterativeSolver;
import dev.solvent.solve.SolveResult;
import dev.solvent.solve.SolverOptions;
import dev.solvent.solve.Solvers;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Solvent's side of the multigrid comparison ({@code bench/amg/run.sh}): one matrix, one solver and
 * preconditioner named as in the registry ({@code cg} with {@code none}, {@code ic0}, {@code amg},
 * ...), set up once (timed), then {@code --repeats} solves, each from a zero initial guess and
 * timed on its own. For every solve it prints one JSON line with the timings, the iterations, the
 * solver's reason and the true relative residual {@code ||b - A x|| / ||b||} that this class
 * recomputes with its own loops over the CSR arrays (not the library's kernels). The PETSc and
 * pyamg drivers beside the script print the same fields.
 *
 * <pre>
 *   java -cp jmh/target/benchmarks.jar dev.solvent.jmh.peers.PressureSolveComparison
 *        --matrix A.mtx [--rhs b.mtx] [--solver cg] [--pc ic0] [--threads 1] [--backend cpu]
 *        [--operator csr] [--rtol 1e-8] [--max-iter 10000] [--repeats 3] [--warmup-grid 40]
 *        [--problem NAME] [--round 1]
 *   java -cp jmh/target/benchmarks.jar dev.solvent.jmh.peers.PressureSolveComparison --list
 * </pre>
 *
 * <ul>
 *   <li>{@code --list} prints the registry's solver and preconditioner names.</li>
 *   <li>Without {@code --rhs}, b = A * ones (computed here).</li>
 *   <li>Stopping rule: Solvent's own, {@code ||b - A x_k||_2 <= rtol ||b||_2} with x_0 = 0, on the
 *       recursively updated residual and confirmed on the true one.</li>
 *   <li>{@code --operator stencil} solves with the matrix-free 7-point stencil
 *       ({@link Stencil7Operator}) in place of the assembled matrix; the matrix must be the 3D
 *       Poisson matrix of an N^3 grid ({@code solvent generate poisson3d}), which is checked entry by
 *       entry. The method's name gains {@code -stencil}. AMG builds its hierarchy from the stencil's
 *       assembled matrix and applies the stencil on the finest level.</li>
 *   <li>{@code --warmup-grid g} first sets up and solves the same method on a g^3 Poisson problem,
 *       untimed, so that the timed runs measure compiled code rather than the JIT's start (the
 *       default, 40^3, runs the setup's loops often enough to have most of them compiled; 16^3
 *       leaves about half a second of a 128^3 AMG setup to the interpreter and the first compiler,
 *       and 40^3 still leaves some: the sparse-product kernel, optimised early in the warm-up, is
 *       thrown out when the warm-up's coarse levels bring longer rows, and optimised again only
 *       about a second into the 128^3 setup; a 64^3 warm-up made the first 128^3 setup on one
 *       thread 0.05 to 0.24 s faster in six interleaved pairs of runs, 2026-12-04); 0 skips it.</li>
 *   <li>A name that this build's registry lacks prints a {@code "kind": "unavailable"} line and exits
 *       0; a setup or solve that throws prints {@code "kind": "failed"} with the message and exits 1.</li>
 * </ul>
 *
 * <p>Every line holds {@code kind}, {@code tool}, {@code method}, {@code problem}, {@code round},
 * {@code parallel} (threads); a {@code "solve"} line adds {@code repeat}, {@code setupSeconds},
 * {@code solveSeconds}, {@code iterations}, {@code reason}, {@code converged} (the solver's claim),
 * {@code relativeResidual} (recomputed here), {@code solverRelativeResidual},
 * {@code operatorComplexity}, {@code gridComplexity}, {@code levels} (null when setup reports none)
 * and {@code setup}, the bound solver's whole setup report.
 */
public final class PressureSolveComparison {

    /** What one invocation runs. */
    record Config(Path matrix, Path rhs, String solver, String pc, String backend, boolean stencil, int threads,
                  double rtol, int maxIterations, int repeats, int warmupGrid, String problem, int round) {

        String method() {
            return (pc.equals("none") ? solver : solver + "+" + pc) + (stencil ? "-stencil" : "");
        }
    }

    private PressureSolveComparison() {
    }

    public static void main(String[] args) {
        if (args.length == 1 && args[0].equals("--list")) {
            System.out.println("solvers: " + String.join(" ", Solvers.solverNames()));
            System.out.println("preconditioners: " + String.join(" ", Solvers.preconditionerNames()));
            return;
        }
        Config config;
        try {
            config = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("PressureSolveComparison: " + e.getMessage());
            System.exit(2);
            return;
        }
        System.exit(run(config, System.out));
    }

    static Config parse(String[] args) {
        Path matrix = null;
        Path rhs = null;
        String solver = "cg";
        String pc = "none";
        String backend = "cpu";
        int threads = 1;
        double rtol = 1e-8;
        int maxIterations = 10_000;
        int repeats = 3;
        int warmupGrid = 40;
        boolean stencil = false;
        String problem = null;
        int round = 1;
        for (int i = 0; i < args.length; i++) {
            String key = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(key + " needs a value");
            }
            String value = args[++i];
            try {
                switch (key) {
                    case "--matrix" -> matrix = Path.of(value);
                    case "--rhs" -> rhs = Path.of(value);
                    case "--solver" -> solver = value.trim().toLowerCase(Locale.ROOT);
                    case "--pc" -> pc = value.trim().toLowerCase(Locale.ROOT);
                    case "--backend" -> backend = value;
                    case "--operator" -> stencil = switch (value) {
                        case "csr" -> false;
                        case "stencil" -> true;
                        default -> throw new IllegalArgumentException("--operator must be csr or stencil, got " + value);
                    };
                    case "--threads" -> threads = Integer.parseInt(value);
                    case "--rtol" -> rtol = Double.parseDouble(value);
                    case "--max-iter" -> maxIterations = Integer.parseInt(value);
                    case "--repeats" -> repeats = Integer.parseInt(value);
                    case "--warmup-grid" -> warmupGrid = Integer.parseInt(value);
                    case "--problem" -> problem = value;
                    case "--round" -> round = Integer.parseInt(value);
                    default -> throw new IllegalArgumentException("unknown option " + key);
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + ": not a number: " + value);
            }
        }
        if (matrix == null) {
            throw new IllegalArgumentException("--matrix A.mtx is required");
        }
        if (repeats < 1 || threads < 1 || warmupGrid < 0 || maxIterations < 1) {
            throw new IllegalArgumentException("--repeats, --threads and --max-iter must be positive, --warmup-grid non-negative");
        }
        if (problem == null) {
            String name = matrix.getFileName().toString();
            problem = name.endsWith(".mtx") ? name.substring(0, name.length() - 4) : name;
        }
        return new Config(matrix, rhs, solver, pc, backend, stencil, threads, rtol, maxIterations, repeats, warmupGrid,
                problem, round);
    }

    /** Runs the configuration, printing one JSON line per solve to {@code out}; returns the exit code. */
    static int run(Config c, PrintStream out) {
        if (!Solvers.solverNames().contains(c.solver())) {
            out.println(header("unavailable", c).put("reason", "no solver '" + c.solver() + "' in this build's registry "
                    + Solvers.solverNames()));
            return 0;
        }
        if (!Solvers.preconditionerNames().contains(c.pc())) {
            out.println(header("unavailable", c).put("reason", "no preconditioner '" + c.pc()
                    + "' in this build's registry " + Solvers.preconditionerNames()));
            return 0;
        }
        SolverOptions options = SolverOptions.defaults().withRtol(c.rtol()).withMaxIterations(c.maxIterations())
                .withRecordHistory(false);
        try {
            CsrMatrix a = MatrixMarket.readMatrix(c.matrix());
            if (!a.isSquare()) {
                throw new IllegalArgumentException(c.matrix() + ": the matrix is " + a.rows() + " x " + a.cols() + ", not square");
            }
            double[] b;
            if (c.rhs() != null) {
                b = MatrixMarket.readVector(c.rhs());
                if (b.length != a.rows()) {
                    throw new IllegalArgumentException(c.rhs() + ": " + b.length + " entries, the matrix has " + a.rows() + " rows");
                }
            } else {
                double[] ones = new double[a.cols()];
                java.util.Arrays.fill(ones, 1.0);
                b = multiply(a, ones);
            }
            LinearOperator operator = c.stencil() ? poissonStencil(a, c.matrix()) : a;
            IterativeSolver iterative = Solvers.create(c.solver(), c.pc(), options);
            try (Backend backend = Backends.byName(c.backend(), c.threads())) {
                if (c.warmupGrid() > 0) {
                    Problem w = Generators.poisson3d(c.warmupGrid());
                    LinearOperator wa = c.stencil() ? Stencil7Operator.poisson(c.warmupGrid(), c.warmupGrid(), c.warmupGrid())
                            : w.matrix();
                    try (BoundSolver warm = iterative.setup(wa, backend)) {
                        warm.solve(w.rhs(), new double[w.size()]);
                    }
                }
                long t0 = System.nanoTime();
                try (BoundSolver bound = iterative.setup(operator, backend)) {
                    double setupSeconds = (System.nanoTime() - t0) * 1e-9;
                    Map<String, Object> setup = bound.setupReport();
                    double[] x = new double[a.rows()];
                    for (int k = 1; k <= c.repeats(); k++) {
                        java.util.Arrays.fill(x, 0.0);
                        long s0 = System.nanoTime();
                        SolveResult result = bound.solve(b, x);
                        double solveSeconds = (System.nanoTime() - s0) * 1e-9;
                        double relative = relativeResidual(a, b, x);
                        out.println(header("solve", c)
                                .put("matrix", c.matrix().toString())
                                .put("rhs", c.rhs() == null ? "A*ones" : c.rhs().toString())
                                .put("n", a.rows())
                                .put("nnz", a.nnz())
                                .put("rtol", c.rtol())
                                .put("maxIterations", c.maxIterations())
                                .put("stopping", "||b - A x_k||_2 <= rtol ||b||_2, x_0 = 0 (recursive residual, confirmed on the true one)")
                                .put("repeat", k)
                                .put("setupSeconds", setupSeconds)
                                .put("solveSeconds", solveSeconds)
                                .put("iterations", result.iterations())
                                .put("reason", result.reason().name())
                                .put("converged", result.converged())
                                .put("relativeResidual", relative)
                                .put("solverRelativeResidual", result.relativeResidual())
                                .put("message", result.message())
                                .put("operatorComplexity", find(setup, "operatorcomplexity"))
                                .put("gridComplexity", find(setup, "gridcomplexity"))
                                .put("levels", levels(find(setup, "levels")))
                                .put("setup", setup));
                        out.flush();
                    }
                }
            }
            return 0;
        } catch (IOException | RuntimeException | OutOfMemoryError e) {
            out.println(header("failed", c).put("reason", e.getClass().getSimpleName() + ": " + e.getMessage()));
            out.flush();
            return 1;
        }
    }

    private static JsonLine header(String kind, Config c) {
        return new JsonLine()
                .put("kind", kind)
                .put("tool", "solvent")
                .put("method", c.method())
                .put("solver", c.solver())
                .put("pc", c.pc())
                .put("backend", c.backend())
                .put("problem", c.problem())
                .put("round", c.round())
                .put("parallel", c.threads())
                .put("parallelKind", "threads");
    }

    /**
     * The matrix-free stencil of {@code a}, which must be the 7-point Poisson matrix of an N^3 grid
     * (the one {@code solvent generate poisson3d --n N} writes), compared entry by entry.
     */
    static Stencil7Operator poissonStencil(CsrMatrix a, Path file) {
        int n = (int) Math.round(Math.cbrt(a.rows()));
        if ((long) n * n * n == a.rows()) {
            if (Generators.poisson3d(n).matrix().equals(a)) {
                return Stencil7Operator.poisson(n, n, n);
            }
        }
        throw new IllegalArgumentException(file + ": --operator stencil needs the 7-point Poisson matrix of an N^3 grid "
                + "(solvent generate poisson3d), and this matrix is not one");
    }

    /** y = A x with plain sequential loops over the CSR arrays. */
    static double[] multiply(CsrMatrix a, double[] x) {
        int[] rp = a.rowPtr();
        int[] ci = a.colIdx();
        double[] v = a.values();
        double[] y = new double[a.rows()];
        for (int i = 0; i < a.rows(); i++) {
            double s = 0.0;
            for (int k = rp[i]; k < rp[i + 1]; k++) {
                s += v[k] * x[ci[k]];
            }
            y[i] = s;
        }
        return y;
    }

    /** ||b - A x||_2 / ||b||_2 with plain sequential loops (independent of every backend). */
    static double relativeResidual(CsrMatrix a, double[] b, double[] x) {
        double[] ax = multiply(a, x);
        double rr = 0.0;
        double bb = 0.0;
        for (int i = 0; i < b.length; i++) {
            double d = b[i] - ax[i];
            rr += d * d;
            bb += b[i] * b[i];
        }
        return Math.sqrt(rr) / Math.sqrt(bb);
    }

    /**
     * The first value, depth first, whose key matches {@code normalisedKey} once lower-cased with
     * everything but letters and digits removed ("operatorComplexity", "operator complexity" and
     * "operator_complexity" all match "operatorcomplexity"); null when absent.
     */
    static Object find(Object node, String normalisedKey) {
        if (node instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (normalise(String.valueOf(e.getKey())).equals(normalisedKey)) {
                    return e.getValue();
                }
            }
            for (Object v : map.values()) {
                Object found = find(v, normalisedKey);
                if (found != null) {
                    return found;
                }
            }
        } else if (node instanceof List<?> list) {
            for (Object v : list) {
                Object found = find(v, normalisedKey);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    /** A level count from a setup report's "levels": a number, or a list with one entry per level. */
    static Object levels(Object value) {
        if (value instanceof Number n) {
            return n.intValue();
        }
        if (value instanceof List<?> list) {
            return list.size();
        }
        return null;
    }

    private static String normalise(String key) {
        StringBuilder sb = new StringBuilder();
        for (char ch : key.toLowerCase(Locale.ROOT).toCharArray()) {
            if (Character.isLetterOrDigit(ch)) {
                sb.append(ch);
            }
        }
        return sb.toString();
    }
}
