package dev.solvent.cli;

import dev.solvent.solve.IterationListener;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * What a person watching the terminal sees while a command works, drawn on stderr by
 * me.tongfei:progressbar, and only when stderr is a terminal (redirected output stays clean) and
 * {@code --quiet} is off:
 * <ul>
 *   <li>a solve: iteration against the limit, elapsed time, iterations per second, and the
 *       relative residual against its target, for example
 *       {@code cg/ic0  4% [=>    ] 412/10000 (0:00:03) 137.3 it/s rel. residual 2.1e-05 -> 1e-08};</li>
 *   <li>reading a file: megabytes read of its size;</li>
 *   <li>a step of unknown length (a setup, a model load, writing a file): its name and the time it
 *       has taken so far.</li>
 * </ul>
 * The line is erased when the step ends, so the report that follows starts on a clean line.
 */
final class Progress implements IterationListener, AutoCloseable {

    /** Redraw at most this often. */
    static final int UPDATE_MILLIS = 200;

    private final ProgressBarBuilder builder;
    /** Made at the first iteration, so that a setup's own line is not drawn under an idle one. */
    private ProgressBar bar;
    private final double bNorm;
    private final String target;
    private long lastMessage;
    private double lastResidual = Double.NaN;

    private Progress(ProgressBarBuilder builder, double bNorm, double targetRelative) {
        this.builder = builder;
        this.bNorm = bNorm;
        this.target = String.format(Locale.ROOT, "%.0e", targetRelative);
    }

    /** Whether progress is drawn at all: not when quiet, and only onto a terminal. */
    static boolean shown(boolean quiet) {
        return !quiet && stderrIsTerminal();
    }

    /**
     * The live line of a solve, or null (no listener, no cost) when not {@link #shown}.
     *
     * @param bNorm           {@code ||b||}, to show the residual relative to it
     * @param targetRelative  the relative residual the solve stops at
     */
    static Progress forSolve(String label, int maxIterations, double bNorm, double targetRelative, boolean quiet) {
        return shown(quiet) ? forSolve(label, maxIterations, bNorm, targetRelative, console()) : null;
    }

    /** As above, drawing to the given consumer (tests read the line from it). */
    static Progress forSolve(String label, int maxIterations, double bNorm, double targetRelative,
                             ProgressBarConsumer consumer) {
        ProgressBarBuilder b = builder(label, consumer)
                .setInitialMax(maxIterations)
                .setUnit(" it", 1)
                .showSpeed(new java.text.DecimalFormat("0.0"))
                .hideEta();
        return new Progress(b, bNorm, targetRelative);
    }

    @Override
    public void onIteration(int iteration, double residualNorm) {
        if (bar == null) {
            bar = builder.build();
        }
        bar.stepTo(iteration);
        lastResidual = residualNorm;
        long now = System.nanoTime();
        // Formatting the message costs more than a small problem's iteration: at most once per redraw.
        if (now - lastMessage >= UPDATE_MILLIS * 1_000_000L) {
            lastMessage = now;
            updateMessage();
        }
    }

    private void updateMessage() {
        double relative = bNorm > 0 ? lastResidual / bNorm : lastResidual;
        bar.setExtraMessage(String.format(Locale.ROOT, " rel. residual %.1e -> %s", relative, target));
    }

    /** Shows the latest iteration and residual now (the bar otherwise redraws on its own clock). */
    void refresh() {
        if (bar != null) {
            updateMessage();
            bar.refresh();
        }
    }

    /** Draws the final state once more, then erases the line. */
    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }

    /** Reads {@code file} through a line showing megabytes read, unless not {@link #shown}. */
    static InputStream reading(Path file, InputStream in, boolean quiet) throws IOException {
        if (!shown(quiet)) {
            return in;
        }
        long size = Files.size(file);
        return ProgressBar.wrap(in, builder("reading " + file.getFileName(), console())
                .setInitialMax(size)
                .setUnit(" MB", 1_000_000)
                .hideEta());
    }

    /**
     * Runs a step of unknown length with a line naming it and showing the time it has taken
     * (the line is redrawn by the bar's own thread while the step runs).
     */
    static <T> T step(String name, boolean quiet, Callable<T> work) throws Exception {
        if (!shown(quiet)) {
            return work.call();
        }
        try (ProgressBar bar = builder(name, console()).setInitialMax(-1).hideEta().build()) {
            return work.call();
        }
    }

    /** A bar drawn by {@code consumer}, or onto stderr (the library's console consumer) when it is null. */
    private static ProgressBarBuilder builder(String task, ProgressBarConsumer consumer) {
        ProgressBarBuilder b = new ProgressBarBuilder()
                .setTaskName(task)
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(UPDATE_MILLIS)
                .continuousUpdate()
                .clearDisplayOnFinish();
        return consumer == null ? b : b.setConsumer(consumer);
    }

    private static ProgressBarConsumer console() {
        return null;
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
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            // fall through to the portable approximation
        }
        return System.console() != null;
    }
}
