package dev.solvent.jmh;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Turns the JMH JSON files of a {@code jmh/run.sh} run into {@code benchmarks.md}: machine,
 * date, JDK and commands; every figure with JMH's error (the 99.9% confidence half-width); effective
 * bandwidths from the bytes each kernel must move; and the ratios ours / peer and ours / floor,
 * against the project's targets.
 *
 * <pre>
 *   java -cp jmh/target/benchmarks.jar dev.solvent.jmh.Report --out DIR/benchmarks.md
 *        [--commands FILE] [--note TEXT] results1.json results2.json ...
 * </pre>
 *
 * Ratio errors combine the two relative errors in quadrature, a first-order estimate.
 */
public final class Report {

    /** Thread count the targets are stated for (the CI and developer machines' cores). */
    static final String TARGET_THREADS = "2";
    /** Length of the 128^3 vectors, the smaller of the bandwidth sizes. */
    static final String FLOOR_N = "2097152";

    private final List<Result> results;
    private final StringBuilder md = new StringBuilder();

    Report(List<Result> results) {
        this.results = results;
    }

    /** One benchmark score: class simple name, method, params, primary and optional per-iteration score. */
    record Result(String bench, String method, Map<String, String> params, double score, double error,
                  String unit, double perIteration, double perIterationError) {

        String param(String name) {
            return params.getOrDefault(name, "");
        }

        boolean is(String b, String m) {
            return bench.equals(b) && method.equals(m);
        }
    }

    /** A value with its error. */
    record Figure(double value, double error) {
        static final Figure NONE = new Figure(Double.NaN, Double.NaN);

        boolean present() {
            return !Double.isNaN(value);
        }

        /** this / other, relative errors in quadrature. */
        Figure over(Figure other) {
            double v = value / other.value;
            return new Figure(v, Math.abs(v) * Math.hypot(error / value, other.error / other.value));
        }

        Figure inverse() {
            return new Figure(1.0 / value, error / (value * value));
        }

        Figure times(double f) {
            return new Figure(value * f, error * Math.abs(f));
        }
    }

