package dev.solvent.gen;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** A generated problem too large for the heap is refused with its size, before the arrays are made. */
class GeneratorBoundsTest {

    @Test
    void aProblemLargerThanTheHeapIsRefusedBeforeAllocating() {
        long heap = Runtime.getRuntime().maxMemory();
        // The 7-point matrix stores about 7 n^3 entries of 12 bytes.
        int n = (int) Math.ceil(Math.cbrt(heap / 84.0)) + 2;
        Assumptions.assumeTrue(7.0 * n * n * n < Integer.MAX_VALUE - 8, "heap so large the array limit comes first");
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean)
                java.lang.management.ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        long before = mx.getThreadAllocatedBytes(id);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Generators.poisson3d(n));
        long bytes = mx.getThreadAllocatedBytes(id) - before;
        assertTrue(e.getMessage().contains("GB") && e.getMessage().contains("-Xmx"), e.getMessage());
        assertTrue(bytes < (64L << 20), "allocated " + bytes + " bytes before refusing");
    }
}
