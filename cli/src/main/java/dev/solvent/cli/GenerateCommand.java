package dev.solvent.cli;

import dev.solvent.gen.Generators;
import dev.solvent.gen.Problem;
import dev.solvent.io.MatrixMarket;
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
            "poisson2d: 5-point Laplacian on an N x N grid (Dirichlet), b = A * ones.",
            "poisson3d: 7-point Laplacian on an N x N x N grid (Dirichlet), b = A * ones.",
            "fluid3d:   pressure matrix of an N^3 smoke simulation (solid walls, a solid obstacle,",
            "           open top), b = -div(u) of a rising plume."})
final class GenerateCommand implements Callable<Integer> {

    enum Kind { poisson2d, poisson3d, fluid3d }

    @Parameters(index = "0", paramLabel = "PROBLEM", description = "poisson2d, poisson3d or fluid3d.")
    Kind kind;

    @Option(names = "--n", required = true, paramLabel = "N", description = "Grid points per dimension.")
    int n;

    @Option(names = "--out", required = true, paramLabel = "A.mtx", description = "Where to write the matrix.")
    Path out;

    @Option(names = "--rhs-out", paramLabel = "b.mtx", description = "Where to write the right-hand side.")
    Path rhsOut;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (n <= 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--n must be positive, got " + n);
        }
        // Both destinations are checked before the problem is built; each file is written atomically.
        Outputs.check(spec, "--out", out);
        Outputs.check(spec, "--rhs-out", rhsOut, out);
        Problem p = switch (kind) {
            case poisson2d -> Generators.poisson2d(n);
            case poisson3d -> Generators.poisson3d(n);
            case fluid3d -> Generators.fluid3d(n);
        };
        MatrixMarket.writeMatrix(p.matrix(), out);
        if (rhsOut != null) {
            MatrixMarket.writeVector(p.rhs(), rhsOut);
        }
        PrintWriter w = spec.commandLine().getOut();
        w.printf("%s: %d x %d, %d nonzeros -> %s%s%n", p.name(), p.matrix().rows(), p.matrix().cols(), p.matrix().nnz(),
                out, rhsOut == null ? "" : ", rhs -> " + rhsOut);
        w.flush();
        return 0;
    }
}
