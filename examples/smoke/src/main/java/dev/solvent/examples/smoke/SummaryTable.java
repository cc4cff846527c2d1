package dev.solvent.examples.smoke;

import java.util.List;
import java.util.Locale;

/** The end-of-run tables, as Markdown (docs) or aligned text (the command line). */
public final class SummaryTable {

    private SummaryTable() {
    }

    private static final String[] HEADER = {"solver", "warm start", "steps", "solve time [s]", "mean its", "max its",
        "max ||div u||/||div u*||", "max |div u|", "not converged", "setups", "final mass"};

    /** The same columns without the vertical bars of the norms, which Markdown tables cannot hold. */
    private static final String[] MD_HEADER = {"solver", "warm start", "steps", "solve time [s]", "mean its", "max its",
        "max div / div before (L2)", "max abs div", "not converged", "setups", "final mass"};

    private static String[] row(RunSummary r) {
        return new String[] {r.label().replace(" (cold)", ""), r.label().equals("bandit") ? "chosen" : r.config().warmStart() ? "on" : "off",
            Integer.toString(r.steps().size()), f("%.2f", r.solveSeconds()), f("%.1f", r.meanIterations()),
            Integer.toString(r.maxIterations()), f("%.2e", r.maxRelDivergence()), f("%.2e", r.maxDivergence()),
            Integer.toString(r.notConverged()), Integer.toString(r.setups()), f("%.1f", r.finalMass())};
    }

    /** One row per run. */
    public static String markdown(List<RunSummary> runs) {
        StringBuilder sb = new StringBuilder();
        sb.append('|').append(String.join("|", MD_HEADER)).append("|\n|");
        for (int i = 0; i < HEADER.length; i++) {
            sb.append(i == 0 ? "---|" : "---:|");
        }
        sb.append('\n');
        for (RunSummary r : runs) {
            sb.append('|').append(String.join("|", row(r))).append("|\n");
        }
        return sb.toString();
    }

    /** One row per run, columns aligned. */
    public static String text(List<RunSummary> runs) {
        int[] width = new int[HEADER.length];
        for (int i = 0; i < HEADER.length; i++) {
            width[i] = HEADER[i].length();
        }
        for (RunSummary r : runs) {
            String[] row = row(r);
            for (int i = 0; i < row.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        line(sb, HEADER, width);
        for (RunSummary r : runs) {
            line(sb, row(r), width);
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, String[] cells, int[] width) {
        for (int i = 0; i < cells.length; i++) {
            String pad = " ".repeat(width[i] - cells[i].length());
            sb.append(i == 0 ? cells[i] + pad : pad + cells[i]).append(i == cells.length - 1 ? "" : "  ");
        }
        sb.append('\n');
    }

    /**
     * The bandit's account: per arm how often it was chosen and, with hindsight, its total cost,
     * iterations and solve time over every step; then the bandit against the best fixed arm.
     */
    public static String bandit(RunSummary run, boolean markdown) {
        RunSummary.BanditAccount a = run.bandit();
        if (a == null) {
            return "";
        }
        boolean h = a.hindsightCost().length > 0;
        StringBuilder sb = new StringBuilder();
        String unit = a.costKind().equals("work") ? "CG-iteration equivalents" : "microseconds";
        if (markdown) {
            sb.append("|arm|chosen|").append(h ? "cost if fixed|iterations if fixed|solve time if fixed [s]|" : "").append('\n');
            sb.append("|---|---:|").append(h ? "---:|---:|---:|" : "").append('\n');
        } else {
            sb.append(String.format(Locale.ROOT, "%-18s %7s", "arm", "chosen"));
            if (h) {
                sb.append(String.format(Locale.ROOT, " %16s %18s %22s", "cost if fixed", "iterations if fixed", "solve time if fixed"));
            }
            sb.append('\n');
        }
        int best = a.bestArm();
        for (int i = 0; i < a.arms().size(); i++) {
            String name = a.arms().get(i) + (i == best ? " (best)" : "");
            if (markdown) {
                sb.append('|').append(name).append('|').append(a.choices()[i]).append('|');
                if (h) {
                    sb.append(f("%.0f", a.hindsightCost()[i])).append('|').append(a.hindsightIterations()[i]).append('|')
                            .append(f("%.2f", a.hindsightSeconds()[i])).append('|');
                }
            } else {
                sb.append(String.format(Locale.ROOT, "%-18s %7d", name, a.choices()[i]));
                if (h) {
                    sb.append(String.format(Locale.ROOT, " %16.0f %18d %21.2fs", a.hindsightCost()[i],
                            a.hindsightIterations()[i], a.hindsightSeconds()[i]));
                }
            }
            sb.append('\n');
        }
        sb.append(markdown ? "\n" : "");
        sb.append(f("bandit total cost %.0f (%s, ", a.totalCost(), a.costKind())).append(unit).append(')');
        if (h) {
            sb.append(f("; best fixed arm in hindsight %s: %.0f; bandit / best fixed = %.2f",
                    a.arms().get(best), a.hindsightCost()[best], a.totalCost() / a.hindsightCost()[best]));
        }
        if (a.backstops() > 0) {
            sb.append(f("; %d step(s) finished by the IC(0) backstop", a.backstops()));
        }
        sb.append('\n');
        return sb.toString();
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
