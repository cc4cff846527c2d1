package dev.solvent.ot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** SNS's listener sees every Sinkhorn and Newton iteration once, ending at the result's marginal error. */
class SnsListenerTest {

    @Test
    void listenerFollowsTheIterationsToTheFinalError() {
        TransportProblem p = TransportProblem.randomAssignment(60, 4, 40);
        List<Integer> iterations = new ArrayList<>();
        List<Double> errors = new ArrayList<>();
        OtResult r = new SinkhornNewtonSparse(SnsOptions.defaults().withThreads(2).withTolerance(1e-10)
                .withListener((it, err) -> {
                    iterations.add(it);
                    errors.add(err);
                })).solve(p);
        assertTrue(r.converged(), r.toString());
        assertTrue(r.newtonIterations() > 0, r.toString());
        assertEquals(r.iterations(), iterations.size(), "one call per iteration");
        for (int k = 0; k < iterations.size(); k++) {
            assertEquals(k + 1, iterations.get(k));
        }
        assertEquals(r.marginalError(), errors.get(errors.size() - 1), 1e-12 * Math.max(1, r.marginalError()));
        assertTrue(errors.get(errors.size() - 1) <= 1e-10);
        // Without a listener the same solve gives the same answer.
        OtResult quiet = new SinkhornNewtonSparse(SnsOptions.defaults().withThreads(2).withTolerance(1e-10)).solve(p);
        assertEquals(r.iterations(), quiet.iterations());
        assertEquals(r.transportCost(), quiet.transportCost());
    }
}
