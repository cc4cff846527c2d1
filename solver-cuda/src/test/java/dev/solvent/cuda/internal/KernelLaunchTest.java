package dev.solvent.cuda.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jcuda.driver.CUdeviceptr;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every launcher of {@link Kernels}, replayed against a recording device (no GPU, no driver): each
 * launch must name a kernel of the PTX, pass as many arguments as it has parameters, each of the
 * right kind (int, double, pointer) per both the .cu signature and the PTX {@code .param} types,
 * and each argument must be the value the caller meant for the parameter of that NAME in the .cu
 * source. Grids must be within the partial-sum buffer, and every reduction must sum exactly the
 * partials its kernel wrote. A swapped or missing argument, which on a GPU would read garbage or
 * fault, fails here.
 */
class KernelLaunchTest {

    /** One kernel parameter: its name in the .cu source and its kind: i(nt), d(ouble), p(ointer). */
    record Param(String name, char kind) {
    }

    record Launch(String entry, int blocks, Object[] args) {
    }

    private static final int MAX_BLOCKS = 12;
    private static Map<String, List<Param>> signatures;

    private final List<Launch> launches = new ArrayList<>();
    private DeviceBuffer partial;
    private DeviceBuffer result;
    private Kernels kernels;
    private final List<String> zeroed = new ArrayList<>();

    private static DeviceBuffer fake(long bytes) {
        DeviceMemory memory = new DeviceMemory((CudaContext) null);
        return new DeviceBuffer(memory, new DeviceMemory.Allocation(memory, new CUdeviceptr(), bytes));
    }

    /** Parameter lists from the .cu sources, their kinds cross-checked with the PTX .param types. */
    private static synchronized Map<String, List<Param>> signatures() throws IOException {
        if (signatures != null) {
            return signatures;
        }
        Map<String, List<Param>> all = new HashMap<>();
        Pattern kernel = Pattern.compile("extern \"C\" __global__ void (\\w+)\\(([^)]*)\\)", Pattern.DOTALL);
        for (String module : List.of("blas", "spmv", "relax", "ot", "conv")) {
            String cu = Files.readString(Path.of("src", "main", "cuda", module + ".cu"));
            String ptx = new String(PtxModule.readResource(module), StandardCharsets.US_ASCII);
            Matcher m = kernel.matcher(cu);
            while (m.find()) {
                List<Param> params = new ArrayList<>();
                for (String decl : m.group(2).split(",")) {
                    String d = decl.trim().replaceAll("\\s+", " ");
                    String name = d.substring(d.lastIndexOf(' ') + 1).replace("*", "");
                    char kind = d.contains("*") ? 'p' : d.startsWith("int ") ? 'i' : d.startsWith("double ") ? 'd' : '?';
                    assertTrue(kind != '?', "unexpected parameter type in " + m.group(1) + ": " + d);
                    params.add(new Param(name, kind));
                }
                // The PTX of this entry: .param .u32/.s32 (int), .f64 (double), .u64 (pointer).
                Matcher e = Pattern.compile("\\.entry " + m.group(1) + "\\(([^)]*)\\)", Pattern.DOTALL).matcher(ptx);
                assertTrue(e.find(), m.group(1) + " missing from " + module + ".ptx");
                List<Character> ptxKinds = new ArrayList<>();
                Matcher t = Pattern.compile("\\.param \\.(\\w+) ").matcher(e.group(1));
                while (t.find()) {
                    ptxKinds.add(switch (t.group(1)) {
                        case "u32", "s32" -> 'i';
                        case "f64" -> 'd';
                        case "u64" -> 'p';
                        default -> '?';
                    });
                }
                assertEquals(params.stream().map(Param::kind).toList(), ptxKinds, m.group(1) + ": .cu and PTX disagree");
                all.put(m.group(1), params);
            }
        }
        signatures = all;
        return all;
    }

