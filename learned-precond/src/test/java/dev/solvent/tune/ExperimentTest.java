package dev.solvent.tune;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExperimentTest {

    @Test
    void betaSamplerHasTheRightMoments() {
        SplittableRandom r = new SplittableRandom(5);
        double[][] ab = {{0.5, 1.5}, {2, 6}};
        for (double[] p : ab) {
            int n = 40_000;
            double s = 0;
            double s2 = 0;
            for (int i = 0; i < n; i++) {
                double x = Sampling.beta(r, p[0], p[1]);
                assertTrue(x >= 0 && x <= 1);
                s += x;
                s2 += x * x;
            }
            double mean = s / n;
            double var = s2 / n - mean * mean;
            double a = p[0];
            double b = p[1];
            assertEquals(a / (a + b), mean, 0.005);
            assertEquals(a * b / ((a + b) * (a + b) * (a + b + 1)), var, 0.002);
        }
    }

    @Test
    void rightHandSidesAreTruncatedGaussians() {
        LaplacianExperiment.Instances inst = LaplacianExperiment.generate(200, LaplacianExperiment.Offsets.LOW_VARIANCE, 1);
        for (int t = 0; t < inst.size(); t++) {
            double s = 0;
            for (double v : inst.rhs()[t]) {
                s += v * v;
            }
            assertTrue(Math.sqrt(s) <= 10.0);
            assertTrue(inst.offsets()[t] >= -0.15 && inst.offsets()[t] <= 0.45);
        }
        LaplacianExperiment.Instances again = LaplacianExperiment.generate(200, LaplacianExperiment.Offsets.LOW_VARIANCE, 1);
        assertArrayEquals(inst.offsets(), again.offsets(), 0.0);
    }

    @Test
    void laplacianExperimentBehavesAsTheoryPredicts() {
        LaplacianExperiment.Result r = LaplacianExperiment.run(60, LaplacianExperiment.Offsets.LOW_VARIANCE, 2);
        Trace young = r.trace(SequenceReport.YOUNG);
        Trace gaussSeidel = r.fixed(0);
        // Young's omega is optimal for the asymptotic rate: close to the best of the 20-point grid per
        // instance, and several times faster than Gauss-Seidel.
        assertTrue(young.mean() < 1.1 * r.trace(SequenceReport.INSTANCE_OPTIMAL).mean());
        assertTrue(gaussSeidel.mean() > 3 * young.mean(), "GS " + gaussSeidel.mean() + " Young " + young.mean());
        for (String m : new String[] {"tsallis-inf", "tsallis-inf-cb", "tsallis-inf-cb-quantile", "chebcb"}) {
            assertEquals(60, r.trace(m).costs().length);
        }
    }

    @Test
    void heatExperimentSolvesTheSameSimulationWithEveryMethod() {
        Trace cg = HeatExperiment.simulate(12, 30, SequenceSolver.cg(), null, Double.NaN, "cg");
        Trace pcg = HeatExperiment.simulate(12, 30, SequenceSolver.ssorPcg(), null, 1.5, "ssor");
        assertTrue(pcg.total() < cg.total(), "SSOR-PCG " + pcg.total() + " vs CG " + cg.total());
        // Every method's last state agrees: run two tuned simulations and compare their final states.
        HeatEquation a = new HeatEquation(12, HeatExperiment.DT);
        HeatEquation b = new HeatEquation(12, HeatExperiment.DT);
        SequenceSolver sa = SequenceSolver.cg();
        SequenceSolver sb = SequenceSolver.ssorPcg();
        sa.setInitialGuess(a.state());
        sb.setInitialGuess(b.state());
        Tuner tuner = new ChebCb(Tuner.defaultArms(), 0, 10, 1);
        for (int s = 0; s < 30; s++) {
            a.advance(sa.solve(a.matrix(), a.rhs(), 1.0).solution());
            b.advance(sb.solve(b.matrix(), b.rhs(), b.context(), tuner).solution());
        }
        double[] ua = a.state();
        double[] ub = b.state();
        double diff = 0;
        double size = 0;
        for (int i = 0; i < ua.length; i++) {
            diff = Math.max(diff, Math.abs(ua[i] - ub[i]));
            size = Math.max(size, Math.abs(ua[i]));
        }
        assertTrue(size > 0.01, "the simulation died out: max |u| = " + size);
        assertTrue(diff < 1e-6 * size, "final states differ by " + diff);
    }
}
