package dev.solvent.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solvent.cuda.internal.EmulatedDevice;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The emulated device is known to bite: bugs planted in a copy of the kernels (a dropped
 * {@code __syncthreads}, off-by-one bounds, swapped arguments), each compiled on its own and run
 * against the gpu tests that cover that kernel, must each make at least one of those tests fail.
 * First the unmodified copy must pass the same tests (so a failure is the mutant's doing). Each
 * run is a child JVM on the emulated device ({@code solvent.cuda.kind=emulated}) with the copy
 * as its sources ({@code solvent.cuda.emulator.sources}); only the mutated file is recompiled.
 * The table of which tests caught which mutant is printed and written to
 * {@code target/kernel-mutants/report.txt}. Skipped where no C++ compiler is available.
 */
class KernelMutationTest {

    /** A planted bug: {@code original} (which must occur exactly once in {@code file}) becomes {@code mutated}. */
    record Mutant(String id, String file, String original, String mutated, String what, List<String> tests) {
    }

    static final List<Mutant> MUTANTS = List.of(
            new Mutant("block-sum-no-barrier", "solvent_common.cuh",
                    "    __syncthreads();\n    v = (threadIdx.x < SOLVENT_BLOCK / 32) ? warp_sums[threadIdx.x] : 0.0;",
                    "    v = (threadIdx.x < SOLVENT_BLOCK / 32) ? warp_sums[threadIdx.x] : 0.0;",
                    "solvent_block_sum without its __syncthreads (warp 0 reads the warp sums before they are written)",
                    List.of("CudaConformanceTest#fusedCgKernelsMatchTheReference",
                            "CudaConformanceTest#vectorsAndBlas1MatchTheReference")),
            new Mutant("reduce-off-by-one", "blas.cu",
                    "for (int b = threadIdx.x; b < m; b += blockDim.x)",
                    "for (int b = threadIdx.x; b < m - 1; b += blockDim.x)",
                    "solvent_reduce stops one partial short",
                    List.of("CudaConformanceTest#vectorsAndBlas1MatchTheReference")),
            new Mutant("csr-row-off-by-one", "spmv.cu",
                    "k < end; k += G) {",
                    "k < end - 1; k += G) {",
                    "csr_row leaves out each row's last entry",
                    List.of("CudaConformanceTest#csrKernelsMatchTheReference")),
            new Mutant("csr-group-half-sum", "spmv.cu",
                    "for (int offset = G >> 1; offset > 0; offset >>= 1) {",
                    "for (int offset = G >> 2; offset > 0; offset >>= 1) {",
                    "csr_row adds only half of a lane group's partial sums",
                    List.of("CudaConformanceTest#csrKernelsMatchTheReference",
                            "CudaMultigridTest#everyLaneGroupWidthMatchesTheReference")),
            new Mutant("csr-group-last-warp", "spmv.cu",
                    "         base_ < (long long)(n);",
                    "         base_ + 32 / (G) <= (long long)(n);",
                    "the row-group loop skips a warp's last pass when it runs past the end",
                    List.of("CudaMultigridTest#everyLaneGroupWidthMatchesTheReference")),
            new Mutant("stencil-swapped-weights", "spmv.cu",
                    "wx * lr + wy * ns + wz * ud", "wy * lr + wx * ns + wz * ud",
                    "stencil7_row with the x and y weights swapped",
                    List.of("CudaConformanceTest#stencilKernelsMatchTheReferenceAndTheAssembledMatrix")),
            new Mutant("ssor-backward-colour-bound", "relax.cu",
                    "if (colour[j] > ki) { s += v[k] * z[j]; }", "if (colour[j] >= ki) { s += v[k] * z[j]; }",
                    "the backward SSOR pass also takes its own colour (the diagonal)",
                    List.of("CudaConformanceTest#ssorApplyMatchesTheReferenceInBothOrderings")),
            new Mutant("ic-backward-sign", "relax.cu",
                    "s -= uv[k] * z[uc[k]];", "s += uv[k] * z[uc[k]];",
                    "the backward IC(0) pass adds the rows of L^T instead of subtracting them",
                    List.of("CudaConformanceTest#incompleteCholeskySolvesMatchTheReference")),
            new Mutant("ot-block-sum-no-barrier", "ot.cu",
                    "    if (lane == 0) { slots[warp] = v; }\n    __syncthreads();\n    if (warp == 0) {\n"
                            + "        v = lane < OT_WARPS ? slots[lane] : 0.0;",
                    "    if (lane == 0) { slots[warp] = v; }\n    if (warp == 0) {\n"
                            + "        v = lane < OT_WARPS ? slots[lane] : 0.0;",
                    "ot_block_sum_all without its first __syncthreads",
                    List.of("CudaOtTest#sinkhornOnTheGpuMatchesTheCpuOnTheRandomAssignment",
                            "CudaOtTest#hessianAssemblyReproducesTheCpuRule")),
            new Mutant("ot-scan-no-barrier", "ot.cu",
                    "    __syncthreads();\n    int acc = chunk_sums[threadIdx.x];", "    int acc = chunk_sums[threadIdx.x];",
                    "solvent_ot_scan reads the chunk offsets before thread 0 has scanned them",
                    List.of("CudaOtTest#hessianAssemblyReproducesTheCpuRule")),
            new Mutant("ot-count-cols-swapped-arguments", "ot.cu",
                    "solvent_ot_count_cols(int n, int m, const double* __restrict__ PT,\n"
                            + "                                                 const double* __restrict__ rowmax,"
                            + " const double* __restrict__ colmax,",
                    "solvent_ot_count_cols(int n, int m, const double* __restrict__ PT,\n"
                            + "                                                 const double* __restrict__ colmax,"
                            + " const double* __restrict__ rowmax,",
                    "solvent_ot_count_cols with its rowmax and colmax parameters swapped",
                    List.of("CudaOtTest#hessianAssemblyReproducesTheCpuRule")),
            new Mutant("conv-staging-no-barrier", "conv.cu",
                    "        __syncthreads();\n        if (active) {", "        if (active) {",
                    "solvent_conv3x3 reads the staged weights without waiting for the other threads",
                    List.of("ConvKernelsTest#convolutionMatchesPlainLoops")),
            new Mutant("conv-halo-off-by-one", "conv.cu",
                    "const int x1 = min(1, nx - 1 - x);", "const int x1 = min(1, nx - x);",
                    "solvent_conv3x3 reads one voxel past the right edge of the grid",
                    List.of("ConvKernelsTest#convolutionMatchesPlainLoops")));

    private static final Path SOURCES = Path.of("src", "main", "cuda");
    private static final Path WORK = Path.of("target", "kernel-mutants");

    record Outcome(String status, String test, String message) {
    }

    @Test
    void everyPlantedKernelBugFailsTheTestsThatCoverIt() throws Exception {
        Assumptions.assumeTrue(EmulatedDevice.unavailableReason() == null, EmulatedDevice::unavailableReason);
        Files.createDirectories(WORK);
        // The unmodified copy first: every test the mutants are run against passes on it.
        Set<String> allTests = new LinkedHashSet<>();
        for (Mutant m : MUTANTS) {
            allTests.addAll(m.tests());
        }
        List<Outcome> control = run("unmodified", copy("unmodified"), List.copyOf(allTests));
        for (Outcome o : control) {
            assertEquals("SUCCESSFUL", o.status(), "the unmodified kernels fail " + o.test() + ": " + o.message());
        }
        assertEquals(allTests.size(), control.size(), "tests run on the unmodified kernels: " + control);

        Map<Mutant, List<Outcome>> results = new LinkedHashMap<>();
        for (Mutant m : MUTANTS) {
            Path dir = copy(m.id());
            Path file = dir.resolve(m.file());
            String text = Files.readString(file);
            int at = text.indexOf(m.original());
            assertTrue(at >= 0 && text.indexOf(m.original(), at + 1) < 0, "mutant " + m.id() + ": the text to change"
                    + " must occur exactly once in " + m.file() + " (update the mutant after editing the kernel)");
            Files.writeString(file, text.replace(m.original(), m.mutated()));
            results.put(m, run(m.id(), dir, m.tests()));
        }

        StringBuilder report = new StringBuilder("Kernel mutants on the emulated CUDA device: which tests caught them\n\n");
        List<String> survivors = new ArrayList<>();
        for (Map.Entry<Mutant, List<Outcome>> e : results.entrySet()) {
            Mutant m = e.getKey();
            List<String> caught = new ArrayList<>();
            for (Outcome o : e.getValue()) {
                if (o.message().contains("did not compile") || o.message().contains("did not link")) {
                    survivors.add(m.id() + " (does not compile: " + o.message() + ")");
                }
                if (o.status().equals("FAILED")) {
                    caught.add(o.test() + ": " + o.message());
                }
            }
            report.append(String.format(Locale.ROOT, "%-28s %s (%s)%n", m.id(), m.what(), m.file()));
            if (caught.isEmpty()) {
                survivors.add(m.id());
                report.append("    NOT CAUGHT by ").append(m.tests()).append('\n');
            }
            for (String c : caught) {
                report.append("    caught by ").append(c.length() > 240 ? c.substring(0, 240) + "..." : c).append('\n');
            }
        }
        Files.writeString(WORK.resolve("report.txt"), report.toString());
        System.out.println(report);
        assertTrue(survivors.isEmpty(), "mutants no test caught: " + survivors + "\n" + report);
    }

    /** A fresh copy of the kernels' sources in target/kernel-mutants/{@code id}. */
    private static Path copy(String id) throws IOException {
        Path dir = WORK.resolve(id);
        if (Files.exists(dir)) {
            try (Stream<Path> walk = Files.walk(dir)) {
                for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        try (Stream<Path> walk = Files.walk(SOURCES)) {
            for (Path p : walk.toList()) {
                Path target = dir.resolve(SOURCES.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        return dir;
    }

    /** Runs {@code tests} in a child JVM on the emulated device built from {@code sources}. */
    private static List<Outcome> run(String id, Path sources, List<String> tests) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-cp", System.getProperty("java.class.path"),
                "-Dsolvent.cuda.kind=emulated",
                "-Dsolvent.cuda.emulator.sources=" + sources.toAbsolutePath(),
                "-Dsolvent.cuda.emulator.memory=536870912",
                // A mutant may loop forever: report it within a minute rather than hang the build.
                "-Dsolvent.cuda.emulator.timeout=60"));
        for (String p : List.of("solvent.cuda.emulator.cache", "solvent.cuda.emulator.cxx", "solvent.shared")) {
            if (System.getProperty(p) != null) {
                cmd.add("-D" + p + "=" + System.getProperty(p));
            }
        }
        cmd.add(MutantRunner.class.getName());
        for (String t : tests) {
            cmd.add("dev.solvent.cuda." + t);
        }
        Path log = WORK.resolve(id + ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(20, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("mutant " + id + ": the child JVM did not finish within 20 minutes; see " + log);
        }
        List<Outcome> out = new ArrayList<>();
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            if (line.startsWith("RESULT ")) {
                String[] parts = line.split(" ", 4);
                out.add(new Outcome(parts[1], parts[2], parts.length > 3 ? parts[3] : ""));
            }
        }
        assertTrue(!out.isEmpty(), "mutant " + id + ": no test results (exit " + p.exitValue() + "); see " + log);
        return out;
    }
}
