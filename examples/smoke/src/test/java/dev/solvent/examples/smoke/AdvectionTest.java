package dev.solvent.examples.smoke;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Semi-Lagrangian advection keeps constants constant and moves things the right way. */
class AdvectionTest {

    private static MacGrid grid(int dims) {
        return new MacGrid(dims, SmokeSimulation.scene(dims, dims == 3 ? 12 : 20, true));
    }

    @ParameterizedTest(name = "{0}D")
    @ValueSource(ints = {2, 3})
    void constantScalarStaysConstantUnderAnyVelocity(int dims) {
        MacGrid g = grid(dims);
        SplittableRandom r = new SplittableRandom(5);
        for (double[] a : new double[][] {g.u, g.v, g.w}) {
            for (int i = 0; i < a.length; i++) {
                a[i] = r.nextDouble(-3, 3); // up to 3 cells a step: departure points far away and outside
            }
        }
        double[] c = new double[g.cellCount()];
        Arrays.fill(c, 0.7);
        double[] t = new double[g.cellCount()];
        Arrays.fill(t, -2.5);
        double[] c2 = new double[c.length];
        double[] t2 = new double[t.length];
        try (Slabs slabs = new Slabs(2)) {
            Advection.advectCells(g, g.u, g.v, g.w, new double[][] {c, t}, new double[][] {c2, t2}, slabs);
        }
        for (int i = 0; i < c.length; i++) {
            assertEquals(0.7, c2[i], 1e-15, "cell " + i);
            assertEquals(-2.5, t2[i], 1e-15, "cell " + i);
        }
    }

    @ParameterizedTest(name = "{0}D")
    @ValueSource(ints = {2, 3})
    void uniformVelocityStaysUniform(int dims) {
        MacGrid g = grid(dims);
        Arrays.fill(g.u, 0.3);
        Arrays.fill(g.v, -1.7);
        Arrays.fill(g.w, 0.9);
        double[] u2 = new double[g.u.length];
        double[] v2 = new double[g.v.length];
        double[] w2 = new double[g.w.length];
        try (Slabs slabs = new Slabs(3)) {
            Advection.advectVelocity(g, g.u, g.v, g.w, u2, v2, w2, slabs);
        }
        for (double x : u2) {
            assertEquals(0.3, x, 1e-15);
        }
        for (double x : v2) {
            assertEquals(-1.7, x, 1e-15);
        }
        for (double x : w2) {
            assertEquals(0.9, x, 1e-15);
        }
    }

    @ParameterizedTest(name = "{0}D")
    @ValueSource(ints = {2, 3})
    void uniformFlowOfOneCellPerStepShiftsByOneCell(int dims) {
        MacGrid g = grid(dims);
        Arrays.fill(g.u, 1.0); // one cell per step along +x
        double[] f = new double[g.cellCount()];
        SplittableRandom r = new SplittableRandom(9);
        for (int i = 0; i < f.length; i++) {
            f[i] = r.nextDouble();
        }
        double[] out = new double[f.length];
        try (Slabs slabs = new Slabs(1)) {
            Advection.advectCells(g, g.u, g.v, g.w, new double[][] {f}, new double[][] {out}, slabs);
        }
        for (int k = 0; k < g.nz(); k++) {
            for (int j = 0; j < g.ny(); j++) {
                for (int i = 1; i < g.nx(); i++) {
                    assertEquals(f[g.cell(i - 1, j, k)], out[g.cell(i, j, k)], 1e-14, "cell " + i + "," + j + "," + k);
                }
            }
        }
    }
}
