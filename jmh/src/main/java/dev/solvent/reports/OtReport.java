package dev.solvent.reports;

import dev.solvent.ot.GroundCost;
import dev.solvent.ot.OtResult;
import dev.solvent.ot.Sinkhorn;
import dev.solvent.ot.SinkhornNewtonSparse;
import dev.solvent.ot.SinkhornOptions;
import dev.solvent.ot.SnsOptions;
import dev.solvent.ot.TransportProblem;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Writes {@code ot.md} and {@code ot-convergence.png} into the folder given by {@code --out}:
 * Sinkhorn-Newton-Sparse against this library's own log-domain Sinkhorn on the paper's random
 * assignment case and, with {@code --dotmark}, on four DOTmark 32x32 pairs, to the same marginal
 * error; the figure shows the marginal error of both methods against time.
 *
 * <pre>
 *   java -cp jmh/target/benchmarks.jar dev.solvent.reports.OtReport --out DIR
 *        [--dotmark FOLDER] [--sinkhorn-cap SECONDS] [--random-n N]
 * </pre>
 *
 * {@code --dotmark} names a folder with the DOTmark benchmark's CSV images (Schrieber, Schuhmacher
 * and Gottschlich, 2017; published by the University of Goettingen), which this repository does
 * not ship. Sinkhorn runs are capped in time (300 s by default for the random case, 120 s for DOTmark);
 * where a cap stops Sinkhorn first, the iteration count needed for the tolerance is extrapolated from
 * the linear convergence of its last quarter (least squares on log10 of the marginal error) and
 * marked as such.
 */
public final class OtReport {

    static final double ETA = 1200;
    static final double TOL = 1e-12;
    static final int SNS_REPEATS = 3;

    private OtReport() {
    }

    /** Fixed text on the device path. */
    static final String CUDA_PATH = "### Dense kernels on a device\n\n"
            + "The solvers reach their dense kernels through `DualKernels` (`dev.solvent.ot`): the CPU\n"
            + "implementation above for host backends, or one a backend module supplies through\n"
            + "`DualKernelsProvider` (`ServiceLoader`). solver-cuda supplies one for `CudaBackend`\n"
            + "(`solver-cuda/src/main/cuda/ot.cu`): the row and column log-sum-exp steps, the plan, gradient and\n"
            + "marginal error, an exact top-k selection and the sparsified Hessian assembled in device CSR, solved\n"
            + "by `ConjugateGradient` on the `CudaBackend`; per Newton step only scalars (and the n + m Jacobi\n"
            + "diagonal) reach the host. Use `new SinkhornNewtonSparse(options, cudaBackend)`,\n"
            + "`new Sinkhorn(options, cudaBackend)` or `solvent ot --backend cuda`. **This path has never run on\n"
            + "a GPU**: its kernel launches are checked against the kernel signatures without one, and its\n"
            + "gpu-tagged tests (CPU agreement on the random n = 200 case and DOTmark Shapes) have only been\n"
            + "skipped; see docs/cuda.md. No timing in this page comes from it.\n\n";

    /** One comparison row. */
    record Row(String name, int n, OtResult sns, double snsMedianSeconds, OtResult sinkhorn, double extrapolatedIterations,
               double[] tail, OtResult[] paperRule, History snsHistory, History sinkhornHistory) {
    }

    /** The fixed counts of kept entries per row tried with the paper's rule alone (no relative threshold). */
    static final double[] PAPER_RULE_KEPT_PER_ROW = {2, 8};
    static final int ABLATION_MAX_NEWTON = 300;
    static final double ABLATION_SECONDS = 30;

    static final String USAGE = "usage: OtReport --out DIR [--dotmark FOLDER] [--sinkhorn-cap SECONDS] [--random-n N]";

