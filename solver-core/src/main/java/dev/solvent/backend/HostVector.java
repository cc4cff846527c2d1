package dev.solvent.backend;

/** A vector in Java heap memory, used by the host backends. It may alias a caller's array. */
public final class HostVector implements Vector {

    private final double[] data;

    public HostVector(double[] data) {
        this.data = data;
    }

    /** The backing array (shared, not copied). */
    public double[] data() {
        return data;
    }

    @Override
    public int length() {
        return data.length;
    }

    /** Unwraps a vector that must belong to a host backend. */
    public static double[] of(Vector v) {
        if (v instanceof HostVector) {
            return ((HostVector) v).data;
        }
        throw new IllegalArgumentException("expected a host vector, got " + v.getClass().getName()
                + " (vectors must be used with the backend that allocated them)");
    }
}
