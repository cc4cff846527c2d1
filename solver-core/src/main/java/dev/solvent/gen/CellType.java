package dev.solvent.gen;

/** What fills a cell of a {@link FluidGrid}. */
public enum CellType {
    /** Liquid or gas whose pressure is solved for: one unknown per fluid cell. */
    FLUID,
    /** A wall or obstacle: zero normal velocity through its faces, so no pressure coupling (Neumann). */
    SOLID,
    /** Open space at a known pressure p = 0 (a free surface or open boundary): a Dirichlet neighbour. */
    AIR
}
