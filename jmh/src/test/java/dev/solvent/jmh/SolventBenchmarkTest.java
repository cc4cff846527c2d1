package dev.solvent.jmh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Runs the Solvent benchmarks' set-up (which holds the answer checks) and a few invocations on
 * small inputs, so that the normal build exercises them and they cannot rot. No timing is asserted.
 */
class SolventBenchmarkTest {

    @Test
    void bandwidthChecksItsAnswers() {
        BandwidthBenchmark b = new BandwidthBenchmark();
        b.n = 10_007;
        b.threads = 2;
        b.setUp();
        b.triad();
        assertEquals(b.dot(), b.backendDot(), 1e-9 * Math.abs(b.dot()));
        b.tearDown();
    }

    @Test
    void spmvChecksBothOperators() {
        for (String op : new String[] {"csr", "stencil"}) {
            SpmvBenchmark b = new SpmvBenchmark();
            b.grid = 9;
            b.operator = op;
            b.threads = 2;
            b.setUp();
            b.apply();
            b.tearDown();
        }
    }

    @Test
    void cgIterationMatchesTheLibrarysCgAndRestartsPastConvergence() {
        for (String op : new String[] {"csr", "stencil"}) {
            CgIterationBenchmark b = new CgIterationBenchmark();
            b.grid = 12;
            b.operator = op;
            b.threads = 2;
            b.setUp();
            b.restart();
            for (int k = 0; k < 500; k++) {
                double rr = b.iteration();
                assertTrue(Double.isFinite(rr) && rr > 0, "iteration " + k + ": r.r = " + rr);
            }
            b.tearDown();
        }
    }

    @Test
    void solvesConvergeAndCappedSolvesMatchTheReferenceBackend() {
        for (String pc : new String[] {"none", "jacobi", "ssor", "ic0"}) {
            for (int cap : new int[] {0, 7}) {
                SolveBenchmark s = new SolveBenchmark();
                s.grid = 10;
                s.pc = pc;
                s.cap = cap;
                s.operator = "csr";
                s.threads = 2;
                s.setUp();
                IterationCounter c = new IterationCounter();
                s.solve(c);
                if (cap > 0) {
                    assertEquals(cap, c.iterations, pc);
                }
                s.tearDown();
            }
        }
    }

    @Test
    void stencilSolveRunsMatrixFree() {
        SolveBenchmark s = new SolveBenchmark();
        s.grid = 10;
        s.pc = "none";
        s.cap = 0;
        s.operator = "stencil";
        s.threads = 2;
        s.setUp();
        IterationCounter c = new IterationCounter();
        s.solve(c);
        assertTrue(c.iterations > 0);
        s.tearDown();
    }

    @Test
    void preconditionerApplyChecksAgainstTheReferenceAtBothThreadCounts() {
        for (String pc : new String[] {"ic0", "mic0", "ssor", "ssor-mc"}) {
            for (int threads : new int[] {1, 2}) {
                PreconditionerApplyBenchmark b = new PreconditionerApplyBenchmark();
                b.grid = 20;
                b.pc = pc;
                b.threads = threads;
                b.setUp();
                double rz = b.apply();
                assertTrue(Double.isFinite(rz) && rz > 0, pc + ": r.z = " + rz);
                b.tearDown();
            }
        }
    }

    @Test
    void pcgIterationMatchesTheLibrarysPcgAndRestartsPastConvergence() {
        for (String pc : new String[] {"none", "ic0", "ssor"}) {
            PcgIterationBenchmark b = new PcgIterationBenchmark();
            b.grid = 12;
            b.pc = pc;
            b.threads = 2;
            b.setUp();
            b.restart();
            for (int k = 0; k < 300; k++) {
                double rr = b.iteration();
                assertTrue(Double.isFinite(rr) && rr > 0, pc + " iteration " + k + ": r.r = " + rr);
            }
            b.tearDown();
        }
    }
}