    @BeforeEach
    void recordingDevice() {
        partial = fake(8L * MAX_BLOCKS);
        result = fake(8);
        Kernels.Device recorder = new Kernels.Device() {
            @Override
            public void launch(String entry, int blocks, Object[] args) {
                launches.add(new Launch(entry, blocks, args.clone()));
            }

            @Override
            public double read(DeviceBuffer buffer) {
                assertSame(result, buffer, "a reduction must read the result buffer");
                return 42.0;
            }

            @Override
            public void zero(DeviceBuffer buffer, long bytes) {
                assertSame(partial, buffer);
                assertEquals(8L * MAX_BLOCKS, bytes, "zero all partials");
                zeroed.add("partial@" + launches.size());
            }

            @Override
            public void close() {
            }
        };
        kernels = new Kernels(recorder, MAX_BLOCKS, partial, result);
    }

    /** Checks launch {@code index} against the .cu signature: names map to the expected values. */
    private void expect(int index, String entry, Map<String, Object> byName) throws IOException {
        Launch l = launches.get(index);
        assertEquals(entry, l.entry(), "launch " + index);
        List<Param> params = signatures().get(entry);
        assertEquals(params.size(), l.args().length, entry + ": argument count");
        assertTrue(l.blocks() >= 1 && l.blocks() <= MAX_BLOCKS, entry + ": grid of " + l.blocks() + " blocks");
        for (int i = 0; i < params.size(); i++) {
            Param p = params.get(i);
            Object a = l.args()[i];
            Class<?> kind = switch (p.kind()) {
                case 'i' -> Integer.class;
                case 'd' -> Double.class;
                default -> DeviceBuffer.class;
            };
            assertTrue(kind.isInstance(a), entry + ": parameter " + p.name() + " wants " + kind.getSimpleName() + ", got " + a);
            assertTrue(byName.containsKey(p.name()), entry + ": test does not say what " + p.name() + " should be");
            Object want = byName.get(p.name());
            if (want instanceof DeviceBuffer) {
                assertSame(want, a, entry + ": parameter " + p.name());
            } else {
                assertEquals(want, a, entry + ": parameter " + p.name());
            }
        }
        assertEquals(params.size(), byName.size(), entry + ": the test names parameters the kernel lacks");
    }

    /** The reduction after launch {@code index - 1}: sums exactly that launch's partials. */
    private void expectReduce(int index, int blocks) throws IOException {
        expect(index, "solvent_reduce", map("m", blocks, "partial", partial, "out", result));
        assertEquals(1, launches.get(index).blocks(), "the second pass runs in one block");
    }

    private static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void vectorLaunchersPassTheirArgumentsInKernelOrder() throws IOException {
        DeviceBuffer x = fake(8000);
        DeviceBuffer y = fake(8000);
        DeviceBuffer z = fake(8000);
        DeviceBuffer r = fake(8000);
        DeviceBuffer q = fake(8000);
        kernels.fill(1000, 2.5, x);
        kernels.axpy(1000, -0.5, x, y);
        kernels.scale(1000, 3.0, y);
        assertEquals(42.0, kernels.dot(1000, x, y));
        kernels.cgDirection(1000, z, 0.25, x);
        assertEquals(42.0, kernels.cgUpdate(1000, 0.75, x, q, y, r));
        assertEquals(42.0, kernels.diagScaleDot(1000, z, r, y));
        int g = kernels.blocks(1000);
        assertEquals(4, g);
        expect(0, "solvent_fill", map("n", 1000, "value", 2.5, "x", x));
        expect(1, "solvent_axpy", map("n", 1000, "alpha", -0.5, "x", x, "y", y));
        expect(2, "solvent_scale", map("n", 1000, "alpha", 3.0, "x", y));
        expect(3, "solvent_dot", map("n", 1000, "x", x, "y", y, "partial", partial));
        expectReduce(4, launches.get(3).blocks());
        expect(5, "solvent_cg_direction", map("n", 1000, "z", z, "beta", 0.25, "p", x));
        expect(6, "solvent_cg_update", map("n", 1000, "alpha", 0.75, "p", x, "q", q, "x", y, "r", r, "partial", partial));
        expectReduce(7, launches.get(6).blocks());
        expect(8, "solvent_diag_scale_dot", map("n", 1000, "d", z, "r", r, "z", y, "partial", partial));
        expectReduce(9, launches.get(8).blocks());
        assertEquals(10, launches.size());
    }

    @Test
    void gridsAreCappedAtThePartialBuffer() {
        DeviceBuffer x = fake(8);
        kernels.dot(1 << 30, x, x);
        assertEquals(MAX_BLOCKS, launches.get(0).blocks());
        assertEquals(MAX_BLOCKS, launches.get(1).args()[0], "the reduction covers every partial written");
        launches.clear();
        kernels.dot(0, x, x);
        assertEquals(1, launches.get(0).blocks());
    }

