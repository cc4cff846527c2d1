package dev.solvent.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import org.junit.jupiter.api.Test;

/** The solve's live line: iteration against the limit, the rate, and the relative residual against the target. */
class ProgressTest {

    @Test
    void lineShowsIterationLimitRateAndResidualAgainstTarget() {
        List<String> drawn = new ArrayList<>();
        Progress p = Progress.forSolve("cg/ic0", 1000, 10.0, 1e-8,
                new DelegatingProgressBarConsumer(s -> {
                    synchronized (drawn) {
                        drawn.add(s);
                    }
                }, 160));
        for (int it = 1; it <= 120; it++) {
            p.onIteration(it, 10.0 * Math.pow(10, -it / 20.0));
        }
        p.refresh();
        String last;
        synchronized (drawn) {
            last = drawn.get(drawn.size() - 1);
        }
        p.close();
        assertTrue(last.startsWith("cg/ic0"), last);
        assertTrue(last.contains("120/1000"), last);
        // The rate needs a measurable elapsed time; before that the bar shows "?".
        assertTrue(last.matches(".*(\\d+\\.\\d|\\?) it/s rel\\. residual 1\\.0e-06 -> 1e-08.*"), last);
    }
}
