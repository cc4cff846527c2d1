package dev.solvent.dcdm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solvent.backend.BackendUnavailableException;
import dev.solvent.backend.ReferenceBackend;
import dev.solvent.cuda.CudaBackend;
import dev.solvent.cuda.DeviceKind;
import dev.solvent.gen.Generators;
import dev.solvent.gen.Problem;
import dev.solvent.solve.SolveResult;
import dev.solvent.solve.SolverOptions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Without a GPU the device path of DCDM cannot be reached: it is chosen by handing
 * {@code setup} a {@link CudaBackend}, and asking for one on the driver fails with a one-line
 * {@link BackendUnavailableException}; the module (which now depends on solver-cuda) keeps
 * working on the CPU afterwards. Skips on a GPU machine.
 */
class DcdmCudaUnavailableTest {

    @Test
    void askingForTheDevicePathSaysWhyAndTheCpuPathCarriesOn() {
        Assumptions.assumeFalse(CudaBackend.isAvailable(DeviceKind.DRIVER),
                "a CUDA device is present: this test is for machines without one");
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> CudaBackend.create(DeviceKind.DRIVER, 0, true));
        assertTrue(e.getMessage().startsWith("CUDA backend unavailable: "), e.getMessage());
        assertTrue(!e.getMessage().contains("\n") && e.getMessage().length() < 600, e.getMessage());

        Problem p = Generators.poisson2d(8, 6);
        DcdmNetwork net = DcdmNetwork.random(new DcdmArchitecture(2, 3, 1, 1, 1), 2);
        try (Dcdm.Bound solver = new Dcdm(SolverOptions.defaults().withRtol(1e-8), net, GridMap.box2d(8, 6))
                .setup(p.matrix(), new ReferenceBackend())) {
            SolveResult r = solver.solve(p.rhs(), new double[p.rhs().length]);
            assertTrue(r.converged(), r.toString());
            assertEquals("ic0", solver.fallbackName(), "IC(0) stays the fallback on the CPU");
            assertTrue(!r.message().contains("not available"), r.message());
        }
    }
}
