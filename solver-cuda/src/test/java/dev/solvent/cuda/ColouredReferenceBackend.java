package dev.solvent.cuda;

import dev.solvent.backend.Backend;
import dev.solvent.backend.BoundOperator;
import dev.solvent.backend.HostCsr;
import dev.solvent.backend.HostVector;
import dev.solvent.backend.ReferenceBackend;
import dev.solvent.backend.SweepDirection;
import dev.solvent.backend.Vector;
import dev.solvent.matrix.LinearOperator;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The reference backend with its relaxation kernels replaced by the colour-ordered ones of
 * {@link MulticolorOrdering}: the sequential oracle for what the CUDA backend's SOR, SSOR and
 * SSOR-PCG must produce (same colouring, same recurrences, rows one after another).
 */
final class ColouredReferenceBackend implements Backend {

    private final ReferenceBackend ref = new ReferenceBackend();
    private final Map<HostCsr, MulticolorOrdering> orderings = new IdentityHashMap<>();

    private MulticolorOrdering ordering(HostCsr m) {
        return orderings.computeIfAbsent(m, k -> MulticolorOrdering.greedy(k.matrix()));
    }

    @Override
    public String name() {
        return "reference-multicolour";
    }

    @Override
    public int threads() {
        return 1;
    }

    @Override
    public boolean isHost() {
        return true;
    }

    @Override
    public Vector allocate(int n) {
        return ref.allocate(n);
    }

    @Override
    public Vector wrap(double[] values) {
        return ref.wrap(values);
    }

    @Override
    public Vector upload(double[] values) {
        return ref.upload(values);
    }

    @Override
    public void download(Vector v, double[] dst) {
        ref.download(v, dst);
    }

    @Override
    public BoundOperator bind(LinearOperator op) {
        return ref.bind(op);
    }

    @Override
    public void fill(Vector x, double value) {
        ref.fill(x, value);
    }

    @Override
    public void copy(Vector src, Vector dst) {
        ref.copy(src, dst);
    }

    @Override
    public double dot(Vector x, Vector y) {
        return ref.dot(x, y);
    }

    @Override
    public void axpy(double alpha, Vector x, Vector y) {
        ref.axpy(alpha, x, y);
    }

    @Override
    public void scale(double alpha, Vector x) {
        ref.scale(alpha, x);
    }

    @Override
    public void apply(BoundOperator a, Vector x, Vector y) {
        ref.apply(a, x, y);
    }

    @Override
    public double applyDot(BoundOperator a, Vector p, Vector q) {
        return ref.applyDot(a, p, q);
    }

    @Override
    public double residual(BoundOperator a, Vector b, Vector x, Vector r) {
        return ref.residual(a, b, x, r);
    }

    @Override
    public void cgDirection(Vector z, double beta, Vector p) {
        ref.cgDirection(z, beta, p);
    }

    @Override
    public double cgUpdate(double alpha, Vector p, Vector q, Vector x, Vector r) {
        return ref.cgUpdate(alpha, p, q, x, r);
    }

    @Override
    public double diagonalScaleDot(Vector d, Vector r, Vector z) {
        return ref.diagonalScaleDot(d, r, z);
    }

    @Override
    public void sorSweep(BoundOperator a, Vector b, Vector x, double omega, SweepDirection direction) {
        HostCsr m = HostCsr.of(a, "SOR");
        ordering(m).sorSweep(m.matrix(), HostVector.of(b), HostVector.of(x), omega, direction);
    }

    @Override
    public double ssorApplyDot(BoundOperator a, Vector r, Vector z, double omega) {
        HostCsr m = HostCsr.of(a, "SSOR");
        return ordering(m).ssorApplyDot(m.matrix(), HostVector.of(r), HostVector.of(z), omega);
    }

    @Override
    public double choleskySolveDot(BoundOperator lower, Vector r, Vector z) {
        return ref.choleskySolveDot(lower, r, z);
    }

    @Override
    public void upload(double[] values, Vector dst) {
        ref.upload(values, dst);
    }

    @Override
    public void applyAdd(BoundOperator a, double alpha, Vector x, Vector y) {
        ref.applyAdd(a, alpha, x, y);
    }

    @Override
    public void smootherStep(BoundOperator a, Vector b, Vector x, Vector dinv, double c1, double c2, Vector d,
                             Vector xOut) {
        ref.smootherStep(a, b, x, dinv, c1, c2, d, xOut);
    }

    @Override
    public void close() {
        ref.close();
    }
}
