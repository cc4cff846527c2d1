package dev.solvent.precond;

import dev.solvent.backend.Backend;
import dev.solvent.backend.BoundOperator;
import dev.solvent.backend.Vector;
import dev.solvent.matrix.CsrMatrix;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@link Ic0} and {@link Mic0} share: factor on the host ({@link IncompleteCholesky}), hand the
 * factor to the backend's triangular solves ({@link Backend#bindTriangularFactor}, which prepares
 * its schedule once), and report what setup did.
 */
abstract class CholeskyPreconditioner implements Preconditioner {

    private final ShiftPolicy shiftPolicy;

    CholeskyPreconditioner(ShiftPolicy shiftPolicy) {
        this.shiftPolicy = java.util.Objects.requireNonNull(shiftPolicy, "shiftPolicy");
    }

    /** The shift policy applied when the factorisation breaks down. */
    public ShiftPolicy shiftPolicy() {
        return shiftPolicy;
    }

    /** MIC's omega (0 for IC(0)). */
    abstract double relaxation();

    @Override
    public BoundPreconditioner setup(BoundOperator a, Backend backend) {
        CsrMatrix matrix = Ic0.csrOf(a.source(), name());
        IncompleteCholesky.Factorization f = IncompleteCholesky.factor(matrix, name(), relaxation(), shiftPolicy);
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("factorisation", name());
        if (this instanceof Mic0) {
            report.put("relaxation", relaxation());
        }
        report.put("scaling", "symmetric diagonal");
        report.put("shift", f.shift());
        report.put("retries", f.retries());
        if (f.breakdown() != null) {
            report.put("unshiftedBreakdown", f.breakdown());
        }
        report.put("shiftPolicy", shiftPolicy.toString());
        if (!f.succeeded()) {
            String why = f.failure();
            Map<String, Object> failed = Collections.unmodifiableMap(report);
            return new BoundPreconditioner() {
                @Override
                public double applyDot(Vector r, Vector z) {
                    throw new IllegalStateException(why);
                }

                @Override
                public String failure() {
                    return why;
                }

                @Override
                public Map<String, Object> setupReport() {
                    return failed;
                }
            };
        }
        BoundOperator lower = backend.bindTriangularFactor(f.lower());
        Map<String, Object> schedule = lower.report();
        if (!schedule.isEmpty()) {
            report.put("solve", schedule);
        }
        Map<String, Object> done = Collections.unmodifiableMap(report);
        return new BoundPreconditioner() {
            @Override
            public double applyDot(Vector r, Vector z) {
                return backend.choleskySolveDot(lower, r, z);
            }

            @Override
            public Map<String, Object> setupReport() {
                return done;
            }

            @Override
            public void close() {
                lower.close();
            }
        };
    }
}
