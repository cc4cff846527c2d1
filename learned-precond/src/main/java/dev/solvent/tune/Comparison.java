package dev.solvent.tune;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns experiment results into comparison tables: for the Laplacian experiment, mean iterations
 * per system over all rounds and over the last window, averaged over seeds; for the heat
 * experiment, total iterations and wall time per grid, relative to plain CG.
 */
public final class Comparison {

    /** Fixed omegas shown for the Laplacian experiment (the paper's table). */
    public static final double[] LAPLACIAN_FIXED = {1.0, 1.4, 1.6, 1.7, 1.8};
    /** The learners, in table order. */
    public static final List<String> BANDITS = List.of("tsallis-inf", "tsallis-inf-cb", "tsallis-inf-cb-quantile", "chebcb");
    /** Name of the best piecewise-constant policy over Tsallis-INF-CB's bins. */
    public static final String BEST_PER_BIN = "best-fixed-per-bin";

    private Comparison() {
    }

    /**
     * One method's row of the Laplacian table; means and sample standard deviations over seeds.
     *
     * @param note for best-fixed: the omega(s) chosen per seed
     */
    public record LaplacianRow(String method, double meanAll, double sdAll, double meanLast, double sdLast,
                               String note) {
    }

    /** The window "last rounds" means: 1000 rounds, or half the run when it is shorter than 2000. */
    public static int window(int rounds) {
        return Math.min(1000, Math.max(1, rounds / 2));
    }

    /** The Laplacian table over the seeds' results (all with the same offsets and rounds). */
    public static List<LaplacianRow> laplacian(List<LaplacianExperiment.Result> results) {
        Map<String, double[][]> values = new LinkedHashMap<>();
        Map<String, StringBuilder> notes = new LinkedHashMap<>();
        int s = results.size();
        for (int i = 0; i < s; i++) {
            LaplacianExperiment.Result r = results.get(i);
            int rounds = r.costTable().length;
            int from = rounds - window(rounds);
            for (double w : LAPLACIAN_FIXED) {
                Trace t = r.fixed(armOf(r.arms(), w));
                put(values, t.method(), i, s, t.mean(), t.meanLast(window(rounds)));
            }
            int bestAll = r.bestFixedArm(0);
            int bestLast = r.bestFixedArm(from);
            put(values, SequenceReport.BEST_FIXED, i, s, r.fixed(bestAll).mean(),
                    r.fixed(bestLast).meanLast(window(rounds)));
            notes.computeIfAbsent(SequenceReport.BEST_FIXED, k -> new StringBuilder())
                    .append(i == 0 ? "" : "; ").append(SequenceReport.fmtOmega(r.arms()[bestAll])).append('/')
                    .append(SequenceReport.fmtOmega(r.arms()[bestLast]));
            Trace perBin = bestPerBin(r, 6);
            put(values, BEST_PER_BIN, i, s, perBin.mean(), perBin.meanLast(window(rounds)));
            for (String m : new String[] {SequenceReport.INSTANCE_OPTIMAL, SequenceReport.YOUNG}) {
                Trace t = r.trace(m);
                put(values, m, i, s, t.mean(), t.meanLast(window(rounds)));
            }
            for (String m : BANDITS) {
                Trace t = r.trace(m);
                put(values, m, i, s, t.mean(), t.meanLast(window(rounds)));
            }
        }
        List<LaplacianRow> rows = new ArrayList<>();
        for (Map.Entry<String, double[][]> e : values.entrySet()) {
            double[][] v = e.getValue();
            StringBuilder note = notes.get(e.getKey());
            rows.add(new LaplacianRow(e.getKey(), mean(v[0]), sd(v[0]), mean(v[1]), sd(v[1]),
                    note == null ? "" : "omega (all rounds/last window): " + note));
        }
        return rows;
    }

    /** Looks a row up by method name. */
    public static LaplacianRow row(List<LaplacianRow> rows, String method) {
        for (LaplacianRow r : rows) {
            if (r.method().equals(method)) {
                return r;
            }
        }
        throw new IllegalArgumentException("no row " + method);
    }

    /**
     * The best fixed arm of each of {@code bins} equal context bins, in hindsight: the ceiling of
     * any learner that plays one omega per bin, such as Tsallis-INF-CB.
     */
    static Trace bestPerBin(LaplacianExperiment.Result r, int bins) {
        TsallisInfCb binning = new TsallisInfCb(r.arms(), bins, LaplacianExperiment.CONTEXT_LO,
                LaplacianExperiment.CONTEXT_HI, 0);
        double[][] table = r.costTable();
        double[] ctx = r.offsetsPerRound();
        double[][] sums = new double[bins][r.arms().length];
        for (int t = 0; t < table.length; t++) {
            int b = binning.bin(ctx[t]);
            for (int a = 0; a < r.arms().length; a++) {
                sums[b][a] += table[t][a];
            }
        }
        int[] best = new int[bins];
        for (int b = 0; b < bins; b++) {
            for (int a = 1; a < r.arms().length; a++) {
                if (sums[b][a] < sums[b][best[b]]) {
                    best[b] = a;
                }
            }
        }
        double[] c = new double[table.length];
        double[] w = new double[table.length];
        for (int t = 0; t < table.length; t++) {
            int a = best[binning.bin(ctx[t])];
            c[t] = table[t][a];
            w[t] = r.arms()[a];
        }
        return new Trace(BEST_PER_BIN, c, new double[0], w);
    }

    /** One method's row of the heat table. */
    public record HeatRow(int nx, int unknowns, int steps, String method, double iterations, double seconds,
                          double cpuSeconds, double iterationsVsCg, double secondsVsCg, double cpuVsCg, String note) {
    }

    /** The heat table of one grid. */
    public static List<HeatRow> heat(HeatExperiment.Result r) {
        List<HeatRow> rows = new ArrayList<>();
        Trace cg = r.trace("cg");
        Trace bestFixed = r.bestFixed();
        for (Trace t : r.traces()) {
            rows.add(heatRow(r, t, t.method(), cg, ""));
            if (t.method().equals("omega=" + SequenceReport.fmtOmega(HeatExperiment.FIXED[HeatExperiment.FIXED.length - 1]))) {
                rows.add(heatRow(r, bestFixed, SequenceReport.BEST_FIXED, cg, bestFixed.method()));
            }
        }
        return rows;
    }

    private static HeatRow heatRow(HeatExperiment.Result r, Trace t, String name, Trace cg, String note) {
        double sec = t.totalSeconds();
        double cpu = t.totalCpuSeconds();
        return new HeatRow(r.nx(), r.unknowns(), r.steps(), name, t.total(), sec, cpu, t.total() / cg.total(),
                sec / cg.totalSeconds(), cpu / cg.totalCpuSeconds(), note);
    }

    static int armOf(double[] arms, double omega) {
        for (int a = 0; a < arms.length; a++) {
            if (Math.abs(arms[a] - omega) < 1e-9) {
                return a;
            }
        }
        throw new IllegalArgumentException("omega " + omega + " is not an arm");
    }

    private static void put(Map<String, double[][]> values, String method, int seed, int seeds, double all, double last) {
        double[][] v = values.computeIfAbsent(method, k -> new double[2][seeds]);
        v[0][seed] = all;
        v[1][seed] = last;
    }

    static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    static double sd(double[] v) {
        if (v.length < 2) {
            return Double.NaN;
        }
        double m = mean(v);
        double s = 0;
        for (double x : v) {
            s += (x - m) * (x - m);
        }
        return Math.sqrt(s / (v.length - 1));
    }
}
