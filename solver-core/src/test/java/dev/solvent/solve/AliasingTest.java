package dev.solvent.solve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solvent.backend.Backend;
import dev.solvent.backend.BoundOperator;
import dev.solvent.backend.ReferenceBackend;
import dev.solvent.backend.SweepDirection;
import dev.solvent.backend.Vector;
import dev.solvent.backend.cpu.ParallelCpuBackend;
import dev.solvent.gen.Generators;
import dev.solvent.matrix.CsrMatrix;
import dev.solvent.precond.Ic0;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Entries that take two arrays or vectors refuse to be handed the same one twice where writing
 * one would destroy the other: {@code solve(b, b)} zeroed b and "converged" to x = 0.
 */
class AliasingTest {

    private static List<Backend> backends() {
        return List.of(new ReferenceBackend(), new ParallelCpuBackend(2, 1));
    }

    @Test
    void solveWithTheRightHandSideAsTheSolutionIsRefusedAndBIsUntouched() {
        CsrMatrix a = Generators.poisson2d(6).matrix();
        for (Backend backend : backends()) {
            try (backend) {
                for (String solver : List.of("cg", "gs", "ssor")) {
                    try (BoundSolver s = Solvers.create(solver, "none", SolverOptions.defaults()).setup(a, backend)) {
                        double[] b = Generators.poisson2d(6).rhs();
                        double[] copy = b.clone();
                        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.solve(b, b),
                                backend.name() + "/" + solver);
                        assertTrue(e.getMessage().contains("same"), e.getMessage());
                        assertArrayEquals(copy, b, 0.0, "b was modified");
                        Vector v = backend.wrap(b);
                        assertThrows(IllegalArgumentException.class, () -> s.solve(v, v));
                        assertThrows(IllegalArgumentException.class, () -> s.solve(v, backend.wrap(b)),
                                "two host vectors over one array");
                        assertArrayEquals(copy, b, 0.0, "b was modified");
                    }
                }
            }
        }
    }

    @Test
    void kernelsThatWriteOneVectorWhileReadingTheOtherRefuseAliases() {
        CsrMatrix a = Generators.poisson2d(5).matrix();
        for (Backend backend : backends()) {
            try (backend) {
                BoundOperator bound = backend.bind(a);
                BoundOperator lower = backend.bind(Ic0.factor(a).lower());
                Vector u = backend.upload(Generators.poisson2d(5).rhs());
                Vector w = backend.allocate(a.rows());
                Vector d = backend.allocate(a.rows());
                String who = backend.name();
                assertThrows(IllegalArgumentException.class, () -> backend.apply(bound, u, u), who);
                assertThrows(IllegalArgumentException.class, () -> backend.applyDot(bound, u, u), who);
                assertThrows(IllegalArgumentException.class, () -> backend.residual(bound, u, w, u), who + " r = b");
                assertThrows(IllegalArgumentException.class, () -> backend.residual(bound, w, u, u), who + " r = x");
                assertThrows(IllegalArgumentException.class,
                        () -> backend.sorSweep(bound, u, u, 1.0, SweepDirection.FORWARD), who);
                assertThrows(IllegalArgumentException.class, () -> backend.ssorApplyDot(bound, u, u, 1.0), who);
                assertThrows(IllegalArgumentException.class, () -> backend.choleskySolveDot(lower, u, u), who);
                assertThrows(IllegalArgumentException.class, () -> backend.diagonalScaleDot(d, u, u), who);
                assertThrows(IllegalArgumentException.class, () -> backend.cgUpdate(1.0, u, w, u, d), who);
                assertThrows(IllegalArgumentException.class, () -> backend.cgUpdate(1.0, u, w, d, d), who);
            }
        }
    }
}
