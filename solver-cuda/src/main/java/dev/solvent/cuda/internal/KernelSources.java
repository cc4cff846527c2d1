package dev.solvent.cuda.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The CUDA C++ sources of the project's kernels ({@code src/main/cuda}: the {@code .cu} files, the
 * shared {@code .cuh} header and {@code emulation/}, the host emulation of the CUDA model), as the
 * emulated device compiles them. They ship in the solver-cuda jar under {@link #RESOURCE_DIR}; the
 * system property {@value #SOURCES_PROPERTY} names a directory to use instead (a checkout's
 * {@code src/main/cuda}, or a modified copy of it).
 *
 * <p>The kernels are found in the sources as the CUDA toolchain sees them, one per
 * {@code extern "C" __global__ void name(parameters)}; a kernel added to any {@code .cu} file is
 * compiled, registered and launchable on the emulated device with no other change.
 */
public final class KernelSources {

    /** Where the sources are on the class path. */
    public static final String RESOURCE_DIR = "/dev/solvent/cuda/source/";

    /** System property: a directory of sources to use instead of the class path's. */
    public static final String SOURCES_PROPERTY = "solvent.cuda.emulator.sources";

    private static final Pattern KERNEL = Pattern.compile("extern \"C\" __global__ void (\\w+)\\s*\\(([^)]*)\\)",
            Pattern.DOTALL);

    /** One kernel parameter as declared: its type text, its name, and its kind. */
    public record Param(String type, String name) {
        /**
         * {@code i} int, {@code u} unsigned, {@code l} long long, {@code L} unsigned long long,
         * {@code f} float, {@code d} double, {@code p} pointer, {@code ?} anything else.
         */
        public char kind() {
            String t = type.replace("__restrict__", "").replace("const", "").replaceAll("\\s+", " ").trim();
            if (t.contains("*")) {
                return 'p';
            }
            return switch (t) {
                case "int" -> 'i';
                case "unsigned", "unsigned int" -> 'u';
                case "long long", "long long int", "long" -> 'l';
                case "unsigned long long", "unsigned long" -> 'L';
                case "float" -> 'f';
                case "double" -> 'd';
                default -> '?';
            };
        }
    }

    /** A kernel: its name, the file that defines it ({@code blas.cu}), its parameters in order. */
    public record Kernel(String name, String file, List<Param> params) {
        /** The parameter kinds as one string, e.g. {@code "idp"} for (int, double, double*). */
        public String signature() {
            StringBuilder s = new StringBuilder();
            for (Param p : params) {
                s.append(p.kind());
            }
            return s.toString();
        }
    }

    private final String origin;
    private final Map<String, byte[]> files;

    private KernelSources(String origin, Map<String, byte[]> files) {
        this.origin = origin;
        this.files = Collections.unmodifiableMap(files);
        if (modules().isEmpty()) {
            throw new IllegalStateException("no .cu files in " + origin);
        }
    }

    /** The directory named by {@value #SOURCES_PROPERTY}, else the class path's copy. */
    public static KernelSources locate() {
        String dir = System.getProperty(SOURCES_PROPERTY);
        if (dir != null && !dir.isBlank()) {
            return fromDirectory(Path.of(dir.trim()));
        }
        return fromClasspath();
    }

    /** The {@code .cu}, {@code .cuh}, {@code .h} and {@code .cpp} files of {@code dir} and its subdirectories. */
    public static KernelSources fromDirectory(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("CUDA source directory " + dir.toAbsolutePath() + " does not exist");
        }
        try {
            return new KernelSources(dir.toAbsolutePath().toString(), read(dir));
        } catch (IOException e) {
            throw new UncheckedIOException("reading the CUDA sources in " + dir, e);
        }
    }

    /** The copy in the solver-cuda jar (or its classes directory). */
    public static KernelSources fromClasspath() {
        URL url = KernelSources.class.getResource(RESOURCE_DIR);
        if (url == null) {
            throw new IllegalStateException("the CUDA sources (" + RESOURCE_DIR + ") are missing from the class path");
        }
        try {
            if (url.getProtocol().equals("file")) {
                return new KernelSources(url.toString(), read(Path.of(url.toURI())));
            }
            if (url.getProtocol().equals("jar")) {
                String s = url.toString();
                URI jar = URI.create(s.substring(0, s.indexOf("!/")));
                FileSystem fs;
                boolean opened = false;
                try {
                    fs = FileSystems.newFileSystem(jar, Map.of());
                    opened = true;
                } catch (FileSystemAlreadyExistsException e) {
                    fs = FileSystems.getFileSystem(jar);
                }
                try {
                    return new KernelSources(url.toString(), read(fs.getPath(RESOURCE_DIR)));
                } finally {
                    if (opened) {
                        fs.close();
                    }
                }
            }
            throw new IllegalStateException("cannot list the CUDA sources at " + url);
        } catch (IOException e) {
            throw new UncheckedIOException("reading the CUDA sources at " + url, e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException("bad URL for the CUDA sources: " + url, e);
        }
    }

    private static Map<String, byte[]> read(Path dir) throws IOException {
        Map<String, byte[]> out = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                String name = p.getFileName().toString();
                if (name.endsWith(".cu") || name.endsWith(".cuh") || name.endsWith(".h") || name.endsWith(".cpp")) {
                    String rel = dir.relativize(p).toString().replace('\\', '/');
                    try (InputStream in = Files.newInputStream(p)) {
                        out.put(rel, in.readAllBytes());
                    }
                }
            }
        }
        return out;
    }

    /**
     * The kernel files ({@code .cu}, {@code .cuh}) of {@code dir} with the emulation files of
     * {@link #locate()}: other kernels (the emulator's own tests) on the same emulated CUDA model.
     */
    public static KernelSources withEmulation(Path dir) {
        KernelSources kernels = fromDirectory(dir);
        Map<String, byte[]> files = new TreeMap<>();
        locate().files.forEach((k, v) -> {
            if (k.startsWith("emulation/")) {
                files.put(k, v);
            }
        });
        kernels.files.forEach((k, v) -> {
            if (k.endsWith(".cu") || k.endsWith(".cuh")) {
                files.put(k, v);
            }
        });
        return new KernelSources(kernels.origin + " with the emulation of " + locate().origin, files);
    }

    /** Where these sources were read from. */
    public String origin() {
        return origin;
    }

    /** Every file by its path relative to the source directory ({@code blas.cu}, {@code emulation/...}). */
    public Map<String, byte[]> files() {
        return files;
    }

    /** The text of one file. */
    public String text(String path) {
        byte[] b = files.get(path);
        if (b == null) {
            throw new IllegalArgumentException("no " + path + " in the CUDA sources at " + origin);
        }
        return new String(b, StandardCharsets.UTF_8);
    }

    /** The kernel files' names without {@code .cu} ({@code blas}, {@code conv}, ...), sorted; top level only. */
    public List<String> modules() {
        List<String> out = new ArrayList<>();
        for (String f : files.keySet()) {
            if (f.endsWith(".cu") && !f.contains("/")) {
                out.add(f.substring(0, f.length() - 3));
            }
        }
        return out;
    }

    /** Every kernel of every module, in file order. */
    public List<Kernel> kernels() {
        List<Kernel> out = new ArrayList<>();
        for (String m : modules()) {
            out.addAll(kernels(m));
        }
        return out;
    }

    /** The kernels that {@code module.cu} defines, in file order. */
    public List<Kernel> kernels(String module) {
        return parse(module + ".cu", text(module + ".cu"));
    }

    /** The kernels defined in {@code source} (the text of {@code file}). */
    public static List<Kernel> parse(String file, String source) {
        List<Kernel> out = new ArrayList<>();
        Matcher m = KERNEL.matcher(stripComments(source));
        while (m.find()) {
            List<Param> params = new ArrayList<>();
            String list = m.group(2).trim();
            if (!list.isEmpty() && !list.equals("void")) {
                for (String decl : list.split(",")) {
                    String d = decl.trim().replaceAll("\\s+", " ");
                    int cut = d.length();
                    while (cut > 0 && (Character.isLetterOrDigit(d.charAt(cut - 1)) || d.charAt(cut - 1) == '_')) {
                        cut--;
                    }
                    params.add(new Param(d.substring(0, cut).trim(), d.substring(cut)));
                }
            }
            out.add(new Kernel(m.group(1), file, List.copyOf(params)));
        }
        return out;
    }

    /** The source with its comments blanked out (a kernel in a comment is no kernel). */
    static String stripComments(String s) {
        return s.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\\n]*", "");
    }
}
