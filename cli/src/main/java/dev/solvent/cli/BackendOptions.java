package dev.solvent.cli;

import dev.solvent.backend.Backend;
import dev.solvent.backend.Backends;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Option;

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

    @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
    CommandLine.Model.CommandSpec mixee;

    /** Most threads the command line starts: each is an OS thread, and more cannot help. */
    static final int MAX_THREADS = 1024;

    /**
     * Checks the options without starting anything: a negative thread count or a backend name
     * that does not exist is a usage error (exit 2). A backend that exists but cannot run here
     * (cuda without a GPU) is found by {@link #create}, an error (exit 1).
     */
    void validate() {
        checkBackendName(mixee, backend);
        if (threads < 0 || threads > MAX_THREADS) {
            throw new CommandLine.ParameterException(mixee.commandLine(),
                    "--threads must be 0 (one per core) or 1 to " + MAX_THREADS + ", got " + threads);
        }
    }

    /** A usage error unless {@code name} is one {@link Backends#byName} knows. */
    static void checkBackendName(CommandLine.Model.CommandSpec spec, String name) {
        String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        if (!Backends.availableNames().contains(key) && !key.equals("cuda")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "unknown backend '" + name
                    + "': valid names are " + Backends.availableNames());
        }
    }

    Backend create() {
        validate();
        return Backends.byName(backend, threads);
    }
}
