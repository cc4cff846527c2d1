package dev.solvent.io;

import dev.solvent.matrix.CooBuilder;
import dev.solvent.matrix.CsrMatrix;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/** The parser behind {@link MatrixMarket}'s read methods. One instance reads one input. */
final class MatrixMarketReader {

    enum Format { COORDINATE, ARRAY }

    enum Field { REAL, INTEGER, PATTERN }

    enum Symmetry { GENERAL, SYMMETRIC, SKEW_SYMMETRIC }

    /** Largest entry count we accept: Java arrays (and CSR's int indices) stop just short of 2^31. */
    static final long MAX_ENTRIES = Integer.MAX_VALUE - 8;

    /** Largest row or column count: CSR needs an array of rows + 1 pointers. */
    static final long MAX_DIMENSION = MAX_ENTRIES - 1;

    /**
     * Rows or columns that no entry populates still cost memory (a row pointer each, a vector
     * entry each): a size line may declare at most this many plus {@link #DIMENSION_PER_ENTRY} per
     * entry, checked before anything is allocated for them. A million empty rows cost a few MB.
     */
    static final long DIMENSION_SLACK = 1 << 20;
    /** Rows or columns accepted per entry the file holds, beyond {@link #DIMENSION_SLACK}. */
    static final long DIMENSION_PER_ENTRY = 16;

    /** Without a file size to bound it, never trust a header for more than this up-front reservation. */
    private static final int UNBOUNDED_RESERVE = 1 << 16;

    /** Receives 0-based entries, mirrored ones included. */
    private interface Sink {
        void accept(int i, int j, double v);
    }

    private final Lexer lex;
    private Format format;
    private Field field;
    private Symmetry symmetry;
    private int rows;
    private int cols;
    /** Entries the file stores (the header's count for coordinate, implied by the size for array). */
    private long count;
    private long sizeLine;

    private MatrixMarketReader(InputStream in, String source) {
        this.lex = new Lexer(in, source);
    }

    /** Wraps {@code raw} in a gzip decoder when it starts with the gzip magic bytes 1f 8b. */
    static InputStream maybeGunzip(InputStream raw, String source) throws IOException {
        PushbackInputStream in = new PushbackInputStream(raw, 2);
        byte[] magic = new byte[2];
        int n = 0;
        while (n < 2) {
            int r = in.read(magic, n, 2 - n);
            if (r < 0) {
                break;
            }
            n += r;
        }
        in.unread(magic, 0, n);
        if (n == 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
            try {
                return new GZIPInputStream(in, 1 << 16);
            } catch (EOFException | java.util.zip.ZipException e) {
                throw new MatrixMarketException(source, 1, "corrupt gzip header: " + e.getMessage(), e);
            }
        }
        return in;
    }

    /**
     * Reads a matrix. {@code sizeHint} is the input's size in bytes where known (else -1); it bounds
     * the up-front reservation so that a lying header cannot demand gigabytes before any entry is read.
     */
    static CsrMatrix readMatrix(InputStream in, String source, long sizeHint) throws IOException {
        try (InputStream decoded = maybeGunzip(new KeepOpen(in), source)) {
            MatrixMarketReader r = new MatrixMarketReader(decoded, source);
            r.readHeader();
            return r.readMatrixBody(sizeHint);
        }
    }

    /**
     * Reads a vector; {@code expectedLength >= 0} is the length the caller needs (any other is
     * refused at the size line, and that length is accepted however sparse the file), -1 for none.
     */
    static double[] readVector(InputStream in, String source, int expectedLength) throws IOException {
        try (InputStream decoded = maybeGunzip(new KeepOpen(in), source)) {
            MatrixMarketReader r = new MatrixMarketReader(decoded, source);
            r.readHeader();
            return r.readVectorBody(expectedLength);
        }
    }

    /**
     * Shields the caller's stream from close(): we close our gzip decoder promptly (it holds native
     * inflater memory) but the stream belongs to the caller.
     */
    private static final class KeepOpen extends FilterInputStream {
        KeepOpen(InputStream in) {
            super(in);
        }

        @Override
        public void close() {
        }
    }

