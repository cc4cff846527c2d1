package dev.solvent.cli;

import dev.solvent.backend.Backend;
import dev.solvent.dcdm.Dcdm;
import dev.solvent.dcdm.DcdmNetwork;
import dev.solvent.dcdm.GridMap;
import dev.solvent.dcdm.PretrainedModels;
import dev.solvent.gen.GridLayout;
import dev.solvent.io.MatrixMarket;
import dev.solvent.matrix.CsrMatrix;
import dev.solvent.precond.PreconditionerOptions;
import dev.solvent.solve.BoundSolver;
import dev.solvent.solve.IterativeSolver;
import dev.solvent.solve.SolveResult;
import dev.solvent.solve.SolverOptions;
import dev.solvent.solve.Solvers;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
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
            "--solver dcdm runs the learned Deep Conjugate Direction Method: it needs a model (--model)"
                + " and the grid the unknowns sit on, which 'solvent generate' writes into A.mtx.",
            "Exits 3 when the solve stops without converging (the result is still printed).",
            "--out is checked before the solve (an input is never overwritten) and written atomically;"
                + " the report is printed even when writing it fails."})
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

    @Parameters(index = "0", paramLabel = "A.mtx",
            description = "The matrix (Matrix Market coordinate, general or symmetric; .gz accepted).")
    Path matrixFile;

    @Option(names = "--rhs", paramLabel = "b.mtx", description = "Right-hand side (Matrix Market array or coordinate vector). Default: A * ones.")
    Path rhsFile;

    @Option(names = "--x0", paramLabel = "x0.mtx", description = "Initial guess (Matrix Market vector). Default: zero.")
    Path initialGuessFile;

    @Option(names = "--solver", defaultValue = "cg", paramLabel = "NAME", completionCandidates = Names.SolverNames.class,
            description = "The solver: ${COMPLETION-CANDIDATES}. Names ending in -mc visit the rows colour by colour"
                    + " (multicolour order: a different method, converges differently). Default: ${DEFAULT-VALUE}.")
    String solver;

    @Option(names = "--pc", paramLabel = "NAME", completionCandidates = Names.PreconditionerNames.class,
            description = "Preconditioner of cg, or the fallback direction of dcdm: ${COMPLETION-CANDIDATES}."
                    + " ic0 is incomplete Cholesky shifted on breakdown, mic0 modified IC(0), ssor-mc multicolour SSOR;"
                    + " auto chooses amg where the registry has it, else shifted ic0, and the setup report says which"
                    + " and why. Default: none (ic0 for dcdm).")
    String preconditioner;

    @Option(names = "--rtol", defaultValue = "1e-8", paramLabel = "RTOL",
            description = "Stop when ||b - Ax|| <= max(RTOL ||b||, ATOL). Default: ${DEFAULT-VALUE}.")
    double rtol;

    @Option(names = "--atol", defaultValue = "0", paramLabel = "ATOL", description = "Absolute residual tolerance. Default: ${DEFAULT-VALUE}.")
    double atol;

    @Option(names = "--max-iterations", defaultValue = "10000", paramLabel = "N", description = "Iteration limit. Default: ${DEFAULT-VALUE}.")
    int maxIterations;

    /** The earlier spelling, kept so that scripts keep working. */
    @Option(names = "--max-iter", hidden = true, paramLabel = "N")
    Integer legacyMaxIter;

    @Option(names = "--omega", defaultValue = "1.0", paramLabel = "OMEGA",
            description = "Relaxation parameter of sor, ssor and the ssor preconditioner, in (0, 2). Default: ${DEFAULT-VALUE}.")
    double omega;

    @Option(names = "--model", paramLabel = "NAME|M.json", completionCandidates = Names.ModelNames.class,
            description = "dcdm: the network, a pretrained model (${COMPLETION-CANDIDATES}) or a model file written by"
                    + " train-dcdm (M.json beside M.safetensors). Default: fluid-ml8.")
    String model;

    @Option(names = "--grid", paramLabel = "NX,NY[,NZ]", split = ",", hideParamSyntax = true,
            description = "dcdm: the unknowns are every cell of this box, x fastest. Default: the grid layout that"
                    + " 'solvent generate' writes into A.mtx.")
    int[] grid;

    @Option(names = "--directions", defaultValue = "64", paramLabel = "K",
            description = "dcdm: each new direction is made A-orthogonal to the last K (the paper's: 2)."
                    + " Default: ${DEFAULT-VALUE}.")
    int directions;

    @Option(names = "--combine", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "dcdm: step along the network's and the fallback's direction together every iteration;"
                    + " --no-combine takes the better of the two (the paper's). Default: ${DEFAULT-VALUE}.")
    boolean combine;

    @Option(names = "--out", paramLabel = "x.mtx", description = "Write the solution as a Matrix Market array.")
    Path outFile;

    @Option(names = "--json", description = "Print one JSON object instead of the text report.")
    boolean json;

    @Option(names = {"-q", "--quiet"}, description = "No progress line on stderr.")
    boolean quiet;

    @Mixin
    BackendOptions backendOptions;

    @Mixin
    AmgCliOptions amgOptions;

    @Mixin
    FactorCliOptions factorOptions;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The iteration limit, under either spelling. */
    int maxIterations() {
        return legacyMaxIter != null ? legacyMaxIter : maxIterations;
    }

    @Override
    public Integer call() throws Exception {
        int maxIterations = maxIterations();
        boolean dcdm = solver.strip().toLowerCase(Locale.ROOT).equals(Names.DCDM);
        String pc = preconditioner != null ? preconditioner : dcdm ? "ic0" : "none";
        // Everything that can be checked is checked before a file is read or a solve started.
        SolverOptions checked;
        dev.solvent.multigrid.AmgOptions amg;
        PreconditionerOptions factor;
        try {
            checked = SolverOptions.defaults().withRtol(rtol).withAtol(atol).withMaxIterations(maxIterations)
                    .withOmega(omega).requireStoppable();
            amg = amgOptions.toOptions();
            factor = factorOptions.toOptions();
            if (dcdm) {
                Solvers.preconditioner(pc, checked, factor, amg);
                if (directions < 1) {
                    throw new IllegalArgumentException("--directions must be at least 1, got " + directions);
                }
            } else {
                if (model != null || grid != null) {
                    throw new IllegalArgumentException("--model and --grid apply to --solver dcdm only");
                }
                Solvers.create(solver, pc, checked, factor, amg);
            }
            if (grid != null && (grid.length < 2 || grid.length > 3)) {
                throw new IllegalArgumentException("--grid takes two or three sizes, NX,NY[,NZ]; got " + grid.length);
            }
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        backendOptions.validate();
        Outputs.check(spec, "--out", outFile, matrixFile, rhsFile, initialGuessFile);
        boolean silent = quiet || json;
        DcdmNetwork network = dcdm ? Progress.step("loading model", silent, this::loadModel) : null;
        CsrMatrix a = readMatrix(silent);
        if (!a.isSquare()) {
            throw new IllegalArgumentException(matrixFile + ": the matrix is " + a.rows() + " x " + a.cols() + ", not square");
        }
        GridLayout layout = dcdm ? layout(a) : null;
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
        double bNorm = norm(b);
        String label = dcdm ? "dcdm" : solver + (pc.equals("none") ? "" : "/" + pc);
        SolveResult result;
        java.util.Map<String, Object> setup;
        try (Progress progress = Progress.forSolve(label, maxIterations, bNorm,
                bNorm > 0 ? Math.max(rtol, atol / bNorm) : rtol, silent)) {
            SolverOptions options = checked
                    .withNonzeroInitialGuess(initialGuessFile != null)
                    .withListener(progress);
            IterativeSolver iterative = dcdm
                    ? new Dcdm(options, network, GridMap.of(layout), Dcdm.Settings.defaults()
                            .withDirections(directions).withFallback(Solvers.preconditioner(pc, options, factor, amg))
                            .withCombine(combine))
                    : Solvers.create(solver, pc, options, factor, amg);
            try (Backend backend = backendOptions.create();
                 BoundSolver bound = Progress.step("setup " + label, silent, () -> iterative.setup(a, backend))) {
                setup = bound.setupReport();
                result = bound.solve(b, x);
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
            if (dcdm) {
                out.printf("model           %s (%d parameters), grid %d x %d x %d%n", model == null ? PretrainedModels.names().get(0) : model,
                        network.parameterCount(), layout.nx(), layout.ny(), layout.nz());
            }
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

    /** The matrix, read through a progress line when one is shown. */
    private CsrMatrix readMatrix(boolean silent) throws IOException {
        if (!Progress.shown(silent)) {
            return MatrixMarket.readMatrix(matrixFile);
        }
        try (InputStream in = Progress.reading(matrixFile, Files.newInputStream(matrixFile), silent)) {
            return MatrixMarket.readMatrix(in, matrixFile.toString());
        }
    }

    /** The DCDM network: a pretrained model by name, or a model file. */
    private DcdmNetwork loadModel() throws IOException {
        String m = model == null ? PretrainedModels.names().get(0) : model;
        if (PretrainedModels.isName(m)) {
            return PretrainedModels.load(m);
        }
        Path file = Path.of(m);
        if (!Files.exists(file)) {
            throw new IllegalArgumentException("--model " + m + ": neither a pretrained model " + PretrainedModels.names()
                    + " nor an existing model file");
        }
        return DcdmNetwork.load(file);
    }

    /** Where the unknowns sit: --grid, or the layout lines of the matrix file. */
    private GridLayout layout(CsrMatrix a) throws IOException {
        GridLayout layout;
        String from;
        if (grid != null) {
            layout = GridLayout.box(grid[0], grid[1], grid.length == 3 ? grid[2] : 1);
            from = "--grid";
        } else {
            layout = GridLayout.fromComments(MatrixMarket.readComments(matrixFile), matrixFile.toString());
            if (layout == null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--solver dcdm needs the grid the unknowns sit on: "
                        + matrixFile + " has no '%" + GridLayout.GRID + "' comment lines (solvent generate writes them);"
                        + " give --grid NX,NY,NZ when the unknowns are every cell of a box");
            }
            from = matrixFile + "'s grid layout";
        }
        if (layout.unknowns() != a.rows()) {
            throw new IllegalArgumentException(from + " places " + layout.unknowns() + " unknowns but the matrix has "
                    + a.rows() + " rows");
        }
        return layout;
    }

    private static double norm(double[] v) {
        double s = 0;
        for (double d : v) {
            s += d * d;
        }
        return Math.sqrt(s);
    }
}
