package dev.solvent.cli;

import dev.solvent.backend.Backend;
import dev.solvent.io.MatrixMarket;
import dev.solvent.matrix.CsrMatrix;
import dev.solvent.solve.BoundSolver;
import dev.solvent.solve.IterativeSolver;
import dev.solvent.solve.SolveResult;
import dev.solvent.solve.SolverOptions;
import dev.solvent.solve.Solvers;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code solvent solve}: one linear system from Matrix Market files. */
@Command(name = "solve", mixinStandardHelpOptions = true,
        description = {"Solve A x = b for a matrix in Matrix Market format.",
            "Without --rhs, b = A * ones (so the exact answer is the ones vector).",
            "Exits 3 when the solve stops without converging (the result is still printed).",
            "--out is checked before the solve (an input is never overwritten) and written atomically;",
            "the report is printed even when writing it fails."})
final class SolveCommand implements Callable<Integer> {

    /** Writes the solution file. */
    interface SolutionWriter {
        void write(double[] x, Path file) throws IOException;
    }

    /**
     * How the solution is written: {@link MatrixMarket#writeVector}, which writes atomically.
     * Tests replace it to simulate a disk that fills up.
     */
    static volatile SolutionWriter solutionWriter = MatrixMarket::writeVector;

    @Parameters(index = "0", paramLabel = "A.mtx", description = "The matrix (Matrix Market coordinate; .gz accepted).")
    Path matrixFile;

    @Option(names = "--rhs", paramLabel = "b.mtx", description = "Right-hand side (Matrix Market array or coordinate vector). Default: A * ones.")
    Path rhsFile;

    @Option(names = "--x0", paramLabel = "x0.mtx", description = "Initial guess (Matrix Market vector). Default: zero.")
    Path initialGuessFile;

    @Option(names = "--solver", defaultValue = "cg", paramLabel = "NAME",
            description = "cg, sor, ssor, gs, gs-backward or gs-symmetric. Default: ${DEFAULT-VALUE}.")
    String solver;

    @Option(names = "--pc", defaultValue = "none", paramLabel = "NAME",
            description = "Preconditioner for cg: none, jacobi, ssor or ic0. Default: ${DEFAULT-VALUE}.")
    String preconditioner;

    @Option(names = "--rtol", defaultValue = "1e-8", description = "Stop when ||b - Ax|| <= rtol ||b|| (or atol). Default: ${DEFAULT-VALUE}.")
    double rtol;

    @Option(names = "--atol", defaultValue = "0", description = "Absolute residual tolerance. Default: ${DEFAULT-VALUE}.")
    double atol;

    @Option(names = "--max-iter", defaultValue = "10000", paramLabel = "N", description = "Iteration limit. Default: ${DEFAULT-VALUE}.")
    int maxIterations;

    @Option(names = "--omega", defaultValue = "1.0", description = "Relaxation parameter for sor/ssor and the ssor preconditioner, in (0, 2). Default: ${DEFAULT-VALUE}.")
    double omega;

    @Option(names = "--out", paramLabel = "x.mtx", description = "Write the solution as a Matrix Market array.")
    Path outFile;

    @Option(names = "--json", description = "Print one JSON object instead of the text report.")
    boolean json;

    @Option(names = {"-q", "--quiet"}, description = "No progress line on stderr.")
    boolean quiet;

    @Mixin
    BackendOptions backendOptions;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        // Everything that can be checked is checked before a file is read or a solve started.
        SolverOptions checked;
        IterativeSolver iterative;
        try {
            checked = SolverOptions.defaults().withRtol(rtol).withAtol(atol).withMaxIterations(maxIterations)
                    .withOmega(omega).requireStoppable();
            iterative = Solvers.create(solver, preconditioner, checked);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        backendOptions.validate();
        Outputs.check(spec, "--out", outFile, matrixFile, rhsFile, initialGuessFile);

        CsrMatrix a = MatrixMarket.readMatrix(matrixFile);
        if (!a.isSquare()) {
            throw new IllegalArgumentException(matrixFile + ": the matrix is " + a.rows() + " x " + a.cols() + ", not square");
        }
        double[] b;
        if (rhsFile != null) {
            b = MatrixMarket.readVector(rhsFile, a.rows());
        } else {
            double[] ones = new double[a.cols()];
            Arrays.fill(ones, 1.0);
            b = new double[a.rows()];
            a.apply(ones, b);
        }
        double[] x = new double[a.rows()];
        if (initialGuessFile != null) {
            double[] x0 = MatrixMarket.readVector(initialGuessFile, a.rows());
            System.arraycopy(x0, 0, x, 0, x.length);
        }
        Progress progress = Progress.forStderr(solver + (preconditioner.equals("none") ? "" : "/" + preconditioner), quiet || json);
        SolverOptions options = checked
                .withNonzeroInitialGuess(initialGuessFile != null)
                .withListener(progress);
        iterative = Solvers.create(solver, preconditioner, options);
        SolveResult result;
        java.util.Map<String, Object> setup;
        try (Backend backend = backendOptions.create();
             BoundSolver bound = iterative.setup(a, backend)) {
            setup = bound.setupReport();
            result = bound.solve(b, x);
        } finally {
            if (progress != null) {
                progress.finish();
            }
        }
        // The solution is written before the report so that the report can say whether it was;
        // the report is printed either way, and a failed write is then the one error line.
        IOException writeFailure = null;
        if (outFile != null) {
            try {
                solutionWriter.write(x, outFile);
            } catch (IOException e) {
                writeFailure = e;
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Json j = Json.object()
                    .put("solver", result.solver())
                    .put("preconditioner", result.preconditioner())
                    .put("iterations", result.iterations())
                    .put("reason", result.reason().name())
                    .put("message", result.message())
                    .put("residualNorm", result.residualNorm())
                    .put("relativeResidual", result.relativeResidual())
                    .put("seconds", result.seconds())
                    .put("setup", setup);
            if (outFile != null) {
                j.put("out", outFile.toString()).put("written", writeFailure == null);
            }
            out.println(j);
        } else {
            out.printf("matrix          %s (%d x %d, %d nonzeros)%n", matrixFile, a.rows(), a.cols(), a.nnz());
            out.printf("solver          %s, preconditioner %s, backend %s%n", result.solver(), result.preconditioner(), backendOptions.backend);
            out.printf("reason          %s%s%n", result.reason(), result.message().isEmpty() ? "" : " (" + result.message() + ")");
            out.printf("iterations      %d%n", result.iterations());
            out.printf("||b - Ax||      %.6e (relative to ||b||: %.6e)%n", result.residualNorm(), result.relativeResidual());
            SetupReportText.print(out, setup);
            out.printf("time            %.3f s%n", result.seconds());
            if (outFile != null) {
                out.printf(writeFailure == null ? "solution        written to %s%n" : "solution        NOT written to %s%n",
                        outFile);
            }
        }
        out.flush();
        if (writeFailure != null) {
            throw writeFailure;
        }
        return result.converged() ? 0 : SolventCommand.EXIT_NOT_CONVERGED;
    }
}
