package dev.solvent.dcdm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Unsupervised training of a DCDM network with the paper's loss ({@link DcdmLoss}) and Adam:
 * each step averages the loss and its gradient over a batch of training vectors (taken in turn
 * from each domain's {@link TrainingData}), back-propagates through the gather, the network and
 * the scatter, and updates the weights.
 *
 * <p>Checkpoints are three files in a folder: {@code checkpoint.json} and
 * {@code checkpoint.safetensors} (the model, loadable as any model) and
 * {@code checkpoint-adam.safetensors} (Adam's moments {@code m.NAME}, {@code v.NAME}, and the step,
 * sample counter and learning rate as metadata), so training resumes exactly where it stopped.
 */
public final class DcdmTrainer {

    /** Called after each step. */
    public interface Progress {
        void onStep(long step, double batchLoss, long samples);
    }

    private final DcdmNetwork net;
    private final Adam adam;
    private final double learningRate;
    private final int batch;
    private long samples;

    public DcdmTrainer(DcdmNetwork net, double learningRate, int batch) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be at least 1, got " + batch);
        }
        this.net = net;
        this.learningRate = learningRate;
        this.adam = new Adam(net, learningRate);
        this.batch = batch;
    }

    public DcdmNetwork network() {
        return net;
    }

    /** Adam's learning rate. */
    public double learningRate() {
        return adam.learningRate();
    }

    /** Samples per step. */
    public int batch() {
        return batch;
    }

    public long step() {
        return adam.step();
    }

    public long samples() {
        return samples;
    }

    /**
     * Mean loss of the current network over the given samples (no update): for monitoring and
     * tests.
     */
    public double meanLoss(TrainingData data, long firstSample, int count) {
        double sum = 0;
        for (int i = 0; i < count; i++) {
            double[] b = data.sample(firstSample + i);
            sum += sampleLoss(data, b, null);
        }
        return sum / count;
    }

    /** Loss of one sample; with {@code grads}, also adds {@code (1/batch) dL/dtheta} to them. */
    private double sampleLoss(TrainingData data, double[] b, float[][] grads) {
        GridMap map = data.map();
        int n = b.length;
        float[] x = new float[map.shape().voxels()];
        map.scatter(b, 1.0, x);
        DcdmNetwork.Trace trace = grads == null ? null : new DcdmNetwork.Trace();
        float[] y = net.forward(map.shape(), x, trace);
        double[] f = new double[n];
        map.gather(y, f);
        double[] ab = new double[n];
        data.matrix().apply(b, ab);
        double[] gf = grads == null ? null : new double[n];
        double loss = DcdmLoss.lossAndGradient(data.matrix(), b, ab, f, gf);
        if (grads != null) {
            // dL/dy = scatter(dL/df): gather's adjoint; averaged over the batch.
            for (int i = 0; i < n; i++) {
                gf[i] /= batch;
            }
            float[] gy = new float[map.shape().voxels()];
            map.scatterGradient(gf, gy);
            net.backward(trace, gy, grads);
        }
        return loss;
    }

    /** One Adam step on the next {@code batch} samples; returns the batch's mean loss. */
    public double trainStep(List<TrainingData> domains) {
        float[][] grads = net.newGradients();
        double sum = 0;
        for (int j = 0; j < batch; j++) {
            long s = samples++;
            TrainingData data = domains.get((int) (s % domains.size()));
            sum += sampleLoss(data, data.sample(s / domains.size()), grads);
        }
        adam.update(net, grads);
        return sum / batch;
    }

    /** Runs until {@code totalSteps} steps are done (counting steps before a resume), checkpointing. */
    public void train(List<TrainingData> domains, long totalSteps, Path checkpointDir, long checkpointEvery,
                      Progress progress) throws IOException {
        while (adam.step() < totalSteps) {
            double loss = trainStep(domains);
            if (progress != null) {
                progress.onStep(adam.step(), loss, samples);
            }
            if (checkpointDir != null && checkpointEvery > 0 && adam.step() % checkpointEvery == 0) {
                saveCheckpoint(checkpointDir);
            }
        }
        if (checkpointDir != null) {
            saveCheckpoint(checkpointDir);
        }
    }

    /** Writes the checkpoint files into {@code dir} (created if needed). */
    public void saveCheckpoint(Path dir) throws IOException {
        Files.createDirectories(dir);
        net.save(dir.resolve("checkpoint.json"));
        Map<String, SafeTensors.Tensor> state = new LinkedHashMap<>();
        Map<String, SafeTensors.Tensor> weights = net.tensors();
        int i = 0;
        for (Map.Entry<String, SafeTensors.Tensor> e : weights.entrySet()) {
            long[] shape = e.getValue().shape();
            state.put("m." + e.getKey(), new SafeTensors.Tensor(shape, net.toFile(i, adam.m[i])));
            state.put("v." + e.getKey(), new SafeTensors.Tensor(shape, net.toFile(i, adam.v[i])));
            i++;
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("step", Long.toString(adam.step()));
        meta.put("samples", Long.toString(samples));
        meta.put("learning_rate", Double.toString(learningRate));
        meta.put("batch", Integer.toString(batch));
        // Written atomically, so an interrupted save never leaves a torn checkpoint.
        SafeTensors.write(dir.resolve("checkpoint-adam.safetensors"), state, meta);
    }

    /** Restores a trainer from {@link #saveCheckpoint}: weights, Adam moments, step and sample counter. */
    public static DcdmTrainer resume(Path dir) throws IOException {
        return resume(dir, Double.NaN);
    }

    /**
     * As {@link #resume(Path)}, but with learning rate {@code learningRate} from now on (the
     * moments are kept), or the checkpoint's when it is NaN: a later stage of a training often
     * goes on with a smaller rate.
     */
    public static DcdmTrainer resume(Path dir, double learningRate) throws IOException {
        DcdmNetwork net = DcdmNetwork.load(dir.resolve("checkpoint.json"));
        Path adamFile = dir.resolve("checkpoint-adam.safetensors");
        if (!Files.exists(adamFile)) {
            throw new IllegalArgumentException(dir + ": no checkpoint-adam.safetensors (not a checkpoint folder?)");
        }
        SafeTensors.Contents c = SafeTensors.read(adamFile);
        Map<String, String> meta = c.metadata();
        DcdmTrainer t;
        try {
            double lr = Double.isNaN(learningRate) ? Double.parseDouble(meta.get("learning_rate")) : learningRate;
            t = new DcdmTrainer(net, lr, Integer.parseInt(meta.get("batch")));
            t.adam.step = Long.parseLong(meta.get("step"));
            t.samples = Long.parseLong(meta.get("samples"));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(adamFile + ": missing or bad step/samples/learning_rate/batch metadata");
        }
        for (int i = 0; i < net.parameterTensors(); i++) {
            String name = net.paramName(i);
            for (String kind : new String[] {"m.", "v."}) {
                SafeTensors.Tensor tensor = c.tensors().get(kind + name);
                if (tensor == null || tensor.data().length != net.param(i).length) {
                    throw new IllegalArgumentException(adamFile + ": tensor " + kind + name
                            + (tensor == null ? " is missing" : " has the wrong size"));
                }
                for (float v : tensor.data()) {
                    if (!Float.isFinite(v)) {
                        throw new IllegalArgumentException(adamFile + ": tensor " + kind + name + " holds " + v
                                + ": the optimiser state must be finite");
                    }
                }
                float[] internal = net.fromFile(i, tensor.data());
                System.arraycopy(internal, 0, kind.equals("m.") ? t.adam.m[i] : t.adam.v[i], 0, internal.length);
            }
        }
        return t;
    }
}
