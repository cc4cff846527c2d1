package dev.solvent.cuda;

import dev.solvent.backend.Vector;
import dev.solvent.cuda.internal.DeviceBuffer;
import java.util.Objects;

/**
 * The float32 layers of a small convolutional network on one {@link CudaBackend}'s device: what
 * the DCDM solver (module learned-precond) needs to run its network without copying the residual
 * to the host. Feature maps are channel-innermost ({@code t[v * C + c]}, voxel
 * {@code v = x + nx (y + ny z)}); convolution weights are {@code w[(tap * Cin + cin) * Cout + cout]}
 * with taps in {@code [kz][ky][kx]} order. The math of each kernel is written over it in
 * {@code src/main/cuda/conv.cu}.
 *
 * <p>Every method checks sizes on the host before launching (a kernel reading past a buffer
 * would not fail, it would read another allocation), takes the backend's lock and makes its
 * context current, like the backend's own methods. Launches are asynchronous; downloads wait.
 */
public final class ConvKernels {

    private final CudaBackend backend;

    private ConvKernels(CudaBackend backend) {
        this.backend = backend;
    }

    /** The network layers on {@code backend}'s device (the kernels are loaded with the backend). */
    public static ConvKernels of(CudaBackend backend) {
        return new ConvKernels(Objects.requireNonNull(backend, "backend"));
    }

    public CudaBackend backend() {
        return backend;
    }

    /**
     * A 2D or 3D grid as the kernels see it ({@code nz = 1} in 2D).
     *
     * @param dims 2 or 3
     */
    public record Grid(int dims, int nx, int ny, int nz) {
        public Grid {
            if ((dims != 2 && dims != 3) || nx < 1 || ny < 1 || nz < 1 || (dims == 2 && nz != 1)) {
                throw new IllegalArgumentException("bad " + dims + "D grid " + nx + " x " + ny + " x " + nz);
            }
        }

        public long voxels() {
            return (long) nx * ny * nz;
        }

        int taps() {
            return dims == 3 ? 27 : 9;
        }

        boolean poolable() {
            return nx % 2 == 0 && ny % 2 == 0 && (dims == 2 || nz % 2 == 0);
        }

        /** The grid after 2x pooling. */
        public Grid coarse() {
            if (!poolable()) {
                throw new IllegalArgumentException("2x pooling needs even dimensions, got " + this);
            }
            return new Grid(dims, nx / 2, ny / 2, dims == 3 ? nz / 2 : 1);
        }

        @Override
        public String toString() {
            return dims == 3 ? nx + "x" + ny + "x" + nz : nx + "x" + ny;
        }
    }

    // ---- memory -------------------------------------------------------------------------------

    /** {@code length} floats of device memory, zeroed. */
    public DeviceFloats allocateFloats(long length) {
        if (length < 0) {
            throw new IllegalArgumentException("negative length " + length);
        }
        synchronized (backend) {
            backend.begin();
            DeviceBuffer b = backend.memory().allocate(4L * length, null);
            DeviceFloats f = new DeviceFloats(backend, b, length);
            b.freeWhenUnreachable(f);
            b.zero(4L * length);
            return f;
        }
    }

    /** A device copy of {@code values}. */
    public DeviceFloats upload(float[] values) {
        synchronized (backend) {
            backend.begin();
            DeviceBuffer b = backend.memory().allocate(4L * values.length, null);
            DeviceFloats f = new DeviceFloats(backend, b, values.length);
            b.freeWhenUnreachable(f);
            b.upload(values);
            return f;
        }
    }

    /** A device copy of {@code values}, an index map; every value must be non-negative. */
    public DeviceIndices upload(int[] values) {
        int max = -1;
        for (int i = 0; i < values.length; i++) {
            if (values[i] < 0) {
                throw new IllegalArgumentException("index " + i + " is negative: " + values[i]);
            }
            max = Math.max(max, values[i]);
        }
        synchronized (backend) {
            backend.begin();
            DeviceBuffer b = backend.memory().allocate(4L * values.length, null);
            DeviceIndices d = new DeviceIndices(backend, b, values.length, max);
            b.freeWhenUnreachable(d);
            b.upload(values);
            return d;
        }
    }

    /** Copies the first {@code dst.length} floats of {@code src} to the host (waits for the device). */
    public void download(DeviceFloats src, float[] dst) {
        synchronized (backend) {
            backend.begin();
            own(src, "src");
            if (dst.length > src.length()) {
                throw new IllegalArgumentException(dst.length + " floats asked of a device array of " + src.length());
            }
            src.buffer.download(dst);
        }
    }

    // ---- layers -------------------------------------------------------------------------------

    /**
     * {@code out = act(conv3x3(in) + bias) (+ residual)}: zero 'same' padding, {@code act} ReLU
     * when {@code relu}, then {@code residual} added when it is not null (a residual pair's
     * {@code a = relu(conv2(h)) + a}; {@code residual} may be {@code out} itself). {@code in} must
     * not be {@code out}.
     */
    public void conv3x3(Grid g, DeviceFloats in, int cin, DeviceFloats w, DeviceFloats bias, int cout,
                        DeviceFloats out, boolean relu, DeviceFloats residual) {
        if (cin < 1 || cout < 1) {
            throw new IllegalArgumentException("channels must be positive: " + cin + " -> " + cout);
        }
        synchronized (backend) {
            backend.begin();
            long v = g.voxels();
            fits(in, v * cin, "in");
            exactly(w, (long) g.taps() * cin * cout, "weights");
            fits(bias, cout, "bias");
            fits(out, v * cout, "out");
            if (residual != null) {
                fits(residual, v * cout, "residual");
            }
            if (in == out || in == residual) {
                throw new IllegalArgumentException("the convolution's input must not be its output or residual:"
                        + " the kernel reads neighbours that other threads overwrite");
            }
            backend.kernels().conv3x3(g.dims(), g.nx(), g.ny(), g.nz(), cin, cout, in.buffer, w.buffer, bias.buffer,
                    relu, residual == null ? null : residual.buffer, out.buffer);
        }
    }