    @Test
    void operatorLaunchersPassTheirArgumentsInKernelOrder() throws IOException {
        DeviceBuffer rp = fake(8);
        DeviceBuffer ci = fake(8);
        DeviceBuffer v = fake(8);
        DeviceBuffer x = fake(8);
        DeviceBuffer y = fake(8);
        DeviceBuffer b = fake(8);
        kernels.csrSpmv(300, 1, rp, ci, v, x, y);
        kernels.csrSpmvDot(300, 4, rp, ci, v, x, y);
        kernels.csrResidual(300, 32, rp, ci, v, b, x, y);
        expect(0, "solvent_csr_spmv", map("n", 300, "group", 1, "rp", rp, "ci", ci, "v", v, "x", x, "y", y));
        expect(1, "solvent_csr_spmv_dot", map("n", 300, "group", 4, "rp", rp, "ci", ci, "v", v, "p", x, "q", y, "partial", partial));
        expectReduce(2, launches.get(1).blocks());
        assertEquals(2, launches.get(0).blocks(), "ceil(300 / 256) blocks: one lane per row");
        assertEquals(5, launches.get(1).blocks(), "ceil(300 * 4 / 256) blocks: four lanes per row");
        assertEquals(MAX_BLOCKS, launches.get(3).blocks(), "300 * 32 lanes: the grid is capped");
        expect(3, "solvent_csr_residual", map("n", 300, "group", 32, "rp", rp, "ci", ci, "v", v, "b", b, "x", x, "r", y,
                "partial", partial));
        expectReduce(4, launches.get(3).blocks());

        Kernels.Stencil s = new Kernels.Stencil(7, 5, 3, 6.5, -1.25, -0.5, -0.75);
        Map<String, Object> geometry = map("nx", 7, "ny", 5, "nz", 3, "c", 6.5, "wx", -1.25, "wy", -0.5, "wz", -0.75);
        kernels.stencilSpmv(s, x, y);
        kernels.stencilSpmvDot(s, x, y);
        kernels.stencilResidual(s, b, x, y);
        Map<String, Object> spmv = new LinkedHashMap<>(geometry);
        spmv.putAll(map("x", x, "y", y));
        expect(5, "solvent_stencil7_spmv", spmv);
        Map<String, Object> spmvDot = new LinkedHashMap<>(geometry);
        spmvDot.putAll(map("pv", x, "q", y, "partial", partial));
        expect(6, "solvent_stencil7_spmv_dot", spmvDot);
        expectReduce(7, launches.get(6).blocks());
        Map<String, Object> residual = new LinkedHashMap<>(geometry);
        residual.putAll(map("b", b, "x", x, "r", y, "partial", partial));
        expect(8, "solvent_stencil7_residual", residual);
        expectReduce(9, launches.get(8).blocks());
        assertEquals(10, launches.size());
    }

    @Test
    void lanesPerRowFollowTheMeanRowLength() {
        assertEquals(1, Kernels.rowGroup(1000, 4000), "4 per row: a thread per row");
        assertEquals(2, Kernels.rowGroup(1000, 4001), "just over 4 per row");
        assertEquals(2, Kernels.rowGroup(1000, 6980), "7-point rows (fewer at the boundary)");
        assertEquals(4, Kernels.rowGroup(1000, 12_000), "12 per row: 3 per lane rounds up to 4 lanes");
        assertEquals(8, Kernels.rowGroup(1000, 26_600), "27-point rows");
        assertEquals(8, Kernels.rowGroup(1000, 30_000), "AMG level 1 of 3D Poisson, 30 per row");
        assertEquals(32, Kernels.rowGroup(1000, 92_000), "92 per row");
        assertEquals(32, Kernels.rowGroup(10, 100_000), "10,000 per row: capped at a warp");
        assertEquals(1, Kernels.rowGroup(0, 0), "no rows");
        for (int bad : new int[] {0, 3, 64, -1}) {
            assertThrows(IllegalArgumentException.class, () -> kernels.csrSpmv(10, bad, fake(8), fake(8), fake(8),
                    fake(8), fake(8)), "group " + bad);
        }
        assertTrue(launches.isEmpty(), "a refused group launches nothing");
    }

