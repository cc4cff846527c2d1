package dev.solvent.backend.cpu;

import dev.solvent.backend.BoundOperator;
import dev.solvent.matrix.LinearOperator;
import dev.solvent.matrix.Stencil7Operator;

/**
 * A {@link Stencil7Operator} bound to a {@link ParallelCpuBackend}, never assembled: the grid's
 * {@code ny * nz} x-lines split evenly over the workers once, here. Lines rather than whole
 * z-planes, so that a grid with fewer planes than threads still keeps every thread busy.
 */
public final class BoundStencil implements BoundOperator {

    final ParallelCpuBackend owner;
    final Stencil7Operator stencil;
    /** Worker w owns lines {@code [lineSplit[w], lineSplit[w + 1])}; length threads + 1. */
    final int[] lineSplit;
    final int parts;

    BoundStencil(Stencil7Operator stencil, ParallelCpuBackend owner, int threads, int grain) {
        this.owner = owner;
        this.stencil = stencil;
        int lines = stencil.ny() * stencil.nz();
        long n = stencil.rows();
        int byGrain = (int) Math.min(threads, (n + grain - 1) / Math.max(1, grain));
        this.parts = Math.max(1, Math.min(byGrain, lines));
        this.lineSplit = new int[threads + 1];
        for (int w = 0; w <= threads; w++) {
            lineSplit[w] = (int) ((long) lines * Math.min(w, parts) / parts);
        }
    }

    @Override
    public LinearOperator source() {
        return stencil;
    }

    /** A copy of the line split: worker w owns x-lines {@code [s[w], s[w + 1])}. */
    public int[] lineSplit() {
        return lineSplit.clone();
    }
}