    private CsrMatrix readMatrixBody(long sizeHint) throws MatrixMarketException {
        boolean mirrored = symmetry != Symmetry.GENERAL;
        long stored = format == Format.ARRAY ? count : (mirrored ? 2 * count : count);
        if (stored > MAX_ENTRIES) {
            throw lex.error(sizeLine, "the matrix would hold " + stored + " entries, more than a CSR matrix can ("
                    + MAX_ENTRIES + ")");
        }
        checkDimensionsBacked(stored);
        // Every coordinate line takes at least 4 bytes ("1 1\n") and yields at most 2 entries.
        long cap = sizeHint >= 0 ? sizeHint / 2 + 16 : UNBOUNDED_RESERVE;
        CooBuilder builder = CsrMatrix.builder(rows, cols).reserve((int) Math.min(stored, cap));
        if (format == Format.COORDINATE) {
            readCoordinate(builder::add);
        } else {
            // A dense array lists every zero; storing them would make the sparse matrix dense.
            readArray((i, j, v) -> {
                if (v != 0.0) {
                    builder.add(i, j, v);
                }
            });
        }
        return builder.build();
    }

    private double[] readVectorBody(int expectedLength) throws MatrixMarketException {
        if (rows != 1 && cols != 1) {
            throw lex.error(sizeLine, "not a vector: the size line says " + rows + " x " + cols
                    + ", a vector must be n x 1 or 1 x n");
        }
        // One of i, j is always 0, so i + j is the position in the vector.
        int n = rows == 1 ? cols : rows;
        if (expectedLength >= 0) {
            if (n != expectedLength) {
                throw lex.error(sizeLine, "the size line declares a vector of " + n + " entries, but the system has "
                        + expectedLength + " rows");
            }
        } else {
            checkDimensionsBacked(count);
        }
        if (format == Format.ARRAY) {
            // Array values arrive in index order, so the vector can grow as they come: a header that
            // promises more than the input holds then fails as "too few entries", not out of memory.
            double[][] grown = {new double[Math.min(n, 1 << 16)]};
            readArray((i, j, x) -> {
                int k = i + j;
                if (k == grown[0].length) {
                    grown[0] = Arrays.copyOf(grown[0], (int) Math.min(n, 2L * k));
                }
                grown[0][k] = x;
            });
            return grown[0];
        }
        double[] v = new double[n];
        // Duplicates are summed as for matrices; the first write assigns so that -0.0 survives.
        boolean[] seen = new boolean[v.length];
        readCoordinate((i, j, x) -> {
            int k = i + j;
            if (seen[k]) {
                v[k] += x;
            } else {
                v[k] = x;
                seen[k] = true;
            }
        });
        return v;
    }

    // ---------------------------------------------------------------- header

    private void readHeader() throws MatrixMarketException {
        lex.skipByteOrderMark();
        if (!lex.startLine()) {
            throw lex.error(1, "empty input: expected the banner '%%MatrixMarket matrix <format> <field> <symmetry>'");
        }
        String[] words = new String[5];
        int n = 0;
        while (lex.skipBlanks()) {
            lex.readToken();
            if (n < words.length) {
                words[n] = lex.tokenText();
            }
            n++;
        }
        lex.skipRestOfLine();
        if (n == 0 || !words[0].equalsIgnoreCase("%%MatrixMarket")) {
            throw lex.error(1, "missing Matrix Market banner: the first line must start with '%%MatrixMarket'"
                    + (n == 0 ? " (it is blank)" : ", found '" + abbreviate(words[0]) + "'"));
        }
        if (n != 5) {
            throw lex.error(1, "bad banner: expected 5 words '%%MatrixMarket matrix <format> <field> <symmetry>', found "
                    + n);
        }
        String object = words[1].toLowerCase(Locale.ROOT);
        if (!object.equals("matrix")) {
            throw lex.error(1, "unknown object '" + abbreviate(words[1]) + "' in banner (expected 'matrix')");
        }
        switch (words[2].toLowerCase(Locale.ROOT)) {
            case "coordinate": format = Format.COORDINATE; break;
            case "array": format = Format.ARRAY; break;
            default:
                throw lex.error(1, "unknown format '" + abbreviate(words[2]) + "' in banner (expected coordinate or array)");
        }
        switch (words[3].toLowerCase(Locale.ROOT)) {
            case "real": field = Field.REAL; break;
            case "integer": field = Field.INTEGER; break;
            case "pattern": field = Field.PATTERN; break;
            case "complex":
                throw lex.error(1, "field 'complex' is not supported (only real, integer and pattern are)");
            default:
                throw lex.error(1, "unknown field '" + abbreviate(words[3])
                        + "' in banner (expected real, integer, pattern or complex)");
        }
        switch (words[4].toLowerCase(Locale.ROOT)) {
            case "general": symmetry = Symmetry.GENERAL; break;
            case "symmetric": symmetry = Symmetry.SYMMETRIC; break;
            case "skew-symmetric": symmetry = Symmetry.SKEW_SYMMETRIC; break;
            case "hermitian":
                throw lex.error(1, "symmetry 'hermitian' is not supported (only general, symmetric and skew-symmetric are)");
            default:
                throw lex.error(1, "unknown symmetry '" + abbreviate(words[4])
                        + "' in banner (expected general, symmetric, skew-symmetric or hermitian)");
        }
        if (format == Format.ARRAY && field == Field.PATTERN) {
            throw lex.error(1, "bad banner: the pattern field is not allowed with the array format");
        }
        readSizeLine();
    }

