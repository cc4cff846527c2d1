package dev.solvent.ot;

import java.io.IOException;

/**
 * A malformed DOTmark CSV image. The message reads {@code <source>: line <n>[, column <k>]: <problem>};
 * {@link #source()} and {@link #line()} give the location to code (lines counted from 1 as in an
 * editor; 0 when the problem is the file as a whole, such as a file without data).
 */
public final class DotmarkFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    private final String source;
    private final long line;

    /** A problem at {@code line} of {@code source} ({@code line 0}: the whole file); {@code where} follows the source. */
    DotmarkFormatException(String source, long line, String problem) {
        super(source + ": " + (line > 0 ? "line " + line + ", " : "") + problem);
        this.source = source;
        this.line = line;
    }

    /** The name of the input (a file path or the name the caller gave a stream). */
    public String source() {
        return source;
    }

    /** The line of the problem, counted from 1; 0 when it concerns the whole file. */
    public long line() {
        return line;
    }
}
