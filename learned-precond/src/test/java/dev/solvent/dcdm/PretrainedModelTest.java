package dev.solvent.dcdm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solvent.gen.FluidGrid;
import dev.solvent.gen.Problem;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The small model shipped in the testdata module: it loads, and it is trained: on training-style
 * vectors of a domain it never saw, its loss is well below that of a random network of the same
 * architecture. Skipped (reported as skipped) when the testdata folder is not beside this module.
 */
class PretrainedModelTest {

    static final Path MODEL = Path.of("../testdata/src/main/resources/dev/solvent/testdata/dcdm/dcdm-fluid16-c8.json");

    @Test
    void shippedModelLoadsAndBeatsARandomNetworkOnAnUnseenDomain() throws Exception {
        Assumptions.assumeTrue(Files.exists(MODEL), "testdata module not found at " + MODEL.toAbsolutePath());
        DcdmNetwork trained = DcdmNetwork.load(MODEL);
        assertEquals(3, trained.architecture().dimensions());
        assertEquals(16L, trained.trainingNotes().get("grid"));
        FluidGrid g = FluidGrid.withObstacles(16, 77, true);
        Problem p = g.pressureProblem(null);
        TrainingData data = new TrainingData(p.matrix(), GridMap.of(g), 120, 0.55, 9.0, 5);
        double lossTrained = new DcdmTrainer(trained, 1e-4, 1).meanLoss(data, 0, 8);
        double lossRandom = new DcdmTrainer(DcdmNetwork.random(trained.architecture(), 3), 1e-4, 1).meanLoss(data, 0, 8);
        assertTrue(lossTrained < 0.6 * lossRandom, "trained " + lossTrained + " vs random " + lossRandom);
    }
}
