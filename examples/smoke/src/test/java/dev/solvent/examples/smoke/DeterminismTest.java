package dev.solvent.examples.smoke;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solvent.backend.Backend;
import dev.solvent.backend.Backends;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The same seed and thread count give the same run, bit for bit; a different seed another. */
class DeterminismTest {

    /** Density, u and pressure after the run, and the method of each step. */
    private static List<Object> run(String solver, long seed, int threads, boolean open) {
        SmokeConfig config = SmokeConfig.defaults(3, 12).withSeed(seed).withThreads(threads).withOpenTop(open);
        try (Backend backend = Backends.cpu(threads);
             SmokeSimulation sim = new SmokeSimulation(config, PressureSolvers.create(solver, config, backend))) {
            List<String> methods = new ArrayList<>();
            List<Integer> iterations = new ArrayList<>();
            for (int s = 0; s < 25; s++) {
                SmokeSimulation.Step step = sim.step();
                methods.add(step.projection().solve().method());
                iterations.add(step.projection().solve().iterations());
            }
            return List.of(sim.grid().density().clone(), sim.grid().u().clone(), sim.projection().pressure(), methods, iterations);
        }
    }

    private static void assertSame(List<Object> a, List<Object> b) {
        assertArrayEquals((double[]) a.get(0), (double[]) b.get(0), 0.0);
        assertArrayEquals((double[]) a.get(1), (double[]) b.get(1), 0.0);
        assertArrayEquals((double[]) a.get(2), (double[]) b.get(2), 0.0);
        assertEquals(a.get(3), b.get(3));
        assertEquals(a.get(4), b.get(4));
    }

    @Test
    void sameSeedAndThreadsGiveTheSameRun() {
        assertSame(run("ic0", 3, 2, true), run("ic0", 3, 2, true));
        assertSame(run("cg", 3, 1, false), run("cg", 3, 1, false));
        assertSame(run("ic0", 3, 3, true), run("ic0", 3, 3, true));
    }

    @Test
    void banditWithWorkCostIsDeterministicToo() {
        List<Object> a = run("bandit", 11, 2, true);
        assertSame(a, run("bandit", 11, 2, true));
        @SuppressWarnings("unchecked")
        List<String> methods = (List<String>) a.get(3);
        assertTrue(methods.stream().distinct().count() > 3, "the bandit explored several arms: " + methods);
    }

    @Test
    void anotherSeedGivesAnotherRun() {
        double[] a = (double[]) run("ic0", 3, 2, true).get(0);
        double[] b = (double[]) run("ic0", 4, 2, true).get(0);
        assertFalse(Arrays.equals(a, b), "the seed drives the inflow's noise");
    }
}