    private void readSizeLine() throws MatrixMarketException {
        if (!lex.nextContentLine()) {
            throw lex.error("missing size line: the input ends after the header");
        }
        sizeLine = lex.line();
        int expected = format == Format.COORDINATE ? 3 : 2;
        String what = format == Format.COORDINATE ? "rows, columns, entries" : "rows, columns";
        long[] v = new long[3];
        String[] names = {"row count", "column count", "entry count"};
        int n = 0;
        while (n < expected && lex.skipBlanks()) {
            lex.readToken();
            v[n] = parseSize(names[n]);
            n++;
        }
        if (n < expected) {
            throw lex.error("bad size line: expected " + expected + " integers (" + what + ") for the "
                    + format.name().toLowerCase(Locale.ROOT) + " format, found " + n);
        }
        int extra = lex.countRestAndSkip();
        if (extra > 0) {
            throw lex.error("bad size line: expected " + expected + " integers (" + what + ") for the "
                    + format.name().toLowerCase(Locale.ROOT) + " format, found " + (expected + extra));
        }
        if (v[0] > MAX_DIMENSION || v[1] > MAX_DIMENSION) {
            throw lex.error("bad size line: " + v[0] + " x " + v[1] + " exceeds the largest supported dimension "
                    + MAX_DIMENSION);
        }
        rows = (int) v[0];
        cols = (int) v[1];
        if (symmetry != Symmetry.GENERAL && rows != cols) {
            throw lex.error("bad size line: a " + symmetry.name().toLowerCase(Locale.ROOT).replace('_', '-')
                    + " matrix must be square, the size line says " + rows + " x " + cols);
        }
        if (format == Format.COORDINATE) {
            count = v[2];
            if (count > MAX_ENTRIES) {
                throw lex.error("bad size line: " + count + " entries is more than this reader supports (" + MAX_ENTRIES + ")");
            }
        } else {
            long n2 = rows;
            switch (symmetry) {
                case GENERAL: count = n2 * cols; break;
                case SYMMETRIC: count = n2 * (n2 + 1) / 2; break;
                default: count = n2 * (n2 - 1) / 2; break;
            }
        }
    }

    /** A non-negative decimal integer of the size line, as long (at most 18 digits). */
    private long parseSize(String name) throws MatrixMarketException {
        byte[] t = lex.tok;
        int len = lex.tokLen;
        int p = 0;
        boolean negative = false;
        if (t[0] == '-' || t[0] == '+') {
            negative = t[0] == '-';
            p++;
        }
        if (p == len || len - p > 18) {
            throw lex.error("bad size line: " + name + " '" + abbreviate(lex.tokenText())
                    + "' is not " + (p == len ? "an integer" : "a supported integer (too large)"));
        }
        long v = 0;
        for (; p < len; p++) {
            int d = t[p] - '0';
            if (d < 0 || d > 9) {
                throw lex.error("bad size line: " + name + " '" + abbreviate(lex.tokenText()) + "' is not an integer");
            }
            v = v * 10 + d;
        }
        if (negative && v != 0) {
            throw lex.error("bad size line: " + name + " is negative (" + lex.tokenText() + ")");
        }
        return v;
    }

    // ---------------------------------------------------------------- entries

