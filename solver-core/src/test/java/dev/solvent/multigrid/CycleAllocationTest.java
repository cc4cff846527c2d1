package dev.solvent.multigrid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solvent.backend.BoundOperator;
import dev.solvent.backend.Vector;
import dev.solvent.backend.cpu.ParallelCpuBackend;
import dev.solvent.gen.FluidGrid;
import dev.solvent.gen.Generators;
import dev.solvent.matrix.LinearOperator;
import dev.solvent.matrix.Stencil7Operator;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A multigrid cycle allocates nothing, on the caller or on the pool's threads: everything it
 * touches (vectors of every level, inverse diagonals, smoother coefficients, the coarse solve's
 * host arrays) is made at setup. Measured as in the kernel allocation test: HotSpot's per-thread
 * allocation counters over 100 cycles after warm-up, below a bound that a real per-cycle
 * allocation (at least 16 bytes per call) exceeds.
 */
@Timeout(120)
class CycleAllocationTest {

    private static final long BOUND_BYTES = 256;
    private static final int CALLS = 100;

    @Test
    void cyclesAllocateNothingAfterWarmUp() {
        java.lang.management.ThreadMXBean plain = ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(plain instanceof com.sun.management.ThreadMXBean, "needs com.sun.management.ThreadMXBean");
        com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) plain;
        Assumptions.assumeTrue(bean.isThreadAllocatedMemorySupported(), "thread allocation counters unsupported");
        if (!bean.isThreadAllocatedMemoryEnabled()) {
            bean.setThreadAllocatedMemoryEnabled(true);
        }
        try (ParallelCpuBackend cpu = new ParallelCpuBackend(2, 1)) {
            List<String> names = new ArrayList<>();
            List<Runnable> cycles = new ArrayList<>();
            List<AutoCloseable> owned = new ArrayList<>();
            AmgOptions base = AmgOptions.defaults().withCoarseSize(30);
            Object[][] cases = {
                {"V chebyshev (CSR)", Generators.poisson3d(14).matrix(), base},
                {"W l1-jacobi (CSR)", Generators.poisson3d(14).matrix(),
                    base.withCycle(AmgOptions.Cycle.W).withSmoother(AmgOptions.Smoother.L1_JACOBI).withSweeps(2)},
                {"V chebyshev (stencil)", Stencil7Operator.poisson(14, 13, 12), base.withChebyshevDegree(3)},
                {"V singular closed box", FluidGrid.smokeBox(14, false).pressureProblem(null).matrix(), base},
                {"F (solver form)", Generators.poisson3d(14).matrix(), base.withCycle(AmgOptions.Cycle.F)},
                {"smoothed coarsest level", Generators.poisson3d(18).matrix(), base.withMaxLevels(1)},
            };
            for (Object[] c : cases) {
                LinearOperator op = (LinearOperator) c[1];
                AmgOptions o = (AmgOptions) c[2];
                BoundOperator a = cpu.bind(op);
                AmgPreconditioner.Multigrid mg = new AmgPreconditioner.Multigrid(a, cpu, o);
                owned.add(mg);
                owned.add(a);
                assertTrue(mg.failure() == null, mg.failure());
                int n = op.rows();
                Vector r = cpu.wrap(CycleTest.random(n, 1));
                Vector z = cpu.allocate(n);
                names.add(c[0] + ": precondition");
                cycles.add(() -> mg.cycle.precondition(r, z));
                names.add(c[0] + ": iterate");
                cycles.add(() -> mg.cycle.iterate(r, z));
            }
            for (int i = 0; i < 20; i++) {
                cycles.forEach(Runnable::run);
            }
            List<Long> workers = new ArrayList<>();
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (t.getName().startsWith(cpu.pool().name() + "-")) {
                    workers.add(t.getId());
                }
            }
            assertEquals(1, workers.size(), "found the pool's thread");
            for (int i = 0; i < cycles.size(); i++) {
                long best = Long.MAX_VALUE;
                long bestWorkers = Long.MAX_VALUE;
                for (int attempt = 0; attempt < 3 && (best >= BOUND_BYTES || bestWorkers >= BOUND_BYTES); attempt++) {
                    long w0 = bean.getThreadAllocatedBytes(workers.get(0));
                    long before = bean.getCurrentThreadAllocatedBytes();
                    for (int c = 0; c < CALLS; c++) {
                        cycles.get(i).run();
                    }
                    best = Math.min(best, bean.getCurrentThreadAllocatedBytes() - before);
                    bestWorkers = Math.min(bestWorkers, bean.getThreadAllocatedBytes(workers.get(0)) - w0);
                }
                assertTrue(best < BOUND_BYTES, CALLS + " cycles (" + names.get(i) + ") allocated " + best + " bytes");
                assertTrue(bestWorkers < BOUND_BYTES, CALLS + " cycles (" + names.get(i) + ") allocated " + bestWorkers
                        + " bytes on the pool's thread");
            }
            for (AutoCloseable c : owned) {
                try {
                    c.close();
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }
        }
    }
}
