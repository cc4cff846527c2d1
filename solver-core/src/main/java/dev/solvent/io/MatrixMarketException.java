package dev.solvent.io;

import java.io.IOException;

/**
 * Malformed Matrix Market input. The message reads {@code <source>:<line>: <problem>} so that an
 * editor or a terminal can jump to the offending line; {@link #source()} and {@link #line()} give the
 * same location to code. Lines are numbered from 1 as in an editor.
 */
public final class MatrixMarketException extends IOException {

    private static final long serialVersionUID = 1L;

    private final String source;
    private final long line;
    private final String problem;

    /** A problem at {@code line} of {@code source}. */
    public MatrixMarketException(String source, long line, String problem) {
        this(source, line, problem, null);
    }

    /** A problem at {@code line} of {@code source}, caused by {@code cause} (a read error, say). */
    public MatrixMarketException(String source, long line, String problem, Throwable cause) {
        super(source + ":" + line + ": " + problem, cause);
        this.source = source;
        this.line = line;
        this.problem = problem;
    }

    /** The name of the input (a file path or the name the caller gave a stream). */
    public String source() {
        return source;
    }

    /** The 1-based line at which the problem was found. */
    public long line() {
        return line;
    }

    /** The problem alone, without the location prefix. */
    public String problem() {
        return problem;
    }
}
