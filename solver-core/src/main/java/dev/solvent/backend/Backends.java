package dev.solvent.backend;

import dev.solvent.backend.cpu.ParallelCpuBackend;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes backends by name, the one table behind the CLI's {@code --backend}, JMH parameters and the
 * tuner:
 * <ul>
 *   <li>{@code reference}: {@link ReferenceBackend}, the single-threaded oracle;</li>
 *   <li>{@code cpu}: {@link ParallelCpuBackend};</li>
 *   <li>{@code auto}: the {@code cuda} provider when one is on the class path and can start
 *       here, else {@code cpu} (the choice is logged at info);</li>
 *   <li>any name a {@link BackendProvider} declares through {@link ServiceLoader}, such as
 *       {@code cuda} from the solver-cuda module.</li>
 * </ul>
 * The built-in names win over a provider that declares the same name.
 */
public final class Backends {

    private static final Logger LOG = LoggerFactory.getLogger(Backends.class);

    private static final String REFERENCE = "reference";
    private static final String CPU = "cpu";
    private static final String AUTO = "auto";
    private static final String CUDA = "cuda";

    private Backends() {
    }

    /** The single-threaded reference backend. */
    public static Backend reference() {
        return new ReferenceBackend();
    }

    /** The parallel CPU backend on {@link Runtime#availableProcessors()} threads. */
    public static Backend cpu() {
        return new ParallelCpuBackend();
    }

    /**
     * The parallel CPU backend on {@code threads} threads, the calling thread included; 0 means
     * {@link Runtime#availableProcessors()}.
     *
     * @throws IllegalArgumentException if {@code threads < 0}
     */
    public static Backend cpu(int threads) {
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be 0 (one per processor) or positive, got " + threads);
        }
        return threads == 0 ? new ParallelCpuBackend() : new ParallelCpuBackend(threads);
    }

    /**
     * The backend called {@code name} (case-insensitive).
     *
     * @param threads host threads, 0 for the backend's default (ignored by {@code reference})
     * @throws IllegalArgumentException     for an unknown name (the message lists the valid ones) or
     *                                      a negative thread count
     * @throws BackendUnavailableException  when the named backend cannot run here: {@code cuda}
     *                                      without the solver-cuda module on the class path, or a
     *                                      provider whose {@code create} fails (no driver, no device)
     */
    public static Backend byName(String name, int threads) {
        java.util.Objects.requireNonNull(name, "backend name");
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be 0 (the backend's default) or positive, got " + threads);
        }
        String key = name.trim().toLowerCase(Locale.ROOT);
        switch (key) {
            case REFERENCE:
                return reference();
            case CPU:
                return cpu(threads);
            case AUTO:
                return auto(threads);
            default:
                break;
        }
        BackendProvider provider = provider(key);
        if (provider != null) {
            return provider.create(threads);
        }
        if (CUDA.equals(key)) {
            throw new BackendUnavailableException("the CUDA backend is not on the classpath: add the solvent-cuda"
                    + " module (dev.solvent:solvent-cuda) to use backend 'cuda', or choose one of "
                    + availableNames());
        }
        throw new IllegalArgumentException("unknown backend '" + name + "': valid names are " + availableNames());
    }

    /**
     * The names {@link #byName} accepts here: {@code reference}, {@code cpu}, {@code auto}, then
     * the providers found on the class path, sorted.
     */
    public static List<String> availableNames() {
        List<String> names = new ArrayList<>(List.of(REFERENCE, CPU, AUTO));
        TreeSet<String> provided = new TreeSet<>();
        for (BackendProvider p : providers()) {
            String n = p.name().toLowerCase(Locale.ROOT);
            if (!names.contains(n)) {
                provided.add(n);
            }
        }
        names.addAll(provided);
        return List.copyOf(names);
    }

    private static Backend auto(int threads) {
        BackendProvider cuda = provider(CUDA);
        String why;
        if (cuda != null) {
            try {
                Backend backend = cuda.create(threads);
                LOG.info("backend auto: using cuda ({})", backend);
                return backend;
            } catch (RuntimeException | LinkageError e) {
                // A missing driver or device (BackendUnavailableException), a CUDA error, or a
                // native library that will not load: auto means "the best that runs", so fall back.
                why = "cuda is on the class path but cannot run here: " + e;
            }
        } else {
            why = "no cuda provider on the class path";
        }
        Backend cpu = cpu(threads);
        LOG.info("backend auto: using cpu with {} threads ({})", cpu.threads(), why);
        return cpu;
    }

    /** The provider called {@code key}, or null. A provider that fails to load is skipped (logged). */
    private static BackendProvider provider(String key) {
        for (BackendProvider p : providers()) {
            if (key.equals(p.name().toLowerCase(Locale.ROOT))) {
                return p;
            }
        }
        return null;
    }

    private static List<BackendProvider> providers() {
        List<BackendProvider> found = new ArrayList<>();
        Iterator<BackendProvider> it = ServiceLoader.load(BackendProvider.class).iterator();
        // An error reading one provider entry is reported once and the iterator moves on; the bound
        // only guards against a loader that keeps failing on the same entry.
        for (int errors = 0; errors < 16; ) {
            try {
                if (!it.hasNext()) {
                    break;
                }
                found.add(it.next());
            } catch (ServiceConfigurationError e) {
                errors++;
                LOG.warn("skipping a backend provider that failed to load: {}", e.toString());
            }
        }
        return found;
    }
}
