package dev.solvent.jmh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportTest {

    @Test
    void readsJsonAsJmhWritesIt() {
        Object v = Report.readJson("[{\"a\": \"x\\\"y\\u0041\", \"b\": [1, -2.5e3, true, null], \"c\": {}, \"d\": \"NaN\"}]", "t");
        Map<?, ?> m = (Map<?, ?>) ((List<?>) v).get(0);
        assertEquals("x\"yA", m.get("a"));
        List<?> b = (List<?>) m.get("b");
        assertEquals(1.0, Report.number(b.get(0)));
        assertEquals(-2500.0, Report.number(b.get(1)));
        assertEquals(true, b.get(2));
        assertTrue(Double.isNaN(Report.number(m.get("d"))));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Report.readJson("{\"a\": 1", "r.json"));
        assertTrue(e.getMessage().startsWith("r.json: "), e.getMessage());
    }

    @Test
    void byteModelsFollowTheDocumentedFormulas() {
        long n = 4 * 4 * 4;
        long nnz = Fixtures.poissonNonzeros(4);
        assertEquals(12.0 * nnz + 4.0 * (n + 1) + 16.0 * n, Report.spmvBytes("csr", 4));
        assertEquals(16.0 * n, Report.spmvBytes("stencil", 4));
        assertEquals(88.0 * n + 12.0 * nnz + 4.0 * (n + 1), Report.cgIterationBytes("csr", 4));
        assertEquals(88.0 * n, Report.cgIterationBytes("stencil", 4));
    }

    private static String entry(String benchmark, String params, double score, double error, Double perIteration) {
        String secondary = perIteration == null ? "{}"
                : "{\"iterations\": {\"score\": " + perIteration + ", \"scoreError\": \"NaN\", \"scoreUnit\": \"ms/op\"}}";
        return "{\"jdkVersion\": \"17\", \"vmName\": \"VM\", \"vmVersion\": \"1\", \"benchmark\": \"dev.solvent.jmh."
                + benchmark + "\", \"params\": {" + params + "}, \"primaryMetric\": {\"score\": " + score
                + ", \"scoreError\": " + error + ", \"scoreUnit\": \"ms/op\"}, \"secondaryMetrics\": " + secondary + "}";
    }

    @Test
    void rendersRatiosAndVerdicts() {
        double n = 2097152;
        // Triad at 10 GB/s: 24 n bytes in 24 n / 1e7 ms.
        double triadMs = 24 * n / 1e7;
        // CSR SpMV at 8 GB/s (80%: met); stencil 1.5x faster (missed).
        double csrMs = Report.spmvBytes("csr", 128) / 8e6;
        double stencilMs = csrMs / 1.5;
        // CG iteration at exactly 1.4x its floor (missed).
        double cgMs = 1.4 * Report.cgIterationBytes("csr", 128) / 1e7;
        String json = "[" + String.join(",",
                entry("BandwidthBenchmark.triad", "\"n\": \"2097152\", \"threads\": \"2\"", triadMs, 0.1, null),
                entry("SpmvBenchmark.apply", "\"grid\": \"128\", \"operator\": \"csr\", \"threads\": \"2\"", csrMs, 0.1, null),
                entry("SpmvBenchmark.apply", "\"grid\": \"128\", \"operator\": \"stencil\", \"threads\": \"2\"", stencilMs, 0.1, null),
                entry("CgIterationBenchmark.iteration", "\"grid\": \"128\", \"operator\": \"csr\", \"threads\": \"2\"", cgMs, 0.1, null),
                entry("SolveBenchmark.solve", "\"grid\": \"64\", \"pc\": \"none\", \"cap\": \"0\", \"operator\": \"csr\", \"threads\": \"2\"",
                        1000, 10, 5.0),
                entry("MtjSolveBenchmark.solve", "\"grid\": \"64\", \"pc\": \"none\", \"cap\": \"0\"", 3000, 10, 15.0),
                entry("CommonsMathSolveBenchmark.solve", "\"grid\": \"64\", \"pc\": \"none\", \"cap\": \"0\"", 2000, 10, 10.0))
                + "]";
        List<Report.Result> results = new ArrayList<>();
        for (Object o : (List<?>) Report.readJson(json, "t")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> e = (Map<String, Object>) o;
            results.add(Report.toResult(e));
        }
        String md = new Report(results).render("test machine", "17", "jmh/run.sh", "preliminary");
        assertTrue(md.contains("> **preliminary**"), md);
        assertTrue(md.contains("| CSR SpMV at 128^3 reaches >= 75% of triad bandwidth | 80% ± "), md);
        assertTrue(md.contains("**met** (106.7% of the target)"), md);
        assertTrue(md.contains("| stencil SpMV >= 2x faster than CSR SpMV (128^3) | 1.50×"), md);
        assertTrue(md.contains("| CG iteration (CSR, 128^3) <= 1.3x its bandwidth floor | 1.40×"), md);
        assertTrue(md.contains("than MTJ (64^3, full solve) | 3.00×"), md);
        assertTrue(md.contains("than Commons Math (64^3, full solve) | 2.00×"), md);
        // 200 iterations = 1000 ms / 5 ms.
        assertTrue(md.contains("| 200 | 1000 ± 10 |"), md);
        assertEquals(2, count(md, "**met**"), md);
        assertEquals(3, count(md, "**missed**"), md);
    }

    private static int count(String s, String what) {
        int c = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
            c++;
        }
        return c;
    }

    /** A verdict only when the whole error bar lies on one side of the target (docs/benchmarks.md had 3.05x +- 2.62 as met). */
    @Test
    void verdictsNeedTheWholeErrorBarOnOneSide() {
        assertTrue(Report.atLeast(new Report.Figure(3.05, 2.62), 2.5).startsWith("**undecided**"));
        assertTrue(Report.atLeast(new Report.Figure(3.05, 0.5), 2.5).startsWith("**met** (122.0% of the target)"));
        assertTrue(Report.atLeast(new Report.Figure(2.0, 0.4), 2.5).startsWith("**missed** (80.0% of the target)"));
        assertTrue(Report.atLeast(new Report.Figure(2.49, 0.32), 2.5).startsWith("**undecided**"));
        assertTrue(Report.atMost(new Report.Figure(0.98, 0.44), 1.3).startsWith("**undecided**"));
        assertTrue(Report.atMost(new Report.Figure(1.0, 0.1), 1.3).startsWith("**met**"));
        assertTrue(Report.atMost(new Report.Figure(1.6, 0.1), 1.3).startsWith("**missed**"));
        assertTrue(Report.atLeast(new Report.Figure(3.0, Double.NaN), 2.5).startsWith("**undecided**"), "no error bar");
    }

    @Test
    void formatsNumbersToThreeFigures() {
        assertEquals("123", Report.num(123.4));
        assertEquals("12.3", Report.num(12.34));
        assertEquals("1.23", Report.num(1.234));
        assertEquals("0.123", Report.num(0.1234));
        assertEquals("0.0012", Report.num(0.00123));
        assertEquals("1.23 ± 0.010", Report.fmt(new Report.Figure(1.234, 0.01)));
    }
}
