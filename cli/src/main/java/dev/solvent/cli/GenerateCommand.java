package dev.solvent.cli;

import dev.solvent.gen.FluidGrid;
import dev.solvent.gen.Generators;
import dev.solvent.gen.GridLayout;
import dev.solvent.gen.Problem;
import dev.solvent.io.MatrixMarket;
import dev.solvent.ot.DotmarkCsv;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code solvent generate}: writes a test problem as Matrix Market files. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = {"Write a generated test problem as Matrix Market files.",
            "The matrices are symmetric and written as such (the lower triangle, half the size of a"
                + " general file), with the grid the unknowns sit on in comment lines (for solve --solver dcdm).",
            "Problems:",
            "  poisson2d  5-point Laplacian on an N x N grid (Dirichlet), b = A * ones.",
            "  poisson3d  7-point Laplacian on an N x N x N grid (Dirichlet), b = A * ones.",
            "  fluid3d    pressure matrix of an N^3 smoke simulation (solid walls, a solid",
            "             obstacle, open top), b = -div(u) of a rising plume; with",
            "             --closed a solid lid too: the pure-Neumann problem, singular",
            "             (the constant is its null space), b projected onto the range.",
            "  image      an N x N image of Gaussian blobs in DOTmark's CSV format, for",
            "             solvent ot --source/--target (--seed picks the blobs)."})
final class GenerateCommand implements Callable<Integer> {

    enum Kind { poisson2d, poisson3d, fluid3d, image }

    @Parameters(index = "0", paramLabel = "PROBLEM", description = "The problem: ${COMPLETION-CANDIDATES}.")
    Kind kind;

    @Option(names = "--n", required = true, paramLabel = "N", description = "Grid points (cells) per dimension.")
    int n;

    @Option(names = "--out", required = true, paramLabel = "A.mtx", description = "Where to write the matrix (or the image).")
    Path out;

    @Option(names = "--rhs-out", paramLabel = "b.mtx", description = "Where to write the right-hand side.")
    Path rhsOut;

    @Option(names = "--general", description = "Write every entry under a general banner instead of the lower triangle.")
    boolean general;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "SEED", description = "Seed of an image's blobs. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = {"-q", "--quiet"}, description = "No progress line on stderr.")
    boolean quiet;

    @Option(names = "--closed", description = "Close the top of the fluid3d box too: the singular pure-Neumann problem.")
    boolean closed;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (n <= 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--n must be positive, got " + n);
        }
        if (closed && kind != Kind.fluid3d) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--closed applies to fluid3d only");
        }
        if (kind == Kind.fluid3d && n < FluidGrid.MIN_FACTORY_SIZE) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--n must be at least " + FluidGrid.MIN_FACTORY_SIZE
                    + " for fluid3d, got " + n);
        }
        // Both destinations are checked before the problem is built; each file is written atomically.
        Outputs.check(spec, "--out", out);
        Outputs.check(spec, "--rhs-out", rhsOut, out);
        if (kind == Kind.image) {
            if (n < 2 || rhsOut != null || general) {
                throw new CommandLine.ParameterException(spec.commandLine(), n < 2 ? "--n must be at least 2 for an image, got " + n
                        : "--rhs-out and --general apply to matrices, not to an image");
            }
            DotmarkCsv.write(DotmarkCsv.gaussianBlobs(n, seed), out);
            PrintWriter w = spec.commandLine().getOut();
            w.printf("image %d x %d (seed %d) -> %s%n", n, n, seed, out);
            w.flush();
            return 0;
        }
        Problem p;
        GridLayout layout;
        switch (kind) {
            case poisson2d -> {
                p = Progress.step("generating " + kind, quiet, () -> Generators.poisson2d(n));
                layout = GridLayout.box(n, n, 1);
            }
            case poisson3d -> {
                p = Progress.step("generating " + kind, quiet, () -> Generators.poisson3d(n));
                layout = GridLayout.box(n, n, n);
            }
            default -> {
                FluidGrid grid = FluidGrid.smokeBox(n, !closed);
                p = Progress.step("generating " + kind, quiet, () -> grid.pressureProblem(null));
                layout = GridLayout.of(grid);
            }
        }
        Problem problem = p;
        Progress.step("writing " + out.getFileName(), quiet, () -> {
            MatrixMarket.writeMatrix(problem.matrix(), out, !general, layout.toComments());
            if (rhsOut != null) {
                MatrixMarket.writeVector(problem.rhs(), rhsOut);
            }
            return null;
        });
        PrintWriter w = spec.commandLine().getOut();
        w.printf("%s: %d x %d, %d nonzeros -> %s (%s)%s%n", p.name(), p.matrix().rows(), p.matrix().cols(), p.matrix().nnz(),
                out, general ? "general" : "symmetric", rhsOut == null ? "" : ", rhs -> " + rhsOut);
        w.flush();
        return 0;
    }
}
