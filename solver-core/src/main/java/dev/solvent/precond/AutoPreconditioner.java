package dev.solvent.precond;

import dev.solvent.backend.Backend;
import dev.solvent.backend.BoundOperator;
import dev.solvent.backend.Vector;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A preconditioner chosen for the user ({@code --pc auto}, {@code Solvers.preconditioner("auto", ...)}):
 * it is the chosen one under that one's name, and its setup report starts with {@code auto}, what
 * was chosen and why. Made by {@link dev.solvent.solve.Solvers}, which holds the selection rule.
 */
public final class AutoPreconditioner implements Preconditioner {

    private final Preconditioner chosen;
    private final String why;

    /**
     * @param chosen the preconditioner that runs
     * @param why    the reason, for the setup report
     */
    public AutoPreconditioner(Preconditioner chosen, String why) {
        this.chosen = java.util.Objects.requireNonNull(chosen, "chosen");
        this.why = java.util.Objects.requireNonNull(why, "why");
    }

    /** The preconditioner that runs. */
    public Preconditioner chosen() {
        return chosen;
    }

    /** Why it was chosen. */
    public String why() {
        return why;
    }

    /** The chosen preconditioner's name, which results report. */
    @Override
    public String name() {
        return chosen.name();
    }

    @Override
    public BoundPreconditioner setup(BoundOperator a, Backend backend) {
        BoundPreconditioner inner = chosen.setup(a, backend);
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("auto", "chose " + chosen.name() + ": " + why);
        report.putAll(inner.setupReport());
        Map<String, Object> done = Collections.unmodifiableMap(report);
        return new BoundPreconditioner() {
            @Override
            public double applyDot(Vector r, Vector z) {
                return inner.applyDot(r, z);
            }

            @Override
            public String failure() {
                return inner.failure();
            }

            @Override
            public Map<String, Object> setupReport() {
                return done;
            }

            @Override
            public void close() {
                inner.close();
            }
        };
    }

    @Override
    public String toString() {
        return "auto -> " + chosen.name() + " (" + why + ")";
    }
}
