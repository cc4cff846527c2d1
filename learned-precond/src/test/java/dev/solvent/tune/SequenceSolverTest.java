package dev.solvent.tune;

import dev.solvent.matrix.CsrMatrix;
import dev.solvent.solve.ConvergedReason;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SequenceSolverTest {

    private static double residualNorm(CsrMatrix a, double[] b, double[] x) {
        double[] ax = new double[b.length];
        a.apply(x, ax);
        double s = 0.0;
        for (int i = 0; i < b.length; i++) {
            s += (b[i] - ax[i]) * (b[i] - ax[i]);
        }
        return Math.sqrt(s);
    }

    private static double norm(double[] v) {
        double s = 0.0;
        for (double x : v) {
            s += x * x;
        }
        return Math.sqrt(s);
    }

    @Test
    void replayOfTheCostTableEqualsTheLiveRun() {
        LaplacianExperiment.Instances inst = LaplacianExperiment.generate(25, LaplacianExperiment.Offsets.HIGH_VARIANCE, 3);
        double[] arms = Tuner.defaultArms();
        double[][] table = LaplacianExperiment.costTable(inst, arms);
        Trace replay = LaplacianExperiment.replay(new TsallisInf(arms, 77), table, inst.offsets());

        TsallisInf live = new TsallisInf(arms, 77);
        SequenceSolver sor = SequenceSolver.sor();
        for (int t = 0; t < inst.size(); t++) {
            CsrMatrix a = inst.matrix(t);
            SequenceSolver.Step s = sor.solve(a, inst.rhs()[t], inst.offsets()[t], live);
            assertEquals(replay.costs()[t], s.cost(), 0.0, "round " + t);
            assertEquals(replay.omegas()[t], s.omega(), 0.0);
            assertEquals(ConvergedReason.CONVERGED_RTOL, s.reason());
            // The solution is real: checked against b - A x recomputed here.
            assertTrue(residualNorm(a, inst.rhs()[t], s.solution()) <= 1e-8 * norm(inst.rhs()[t]));
        }
    }

    @Test
    void ssorPcgWarmStartsFromThePreviousSolution() {
        CsrMatrix a = Problems.shiftedLaplacian(12, 0.05);
        double[] b = new double[a.rows()];
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < b.length; i++) {
            b[i] = r.nextGaussian();
        }
        SequenceSolver pcg = SequenceSolver.ssorPcg();
        SequenceSolver.Step cold = pcg.solve(a, b, 1.5);
        assertTrue(cold.iterations() > 5, "cold start took " + cold.iterations());
        // Same system again: the previous solution already meets the tolerance.
        SequenceSolver.Step warm = pcg.solve(a, b, 1.5);
        assertEquals(0, warm.iterations());
        // SOR starts from zero every time, as in the paper.
        SequenceSolver sor = SequenceSolver.sor();
        int first = sor.solve(a, b, 1.5).iterations();
        assertEquals(first, sor.solve(a, b, 1.5).iterations());
    }

    @Test
    void trialDoesNotMoveTheWarmStart() {
        CsrMatrix a = Problems.shiftedLaplacian(8, 0.1);
        double[] b = new double[a.rows()];
        b[3] = 1.0;
        SequenceSolver pcg = SequenceSolver.ssorPcg();
        SequenceSolver.Step first = pcg.trial(a, b, 1.3);
        SequenceSolver.Step second = pcg.trial(a, b, 1.3);
        assertEquals(first.iterations(), second.iterations());
        assertArrayEquals(first.solution(), second.solution(), 0.0);
    }

    @Test
    void aDivergingSolveCostsTheCap() {
        // Indefinite: SOR's iteration matrix has spectral radius 9 at omega = 1, so it diverges fast.
        CsrMatrix a = CsrMatrix.builder(2, 2).add(0, 0, 1).add(0, 1, 3).add(1, 0, 3).add(1, 1, 1).build();
        SequenceSolver.Step s = SequenceSolver.sor().solve(a, new double[] {1, 1}, 1.0);
        assertTrue(s.reason() == ConvergedReason.DIVERGED_DTOL || s.reason() == ConvergedReason.DIVERGED_NAN, s.reason().toString());
        assertTrue(s.iterations() < 100, "stopped after " + s.iterations());
        assertEquals(10_000, s.cost(), 0.0);
    }

    @Test
    void cgIgnoresOmegaAndSolves() {
        CsrMatrix a = HeatEquation.crankNicolsonMatrix(12, 10.0, 0.001);
        double[] b = new double[a.rows()];
        java.util.Arrays.fill(b, 1.0);
        SequenceSolver cg = SequenceSolver.cg();
        SequenceSolver.Step s = cg.solve(a, b, 1.9);
        assertEquals(ConvergedReason.CONVERGED_RTOL, s.reason());
        assertTrue(residualNorm(a, b, s.solution()) <= 1e-8 * norm(b));
        assertEquals(s.iterations(), s.cost(), 0.0);
    }
}
