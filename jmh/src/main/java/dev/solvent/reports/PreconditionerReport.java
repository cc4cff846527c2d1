package dev.solvent.reports;

import dev.solvent.backend.Backend;
import dev.solvent.backend.Backends;
import dev.solvent.gen.Generators;
import dev.solvent.gen.Problem;
import dev.solvent.io.MatrixMarket;
import dev.solvent.matrix.CsrMatrix;
import dev.solvent.solve.BoundSolver;
import dev.solvent.solve.SolveResult;
import dev.solvent.solve.SolverOptions;
import dev.solvent.solve.Solvers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Writes {@code preconditioners.md} into the folder given: CG with each registered preconditioner
 * (none, jacobi, ssor, ic0, mic0, and amg when the registry has it) on every SPD matrix of a
 * SuiteSparse folder and on generated problems (3D Poisson and the fluid-pressure problem at 64^3),
 * with iterations, setup and solve time, the shift IC(0)/MIC(0) needed, and the true residual
 * recomputed here with plain loops. One command, one run:
 *
 * <pre>
 *   java -cp jmh/target/benchmarks.jar dev.solvent.reports.PreconditionerReport --out docs \
 *        --matrices ../shared/matrices [--threads 2] [--grid 64] [--note TEXT]
 * </pre>
 *
 * Right-hand side: a fixed pseudo-random vector (uniform in [-0.5, 0.5], seeded per problem), not
 * {@code A 1}: MIC(0) keeps row sums, so it would solve {@code A x = A 1} in one iteration on an
 * M-matrix and say nothing. Times are wall times of one run each, indicative only.
 */
public final class PreconditionerReport {

    private static final double RTOL = 1e-8;
    private static final int MAX_ITERATIONS = 20_000;

    private PreconditionerReport() {
    }

    record Case(String name, String origin, CsrMatrix matrix) {
    }

    record Row(String pc, SolveResult result, double trueRelative, double setupSeconds, String detail) {
    }

