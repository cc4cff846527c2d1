package dev.solvent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solvent.dcdm.DcdmNetwork;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class TrainDcdmCommandTest {

    @TempDir
    Path dir;

    private String run(String... args) throws Exception {
        TrainDcdmCommand cmd = new TrainDcdmCommand();
        CommandLine cl = new CommandLine(cmd);
        StringWriter sw = new StringWriter();
        cl.setOut(new PrintWriter(sw));
        cl.parseArgs(args);
        assertEquals(0, cmd.call());
        return sw.toString();
    }

    @Test
    void trainsCheckpointsAndResumes() throws Exception {
        Path model = dir.resolve("m.json");
        Path ck = dir.resolve("ck");
        String common = "--grid 8 --domains 2 --channels 2 --blocks 1,1,1 --lanczos-steps 20 --batch 2 --lr 1e-3";
        String out = run((common + " --steps 3 --checkpoint-every 2 --checkpoint-dir " + ck + " -o " + model).split(" "));
        assertTrue(out.contains("step 3/3"), out);
        assertTrue(Files.exists(ck.resolve("checkpoint-adam.safetensors")));
        DcdmNetwork net = DcdmNetwork.load(model);
        assertEquals(3L, net.trainingNotes().get("steps"));
        assertEquals(8L, net.trainingNotes().get("grid"));

        out = run((common + " --steps 5 --resume --checkpoint-dir " + ck + " -o " + model).split(" "));
        assertTrue(out.contains("resumed from") && out.contains("step 4/5") && !out.contains("step 3/5"), out);
        assertEquals(5L, DcdmNetwork.load(model).trainingNotes().get("steps"));
        assertEquals(10L, DcdmNetwork.load(model).trainingNotes().get("samples"));
    }

    /** A multilevel network, then a second stage on two grid sizes: the notes keep the first stage. */
    @Test
    void multilevelNetworkAndASecondStageOnMoreGrids() throws Exception {
        Path model = dir.resolve("ml.json");
        Path ck = dir.resolve("ck-ml");
        String common = "--domains 1 --channels 2 --blocks 1,1,1 --levels auto --mid-blocks 1 --lanczos-steps 20"
                + " --batch 2 --checkpoint-dir " + ck + " -o " + model;
        run(("--grid 8 --steps 2 --lr 1e-3 " + common).split(" "));
        DcdmNetwork first = DcdmNetwork.load(model);
        assertEquals(0, first.architecture().levels());
        assertEquals(4.0, first.architecture().upsampleGain());
        String out = run(("--grid 8,16 --steps 4 --resume " + common).split(" "));
        assertTrue(out.contains("16^3") && out.contains("step 4/4"), out);
        DcdmNetwork second = DcdmNetwork.load(model);
        assertEquals(first.architecture(), second.architecture());
        assertEquals(java.util.List.of(8L, 16L), second.trainingNotes().get("grid"));
        Object earlier = second.trainingNotes().get("earlier_stages");
        assertTrue(earlier instanceof java.util.List<?> l && l.size() == 1
                && ((java.util.Map<?, ?>) l.get(0)).get("grid").equals(8L), String.valueOf(earlier));
        assertEquals("Adam lr 0.001, batch 2", second.trainingNotes().get("optimizer"), "the checkpoint's rate goes on");

        // A third stage with a smaller rate: the notes say the rate that was used, and keep stage two
        // (with a remark someone added to its notes in the checkpoint).
        Path ckJson = ck.resolve("checkpoint.json");
        String withRemark = Files.readString(ckJson).replaceFirst("\"training\": \\{", "\"training\": {\"remark\": \"about stage two\",");
        assertTrue(withRemark.contains("about stage two"));
        Files.writeString(ckJson, withRemark);
        run(("--grid 8,16 --steps 5 --resume --lr 2.5e-4 " + common).split(" "));
        DcdmNetwork third = DcdmNetwork.load(model);
        assertEquals("Adam lr 2.5E-4, batch 2", third.trainingNotes().get("optimizer"));
        java.util.List<?> stages = (java.util.List<?>) third.trainingNotes().get("earlier_stages");
        assertEquals(2, stages.size(), String.valueOf(stages));
        assertEquals("Adam lr 0.001, batch 2", ((java.util.Map<?, ?>) stages.get(1)).get("optimizer"));
        assertEquals("about stage two", ((java.util.Map<?, ?>) stages.get(1)).get("remark"));
        assertTrue(!third.trainingNotes().containsKey("remark"), "a remark about stage two stays with stage two");
    }

    @Test
    void badInputIsAClearError() {
        TrainDcdmCommand cmd = new TrainDcdmCommand();
        new CommandLine(cmd).parseArgs("--grid", "9");
        RuntimeException e = assertThrows(picocli.CommandLine.ParameterException.class, cmd::call);
        assertTrue(e.getMessage().contains("--grid must be even"), e.getMessage());

        TrainDcdmCommand resume = new TrainDcdmCommand();
        new CommandLine(resume).parseArgs("--resume", "--checkpoint-dir", dir.resolve("none").toString());
        e = assertThrows(IllegalArgumentException.class, resume::call);
        assertTrue(e.getMessage().contains("no checkpoint"), e.getMessage());
    }
}