    public static void main(String[] args) throws IOException {
        Path out = null;
        Path commands = null;
        String note = null;
        List<Path> inputs = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out":
                    out = Path.of(args[++i]);
                    break;
                case "--commands":
                    commands = Path.of(args[++i]);
                    break;
                case "--note":
                    note = args[++i];
                    break;
                default:
                    inputs.add(Path.of(args[i]));
            }
        }
        if (inputs.isEmpty()) {
            System.err.println("usage: Report --out FILE [--commands FILE] [--note TEXT] results.json...");
            System.exit(2);
        }
        List<Result> results = new ArrayList<>();
        String jdk = "";
        for (Path p : inputs) {
            Object parsed = readJson(Files.readString(p, StandardCharsets.UTF_8), p.toString());
            for (Object o : (List<?>) parsed) {
                @SuppressWarnings("unchecked")
                Map<String, Object> entry = (Map<String, Object>) o;
                results.add(toResult(entry));
                jdk = entry.get("jdkVersion") + " (" + entry.get("vmName") + " " + entry.get("vmVersion") + ")";
            }
        }
        Report report = new Report(results);
        String cmds = commands != null ? Files.readString(commands, StandardCharsets.UTF_8).strip() : "";
        String text = report.render(machine(), jdk, cmds, note);
        System.out.println(text);
        if (out != null) {
            Files.writeString(out, text, StandardCharsets.UTF_8);
            System.err.println("wrote " + out);
        }
    }

    /** A JMH result file's JSON (jackson-jr): objects as maps, arrays as lists. */
    static Object readJson(String text, String what) {
        try {
            return JSON.std.anyFrom(text);
        } catch (IOException e) {
            throw new IllegalArgumentException(what + ": not a JMH JSON result file: " + e.getMessage(), e);
        }
    }

    /** A JSON number, or one of the strings JMH writes for non-finite values ("NaN", "Infinity"), as a double. */
    static double number(Object value) {
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        if (value instanceof String s) {
            return Double.parseDouble(s);
        }
        throw new IllegalArgumentException("not a number: " + value);
    }

    static Result toResult(Map<String, Object> entry) {
        String full = (String) entry.get("benchmark");
        int dot = full.lastIndexOf('.');
        String method = full.substring(dot + 1);
        String cls = full.substring(0, dot);
        cls = cls.substring(cls.lastIndexOf('.') + 1);
        Map<String, String> params = new LinkedHashMap<>();
        Object ps = entry.get("params");
        if (ps instanceof Map) {
            for (Map.Entry<?, ?> e : ((Map<?, ?>) ps).entrySet()) {
                params.put((String) e.getKey(), String.valueOf(e.getValue()));
            }
        }
        Map<?, ?> primary = (Map<?, ?>) entry.get("primaryMetric");
        double perIt = Double.NaN;
        double perItErr = Double.NaN;
        Object secondary = entry.get("secondaryMetrics");
        if (secondary instanceof Map && ((Map<?, ?>) secondary).get("iterations") instanceof Map) {
            Map<?, ?> it = (Map<?, ?>) ((Map<?, ?>) secondary).get("iterations");
            perIt = number(it.get("score"));
            perItErr = number(it.get("scoreError"));
        }
        return new Result(cls, method, params, number(primary.get("score")),
                number(primary.get("scoreError")), (String) primary.get("scoreUnit"), perIt, perItErr);
    }

    /** CPU model and core count from /proc/cpuinfo where present, else what the JVM says. */
    static String machine() {
        String model = System.getProperty("os.arch");
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    model = line.substring(line.indexOf(':') + 1).trim();
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux: keep the architecture name.
        }
        String mem = "";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal")) {
                    long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                    mem = String.format(Locale.ROOT, ", %.0f GiB memory", kb / 1048576.0);
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            // Optional detail.
        }
        String load = "";
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            load = "; load average at the end of the run " + f[0] + " / " + f[1] + " / " + f[2] + " (1 / 5 / 15 min)";
        } catch (IOException | RuntimeException e) {
            // Optional detail.
        }
        return model + ", " + Runtime.getRuntime().availableProcessors() + " cores" + mem + ", "
                + System.getProperty("os.name") + " " + System.getProperty("os.version") + load;
    }

    // ---- byte models ------------------------------------------------------------------------

    static long unknowns(int grid) {
        return (long) grid * grid * grid;
    }

    /** Bytes y = A x must move: CSR values 8 nnz + indices 4 nnz + row pointers 4 (n+1) + x 8n + y 8n; stencil 16n. */
    static double spmvBytes(String operator, int grid) {
        long n = unknowns(grid);
        if ("stencil".equals(operator)) {
            return 16.0 * n;
        }
        long nnz = Fixtures.poissonNonzeros(grid);
        return 12.0 * nnz + 4.0 * (n + 1) + 16.0 * n;
    }

    /** One plain-CG iteration: 11 n doubles (applyDot 2n, cgUpdate 6n, cgDirection 3n) plus the matrix. */
    static double cgIterationBytes(String operator, int grid) {
        long n = unknowns(grid);
        double matrix = "stencil".equals(operator) ? 0.0 : 12.0 * Fixtures.poissonNonzeros(grid) + 4.0 * (n + 1);
        return 88.0 * n + matrix;
    }

    // ---- lookups ------------------------------------------------------------------------------

    private Result find(Predicate<Result> p) {
        for (Result r : results) {
            if (p.test(r)) {
                return r;
            }
        }
        return null;
    }

    private List<Result> all(Predicate<Result> p) {
        List<Result> list = new ArrayList<>();
        for (Result r : results) {
            if (p.test(r)) {
                list.add(r);
            }
        }
        return list;
    }

    private static Figure time(Result r) {
        return r == null ? Figure.NONE : new Figure(r.score, r.error);
    }

    private static Figure perIteration(Result r) {
        return r == null || Double.isNaN(r.perIteration) ? Figure.NONE : new Figure(r.perIteration, r.perIterationError);
    }

    /** GB/s (1e9 bytes per second) from a time in ms. */
    private static Figure gbs(double bytes, Figure ms) {
        return ms.inverse().times(bytes / 1e6);
    }

    /**
     * The floor: the triad on the largest arrays run at that thread count. The 128^3-sized arrays
     * (50 MB for the triad) still gain from this machine's caches (a quiet run measured 54 GB/s
     * there against 35 GB/s at four times the size), while a 128^3 CSR product streams 217 MB, so
     * the out-of-cache figure is the one a large solve can hope for.
     */
    private Figure triadGbs(String threads) {
        Result best = null;
        for (Result r : all(r -> r.is("BandwidthBenchmark", "triad") && r.param("threads").equals(threads))) {
            if (best == null || Long.parseLong(r.param("n")) > Long.parseLong(best.param("n"))) {
                best = r;
            }
        }
        return best == null ? Figure.NONE : gbs(24.0 * Long.parseLong(best.param("n")), time(best));
    }

    private Result solve(String bench, String grid, String pc, String cap, String operator, String threads) {
        return find(r -> r.bench.equals(bench) && r.param("grid").equals(grid) && r.param("pc").equals(pc)
                && r.param("cap").equals(cap)
                && (operator == null || r.param("operator").equals(operator))
                && (threads == null || r.param("threads").equals(threads)));
    }

    // ---- rendering ----------------------------------------------------------------------------

    String render(String machine, String jdk, String commands, String note) {
        line("# Solvent benchmarks");
        line("");
        if (note != null && !note.isBlank()) {
            line("> **" + note.strip() + "**");
            line("");
        }
        line("Generated by `jmh/run.sh` (JMH; `dev.solvent.jmh.Report` wrote this page from the JSON results).");
        line("Peers run in the same JVM runs as Solvent, on the same matrices and right-hand sides; every");
        line("benchmark checks its own answer once before it is timed and fails the run if it is wrong.");
        line("");
        line("- **Machine:** " + machine);
        line("- **Date:** " + ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")));
        line("- **JDK:** " + jdk);
        line("- **Error bars:** JMH's 99.9% confidence half-width; ratios carry both errors in quadrature.");
        line("  With one fork and few iterations they are wide; a figure whose error exceeds a quarter of it");
        line("  means the machine was busy. A target is **met** or **missed** only when the whole error bar");
        line("  lies on one side of it; otherwise it is **undecided**.");
        line("");
        if (!commands.isEmpty()) {
            line("Commands:");
            line("");
            line("```");
            line(commands);
            line("```");
            line("");
        }
        List<String[]> targets = new ArrayList<>();
        bandwidth();
        spmv(targets);
        cgIteration(targets);
        solves(targets);
        capped(targets);
        line("## Targets (2 threads)");
        line("");
        line("| target | measured | verdict |");
        line("|---|---|---|");
        for (String[] t : targets) {
            line("| " + t[0] + " | " + t[1] + " | " + t[2] + " |");
        }
        line("");
        notes();
        return md.toString();
    }

    private void bandwidth() {
        line("## Memory-bandwidth floor");
        line("");
        line("Triad `a = b + s c` (24 bytes per element, STREAM's count, which leaves out the write-allocate");
        line("read of `a`) and dot `b . c` (16 bytes per element), on the CPU backend's own `WorkerPool` with");
        line("its split; `backend.dot` is the backend's dot on the same arrays. n = " + FLOOR_N + " is the size of");
        line("the 128^3 vectors. The floor used below is the triad on the largest n run at the same thread");
        line("count: smaller arrays can still be served partly from cache, which no 128^3 solve can count on.");
        line("");
        line("| kernel | n | threads | time (ms) | GB/s |");
        line("|---|---:|---:|---:|---:|");
        for (Result r : all(r -> r.bench.equals("BandwidthBenchmark"))) {
            long n = Long.parseLong(r.param("n"));
            double bytes = (r.method.equals("triad") ? 24.0 : 16.0) * n;
            String name = r.method.equals("backendDot") ? "backend.dot" : r.method;
            line("| " + name + " | " + n + " | " + r.param("threads") + " | " + fmt(time(r)) + " | "
                    + fmt(gbs(bytes, time(r))) + " |");
        }
        line("");
    }

    private void spmv(List<String[]> targets) {
        line("## Sparse matrix-vector product, 3D Poisson (7-point)");
        line("");
        line("Bytes that must move: CSR `12 nnz + 4 (n + 1) + 16 n` (values, column indices, row pointers,");
        line("x once, y once); matrix-free stencil `16 n`. Peers are single-threaded (neither offers a");
        line("threaded sparse product); \"plain Java CSR\" is the loop inside the Commons Math wrapper.");
        line("");
        line("| operator | grid | threads | time (ms) | GB/s | of triad | speed-up vs MTJ |");
        line("|---|---:|---:|---:|---:|---:|---:|");
        for (Result r : all(r -> r.bench.equals("SpmvBenchmark"))) {
            int grid = Integer.parseInt(r.param("grid"));
            Figure g = gbs(spmvBytes(r.param("operator"), grid), time(r));
            Figure triad = triadGbs(r.param("threads"));
            Result mtj = find(m -> m.is("PeerSpmvBenchmark", "mtj") && m.param("grid").equals(r.param("grid")));
            line("| Solvent " + r.param("operator") + " | " + grid + "^3 | " + r.param("threads") + " | " + fmt(time(r))
                    + " | " + fmt(g) + " | " + pct(triad.present() ? g.over(triad) : Figure.NONE) + " | "
                    + ratio(mtj == null ? Figure.NONE : time(mtj).over(time(r))) + " |");
        }
        for (Result r : all(r -> r.bench.equals("PeerSpmvBenchmark"))) {
            int grid = Integer.parseInt(r.param("grid"));
            Figure g = gbs(spmvBytes("csr", grid), time(r));
            Figure triad1 = triadGbs("1");
            String name = r.method.equals("mtj") ? "MTJ CompRowMatrix.mult" : "plain Java CSR";
            line("| " + name + " | " + grid + "^3 | 1 | " + fmt(time(r)) + " | " + fmt(g) + " | "
                    + pct(triad1.present() ? g.over(triad1) : Figure.NONE) + " | |");
        }
        line("");
        line("\"of triad\" compares with the triad at the same thread count (the 1-thread triad for the peers, when it was run).");
        line("");
        Result csr = find(r -> r.is("SpmvBenchmark", "apply") && r.param("grid").equals("128")
                && r.param("operator").equals("csr") && r.param("threads").equals(TARGET_THREADS));
        Result stencil = find(r -> r.is("SpmvBenchmark", "apply") && r.param("grid").equals("128")
                && r.param("operator").equals("stencil") && r.param("threads").equals(TARGET_THREADS));
        Figure triad = triadGbs(TARGET_THREADS);
        if (csr != null && triad.present()) {
            Figure f = gbs(spmvBytes("csr", 128), time(csr)).over(triad);
            targets.add(new String[] {"CSR SpMV at 128^3 reaches >= 75% of triad bandwidth", pct(f),
                    atLeast(f, 0.75)});
        } else {
            targets.add(new String[] {"CSR SpMV at 128^3 reaches >= 75% of triad bandwidth", "not run", "unknown"});
        }
        if (csr != null && stencil != null) {
            Figure f = time(csr).over(time(stencil));
            targets.add(new String[] {"stencil SpMV >= 2x faster than CSR SpMV (128^3)", ratio(f),
                    atLeast(f, 2.0)});
        } else {
            targets.add(new String[] {"stencil SpMV >= 2x faster than CSR SpMV (128^3)", "not run", "unknown"});
        }
    }

    private void cgIteration(List<String[]> targets) {
        line("## One CG iteration (applyDot + cgUpdate + cgDirection)");
        line("");
        line("Bytes that must move: 11 n doubles (applyDot reads p, writes q; cgUpdate reads p, q, x, r and");
        line("writes x, r; cgDirection reads r, p and writes p) plus the matrix for CSR. Floor = those bytes at");
        line("the triad bandwidth of the same thread count.");
        line("");
        line("| operator | grid | threads | time (ms) | MB moved | floor (ms) | time / floor |");
        line("|---|---:|---:|---:|---:|---:|---:|");
        for (Result r : all(r -> r.bench.equals("CgIterationBenchmark"))) {
            int grid = Integer.parseInt(r.param("grid"));
            double bytes = cgIterationBytes(r.param("operator"), grid);
            Figure triad = triadGbs(r.param("threads"));
            Figure floor = triad.present() ? triad.inverse().times(bytes / 1e6) : Figure.NONE;
            line("| " + r.param("operator") + " | " + grid + "^3 | " + r.param("threads") + " | " + fmt(time(r)) + " | "
                    + String.format(Locale.ROOT, "%.1f", bytes / 1e6) + " | " + fmt(floor) + " | "
                    + ratio(floor.present() ? time(r).over(floor) : Figure.NONE) + " |");
        }
        line("");
        Result cg = find(r -> r.is("CgIterationBenchmark", "iteration") && r.param("grid").equals("128")
                && r.param("operator").equals("csr") && r.param("threads").equals(TARGET_THREADS));
        Figure triad = triadGbs(TARGET_THREADS);
        if (cg != null && triad.present()) {
            Figure floor = triad.inverse().times(cgIterationBytes("csr", 128) / 1e6);
            Figure f = time(cg).over(floor);
            targets.add(new String[] {"CG iteration (CSR, 128^3) <= 1.3x its bandwidth floor", ratio(f),
                    atMost(f, 1.3)});
        } else {
            targets.add(new String[] {"CG iteration (CSR, 128^3) <= 1.3x its bandwidth floor", "not run", "unknown"});
        }
    }

    private static final String[][] LIBS = {
        {"SolveBenchmark", "Solvent"}, {"MtjSolveBenchmark", "MTJ"}, {"CommonsMathSolveBenchmark", "Commons Math"}};

    private void solves(List<String[]> targets) {
        List<Result> full = all(r -> r.bench.endsWith("SolveBenchmark") && r.param("cap").equals("0"));
        if (full.isEmpty()) {
            return;
        }
        line("## Full solves to rtol 1e-8 (x0 = 0, ||b - Ax|| <= 1e-8 ||b||)");
        line("");
        line("Setup (IC(0) factorisation, binding, MTJ `setMatrix`) is not timed. Iterations = time per solve /");
        line("time per iteration (JMH's secondary score). Speed-up = peer time / Solvent time, same grid and");
        line("preconditioner.");
        line("");
        line("| library | grid | pc | threads | iterations | time per solve (ms) | per iteration (ms) | Solvent speed-up per solve | per iteration |");
        line("|---|---:|---|---:|---:|---:|---:|---:|---:|");
        for (String[] lib : LIBS) {
            for (Result r : all(r -> r.bench.equals(lib[0]) && r.param("cap").equals("0"))) {
                Result ours = solve("SolveBenchmark", r.param("grid"), r.param("pc"), "0", "csr", TARGET_THREADS);
                boolean peer = !lib[0].equals("SolveBenchmark");
                String threads = peer ? "1" : r.param("threads");
                String op = !peer && r.param("operator").equals("stencil") ? " (stencil)" : "";
                line("| " + lib[1] + op + " | " + r.param("grid") + "^3 | " + r.param("pc") + " | " + threads + " | "
                        + iterations(r) + " | " + fmt(time(r)) + " | " + fmt(perIteration(r)) + " | "
                        + (peer && ours != null ? ratio(time(r).over(time(ours))) : "") + " | "
                        + (peer && ours != null ? ratio(perIteration(r).over(perIteration(ours))) : "") + " |");
            }
        }
        line("");
        line("MTJ's `SSOR.apply(r, z)` starts its sweeps from the previous contents of z, so inside CG it is a");
        line("different operator at every call and CG stalls (16^3 Poisson: residual still 5 after 100000");
        line("iterations). The benchmark zeroes z before each apply, which makes it the SSOR preconditioner");
        line("at omega 1 like Solvent's, and charges MTJ the extra 8n bytes per iteration. MTJ's `ICC` is an");
        line("incomplete Cholesky on A's pattern but not the textbook IC(0): its L L^T misses A on the pattern");
        line("(by 0.07 on 4^3 Poisson; Solvent's by 2e-15), so its iteration counts differ from ours. Both are");
        line("used as they come.");
        line("");
        Result ours = solve("SolveBenchmark", "64", "none", "0", "csr", TARGET_THREADS);
        for (String[] lib : new String[][] {LIBS[1], LIBS[2]}) {
            Result peer = solve(lib[0], "64", "none", "0", null, null);
            if (ours != null && peer != null) {
                Figure f = perIteration(peer).over(perIteration(ours));
                targets.add(new String[] {"CG per iteration >= 2.5x faster than " + lib[1] + " (64^3, full solve)",
                        ratio(f), atLeast(f, 2.5)});
            }
        }
    }

    private void capped(List<String[]> targets) {
        List<Result> capped = all(r -> r.bench.endsWith("SolveBenchmark") && !r.param("cap").equals("0")
                && !r.param("cap").isEmpty());
        if (capped.isEmpty()) {
            return;
        }
        line("## CG per iteration on larger grids (solves stopped after a fixed number of iterations)");
        line("");
        line("Each library runs exactly `cap` CG iterations from x = 0 (checked to reach the same residual");
        line("as Solvent's reference backend), so time / cap is the cost of an iteration including each");
        line("library's own convergence test.");
        line("");
        line("| library | operator | grid | pc | cap | threads | time per solve (ms) | per iteration (ms) | Solvent (CSR) speed-up per iteration |");
        line("|---|---|---:|---|---:|---:|---:|---:|---:|");
        for (String[] lib : LIBS) {
            for (Result r : all(r -> r.bench.equals(lib[0]) && capped.contains(r))) {
                Result ours = solve("SolveBenchmark", r.param("grid"), r.param("pc"), r.param("cap"), "csr", TARGET_THREADS);
                boolean peer = !lib[0].equals("SolveBenchmark");
                line("| " + lib[1] + " | " + (peer ? "csr" : r.param("operator")) + " | " + r.param("grid") + "^3 | "
                        + r.param("pc") + " | " + r.param("cap") + " | " + (peer ? "1" : r.param("threads")) + " | "
                        + fmt(time(r)) + " | " + fmt(perIteration(r)) + " | "
                        + (peer && ours != null ? ratio(perIteration(r).over(perIteration(ours))) : "") + " |");
            }
        }
        line("");
        for (Result ours : all(r -> r.bench.equals("SolveBenchmark") && capped.contains(r)
                && r.param("operator").equals("csr") && r.param("pc").equals("none") && r.param("threads").equals(TARGET_THREADS))) {
            for (String[] lib : new String[][] {LIBS[1], LIBS[2]}) {
                Result peer = solve(lib[0], ours.param("grid"), "none", ours.param("cap"), null, null);
                if (peer != null) {
                    Figure f = perIteration(peer).over(perIteration(ours));
                    targets.add(new String[] {"CG per iteration >= 2.5x faster than " + lib[1] + " (" + ours.param("grid")
                            + "^3, " + ours.param("cap") + " iterations)", ratio(f),
                            atLeast(f, 2.5) + reach(peer, Integer.parseInt(ours.param("grid")))});
                }
            }
        }
    }

    /**
     * Whether a 2.5x lead over this peer is reachable at all: the peer's time per iteration over
     * the bandwidth floor of our CG iteration (CSR) is the most any implementation that must move
     * those bytes at the triad bandwidth could gain.
     */
    private String reach(Result peer, int grid) {
        Figure triad = triadGbs(TARGET_THREADS);
        // Below 128^3 the vectors and matrix partly fit in cache, and the out-of-cache floor is no bound.
        if (!triad.present() || grid < 128) {
            return "";
        }
        Figure floor = triad.inverse().times(cgIterationBytes("csr", grid) / 1e6);
        Figure most = perIteration(peer).over(floor);
        return String.format(Locale.ROOT, "; at its bandwidth floor (%s ms) Solvent would be %s faster%s", num(floor.value),
                ratio(most), most.value < 2.5 ? ", so 2.5x is out of reach on this machine" : "");
    }

    private void notes() {
        line("## How to read this");
        line("");
        line("- Bandwidth figures count only the bytes a kernel must move (each array once); caches that hold");
        line("  part of x, or write-allocate reads that the hardware adds, are not credited. A kernel above");
        line("  100% of the triad is reading from cache; a CSR SpMV at 128^3 moves about 200 MB per product,");
        line("  far beyond any cache here.");
        line("- The targets are stated for 2 threads. On a machine busy with other work, thread scaling");
        line("  suffers first: compare the 1- and 2-thread rows.");
        line("- The peers are single-threaded libraries; \"speed-up\" includes our use of the second core.");
        line("  The 1-thread rows show how much comes from the kernels alone.");
        line("- Reproduce with `jmh/run.sh --out DIR` (builds if needed; quick settings, about 10 minutes on 2 cores;");
        line("  it writes DIR/benchmarks.md, by default under jmh/target/report), or run any benchmark directly:");
        line("  `java -jar jmh/target/benchmarks.jar SpmvBenchmark -p grid=128`.");
    }

    // ---- formatting ---------------------------------------------------------------------------

    private static String iterations(Result r) {
        if (Double.isNaN(r.perIteration) || r.perIteration == 0) {
            return "";
        }
        return String.valueOf(Math.round(r.score / r.perIteration));
    }

    /**
     * The verdict on a target {@code value >= target}: met only when the whole error bar lies at or
     * above it, missed only when the whole bar lies below it; otherwise the measurement cannot tell
     * (and without an error bar it cannot either).
     */
    static String atLeast(Figure f, double target) {
        return verdict(f.value - f.error >= target, f.value + f.error < target, f.value / target, "of the target");
    }

    /** The verdict on a target {@code value <= target}, by the same rule as {@link #atLeast}. */
    static String atMost(Figure f, double target) {
        return verdict(f.value + f.error <= target, f.value - f.error > target, target / f.value, "of the allowed time");
    }

    private static String verdict(boolean met, boolean missed, double factor, String of) {
        String share = String.format(Locale.ROOT, "%.1f%% %s", 100 * factor, of);
        if (met) {
            return "**met** (" + share + ")";
        }
        if (missed) {
            return "**missed** (" + share + ")";
        }
        // NaN comparisons are false: no error bar, no verdict.
        return "**undecided**: the error bar spans the target (" + share + "); a quieter or longer run can tell";
    }

    static String fmt(Figure f) {
        if (!f.present()) {
            return "-";
        }
        if (Double.isNaN(f.error)) {
            // One sample: JMH gives no error bar.
            return num(f.value);
        }
        return num(f.value) + " ± " + err(f.error);
    }

    private static String ratio(Figure f) {
        if (!f.present()) {
            return "-";
        }
        if (Double.isNaN(f.error)) {
            return String.format(Locale.ROOT, "%.2f×", f.value);
        }
        return String.format(Locale.ROOT, "%.2f× ± %.2f", f.value, f.error);
    }

    private static String pct(Figure f) {
        if (!f.present()) {
            return "-";
        }
        if (Double.isNaN(f.error)) {
            return String.format(Locale.ROOT, "%.0f%%", 100 * f.value);
        }
        return String.format(Locale.ROOT, "%.0f%% ± %.0f", 100 * f.value, 100 * f.error);
    }

    /** Three significant digits, no exponent for the magnitudes that appear here. */
    static String num(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        double a = Math.abs(v);
        if (a >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        if (a >= 1) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        if (a >= 0.01 || a == 0) {
            return String.format(Locale.ROOT, "%.3f", v);
        }
        return String.format(Locale.ROOT, "%.2g", v);
    }

    /** An error bar to two significant figures. */
    static String err(double e) {
        double a = Math.abs(e);
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.0f", e);
        }
        if (a >= 1) {
            return String.format(Locale.ROOT, "%.1f", e);
        }
        if (a >= 0.1) {
            return String.format(Locale.ROOT, "%.2f", e);
        }
        if (a >= 0.01 || a == 0) {
            return String.format(Locale.ROOT, "%.3f", e);
        }
        return String.format(Locale.ROOT, "%.2g", e);
    }

    private void line(String s) {
        md.append(s).append('\n');
    }
}
