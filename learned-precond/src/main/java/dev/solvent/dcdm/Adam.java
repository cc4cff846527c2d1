package dev.solvent.dcdm;

/**
 * Adam (Kingma and Ba 2015) over the network's parameter tensors. With gradient g at step t:
 * <pre>
 *   m = beta1 m + (1 - beta1) g          v = beta2 v + (1 - beta2) g^2
 *   theta -= lr * (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + eps)
 * </pre>
 * The moments are state that a checkpoint saves so that training resumes where it stopped.
 */
public final class Adam {

    private final double lr;
    private final double beta1;
    private final double beta2;
    private final double eps;
    final float[][] m;
    final float[][] v;
    long step;

    /** The learning rate. */
    public double learningRate() {
        return lr;
    }

    public Adam(DcdmNetwork net, double lr) {
        this(net, lr, 0.9, 0.999, 1e-8);
    }

    public Adam(DcdmNetwork net, double lr, double beta1, double beta2, double eps) {
        if (!(lr > 0)) {
            throw new IllegalArgumentException("learning rate must be positive, got " + lr);
        }
        this.lr = lr;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.m = net.newGradients();
        this.v = net.newGradients();
    }

    /** Steps taken so far. */
    public long step() {
        return step;
    }

    /** One update of {@code net}'s parameters from gradients {@code g} (same layout). */
    void update(DcdmNetwork net, float[][] g) {
        step++;
        double c1 = 1.0 - Math.pow(beta1, step);
        double c2 = 1.0 - Math.pow(beta2, step);
        for (int i = 0; i < g.length; i++) {
            float[] p = net.param(i);
            float[] gi = g[i];
            float[] mi = m[i];
            float[] vi = v[i];
            for (int k = 0; k < p.length; k++) {
                double gk = gi[k];
                double mk = beta1 * mi[k] + (1 - beta1) * gk;
                double vk = beta2 * vi[k] + (1 - beta2) * gk * gk;
                mi[k] = (float) mk;
                vi[k] = (float) vk;
                p[k] -= (float) (lr * (mk / c1) / (Math.sqrt(vk / c2) + eps));
            }
        }
    }
}