    @Test
    void multigridLaunchersPassTheirArgumentsInKernelOrder() throws IOException {
        DeviceBuffer rp = fake(8);
        DeviceBuffer ci = fake(8);
        DeviceBuffer v = fake(8);
        DeviceBuffer x = fake(8);
        DeviceBuffer y = fake(8);
        DeviceBuffer b = fake(8);
        DeviceBuffer dinv = fake(8);
        DeviceBuffer d = fake(8);
        kernels.csrSpmvAdd(700, 1, -0.5, rp, ci, v, x, y);
        expect(0, "solvent_csr_spmv_add", map("n", 700, "group", 1, "alpha", -0.5, "rp", rp, "ci", ci, "v", v, "x", x, "y", y));
        assertEquals(3, launches.get(0).blocks(), "ceil(700 / 256) blocks");
        kernels.csrSmootherStep(700, 8, rp, ci, v, b, x, dinv, 0.25, 1.5, d, y);
        expect(1, "solvent_csr_smoother_step", map("n", 700, "group", 8, "rp", rp, "ci", ci, "v", v, "b", b, "x", x, "dinv", dinv,
                "c1", 0.25, "c2", 1.5, "d", d, "xout", y));
        kernels.smootherStart(700, b, dinv, 0.0, 2.5, d, y);
        expect(2, "solvent_smoother_start", map("n", 700, "b", b, "dinv", dinv, "c1", 0.0, "c2", 2.5, "d", d, "xout", y));

        Kernels.Stencil s = new Kernels.Stencil(7, 5, 3, 6.5, -1.25, -0.5, -0.75);
        Map<String, Object> geometry = map("nx", 7, "ny", 5, "nz", 3, "c", 6.5, "wx", -1.25, "wy", -0.5, "wz", -0.75);
        kernels.stencilSpmvAdd(s, 2.0, x, y);
        Map<String, Object> add = new LinkedHashMap<>(geometry);
        add.putAll(map("alpha", 2.0, "x", x, "y", y));
        expect(3, "solvent_stencil7_spmv_add", add);
        kernels.stencilSmootherStep(s, b, x, dinv, 0.75, 0.5, d, y);
        Map<String, Object> smooth = new LinkedHashMap<>(geometry);
        smooth.putAll(map("b", b, "x", x, "dinv", dinv, "c1", 0.75, "c2", 0.5, "d", d, "xout", y));
        expect(4, "solvent_stencil7_smoother_step", smooth);
        assertEquals(1, launches.get(4).blocks(), "105 unknowns in one block");
        assertEquals(5, launches.size());
        assertTrue(zeroed.isEmpty(), "no reductions");
    }

    @Test
    void relaxationLaunchesOneKernelPerColourInOrder() throws IOException {
        DeviceBuffer rp = fake(8);
        DeviceBuffer ci = fake(8);
        DeviceBuffer v = fake(8);
        DeviceBuffer diag = fake(8);
        DeviceBuffer order = fake(8);
        DeviceBuffer colour = fake(8);
        DeviceBuffer b = fake(8);
        DeviceBuffer x = fake(8);
        // Three colours of 1000, 300 and 5000 rows.
        Kernels.ColouredCsr m = new Kernels.ColouredCsr(6300, rp, ci, v, diag, order, colour, new int[] {0, 1000, 1300, 6300});
        kernels.colourSor(m, 1, b, x, 1.25);
        expect(0, "solvent_colour_sor", map("first", 1000, "count", 300, "order", order, "rp", rp, "ci", ci, "v", v,
                "diag", diag, "b", b, "x", x, "omega", 1.25));
        assertEquals(2, launches.get(0).blocks(), "ceil(300 / 256) blocks");

        launches.clear();
        assertEquals(42.0, kernels.colourSsorApplyDot(m, b, x, 1.5));
        int[][] forward = {{0, 1000}, {1000, 300}, {1300, 5000}};
        for (int c = 0; c < 3; c++) {
            expect(c, "solvent_colour_ssor_forward", map("first", forward[c][0], "count", forward[c][1], "order", order,
                    "rp", rp, "ci", ci, "v", v, "diag", diag, "colour", colour, "r", b, "z", x, "omega", 1.5));
        }
        // The partials are zeroed after the forward pass, before the backward launches add to them.
        assertEquals(List.of("partial@3"), zeroed);
        int used = 0;
        for (int c = 2; c >= 0; c--) {
            int index = 3 + (2 - c);
            expect(index, "solvent_colour_ssor_backward", map("first", forward[c][0], "count", forward[c][1],
                    "order", order, "rp", rp, "ci", ci, "v", v, "diag", diag, "colour", colour, "r", b, "z", x,
                    "omega", 1.5, "partial", partial));
            used = Math.max(used, launches.get(index).blocks());
        }
        expectReduce(6, used);
        assertEquals(MAX_BLOCKS, used, "5000 rows fill the capped grid");
        assertEquals(7, launches.size());
    }

