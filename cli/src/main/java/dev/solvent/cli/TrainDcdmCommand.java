package dev.solvent.cli;

import dev.solvent.dcdm.DcdmArchitecture;
import dev.solvent.dcdm.DcdmNetwork;
import dev.solvent.dcdm.DcdmTrainer;
import dev.solvent.dcdm.GridMap;
import dev.solvent.dcdm.TrainingData;
import dev.solvent.gen.FluidGrid;
import dev.solvent.gen.Problem;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code solvent train-dcdm}: trains a DCDM network on the pressure systems of smoke boxes with
 * random obstacles ({@link FluidGrid#withObstacles}, seeds {@code domain-seed .. domain-seed +
 * domains - 1}), with the paper's Lanczos/Ritz training vectors and loss, printing a progress
 * line, checkpointing every {@code --checkpoint-every} steps, and resuming with {@code --resume}.
 */
@Command(name = "train-dcdm", mixinStandardHelpOptions = true,
        description = {"Train a Deep Conjugate Direction Method network on fluid pressure problems.",
            "The model it writes is used by solve --solver dcdm --model M.json."})
public final class TrainDcdmCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--grid", split = ",", paramLabel = "N[,N...]", hideParamSyntax = true,
            description = "Training grid size n (n^3 cells, even), or several (16,32: --domains domains of each size,"
                    + " sampled in turn). Default: 16.")
    int[] grids = {16};

    @Option(names = "--domains", paramLabel = "N", description = "Obstacle domains to train on (per grid size). Default: ${DEFAULT-VALUE}.")
    int domains = 4;

    @Option(names = "--domain-seed", paramLabel = "SEED", description = "Seed of the first domain. Default: ${DEFAULT-VALUE}.")
    long domainSeed = 1;

    @Option(names = "--channels", paramLabel = "N", description = "Feature channels (the paper's: 16). Default: ${DEFAULT-VALUE}.")
    int channels = 16;

    @Option(names = "--blocks", split = ",", paramLabel = "B,C,A", hideParamSyntax = true,
            description = "Residual pairs before pooling, on the coarse grid, and after. Default: 2,3,2.")
    int[] blocks = {2, 3, 2};

    @Option(names = "--levels", paramLabel = "N|auto",
            description = "Pooling levels: 1 (the paper's), a fixed number, or auto (as many as the grid allows,"
                    + " mid blocks shared across levels). Default: ${DEFAULT-VALUE}.")
    String levels = "1";

    @Option(names = "--mid-blocks", paramLabel = "N",
            description = "Residual pairs before and after pooling at each intermediate level (shared weights; needs"
                    + " --levels other than 1). Default: ${DEFAULT-VALUE}.")
    int midBlocks = 0;

    @Option(names = "--upsample-gain", paramLabel = "G",
            description = "Factor on every upsampled correction. Default: 1 with one level, 4 with more.")
    Double upsampleGain;

    @Option(names = "--lanczos-steps", paramLabel = "N", description = "Lanczos steps per domain. Default: ${DEFAULT-VALUE}.")
    int lanczosSteps = 300;

    @Option(names = "--low-fraction", paramLabel = "F", description = "Fraction of the lowest Ritz vectors boosted. Default: ${DEFAULT-VALUE}.")
    double lowFraction = 0.55;

    @Option(names = "--low-boost", paramLabel = "B", description = "Boost factor of the low Ritz vectors. Default: ${DEFAULT-VALUE}.")
    double lowBoost = 9.0;

    @Option(names = "--lr", paramLabel = "RATE",
            description = "Adam learning rate. Default: 1e-4 (the paper's), or the checkpoint's with --resume.")
    Double lr;

    @Option(names = "--batch", paramLabel = "N", description = "Samples per step. Default: ${DEFAULT-VALUE}.")
    int batch = 10;

    @Option(names = "--steps", paramLabel = "N",
            description = "Total optimisation steps, counting those before a resume. Default: ${DEFAULT-VALUE}.")
    long steps = 1000;

    @Option(names = "--time-limit", paramLabel = "TIME", converter = Durations.Minutes.class,
            description = "Stop after this long (checkpoint and model saved): minutes, or a duration such as 90s,"
                    + " 20m or 2h. Default: none.")
    double timeLimitMinutes = 0;

    @Option(names = "--checkpoint-dir", paramLabel = "DIR", description = "Folder for checkpoints. Default: ${DEFAULT-VALUE}.")
    Path checkpointDir = Path.of("dcdm-checkpoint");

    @Option(names = "--checkpoint-every", paramLabel = "N", description = "Steps between checkpoints. Default: ${DEFAULT-VALUE}.")
    long checkpointEvery = 50;

    @Option(names = "--resume", description = "Continue from the checkpoint in --checkpoint-dir.")
    boolean resume;

    @Option(names = {"-o", "--out"}, paramLabel = "M.json",
            description = "The model to write: M.json (its description) beside M.safetensors (its weights); use it"
                    + " with solve --solver dcdm --model M.json. Default: ${DEFAULT-VALUE}.")
    Path output = Path.of("dcdm-model.json");

    /** The earlier spelling, kept so that scripts keep working. */
    @Option(names = "--output", hidden = true, paramLabel = "M.json")
    Path legacyOutput;

    @Option(names = "--seed", paramLabel = "SEED", description = "Seed of the weights and the data. Default: ${DEFAULT-VALUE}.")
    long seed = 1;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec == null ? new PrintWriter(System.out, true) : spec.commandLine().getOut();
        if (legacyOutput != null) {
            output = legacyOutput;
        }
        validate();
        // Hours of training must not end in a file that cannot be written: check the outputs first.
        checkOutputs();
        long t0 = System.nanoTime();
        List<TrainingData> data = new ArrayList<>();
        for (int grid : grids) {
            for (int d = 0; d < domains; d++) {
                FluidGrid g = FluidGrid.withObstacles(grid, domainSeed + d, true);
                Problem p = g.pressureProblem(null);
                TrainingData td = new TrainingData(p.matrix(), GridMap.of(g), lanczosSteps, lowFraction, lowBoost,
                        seed + d);
                data.add(td);
                out.printf("domain %s %d^3: %d unknowns, %d Ritz vectors%n", g.label(), grid, p.matrix().rows(),
                        td.ritzVectors());
            }
        }
        double dataSeconds = (System.nanoTime() - t0) * 1e-9;
        DcdmTrainer trainer;
        if (resume) {
            trainer = DcdmTrainer.resume(checkpointDir, lr == null ? Double.NaN : lr);
            out.printf("resumed from %s at step %d%n", checkpointDir, trainer.step());
        } else {
            DcdmArchitecture arch = architecture();
            trainer = new DcdmTrainer(DcdmNetwork.random(arch, seed), lr == null ? 1e-4 : lr, batch);
            out.printf("new network: %d parameters%n", arch.parameterCount());
        }
        long start = System.nanoTime();
        long deadline = timeLimitMinutes > 0 ? start + (long) (timeLimitMinutes * 60e9) : Long.MAX_VALUE;
        double[] recent = new double[10];
        long firstStep = trainer.step();
        while (trainer.step() < steps && System.nanoTime() < deadline) {
            double loss = trainer.trainStep(data);
            long step = trainer.step();
            recent[(int) (step % recent.length)] = loss;
            int have = (int) Math.min(recent.length, step - firstStep);
            double avg = 0;
            for (int i = 0; i < have; i++) {
                avg += recent[(int) ((step - i) % recent.length)];
            }
            avg /= have;
            out.printf("step %d/%d  loss %.4f  mean of last %d %.4f  samples %d  %.1f s%n", step, steps, loss, have, avg,
                    trainer.samples(), (System.nanoTime() - start) * 1e-9);
            out.flush();
            if (checkpointEvery > 0 && step % checkpointEvery == 0) {
                trainer.saveCheckpoint(checkpointDir);
            }
        }
        trainer.saveCheckpoint(checkpointDir);
        double seconds = (System.nanoTime() - start) * 1e-9;
        DcdmNetwork net = trainer.network();
        var notes = net.trainingNotes();
        String optimizer = "Adam lr " + trainer.learningRate() + ", batch " + trainer.batch();
        if (resume && notes.containsKey("grid")
                && (!sameGrids(notes.get("grid")) || !optimizer.equals(notes.get("optimizer")))) {
            // A resume on other grids or with another rate is a new training stage: keep what the
            // earlier ones were.
            List<Object> earlier = new ArrayList<>();
            if (notes.get("earlier_stages") instanceof List<?> l) {
                earlier.addAll(l);
            }
            var stage = new java.util.LinkedHashMap<>(notes);
            stage.remove("earlier_stages");
            earlier.add(stage);
            // The new stage's notes start afresh (an earlier stage's remarks are not about it);
            // the training time keeps adding up over all stages.
            notes.keySet().retainAll(java.util.Set.of("train_seconds"));
            notes.put("earlier_stages", earlier);
        }
        notes.put("trainer", "solvent train-dcdm");
        notes.put("domains", "FluidGrid.withObstacles(" + gridList() + ", seeds " + domainSeed + ".."
                + (domainSeed + domains - 1) + ", openTop) pressure systems");
        notes.put("grid", grids.length == 1 ? (Object) (long) grids[0] : gridValues());
        notes.put("lanczos_steps", (long) lanczosSteps);
        notes.put("low_fraction", lowFraction);
        notes.put("low_boost", lowBoost);
        notes.put("optimizer", optimizer);
        notes.put("steps", trainer.step());
        notes.put("samples", trainer.samples());
        double previous = notes.get("train_seconds") instanceof Number ? ((Number) notes.get("train_seconds")).doubleValue() : 0;
        notes.put("train_seconds", previous + seconds);
        notes.put("data_seconds", dataSeconds);
        notes.put("final_mean_loss", avgOf(recent, (int) Math.min(recent.length, trainer.step() - firstStep)));
        if (output.toAbsolutePath().getParent() != null) {
            Files.createDirectories(output.toAbsolutePath().getParent());
        }
        net.save(output);
        // The checkpoint carries the same notes, so a resumed run adds to the training time.
        trainer.saveCheckpoint(checkpointDir);
        out.printf("saved %s and %s after %d steps (%.1f s this run)%n", output, DcdmNetwork.weightsPath(output),
                trainer.step(), seconds);
        return 0;
    }

    private static double avgOf(double[] recent, int have) {
        if (have <= 0) {
            return Double.NaN;
        }
        double s = 0;
        for (int i = 0; i < recent.length; i++) {
            s += recent[i];
        }
        // Before the ring is full, unused slots hold zero.
        return s / have;
    }

    private String gridList() {
        StringBuilder b = new StringBuilder();
        for (int g : grids) {
            b.append(b.length() == 0 ? "" : " and ").append(g);
        }
        return b.toString();
    }

    private List<Object> gridValues() {
        List<Object> l = new ArrayList<>();
        for (int g : grids) {
            l.add((long) g);
        }
        return l;
    }

    private boolean sameGrids(Object recorded) {
        return recorded.equals(grids.length == 1 ? (Object) (long) grids[0] : gridValues());
    }

    /** The architecture the options describe (errors name the option). */
    private DcdmArchitecture architecture() {
        int levelCount;
        if ("auto".equalsIgnoreCase(levels)) {
            levelCount = 0;
        } else {
            try {
                levelCount = Integer.parseInt(levels);
            } catch (NumberFormatException e) {
                throw usage("--levels takes a number or auto, got " + levels);
            }
        }
        double gain = upsampleGain != null ? upsampleGain : levelCount == 1 ? 1.0 : 4.0;
        if (blocks.length != 3) {
            throw usage("--blocks takes three counts (before pooling, coarse, after), got " + blocks.length);
        }
        try {
            return new DcdmArchitecture(3, channels, blocks[0], blocks[1], blocks[2], midBlocks, levelCount, gain);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
    }

    /** A usage error (exit 2) on the command line; a plain IllegalArgumentException when called directly. */
    private RuntimeException usage(String message) {
        return spec == null ? new IllegalArgumentException(message)
                : new picocli.CommandLine.ParameterException(spec.commandLine(), message);
    }

    private void validate() {
        for (int grid : grids) {
            if (grid < FluidGrid.MIN_FACTORY_SIZE || grid % 2 != 0) {
                throw usage("--grid must be even and at least " + FluidGrid.MIN_FACTORY_SIZE + ", got " + grid);
            }
        }
        if (domains < 1) {
            throw usage("--domains must be at least 1, got " + domains);
        }
        architecture();
        if ((lr != null && !(lr > 0)) || batch < 1 || steps < 0 || lanczosSteps < 1) {
            throw usage("--lr must be positive, --batch and --lanczos-steps at least 1, --steps non-negative");
        }
        if (resume && !Files.exists(checkpointDir.resolve("checkpoint-adam.safetensors"))) {
            throw new IllegalArgumentException("--resume: no checkpoint in " + checkpointDir);
        }
    }

    /** The model files and the checkpoint folder can be written (folders are created as before). */
    private void checkOutputs() throws java.io.IOException {
        for (Path folder : new Path[] {output.toAbsolutePath().getParent(), checkpointDir.toAbsolutePath()}) {
            if (folder != null) {
                try {
                    Files.createDirectories(folder);
                } catch (java.io.IOException e) {
                    throw new java.io.IOException("cannot create the folder " + folder + " (" + e.getMessage()
                            + " is in the way or not writable)", e);
                }
            }
        }
        Outputs.check(spec, "-o", output);
        Outputs.check(spec, "-o", DcdmNetwork.weightsPath(output), output);
        Outputs.check(spec, "--checkpoint-dir", checkpointDir.resolve("checkpoint-adam.safetensors"), output);
    }
}
