package dev.solvent.jmh;

import dev.solvent.backend.Backend;
import dev.solvent.backend.Backends;
import dev.solvent.backend.Vector;
import dev.solvent.backend.cpu.ParallelCpuBackend;
import dev.solvent.backend.cpu.WorkerPool;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The memory-bandwidth floor every other figure is measured against: a STREAM-style triad
 * ({@code a = b + s c}, 24 bytes per element by STREAM's count) and a dot product (16 bytes per
 * element), on arrays the size of the 128^3 vectors and larger than the last-level cache, run on
 * the very {@link WorkerPool} of the CPU backend with the same thread count and the same split
 * (even ranges rounded to 8 doubles). Whatever the pool's hand-off costs, the floor pays too, so
 * "ours / floor" isolates the kernels themselves.
 *
 * <p>{@code backendDot} is the backend's own {@code dot} on the same arrays: the gap between it
 * and {@code dot} is the backend's dispatch overhead.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class BandwidthBenchmark {

    /** 128^3 = 2097152 (the size of the solver's vectors) and four times that. */
    @Param({"2097152", "8388608"})
    public int n;

    /** Threads of the pool, the caller included. */
    @Param({"2"})
    public int threads;

    private static final double SCALAR = 3.0;

    private Backend backend;
    private WorkerPool pool;
    private double[] a;
    private double[] b;
    private double[] c;
    private Vector bv;
    private Vector cv;
    private final TriadTask triad = new TriadTask();
    private final DotTask dot = new DotTask();

    @Setup(Level.Trial)
    public void setUp() {
        backend = Backends.cpu(threads);
        pool = ((ParallelCpuBackend) backend).pool();
        if (pool.threads() != threads) {
            throw new IllegalStateException("the backend's pool has " + pool.threads() + " threads, asked for " + threads);
        }
        a = new double[n];
        b = Fixtures.randomVector(n, 1);
        c = Fixtures.randomVector(n, 2);
        bv = backend.wrap(b);
        cv = backend.wrap(c);
        int chunk = (int) Math.min(Integer.MAX_VALUE, ((((long) n + threads - 1) / threads) + 7) & ~7L);
        triad.set(a, b, c, SCALAR, n, chunk);
        dot.set(b, c, n, chunk, threads);
        verify();
    }

    /** The answers, checked against plain sequential loops before anything is timed. */
    private void verify() {
        pool.run(triad);
        for (int i = 0; i < n; i++) {
            if (a[i] != b[i] + SCALAR * c[i]) {
                throw new IllegalStateException("triad wrong at " + i);
            }
        }
        double expected = 0.0;
        for (int i = 0; i < n; i++) {
            expected += b[i] * c[i];
        }
        double got = dot();
        double viaBackend = backend.dot(bv, cv);
        // Parallel partial sums round differently from one running sum; both stay within n ulps.
        double tol = 1e-12 * n * Math.abs(expected) + 1e-9;
        if (Math.abs(got - expected) > tol || Math.abs(viaBackend - expected) > tol) {
            throw new IllegalStateException("dot wrong: " + got + " and " + viaBackend + ", expected " + expected);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        backend.close();
    }

    /** a = b + s c over the pool: 24n bytes. Returns nothing: the array write is the side effect JMH cannot drop. */
    @Benchmark
    public double[] triad() {
        pool.run(triad);
        return a;
    }

    /** b . c over the pool: 16n bytes. */
    @Benchmark
    public double dot() {
        pool.run(dot);
        return dot.sum();
    }

    /** The backend's own dot on the same arrays (16n bytes), to show its dispatch overhead. */
    @Benchmark
    public double backendDot() {
        return backend.dot(bv, cv);
    }

    /** Triad share of one worker: long-lived, fields set once, so dispatching allocates nothing. */
    private static final class TriadTask implements WorkerPool.Task {
        private double[] a;
        private double[] b;
        private double[] c;
        private double s;
        private int n;
        private int chunk;

        void set(double[] a, double[] b, double[] c, double s, int n, int chunk) {
            this.a = a;
            this.b = b;
            this.c = c;
            this.s = s;
            this.n = n;
            this.chunk = chunk;
        }

        @Override
        public void run(int worker) {
            int lo = (int) Math.min(n, (long) worker * chunk);
            int hi = (int) Math.min(n, (long) lo + chunk);
            double[] a = this.a;
            double[] b = this.b;
            double[] c = this.c;
            double s = this.s;
            for (int i = lo; i < hi; i++) {
                a[i] = b[i] + s * c[i];
            }
        }
    }

    /** Dot share of one worker; partial sums 8 doubles (one cache line) apart so workers do not share lines. */
    private static final class DotTask implements WorkerPool.Task {
        private static final int PAD = 8;
        private double[] x;
        private double[] y;
        private int n;
        private int chunk;
        private int threads;
        private double[] partials;

        void set(double[] x, double[] y, int n, int chunk, int threads) {
            this.x = x;
            this.y = y;
            this.n = n;
            this.chunk = chunk;
            this.threads = threads;
            this.partials = new double[(threads + 2) * PAD];
        }

        @Override
        public void run(int worker) {
            int lo = (int) Math.min(n, (long) worker * chunk);
            int hi = (int) Math.min(n, (long) lo + chunk);
            double[] x = this.x;
            double[] y = this.y;
            // Four independent sums: one running sum would wait on the adder's latency every
            // element and measure that instead of memory.
            double s0 = 0.0;
            double s1 = 0.0;
            double s2 = 0.0;
            double s3 = 0.0;
            int i = lo;
            for (; i + 3 < hi; i += 4) {
                s0 += x[i] * y[i];
                s1 += x[i + 1] * y[i + 1];
                s2 += x[i + 2] * y[i + 2];
                s3 += x[i + 3] * y[i + 3];
            }
            for (; i < hi; i++) {
                s0 += x[i] * y[i];
            }
            partials[(worker + 1) * PAD] = (s0 + s1) + (s2 + s3);
        }

        double sum() {
            double s = 0.0;
            for (int w = 1; w <= threads; w++) {
                s += partials[w * PAD];
            }
            return s;
        }
    }
}
