package dev.solvent.order;

/**
 * Rows of a square matrix listed group after group, such that rows of one group do not couple
 * ({@code a_ij = a_ji = 0} for {@code i != j} in one group): a kernel may update the rows of a group
 * in parallel and must finish a group before it starts the next. Dependency levels
 * ({@link LevelSchedule}) and colours ({@link MulticolorOrdering}) are the two kinds.
 *
 * <p>Accessors return copies: a schedule is immutable.
 */
public interface RowSchedule {

    /** Number of rows. */
    int size();

    /** Number of groups (levels or colours). */
    int groups();

    /** Group of each row (a copy). */
    int[] groupOf();

    /** Rows listed group by group, increasing within a group (a copy). */
    int[] order();

    /** Rows of group g are {@code order()[groupPtr()[g] .. groupPtr()[g+1])} (a copy; length groups + 1). */
    int[] groupPtr();

    /**
     * Whether no stored off-diagonal entry of {@code a} couples two rows of the same group, the
     * condition under which the rows of a group may be updated in parallel.
     */
    default boolean isValidFor(dev.solvent.matrix.CsrMatrix a) {
        if (a.rows() != size() || a.cols() != size()) {
            return false;
        }
        int[] group = groupOf();
        int[] rp = a.rowPtr();
        int[] ci = a.colIdx();
        for (int i = 0; i < size(); i++) {
            for (int k = rp[i]; k < rp[i + 1]; k++) {
                if (ci[k] != i && group[ci[k]] == group[i]) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Lists the rows of each group in increasing order: {@code order} and {@code groupPtr} from {@code groupOf}. */
    static int[][] listByGroup(int[] groupOf, int groups) {
        int n = groupOf.length;
        int[] ptr = new int[groups + 1];
        for (int g : groupOf) {
            ptr[g + 1]++;
        }
        for (int g = 0; g < groups; g++) {
            ptr[g + 1] += ptr[g];
        }
        int[] order = new int[n];
        int[] next = java.util.Arrays.copyOf(ptr, groups);
        for (int i = 0; i < n; i++) {
            order[next[groupOf[i]]++] = i;
        }
        return new int[][] {order, ptr};
    }
}
