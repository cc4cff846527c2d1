package dev.solvent.multigrid;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solvent.gen.FluidGrid;
import dev.solvent.gen.Generators;
import dev.solvent.matrix.CsrMatrix;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The hierarchy itself: the same for any number of setup threads, a tentative prolongator that
 * reproduces the near null space with orthonormal columns, Galerkin operators that are symmetric
 * and equal to {@code P^T A P} computed here independently, aggregates that cover what they must,
 * the null space recognised for a singular system, and a report whose complexities follow from its
 * own level table.
 */
@Timeout(120)
class HierarchyTest {

    @Test
    void setupIsTheSameForAnyThreadCount() {
        CsrMatrix a = Generators.variableCoefficient2d(70, 61, (x, y) -> 1.0 + 100.0 * x * x * y).matrix();
        AmgOptions options = AmgOptions.defaults().withCoarseSize(30);
        Hierarchy one = Hierarchy.build(a, options, 1);
        assertTrue(one.size() >= 3, "several levels: " + one.size());
        for (int threads : new int[] {2, 3, 5}) {
            Hierarchy h = Hierarchy.build(a, options, threads);
            assertEquals(one.size(), h.size());
            for (int l = 0; l < h.size(); l++) {
                Hierarchy.Level x = one.level(l);
                Hierarchy.Level y = h.level(l);
                assertEquals(x.a, y.a, "A on level " + l + " with " + threads + " threads");
                assertEquals(Double.doubleToLongBits(x.rho), Double.doubleToLongBits(y.rho), "rho on level " + l);
                if (l < h.size() - 1) {
                    assertEquals(x.p, y.p, "P on level " + l);
                    assertEquals(x.restriction(), y.restriction(), "R on level " + l);
                    assertArrayEquals(x.aggregates, y.aggregates, "aggregates on level " + l);
                }
            }
        }
        // And run to run.
        assertEquals(one.level(1).a, Hierarchy.build(a, options, 1).level(1).a);
    }

