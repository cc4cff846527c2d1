package dev.solvent.cli;

import dev.solvent.backend.Backend;
import dev.solvent.backend.Backends;
import picocli.CommandLine.Option;

/** The {@code --backend} and {@code --threads} options shared by the commands that solve. */
final class BackendOptions {

    @Option(names = "--backend", defaultValue = "cpu", paramLabel = "NAME",
            description = "Where kernels run: cpu (multithreaded), reference (single-threaded oracle), "
                    + "cuda, or auto (cuda when usable, else cpu). Default: ${DEFAULT-VALUE}.")
    String backend;

    @Option(names = "--threads", defaultValue = "0", paramLabel = "N",
            description = "Worker threads for the cpu backend; 0 means one per core. Default: ${DEFAULT-VALUE}.")
    int threads;

    Backend create() {
        if (threads < 0) {
            throw new IllegalArgumentException("--threads must be 0 (one per core) or positive, got " + threads);
        }
        return Backends.byName(backend, threads);
    }
}
