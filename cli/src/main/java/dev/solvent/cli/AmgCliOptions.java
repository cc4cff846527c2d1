package dev.solvent.cli;

import dev.solvent.multigrid.AmgOptions;
import picocli.CommandLine.Option;

/**
 * The {@code --amg-*} options of {@code solve}: what {@code --pc amg} and {@code --solver amg}
 * take beyond the solver options. The defaults written here are those of
 * {@link AmgOptions#defaults()} (a test keeps them equal).
 */
final class AmgCliOptions {

    @Option(names = "--amg-theta", defaultValue = "0.02", paramLabel = "T",
            description = "AMG strength threshold: j is a strong neighbour of i when |a_ij| >= T sqrt(|a_ii a_jj|), T in [0, 1). Default: ${DEFAULT-VALUE}.")
    double theta;

    @Option(names = "--amg-smoother", defaultValue = "chebyshev", paramLabel = "NAME",
            description = "AMG smoother: chebyshev or l1-jacobi. Default: ${DEFAULT-VALUE}.")
    String smoother;

    @Option(names = "--amg-degree", defaultValue = "2", paramLabel = "N",
            description = "AMG Chebyshev polynomial degree, 1 to 8. Default: ${DEFAULT-VALUE}.")
    int degree;

    @Option(names = "--amg-sweeps", defaultValue = "1", paramLabel = "N",
            description = "AMG smoother applications before and after the coarse correction. Default: ${DEFAULT-VALUE}.")
    int sweeps;

    @Option(names = "--amg-cycle", defaultValue = "V", paramLabel = "V|W|F",
            description = "AMG cycle; F only with --solver amg (it is not symmetric). Default: ${DEFAULT-VALUE}.")
    String cycle;

    @Option(names = "--amg-coarse-size", defaultValue = "500", paramLabel = "N",
            description = "AMG coarsest level: at most N rows, solved by dense Cholesky, N <= "
                    + AmgOptions.MAX_COARSE_SIZE + ". Default: ${DEFAULT-VALUE}.")
    int coarseSize;

    @Option(names = "--amg-max-levels", defaultValue = "25", paramLabel = "N",
            description = "AMG levels at most, the finest included. Default: ${DEFAULT-VALUE}.")
    int maxLevels;

    /**
     * The options as given.
     *
     * @throws IllegalArgumentException naming the option out of range
     */
    AmgOptions toOptions() {
        return AmgOptions.defaults()
                .withStrengthThreshold(theta)
                .withSmoother(AmgOptions.Smoother.byName(smoother))
                .withChebyshevDegree(degree)
                .withSweeps(sweeps)
                .withCycle(AmgOptions.Cycle.byName(cycle))
                .withCoarseSize(coarseSize)
                .withMaxLevels(maxLevels);
    }
}
