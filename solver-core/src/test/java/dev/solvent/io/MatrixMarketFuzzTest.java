package dev.solvent.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.solvent.matrix.CsrMatrix;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/**
 * A seeded mutational fuzzer of the Matrix Market reader: valid files of every supported kind are
 * mutated (bytes flipped, inserted, deleted, duplicated, numbers swapped for extreme ones,
 * truncated, gzip-compressed and then corrupted) and read as a matrix and as a vector. The
 * contract for every input: a {@link MatrixMarketException} naming the source and a line of the
 * input, or a valid matrix (vector); never another exception, and never more memory than a small
 * multiple of the input's size ({@value #BYTES_PER_INPUT_BYTE} bytes per input byte, plus
 * {@value #FIXED_BYTES} bytes for buffers and the dimensions the reader accepts without entries).
 *
 * <p>Runs for at most {@value #CASES} cases or {@value #BUDGET_MILLIS} ms, whichever comes first;
 * a failure prints the seed and the input (escaped) so that it can be replayed.
 */
class MatrixMarketFuzzTest {

    static final int CASES = 40_000;
    static final long BUDGET_MILLIS = 4_000;
    static final long BYTES_PER_INPUT_BYTE = 64;
    static final long FIXED_BYTES = 32L << 20;

    private static final String[] SEEDS = {
        "%%MatrixMarket matrix coordinate real general\n% comment\n3 4 5\n1 1 1.5\n2 2 -2e3\n3 4 .5\n1 4 7\n2 2 1\n",
        "%%MatrixMarket matrix coordinate real symmetric\n4 4 5\n1 1 4\n2 1 -1\n2 2 4\n4 3 -1\n4 4 4\n",
        "%%MatrixMarket matrix coordinate integer skew-symmetric\n3 3 2\n2 1 3\n3 2 -1\n",
        "%%MatrixMarket matrix coordinate pattern general\n2 3 3\n1 1\n2 3\n1 2\n",
        "%%MatrixMarket matrix array real general\n2 2\n1.0\n2.0\n\n3.0\n4.0\n",
        "%%MatrixMarket matrix array real symmetric\n3 3\n1\n2\n3\n4\n5\n6\n",
        "%%MatrixMarket matrix array real general\n4 1\n1\nNaN\n-Inf\n4e-310\n",
        "%%MatrixMarket matrix coordinate real general\n5 1 2\n2 1 3.5\n5 1 -1\n",
        "%%matrixmarket MATRIX Coordinate REAL General\r\n2 2 1\r\n 2\t2  9\r\n",
    };

    private static final String[] TOKENS = {
        "2000000000", "50000000", "2147483647", "2147483648", "9223372036854775807", "99999999999999999999",
        "-1", "0", "1", "+1", "1e309", "-1e-400", "nan", "Infinity", "1.", ".", "e", "1e", "0x10", "1d",
        "%", "%%MatrixMarket", "matrix", "coordinate", "array", "pattern", "integer", "complex", "hermitian",
        "symmetric", "skew-symmetric", "general", "\n", "\r\n", " ", "\t", "\u0000", "\u00ff",
    };

    private static byte[] mutate(Random rnd, byte[] in) {
        byte[] b = in;
        int ops = 1 + rnd.nextInt(4);
        for (int o = 0; o < ops; o++) {
            int at = b.length == 0 ? 0 : rnd.nextInt(b.length + 1);
            switch (rnd.nextInt(9)) {
                case 0 -> {
                    if (b.length > 0) {
                        b = b.clone();
                        b[Math.min(at, b.length - 1)] = (byte) rnd.nextInt(256);
                    }
                }
                case 1, 2 -> b = splice(b, at, at, TOKENS[rnd.nextInt(TOKENS.length)].getBytes(StandardCharsets.ISO_8859_1));
                case 3 -> b = splice(b, at, Math.min(b.length, at + rnd.nextInt(12)), new byte[0]);
                case 4 -> {
                    int end = Math.min(b.length, at + rnd.nextInt(40));
                    byte[] copy = java.util.Arrays.copyOfRange(b, at, end);
                    b = splice(b, end, end, copy);
                }
                case 5 -> b = java.util.Arrays.copyOf(b, at);
                case 6 -> b = replaceNumber(rnd, b);
                case 7 -> b = replaceSizeNumber(rnd, b);
                default -> b = cutAfterSizeLine(b);
            }
        }
        return b;
    }

    /** The byte range of the size line: the first line after the banner that is not a comment. */
    private static int[] sizeLine(byte[] b) {
        int start = 0;
        boolean first = true;
        while (start < b.length) {
            int end = start;
            while (end < b.length && b[end] != '\n') {
                end++;
            }
            if (!first && end > start && b[start] != '%') {
                return new int[] {start, end};
            }
            first = false;
            start = end + 1;
        }
        return null;
    }

    /** Replaces one number of the size line with an extreme one: the dimensions are the reader's weak spot. */
    private static byte[] replaceSizeNumber(Random rnd, byte[] b) {
        int[] line = sizeLine(b);
        if (line == null) {
            return b;
        }
        byte[] head = java.util.Arrays.copyOfRange(b, line[0], line[1]);
        byte[] changed = replaceNumber(rnd, head);
        return splice(b, line[0], line[1], changed);
    }