    public static void main(String[] args) throws IOException {
        Path out = null;
        Path matrices = null;
        int threads = 2;
        int grid = 64;
        String note = "";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out" -> out = Path.of(args[++i]);
                case "--matrices" -> matrices = Path.of(args[++i]);
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--grid" -> grid = Integer.parseInt(args[++i]);
                case "--note" -> note = args[++i];
                default -> {
                    System.err.println("usage: PreconditionerReport --out FOLDER [--matrices DIR] [--threads N] [--grid N] [--note TEXT]");
                    System.exit(2);
                }
            }
        }
        if (out == null) {
            System.err.println("usage: PreconditionerReport --out FOLDER [--matrices DIR] [--threads N] [--grid N] [--note TEXT]");
            System.exit(2);
        }
        String loadBefore = loadAverage();
        List<Case> cases = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        if (matrices != null && Files.isDirectory(matrices)) {
            try (var files = Files.list(matrices)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".mtx")).sorted().toList()) {
                    CsrMatrix a = MatrixMarket.readMatrix(f);
                    String why = notSpd(a);
                    if (why != null) {
                        skipped.add(f.getFileName() + " (" + why + ")");
                    } else {
                        cases.add(new Case(f.getFileName().toString(), "SuiteSparse", a));
                    }
                }
            }
        }
        cases.add(new Case("poisson3d " + grid + "^3", "generated", Generators.poisson3d(grid).matrix()));
        cases.add(new Case("fluid3d " + grid + "^3", "generated", Generators.fluid3d(grid).matrix()));

        List<String> pcs = new ArrayList<>(List.of("none", "jacobi", "ssor", "ic0", "mic0"));
        if (Solvers.preconditionerNames().contains("amg")) {
            pcs.add("amg");
        }
        StringBuilder md = new StringBuilder();
        List<List<Row>> all = new ArrayList<>();
        try (Backend backend = Backends.cpu(threads)) {
            for (Case c : cases) {
                double[] b = rhs(c);
                List<Row> rows = new ArrayList<>();
                for (String pc : pcs) {
                    rows.add(run(c, pc, b, backend));
                    System.err.println(c.name() + " " + pc + ": " + rows.get(rows.size() - 1).result());
                }
                all.add(rows);
            }
        }
        String loadAfter = loadAverage();

        md.append("# Preconditioners on real and generated SPD problems\n\n");
        if (!note.isEmpty()) {
            md.append(note).append("\n\n");
        }
        md.append("Conjugate gradient with each preconditioner of the registry (").append(String.join(", ", pcs))
                .append(") on every SPD matrix of `").append(matrices == null ? "(no matrix folder)" : matrices.toString())
                .append("` and on generated problems, to ||b - Ax|| <= ").append(RTOL).append(" ||b|| from x = 0, at most ")
                .append(MAX_ITERATIONS).append(" iterations, on the `cpu` backend with ").append(threads)
                .append(" threads. b is a fixed pseudo-random vector (uniform in [-0.5, 0.5], seeded by the problem's")
                .append(" name), not A 1: MIC(0) keeps row sums and would solve A x = A 1 in one iteration on an M-matrix.")
                .append(" `ssor` uses omega 1 in the natural ordering; `ic0` and `mic0` are scaled to a unit diagonal and")
                .append(" shifted on breakdown (default policy: alpha from 1e-3, doubling); `mic0` uses its default")
                .append(" relaxation. \"true rel. residual\" is ||b - Ax|| / ||b|| recomputed here with plain loops over the")
                .append(" matrix, independently of the solver.\n\n");
        md.append("Reproduce (one command, one run; under a minute on two cores):\n\n```sh\n")
                .append("mvn -B -q -DskipTests -pl jmh -am package\n")
                .append("java -cp jmh/target/benchmarks.jar dev.solvent.reports.PreconditionerReport --out docs")
                .append(matrices == null ? "" : " --matrices " + matrices).append(" --threads ").append(threads)
                .append(" --grid ").append(grid).append("\n```\n\n");
        md.append("Machine: ").append(machine()).append(". Load average (1 / 5 / 15 min) ")
                .append(loadBefore).append(" at the start and ").append(loadAfter).append(" at the end of the run, on ")
                .append(LocalDate.now()).append(". The machine is shared, so times are indicative only; iteration")
                .append(" counts and residuals do not depend on the load.\n\n");
        md.append("| problem | n | nnz | pc | iterations | reason | setup (ms) | solve (ms) | true rel. residual | setup detail |\n");
        md.append("|---|---:|---:|---|---:|---|---:|---:|---:|---|\n");
        for (int k = 0; k < cases.size(); k++) {
            Case c = cases.get(k);
            for (Row r : all.get(k)) {
                md.append(String.format(Locale.ROOT, "| %s | %d | %d | %s | %d | %s | %.1f | %.1f | %.1e | %s |%n", c.name(), c.matrix().rows(),
                        c.matrix().nnz(), r.pc(), r.result().iterations(), r.result().reason(), 1e3 * r.setupSeconds(),
                        1e3 * r.result().seconds(), r.trueRelative(), r.detail()));
            }
        }
        md.append("\n");
        if (!skipped.isEmpty()) {
            md.append("Not SPD, so not solved here: ").append(String.join("; ", skipped)).append(".\n\n");
        }
        md.append("What the columns mean: iterations and reason as the solver returned them; setup = binding the")
                .append(" matrix and the preconditioner's setup (factorisation, level schedule), solve = the solve call;")
                .append(" setup detail = the diagonal shift alpha and the retries when the unshifted IC(0)/MIC(0) broke")
                .append(" down (\"shift 0\" otherwise) and the levels of the factor's schedule; for ssor the levels of")
                .append(" its schedule; for amg the depth and operator complexity of the hierarchy.\n");
        Files.createDirectories(out);
        Path file = out.resolve("preconditioners.md");
        Files.writeString(file, md.toString());
        System.err.println("wrote " + file);
    }

    /** Why a matrix is not SPD for this table, or null: square, symmetric to 1e-12, positive diagonal. */
    static String notSpd(CsrMatrix a) {
        if (!a.isSquare()) {
            return "not square";
        }
        if (!a.isSymmetric(1e-12)) {
            return "nonsymmetric";
        }
        for (double d : a.diagonal()) {
            if (!(d > 0)) {
                return "a diagonal entry is not positive";
            }
        }
        return null;
    }

    static double[] rhs(Case c) {
        SplittableRandom rnd = new SplittableRandom(c.name().hashCode());
        double[] b = new double[c.matrix().rows()];
        for (int i = 0; i < b.length; i++) {
            b[i] = rnd.nextDouble() - 0.5;
        }
        return b;
    }

    static Row run(Case c, String pc, double[] b, Backend backend) {
        SolverOptions options = SolverOptions.defaults().withRtol(RTOL).withMaxIterations(MAX_ITERATIONS).withRecordHistory(false);
        double[] x = new double[b.length];
        long start = System.nanoTime();
        try (BoundSolver solver = Solvers.create("cg", pc, options).setup(c.matrix(), backend)) {
            double setup = (System.nanoTime() - start) * 1e-9;
            SolveResult result = solver.solve(b, x);
            double rel = relativeResidual(c.matrix(), b, x);
            return new Row(pc, result, rel, setup, detail(solver.setupReport()));
        }
    }

    @SuppressWarnings("unchecked")
    static String detail(Map<String, Object> report) {
        Object pc = report.get("preconditioner");
        if (!(pc instanceof Map)) {
            return "";
        }
        Map<String, Object> m = (Map<String, Object>) pc;
        StringBuilder s = new StringBuilder();
        if (m.containsKey("shift")) {
            double shift = ((Number) m.get("shift")).doubleValue();
            int retries = ((Number) m.get("retries")).intValue();
            s.append(shift == 0.0 ? "shift 0" : String.format(Locale.ROOT, "shift %.3g after %d retries", shift, retries));
        }
        Object solve = m.get("solve");
        Object levels = m.get("levels");
        if (solve instanceof Map<?, ?> sm && sm.get("levels") != null) {
            s.append(s.length() > 0 ? "; " : "").append(sm.get("levels")).append(" levels");
        } else if (levels instanceof List<?> list) {
            // A multigrid hierarchy: its depth and operator complexity.
            s.append(list.size()).append(list.size() == 1 ? " level (direct)" : " levels");
            if (m.get("operatorComplexity") != null) {
                s.append(", operator complexity ").append(m.get("operatorComplexity"));
            }
        } else if (levels != null) {
            s.append(s.length() > 0 ? "; " : "").append(levels).append(" levels");
        }
        return s.toString();
    }

    /** ||b - A x|| / ||b|| with plain loops over the CSR arrays, independent of any solver or backend. */
    static double relativeResidual(CsrMatrix a, double[] b, double[] x) {
        int[] rp = a.rowPtr();
        int[] ci = a.colIdx();
        double[] v = a.values();
        double rr = 0.0;
        double bb = 0.0;
        for (int i = 0; i < a.rows(); i++) {
            double s = b[i];
            for (int k = rp[i]; k < rp[i + 1]; k++) {
                s -= v[k] * x[ci[k]];
            }
            rr += s * s;
            bb += b[i] * b[i];
        }
        return Math.sqrt(rr / bb);
    }

    /** CPU model, cores and memory from /proc where present, else what the JVM says. */
    static String machine() {
        String model = System.getProperty("os.arch");
        long memKb = 0;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    model = line.substring(line.indexOf(':') + 1).trim();
                    break;
                }
            }
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal")) {
                    memKb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux: keep what the JVM says.
        }
        return model + ", " + Runtime.getRuntime().availableProcessors() + " cores"
                + (memKb > 0 ? String.format(Locale.ROOT, ", %.0f GiB memory", memKb / 1048576.0) : "")
                + ", " + System.getProperty("os.name") + " " + System.getProperty("os.version");
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " / " + f[1] + " / " + f[2];
        } catch (IOException | RuntimeException e) {
            return "(unknown)";
        }
    }
}
