package dev.solvent.examples.smoke;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** DCDM with the shipped model (from the testdata jar on the classpath) as the pressure solver. */
class DcdmRunTest {

    @Test
    void shippedModelSolvesTheProjection() {
        SmokeConfig config = SmokeConfig.defaults(3, 12).withThreads(2).withDcdmDirections(16);
        RunSummary run = SmokeRun.run("dcdm", config, SmokeRun.Options.noOutput(3), null);
        assertEquals(0, run.notConverged());
        assertTrue(run.maxRelDivergence() <= config.rtol() * (1 + 1e-6), "max relative divergence " + run.maxRelDivergence());
        assertEquals(1, run.setups());
        assertTrue(run.steps().get(2).method().startsWith("dcdm"));
    }
}
