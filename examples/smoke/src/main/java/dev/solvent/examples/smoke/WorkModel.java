package dev.solvent.examples.smoke;

import dev.solvent.matrix.CsrMatrix;
import java.util.Map;

/**
 * A deterministic cost model of one PCG iteration: the values (8-byte words) it moves through
 * memory, the quantity that bounds sparse iterations on CPUs and GPUs alike. The tuner's cost of a
 * solve is its iteration count times this, in units of one plain-CG iteration, so that cheap and
 * expensive preconditioners compare fairly and the same run gives the same choices (a wall-clock
 * cost would not: timings vary from run to run, and the choices with them). PCGBandit weights
 * iteration counts by a per-preconditioner estimate in the same way.
 *
 * <pre>
 *   n unknowns, z nonzeros; CSR moves 1.5 words per nonzero (8-byte value, 4-byte column) and 0.5 per row
 *   plain CG          11 n vector words + the matrix (1.5 z + 0.5 n)      (Solvent's ConjugateGradient notes)
 *   PCG               + 2 n (the extra vector z)
 *   jacobi            + 3 n                     read r and the inverse diagonal, write z
 *   ssor              + 2 (1.5 z + 0.5 n + 3 n)  a forward and a backward sweep over the matrix
 *   ic0               + 2 (1.5 zL + 0.5 n + 3 n) L and L^T solves, zL = (z + n) / 2
 *   other (amg, ...)  + 4 c (1.5 z + 3.5 n)     c = the setup report's operatorComplexity (1.5 when absent):
 *                                               smoothing, residual and transfers over a hierarchy
 * </pre>
 *
 * The model counts memory traffic only: it ignores the synchronisation of the level-scheduled SSOR
 * and IC(0) sweeps (at each level a thread waits for the rows it reads); the wall-time cost
 * ({@code --bandit-cost time}) sees that, at the price of determinism.
 */
final class WorkModel {

    /** Operator complexity assumed for a multilevel preconditioner whose setup report does not give one. */
    static final double DEFAULT_COMPLEXITY = 1.5;

    private WorkModel() {
    }

    /** Words moved by one plain CG iteration. */
    static double plainCg(CsrMatrix a) {
        double n = a.rows();
        return 11 * n + 1.5 * a.nnz() + 0.5 * n;
    }

    /**
     * Words moved by one PCG iteration with the named preconditioner.
     *
     * @param setupReport the bound solver's setup report (for a multilevel preconditioner's
     *                    operator complexity), or an empty map
     */
    static double perIteration(String preconditioner, CsrMatrix a, Map<String, Object> setupReport) {
        double n = a.rows();
        double z = a.nnz();
        double matrix = 1.5 * z + 0.5 * n;
        switch (preconditioner) {
            case "none":
                return plainCg(a);
            case "jacobi":
                return plainCg(a) + 2 * n + 3 * n;
            case "ssor":
                return plainCg(a) + 2 * n + 2 * (matrix + 3 * n);
            case "ic0":
                double zl = (z + n) / 2;
                return plainCg(a) + 2 * n + 2 * (1.5 * zl + 0.5 * n + 3 * n);
            default:
                return plainCg(a) + 2 * n + 4 * complexity(setupReport) * (1.5 * z + 3.5 * n);
        }
    }

    /** The operator complexity from a setup report (at its top level or under "preconditioner"). */
    static double complexity(Map<String, Object> report) {
        Object c = report.get("operatorComplexity");
        if (c == null && report.get("preconditioner") instanceof Map) {
            c = ((Map<?, ?>) report.get("preconditioner")).get("operatorComplexity");
        }
        return c instanceof Number && ((Number) c).doubleValue() >= 1 ? ((Number) c).doubleValue() : DEFAULT_COMPLEXITY;
    }
}
