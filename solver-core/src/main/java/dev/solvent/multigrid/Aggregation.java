package dev.solvent.multigrid;

/**
 * Aggregates: a partition of the nodes into small connected groups, each of which becomes one
 * coarse node (or {@code k} coarse unknowns for {@code k} near-null-space vectors).
 *
 * <p>{@link #standard} is the greedy aggregation of Vanek, Mandel and Brezina, in three passes over
 * the nodes in index order (deterministic, sequential; one pass over the strength graph each):
 * <ol>
 *   <li>a node none of whose strong neighbours is aggregated yet starts an aggregate with all of
 *       them (its strong neighbourhood, a "root" aggregate);</li>
 *   <li>a node still free joins the root aggregate of its first aggregated strong neighbour;</li>
 *   <li>a node still free starts an aggregate with its free strong neighbours.</li>
 * </ol>
 * A node without strong neighbours stays out of every aggregate ({@code -1}): its row of the
 * tentative prolongator is zero and the smoother alone reduces its error (a row holding only its
 * diagonal, or only weak couplings).
 *
 * @param ofNode aggregate number of each node, {@code -1} for none
 * @param count  number of aggregates, numbered {@code 0 .. count-1}
 */
record Aggregation(int[] ofNode, int count) {

    private static final int FREE = -2;
    private static final int ISOLATED = -1;

    /** Standard greedy aggregation of the graph's nodes. */
    static Aggregation standard(StrengthGraph g) {
        int n = g.nodes();
        int[] agg = new int[n];
        java.util.Arrays.fill(agg, FREE);
        int roots = roots(g, agg);
        joinRoots(g, agg, roots);
        int count = remaining(g, agg, roots);
        return new Aggregation(agg, count);
    }

    /** Pass 1: roots with their whole strong neighbourhood; returns the number of aggregates. */
    private static int roots(StrengthGraph g, int[] agg) {
        int[] rp = g.rowPtr();
        int[] ci = g.colIdx();
        int count = 0;
        for (int i = 0; i < agg.length; i++) {
            if (agg[i] != FREE) {
                continue;
            }
            int end = rp[i + 1];
            if (rp[i] == end) {
                agg[i] = ISOLATED;
                continue;
            }
            boolean neighbourTaken = false;
            for (int k = rp[i]; k < end; k++) {
                if (agg[ci[k]] != FREE) {
                    neighbourTaken = true;
                    break;
                }
            }
            if (!neighbourTaken) {
                agg[i] = count;
                for (int k = rp[i]; k < end; k++) {
                    agg[ci[k]] = count;
                }
                count++;
            }
        }
        return count;
    }

    /**
     * Pass 2: free nodes join an adjacent root aggregate (only those made in pass 1, so that
     * aggregates grow by at most one layer; the choices are made first, then applied).
     */
    private static void joinRoots(StrengthGraph g, int[] agg, int roots) {
        int[] rp = g.rowPtr();
        int[] ci = g.colIdx();
        int n = agg.length;
        int[] joined = new int[n];
        java.util.Arrays.fill(joined, FREE);
        for (int i = 0; i < n; i++) {
            if (agg[i] != FREE) {
                continue;
            }
            for (int k = rp[i]; k < rp[i + 1]; k++) {
                int a = agg[ci[k]];
                if (a >= 0 && a < roots) {
                    joined[i] = a;
                    break;
                }
            }
        }
        for (int i = 0; i < n; i++) {
            if (joined[i] != FREE) {
                agg[i] = joined[i];
            }
        }
    }

    /** Pass 3: what is left forms aggregates with its free neighbours; returns the total count. */
    private static int remaining(StrengthGraph g, int[] agg, int count) {
        int[] rp = g.rowPtr();
        int[] ci = g.colIdx();
        for (int i = 0; i < agg.length; i++) {
            if (agg[i] != FREE) {
                continue;
            }
            agg[i] = count;
            for (int k = rp[i]; k < rp[i + 1]; k++) {
                if (agg[ci[k]] == FREE) {
                    agg[ci[k]] = count;
                }
            }
            count++;
        }
        return count;
    }

    /**
     * Checks aggregates given by the caller for {@code n} unknowns: numbers in {@code [-1, count)},
     * every aggregate non-empty.
     *
     * @throws IllegalArgumentException naming the first offending unknown or aggregate
     */
    static Aggregation validated(int[] aggregates, int n) {
        if (aggregates.length != n) {
            throw new IllegalArgumentException("amg: " + aggregates.length + " aggregate numbers given for a matrix of "
                    + n + " rows");
        }
        int max = -1;
        for (int i = 0; i < n; i++) {
            int a = aggregates[i];
            if (a < -1) {
                throw new IllegalArgumentException("amg: unknown " + i + " has aggregate " + a
                        + "; aggregates are numbered from 0, and -1 leaves an unknown out");
            }
            max = Math.max(max, a);
        }
        if (max < 0) {
            throw new IllegalArgumentException("amg: the given aggregates leave every unknown out");
        }
        int[] size = new int[max + 1];
        for (int a : aggregates) {
            if (a >= 0) {
                size[a]++;
            }
        }
        for (int a = 0; a <= max; a++) {
            if (size[a] == 0) {
                throw new IllegalArgumentException("amg: aggregate " + a + " is empty; number the aggregates 0 to "
                        + max + " without gaps");
            }
        }
        return new Aggregation(aggregates.clone(), max + 1);
    }

    /** The aggregate of each unknown when each node holds {@code blockSize} consecutive unknowns. */
    int[] ofUnknowns(int blockSize) {
        if (blockSize == 1) {
            return ofNode;
        }
        int[] out = new int[ofNode.length * blockSize];
        for (int i = 0; i < out.length; i++) {
            out[i] = ofNode[i / blockSize];
        }
        return out;
    }
}