    /** Drops every line after the size line (a header that promises entries the file lacks). */
    private static byte[] cutAfterSizeLine(byte[] b) {
        int[] line = sizeLine(b);
        return line == null ? b : java.util.Arrays.copyOf(b, Math.min(b.length, line[1] + 1));
    }

    /** Replaces one run of digits with a token. */
    private static byte[] replaceNumber(Random rnd, byte[] b) {
        List<int[]> runs = new ArrayList<>();
        for (int i = 0; i < b.length; ) {
            if (b[i] >= '0' && b[i] <= '9') {
                int j = i;
                while (j < b.length && b[j] >= '0' && b[j] <= '9') {
                    j++;
                }
                runs.add(new int[] {i, j});
                i = j;
            } else {
                i++;
            }
        }
        if (runs.isEmpty()) {
            return b;
        }
        int[] r = runs.get(rnd.nextInt(runs.size()));
        return splice(b, r[0], r[1], TOKENS[rnd.nextInt(12)].getBytes(StandardCharsets.ISO_8859_1));
    }

    private static byte[] splice(byte[] b, int from, int to, byte[] insert) {
        byte[] out = new byte[b.length - (to - from) + insert.length];
        System.arraycopy(b, 0, out, 0, from);
        System.arraycopy(insert, 0, out, from, insert.length);
        System.arraycopy(b, to, out, from + insert.length, b.length - to);
        return out;
    }

    private static byte[] gzip(byte[] b) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(b);
        }
        return out.toByteArray();
    }

    private static long lines(byte[] b) {
        long n = 1;
        for (byte c : b) {
            if (c == '\n') {
                n++;
            }
        }
        return n;
    }

    @Test
    void everyMutatedInputGivesAMatrixOrAnErrorNamingItsLine() throws Exception {
        Random rnd = new Random(20240613L);
        long deadline = System.nanoTime() + BUDGET_MILLIS * 1_000_000L;
        int cases = 0;
        int valid = 0;
        for (; cases < CASES && System.nanoTime() < deadline; cases++) {
            byte[] seed = SEEDS[rnd.nextInt(SEEDS.length)].getBytes(StandardCharsets.ISO_8859_1);
            byte[] input = mutate(rnd, seed);
            long plainLength = input.length;
            boolean compressed = rnd.nextInt(10) == 0;
            if (compressed) {
                input = gzip(input);
                if (rnd.nextBoolean()) {
                    input = mutate(rnd, input);
                }
            }
            byte[] in = input;
            long limit = BYTES_PER_INPUT_BYTE * Math.max(plainLength, in.length) + FIXED_BYTES;
            String replay = "case " + cases + (compressed ? " (gzip)" : "") + ": \"" + FuzzText.escape(compressed ? seed : in) + "\"";
            for (boolean vector : new boolean[] {false, true}) {
                String what = (vector ? "readVector " : "readMatrix ") + replay;
                Object[] result = new Object[1];
                Throwable[] thrown = new Throwable[1];
                long bytes = MatrixMarketBoundsTest.allocated(() -> {
                    try {
                        result[0] = vector ? MatrixMarket.readVector(new ByteArrayInputStream(in), "fuzz.mtx")
                                : MatrixMarket.readMatrix(new ByteArrayInputStream(in), "fuzz.mtx");
                    } catch (Throwable t) {
                        thrown[0] = t;
                    }
                });
                // The memory bound holds for refused inputs too: a refusal after a huge allocation is a defect.
                assertTrue(bytes <= limit, what + " allocated " + bytes + " bytes for " + in.length + " input bytes"
                        + (thrown[0] == null ? "" : " before throwing " + thrown[0]));
                if (thrown[0] instanceof MatrixMarketException e) {
                    assertEquals("fuzz.mtx", e.source(), replay);
                    long lines = compressed ? Long.MAX_VALUE : lines(in);
                    assertTrue(e.line() >= 1 && e.line() <= lines, replay + " -> line " + e.line() + ": " + e.getMessage());
                    assertTrue(e.getMessage().startsWith("fuzz.mtx:" + e.line() + ": "), replay + " -> " + e.getMessage());
                    continue;
                }
                if (thrown[0] != null) {
                    fail(what + " threw " + thrown[0], thrown[0]);
                    return;
                }
                if (!vector) {
                    checkValid((CsrMatrix) result[0], replay);
                }
                valid++;
            }
        }
        System.out.println("MatrixMarketFuzzTest: " + cases + " cases, " + valid + " valid reads");
        assertTrue(cases >= 100, "only " + cases + " cases ran");
        assertTrue(valid > 0, "no mutated input was valid: the mutations are too destructive to test acceptance");
    }

    private static void checkValid(CsrMatrix a, String replay) {
        int[] rp = a.rowPtr();
        int[] ci = a.colIdx();
        assertEquals(a.rows() + 1, rp.length, replay);
        assertEquals(0, rp[0], replay);
        for (int i = 0; i < a.rows(); i++) {
            assertTrue(rp[i] <= rp[i + 1], replay);
            for (int k = rp[i]; k < rp[i + 1]; k++) {
                assertTrue(ci[k] >= 0 && ci[k] < a.cols(), replay);
                assertTrue(k == rp[i] || ci[k - 1] < ci[k], replay);
            }
        }
        assertEquals(ci.length, rp[a.rows()], replay);
    }
}
