package dev.solvent.cli;

import dev.solvent.backend.Backend;
import dev.solvent.backend.Backends;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The {@code --backend} and {@code --threads} options shared by the commands that solve. */
final class BackendOptions {

    @Option(names = "--backend", defaultValue = "cpu", paramLabel = "NAME",
            description = "Where kernels run: cpu (multithreaded), reference (single-threaded oracle), "
                    + "cuda, or auto (cuda when usable, else cpu). Default: ${DEFAULT-VALUE}.")
    String backend;

    @Option(names = "--threads", defaultValue = "0", paramLabel = "N",
            description = "Worker threads of the cpu backend (and of ot's dense kernels); 0 means one per core."
                    + " Default: ${DEFAULT-VALUE}.")
    int threads;

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    Backend create() {
        if (threads < 0) {
            throw new CommandLine.ParameterException(command.commandLine(),
                    "--threads must be 0 (one per core) or positive, got " + threads);
        }
        return Backends.byName(backend, threads);
    }
}
