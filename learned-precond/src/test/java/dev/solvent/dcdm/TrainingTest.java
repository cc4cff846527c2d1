package dev.solvent.dcdm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solvent.gen.FluidGrid;
import dev.solvent.gen.Problem;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Training on a tiny fluid problem: the data, the loss going down, checkpoint and resume. */
class TrainingTest {

    @TempDir
    Path dir;

    private static TrainingData data(int n, long seed) {
        FluidGrid g = FluidGrid.smokeBox(n, true);
        Problem p = g.pressureProblem(null);
        return new TrainingData(p.matrix(), GridMap.of(g), 60, 0.55, 9.0, seed);
    }

    @Test
    void samplesAreUnitVectorsAndReproducible() {
        TrainingData d = data(8, 1);
        double[] a = d.sample(5);
        assertEquals(1.0, Lanczos.dot(a, a), 1e-12);
        assertArrayEquals(a, d.sample(5));
        assertTrue(Math.abs(Lanczos.dot(a, d.sample(6))) < 0.9, "different samples differ");
    }

    @Test
    void trainingLowersTheLossOnHeldOutSamples() {
        TrainingData d = data(8, 2);
        DcdmNetwork net = DcdmNetwork.random(new DcdmArchitecture(3, 4, 1, 1, 1), 3);
        DcdmTrainer t = new DcdmTrainer(net, 3e-3, 4);
        double before = t.meanLoss(d, 1_000_000, 16);
        for (int s = 0; s < 40; s++) {
            t.trainStep(List.of(d));
        }
        double after = t.meanLoss(d, 1_000_000, 16);
        assertTrue(after < 0.8 * before, "held-out loss before " + before + ", after " + after);
    }

    @Test
    void resumingFromACheckpointContinuesExactly() throws Exception {
        TrainingData d = data(8, 4);
        DcdmTrainer a = new DcdmTrainer(DcdmNetwork.random(new DcdmArchitecture(3, 2, 1, 1, 1), 5), 1e-3, 2);
        a.train(List.of(d), 3, dir, 0, null);
        DcdmTrainer b = DcdmTrainer.resume(dir);
        assertEquals(3, b.step());
        assertEquals(6, b.samples());
        a.train(List.of(d), 5, null, 0, null);
        b.train(List.of(d), 5, null, 0, null);
        for (int i = 0; i < a.network().parameterTensors(); i++) {
            assertArrayEquals(a.network().param(i), b.network().param(i), a.network().paramName(i));
        }
    }
}