    public static void main(String[] args) throws IOException {
        Path dir = null;
        Path dotmark = null;
        double randomCap = 300;
        int randomN = 500;
        for (int i = 0; i < args.length; i += 2) {
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + args[i] + " needs a value; " + USAGE);
            }
            switch (args[i]) {
                case "--out" -> dir = Path.of(args[i + 1]);
                case "--dotmark" -> dotmark = Path.of(args[i + 1]);
                case "--sinkhorn-cap" -> randomCap = Double.parseDouble(args[i + 1]);
                case "--random-n" -> randomN = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i] + "; " + USAGE);
            }
        }
        if (dir == null) {
            throw new IllegalArgumentException("--out DIR is required (the report is written there); " + USAGE);
        }
        Files.createDirectories(dir);
        double dotmarkCap = Math.min(120, randomCap);
        String started = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        long t0 = System.nanoTime();

        warmUp();
        List<Row> rows = new ArrayList<>();
        rows.add(compare("random assignment, seed 1", TransportProblem.randomAssignment(randomN, 1, ETA), randomCap));
        String[][] pairs = {
                {"Shapes", "1001", "1002"}, {"ClassicImages", "1001", "1002"},
                {"GRFsmooth", "1001", "1002"}, {"CauchyDensity", "1001", "1002"}};
        if (dotmark != null) {
            for (String[] p : pairs) {
                Path a = dotmark.resolve(p[0] + "_32_" + p[1] + ".csv");
                Path b = dotmark.resolve(p[0] + "_32_" + p[2] + ".csv");
                TransportProblem prob = TransportProblem.fromDotmark(a, b, GroundCost.SQEUCLIDEAN, true, ETA);
                rows.add(compare("DOTmark " + p[0] + " 32, " + p[1] + " -> " + p[2], prob, dotmarkCap));
            }
        }
        double total = (System.nanoTime() - t0) * 1e-9;
        double loadAfter = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        Path md = dir.resolve("ot.md");
        Path png = dir.resolve("ot-convergence.png");
        plot(rows, png);
        Files.writeString(md, markdown(rows, started, total, loadBefore, loadAfter, randomCap, dotmarkCap, args,
                dotmark != null));
        System.out.println("wrote " + md + " and " + png + " after " + fmt(total, 1) + " s");
    }

    /** One panel per case: marginal error against time, SNS and Sinkhorn. */
    static void plot(List<Row> rows, Path png) throws IOException {
        List<org.knowm.xchart.XYChart> charts = new ArrayList<>();
        for (Row r : rows) {
            charts.add(Plots.chart(r.name, "time (s)", "marginal error", true, Double.NaN,
                    List.of(new Plots.Line("Sinkhorn-Newton-Sparse", r.snsHistory.seconds(), r.snsHistory.errors(), 0),
                            new Plots.Line("Sinkhorn (log domain)", r.sinkhornHistory.seconds(), r.sinkhornHistory.errors(), 1)),
                    520, 400));
        }
        Plots.save(charts, Math.min(3, charts.size()), png);
    }

    /** Marginal errors of one run, with the time since its start. */
    record History(double[] seconds, double[] errors) {
    }

    /** Records a run's marginal errors and their times through the solvers' listener. */
    static final class Recorder implements dev.solvent.solve.IterationListener {
        private final long start = System.nanoTime();
        private double[] t = new double[1024];
        private double[] e = new double[1024];
        private int n;

        @Override
        public void onIteration(int iteration, double error) {
            if (n == t.length) {
                t = Arrays.copyOf(t, 2 * n);
                e = Arrays.copyOf(e, 2 * n);
            }
            t[n] = (System.nanoTime() - start) * 1e-9;
            e[n] = error;
            n++;
        }

        History history() {
            return new History(Arrays.copyOf(t, n), Arrays.copyOf(e, n));
        }
    }

    /** JIT warm-up on a small problem, so that the first measured run is not the interpreter's. */
    private static void warmUp() {
        TransportProblem p = TransportProblem.randomAssignment(200, 99, ETA);
        for (int k = 0; k < 3; k++) {
            new SinkhornNewtonSparse(SnsOptions.defaults()).solve(p);
        }
        new Sinkhorn(SinkhornOptions.defaults().withMaxIterations(2000)).solve(p);
    }

    private static Row compare(String name, TransportProblem p, double capSeconds) {
        System.out.println("== " + name + " (n = " + p.n() + ", m = " + p.m() + ")");
        OtResult sns = null;
        double[] times = new double[SNS_REPEATS];
        History snsHistory = null;
        for (int k = 0; k < SNS_REPEATS; k++) {
            Recorder recorder = new Recorder();
            sns = new SinkhornNewtonSparse(SnsOptions.defaults().withTolerance(TOL).withListener(recorder)).solve(p);
            times[k] = sns.seconds();
            if (k == 0) {
                snsHistory = recorder.history();
            }
        }
        Arrays.sort(times);
        System.out.println("  " + sns);
        Recorder sinkhornRecorder = new Recorder();
        OtResult sk = new Sinkhorn(SinkhornOptions.defaults().withTolerance(TOL).withTimeLimitSeconds(capSeconds)
                .withListener(sinkhornRecorder)).solve(p);
        System.out.println("  " + sk);
        History sinkhornHistory = sinkhornRecorder.history();
        double[] history = sinkhornHistory.errors();
        double extrapolated = sk.converged() ? sk.sinkhornIterations() : extrapolate(history, TOL);
        OtResult[] paper = new OtResult[PAPER_RULE_KEPT_PER_ROW.length];
        for (int k = 0; k < paper.length; k++) {
            paper[k] = new SinkhornNewtonSparse(SnsOptions.defaults().withTolerance(TOL)
                    .withKeptPerRow(PAPER_RULE_KEPT_PER_ROW[k]).withRelativeThreshold(Double.POSITIVE_INFINITY)
                    .withMaxNewtonIterations(ABLATION_MAX_NEWTON).withTimeLimitSeconds(ABLATION_SECONDS)).solve(p);
            System.out.println("  paper rule " + PAPER_RULE_KEPT_PER_ROW[k] + ": " + paper[k]);
        }
        return new Row(name, p.n(), sns, times[SNS_REPEATS / 2], sk, extrapolated, history, paper, snsHistory,
                sinkhornHistory);
    }

    /**
     * Iterations at which the marginal error would reach the tolerance, continuing the linear
     * convergence of the last quarter of the history: least squares of log10(error) against the
     * iteration, then solved for log10(tol). NaN when the tail does not decrease.
     */
    static double extrapolate(double[] history, double tol) {
        int n = history.length;
        int from = n - Math.max(2, n / 4);
        if (from < 0) {
            return Double.NaN;
        }
        double sx = 0, sy = 0, sxx = 0, sxy = 0;
        int k = 0;
        for (int i = from; i < n; i++) {
            double x = i + 1;
            double y = Math.log10(history[i]);
            sx += x;
            sy += y;
            sxx += x * x;
            sxy += x * y;
            k++;
        }
        double slope = (k * sxy - sx * sy) / (k * sxx - sx * sx);
        if (!(slope < 0)) {
            return Double.NaN;
        }
        double intercept = (sy - slope * sx) / k;
        return (Math.log10(tol) - intercept) / slope;
    }

    private static String fmt(double v, int digits) {
        return String.format(Locale.ROOT, "%." + digits + "f", v);
    }

    private static String sci(double v) {
        return String.format(Locale.ROOT, "%.1e", v);
    }

    private static String count(double v) {
        return String.format(Locale.ROOT, "%,d", Math.round(v));
    }

    static String markdown(List<Row> rows, String started, double total, double loadBefore, double loadAfter,
                           double randomCap, double dotmarkCap, String[] args, boolean dotmark) {
        StringBuilder md = new StringBuilder();
        md.append("# Optimal transport: Sinkhorn and Sinkhorn-Newton-Sparse\n\n");
        md.append("This page is written by one run of `dev.solvent.reports.OtReport` (numbers below are from that run, "
                + "not edited). Reproduce with\n\n```\n");
        md.append("mvn -B -q -DskipTests package\n");
        md.append("java -cp jmh/target/benchmarks.jar dev.solvent.reports.OtReport --out DIR --dotmark DOTMARK\n```\n\n");
        md.append("where `DOTMARK` is a folder holding the 32x32 images of the DOTmark benchmark (Schrieber,\n"
                + "Schuhmacher and Gottschlich, 2017, published by the University of Goettingen; not shipped with\n"
                + "Solvent). Without `--dotmark` only the random assignment case runs. The report writes `ot.md` and\n"
                + "`ot-convergence.png` into `DIR`.\n\n");
        if (!dotmark) {
            md.append("This run had no DOTmark folder: only the random assignment case is below.\n\n");
        }
        md.append("## What is in `dev.solvent.ot`\n\n");
        md.append("- `TransportProblem`: histograms r, c, a cost C and the inverse temperature eta, for\n"
                + "  `min <C,P> + (1/eta) sum P log P` subject to `P1 = r`, `P^T 1 = c`. From an explicit dense cost\n"
                + "  (`of`), from weighted point clouds or image grids with a squared-Euclidean or Euclidean cost,\n"
                + "  optionally scaled to [0, 1] (`fromPoints`, `fromGrids`, `fromDotmark`), or the paper's random\n"
                + "  assignment case (`randomAssignment`). Negative or NaN masses, a cost of the wrong shape, different\n"
                + "  totals (unless `Totals.NORMALISE` is asked for) are errors naming the cause. Zero-mass bins are\n"
                + "  dropped from the support (exact: their rows/columns of the plan are zero), so every log is finite;\n"
                + "  results come back on the original indices, with potential `-Infinity` at dropped bins.\n");
        md.append("- `DotmarkCsv`: reads DOTmark images (r x r non-negative numbers; errors name file, line and column).\n");
        md.append("- `Sinkhorn` (`SinkhornOptions`): log-domain Sinkhorn, every log-sum-exp shifted (by the current\n"
                + "  potential; by the row maximum where a sum under- or overflows), finite at eta = 1200.\n");
        md.append("- `SinkhornNewtonSparse` (`SnsOptions`): N1 Sinkhorn steps, then Newton steps on the dual with the\n"
                + "  Hessian sparsified and assembled as a `CsrMatrix`, solved by the library's `ConjugateGradient` with\n"
                + "  Jacobi preconditioning, Armijo backtracking on the dual objective.\n");
        md.append("- `OtResult`: reason, marginal error `||P1-r||_1 + ||P^T1-c||_1`, `<C,P>`, entropic (primal) and dual\n"
                + "  objectives, potentials, the plan entries above a threshold as a `CsrMatrix`, Sinkhorn/Newton/CG\n"
                + "  iteration counts, seconds.\n");
        md.append("- CLI: `solvent ot --source a.csv --target b.csv [--cost sqeuclidean|euclidean] [--eta 1200]\n"
                + "  [--method sinkhorn|sns] [--atol 1e-12] [--backend cpu|reference|cuda|auto] [--threads N] [--json]`, or\n"
                + "  `solvent ot --random-assignment 500 --seed 1`.\n\n");
        md.append("Dense kernels (the log-sum-exp row and column steps, forming P, the line-search sum) run on a\n"
                + "private `ForkJoinPool` over at most 16 row blocks; column sums go through per-block partial\n"
                + "arrays added in block order, so results are identical for any thread count. CG runs on the\n"
                + "backend given to `SinkhornNewtonSparse`, by default a `ParallelCpuBackend` of `SnsOptions.threads()`\n"
                + "threads made and closed by each solve (the runs below use that default).\n\n");
        md.append(CUDA_PATH);
        md.append("### Sparsification rule used here\n\n");
        md.append("The paper keeps the lambda n^2 largest entries of P (lambda = 2/n). That is kept (`keptPerRow` = 2),\n"
                + "and extended: every entry at least 1e-3 of the largest entry of its row or its column is kept too\n"
                + "(`relativeThreshold`). The diagonal is always the full row/column sums of P, times (1 + mu) with\n"
                + "mu = clamp(err^2, 1e-12, 1e-3), which makes the matrix definite when the kept entries split into\n"
                + "blocks that each hold all their mass (near-permutation plans). The first trial step is capped so\n"
                + "that no log P_ij changes by more than 10. The paper's fixed count alone was too few entries at\n"
                + "eta = 1200 (an independent NumPy/SciPy implementation took 45 Newton steps with 2n entries on the\n"
                + "random case).\n"
                + "The `Hessian kept` column gives the average number of kept entries of P per row.\n\n");

        md.append("## Results (eta = ").append(fmt(ETA, 0)).append(", tolerance ").append(sci(TOL))
                .append(" on the marginal error, both methods)\n\n");
        md.append("| case | n | method | reason | iterations (Sinkhorn + Newton) | CG | marginal error | <C,P> | time (s) | Hessian kept / row |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            OtResult s = r.sns;
            md.append("| ").append(r.name).append(" | ").append(r.n).append(" | SNS | ").append(s.reason()).append(" | ")
                    .append(s.iterations()).append(" (").append(s.sinkhornIterations()).append(" + ")
                    .append(s.newtonIterations()).append(") | ").append(s.cgIterations()).append(" | ")
                    .append(sci(s.marginalError())).append(" | ").append(String.format(Locale.ROOT, "%.10f", s.transportCost()))
                    .append(" | ").append(fmt(r.snsMedianSeconds, 3)).append(" (median of ").append(SNS_REPEATS)
                    .append(") | ").append(keptPerRow(s.message())).append(" |\n");
            OtResult k = r.sinkhorn;
            md.append("| ").append(r.name).append(" | ").append(r.n).append(" | Sinkhorn | ").append(k.reason())
                    .append(" | ").append(count(k.sinkhornIterations()));
            if (!k.converged()) {
                md.append(" (to ").append(sci(TOL)).append(": ~").append(count(r.extrapolatedIterations))
                        .append(" extrapolated)");
            }
            md.append(" | - | ").append(sci(k.marginalError())).append(" | ")
                    .append(String.format(Locale.ROOT, "%.10f", k.transportCost())).append(" | ").append(fmt(k.seconds(), 2));
            if (!k.converged()) {
                md.append(" (to ").append(sci(TOL)).append(": ~")
                        .append(fmt(k.seconds() * r.extrapolatedIterations / Math.max(1, k.sinkhornIterations()), 0))
                        .append(" extrapolated)");
            }
            md.append(" | - |\n");
        }

        md.append("\n## Against the targets\n\n");
        md.append("Ratios are Sinkhorn over SNS. Where Sinkhorn was stopped by its time cap, the ratio is given twice:\n"
                + "as measured (a lower bound, Sinkhorn did NOT reach the tolerance) and with the extrapolated count\n"
                + "and time.\n\n");
        md.append("| case | iterations ratio | time ratio | target | met? |\n|---|---|---|---|---|\n");
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            boolean random = i == 0;
            double itMeasured = (double) r.sinkhorn.sinkhornIterations() / r.sns.iterations();
            double tMeasured = r.sinkhorn.seconds() / r.snsMedianSeconds;
            double itEx = r.extrapolatedIterations / r.sns.iterations();
            double tEx = r.sinkhorn.seconds() * r.extrapolatedIterations / Math.max(1, r.sinkhorn.sinkhornIterations())
                    / r.snsMedianSeconds;
            boolean capped = !r.sinkhorn.converged();
            String itCell = fmt(itMeasured, 1) + (capped ? " measured, " + fmt(itEx, 1) + " extrapolated" : "");
            String tCell = fmt(tMeasured, 1) + (capped ? " measured, " + fmt(tEx, 1) + " extrapolated" : "");
            String target;
            String met;
            if (random) {
                target = ">= 100x fewer iterations, >= 20x less time";
                boolean okIt = itMeasured >= 100;
                boolean okT = tMeasured >= 20;
                met = (okIt ? "iterations: yes" : "iterations: NO, missed by " + fmt(100 / itMeasured, 1) + "x")
                        + "; " + (okT ? "time: yes" : "time: NO, missed by " + fmt(20 / tMeasured, 1) + "x")
                        + (capped ? " (on measured values)" : "");
            } else {
                target = ">= 5x less time";
                boolean okT = tMeasured >= 5;
                met = okT ? "yes" : "NO, missed by " + fmt(5 / tMeasured, 1) + "x" + (capped ? " (measured)" : "");
            }
            md.append("| ").append(r.name).append(" | ").append(itCell).append(" | ").append(tCell).append(" | ")
                    .append(target).append(" | ").append(met).append(" |\n");
        }
        md.append("\nPaper (Table 1, Apple M1 Pro): random assignment n = 500, SNS 29 iterations (20 + 9) in 0.34 s,\n"
                + "Sinkhorn 56,199 iterations in 233.36 s. An independent NumPy/SciPy implementation (not part of\n"
                + "this repository) measured 27,410 Sinkhorn iterations to 1e-10 and 458 on DOTmark Shapes (to a\n"
                + "looser tolerance than here).\n\n");
        md.append("## Convergence\n\n![marginal error against time, SNS and Sinkhorn](ot-convergence.png)\n\n"
                + "Marginal error `||P1-r||_1 + ||P^T1-c||_1` against wall time, one panel per case (the first of the\n"
                + "SNS runs, the single Sinkhorn run; both recorded by the solvers' listeners).\n\n");

        md.append("## The paper's sparsification rule alone\n\n");
        md.append("SNS with only the lambda n^2 largest entries of P kept (`relativeThreshold` off), for two values of\n"
                + "lambda n, each run capped at " + ABLATION_MAX_NEWTON + " Newton steps or " + fmt(ABLATION_SECONDS, 0)
                + " s (single runs). Compare with the SNS rows above (default rule).\n\n");
        md.append("| case | lambda n | reason | iterations (Sinkhorn + Newton) | CG | marginal error | time (s) |\n"
                + "|---|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            for (int k = 0; k < r.paperRule.length; k++) {
                OtResult a = r.paperRule[k];
                md.append("| ").append(r.name).append(" | ").append(fmt(PAPER_RULE_KEPT_PER_ROW[k], 0)).append(" | ")
                        .append(a.reason()).append(" | ").append(a.iterations()).append(" (").append(a.sinkhornIterations())
                        .append(" + ").append(a.newtonIterations()).append(") | ").append(a.cgIterations()).append(" | ")
                        .append(sci(a.marginalError())).append(" | ").append(fmt(a.seconds(), 2)).append(" |\n");
            }
        }
        md.append("\n");

        md.append("## Sinkhorn convergence tail\n\n");
        md.append("Marginal error of Sinkhorn at a few iterations (from its listener), showing the linear rate used\n"
                + "for extrapolation.\n\n| case | iterations: marginal error |\n|---|---|\n");
        for (Row r : rows) {
            md.append("| ").append(r.name).append(" | ");
            double[] h = r.tail;
            int len = h.length;
            int[] marks = {len / 8, len / 4, len / 2, 3 * len / 4, len};
            boolean first = true;
            for (int mk : marks) {
                if (mk >= 1) {
                    md.append(first ? "" : ", ").append(count(mk)).append(": ").append(sci(h[mk - 1]));
                    first = false;
                }
            }
            md.append(" |\n");
        }

        md.append("\n## Machine and run\n\n");
        md.append("- Date (UTC): ").append(started).append("; whole report run ").append(fmt(total, 0)).append(" s.\n");
        md.append("- JDK: ").append(System.getProperty("java.vm.name")).append(' ')
                .append(System.getProperty("java.runtime.version")).append(" (")
                .append(System.getProperty("java.vendor")).append(").\n");
        md.append("- OS: ").append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.arch"))
                .append(", ").append(Runtime.getRuntime().availableProcessors()).append(" processors visible, max heap ")
                .append(Runtime.getRuntime().maxMemory() >> 20).append(" MiB.\n");
        // The load average says how busy the machine was.
        md.append("- Load average ").append(fmt(loadBefore, 2)).append(" at the start and ").append(fmt(loadAfter, 2))
                .append(" at the end of the run (a busy machine makes the timings of both methods noisy).\n");
        md.append("- Threads for the dense kernels: ").append(Runtime.getRuntime().availableProcessors())
                .append(" (all visible processors). Sinkhorn caps: ").append(fmt(randomCap, 0))
                .append(" s on the random case, ").append(fmt(dotmarkCap, 0)).append(" s per DOTmark pair.\n");
        md.append("- SNS times are the median of ").append(SNS_REPEATS).append(" runs after a JIT warm-up; each Sinkhorn\n"
                + "  time is a single run. Times include forming the final plan and result.\n");
        md.append("- Arguments: `").append(String.join(" ", args)).append("`.\n");
        return md.toString();
    }

    private static String keptPerRow(String message) {
        String key = "Hessian kept ";
        int i = message.indexOf(key);
        if (i < 0) {
            return "-";
        }
        int j = message.indexOf(' ', i + key.length());
        return message.substring(i + key.length(), j);
    }
}
