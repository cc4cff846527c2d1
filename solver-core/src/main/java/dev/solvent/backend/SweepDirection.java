package dev.solvent.backend;

/** The order in which a relaxation sweep visits the rows. */
public enum SweepDirection {
    /** Rows 0, 1, ..., n-1. */
    FORWARD,
    /** Rows n-1, ..., 1, 0. */
    BACKWARD,
    /** A forward sweep followed by a backward sweep (SSOR, symmetric Gauss-Seidel). */
    SYMMETRIC
}
