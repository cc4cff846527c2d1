package dev.solvent.ot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sizes are checked before work and memory are spent: a DOTmark line is read in bounded memory
 * whatever its length, two images too large for the dense formulation are refused before their
 * point pairs are scanned (343 s for 512 x 512), and a random assignment too large for the heap is
 * refused before its n x n cost is allocated.
 */
class OtBoundsTest {

    @TempDir
    Path dir;

    static long allocated(Runnable action) {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean)
                java.lang.management.ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        long before = mx.getThreadAllocatedBytes(id);
        action.run();
        return mx.getThreadAllocatedBytes(id) - before;
    }

    @Test
    void aHugeCsvLineIsRefusedInBoundedMemoryNamingFileAndLine() throws IOException {
        Path f = dir.resolve("long.csv");
        try (BufferedWriter w = Files.newBufferedWriter(f, StandardCharsets.US_ASCII)) {
            for (int i = 0; i < 4_000_000; i++) {
                w.write("12345,");
            }
            w.write("1\n");
        }
        AtomicReference<IOException> thrown = new AtomicReference<>();
        long bytes = allocated(() -> thrown.set(assertThrows(IOException.class, () -> DotmarkCsv.read(f))));
        String m = thrown.get().getMessage();
        assertTrue(m.contains(f.toString()) && m.contains("line 1") && m.contains("longer"), m);
        // Well under the line itself: the line is never held, only the values parsed from it.
        assertTrue(bytes < (16L << 20), "reading a " + Files.size(f) + "-byte line allocated " + bytes + " bytes");
    }

    @Test
    void bytesThatAreNotTextNameTheFileAndLine() throws IOException {
        Path f = dir.resolve("bin.csv");
        Files.write(f, new byte[] {'1', ',', '2', '\n', '3', ',', (byte) 0xC3, (byte) 0x28, '\n'});
        IOException e = assertThrows(IOException.class, () -> DotmarkCsv.read(f));
        assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("line 2"), e.getMessage());
    }

    private Path image(String name, int side) throws IOException {
        Path f = dir.resolve(name);
        try (BufferedWriter w = Files.newBufferedWriter(f, StandardCharsets.US_ASCII)) {
            for (int i = 0; i < side; i++) {
                for (int j = 0; j < side; j++) {
                    w.write(j == 0 ? "1" : ",1");
                }
                w.write('\n');
            }
        }
        return f;
    }

    @Test
    void imagesTooLargeForTheDenseCostAreRefusedBeforeThePairScan() throws Exception {
        Path a = image("a.csv", 512);
        Path b = image("b.csv", 512);
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                TransportProblem.fromDotmark(a, b, GroundCost.SQEUCLIDEAN, true, 10);
                outcome.set(new AssertionError("a 262144 x 262144 dense problem was built"));
            } catch (Throwable e) {
                outcome.set(e);
            }
        });
        t.setDaemon(true);
        t.start();
        // A hang guard, not a timing assertion: the refusal needs only the two files read.
        t.join(120_000);
        assertFalse(t.isAlive(), "still working on every point pair after 120 s instead of refusing the size");
        Throwable e = outcome.get();
        assertTrue(e instanceof IllegalArgumentException, String.valueOf(e));
        assertTrue(e.getMessage().contains("262144 x 262144"), e.getMessage());
    }

    @Test
    void aRandomAssignmentTooLargeForTheHeapIsRefusedBeforeAllocating() {
        long max = Runtime.getRuntime().maxMemory();
        // The smallest n whose n x n cost alone exceeds the heap, and within the dense limit.
        int n = (int) Math.min(46_000, Math.ceil(Math.sqrt(max / 8.0)) + 1);
        org.junit.jupiter.api.Assumptions.assumeTrue(8.0 * n * n > max, "heap larger than any dense problem");
        AtomicReference<IllegalArgumentException> thrown = new AtomicReference<>();
        long bytes = allocated(() -> thrown.set(assertThrows(IllegalArgumentException.class,
                () -> TransportProblem.randomAssignment(n, 1, 100))));
        String m = thrown.get().getMessage();
        assertTrue(m.contains("memory") && m.contains("-Xmx"), m);
        assertTrue(bytes < (64L << 20), "allocated " + bytes + " bytes before refusing");
    }

    @Test
    void randomAssignmentKeepsItsCostsAndMasses() {
        // The flat cost is drawn row by row with java.util.Random(seed), as before.
        TransportProblem p = TransportProblem.randomAssignment(5, 7, 100);
        java.util.Random rnd = new java.util.Random(7);
        for (int i = 0; i < 5; i++) {
            for (int j = 0; j < 5; j++) {
                assertEquals(rnd.nextDouble(), p.cost(i, j), 0.0);
            }
        }
        for (double m : p.sourceMasses()) {
            assertEquals(0.2, m, 1e-16);
        }
    }
}
