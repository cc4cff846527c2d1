package dev.solvent.backend;

/**
 * What the backends whose vectors live in Java heap memory share: {@link HostVector}s, wrapping a
 * caller's array without a copy, uploads and downloads as array copies, and the length check every
 * kernel starts with.
 */
public abstract class HostBackend implements Backend {

    @Override
    public final boolean isHost() {
        return true;
    }

    @Override
    public Vector allocate(int n) {
        return new HostVector(new double[n]);
    }

    @Override
    public Vector wrap(double[] values) {
        return new HostVector(values);
    }

    @Override
    public Vector upload(double[] values) {
        return new HostVector(values.clone());
    }

    @Override
    public void download(Vector v, double[] dst) {
        double[] src = HostVector.of(v);
        checkLength(src, dst);
        System.arraycopy(src, 0, dst, 0, src.length);
    }

    /** Throws naming both lengths when two vectors a kernel combines differ in length. */
    protected static void checkLength(double[] a, double[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("vector lengths differ: " + a.length + " and " + b.length);
        }
    }
}
