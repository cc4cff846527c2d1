package dev.solvent.dcdm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The shipped models by short name: the same networks as their files, and clear errors otherwise. */
class PretrainedModelsTest {

    static final Path FOLDER = Path.of("../testdata/src/main/resources", PretrainedModels.RESOURCES);

    @Test
    void eachNameLoadsTheNetworkOfItsFiles() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(FOLDER), "testdata module not found at " + FOLDER.toAbsolutePath());
        for (String name : PretrainedModels.names()) {
            DcdmNetwork byName = PretrainedModels.load(" " + name.toUpperCase(java.util.Locale.ROOT) + " ");
            DcdmNetwork byFile = DcdmNetwork.load(FOLDER.resolve("dcdm-" + name + ".json"));
            assertEquals(byFile.architecture(), byName.architecture(), name);
            for (int i = 0; i < byFile.parameterTensors(); i++) {
                assertArrayEquals(byFile.param(i), byName.param(i), name + " " + byFile.paramName(i));
            }
        }
        assertEquals(java.util.List.of(16L, 32L), PretrainedModels.load("fluid-ml8").trainingNotes().get("grid"));
        assertEquals(16L, PretrainedModels.load("fluid16-c8").trainingNotes().get("grid"));
    }

    @Test
    void unknownNamesListTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PretrainedModels.load("fluid-xl"));
        assertTrue(e.getMessage().contains("'fluid-xl'") && e.getMessage().contains("fluid-ml8")
                && e.getMessage().contains("fluid16-c8"), e.getMessage());
        assertTrue(PretrainedModels.isName("fluid-ml8"));
        assertTrue(!PretrainedModels.isName("model.json"));
    }
}
