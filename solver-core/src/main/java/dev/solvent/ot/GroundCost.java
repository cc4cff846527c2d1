package dev.solvent.ot;

import java.util.Locale;

/** Ground cost between two points of a point cloud or an image grid. */
public enum GroundCost {
    /** {@code |p - q|^2}: the cost of the 2-Wasserstein distance (W2). */
    SQEUCLIDEAN("sqeuclidean"),
    /** {@code |p - q|}: the cost of the 1-Wasserstein distance (W1). */
    EUCLIDEAN("euclidean");

    private final String label;

    GroundCost(String label) {
        this.label = label;
    }

    /** The name used on the command line. */
    public String label() {
        return label;
    }

    /** The cost between two points of the same dimension. */
    public double between(double[] p, double[] q) {
        double s = 0.0;
        for (int k = 0; k < p.length; k++) {
            double d = p[k] - q[k];
            s += d * d;
        }
        return this == SQEUCLIDEAN ? s : Math.sqrt(s);
    }

    /**
     * Parses {@code sqeuclidean} or {@code euclidean} (case-insensitive).
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static GroundCost parse(String name) {
        String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        for (GroundCost c : values()) {
            if (c.label.equals(key)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown cost '" + name + "': expected sqeuclidean or euclidean");
    }
}
