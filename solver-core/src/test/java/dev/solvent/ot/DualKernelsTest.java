package dev.solvent.ot;

import dev.solvent.backend.Backend;
import dev.solvent.backend.Backends;
import dev.solvent.backend.ReferenceBackend;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The seam between the OT solvers and their dense kernels, on the CPU. */
class DualKernelsTest {

    private static final SnsOptions SNS = SnsOptions.defaults().withPlanThreshold(0).withThreads(2);

    @Test
    void hostBackendsGetTheCpuKernels() {
        TransportProblem p = TransportProblem.randomAssignment(10, 1, 50);
        try (Backend ref = new ReferenceBackend(); Backend cpu = Backends.cpu(2)) {
            for (Backend b : new Backend[] {null, ref, cpu}) {
                try (DualKernels k = DualKernels.open(p, b, 2)) {
                    assertInstanceOf(HostDualKernels.class, k);
                    assertEquals("cpu", k.where());
                    assertEquals(p, k.problem());
                }
            }
        }
    }

    /** Sinkhorn through the seam is the DualState half-steps, unchanged. */
    @Test
    void sinkhornThroughTheSeamMatchesDualStateDirectly() {
        TransportProblem p = TransportProblem.randomAssignment(30, 4, 300);
        OtResult viaSeam = new Sinkhorn(SinkhornOptions.defaults().withThreads(2).withMaxIterations(50)).solve(p);
        double[] u;
        try (DualState s = new DualState(p, 2)) {
            for (int it = 0; it < 50; it++) {
                s.rowStep();
                s.columnStep();
            }
            u = s.u.clone();
            double[] x = viaSeam.sourcePotential();
            for (int i = 0; i < u.length; i++) {
                assertEquals(u[i] / p.eta(), x[i], 0.0, "x_" + i);
            }
        }
    }

    /**
     * The default backend (parallel CPU, SnsOptions.threads() threads) gives the solution the
     * single-threaded reference backend gives: CG's sums are ordered differently, so the Newton
     * iterates agree to rounding, not bit for bit.
     */
    @Test
    void snsOnTheParallelCpuBackendMatchesTheReferenceBackend() throws Exception {
        TransportProblem[] problems = {
            TransportProblem.randomAssignment(120, 2, 1200),
            TransportProblem.fromDotmark(dev.solvent.SharedData.require("dotmark/Shapes_32_1001.csv"),
                    dev.solvent.SharedData.require("dotmark/Shapes_32_1002.csv"), GroundCost.SQEUCLIDEAN, true, 1200)};
        for (TransportProblem p : problems) {
            OtResult ref;
            try (Backend b = new ReferenceBackend()) {
                ref = new SinkhornNewtonSparse(SNS, b).solve(p);
            }
            OtResult cpu = new SinkhornNewtonSparse(SNS).solve(p);
            assertEquals(OtReason.CONVERGED, ref.reason(), ref.toString());
            assertEquals(OtReason.CONVERGED, cpu.reason(), cpu.toString());
            assertTrue(cpu.message().contains("on backend cpu"), cpu.message());
            assertTrue(ref.message().contains("on backend reference"), ref.message());
            assertTrue(cpu.marginalError() <= 1e-12 && ref.marginalError() <= 1e-12);
            assertEquals(ref.transportCost(), cpu.transportCost(), 1e-12 * ref.transportCost());
            assertEquals(ref.dualObjective(), cpu.dualObjective(), 1e-12 * Math.abs(ref.dualObjective()));
            assertEquals(ref.entropicObjective(), cpu.entropicObjective(), 1e-12 * Math.abs(ref.entropicObjective()));
            // The plans (total mass 1) agree entry by entry; the potentials themselves are only
            // determined where P has mass, so they are not compared.
            dev.solvent.matrix.CsrMatrix pr = ref.plan();
            dev.solvent.matrix.CsrMatrix pc = cpu.plan();
            double worst = 0;
            for (int i = 0; i < pr.rows(); i++) {
                for (int j = 0; j < pr.cols(); j++) {
                    worst = Math.max(worst, Math.abs(pr.get(i, j) - pc.get(i, j)));
                }
            }
            assertTrue(worst <= 1e-12, "max |P_ref - P_cpu| = " + worst);
        }
    }

    @Test
    void explicitReferenceBackendKeepsTheResultsOfTheSingleThreadedCg() {
        TransportProblem p = TransportProblem.randomAssignment(50, 3, 800);
        OtResult a;
        OtResult b;
        try (Backend r1 = new ReferenceBackend(); Backend r2 = new ReferenceBackend()) {
            a = new SinkhornNewtonSparse(SNS.withThreads(1), r1).solve(p);
            b = new SinkhornNewtonSparse(SNS.withThreads(3), r2).solve(p);
        }
        assertArrayEquals(a.sourcePotential(), b.sourcePotential(), 0);
        assertEquals(a.cgIterations(), b.cgIterations());
    }
}
