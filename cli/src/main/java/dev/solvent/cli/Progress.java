package dev.solvent.cli;

import dev.solvent.solve.IterationListener;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The live progress line on stderr ({@code iteration, residual}), redrawn in place at most ten
 * times a second, and only when stderr is a terminal: redirected output stays clean.
 */
final class Progress implements IterationListener {

    private static final long INTERVAL_NANOS = 100_000_000L;

    private final PrintStream err;
    private final String label;
    private long lastDraw;
    private boolean drawn;

    private Progress(PrintStream err, String label) {
        this.err = err;
        this.label = label;
    }

    /** A progress listener, or null (no listener, no cost) when quiet or stderr is not a terminal. */
    static Progress forStderr(String label, boolean quiet) {
        if (quiet || !stderrIsTerminal()) {
            return null;
        }
        return new Progress(System.err, label);
    }

    @Override
    public void onIteration(int iteration, double residualNorm) {
        long now = System.nanoTime();
        if (now - lastDraw < INTERVAL_NANOS) {
            return;
        }
        lastDraw = now;
        drawn = true;
        err.printf("\r%s  iteration %7d  residual %.3e   ", label, iteration, residualNorm);
        err.flush();
    }

    /** Erases the line so that the final report starts on a clean line. */
    void finish() {
        if (drawn) {
            err.print("\r\033[2K");
            err.flush();
        }
    }

    /**
     * Java has no isatty for stderr; on Linux /proc/self/fd/2 names the terminal device. Elsewhere,
     * fall back to System.console(), which is non-null only when stdin and stdout are terminals.
     */
    static boolean stderrIsTerminal() {
        try {
            Path fd2 = Path.of("/proc/self/fd/2");
            if (Files.exists(fd2, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                String target = Files.readSymbolicLink(fd2).toString();
                return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
            }
        } catch (java.io.IOException | UnsupportedOperationException | SecurityException e) {
            // fall through to the portable approximation
        }
        return System.console() != null;
    }
}
