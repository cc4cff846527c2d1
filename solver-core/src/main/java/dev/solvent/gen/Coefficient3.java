package dev.solvent.gen;

/**
 * A scalar diffusion coefficient {@code k(x, y, z)} on the unit cube, for
 * {@link Generators#variableCoefficient3d}. It must be finite and strictly positive wherever it is
 * sampled (the cell centres); the generator rejects any other value and names the point.
 */
@FunctionalInterface
public interface Coefficient3 {

    /** The coefficient at the point (x, y, z) of the unit cube. */
    double at(double x, double y, double z);
}
