package dev.solvent.io;

import dev.solvent.matrix.CsrMatrix;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Reads and writes the NIST Matrix Market exchange format (the format of the SuiteSparse Matrix
 * Collection).
 *
 * <p><b>Reading.</b> The banner {@code %%MatrixMarket matrix <format> <field> <symmetry>} is matched
 * without regard to case. Supported: format {@code coordinate} and {@code array}; field {@code real},
 * {@code integer} and {@code pattern} (every stored value 1.0); symmetry {@code general},
 * {@code symmetric} (off-diagonal entries mirrored) and {@code skew-symmetric} ({@code a_ji = -a_ij};
 * a nonzero diagonal entry is an error). {@code complex} and {@code hermitian} are refused with a
 * "not supported" error. Comment lines ({@code %}) and blank lines may appear anywhere after the
 * banner. Duplicate coordinate entries are summed, as in finite-element assembly, and explicit zeros
 * are kept as stored entries; a dense {@code array} file read as a matrix stores only its nonzero
 * values. Input compressed with gzip is recognised by its magic bytes, whatever the file is called.
 *
 * <p>Values may be written {@code NaN}, {@code Inf}, {@code Infinity} (any case, optionally signed):
 * they are read as the corresponding doubles, not refused, so that a corrupted system coming out of a
 * simulation can still be loaded and the solver reports it ({@code DIVERGED_NAN}). Check
 * {@link CsrMatrix#isFinite()} where that is not wanted. Numbers are converted with correct rounding,
 * so a file written by {@link #writeMatrix} reads back bit for bit.
 *
 * <p>Every malformed input throws {@link MatrixMarketException} with the source and 1-based line;
 * a file that cannot be opened throws an {@link IOException} naming its path.
 *
 * <p><b>Sizes are checked before memory is spent on them.</b> The entry count is backed by the
 * entries themselves (storage grows as they are read, so a size line that promises more than the
 * file holds fails as "too few entries", not out of memory). Rows and columns that no entry
 * populates still cost memory, so a size line may declare at most 1,048,576 of them plus 16 per
 * entry; more is refused at the size line. A vector whose length the caller knows (the rows of
 * the matrix it goes with) is read with {@link #readVector(Path, int)}, which accepts exactly that
 * length, however sparse the file, and refuses any other at the size line. Memory for any input
 * is thus a small multiple of its (decompressed) size, plus a few MB.
 *
 * <p><b>Writing.</b> Coordinate real, general or symmetric (lower triangle), and array vectors, with
 * values in Java's shortest round-trip form ({@link Double#toString(double)}), one entry per line.
 * Files are written atomically ({@link AtomicFiles}): a failed write (a full disk) leaves the file
 * that was there before, never part of a new one.
 */
public final class MatrixMarket {

    private static final String COMMENT = "% written by Solvent (dev.solvent.io.MatrixMarket)\n";

    private MatrixMarket() {
    }

    /** Reads a sparse matrix from a Matrix Market file (plain or gzip-compressed). */
    public static CsrMatrix readMatrix(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        try (InputStream in = open(file)) {
            return MatrixMarketReader.readMatrix(in, file.toString(), Files.size(file));
        }
    }

    /**
     * Reads a sparse matrix from a stream. The stream is not closed; being read in large blocks, it
     * may be consumed beyond the end of the matrix data.
     *
     * @param sourceName the name error messages give the input (a file name, a URL)
     */
    public static CsrMatrix readMatrix(InputStream in, String sourceName) throws IOException {
        Objects.requireNonNull(in, "in");
        return MatrixMarketReader.readMatrix(in, String.valueOf(sourceName), -1);
    }

    /**
     * Reads a vector: an {@code array} file (real or integer) or a {@code coordinate} file, of size
     * n x 1 or 1 x n. Missing coordinate entries are zero; duplicates are summed.
     */
    public static double[] readVector(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        try (InputStream in = open(file)) {
            return MatrixMarketReader.readVector(in, file.toString(), -1);
        }
    }

    /**
     * Reads a vector that must have {@code expectedLength} entries (the right-hand side or
     * initial guess of a system of that size): a file declaring another length is refused at its
     * size line, before any entry is read or memory allocated for it.
     */
    public static double[] readVector(Path file, int expectedLength) throws IOException {
        Objects.requireNonNull(file, "file");
        if (expectedLength < 0) {
            throw new IllegalArgumentException("expected length must be non-negative, got " + expectedLength);
        }
        try (InputStream in = open(file)) {
            return MatrixMarketReader.readVector(in, file.toString(), expectedLength);
        }
    }

    /** Reads a vector from a stream, which is not closed; see {@link #readVector(Path)}. */
    public static double[] readVector(InputStream in, String sourceName) throws IOException {
        Objects.requireNonNull(in, "in");
        return MatrixMarketReader.readVector(in, String.valueOf(sourceName), -1);
    }

    /** Writes {@code a} as {@code coordinate real general}, every stored entry (explicit zeros too). */
    public static void writeMatrix(CsrMatrix a, Path file) throws IOException {
        writeMatrix(a, file, false);
    }

    /**
     * Writes {@code a} in coordinate real form. With {@code symmetric}, the matrix must be exactly
     * symmetric ({@code a_ij == a_ji} for every pair, an entry absent on one side counting as zero,
     * NaN matching NaN) and only its lower triangle with the diagonal is written, under a
     * {@code symmetric} banner.
     *
     * @throws IllegalArgumentException if {@code symmetric} is asked of a matrix that is not square or
     *     not exactly symmetric, naming the first offending pair (1-based, as in the file)
     */
    public static void writeMatrix(CsrMatrix a, Path file, boolean symmetric) throws IOException {
        writeMatrix(a, file, symmetric, List.of());
    }

    /**
     * As {@link #writeMatrix(CsrMatrix, Path, boolean)}, with extra comment lines after the banner
     * (each written as {@code %} followed by the line), for example a
     * {@link dev.solvent.gen.GridLayout#toComments() grid layout}.
     *
     * @throws IllegalArgumentException if a comment line holds a line break
     */
    public static void writeMatrix(CsrMatrix a, Path file, boolean symmetric, List<String> comments) throws IOException {
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(comments, "comments");
        for (String c : comments) {
            if (c.indexOf('\n') >= 0 || c.indexOf('\r') >= 0) {
                throw new IllegalArgumentException("a Matrix Market comment cannot hold a line break: " + c);
            }
        }
        Objects.requireNonNull(file, "file");
        int[] rp = a.rowPtr();
        int[] ci = a.colIdx();
        double[] v = a.values();
        long count = a.nnz();
        if (symmetric) {
            checkExactlySymmetric(a);
            count = 0;
            for (int i = 0; i < a.rows(); i++) {
                for (int k = rp[i]; k < rp[i + 1] && ci[k] <= i; k++) {
                    count++;
                }
            }
        }
        long entries = count;
        AtomicFiles.write(file, out -> {
            Writer w = writer(out);
            w.write("%%MatrixMarket matrix coordinate real " + (symmetric ? "symmetric" : "general") + "\n");
            w.write(COMMENT);
            for (String c : comments) {
                w.write("%" + c + "\n");
            }
            w.write(a.rows() + " " + a.cols() + " " + entries + "\n");
            StringBuilder line = new StringBuilder(64);
            for (int i = 0; i < a.rows(); i++) {
                // Columns are sorted within a row, so the lower triangle is a prefix of each row.
                for (int k = rp[i]; k < rp[i + 1] && (!symmetric || ci[k] <= i); k++) {
                    line.setLength(0);
                    // StringBuilder.append(double) is Double.toString: the shortest text that reads back exactly.
                    line.append(i + 1).append(' ').append(ci[k] + 1).append(' ').append(v[k]).append('\n');
                    w.append(line);
                }
            }
            w.flush();
        });
    }

    /**
     * The comment lines of a Matrix Market file's header: those between the banner and the size
     * line, without their leading {@code %} (blank lines left out). Only the header is read; gzip
     * input is recognised as for {@link #readMatrix(Path)}. A header line longer than
     * {@value #MAX_COMMENT_LINE} characters, or comments beyond {@value #MAX_COMMENT_CHARS} characters
     * in all, are refused (naming the file and line) rather than read into memory.
     */
    public static List<String> readComments(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        List<String> comments = new ArrayList<>();
        long total = 0;
        try (InputStream in = MatrixMarketReader.maybeGunzip(open(file), file.toString());
             Reader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16)) {
            StringBuilder line = new StringBuilder();
            long lineNo = 1;
            if (!readLine(r, line, file, lineNo) || !line.toString().regionMatches(true, 0, "%%MatrixMarket", 0, 14)) {
                throw new MatrixMarketException(file.toString(), 1,
                        "missing Matrix Market banner: the first line must start with '%%MatrixMarket'");
            }
            while (readLine(r, line, file, ++lineNo)) {
                String s = line.toString().strip();
                if (s.isEmpty()) {
                    continue;
                }
                if (!s.startsWith("%")) {
                    break;
                }
                total += s.length();
                if (total > MAX_COMMENT_CHARS) {
                    throw new MatrixMarketException(file.toString(), lineNo,
                            "the header's comments exceed " + MAX_COMMENT_CHARS + " characters");
                }
                comments.add(s.substring(1));
            }
        }
        return comments;
    }

    /** Longest header line {@link #readComments} accepts, in characters. */
    public static final int MAX_COMMENT_LINE = 1 << 20;
    /** Most comment text {@link #readComments} accepts, in characters. */
    public static final long MAX_COMMENT_CHARS = 1L << 28;

    /** Reads one line into {@code line} (without its end); false at the end of the input. */
    private static boolean readLine(Reader r, StringBuilder line, Path file, long lineNo) throws IOException {
        line.setLength(0);
        int c = r.read();
        if (c < 0) {
            return false;
        }
        while (c >= 0 && c != '\n') {
            if (c != '\r') {
                if (line.length() >= MAX_COMMENT_LINE) {
                    throw new MatrixMarketException(file.toString(), lineNo,
                            "header line longer than " + MAX_COMMENT_LINE + " characters");
                }
                line.append((char) c);
            }
            c = r.read();
        }
        return true;
    }

    /** Writes {@code v} as an n x 1 {@code array real general} file. */
    public static void writeVector(double[] v, Path file) throws IOException {
        Objects.requireNonNull(v, "v");
        Objects.requireNonNull(file, "file");
        AtomicFiles.write(file, out -> {
            Writer w = writer(out);
            w.write("%%MatrixMarket matrix array real general\n");
            w.write(COMMENT);
            w.write(v.length + " 1\n");
            StringBuilder line = new StringBuilder(32);
            for (double x : v) {
                line.setLength(0);
                line.append(x).append('\n');
                w.append(line);
            }
            w.flush();
        });
    }

    private static void checkExactlySymmetric(CsrMatrix a) {
        if (!a.isSquare()) {
            throw new IllegalArgumentException("cannot write a " + a.rows() + " x " + a.cols()
                    + " matrix as symmetric: it is not square");
        }
        int[] rp = a.rowPtr();
        int[] ci = a.colIdx();
        double[] v = a.values();
        for (int i = 0; i < a.rows(); i++) {
            for (int k = rp[i]; k < rp[i + 1]; k++) {
                int j = ci[k];
                if (j == i) {
                    continue;
                }
                double mirror = a.get(j, i);
                boolean same = v[k] == mirror || (Double.isNaN(v[k]) && Double.isNaN(mirror));
                if (!same) {
                    throw new IllegalArgumentException("cannot write the matrix as symmetric: entry (" + (i + 1) + ", "
                            + (j + 1) + ") = " + v[k] + " but (" + (j + 1) + ", " + (i + 1) + ") = " + mirror
                            + " (1-based)");
                }
            }
        }
    }

    private static InputStream open(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new IOException(file + ": is a directory, not a Matrix Market file");
        }
        try {
            return Files.newInputStream(file);
        } catch (NoSuchFileException e) {
            NoSuchFileException clear = new NoSuchFileException(file.toString(), null, "no such Matrix Market file");
            clear.initCause(e);
            throw clear;
        } catch (IOException e) {
            throw new IOException(file + ": cannot open Matrix Market file: " + e, e);
        }
    }

    /** A writer over the stream AtomicFiles gives, flushed (never closed) by the caller. */
    private static Writer writer(java.io.OutputStream out) {
        // US-ASCII is exact here: everything written is digits, signs, letters of the banner.
        return new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.US_ASCII), 1 << 16);
    }
}
