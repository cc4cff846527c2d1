package dev.solvent.ot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solvent.backend.Backend;
import dev.solvent.backend.Backends;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Interrupting the thread that runs an optimal transport solve ends it with CANCELLED. */
class OtCancellationTest {

    private static final TransportProblem PROBLEM = TransportProblem.randomAssignment(120, 3, 2000);

    @Test
    void sinkhornInterruptedWhileIteratingIsCancelled() throws Exception {
        CountDownLatch running = new CountDownLatch(5);
        SinkhornOptions options = SinkhornOptions.defaults().withTolerance(1e-300).withMaxIterations(Integer.MAX_VALUE)
                .withThreads(2).withListener((k, e) -> running.countDown());
        AtomicReference<Object> result = new AtomicReference<>();
        boolean[] keptInterrupt = new boolean[1];
        Thread t = new Thread(() -> {
            try {
                result.set(new Sinkhorn(options).solve(PROBLEM));
                keptInterrupt[0] = Thread.currentThread().isInterrupted();
            } catch (Throwable e) {
                result.set(e);
            }
        });
        t.setDaemon(true);
        t.start();
        assertTrue(running.await(60, TimeUnit.SECONDS));
        t.interrupt();
        t.join(60_000);
        assertTrue(!t.isAlive(), "Sinkhorn ignored the interrupt");
        assertTrue(result.get() instanceof OtResult, String.valueOf(result.get()));
        OtResult r = (OtResult) result.get();
        assertEquals(OtReason.CANCELLED, r.reason(), r.toString());
        assertTrue(keptInterrupt[0], "the interrupt status was lost");
    }

    @Test
    void aSolveStartedOnAnInterruptedThreadIsCancelledAtOnce() {
        for (int threads : new int[] {1, 2}) {
            try (Backend cpu = Backends.cpu(2)) {
                Thread.currentThread().interrupt();
                OtResult sns;
                OtResult sinkhorn;
                try {
                    sns = new SinkhornNewtonSparse(SnsOptions.defaults().withThreads(threads), cpu).solve(PROBLEM);
                    sinkhorn = new Sinkhorn(SinkhornOptions.defaults().withThreads(threads), cpu).solve(PROBLEM);
                    assertTrue(Thread.currentThread().isInterrupted(), "the interrupt status was lost");
                } finally {
                    Thread.interrupted();
                }
                assertEquals(OtReason.CANCELLED, sns.reason(), sns.toString());
                assertEquals(OtReason.CANCELLED, sinkhorn.reason(), sinkhorn.toString());
                assertTrue(Double.isFinite(sinkhorn.marginalError()), sinkhorn.toString());
            }
        }
    }
}
