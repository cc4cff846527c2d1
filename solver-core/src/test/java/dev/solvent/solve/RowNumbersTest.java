package dev.solvent.solve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solvent.backend.Backend;
import dev.solvent.backend.ReferenceBackend;
import dev.solvent.backend.SweepDirection;
import dev.solvent.io.MatrixMarket;
import dev.solvent.matrix.CsrMatrix;
import dev.solvent.precond.Ic0;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A message about a row of a matrix numbers it as the Matrix Market file does, from 1. */
class RowNumbersTest {

    /** 3 x 3, rows 1 and 2 fine, row 3 of the file with a zero diagonal entry. */
    private static CsrMatrix zeroDiagonalInFileRow3() throws Exception {
        String mtx = "%%MatrixMarket matrix coordinate real general\n3 3 4\n1 1 2\n2 2 2\n3 1 1\n3 3 0\n";
        return MatrixMarket.readMatrix(new ByteArrayInputStream(mtx.getBytes(StandardCharsets.US_ASCII)), "A.mtx");
    }

    @Test
    void zeroDiagonalMessagesNameTheFileRow() throws Exception {
        CsrMatrix a = zeroDiagonalInFileRow3();
        try (Backend ref = new ReferenceBackend()) {
            for (String solver : new String[] {"sor", "gs", "ssor"}) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> Solvers.create(solver, "none", SolverOptions.defaults()).setup(a, ref));
                assertTrue(e.getMessage().contains("row 3"), e.getMessage());
            }
            IllegalArgumentException jacobi = assertThrows(IllegalArgumentException.class,
                    () -> Solvers.create("cg", "jacobi", SolverOptions.defaults()).setup(a, ref));
            assertTrue(jacobi.getMessage().contains("row 3"), jacobi.getMessage());
            IllegalArgumentException kernel = assertThrows(IllegalArgumentException.class,
                    () -> ref.sorSweep(ref.bind(a), ref.allocate(3), ref.allocate(3), 1.0, SweepDirection.FORWARD));
            assertTrue(kernel.getMessage().contains("row 3"), kernel.getMessage());
        }
    }

    @Test
    void ic0BreakdownNamesTheFileRow() throws Exception {
        // Symmetric, indefinite at the second pivot (1 - 4 = -3): file row 2.
        String mtx = "%%MatrixMarket matrix coordinate real symmetric\n2 2 3\n1 1 1\n2 1 2\n2 2 1\n";
        CsrMatrix a = MatrixMarket.readMatrix(new ByteArrayInputStream(mtx.getBytes(StandardCharsets.US_ASCII)), "B.mtx");
        Ic0.Factor f = Ic0.factor(a);
        assertTrue(f.failure().contains("row 2"), f.failure());
        try (Backend ref = new ReferenceBackend();
             BoundSolver s = new ConjugateGradient(SolverOptions.defaults(), new Ic0()).setup(a, ref)) {
            SolveResult r = s.solve(new double[] {1, 0}, new double[2]);
            assertEquals(ConvergedReason.DIVERGED_PRECONDITIONER_FAILED, r.reason());
            assertTrue(r.message().contains("row 2"), r.message());
        }
    }
}
