package dev.solvent.solve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solvent.backend.Backend;
import dev.solvent.backend.BoundOperator;
import dev.solvent.backend.ReferenceBackend;
import dev.solvent.gen.Generators;
import dev.solvent.gen.Problem;
import dev.solvent.precond.BoundPreconditioner;
import dev.solvent.precond.Jacobi;
import dev.solvent.precond.Preconditioner;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SetupReportTest {

    /** Jacobi that says what it built, to check that CG passes the report through. */
    private static final class ReportingJacobi implements Preconditioner {
        @Override
        public String name() {
            return "reporting-jacobi";
        }

        @Override
        public BoundPreconditioner setup(BoundOperator a, Backend backend) {
            BoundPreconditioner inner = new Jacobi().setup(a, backend);
            return new BoundPreconditioner() {
                @Override
                public double applyDot(dev.solvent.backend.Vector r, dev.solvent.backend.Vector z) {
                    return inner.applyDot(r, z);
                }

                @Override
                public Map<String, Object> setupReport() {
                    return Map.of("rows", a.rows());
                }
            };
        }
    }

    @Test
    void cgReportsSetupTimeAndNestsThePreconditionersReport() {
        Problem p = Generators.poisson2d(8);
        try (Backend backend = new ReferenceBackend();
             BoundSolver plain = new ConjugateGradient(SolverOptions.defaults()).setup(p.matrix(), backend);
             BoundSolver pcg = new ConjugateGradient(SolverOptions.defaults(), new ReportingJacobi())
                     .setup(p.matrix(), backend)) {
            Map<String, Object> report = plain.setupReport();
            assertTrue(((Number) report.get("setupSeconds")).doubleValue() >= 0.0);
            assertFalse(report.containsKey("preconditioner"), "plain CG has no preconditioner report");
            assertEquals(Map.of("rows", 64), pcg.setupReport().get("preconditioner"));
        }
    }
}
