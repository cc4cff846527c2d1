package dev.solvent.jmh;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Counts solver iterations as JMH "operations": in average-time mode JMH then reports a secondary
 * score {@code iterations} = measured time / iterations, the time per iteration with its own error
 * bar, taken from the very solves the primary score times. The report divides the two scores for
 * the iteration count.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class IterationCounter {

    /** Solver iterations in this measurement iteration (JMH reads public fields). */
    public long iterations;

    @Setup(Level.Iteration)
    public void reset() {
        iterations = 0;
    }
}
