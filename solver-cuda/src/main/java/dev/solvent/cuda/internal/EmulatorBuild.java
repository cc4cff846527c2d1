package dev.solvent.cuda.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compiles the kernels' CUDA sources, with the host emulation of the CUDA model, into the shared
 * library the {@link EmulatedDevice} loads, and keeps it in a cache keyed by the SHA-256 of the
 * sources, the compiler and the flags (so a source change, or a mutated copy, gets its own build
 * and an unchanged checkout builds once).
 *
 * <p>Each {@code NAME.cu} becomes one translation unit, {@code #include "NAME.cu"} followed by one
 * {@code SOLVENT_EMU_KERNEL(kernel)} registration per kernel found in it: the registration derives
 * the typed entry point and the parameter kinds from the kernel's own C++ type, so no parameter
 * list is copied by hand. {@code emulation/cuda_host_emulation.h} is force-included ({@code
 * -include}); the {@code .cu} files are compiled as they are. The kernel translation units keep
 * their symbols to themselves ({@code -fno-weak}, hidden visibility, then {@code objcopy
 * --localize-hidden}): an inline device function's {@code __shared__} array must be a plain
 * (non-COMDAT) variable of the section the runtime fills, and the files must not clash over such
 * names.
 *
 * <p>Object files are cached too, each by the hash of its own translation unit, the headers and the
 * flags: a change to one {@code .cu} file (or a mutated copy of it) recompiles that file only.
 *
 * <p>System properties: {@value #CXX_PROPERTY} (default {@code g++}), {@value #CACHE_PROPERTY}
 * (default {@code java.io.tmpdir/solvent-cuda-emulator}), {@value #SANITIZE_PROPERTY}
 * ({@code address}, {@code undefined}, {@code address,undefined} or {@code thread}: the kernels
 * compiled with those sanitizers; the JVM then needs the sanitizer's runtime in
 * {@code LD_PRELOAD}, see docs/cuda.md).
 */
final class EmulatorBuild {

    private static final Logger LOG = LoggerFactory.getLogger(EmulatorBuild.class);

    static final String CXX_PROPERTY = "solvent.cuda.emulator.cxx";
    static final String CACHE_PROPERTY = "solvent.cuda.emulator.cache";
    static final String SANITIZE_PROPERTY = "solvent.cuda.emulator.sanitize";

    /** Bump when the generated code or the flags change in a way the hash does not see. */
    private static final int FORMAT = 1;

    static final String LIBRARY = "libsolvent-cuda-emulator.so";
    static final String HEADER = "emulation/cuda_host_emulation.h";
    static final String RUNTIME = "emulation/emulator_runtime.cpp";

    private EmulatorBuild() {
    }

    /** A compiler that failed on the sources: a defect to fix, not a reason to skip. */
    static final class BuildFailure extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        BuildFailure(String message) {
            super(message);
        }
    }

    private static String toolchainProblem;
    private static String compilerVersion;
    private static boolean probed;

    static String cxx() {
        return System.getProperty(CXX_PROPERTY, "g++").trim();
    }

    /** The sanitizers asked for, normalised ({@code ""}, {@code "address,undefined"}, {@code "thread"}, ...). */
    static String sanitizers() {
        String s = System.getProperty(SANITIZE_PROPERTY, "").trim().toLowerCase(Locale.ROOT);
        if (s.isEmpty() || s.equals("none")) {
            return "";
        }
        Set<String> set = new TreeSet<>();
        for (String t : s.split("[,+ ]+")) {
            if (!t.equals("address") && !t.equals("undefined") && !t.equals("thread")) {
                throw new IllegalArgumentException(SANITIZE_PROPERTY + ": unknown sanitizer '" + t
                        + "' (address, undefined, thread)");
            }
            set.add(t);
        }
        if (set.contains("thread") && set.contains("address")) {
            throw new IllegalArgumentException(SANITIZE_PROPERTY + ": thread and address cannot be combined");
        }
        return String.join(",", set);
    }

    /**
     * Why the library cannot be built on this machine (no C++ compiler or objcopy, not Linux), or
     * null. Probes once per JVM; compiles nothing.
     */
    static synchronized String unavailableReason() {
        if (!probed) {
            probed = true;
            toolchainProblem = probe();
        }
        return toolchainProblem;
    }

    private static String probe() {
        String os = System.getProperty("os.name", "");
        if (!os.toLowerCase(Locale.ROOT).contains("linux")) {
            return "the emulated CUDA device needs Linux (its kernels are built as an ELF shared library); this is " + os;
        }
        String cxx = cxx();
        try {
            compilerVersion = run(List.of(cxx, "-dumpfullversion", "-dumpversion"), 60).trim();
        } catch (IOException e) {
            return "no C++ compiler for the emulated CUDA device: '" + cxx + "' was not found (install g++, or set -D"
                    + CXX_PROPERTY + "): " + e.getMessage();
        }
        try {
            run(List.of("objcopy", "--version"), 60);
        } catch (IOException e) {
            return "the emulated CUDA device needs objcopy (GNU binutils, installed with g++): " + e.getMessage();
        }
        return null;
    }

    /** Runs a command, returns its output; IOException if it cannot start or exits non-zero. */
    private static String run(List<String> command, int seconds) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        // A sanitizer runtime preloaded into this JVM (the emulator-sanitize profile) is not the compiler's business.
        pb.environment().remove("LD_PRELOAD");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish within " + seconds + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " exited with " + p.exitValue() + ": " + out.trim());
        }
        return out;
    }

    private static Path cacheRoot() {
        String dir = System.getProperty(CACHE_PROPERTY);
        if (dir != null && !dir.isBlank()) {
            return Path.of(dir.trim());
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "solvent-cuda-emulator");
    }

    private static List<String> kernelFlags(Path src, String sanitize) {
        List<String> f = new ArrayList<>(List.of("-std=c++17", "-fPIC", "-fno-weak", "-fno-exceptions",
                "-fvisibility=hidden", "-fvisibility-inlines-hidden", "-ffp-contract=off", "-fno-fast-math",
                "-U_FORTIFY_SOURCE", "-Wall", "-Wno-unknown-pragmas", "-I" + src, "-include",
                src.resolve(HEADER).toString()));
        if (sanitize.isEmpty()) {
            f.add("-O2");
        } else {
            f.addAll(List.of("-O1", "-g", "-fno-omit-frame-pointer", "-fsanitize=" + sanitize));
            if (sanitize.contains("undefined")) {
                f.add("-fno-sanitize-recover=all");
            }
        }
        return f;
    }

    private static List<String> runtimeFlags(Path src, String sanitize) {
        List<String> f = new ArrayList<>(List.of("-std=c++17", "-fPIC", "-pthread", "-fvisibility=hidden",
                "-U_FORTIFY_SOURCE", "-Wall", "-I" + src));
        if (sanitize.isEmpty()) {
            f.add("-O2");
        } else {
            f.addAll(List.of("-O1", "-g", "-fno-omit-frame-pointer"));
            // The scheduler itself is not instrumented for threads (its hand-offs are the barriers
            // TSan is told about); for ASan it is, so that the fibre switches are annotated.
            if (sanitize.contains("address")) {
                f.add("-fsanitize=address");
            }
            if (sanitize.contains("thread")) {
                f.add("-DSOLVENT_EMU_TSAN");
            }
            if (sanitize.equals("undefined")) {
                f.add("-DSOLVENT_EMU_UBSAN");
            }
        }
        return f;
    }

    private static String hash(KernelSources sources, String sanitize) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(("format " + FORMAT + "\ncxx " + cxx() + " " + compilerVersion + "\nsanitize " + sanitize + "\n")
                    .getBytes(StandardCharsets.UTF_8));
            for (Map.Entry<String, byte[]> e : sources.files().entrySet()) {
                sha.update(("file " + e.getKey() + " " + e.getValue().length + "\n").getBytes(StandardCharsets.UTF_8));
                sha.update(e.getValue());
            }
            return HexFormat.of().formatHex(sha.digest()).substring(0, 24);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The library for {@code sources}: from the cache, or compiled now (some seconds; the kernel
     * files in parallel).
     *
     * @throws BuildFailure when the compiler rejects the sources
     */
    static Path library(KernelSources sources) {
        String problem = unavailableReason();
        if (problem != null) {
            throw new IllegalStateException(problem);
        }
        String sanitize = sanitizers();
        Path root = cacheRoot();
        Path done = root.resolve(hash(sources, sanitize) + (sanitize.isEmpty() ? "" : "-" + sanitize.replace(',', '-')));
        Path lib = done.resolve(LIBRARY);
        if (Files.isRegularFile(lib)) {
            return lib;
        }
        try {
            Files.createDirectories(root);
            Path work = Files.createTempDirectory(root, "build-");
            try {
                compile(sources, sanitize, work);
                try {
                    Files.move(work, done, StandardCopyOption.ATOMIC_MOVE);
                } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
                    // Another JVM finished the same build first: use its copy.
                    if (!Files.isRegularFile(lib)) {
                        throw e;
                    }
                } catch (IOException e) {
                    if (!Files.isRegularFile(lib)) {
                        throw e;
                    }
                }
            } finally {
                deleteTree(work);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("building the emulated CUDA device in " + root, e);
        }
        return lib;
    }

    private static void compile(KernelSources sources, String sanitize, Path work) throws IOException {
        long start = System.nanoTime();
        Path src = work.resolve("src");
        Path gen = work.resolve("gen");
        Path obj = work.resolve("obj");
        Files.createDirectories(gen);
        Files.createDirectories(obj);
        for (Map.Entry<String, byte[]> e : sources.files().entrySet()) {
            Path p = src.resolve(e.getKey());
            Files.createDirectories(p.getParent());
            Files.write(p, e.getValue());
        }
        if (!sources.files().containsKey(HEADER) || !sources.files().containsKey(RUNTIME)) {
            throw new BuildFailure("the CUDA sources at " + sources.origin() + " lack " + HEADER + " or " + RUNTIME);
        }
        List<List<String>> commands = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<Path> outputs = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        List<Path> kernelObjects = new ArrayList<>();
        // What every unit depends on besides its own file: the headers and the emulation.
        StringBuilder shared = new StringBuilder();
        for (Map.Entry<String, byte[]> e : sources.files().entrySet()) {
            if (!e.getKey().endsWith(".cu")) {
                shared.append(e.getKey()).append(' ').append(sha256(e.getValue())).append('\n');
            }
        }
        for (String module : sources.modules()) {
            StringBuilder unit = new StringBuilder();
            unit.append("// Generated by dev.solvent.cuda.internal.EmulatorBuild: the kernels of ").append(module)
                    .append(".cu on the emulated CUDA device.\n");
            unit.append("#include \"").append(module).append(".cu\"\n");
            for (KernelSources.Kernel k : sources.kernels(module)) {
                unit.append("SOLVENT_EMU_KERNEL(").append(k.name()).append(");\n");
            }
            Path file = gen.resolve(module + ".emu.cpp");
            Files.writeString(file, unit.toString());
            Path o = obj.resolve(module + ".o");
            List<String> c = new ArrayList<>();
            c.add(cxx());
            c.addAll(kernelFlags(src, sanitize));
            c.addAll(List.of("-c", file.toString(), "-o", o.toString()));
            commands.add(c);
            names.add(module + ".cu");
            outputs.add(o);
            keys.add(objectKey(c, work, unit + "\n" + sha256(sources.files().get(module + ".cu")) + "\n" + shared));
            kernelObjects.add(o);
        }
        Path runtimeObject = obj.resolve("emulator_runtime.o");
        List<String> rc = new ArrayList<>();
        rc.add(cxx());
        rc.addAll(runtimeFlags(src, sanitize));
        rc.addAll(List.of("-c", src.resolve(RUNTIME).toString(), "-o", runtimeObject.toString()));
        commands.add(rc);
        names.add(RUNTIME);
        outputs.add(runtimeObject);
        keys.add(objectKey(rc, work, RUNTIME + "\n" + shared));
        Path objects = cacheRoot().resolve("objects");
        Files.createDirectories(objects);

        int threads = Math.max(1, Math.min(commands.size(), Runtime.getRuntime().availableProcessors()));
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<String> logs = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < commands.size(); i++) {
                List<String> c = commands.get(i);
                Path out = outputs.get(i);
                Path cached = objects.resolve(keys.get(i) + ".o");
                boolean kernelUnit = kernelObjects.contains(out);
                results.add(pool.submit(() -> {
                    if (Files.isRegularFile(cached)) {
                        Files.copy(cached, out);
                        return "";
                    }
                    String log = run(c, 900);
                    if (kernelUnit) {
                        run(List.of("objcopy", "--localize-hidden", out.toString()), 300);
                    }
                    Path tmp = Files.createTempFile(objects, "object-", ".tmp");
                    Files.copy(out, tmp, StandardCopyOption.REPLACE_EXISTING);
                    Files.move(tmp, cached, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                    return log;
                }));
            }
            for (int i = 0; i < results.size(); i++) {
                try {
                    String out = results.get(i).get();
                    if (!out.isBlank()) {
                        logs.add(names.get(i) + ":\n" + out);
                    }
                } catch (ExecutionException e) {
                    failures.add(names.get(i) + ": " + e.getCause().getMessage());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while compiling the emulated device", e);
        } finally {
            pool.shutdownNow();
        }
        if (!failures.isEmpty()) {
            throw new BuildFailure("the emulated CUDA device did not compile (" + cxx() + " " + compilerVersion + ", sources "
                    + sources.origin() + "):\n" + String.join("\n", failures));
        }
        List<String> link = new ArrayList<>(List.of(cxx(), "-shared", "-pthread", "-o", work.resolve(LIBRARY).toString(),
                runtimeObject.toString()));
        for (Path o : kernelObjects) {
            link.add(o.toString());
        }
        if (!sanitize.isEmpty()) {
            link.add("-fsanitize=" + sanitize);
        }
        try {
            run(link, 600);
        } catch (IOException e) {
            throw new BuildFailure("the emulated CUDA device did not link: " + e.getMessage());
        }
        String log = String.join("\n", logs);
        Files.writeString(work.resolve("build.log"), log);
        if (!log.isBlank()) {
            LOG.warn("compiler warnings while building the emulated CUDA device:\n{}", log);
        }
        LOG.info("built the emulated CUDA device ({} kernel files{}) in {} s", kernelObjects.size(),
                sanitize.isEmpty() ? "" : ", -fsanitize=" + sanitize, String.format(Locale.ROOT, "%.1f",
                        (System.nanoTime() - start) / 1e9));
        deleteTree(obj);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The cache key of one object: its command (the build directory's path left out) and its inputs. */
    private static String objectKey(List<String> command, Path work, String inputs) {
        String c = String.join(" ", command).replace(work.toString(), "<build>");
        return sha256(("format " + FORMAT + "\n" + compilerVersion + "\n" + c + "\n" + inputs)
                .getBytes(StandardCharsets.UTF_8)).substring(0, 32);
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // A leftover temporary directory in the cache is harmless.
        }
    }
}