    /** 2x average pooling of the fine map {@code in} on {@code fine} into {@code out} on its coarse grid. */
    public void avgPool2(Grid fine, DeviceFloats in, int ch, DeviceFloats out) {
        Grid coarse = fine.coarse();
        synchronized (backend) {
            backend.begin();
            fits(in, fine.voxels() * ch, "in");
            fits(out, coarse.voxels() * ch, "out");
            distinct(in, out);
            backend.kernels().avgPool2(fine.dims(), fine.nx(), fine.ny(), fine.nz(), ch, in.buffer, out.buffer);
        }
    }

    /**
     * {@code out = gain * upsample2(coarse) + skip} on {@code fine}; {@code out} may be {@code skip}.
     * The gain is rounded to float on the device (the network's weights are float).
     */
    public void upsample2Add(Grid fine, DeviceFloats coarse, int ch, double gain, DeviceFloats skip, DeviceFloats out) {
        Grid cg = fine.coarse();
        synchronized (backend) {
            backend.begin();
            fits(coarse, cg.voxels() * ch, "coarse");
            fits(skip, fine.voxels() * ch, "skip");
            fits(out, fine.voxels() * ch, "out");
            distinct(coarse, out);
            backend.kernels().upsample2Add(fine.dims(), fine.nx(), fine.ny(), fine.nz(), ch, gain, coarse.buffer,
                    skip.buffer, out.buffer);
        }
    }

    /** The 1x1 head, {@code y[v] = b[0] + sum_c w[c] u[v, c]}. */
    public void head(Grid g, DeviceFloats u, int ch, DeviceFloats w, DeviceFloats b, DeviceFloats y) {
        synchronized (backend) {
            backend.begin();
            fits(u, g.voxels() * ch, "u");
            exactly(w, ch, "head weights");
            fits(b, 1, "head bias");
            fits(y, g.voxels(), "y");
            distinct(u, y);
            backend.kernels().head((int) g.voxels(), ch, u.buffer, w.buffer, b.buffer, y.buffer);
        }
    }

    /**
     * {@code grid[voxel[u]] = (float) (scale r[u])} for every unknown u; other voxels keep their
     * values (zero from {@link #allocateFloats}).
     */
    public void scatter(Vector r, double scale, DeviceIndices voxel, DeviceFloats grid) {
        synchronized (backend) {
            backend.begin();
            DeviceBuffer rb = backend.buf(r);
            own(voxel);
            own(grid, "grid");
            if (r.length() != voxel.length()) {
                throw new IllegalArgumentException("vector of " + r.length() + " for an index map of " + voxel.length());
            }
            if (voxel.max >= grid.length()) {
                throw new IllegalArgumentException("index " + voxel.max + " is outside a grid of " + grid.length());
            }
            backend.kernels().scatter(r.length(), scale, rb, voxel.buffer, grid.buffer);
        }
    }

    /** {@code q[u] = y[voxel[u]]} for every unknown u. */
    public void gather(DeviceFloats y, DeviceIndices voxel, Vector q) {
        synchronized (backend) {
            backend.begin();
            DeviceBuffer qb = backend.buf(q);
            own(voxel);
            own(y, "y");
            if (q.length() != voxel.length()) {
                throw new IllegalArgumentException("vector of " + q.length() + " for an index map of " + voxel.length());
            }
            if (voxel.max >= y.length()) {
                throw new IllegalArgumentException("index " + voxel.max + " is outside a grid of " + y.length());
            }
            backend.kernels().gather(q.length(), y.buffer, voxel.buffer, qb);
        }
    }

    // ---- checks -------------------------------------------------------------------------------

    private void own(DeviceFloats f, String what) {
        Objects.requireNonNull(f, what);
        if (f.owner != backend) {
            throw new IllegalArgumentException(what + " belongs to another CUDA backend");
        }
        if (f.buffer.isFreed()) {
            throw new IllegalStateException(what + " was used after it was closed");
        }
    }

    private void own(DeviceIndices d) {
        Objects.requireNonNull(d, "voxel");
        if (d.owner != backend) {
            throw new IllegalArgumentException("the index map belongs to another CUDA backend");
        }
        if (d.buffer.isFreed()) {
            throw new IllegalStateException("the index map was used after it was closed");
        }
    }

    private void fits(DeviceFloats f, long needed, String what) {
        own(f, what);
        if (f.length() < needed) {
            throw new IllegalArgumentException(what + " holds " + f.length() + " floats, the layer needs " + needed);
        }
    }

    private void exactly(DeviceFloats f, long needed, String what) {
        own(f, what);
        if (f.length() != needed) {
            throw new IllegalArgumentException(what + " holds " + f.length() + " floats, expected " + needed);
        }
    }

    private static void distinct(DeviceFloats a, DeviceFloats b) {
        if (a == b) {
            throw new IllegalArgumentException("input and output must be different device arrays");
        }
    }
}
