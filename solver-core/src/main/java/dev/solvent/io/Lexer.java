package dev.solvent.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Byte-level tokenizer for Matrix Market text. It reads straight from a 64 KiB buffer and copies
 * each token into one reused array, so a multi-million-line file is read without a String or a regex
 * per line. Whitespace is space, tab and carriage return (so CRLF files read like LF files); a
 * newline ends a line. Tokens are capped in length so that binary garbage cannot grow memory.
 */
final class Lexer {

    /** Longer than any sane number (a double needs at most about 25 characters). */
    static final int MAX_TOKEN = 512;

    private final InputStream in;
    private final String source;
    private final byte[] buf = new byte[1 << 16];
    private int pos;
    private int limit;
    private boolean eof;
    private long line;

    /** The current token is {@code tok[0, tokLen)}. */
    final byte[] tok = new byte[MAX_TOKEN];
    int tokLen;

    Lexer(InputStream in, String source) {
        this.in = in;
        this.source = source;
    }

    /** The 1-based number of the line being read, or of the last line once the input has ended. */
    long line() {
        return line;
    }

    String source() {
        return source;
    }

    MatrixMarketException error(String problem) {
        return new MatrixMarketException(source, Math.max(line, 1), problem);
    }

    MatrixMarketException error(long atLine, String problem) {
        return new MatrixMarketException(source, Math.max(atLine, 1), problem);
    }

    private int peek() throws MatrixMarketException {
        if (pos == limit) {
            if (eof || !fill()) {
                return -1;
            }
        }
        return buf[pos] & 0xff;
    }

    private boolean fill() throws MatrixMarketException {
        try {
            int n;
            do {
                n = in.read(buf, 0, buf.length);
            } while (n == 0);
            if (n < 0) {
                eof = true;
                return false;
            }
            pos = 0;
            limit = n;
            return true;
        } catch (IOException e) {
            // A truncated or corrupt gzip stream ends up here: report where the text stopped.
            throw new MatrixMarketException(source, Math.max(line, 1), "read failed: " + e, e);
        }
    }

    /** Skips a UTF-8 byte order mark at the very start, which some Windows editors add. */
    void skipByteOrderMark() throws MatrixMarketException {
        if (peek() == 0xEF && limit - pos >= 3 && (buf[pos + 1] & 0xff) == 0xBB && (buf[pos + 2] & 0xff) == 0xBF) {
            pos += 3;
        }
    }

    /** Begins the next physical line; false at the end of the input. */
    boolean startLine() throws MatrixMarketException {
        if (peek() < 0) {
            return false;
        }
        line++;
        return true;
    }

    /**
     * Skips blanks within the current line; true if a token starts here, false at the end of the
     * line or of the input (the newline itself is not consumed).
     */
    boolean skipBlanks() throws MatrixMarketException {
        while (true) {
            int c = peek();
            if (c == ' ' || c == '\t' || c == '\r') {
                pos++;
            } else {
                return c >= 0 && c != '\n';
            }
        }
    }

    /** Reads one token (call after {@link #skipBlanks} returned true). */
    void readToken() throws MatrixMarketException {
        int n = 0;
        // Scans the buffer with local copies of its state: this loop sees every byte of the data.
        while (pos < limit || (!eof && fill())) {
            byte[] b = buf;
            int p = pos;
            int lim = limit;
            while (p < lim) {
                byte c = b[p];
                if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                    pos = p;
                    tokLen = n;
                    return;
                }
                if (n == MAX_TOKEN) {
                    pos = p;
                    throw error("a token longer than " + MAX_TOKEN + " characters (is this a text Matrix Market file?)");
                }
                tok[n++] = c;
                p++;
            }
            pos = p;
        }
        tokLen = n;
    }

    /** The current token as text, for headers and messages. */
    String tokenText() {
        return new String(tok, 0, tokLen, StandardCharsets.ISO_8859_1);
    }

    /** Consumes everything up to and including the next newline. */
    void skipRestOfLine() throws MatrixMarketException {
        while (true) {
            if (pos == limit && (eof || !fill())) {
                return;
            }
            // Scan the buffer directly: comment lines can be long and are the common case in headers.
            for (int p = pos; p < limit; p++) {
                if (buf[p] == '\n') {
                    pos = p + 1;
                    return;
                }
            }
            pos = limit;
        }
    }

    /**
     * Moves to the next line holding data, skipping blank lines and {@code %} comment lines, and
     * leaves the position at its first token. False at the end of the input.
     */
    boolean nextContentLine() throws MatrixMarketException {
        while (startLine()) {
            if (!skipBlanks()) {
                if (peek() < 0) {
                    return false;
                }
                pos++; // the newline of a blank line
                continue;
            }
            if (peek() == '%') {
                skipRestOfLine();
                continue;
            }
            return true;
        }
        return false;
    }

    /**
     * Counts the tokens left on the current line and consumes it, for "found N tokens" messages.
     */
    int countRestAndSkip() throws MatrixMarketException {
        int n = 0;
        while (skipBlanks()) {
            skipToken();
            n++;
        }
        skipRestOfLine();
        return n;
    }

    private void skipToken() throws MatrixMarketException {
        while (true) {
            int c = peek();
            if (c < 0 || c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                return;
            }
            pos++;
        }
    }
}