    @Test
    void incompleteCholeskySolveLaunchesOneKernelPerLevelEachWay() throws IOException {
        DeviceBuffer order = fake(8);
        DeviceBuffer lp = fake(8);
        DeviceBuffer lc = fake(8);
        DeviceBuffer lv = fake(8);
        DeviceBuffer up = fake(8);
        DeviceBuffer uc = fake(8);
        DeviceBuffer uv = fake(8);
        DeviceBuffer scale = fake(8);
        DeviceBuffer r = fake(8);
        DeviceBuffer z = fake(8);
        // Three levels of 1, 600 and 4000 rows.
        int[][] levels = {{0, 1}, {1, 600}, {601, 4000}};
        Kernels.LevelFactor f = new Kernels.LevelFactor(4601, order, new int[] {0, 1, 601, 4601}, lp, lc, lv, up, uc, uv,
                scale);
        assertEquals(42.0, kernels.icSolveDot(f, r, z));
        // The partials are zeroed before the forward launches add r.z to them.
        assertEquals(List.of("partial@0"), zeroed);
        int used = 0;
        for (int l = 0; l < 3; l++) {
            expect(l, "solvent_ic_forward", map("first", levels[l][0], "count", levels[l][1], "order", order, "lp", lp,
                    "lc", lc, "lv", lv, "scale", scale, "r", r, "z", z, "partial", partial));
            used = Math.max(used, launches.get(l).blocks());
        }
        assertEquals(1, launches.get(0).blocks(), "one row, one block");
        assertEquals(3, launches.get(1).blocks(), "ceil(600 / 256) blocks");
        for (int l = 2; l >= 0; l--) {
            int index = 3 + (2 - l);
            expect(index, "solvent_ic_backward", map("first", levels[l][0], "count", levels[l][1], "order", order,
                    "up", up, "uc", uc, "uv", uv, "z", z));
        }
        expectReduce(6, used);
        assertEquals(MAX_BLOCKS, used, "4000 rows fill the capped grid");
        assertEquals(7, launches.size());
    }

