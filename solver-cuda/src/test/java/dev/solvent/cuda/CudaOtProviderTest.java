package dev.solvent.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.solvent.backend.Backend;
import dev.solvent.backend.Backends;
import dev.solvent.backend.ReferenceBackend;
import dev.solvent.ot.DualKernels;
import dev.solvent.ot.DualKernelsProvider;
import dev.solvent.ot.TransportProblem;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** The OT kernel provider of this module, on any machine: registered, and serving only CudaBackend. */
class CudaOtProviderTest {

    @Test
    void registeredAndServesOnlyTheCudaBackend() {
        TransportProblem p = TransportProblem.randomAssignment(8, 1, 10);
        int found = 0;
        for (DualKernelsProvider provider : ServiceLoader.load(DualKernelsProvider.class)) {
            if (provider instanceof CudaDualKernelsProvider) {
                found++;
            }
            try (Backend ref = new ReferenceBackend(); Backend cpu = Backends.cpu(1)) {
                assertNull(provider.open(p, ref));
                assertNull(provider.open(p, cpu));
            }
        }
        assertEquals(1, found, "CudaDualKernelsProvider is registered once");
    }

    @Test
    void hostBackendsKeepTheCpuKernelsWithThisModulePresent() {
        TransportProblem p = TransportProblem.randomAssignment(8, 1, 10);
        try (Backend ref = new ReferenceBackend(); DualKernels k = DualKernels.open(p, ref, 1)) {
            assertEquals("cpu", k.where());
        }
    }
}
