package dev.solvent.ot;

import dev.solvent.backend.Backend;
import dev.solvent.matrix.CsrMatrix;
import dev.solvent.solve.BoundSolver;
import dev.solvent.solve.ConjugateGradient;
import dev.solvent.solve.SolveResult;

import java.util.Arrays;

/**
 * The CPU implementation of {@link DualKernels}: {@link DualState}'s multithreaded kernels, and
 * the Newton work arrays (the plan, the gradient, the direction) in the Java heap. The sparsified
 * Hessian is assembled as a {@link CsrMatrix} and solved on whatever backend is passed, which
 * copies it there if that backend is a device.
 */
final class HostDualKernels implements DualKernels {

    private final DualState s;
    private final int n;
    private final int m;
    private final double[] previous;
    // Newton work arrays, made on the first formPlan: Sinkhorn alone never needs them.
    private double[] p;
    private double[] scratch;
    private double[] rowSum;
    private double[] colSum;
    private double[] rowMax;
    private double[] colMax;
    private double[] g;
    private double[] w;
    private double[] wu;
    private double[] wv;
    private CsrMatrix hessian;

    HostDualKernels(TransportProblem problem, int threads) {
        this.s = new DualState(problem, threads);
        this.n = s.n;
        this.m = s.m;
        this.previous = new double[n];
    }

    @Override
    public TransportProblem problem() {
        return s.problem;
    }

    @Override
    public String where() {
        return "cpu";
    }

    @Override
    public double rowStep() {
        return s.rowStep();
    }

    @Override
    public void columnStep() {
        s.columnStep();
    }

    @Override
    public boolean finite() {
        return s.finite();
    }

    @Override
    public void saveRowPotentials() {
        System.arraycopy(s.u, 0, previous, 0, n);
    }

    @Override
    public void restoreRowPotentials() {
        System.arraycopy(previous, 0, s.u, 0, n);
    }

    @Override
    public double formPlan() {
        if (p == null) {
            p = new double[n * m];
            scratch = new double[n * m];
            rowSum = new double[n];
            colSum = new double[m];
            rowMax = new double[n];
            colMax = new double[m];
            g = new double[n + m];
            w = new double[n + m];
            wu = new double[n];
            wv = new double[m];
        }
        s.plan(p, rowSum, colSum, rowMax, colMax);
        double[] r = s.problem.r;
        double[] c = s.problem.c;
        double error = 0.0;
        for (int i = 0; i < n; i++) {
            g[i] = r[i] - rowSum[i];
            error += Math.abs(g[i]);
        }
        for (int j = 0; j < m; j++) {
            g[n + j] = c[j] - colSum[j];
            error += Math.abs(g[n + j]);
        }
        return error;
    }

    @Override
    public void projectGradient() {
        SinkhornNewtonSparse.projectOutNullVector(g, n);
    }

    @Override
    public long sparsify(int keep, double relativeThreshold, double shift) {
        double top = SinkhornNewtonSparse.topThreshold(p, keep, scratch);
        hessian = SinkhornNewtonSparse.sparsifiedHessian(p, n, m, rowSum, colSum, rowMax, colMax, top,
                relativeThreshold, shift);
        return (hessian.nnz() - n - m) / 2;
    }

    @Override
    public SolveResult solveNewton(ConjugateGradient cg, Backend backend) {
        Arrays.fill(w, 0.0);
        SolveResult solved;
        try (BoundSolver bound = cg.setup(hessian, backend)) {
            solved = bound.solve(g, w);
        }
        SinkhornNewtonSparse.projectOutNullVector(w, n);
        System.arraycopy(w, 0, wu, 0, n);
        System.arraycopy(w, n, wv, 0, m);
        return solved;
    }

    @Override
    public double gradientDotDirection() {
        double gw = 0.0;
        for (int q = 0; q < n + m; q++) {
            gw += g[q] * w[q];
        }
        return gw;
    }

    @Override
    public double maxPairSum() {
        return SinkhornNewtonSparse.maxPairSum(wu, wv);
    }

    @Override
    public double phiSum(double alpha) {
        return s.phiSum(p, wu, wv, alpha);
    }

    @Override
    public void step(double alpha) {
        for (int i = 0; i < n; i++) {
            s.u[i] += alpha * wu[i];
        }
        for (int j = 0; j < m; j++) {
            s.v[j] += alpha * wv[j];
        }
    }

    @Override
    public void potentials(double[] u, double[] v) {
        System.arraycopy(s.u, 0, u, 0, n);
        System.arraycopy(s.v, 0, v, 0, m);
    }

    /** Evaluated in place: the potentials are already on the host. */
    @Override
    public OtResult result(String method, OtReason reason, double planThreshold, int sinkhornIterations,
                           int newtonIterations, long cgIterations, long startNanos, String message, int threads) {
        return s.result(method, reason, planThreshold, sinkhornIterations, newtonIterations, cgIterations, startNanos,
                message);
    }

    @Override
    public void close() {
        s.close();
    }
}
