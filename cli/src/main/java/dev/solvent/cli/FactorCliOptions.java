package dev.solvent.cli;

import dev.solvent.precond.Mic0;
import dev.solvent.precond.PreconditionerOptions;
import dev.solvent.precond.ShiftPolicy;
import picocli.CommandLine.Option;

/**
 * The options of {@code solve} for the incomplete Cholesky preconditioners ({@code --pc ic0},
 * {@code mic0}, and {@code auto} when it chooses IC(0)): the diagonal shift on breakdown and MIC(0)'s
 * relaxation. The defaults written here are those of {@link PreconditionerOptions#defaults()}.
 */
final class FactorCliOptions {

    @Option(names = "--pc-shift", defaultValue = "auto", paramLabel = "SPEC",
            description = "What ic0 and mic0 do on a non-positive pivot: auto (retry on A + alpha diag(A), alpha from"
                    + " 1e-3 doubling, up to 30 retries), off (report the breakdown), or INITIAL[,GROWTH[,RETRIES]]"
                    + " such as 1e-2,4,10. The setup report gives the shift used and the retries."
                    + " Default: ${DEFAULT-VALUE}.")
    String shift;

    @Option(names = "--mic-relax", defaultValue = "" + Mic0.DEFAULT_RELAXATION, paramLabel = "OMEGA",
            description = "MIC(0) relaxation in [0, 1]: the fraction of the dropped fill moved to the diagonal (1 keeps"
                    + " row sums exactly, 0 is IC(0)). Default: ${DEFAULT-VALUE}.")
    double micRelax;

    /**
     * The options as given.
     *
     * @throws IllegalArgumentException naming the option at fault
     */
    PreconditionerOptions toOptions() {
        return new PreconditionerOptions(ShiftPolicy.parse(shift), micRelax);
    }
}