    private void readCoordinate(Sink sink) throws MatrixMarketException {
        int tokens = field == Field.PATTERN ? 2 : 3;
        String layout = field == Field.PATTERN ? "row, column" : "row, column, value";
        for (long k = 0; k < count; k++) {
            if (!lex.nextContentLine()) {
                throw tooFew(k);
            }
            lex.readToken();
            int i = parseIndex("row", rows);
            if (!lex.skipBlanks()) {
                throw wrongTokenCount(tokens, 1, layout);
            }
            lex.readToken();
            int j = parseIndex("column", cols);
            double v = 1.0;
            if (tokens == 3) {
                if (!lex.skipBlanks()) {
                    throw wrongTokenCount(tokens, 2, layout);
                }
                lex.readToken();
                v = parseValue();
            }
            endEntryLine(tokens, layout);
            if (i == j) {
                if (symmetry == Symmetry.SKEW_SYMMETRIC && v != 0.0) {
                    throw lex.error("skew-symmetric matrix with a nonzero diagonal entry (" + (i + 1) + ", " + (j + 1)
                            + ") = " + v + ": a skew-symmetric diagonal is zero");
                }
                sink.accept(i, j, v);
            } else {
                sink.accept(i, j, v);
                // Mirrored whichever triangle the entry sits in, as other readers do; the spec asks
                // writers for the lower triangle, but some write the upper.
                if (symmetry == Symmetry.SYMMETRIC) {
                    sink.accept(j, i, v);
                } else if (symmetry == Symmetry.SKEW_SYMMETRIC) {
                    sink.accept(j, i, -v);
                }
            }
        }
        checkNoMore();
    }

    private void readArray(Sink sink) throws MatrixMarketException {
        long k = 0;
        // Column-major, as the spec orders array entries; symmetric forms list the lower triangle.
        for (int j = 0; j < cols; j++) {
            int first = symmetry == Symmetry.GENERAL ? 0 : (symmetry == Symmetry.SYMMETRIC ? j : j + 1);
            for (int i = first; i < rows; i++) {
                if (!lex.nextContentLine()) {
                    throw tooFew(k);
                }
                lex.readToken();
                double v = parseValue();
                endEntryLine(1, "value");
                sink.accept(i, j, v);
                if (i != j) {
                    if (symmetry == Symmetry.SYMMETRIC) {
                        sink.accept(j, i, v);
                    } else if (symmetry == Symmetry.SKEW_SYMMETRIC) {
                        sink.accept(j, i, -v);
                    }
                }
                k++;
            }
        }
        checkNoMore();
    }

    /**
     * Refuses, at the size line, dimensions that the file's entries cannot back: more than
     * {@link #DIMENSION_SLACK} plus {@link #DIMENSION_PER_ENTRY} per entry rows or columns would
     * be empty and still cost memory, and a few bytes of text must not be able to demand gigabytes.
     */
    private void checkDimensionsBacked(long entries) throws MatrixMarketException {
        long limit = DIMENSION_SLACK + DIMENSION_PER_ENTRY * entries;
        if (Math.max((long) rows, cols) > limit) {
            throw lex.error(sizeLine, "bad size line: " + rows + " x " + cols + " with " + count + " entries; at most "
                    + limit + " rows or columns are accepted (" + DIMENSION_SLACK + " plus " + DIMENSION_PER_ENTRY
                    + " per entry): the others would be empty and still cost memory");
        }
    }

    private MatrixMarketException tooFew(long found) {
        return lex.error("too few entries: the size line (line " + sizeLine + ") declares " + count + " entries"
                + ", but the input ends after " + found + " (last line read: " + Math.max(lex.line(), 1) + ")");
    }

    private void checkNoMore() throws MatrixMarketException {
        if (lex.nextContentLine()) {
            throw lex.error("too many entries: the size line (line " + sizeLine + ") declares " + count + " entries"
                    + ", and more data follows");
        }
    }

    private void endEntryLine(int tokens, String layout) throws MatrixMarketException {
        int extra = lex.countRestAndSkip();
        if (extra > 0) {
            throw wrongTokenCount(tokens, tokens + extra, layout);
        }
    }

    private MatrixMarketException wrongTokenCount(int expected, int found, String layout) {
        return lex.error("expected " + expected + " numbers (" + layout + ") on an entry line of a "
                + field.name().toLowerCase(Locale.ROOT) + " " + format.name().toLowerCase(Locale.ROOT)
                + " file, found " + found);
    }

    /** A 1-based index in {@code [1, max]}, returned 0-based. */
    private int parseIndex(String name, int max) throws MatrixMarketException {
        byte[] t = lex.tok;
        int len = lex.tokLen;
        int p = t[0] == '-' || t[0] == '+' ? 1 : 0;
        if (p == len) {
            throw lex.error(name + " index '" + lex.tokenText() + "' is not an integer");
        }
        long v = 0;
        for (int q = p; q < len; q++) {
            int d = t[q] - '0';
            if (d < 0 || d > 9) {
                throw lex.error(name + " index '" + abbreviate(lex.tokenText()) + "' is not an integer");
            }
            // Saturate: anything past 2^40 is out of range anyway, and the message quotes the text.
            v = Math.min(v * 10 + d, 1L << 40);
        }
        if (t[0] == '-') {
            v = -v;
        }
        if (v < 1 || v > max) {
            throw lex.error(name + " index " + abbreviate(lex.tokenText()) + " out of range 1.." + max);
        }
        return (int) (v - 1);
    }

