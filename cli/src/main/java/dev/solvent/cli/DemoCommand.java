package dev.solvent.cli;

import dev.solvent.backend.Backend;
import dev.solvent.gen.Generators;
import dev.solvent.gen.Problem;
import dev.solvent.matrix.CsrMatrix;
import dev.solvent.solve.BoundSolver;
import dev.solvent.solve.SolveResult;
import dev.solvent.solve.SolverOptions;
import dev.solvent.solve.Solvers;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code solvent demo}: the embedded default job. Builds a 3D problem of about a million unknowns
 * and compares CG with four preconditioners on it, algebraic multigrid among them; needs no files.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Solve a built-in 3D problem of about a million unknowns with CG and four preconditioners.",
            "The problem is the pressure solve of a smoke simulation at 100^3 by default (solid walls, a solid"
                + " obstacle, open top). CG, Jacobi-PCG, SSOR-PCG, IC(0)-PCG and AMG-PCG (smoothed aggregation) are"
                + " run on it and their iterations, setup and solve time and true final residual printed."})
final class DemoCommand implements Callable<Integer> {

    enum ProblemKind { fluid3d, poisson3d }

    @Option(names = "--problem", defaultValue = "fluid3d", paramLabel = "NAME",
            description = "The problem: ${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}.")
    ProblemKind problem;

    @Option(names = "--n", defaultValue = "100", paramLabel = "N", description = "Grid points per dimension. Default: ${DEFAULT-VALUE}.")
    int n;

    @Option(names = "--rtol", defaultValue = "1e-8", paramLabel = "RTOL",
            description = "Stop when ||b - Ax|| <= RTOL ||b||. Default: ${DEFAULT-VALUE}.")
    double rtol;

    @Option(names = "--max-iterations", defaultValue = "20000", paramLabel = "N",
            description = "Iteration limit of each solve. Default: ${DEFAULT-VALUE}.")
    int maxIterations;

    @Option(names = "--omega", defaultValue = "1.5", paramLabel = "OMEGA",
            description = "Omega of the SSOR preconditioner. Default: ${DEFAULT-VALUE}.")
    double omega;

    @Option(names = {"-q", "--quiet"}, description = "No progress line on stderr.")
    boolean quiet;

    @Mixin
    BackendOptions backendOptions;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (n < 2) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--n must be at least 2, got " + n);
        }
        try {
            SolverOptions.defaults().withRtol(rtol).withOmega(omega).requireStoppable();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        backendOptions.validate();
        PrintWriter out = spec.commandLine().getOut();
        long t0 = System.nanoTime();
        Problem p = Progress.step("generating " + problem, quiet,
                () -> problem == ProblemKind.fluid3d ? Generators.fluid3d(n) : Generators.poisson3d(n));
        CsrMatrix a = p.matrix();
        out.printf("Problem: %s, %,d unknowns, %,d nonzeros (built in %.2f s)%n", p.name(), a.rows(), a.nnz(),
                (System.nanoTime() - t0) * 1e-9);
        if (maxIterations < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--max-iterations must be at least 1, got " + maxIterations);
        }
        double bNorm = 0;
        for (double v : p.rhs()) {
            bNorm += v * v;
        }
        bNorm = Math.sqrt(bNorm);
        int worst = 0;
        try (Backend backend = backendOptions.create()) {
            out.printf("Backend: %s, %d thread(s); rtol %.0e; x0 = 0%n%n", backend.name(), backend.threads(), rtol);
            out.printf("%-12s %10s %10s %10s %12s %14s  %s%n", "method", "iterations", "setup [s]", "solve [s]",
                    "ms/iteration", "||b-Ax||/||b||", "reason");
            out.flush();
            for (String pc : List.of("none", "jacobi", "ssor", "ic0", "amg")) {
                String label = pc.equals("none") ? "cg" : pc + "-pcg";
                SolveResult r;
                double setupSeconds;
                try (Progress progress = Progress.forSolve(label, maxIterations, bNorm, rtol, quiet)) {
                    SolverOptions options = SolverOptions.defaults().withRtol(rtol).withOmega(omega)
                            .withListener(progress).withMaxIterations(maxIterations);
                    long setupStart = System.nanoTime();
                    try (BoundSolver solver = Solvers.create("cg", pc, options).setup(a, backend)) {
                        setupSeconds = (System.nanoTime() - setupStart) * 1e-9;
                        r = solver.solve(p.rhs(), new double[a.rows()]);
                    }
                }
                out.printf("%-12s %10d %10.3f %10.3f %12.2f %14.3e  %s%n", label, r.iterations(), setupSeconds,
                        r.seconds(), r.iterations() == 0 ? 0.0 : 1e3 * r.seconds() / r.iterations(),
                        r.relativeResidual(), r.reason());
                out.flush();
                if (!r.converged()) {
                    worst = SolventCommand.EXIT_NOT_CONVERGED;
                }
            }
        }
        out.println();
        out.println("Residuals are recomputed as b - A x after each solve. Try: solvent solve --help");
        out.flush();
        return worst;
    }
}
