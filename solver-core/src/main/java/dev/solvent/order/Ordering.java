package dev.solvent.order;

import java.util.Locale;

/**
 * The order in which relaxation sweeps and the SSOR preconditioner visit the rows. It is part of
 * the method, not an implementation detail: the two orderings give different iterates and
 * different iteration counts.
 */
public enum Ordering {
    /**
     * Rows 0, 1, ..., n-1 (lexicographic): each row sees the newest values of every row before it.
     * Backends may run rows of one dependency level in parallel ({@link LevelSchedule}); the
     * arithmetic stays that of the natural ordering.
     */
    NATURAL,
    /**
     * Colour by colour ({@link MulticolorOrdering#greedy}): rows of one colour never couple, so they
     * update in parallel. Equal to a natural-order sweep of the permuted matrix {@code P A P^T},
     * which converges differently from the natural ordering of A.
     */
    MULTICOLOUR;

    /** {@code natural} or {@code multicolour}, as reports print it. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