    private static final double[] POW10 = {
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    };

    /**
     * Parses the current token as a value of the header's field. The syntax is checked here (so that
     * Java-only forms such as {@code 1d} or hex are refused); the conversion takes the exact fast
     * path when the decimal significand fits in 53 bits and the power of ten is exact (both operands
     * exact, one correctly rounded operation), and {@link Double#parseDouble} otherwise.
     */
    private double parseValue() throws MatrixMarketException {
        byte[] t = lex.tok;
        int len = lex.tokLen;
        int p = 0;
        boolean negative = false;
        if (t[0] == '-' || t[0] == '+') {
            negative = t[0] == '-';
            p++;
        }
        if (field == Field.REAL && p < len && isLetter(t[p])) {
            double special = parseSpecial(t, p, len);
            return negative ? -special : special;
        }
        long m = 0;
        int significant = 0;
        int exp10 = 0;
        boolean fast = true;
        boolean anyDigit = false;
        for (; p < len && isDigit(t[p]); p++) {
            anyDigit = true;
            int d = t[p] - '0';
            if (m == 0 && d == 0) {
                continue;
            }
            if (significant < 18) {
                m = m * 10 + d;
                significant++;
            } else {
                fast = false;
            }
        }
        boolean fractional = false;
        if (p < len && t[p] == '.') {
            fractional = true;
            p++;
            for (; p < len && isDigit(t[p]); p++) {
                anyDigit = true;
                int d = t[p] - '0';
                if (m == 0 && d == 0) {
                    exp10--;
                    continue;
                }
                if (significant < 18) {
                    m = m * 10 + d;
                    significant++;
                    exp10--;
                } else {
                    fast = false;
                }
            }
        }
        boolean hasExponent = false;
        if (anyDigit && p < len && (t[p] == 'e' || t[p] == 'E')) {
            hasExponent = true;
            p++;
            boolean expNegative = false;
            if (p < len && (t[p] == '-' || t[p] == '+')) {
                expNegative = t[p] == '-';
                p++;
            }
            int e = 0;
            boolean expDigit = false;
            for (; p < len && isDigit(t[p]); p++) {
                expDigit = true;
                e = Math.min(e * 10 + (t[p] - '0'), 100_000);
            }
            if (!expDigit) {
                anyDigit = false; // "1e" or "1e+": malformed
            }
            exp10 += expNegative ? -e : e;
        }
        if (!anyDigit || p != len) {
            throw lex.error("value '" + abbreviate(lex.tokenText()) + "' is not a number");
        }
        if (field == Field.INTEGER && (fractional || hasExponent)) {
            throw lex.error("value '" + abbreviate(lex.tokenText()) + "' is not an integer, as the header's integer field requires");
        }
        double r;
        if (fast && m < (1L << 53) && exp10 >= -22 && exp10 <= 22) {
            r = exp10 >= 0 ? m * POW10[exp10] : m / POW10[-exp10];
        } else {
            r = Double.parseDouble(new String(t, 0, len, StandardCharsets.ISO_8859_1));
            return r; // parseDouble applied the sign itself
        }
        return negative ? -r : r;
    }

    /** NaN and infinities, spelled nan, inf or infinity in any case (C's printf and Java's forms). */
    private double parseSpecial(byte[] t, int p, int len) throws MatrixMarketException {
        String word = new String(t, p, len - p, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
        switch (word) {
            case "nan": return Double.NaN;
            case "inf":
            case "infinity": return Double.POSITIVE_INFINITY;
            default:
                throw lex.error("value '" + abbreviate(lex.tokenText()) + "' is not a number");
        }
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    private static boolean isLetter(byte b) {
        return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z');
    }

    /** Keeps messages readable when the offending token is binary junk. */
    private static String abbreviate(String s) {
        StringBuilder b = new StringBuilder();
        for (int k = 0; k < s.length() && k < 40; k++) {
            char c = s.charAt(k);
            b.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        if (s.length() > 40) {
            b.append("...");
        }
        return b.toString();
    }
}
