package dev.solvent.cli;

import dev.solvent.backend.Backend;
import dev.solvent.ot.GroundCost;
import dev.solvent.ot.OtResult;
import dev.solvent.ot.Sinkhorn;
import dev.solvent.ot.SinkhornNewtonSparse;
import dev.solvent.ot.SinkhornOptions;
import dev.solvent.ot.SnsOptions;
import dev.solvent.ot.TransportProblem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code solvent ot}: entropic optimal transport between two DOTmark images, or the paper's random
 * assignment case, by log-domain Sinkhorn or Sinkhorn-Newton-Sparse.
 */
@Command(name = "ot", mixinStandardHelpOptions = true,
        description = {"Entropic optimal transport: Sinkhorn or Sinkhorn-Newton-Sparse (SNS).",
                "Between two images in DOTmark's CSV format (the grid cost scaled to [0, 1] unless --no-scale), or on"
                        + " a random assignment problem (uniform marginals, costs uniform in [0, 1]).",
                "The dense kernels run on the CPU's threads (--threads); SNS's conjugate gradient runs on --backend;"
                        + " with --backend cuda the dense kernels run on the GPU too.",
                "Exits 3 when the solve stops without converging (the result is still printed)."})
public final class OtCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--source", paramLabel = "CSV", description = "Source image (DOTmark CSV).")
    Path source;

    @Option(names = "--target", paramLabel = "CSV", description = "Target image (DOTmark CSV).")
    Path target;

    @Option(names = "--random-assignment", paramLabel = "N",
            description = "A random assignment problem of size N instead of images.")
    Integer randomAssignment;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "SEED",
            description = "Seed of the random costs. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--cost", defaultValue = "sqeuclidean", paramLabel = "NAME",
            description = "Ground cost between pixels: sqeuclidean or euclidean. Default: ${DEFAULT-VALUE}.")
    String cost;

    @Option(names = "--no-scale", description = "Do not scale the grid cost to [0, 1].")
    boolean noScale;

    @Option(names = "--eta", defaultValue = "1200", paramLabel = "ETA",
            description = "Inverse temperature of the entropic regularisation. Default: ${DEFAULT-VALUE}.")
    double eta;

    @Option(names = "--method", defaultValue = "sns", paramLabel = "NAME",
            description = "sinkhorn or sns (Sinkhorn-Newton-Sparse). Default: ${DEFAULT-VALUE}.")
    String method;

    @Option(names = "--atol", defaultValue = "1e-12", paramLabel = "ATOL",
            description = "Stop when the marginal error ||P 1 - r||_1 + ||P^T 1 - c||_1 <= ATOL (the marginals"
                    + " sum to 1). Default: ${DEFAULT-VALUE}.")
    double atol;

    /** The earlier spelling, kept so that scripts keep working. */
    @Option(names = "--tol", hidden = true, paramLabel = "ATOL")
    Double legacyTol;

    /** The marginal-error tolerance, under either spelling. */
    double tol() {
        return legacyTol != null ? legacyTol : atol;
    }

    @Option(names = "--max-iterations", paramLabel = "N",
            description = "Iteration limit: Sinkhorn iterations, or Newton steps for sns. Default: the method's own.")
    Integer maxIterations;

    @Option(names = "--time-limit", paramLabel = "TIME", converter = Durations.Seconds.class,
            description = "Wall-time limit of the solve: seconds, or a duration such as 90s, 20m or 1h. Default: none.")
    Double timeLimit;

    @Mixin
    BackendOptions backendOptions;

    @Option(names = "--json", description = "Print one JSON object instead of the text report.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        String m = method.trim().toLowerCase(Locale.ROOT);
        if (!m.equals("sinkhorn") && !m.equals("sns")) {
            throw new ParameterException(spec.commandLine(), "unknown method '" + method + "': expected sinkhorn or sns");
        }
        backendOptions.validate();
        Integer threads = backendOptions.threads > 0 ? backendOptions.threads : null;
        GroundCost ground;
        try {
            ground = GroundCost.parse(cost);
            if (!(eta > 0) || Double.isInfinite(eta)) {
                throw new IllegalArgumentException("--eta must be finite and positive, got " + eta);
            }
            options(m, threads);   // the method's options, checked before any work
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        TransportProblem problem = problem(ground);
        OtResult result;
        // Made before the solve so that an unusable backend (cuda without a GPU) fails at once, in one line.
        try (Backend b = backendOptions.create()) {
            result = solve(m, problem, b, threads);
        }
        print(problem, result);
        return result.converged() ? 0 : SolventCommand.EXIT_NOT_CONVERGED;
    }

    /** The options of the chosen method from the command line (IllegalArgumentException if invalid). */
    private Object options(String m, Integer threads) {
        if (m.equals("sinkhorn")) {
            SinkhornOptions o = SinkhornOptions.defaults().withTolerance(tol());
            if (maxIterations != null) {
                o = o.withMaxIterations(maxIterations);
            }
            if (timeLimit != null) {
                o = o.withTimeLimitSeconds(timeLimit);
            }
            if (threads != null) {
                o = o.withThreads(threads);
            }
            return o;
        }
        SnsOptions o = SnsOptions.defaults().withTolerance(tol());
        if (maxIterations != null) {
            o = o.withMaxNewtonIterations(maxIterations);
        }
        if (timeLimit != null) {
            o = o.withTimeLimitSeconds(timeLimit);
        }
        if (threads != null) {
            o = o.withThreads(threads);
        }
        return o;
    }

    private OtResult solve(String m, TransportProblem problem, Backend b, Integer threads) {
        Object o = options(m, threads);
        return o instanceof SinkhornOptions s ? new Sinkhorn(s, b).solve(problem)
                : new SinkhornNewtonSparse((SnsOptions) o, b).solve(problem);
    }

    private TransportProblem problem(GroundCost ground) throws java.io.IOException {
        boolean images = source != null || target != null;
        if (randomAssignment != null && images) {
            throw new ParameterException(spec.commandLine(),
                    "give either --random-assignment or --source and --target, not both");
        }
        if (randomAssignment != null) {
            if (randomAssignment < 1) {
                throw new ParameterException(spec.commandLine(),
                        "--random-assignment must be at least 1, got " + randomAssignment);
            }
            return TransportProblem.randomAssignment(randomAssignment, seed, eta);
        }
        if (source == null || target == null) {
            throw new ParameterException(spec.commandLine(),
                    "missing " + (source == null ? "--source" : "--target")
                            + ": give --source and --target images, or --random-assignment N");
        }
        return TransportProblem.fromDotmark(source, target, ground, !noScale, eta);
    }

    private void print(TransportProblem problem, OtResult r) {
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.object()
                    .put("method", r.method())
                    .put("reason", r.reason().name())
                    .put("converged", r.converged())
                    .put("n", problem.n())
                    .put("m", problem.m())
                    .put("eta", problem.eta())
                    .put("sinkhornIterations", r.sinkhornIterations())
                    .put("newtonIterations", r.newtonIterations())
                    .put("cgIterations", r.cgIterations())
                    .put("marginalError", r.marginalError())
                    .put("transportCost", r.transportCost())
                    .put("entropicObjective", r.entropicObjective())
                    .put("dualObjective", r.dualObjective())
                    .put("planEntries", r.plan().nnz())
                    .put("seconds", r.seconds())
                    .put("message", r.message())
                    .toString());
        } else {
            out.printf(Locale.ROOT, "%s: %s, marginal error %.3e (tolerance %.1e)%n", r.method(), r.reason(),
                    r.marginalError(), tol());
            out.printf(Locale.ROOT, "  problem: %d x %d bins with mass, eta %s%n", problem.n(), problem.m(), problem.eta());
            out.printf(Locale.ROOT, "  iterations: %d Sinkhorn + %d Newton (%d CG)%n", r.sinkhornIterations(),
                    r.newtonIterations(), r.cgIterations());
            out.printf(Locale.ROOT, "  transport cost <C,P> = %.12g, entropic objective = %.12g%n", r.transportCost(),
                    r.entropicObjective());
            out.printf(Locale.ROOT, "  plan entries kept: %d; time %.3f s%n", r.plan().nnz(), r.seconds());
            if (!r.message().isEmpty()) {
                out.println("  " + r.message());
            }
        }
        out.flush();
    }
}
