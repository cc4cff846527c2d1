package dev.solvent.examples.smoke;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solvent.backend.Backend;
import dev.solvent.backend.Backends;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import org.junit.jupiter.api.Test;

/** A long run reuses the bound solver: 2,000 consecutive pressure solves leave heap and threads flat. */
class ResourceTest {

    private static long usedHeapAfterGc(MemoryMXBean memory) throws InterruptedException {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(20);
            best = Math.min(best, memory.getHeapMemoryUsage().getUsed());
        }
        return best;
    }

    @Test
    void twoThousandPressureSolvesLeaveHeapAndThreadsFlat() throws InterruptedException {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        SmokeConfig config = SmokeConfig.defaults(3, 10).withThreads(2);
        int threadsBefore = threads.getThreadCount();
        long heapAt200 = 0;
        int threadsAt200 = 0;
        try (Backend backend = Backends.cpu(2);
             SmokeSimulation sim = new SmokeSimulation(config, PressureSolvers.create("ic0", config, backend))) {
            for (int s = 1; s <= 2000; s++) {
                SmokeSimulation.Step step = sim.step();
                assertTrue(step.projection().solve().result().converged(), "step " + s);
                if (s == 200) {
                    heapAt200 = usedHeapAfterGc(memory);
                    threadsAt200 = threads.getThreadCount();
                }
            }
            long heapAt2000 = usedHeapAfterGc(memory);
            int threadsAt2000 = threads.getThreadCount();
            assertEquals(threadsAt200, threadsAt2000, "threads after 200 and after 2,000 solves");
            assertTrue(heapAt2000 - heapAt200 < 4L << 20, "heap grew by " + ((heapAt2000 - heapAt200) >> 10)
                    + " KiB between solve 200 and 2,000");
            assertEquals(1, sim.projection().solver().setups(), "setup ran once for 2,000 solves");
            assertEquals(2000, sim.steps());
        }
        // Closing the simulation and the backend ends their threads.
        for (int i = 0; i < 50 && threads.getThreadCount() > threadsBefore; i++) {
            Thread.sleep(20);
        }
        assertTrue(threads.getThreadCount() <= threadsBefore, "threads before " + threadsBefore + ", after close "
                + threads.getThreadCount());
    }
}
