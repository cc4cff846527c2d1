package dev.solvent.ot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A seeded mutational fuzzer of the DOTmark CSV reader. Contract for every input: a rectangular
 * grid of finite non-negative values, or a {@link DotmarkFormatException} naming the source and a
 * line of the input (line 0 for a file without data); never another exception, and never more
 * memory than {@value #BYTES_PER_INPUT_BYTE} bytes per input byte plus {@value #FIXED_BYTES}.
 * At most {@value #CASES} cases or {@value #BUDGET_MILLIS} ms.
 */
class DotmarkFuzzTest {

    static final int CASES = 40_000;
    static final long BUDGET_MILLIS = 3_000;
    static final long BYTES_PER_INPUT_BYTE = 64;
    static final long FIXED_BYTES = 1L << 20;

    private static final String[] SEEDS = {
        "1,2\n3,4\n",
        "0,0,1\n0,2,0\n\n1,0,0\n",
        "1.5, 2e3 ,0\r\n0,0,7\r\n3,3,3\r\n",
        "255,0,0,0\n0,255,0,0\n0,0,255,0\n0,0,0,255\n",
        "0.0001\n",
    };

    private static final String[] TOKENS = {
        ",", ",,", "\n", "\r\n", " ", "-1", "NaN", "Infinity", "1e309", "0x1p3", "1d", "", "9".repeat(400),
        "\u0000", "\u00c3\u0028", "\u00ff\u00fe", "-0", "+5", "1,2,3,4,5,6,7,8,9",
    };

    private static byte[] splice(byte[] b, int from, int to, byte[] insert) {
        byte[] out = new byte[b.length - (to - from) + insert.length];
        System.arraycopy(b, 0, out, 0, from);
        System.arraycopy(insert, 0, out, from, insert.length);
        System.arraycopy(b, to, out, from + insert.length, b.length - to);
        return out;
    }

    private static byte[] mutate(Random rnd, byte[] b) {
        int ops = 1 + rnd.nextInt(4);
        for (int o = 0; o < ops; o++) {
            int at = rnd.nextInt(b.length + 1);
            switch (rnd.nextInt(6)) {
                case 0 -> {
                    if (b.length > 0) {
                        b = b.clone();
                        b[Math.min(at, b.length - 1)] = (byte) rnd.nextInt(256);
                    }
                }
                case 1, 2 -> b = splice(b, at, at, TOKENS[rnd.nextInt(TOKENS.length)].getBytes(StandardCharsets.ISO_8859_1));
                case 3 -> b = splice(b, at, Math.min(b.length, at + rnd.nextInt(8)), new byte[0]);
                case 4 -> {
                    int end = Math.min(b.length, at + rnd.nextInt(30));
                    b = splice(b, end, end, java.util.Arrays.copyOfRange(b, at, end));
                }
                default -> b = java.util.Arrays.copyOf(b, at);
            }
        }
        return b;
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
    void everyMutatedImageGivesAGridOrAnErrorNamingItsLine() {
        Random rnd = new Random(4242L);
        long deadline = System.nanoTime() + BUDGET_MILLIS * 1_000_000L;
        int cases = 0;
        int valid = 0;
        for (; cases < CASES && System.nanoTime() < deadline; cases++) {
            byte[] in = mutate(rnd, SEEDS[rnd.nextInt(SEEDS.length)].getBytes(StandardCharsets.ISO_8859_1));
            String replay = "case " + cases + ": \"" + dev.solvent.io.FuzzText.escape(in) + "\"";
            double[][][] grid = new double[1][][];
            Throwable[] thrown = new Throwable[1];
            long bytes = OtBoundsTest.allocated(() -> {
                try {
                    grid[0] = DotmarkCsv.read(new ByteArrayInputStream(in), "fuzz.csv");
                } catch (Throwable t) {
                    thrown[0] = t;
                }
            });
            // The memory bound holds for refused inputs too.
            assertTrue(bytes <= BYTES_PER_INPUT_BYTE * in.length + FIXED_BYTES, replay + " allocated " + bytes
                    + (thrown[0] == null ? "" : " before throwing " + thrown[0]));
            if (thrown[0] instanceof DotmarkFormatException e) {
                assertEquals("fuzz.csv", e.source(), replay);
                assertTrue(e.line() >= 0 && e.line() <= lines(in), replay + " -> " + e.getMessage());
                assertTrue(e.getMessage().startsWith("fuzz.csv: "), replay + " -> " + e.getMessage());
                assertTrue(e.line() == 0 || e.getMessage().contains("line " + e.line()), replay + " -> " + e.getMessage());
                continue;
            }
            if (thrown[0] != null) {
                fail(replay + " threw " + thrown[0], thrown[0]);
                return;
            }
            double[][] g = grid[0];
            assertTrue(g.length > 0, replay);
            for (double[] row : g) {
                assertEquals(g[0].length, row.length, replay);
                for (double v : row) {
                    assertTrue(Double.isFinite(v) && v >= 0, replay);
                }
            }
            valid++;
        }
        System.out.println("DotmarkFuzzTest: " + cases + " cases, " + valid + " valid grids");
        assertTrue(cases >= 100, "only " + cases + " cases ran");
        assertTrue(valid > 0, "no mutated input was valid");
    }
}