    @Test
    void optimalTransportLaunchersPassTheirArgumentsInKernelOrder() throws IOException {
        int n = 5;
        int m = 3000;
        Kernels.OtArrays a = new Kernels.OtArrays(n, m, fake(8), fake(8), fake(8), fake(8), fake(8), fake(8), fake(8),
                fake(8));
        Kernels.OtPlan p = new Kernels.OtPlan(fake(8), fake(8), fake(8), fake(8), fake(8), fake(8), fake(8));
        Kernels.OtSelect sel = new Kernels.OtSelect(fake(24), fake(1024), fake(8));
        DeviceBuffer x = fake(8);
        DeviceBuffer sizes = fake(8);
        DeviceBuffer rp = fake(8);
        DeviceBuffer ci = fake(8);
        DeviceBuffer v = fake(8);

        assertEquals(42.0, kernels.otRowStep(a));
        expect(0, "solvent_ot_row_step", map("n", n, "m", m, "K", a.k(), "u", a.u(), "v", a.v(), "logr", a.logr(),
                "r", a.r(), "partial", partial));
        assertEquals(n, launches.get(0).blocks(), "one block per row while rows are fewer than the cap");
        expectReduce(1, n);
        kernels.otColumnStep(a);
        expect(2, "solvent_ot_column_step", map("n", n, "m", m, "KT", a.kt(), "u", a.u(), "v", a.v(), "logc", a.logc()));
        assertEquals(MAX_BLOCKS, launches.get(2).blocks(), "columns beyond the cap are strided over the grid");

        launches.clear();
        assertEquals(84.0, kernels.otPlan(a, p), "row error plus column error");
        expect(0, "solvent_ot_plan_rows", map("n", n, "m", m, "K", a.k(), "u", a.u(), "v", a.v(), "r", a.r(),
                "P", p.p(), "rowsum", p.rowSum(), "rowmax", p.rowMax(), "g", p.g(), "partial", partial));
        expectReduce(1, launches.get(0).blocks());
        expect(2, "solvent_ot_plan_cols", map("n", n, "m", m, "KT", a.kt(), "u", a.u(), "v", a.v(), "c", a.c(),
                "PT", p.pt(), "colsum", p.colSum(), "colmax", p.colMax(), "g", p.g(), "partial", partial));
        expectReduce(3, launches.get(2).blocks());

        launches.clear();
        kernels.otCountNonFinite(n, x);
        expect(0, "solvent_ot_count_nonfinite", map("len", n, "x", x, "partial", partial));
        expectReduce(1, launches.get(0).blocks());
        kernels.otProjectNull(n, n + m, x);
        expect(2, "solvent_ot_null_dot", map("n", n, "total", n + m, "z", x, "partial", partial));
        expectReduce(3, launches.get(2).blocks());
        // The reduction read 42, so the shift is 42 / (n + m).
        expect(4, "solvent_ot_null_shift", map("n", n, "total", n + m, "coef", 42.0 / (n + m), "z", x));

        launches.clear();
        kernels.otTopThreshold(n * m, p.p(), 80, sel);
        expect(0, "solvent_ot_select_begin", map("keep", 80, "state", sel.state(), "hist", sel.hist()));
        assertEquals(1, launches.get(0).blocks());
        for (int pass = 0; pass < 8; pass++) {
            int shift = 56 - 8 * pass;
            expect(1 + 2 * pass, "solvent_ot_select_histogram", map("total", n * m, "shift", shift, "P", p.p(),
                    "state", sel.state(), "hist", sel.hist()));
            expect(2 + 2 * pass, "solvent_ot_select_step", map("shift", shift, "state", sel.state(), "hist",
                    sel.hist(), "top", sel.top()));
            assertEquals(1, launches.get(2 + 2 * pass).blocks(), "the step runs in one block");
        }
        assertEquals(17, launches.size());

        launches.clear();
        assertEquals(42, kernels.otHessianPattern(a, p, sel.top(), 1e-3, sizes, rp));
        expect(0, "solvent_ot_count_rows", map("n", n, "m", m, "P", p.p(), "rowmax", p.rowMax(), "colmax", p.colMax(),
                "top", sel.top(), "rel", 1e-3, "sizes", sizes));
        expect(1, "solvent_ot_count_cols", map("n", n, "m", m, "PT", p.pt(), "rowmax", p.rowMax(), "colmax",
                p.colMax(), "top", sel.top(), "rel", 1e-3, "sizes", sizes));
        expect(2, "solvent_ot_scan", map("len", n + m, "sizes", sizes, "rowptr", rp, "out", result));
        assertEquals(1, launches.get(2).blocks(), "the scan runs in one block");
        kernels.otHessianFill(a, p, sel.top(), 1e-3, 0.25, rp, ci, v);
        expect(3, "solvent_ot_fill_rows", map("n", n, "m", m, "P", p.p(), "rowsum", p.rowSum(), "rowmax", p.rowMax(),
                "colmax", p.colMax(), "top", sel.top(), "rel", 1e-3, "shift", 0.25, "rowptr", rp, "ci", ci, "val", v));
        expect(4, "solvent_ot_fill_cols", map("n", n, "m", m, "PT", p.pt(), "colsum", p.colSum(), "rowmax",
                p.rowMax(), "colmax", p.colMax(), "top", sel.top(), "rel", 1e-3, "shift", 0.25, "rowptr", rp,
                "ci", ci, "val", v));

        launches.clear();
        assertEquals(42.0, kernels.otMaxPairSum(n, n + m, x));
        expect(0, "solvent_ot_max_pair_sum", map("n", n, "total", n + m, "w", x, "out", result));
        assertEquals(1, launches.get(0).blocks());
        assertEquals(42.0, kernels.otPhiSum(n, m, p.p(), x, 0.5));
        expect(1, "solvent_ot_phi_sum", map("n", n, "m", m, "P", p.p(), "w", x, "alpha", 0.5, "partial", partial));
        expectReduce(2, launches.get(1).blocks());
        kernels.otStep(a, 0.5, x);
        expect(3, "solvent_ot_step", map("n", n, "m", m, "alpha", 0.5, "w", x, "u", a.u(), "v", a.v()));
        assertEquals(4, launches.size());
        assertTrue(zeroed.isEmpty(), "the OT launchers zero nothing through the host");
    }