    @Test
    void galerkinOperatorIsPtApComputedIndependently() {
        CsrMatrix a = Generators.poisson2d(30).matrix();
        Hierarchy h = Hierarchy.build(a, AmgOptions.defaults().withCoarseSize(40), 2);
        Hierarchy.Level fine = h.level(0);
        double[][] p = dense(fine.p);
        double[][] ad = dense(a);
        int n = a.rows();
        int m = fine.p.cols();
        double[][] ap = new double[n][m];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < n; k++) {
                if (ad[i][k] != 0.0) {
                    for (int j = 0; j < m; j++) {
                        ap[i][j] += ad[i][k] * p[k][j];
                    }
                }
            }
        }
        double[][] coarse = dense(h.level(1).a);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < m; j++) {
                double s = 0.0;
                for (int k = 0; k < n; k++) {
                    s += p[k][i] * ap[k][j];
                }
                assertEquals(s, coarse[i][j], 1e-12 * 8, "A_c(" + i + ", " + j + ")");
                assertEquals(coarse[i][j], coarse[j][i], 1e-13, "A_c symmetric at (" + i + ", " + j + ")");
            }
        }
        // R is P^T.
        assertEquals(fine.p.transpose(), fine.restriction());
        // P = (I - omega D^-1 A) T with omega = 4/3 / rho.
        double omega = (4.0 / 3.0) / fine.rho;
        double[][] t = dense(fine.tentative);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                double s = t[i][j];
                for (int k = 0; k < n; k++) {
                    s -= omega / ad[i][i] * ad[i][k] * t[k][j];
                }
                assertEquals(s, p[i][j], 1e-14, "P(" + i + ", " + j + ")");
            }
        }
        // rho(D^-1 A) of the 2D Laplacian is 1 + cos(pi / 31), and Gershgorin's bound of it is 2
        // (4 / 4 plus four off-diagonal 1 / 4), within 10 per cent above: the bound is the estimate.
        double exact = 1.0 + Math.cos(Math.PI / 31);
        assertTrue(exact < 2.0 && 2.0 <= 1.1 * exact);
        assertEquals(2.0, fine.rho, 0.0, "rho " + fine.rho + " vs " + exact);
    }

    @Test
    void tentativeProlongatorReproducesTheNearNullSpaceWithOrthonormalColumns() {
        int n = 300;
        double[][] b = new double[3][n];
        int[] agg = new int[n];
        for (int i = 0; i < n; i++) {
            b[0][i] = 1.0;
            b[1][i] = i % 7;
            b[2][i] = Math.sin(i);
            // Aggregates of 2 to 5 unknowns, the first too small for three vectors; unknown 13 left out.
            agg[i] = i < 2 ? 0 : i < 6 ? 1 : 2 + (i - 6) / 5;
        }
        agg[13] = -1;
        int count = 2 + (n - 6 + 4) / 5;
        TentativeProlongator tp = TentativeProlongator.build(agg, count, b);
        double[][] t = dense(tp.t());
        int m = tp.t().cols();
        assertTrue(m < 3 * count && m > 2 * count, "dependent columns dropped: " + m + " of " + 3 * count);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < m; j++) {
                double s = 0.0;
                for (int k = 0; k < n; k++) {
                    s += t[k][i] * t[k][j];
                }
                assertEquals(i == j ? 1.0 : 0.0, s, 1e-12, "T^T T at (" + i + ", " + j + ")");
            }
        }
        for (int c = 0; c < 3; c++) {
            double[] tb = new double[n];
            tp.t().apply(tp.coarse()[c], tb);
            for (int i = 0; i < n; i++) {
                assertEquals(i == 13 ? 0.0 : b[c][i], tb[i], 1e-12, "T B_c = B at " + i + ", vector " + c);
            }
        }
        // The constant alone: T[i, a] = 1 / sqrt(|a|), B_c[a] = sqrt(|a|).
        TentativeProlongator constant = TentativeProlongator.build(agg, count, new double[][] {b[0]});
        assertEquals(1.0 / Math.sqrt(2), constant.t().get(0, 0), 1e-15);
        assertEquals(Math.sqrt(2), constant.coarse()[0][0], 1e-15);
        assertEquals(1.0 / Math.sqrt(4), constant.t().get(2, 1), 1e-15);
        assertEquals(0, constant.t().rowPtr()[14] - constant.t().rowPtr()[13], "unknown 13 has an empty row");
    }

    @Test
    void coarseLevelsTakeNodesOfKUnknownsOnlyWhenNoColumnWasDropped() {
        // 1D, three vectors (1, x, x^2), given aggregates of six unknowns except a first one of
        // two: that one loses its x^2 column, so the coarse level (3 * 41 - 1 = 122 unknowns)
        // cannot be cut into nodes of three; with every aggregate whole it can.
        int n = 240;
        double[][] b = new double[3][n];
        int[] agg = new int[n];
        int[] whole = new int[n];
        for (int i = 0; i < n; i++) {
            b[0][i] = 1.0;
            b[1][i] = i / (double) n;
            b[2][i] = b[1][i] * b[1][i];
            agg[i] = i < 2 ? 0 : i < 6 ? 1 : 2 + (i - 6) / 6;
            whole[i] = i / 6;
        }
        CsrMatrix a = Generators.poisson1d(n).matrix();
        AmgOptions options = AmgOptions.defaults().withNearNullSpace(b).withCoarseSize(20);
        Hierarchy cut = Hierarchy.build(a, options.withAggregates(agg), 2);
        assertTrue(cut.size() >= 2 && cut.failure == null, "levels " + cut.size() + ", failure " + cut.failure);
        assertEquals(122, cut.level(1).a.rows());
        assertEquals(1, cut.level(1).blockSize);
        Hierarchy nodes = Hierarchy.build(a, options.withAggregates(whole), 2);
        assertEquals(120, nodes.level(1).a.rows());
        assertEquals(3, nodes.level(1).blockSize);
        double[] rhs = new double[n];
        java.util.Arrays.fill(rhs, 1.0);
        for (int[] given : new int[][] {agg, whole}) {
            double[] x = new double[n];
            try (var be = dev.solvent.backend.Backends.cpu(1);
                 var s = new dev.solvent.solve.ConjugateGradient(dev.solvent.solve.SolverOptions.defaults(),
                         new AmgPreconditioner(options.withAggregates(given))).setup(a, be)) {
                assertTrue(s.solve(rhs, x).converged());
                assertTrue(dev.solvent.Residuals.relative(a, x, rhs) <= 1e-8);
            }
        }
    }

    @Test
    void standardAggregationCoversEveryConnectedNodeWithConnectedAggregates() {
        CsrMatrix a = Generators.poisson2d(40).matrix();
        StrengthGraph g = StrengthGraph.of(a, Hierarchy.diagonal(a, 0), 1, 0.02, new dev.solvent.matrix.ParallelRows(1));
        Aggregation agg = Aggregation.standard(g);
        int[] size = new int[agg.count()];
        for (int i = 0; i < a.rows(); i++) {
            assertTrue(agg.ofNode()[i] >= 0, "node " + i + " aggregated");
            size[agg.ofNode()[i]]++;
        }
        for (int s : size) {
            // A root with its neighbours (at most 5 in 2D) plus a layer of joiners.
            assertTrue(s >= 1 && s <= 13, "aggregate size " + s);
        }
        // Each aggregate is connected in the strength graph: every member but its first has a
        // neighbour in the same aggregate.
        for (int i = 0; i < a.rows(); i++) {
            boolean alone = true;
            for (int k = g.rowPtr()[i]; k < g.rowPtr()[i + 1]; k++) {
                alone &= agg.ofNode()[g.colIdx()[k]] != agg.ofNode()[i];
            }
            assertTrue(!alone || size[agg.ofNode()[i]] == 1, "node " + i + " is cut off from its aggregate");
        }
        // Coarsening ratio of standard aggregation on the 5-point stencil: about 1/5 to 1/6.
        assertTrue(agg.count() > a.rows() / 8 && agg.count() < a.rows() / 3, agg.count() + " aggregates");
    }

    @Test
    void strengthThresholdDropsWeakCouplings() {
        // Anisotropic: x couplings 1, y couplings 0.001; diagonal 2.002.
        CsrMatrix a = Generators.anisotropic2d(10, 10, 0.001).matrix();
        StrengthGraph g = StrengthGraph.of(a, Hierarchy.diagonal(a, 0), 1, 0.25, new dev.solvent.matrix.ParallelRows(2));
        for (int i = 0; i < a.rows(); i++) {
            for (int k = g.rowPtr()[i]; k < g.rowPtr()[i + 1]; k++) {
                assertEquals(i / 10, g.colIdx()[k] / 10, "only x neighbours are strong");
            }
        }
        // Node blocks: a 2 x 2 block system amalgamated.
        CsrMatrix block = CsrMatrix.of(4, 4, new int[] {0, 3, 6, 9, 12}, new int[] {0, 1, 2, 0, 1, 3, 0, 2, 3, 1, 2, 3},
                new double[] {4, 1, -1, 1, 4, -1, -1, 4, 1, -1, 1, 4});
        CsrMatrix nodes = StrengthGraph.amalgamate(block, 2, new dev.solvent.matrix.ParallelRows(1));
        assertEquals(2, nodes.rows());
        assertEquals(Math.sqrt(16 + 1 + 1 + 16), nodes.get(0, 0), 1e-15);
        assertEquals(Math.sqrt(1 + 1), nodes.get(0, 1), 1e-15);
    }

    @Test
    void singularSystemIsRecognisedAndDefiniteOneIsNot() {
        Hierarchy closed = Hierarchy.build(FluidGrid.smokeBox(12, false).pressureProblem(null).matrix(),
                AmgOptions.defaults().withCoarseSize(20), 2);
        assertEquals(1, closed.fineNullBasis.length, "the constant");
        double expected = 1.0 / Math.sqrt(closed.level(0).a.rows());
        for (double u : closed.fineNullBasis[0]) {
            assertEquals(expected, u, 1e-15);
        }
        assertTrue(closed.failure == null, closed.failure);
        Hierarchy open = Hierarchy.build(FluidGrid.smokeBox(12, true).pressureProblem(null).matrix(),
                AmgOptions.defaults().withCoarseSize(20), 2);
        assertEquals(0, open.fineNullBasis.length);
    }

    @Test
    void reportListsLevelsComplexitiesAndPhases() {
        CsrMatrix a = Generators.poisson3d(14).matrix();
        try (var be = dev.solvent.backend.Backends.cpu(2);
             var solver = new dev.solvent.solve.ConjugateGradient(dev.solvent.solve.SolverOptions.defaults(),
                     new AmgPreconditioner(AmgOptions.defaults().withCoarseSize(30))).setup(a, be)) {
            Map<?, ?> report = (Map<?, ?>) solver.setupReport().get("preconditioner");
            List<?> levels = (List<?>) report.get("levels");
            assertTrue(levels.size() >= 2);
            long nnz = 0;
            long rows = 0;
            int previousRows = Integer.MAX_VALUE;
            for (Object o : levels) {
                Map<?, ?> level = (Map<?, ?>) o;
                int r = ((Number) level.get("rows")).intValue();
                assertTrue(r < previousRows, "levels shrink");
                previousRows = r;
                rows += r;
                nnz += ((Number) level.get("nonzeros")).longValue();
            }
            assertEquals(a.rows(), ((Number) ((Map<?, ?>) levels.get(0)).get("rows")).intValue());
            assertEquals(a.nnz(), ((Number) ((Map<?, ?>) levels.get(0)).get("nonzeros")).intValue());
            assertEquals((double) nnz / a.nnz(), ((Number) report.get("operatorComplexity")).doubleValue(), 1e-3);
            assertEquals((double) rows / a.rows(), ((Number) report.get("gridComplexity")).doubleValue(), 1e-3);
            assertEquals(Boolean.FALSE, report.get("nullSpaceProjected"));
            Map<?, ?> seconds = (Map<?, ?>) report.get("seconds");
            for (String phase : List.of("strength", "aggregation", "tentative", "smoothing", "galerkin",
                    "coarseFactor", "upload")) {
                assertTrue(((Number) seconds.get(phase)).doubleValue() >= 0.0, phase);
            }
            assertFalse(report.containsKey("resetups"));
        }
    }

    @Test
    void aNodeWeaklyCoupledToEveryOtherStaysOffTheCoarseLevels() {
        // 2D Poisson (shifted to be definite) bordered by one node coupled weakly to all others,
        // as a global constraint would be: it has no strong neighbour, so no aggregate, and its
        // prolongator row stays empty; smoothed from its weak couplings it reached every aggregate
        // and, through A P, filled every coarse row.
        CsrMatrix p = Generators.poisson2d(40).matrix();
        int n = p.rows();
        dev.solvent.matrix.CooBuilder b = CsrMatrix.builder(n + 1, n + 1);
        for (int i = 0; i < n; i++) {
            for (int k = p.rowPtr()[i]; k < p.rowPtr()[i + 1]; k++) {
                b.add(i, p.colIdx()[k], p.values()[k] + (p.colIdx()[k] == i ? 1e-3 : 0.0));
            }
            b.add(i, n, -1e-3);
            b.add(n, i, -1e-3);
        }
        b.add(n, n, 1e-3 * n + 1.0);
        CsrMatrix bordered = b.build();
        AmgOptions options = AmgOptions.defaults().withCoarseSize(40);
        Hierarchy h = Hierarchy.build(bordered, options, 2);
        Hierarchy plain = Hierarchy.build(p, options, 2);
        assertEquals(-1, h.level(0).aggregates[n], "the bordering node has no aggregate");
        assertEquals(0, h.level(0).p.rowPtr()[n + 1] - h.level(0).p.rowPtr()[n], "and an empty prolongator row");
        assertEquals(plain.size(), h.size());
        for (int l = 1; l < h.size(); l++) {
            assertEquals(plain.level(l).a.nnz(), h.level(l).a.nnz(), "level " + l + " as without the border");
        }
        // And the re-setup, which refills the kept patterns, keeps the row empty.
        h.resetup(bordered.withValues(bordered.values().clone()), 2);
        assertEquals(0, h.level(0).p.rowPtr()[n + 1] - h.level(0).p.rowPtr()[n]);
        assertEquals(Hierarchy.build(bordered, options, 2).level(1).a, h.level(1).a, "re-setup equals a fresh setup");
    }

    static double[][] dense(CsrMatrix m) {
        double[][] d = new double[m.rows()][m.cols()];
        for (int i = 0; i < m.rows(); i++) {
            for (int k = m.rowPtr()[i]; k < m.rowPtr()[i + 1]; k++) {
                d[i][m.colIdx()[k]] = m.values()[k];
            }
        }
        return d;
    }
}
