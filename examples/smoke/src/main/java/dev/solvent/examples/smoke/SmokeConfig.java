package dev.solvent.examples.smoke;

import java.nio.file.Path;

/**
 * Everything that defines a smoke run apart from the pressure solver's name.
 *
 * @param dims           2 or 3
 * @param n              cells along each side (the box is n x n x n, or n x n in 2D), at least 8
 * @param openTop        an open lid (AIR above the top row, p = 0 there) or a closed box (SOLID
 *                       all round: the pressure is defined up to a constant)
 * @param seed           seeds the turbulence of the inflow (and the bandit's choices)
 * @param threads        worker threads of the simulation loops and of Solvent's CPU backend
 * @param rtol           pressure solve tolerance: stop when {@code ||b - A p||_2 <= rtol ||b||_2}
 * @param maxIterations  iteration limit of one pressure solve
 * @param warmStart      start each pressure solve from the previous step's pressure (else from zero)
 * @param omega          relaxation factor of the {@code ssor} preconditioner
 * @param banditCost     what the bandit observes: {@code work} (modelled, deterministic) or {@code time}
 * @param hindsight      the bandit also runs every arm on every step, for the best fixed arm in hindsight
 * @param dcdmModel      a DCDM model description (.json beside its .safetensors), or null for the
 *                       shipped {@code dcdm-fluid-ml8}
 * @param dcdmDirections how many previous directions DCDM keeps (k)
 */
public record SmokeConfig(int dims, int n, boolean openTop, long seed, int threads, double rtol, int maxIterations,
                          boolean warmStart, double omega, String banditCost, boolean hindsight, Path dcdmModel,
                          int dcdmDirections) {

    public SmokeConfig {
        if (dims != 2 && dims != 3) {
            throw new IllegalArgumentException("dims must be 2 or 3, got " + dims);
        }
        if (n < 8) {
            throw new IllegalArgumentException("n must be at least 8 (walls, an obstacle and a source), got " + n);
        }
        if (dims == 3 && (long) n * n * n > 64_000_000L) {
            throw new IllegalArgumentException("n = " + n + " gives " + ((long) n * n * n) + " cells; the example stops at 400^3");
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        if (!(rtol > 0 && rtol < 1)) {
            throw new IllegalArgumentException("rtol must lie in (0, 1), got " + rtol);
        }
        if (maxIterations < 1) {
            throw new IllegalArgumentException("maxIterations must be positive, got " + maxIterations);
        }
        if (!(omega > 0 && omega < 2)) {
            throw new IllegalArgumentException("omega must lie in (0, 2), got " + omega);
        }
        if (!"work".equals(banditCost) && !"time".equals(banditCost)) {
            throw new IllegalArgumentException("banditCost must be work or time, got " + banditCost);
        }
        if (dcdmDirections < 1) {
            throw new IllegalArgumentException("dcdmDirections must be at least 1, got " + dcdmDirections);
        }
    }

    /** Open top, seed 1, one thread per core, rtol 1e-6, 10,000 iterations, warm start, omega 1.5, work cost, k = 64. */
    public static SmokeConfig defaults(int dims, int n) {
        return new SmokeConfig(dims, n, true, 1, Runtime.getRuntime().availableProcessors(), 1e-6, 10_000, true, 1.5,
                "work", false, null, 64);
    }

    public SmokeConfig withOpenTop(boolean v) {
        return new SmokeConfig(dims, n, v, seed, threads, rtol, maxIterations, warmStart, omega, banditCost, hindsight, dcdmModel, dcdmDirections);
    }

    public SmokeConfig withSeed(long v) {
        return new SmokeConfig(dims, n, openTop, v, threads, rtol, maxIterations, warmStart, omega, banditCost, hindsight, dcdmModel, dcdmDirections);
    }

    public SmokeConfig withThreads(int v) {
        return new SmokeConfig(dims, n, openTop, seed, v, rtol, maxIterations, warmStart, omega, banditCost, hindsight, dcdmModel, dcdmDirections);
    }

    public SmokeConfig withRtol(double v) {
        return new SmokeConfig(dims, n, openTop, seed, threads, v, maxIterations, warmStart, omega, banditCost, hindsight, dcdmModel, dcdmDirections);
    }

    public SmokeConfig withMaxIterations(int v) {
        return new SmokeConfig(dims, n, openTop, seed, threads, rtol, v, warmStart, omega, banditCost, hindsight, dcdmModel, dcdmDirections);
    }

    public SmokeConfig withWarmStart(boolean v) {
        return new SmokeConfig(dims, n, openTop, seed, threads, rtol, maxIterations, v, omega, banditCost, hindsight, dcdmModel, dcdmDirections);
    }

    public SmokeConfig withOmega(double v) {
        return new SmokeConfig(dims, n, openTop, seed, threads, rtol, maxIterations, warmStart, v, banditCost, hindsight, dcdmModel, dcdmDirections);
    }

    public SmokeConfig withBanditCost(String v) {
        return new SmokeConfig(dims, n, openTop, seed, threads, rtol, maxIterations, warmStart, omega, v, hindsight, dcdmModel, dcdmDirections);
    }

    public SmokeConfig withHindsight(boolean v) {
        return new SmokeConfig(dims, n, openTop, seed, threads, rtol, maxIterations, warmStart, omega, banditCost, v, dcdmModel, dcdmDirections);
    }

    public SmokeConfig withDcdmModel(Path v) {
        return new SmokeConfig(dims, n, openTop, seed, threads, rtol, maxIterations, warmStart, omega, banditCost, hindsight, v, dcdmDirections);
    }

    public SmokeConfig withDcdmDirections(int v) {
        return new SmokeConfig(dims, n, openTop, seed, threads, rtol, maxIterations, warmStart, omega, banditCost, hindsight, dcdmModel, v);
    }
}
