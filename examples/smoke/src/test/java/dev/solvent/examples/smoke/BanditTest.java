package dev.solvent.examples.smoke;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solvent.backend.Backend;
import dev.solvent.backend.Backends;
import dev.solvent.matrix.CsrMatrix;
import dev.solvent.solve.SolverOptions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BanditTest {

    @Test
    void hindsightAccountAddsUpAndEveryStepConverges() {
        SmokeConfig config = SmokeConfig.defaults(3, 12).withThreads(2).withHindsight(true);
        RunSummary run = SmokeRun.run("bandit", config, SmokeRun.Options.noOutput(30), null);
        RunSummary.BanditAccount a = run.bandit();
        assertEquals(30, java.util.Arrays.stream(a.choices()).sum());
        assertEquals(0, run.notConverged());
        assertTrue(run.maxRelDivergence() <= config.rtol() * (1 + 1e-6));
        int best = a.bestArm();
        for (double c : a.hindsightCost()) {
            assertTrue(c >= a.hindsightCost()[best]);
        }
        // The bandit pays at least the best fixed arm's cost only in expectation; it cannot pay less than
        // the per-step minimum over arms, which is at most the best arm's cost.
        assertTrue(a.totalCost() > 0);
        // Every step's chosen iterations are accounted in the chosen arm's hindsight total too.
        long chosenIterations = run.totalIterations();
        long all = 0;
        for (long i : a.hindsightIterations()) {
            all += i;
        }
        assertTrue(all >= chosenIterations, all + " >= " + chosenIterations);
    }

    @Test
    void aOneArmBanditIsThatFixedSolver() {
        SmokeConfig config = SmokeConfig.defaults(3, 12).withThreads(1);
        SolverOptions options = SolverOptions.defaults().withRtol(config.rtol()).withRecordHistory(false);
        RunSummary bandit;
        RunSummary fixed;
        try (Backend backend = Backends.cpu(1)) {
            bandit = SmokeRun.run(new BanditPressureSolver(List.of(new BanditPressureSolver.Arm("ic0", 1.0, true)), options,
                    backend, BanditPressureSolver.CostKind.WORK, 1, true), config, SmokeRun.Options.noOutput(12), null);
            fixed = SmokeRun.run(PressureSolvers.create("ic0", config, backend), config, SmokeRun.Options.noOutput(12), null);
        }
        for (int s = 0; s < 12; s++) {
            assertEquals(fixed.steps().get(s).iterations(), bandit.steps().get(s).iterations(), "step " + s);
            assertEquals(fixed.steps().get(s).mass(), bandit.steps().get(s).mass(), 0.0);
        }
        assertEquals(bandit.bandit().totalCost(), bandit.bandit().hindsightCost()[0], 1e-9);
    }

    @Test
    void workModelRanksPreconditionersByTraffic() {
        CsrMatrix a = dev.solvent.gen.FluidGrid.smokeBox(10, true).pressureProblem(null).matrix();
        double cg = WorkModel.plainCg(a);
        double jacobi = WorkModel.perIteration("jacobi", a, Map.of());
        double ssor = WorkModel.perIteration("ssor", a, Map.of());
        double ic0 = WorkModel.perIteration("ic0", a, Map.of());
        assertEquals(cg, WorkModel.perIteration("none", a, Map.of()));
        assertTrue(cg < jacobi && jacobi < ic0 && ic0 < ssor, cg + " " + jacobi + " " + ic0 + " " + ssor);
        assertTrue(ssor < 3 * cg, "an SSOR iteration moves about twice a CG iteration's data");
        assertEquals(WorkModel.perIteration("amg", a, Map.of("operatorComplexity", 1.5)),
                WorkModel.perIteration("amg", a, Map.of()));
        assertTrue(WorkModel.perIteration("amg", a, Map.of("preconditioner", Map.of("operatorComplexity", 2.0)))
                > WorkModel.perIteration("amg", a, Map.of()));
    }

    @Test
    void unknownNamesAreRefusedWithTheKnownOnes() {
        SmokeConfig config = SmokeConfig.defaults(3, 12);
        try (Backend backend = Backends.reference()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> PressureSolvers.create("no-such-pc", config, backend));
            assertTrue(e.getMessage().contains("unknown preconditioner 'no-such-pc'") && e.getMessage().contains("ic0")
                    && e.getMessage().contains("bandit"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> PressureSolvers.create("dcdm", SmokeConfig.defaults(2, 16), backend));
            assertTrue(e.getMessage().contains("3D"), e.getMessage());
        }
    }
}
