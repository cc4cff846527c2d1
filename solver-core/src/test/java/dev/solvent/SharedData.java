package dev.solvent;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * Locates the {@code shared/} folder that developers and CI have beside the checkout (real
 * SuiteSparse matrices, DOTmark images). A user's own checkout lacks it: tests that need it call
 * {@link #require} and are then skipped, never passed vacuously.
 */
public final class SharedData {

    private SharedData() {
    }

    /** {@code shared/} beside some ancestor of the working directory, if present. */
    public static Optional<Path> root() {
        String override = System.getProperty("solvent.shared");
        if (override != null && Files.isDirectory(Path.of(override))) {
            return Optional.of(Path.of(override));
        }
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            Path candidate = dir.resolveSibling("shared");
            if (Files.isDirectory(candidate.resolve("matrices"))) {
                return Optional.of(candidate);
            }
            dir = dir.getParent();
        }
        return Optional.empty();
    }

    /** {@code shared/<sub>}, or skips the calling test when it is absent. */
    public static Path require(String sub) {
        Optional<Path> root = root();
        Assumptions.assumeTrue(root.isPresent(), "../shared is absent: skipping a test that needs shared data");
        Path p = root.get().resolve(sub);
        Assumptions.assumeTrue(Files.exists(p), p + " is absent");
        return p;
    }
}