    @Test
    void convolutionLaunchersPassTheirArgumentsInKernelOrder() throws IOException {
        DeviceBuffer in = fake(4);
        DeviceBuffer w = fake(4);
        DeviceBuffer bias = fake(4);
        DeviceBuffer res = fake(4);
        DeviceBuffer out = fake(4);
        // 6 x 4 x 4 = 96 voxels in one block of 256; 12 output channels in two groups of 8.
        kernels.conv3x3(3, 6, 4, 4, 5, 12, in, w, bias, true, res, out);
        expect(0, "solvent_conv3x3", map("dims", 3, "nx", 6, "ny", 4, "nz", 4, "cin", 5, "cout", 12, "in", in,
                "w", w, "bias", bias, "relu", 1, "add_residual", 1, "residual", res, "out", out));
        assertEquals(2, launches.get(0).blocks(), "one block per channel group");
        // Without a residual: the flag is 0 and the (unread) pointer is out.
        kernels.conv3x3(2, 6, 4, 1, 1, 8, in, w, bias, false, null, out);
        expect(1, "solvent_conv3x3", map("dims", 2, "nx", 6, "ny", 4, "nz", 1, "cin", 1, "cout", 8, "in", in,
                "w", w, "bias", bias, "relu", 0, "add_residual", 0, "residual", out, "out", out));
        assertEquals(1, launches.get(1).blocks());

        kernels.avgPool2(3, 6, 4, 4, 7, in, out);
        expect(2, "solvent_avgpool2", map("dims", 3, "nx", 6, "ny", 4, "nz", 4, "ch", 7, "in", in, "out", out));
        kernels.upsample2Add(2, 6, 4, 1, 7, 4.0, in, res, out);
        expect(3, "solvent_upsample2_add", map("dims", 2, "nx", 6, "ny", 4, "nz", 1, "ch", 7, "gain", 4.0, "coarse", in,
                "skip", res, "out", out));
        kernels.head(96, 7, in, w, bias, out);
        expect(4, "solvent_head", map("voxels", 96, "ch", 7, "u", in, "w", w, "b", bias, "y", out));
        kernels.scatter(50, 0.125, res, w, out);
        expect(5, "solvent_scatter", map("n", 50, "scale", 0.125, "r", res, "voxel", w, "grid", out));
        kernels.gather(50, in, w, res);
        expect(6, "solvent_gather", map("n", 50, "y", in, "voxel", w, "q", res));
        assertEquals(7, launches.size());
    }

    @Test
    void convolutionGridCoversEveryVoxelOfEveryChannelGroup() throws IOException {
        DeviceBuffer b = fake(4);
        // 3D: 20 x 16 x 10 = 3200 voxels = 12.5 blocks of 256; 17 channels = 3 groups of 8.
        kernels.conv3x3(3, 20, 16, 10, 17, 17, b, b, b, true, null, b);
        assertEquals(3 * 13, launches.get(0).blocks(), "not capped: each thread owns one voxel");
        assertTrue(Files.readString(Path.of("src", "main", "cuda", "conv.cu"))
                .contains("\n#define SOLVENT_CONV_GROUP " + Kernels.CONV_GROUP + "\n"), "CONV_GROUP differs from conv.cu");
        // The element-wise layers use capped grid-stride grids.
        kernels.avgPool2(3, 20, 16, 10, 17, b, b);
        assertEquals(MAX_BLOCKS, launches.get(1).blocks());
        kernels.upsample2Add(2, 4, 2, 1, 1, 1.0, b, b, b);
        assertEquals(1, launches.get(2).blocks());
    }
}
