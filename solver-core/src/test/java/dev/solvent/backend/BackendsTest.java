package dev.solvent.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solvent.backend.cpu.ParallelCpuBackend;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class BackendsTest {

    @TempDir
    Path temp;

    @Test
    void builtInNames() {
        try (Backend ref = Backends.byName("reference", 4)) {
            assertInstanceOf(ReferenceBackend.class, ref);
            assertEquals("reference", ref.name());
            assertEquals(1, ref.threads());
        }
        try (Backend cpu = Backends.byName("cpu", 3)) {
            assertInstanceOf(ParallelCpuBackend.class, cpu);
            assertEquals("cpu", cpu.name());
            assertEquals(3, cpu.threads());
        }
        try (Backend cpu = Backends.byName(" CPU ", 0)) {
            assertEquals(Runtime.getRuntime().availableProcessors(), cpu.threads(), "0 threads means one per processor");
        }
        try (Backend cpu = Backends.cpu(2)) {
            assertEquals(2, cpu.threads());
        }
        try (Backend cpu = Backends.cpu()) {
            assertEquals(Runtime.getRuntime().availableProcessors(), cpu.threads());
        }
        assertInstanceOf(ReferenceBackend.class, Backends.reference());
        assertThrows(IllegalArgumentException.class, () -> Backends.cpu(-1));
        assertThrows(IllegalArgumentException.class, () -> Backends.byName("cpu", -2));
    }

    @Test
    void autoWithoutCudaIsCpu() {
        try (Backend auto = Backends.byName("auto", 2)) {
            assertEquals("cpu", auto.name());
            assertEquals(2, auto.threads());
        }
    }

    @Test
    void cudaWithoutItsModuleSaysSo() {
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> Backends.byName("cuda", 0));
        assertTrue(e.getMessage().contains("CUDA backend is not on the classpath"), e.getMessage());
    }

    @Test
    void unknownNameListsTheValidOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Backends.byName("gpu-magic", 1));
        for (String name : List.of("reference", "cpu", "auto")) {
            assertTrue(e.getMessage().contains(name), e.getMessage());
        }
        assertTrue(e.getMessage().contains("gpu-magic"), e.getMessage());
        assertEquals(List.of("reference", "cpu", "auto"), Backends.availableNames());
    }

    // ---- providers found through ServiceLoader ----------------------------------------------

    /** A provider named "fake" that hands out reference backends and remembers the last one. */
    public static final class FakeProvider implements BackendProvider {
        static volatile Backend last;
        static volatile int lastThreads = -1;

        @Override
        public String name() {
            return "fake";
        }

        @Override
        public Backend create(int threads) {
            lastThreads = threads;
            Backend b = new ReferenceBackend();
            last = b;
            return b;
        }
    }

    /** A "cuda" provider that cannot run here, as on a machine without a driver. */
    public static final class BrokenCudaProvider implements BackendProvider {
        @Override
        public String name() {
            return "cuda";
        }

        @Override
        public Backend create(int threads) {
            throw new BackendUnavailableException("no CUDA driver (test)");
        }
    }

    /** A "cuda" provider that works (it hands out a reference backend standing in for a GPU). */
    public static final class WorkingCudaProvider implements BackendProvider {
        static volatile Backend last;

        @Override
        public String name() {
            return "cuda";
        }

        @Override
        public Backend create(int threads) {
            Backend b = new ReferenceBackend();
            last = b;
            return b;
        }
    }

    /** Runs {@code body} with a context class loader that also sees a services file naming {@code providers}. */
    private <T> T withProviders(Callable<T> body, Class<?>... providers) throws Exception {
        Path dir = Files.createTempDirectory(temp, "services");
        Path services = dir.resolve("META-INF/services/" + BackendProvider.class.getName());
        Files.createDirectories(services.getParent());
        StringBuilder lines = new StringBuilder();
        for (Class<?> p : providers) {
            lines.append(p.getName()).append('\n');
        }
        Files.writeString(services, lines.toString(), StandardCharsets.UTF_8);
        Thread me = Thread.currentThread();
        ClassLoader saved = me.getContextClassLoader();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
            me.setContextClassLoader(loader);
            return body.call();
        } finally {
            me.setContextClassLoader(saved);
        }
    }

    @Test
    void providerNamesAreFoundAndListed() throws Exception {
        withProviders(() -> {
            Backend b = Backends.byName("fake", 5);
            assertSame(FakeProvider.last, b);
            assertEquals(5, FakeProvider.lastThreads);
            assertEquals(List.of("reference", "cpu", "auto", "fake"), Backends.availableNames());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Backends.byName("nope", 1));
            assertTrue(e.getMessage().contains("fake"), e.getMessage());
            return null;
        }, FakeProvider.class);
    }

    @Test
    void autoPicksAWorkingCudaProvider() throws Exception {
        withProviders(() -> {
            try (Backend b = Backends.byName("auto", 0)) {
                assertSame(WorkingCudaProvider.last, b);
            }
            try (Backend b = Backends.byName("cuda", 0)) {
                assertSame(WorkingCudaProvider.last, b);
            }
            return null;
        }, WorkingCudaProvider.class);
    }

    @Test
    void autoFallsBackToCpuWhenCudaCannotStart() throws Exception {
        withProviders(() -> {
            try (Backend b = Backends.byName("auto", 2)) {
                assertEquals("cpu", b.name());
                assertEquals(2, b.threads());
            }
            BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                    () -> Backends.byName("cuda", 0));
            assertEquals("no CUDA driver (test)", e.getMessage(), "the provider's own reason reaches the caller");
            return null;
        }, BrokenCudaProvider.class);
    }

    /** Claims the name "cpu"; the built-in must win. */
    public static final class ShadowProvider implements BackendProvider {
        @Override
        public String name() {
            return "cpu";
        }

        @Override
        public Backend create(int threads) {
            throw new AssertionError("the built-in cpu backend must win over a provider");
        }
    }

    @Test
    void shadowingProviderDoesNotReplaceCpu() throws Exception {
        withProviders(() -> {
            try (Backend b = Backends.byName("cpu", 1)) {
                assertInstanceOf(ParallelCpuBackend.class, b);
            }
            assertEquals(List.of("reference", "cpu", "auto"), Backends.availableNames());
            return null;
        }, ShadowProvider.class);
    }
}
