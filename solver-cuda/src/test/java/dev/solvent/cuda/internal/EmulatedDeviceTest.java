package dev.solvent.cuda.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solvent.cuda.CudaException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The emulated CUDA device itself, with the kernels of src/test/cuda/emulator_selftest.cu (built
 * into a library of their own): barriers that not every thread reaches, a warp operation a lane
 * never joins, writes past the end of a buffer, memory nobody wrote, a missing barrier, the warp
 * intrinsics, atomics, argument checking and a kernel that never finishes must each be reported
 * (or, for the missing barrier, give a wrong answer), not run to a plausible result. Skipped where
 * no C++ compiler is available.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EmulatedDeviceTest {

    private static EmulatedDevice device;
    private static DeviceMemory memory;

    @BeforeAll
    static void start() {
        if (EmulatedDevice.unavailableReason() == null) {
            device = EmulatedDevice.open(4, KernelSources.withEmulation(Path.of("src", "test", "cuda")));
            memory = new DeviceMemory(device);
        }
    }

    @BeforeEach
    void requireCompiler() {
        Assumptions.assumeTrue(device != null, EmulatedDevice::unavailableReason);
    }

    @AfterAll
    static void stop() {
        if (memory != null) {
            memory.close();
            device.close();
        }
    }

    private static void launch(String kernel, int blocks, Object... args) {
        device.launcher().launch(kernel, blocks, args);
    }

    private static CudaException launchFails(String kernel, int blocks, Object... args) {
        return assertThrows(CudaException.class, () -> launch(kernel, blocks, args));
    }

    private static DeviceBuffer ints(int n) {
        DeviceBuffer b = memory.allocate(4L * n, null);
        b.zero(4L * n);
        return b;
    }

    private static void contains(String message, String... parts) {
        for (String p : parts) {
            assertTrue(message.contains(p), "'" + p + "' not in: " + message);
        }
    }

    @Test
    @Order(1)
    void aBarrierSomeThreadsNeverReachIsReported() {
        CudaException e = launchFails("selftest_divergent_barrier", 1, 100, ints(256));
        assertEquals("CUDA_ERROR_LAUNCH_FAILED", e.errorName());
        contains(e.getMessage(), "selftest_divergent_barrier", "block 0 of 1", "divergent barrier",
                "threads 0-99 wait at __syncthreads (emulator_selftest.cu:12)", "threads 100-255 have returned");
    }

    @Test
    @Order(2)
    void threadsWaitingAtDifferentBarriersAreReported() {
        CudaException e = launchFails("selftest_split_barrier", 2, ints(2));
        contains(e.getMessage(), "different __syncthreads", "threads 0-127 wait at __syncthreads (emulator_selftest.cu:20)",
                "threads 128-255 wait at __syncthreads (emulator_selftest.cu:23)");
    }

    @Test
    @Order(3)
    void aWarpOperationHalfTheLanesNeverJoinIsADeadlock() {
        DeviceBuffer out = memory.allocate(8 * 256, null);
        CudaException e = launchFails("selftest_warp_deadlock", 1, out);
        contains(e.getMessage(), "deadlock", "threads 0-15, 32-47", "wait in __shfl_down_sync (emulator_selftest.cu:33",
                "threads 16-31, 48-63", "wait at __syncthreads (emulator_selftest.cu:35)");
    }

    @Test
    @Order(4)
    void writesPastTheEndOfABufferAreCaught() {
        DeviceBuffer x = memory.allocate(8 * 1000, null);
        launch("selftest_write_past", 3, 1000, 0, x);
        double[] got = new double[1000];
        x.download(got);
        for (int i = 0; i < 1000; i++) {
            assertEquals(i, got[i], 0.0);
        }
        CudaException e = launchFails("selftest_write_past", 3, 1000, 1, x);
        assertEquals("CUDA_ERROR_ILLEGAL_ADDRESS", e.errorName());
        contains(e.getMessage(), "selftest_write_past", "faulted", "write to", "0 bytes past the end of a device buffer of 8000 bytes");
        // An odd number of floats: the buffer ends on a 4-byte boundary, the guard right after it.
        DeviceBuffer in = memory.allocate(4 * 4, null);
        DeviceBuffer out = memory.allocate(4 * 3, null);
        CudaException odd = launchFails("selftest_copy", 1, 4, in, out);
        contains(odd.getMessage(), "0 bytes past the end of a device buffer of 12 bytes");
        // The device goes on working after a fault.
        launch("selftest_write_past", 1, 1000, 0, x);
    }

    @Test
    @Order(5)
    void deviceMemoryNobodyWroteReadsAsNaN() {
        DeviceBuffer in = memory.allocate(4 * 300, null);
        DeviceBuffer out = memory.allocate(4 * 300, null);
        out.zero(4 * 300);
        launch("selftest_copy", 2, 300, in, out);
        float[] got = new float[300];
        out.download(got);
        for (float f : got) {
            assertTrue(Float.isNaN(f), Arrays.toString(got));
        }
    }

    @Test
    @Order(6)
    void sharedMemoryNobodyWroteReadsAsNaNInEveryBlock() {
        DeviceBuffer out = memory.allocate(4 * 512, null);
        launch("selftest_shared_unwritten", 2, out);
        float[] got = new float[512];
        out.download(got);
        for (int i = 0; i < 512; i++) {
            if (i % 2 == 0) {
                assertEquals(1.0f, got[i], 0.0f);
            } else {
                assertTrue(Float.isNaN(got[i]), "slot " + i + " was never written in this block: " + got[i]);
            }
        }
    }

    @Test
    @Order(7)
    void aMissingBarrierGivesWrongAnswersNotLuckyOnes() {
        DeviceBuffer out = ints(4 * 256);
        int[] got = new int[4 * 256];
        launch("selftest_neighbour", 4, 1, out);
        out.download(got);
        for (int i = 0; i < got.length; i++) {
            int b = i / 256;
            assertEquals(1000 * b + (i % 256 + 1) % 256, got[i], "with the barrier, entry " + i);
        }
        launch("selftest_neighbour", 4, 0, out);
        out.download(got);
        int wrong = 0;
        for (int i = 0; i < got.length; i++) {
            wrong += got[i] != 1000 * (i / 256) + (i % 256 + 1) % 256 ? 1 : 0;
        }
        // Threads run in a shuffled order: about half read their neighbour's slot before it is written.
        assertTrue(wrong > 100, "only " + wrong + " of 1024 reads went wrong without the barrier");
    }

    @Test
    @Order(8)
    void warpIntrinsicsFollowTheProgrammingGuide() {
        DeviceBuffer out = ints(8 * 256);
        DeviceBuffer votes = ints(3 * 8);
        launch("selftest_warp_ops", 1, out, votes);
        int[] got = new int[8 * 256];
        out.download(got);
        for (int t = 0; t < 256; t++) {
            int w = t >> 5;
            int lane = t & 31;
            int seg = lane / 8 * 8;
            int[] expected = {
                100 * w + (lane + 3 < 32 ? lane + 3 : lane),
                100 * w + (lane >= 5 ? lane - 5 : lane),
                100 * w + (lane ^ 6),
                100 * w + 7,
                100 * w + (lane % 8 + 3 < 8 ? lane + 3 : lane),
                100 * w + (lane % 8 >= 5 ? lane - 5 : lane),
                100 * w + (lane ^ 6),
                100 * w + seg + 7,
            };
            assertArrayEquals(expected, Arrays.copyOfRange(got, 8 * t, 8 * t + 8), "thread " + t);
        }
        int[] v = new int[24];
        votes.download(v);
        int ballot = 0;
        for (int lane = 0; lane < 32; lane += 3) {
            ballot |= 1 << lane;
        }
        for (int w = 0; w < 8; w++) {
            assertEquals(ballot, v[3 * w], "ballot, warp " + w);
            assertEquals(w == 1 ? 1 : 0, v[3 * w + 1], "any, warp " + w);
            assertEquals(w == 2 ? 0 : 1, v[3 * w + 2], "all, warp " + w);
        }
    }

    @Test
    @Order(9)
    void atomicsAndBarrierVariantsCount() {
        DeviceBuffer counts = ints(7);
        DeviceBuffer sum = memory.allocate(8, null);
        sum.zero(8);
        launch("selftest_atomics", 4, 10_000, counts, sum);
        int[] c = new int[7];
        counts.download(c);
        for (int k = 0; k < 7; k++) {
            assertEquals((10_000 - k + 6) / 7, c[k], "count of i % 7 == " + k);
        }
        double[] s = new double[1];
        sum.download(s);
        assertEquals(5000.0, s[0], 0.0);
        DeviceBuffer out = ints(3);
        launch("selftest_barrier_variants", 1, out);
        int[] v = new int[3];
        out.download(v);
        assertArrayEquals(new int[] {86, 0, 1}, v, "__syncthreads_count / _and / _or of t % 3 == 0");
    }

    @Test
    @Order(10)
    void aLaneOutsideItsOwnShuffleMaskIsAnError() {
        CudaException e = launchFails("selftest_bad_mask", 1, ints(256));
        assertEquals("CUDA_ERROR_ASSERT", e.errorName());
        contains(e.getMessage(), "is not in its own mask 0x1");
    }

    @Test
    @Order(11)
    void argumentsArePassedAsTypedAndCheckedAgainstTheKernel() {
        DeviceBuffer out = memory.allocate(8 * 5, null);
        launch("selftest_types", 1, -5, 7, 1L << 40, 1.5f, 2.25, out);
        double[] got = new double[5];
        out.download(got);
        assertArrayEquals(new double[] {-5, 7, 1L << 40, 1.5, 2.25}, got, 0.0);
        IllegalArgumentException type = assertThrows(IllegalArgumentException.class,
                () -> launch("selftest_types", 1, 2.0, 7, 1L, 1f, 2.0, out));
        contains(type.getMessage(), "selftest_types: argument 0 (int i) got Double 2.0", "an int");
        IllegalArgumentException pointer = assertThrows(IllegalArgumentException.class,
                () -> launch("selftest_types", 1, 1, 7, 1L, 1f, 2.0, 0));
        contains(pointer.getMessage(), "argument 5 (double* out)", "a device pointer");
        IllegalArgumentException count = assertThrows(IllegalArgumentException.class,
                () -> launch("selftest_types", 1, 1, 7, 1L, 1f, out));
        contains(count.getMessage(), "selftest_types takes 6 arguments", "passed 5");
        assertThrows(IllegalArgumentException.class, () -> launch("no_such_kernel", 1));
        DeviceBuffer freed = memory.allocate(8, null);
        freed.close();
        assertThrows(IllegalStateException.class, () -> launch("selftest_types", 1, 1, 7, 1L, 1f, 2.0, freed));
    }

    /** The project's own kernels refuse a launcher's wrong argument the same way. */
    @Test
    @Order(12)
    void theProjectsKernelsCheckTheirArgumentsToo() {
        EmulatedDevice main = EmulatedDevice.open(8);
        try (DeviceMemory m = new DeviceMemory(main)) {
            DeviceBuffer x = m.allocate(8 * 10, null);
            main.launcher().launch("solvent_fill", 1, new Object[] {10, 2.5, x});
            double[] got = new double[10];
            x.download(got);
            double[] twos = new double[10];
            Arrays.fill(twos, 2.5);
            assertArrayEquals(twos, got, 0.0);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> main.launcher().launch("solvent_fill", 1, new Object[] {10, 2, x}));
            contains(e.getMessage(), "solvent_fill: argument 1 (double value) got Integer 2", "a double");
        } finally {
            main.close();
        }
    }

    /** Last: a time-out leaves this library unusable, as a watchdog time-out does a GPU context. */
    @Test
    @Order(100)
    void aKernelThatNeverFinishesTimesOut() throws InterruptedException {
        device.setTimeout(2.0);
        DeviceBuffer flag = ints(1);
        CudaException e = launchFails("selftest_spin", 1, flag);
        assertEquals("CUDA_ERROR_LAUNCH_TIMEOUT", e.errorName());
        contains(e.getMessage(), "selftest_spin", "did not finish within 2 s");
        // Let the stuck worker go (the emulator can make it; a real watchdog would kill the context).
        flag.upload(new int[] {1});
        Thread.sleep(200);
        CudaException after = launchFails("selftest_atomics", 1, 1, ints(7), memory.allocate(8, null));
        contains(after.getMessage(), "unusable after an earlier kernel time-out");
    }
}
