package dev.solvent.tune;

/** The baseline that always plays one omega (what PETSc, hypre and AmgX do). */
public final class FixedOmega implements Tuner {

    private final double omega;
    private boolean pending;

    public FixedOmega(double omega) {
        if (!(omega > 0 && omega < 2)) {
            throw new IllegalArgumentException("omega must lie in (0, 2), got " + omega);
        }
        this.omega = omega;
    }

    @Override
    public String name() {
        return "omega=" + omega;
    }

    @Override
    public double[] arms() {
        return new double[] {omega};
    }

    @Override
    public int choose(double context) {
        if (pending) {
            throw new IllegalStateException(name() + ": choose called twice without observe");
        }
        pending = true;
        return 0;
    }

    @Override
    public void observe(double cost) {
        CostScale.checkCost(cost);
        if (!pending) {
            throw new IllegalStateException(name() + ": observe called without a pending choice");
        }
        pending = false;
    }

    @Override
    public double[] probabilities() {
        return new double[] {1.0};
    }
}
