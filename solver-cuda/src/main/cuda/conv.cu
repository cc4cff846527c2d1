// Float32 kernels of a DCDM network's forward pass (learned-precond's Layers, on the device), and
// the moves between the solver's double vectors and the network's float grid.
//
// Layout, as in Layers: a feature map of C channels on an nx x ny x nz grid (nz = 1 in 2D) is
// t[v * C + c] with voxel v = x + nx (y + ny z); convolution weights are w[(tap * Cin + cin) * Cout
// + cout] with tap = 9 (dz+1) + 3 (dy+1) + (dx+1) in 3D and 3 (dy+1) + (dx+1) in 2D.
//
// Rounding: every float sum is written with __fadd_rn/__fmul_rn so that nvcc does not contract it
// into an FMA, and in the order Layers uses, so that a layer gives the same floats as the CPU (for
// the convolution as long as Cin <= SOLVENT_CONV_CIN_TILE; beyond that the sum is regrouped by
// tile). The network's output only steers a safeguarded search direction, so this is for testing
// (exact comparisons) rather than for accuracy.
#include "solvent_common.cuh"

// Output channels computed by one thread (held in registers).
#define SOLVENT_CONV_GROUP 8
// Input channels whose weights are staged in shared memory at a time.
#define SOLVENT_CONV_CIN_TILE 16

// relu(z) as Layers computes it (Math.max(z, 0f)): NaN stays NaN, -0 becomes +0.
__device__ __forceinline__ float solvent_relu(float z)
{
    return z > 0.0f ? z : (z != z ? z : 0.0f);
}

// 3x3(x3) convolution, zero 'same' padding, cross-correlation:
//   z[v, o] = bias[o] + sum_{tap (dx,dy,dz)} sum_c w[tap, c, o] * in[v + (dx,dy,dz), c]
//   out[v, o] = (relu ? max(z, 0) : z) + (add_residual ? residual[v, o] : 0)
// with in = 0 outside the grid. The residual form is a residual pair's a = relu(conv2(h)) + a;
// out may be the same buffer as residual (each thread reads residual[v, o] before writing
// out[v, o] and nothing else reads it), but never the same as in.
//
// Launch: ceil(Cout / GROUP) * ceil(voxels / SOLVENT_BLOCK) blocks; block b computes output
// channels [GROUP g, GROUP g + GROUP) with g = b mod groups for the SOLVENT_BLOCK voxels starting
// at SOLVENT_BLOCK (b / groups). All threads of a block share their output channels, so the
// weights they need, w[tap, c, g-group] for a tile of input channels, are staged in shared memory
// once per tile and read as broadcasts. Input voxels that are exactly zero are skipped, as in
// Layers (the network's input is zero off the fluid cells).
extern "C" __global__ void solvent_conv3x3(int dims, int nx, int ny, int nz, int cin, int cout,
                                           const float* __restrict__ in, const float* __restrict__ w,
                                           const float* __restrict__ bias, int relu, int add_residual,
                                           const float* residual, float* out)
{
    __shared__ float ws[27 * SOLVENT_CONV_CIN_TILE * SOLVENT_CONV_GROUP];
    const int groups = (cout + SOLVENT_CONV_GROUP - 1) / SOLVENT_CONV_GROUP;
    const int group = blockIdx.x % groups;
    const long long voxels = (long long)nx * ny * nz;
    const long long v = (long long)(blockIdx.x / groups) * SOLVENT_BLOCK + threadIdx.x;
    const bool active = v < voxels;
    const int o0 = group * SOLVENT_CONV_GROUP;
    const int og = min(SOLVENT_CONV_GROUP, cout - o0);
    const bool three = dims == 3;
    const int taps = three ? 27 : 9;

    float acc[SOLVENT_CONV_GROUP];
#pragma unroll
    for (int k = 0; k < SOLVENT_CONV_GROUP; k++) {
        acc[k] = k < og ? bias[o0 + k] : 0.0f;
    }
    int x = 0, y = 0, z = 0;
    if (active) {
        x = (int)(v % nx);
        y = (int)((v / nx) % ny);
        z = (int)(v / ((long long)nx * ny));
    }
    const int z0 = three ? max(-1, -z) : 0;
    const int z1 = three ? min(1, nz - 1 - z) : 0;
    const int y0 = max(-1, -y);
    const int y1 = min(1, ny - 1 - y);
    const int x0 = max(-1, -x);
    const int x1 = min(1, nx - 1 - x);

    for (int c0 = 0; c0 < cin; c0 += SOLVENT_CONV_CIN_TILE) {
        const int ct = min(SOLVENT_CONV_CIN_TILE, cin - c0);
        // Every thread reaches both barriers (inactive ones included): the tile loop is uniform.
        __syncthreads();
        for (int i = threadIdx.x; i < taps * ct * SOLVENT_CONV_GROUP; i += blockDim.x) {
            const int k = i % SOLVENT_CONV_GROUP;
            const int c = (i / SOLVENT_CONV_GROUP) % ct;
            const int t = i / (SOLVENT_CONV_GROUP * ct);
            ws[(t * SOLVENT_CONV_CIN_TILE + c) * SOLVENT_CONV_GROUP + k] =
                k < og ? w[((long long)t * cin + c0 + c) * cout + o0 + k] : 0.0f;
        }
        __syncthreads();
        if (active) {
            for (int dz = z0; dz <= z1; dz++) {
                for (int dy = y0; dy <= y1; dy++) {
                    const int tRow = (three ? 9 * (dz + 1) : 0) + 3 * (dy + 1) + 1;
                    const long long nbRow = v + (long long)nx * (dy + (long long)ny * dz);
                    for (int dx = x0; dx <= x1; dx++) {
                        const float* xin = in + (nbRow + dx) * cin + c0;
                        const float* wt = ws + (tRow + dx) * SOLVENT_CONV_CIN_TILE * SOLVENT_CONV_GROUP;
                        for (int c = 0; c < ct; c++) {
                            const float xv = xin[c];
                            if (xv == 0.0f) {
                                continue;
                            }
#pragma unroll
                            for (int k = 0; k < SOLVENT_CONV_GROUP; k++) {
                                acc[k] = __fadd_rn(acc[k], __fmul_rn(xv, wt[c * SOLVENT_CONV_GROUP + k]));
                            }
                        }
                    }
                }
            }
        }
    }
    if (active) {
        const long long ob = v * cout + o0;
#pragma unroll
        for (int k = 0; k < SOLVENT_CONV_GROUP; k++) {
            if (k < og) {
                float o = relu ? solvent_relu(acc[k]) : acc[k];
                if (add_residual) {
                    o = __fadd_rn(o, residual[ob + k]);
                }
                out[ob + k] = o;
            }
        }
    }
}

// 2x average pooling from the fine grid nx x ny x nz (2x2x2 in 3D, 2x2 in 2D) to the coarse one:
//   out[V, c] = (sum over the children v of V of in[v, c]) / 2^d
// children summed in z, then y, then x order from 0, as Layers.avgPool does. One item per
// (coarse voxel, channel), grid-stride.
extern "C" __global__ void solvent_avgpool2(int dims, int nx, int ny, int nz, int ch,
                                            const float* __restrict__ in, float* __restrict__ out)
{
    const bool three = dims == 3;
    const int cx = nx / 2;
    const int cy = ny / 2;
    const int cz = three ? nz / 2 : 1;
    const int kz = three ? 2 : 1;
    const float scale = three ? 0.125f : 0.25f;
    const long long items = (long long)cx * cy * cz * ch;
    SOLVENT_FOR(i, items) {
        const int c = (int)(i % ch);
        const long long V = i / ch;
        const int X = (int)(V % cx);
        const int Y = (int)((V / cx) % cy);
        const int Z = (int)(V / ((long long)cx * cy));
        float s = 0.0f;
        for (int k = 0; k < kz; k++) {
            for (int j = 0; j < 2; j++) {
                for (int m = 0; m < 2; m++) {
                    const long long fv = (2 * X + m) + (long long)nx * ((2 * Y + j) + (long long)ny * (kz * Z + k));
                    s = __fadd_rn(s, in[fv * ch + c]);
                }
            }
        }
        out[i] = __fmul_rn(s, scale);
    }
}

// 2x nearest-neighbour upsampling times the gain with the skip connection added, on the fine grid
// nx x ny x nz:
//   out[v, c] = gain * coarse[parent(v), c] + skip[v, c],   parent(x, y, z) = (x/2, y/2, z/2)
// (Layers: upsample into zeros, scale by the gain, then add the skip, hence 0 + coarse first; the
// gain is 1 in the paper's one-level layout, 4 in the multilevel one, and the float product by
// 1 is exact, so one kernel serves both and matches the CPU's rounding). out may be the same
// buffer as skip: each item reads skip[v, c] and then writes out[v, c].
extern "C" __global__ void solvent_upsample2_add(int dims, int nx, int ny, int nz, int ch, double gain,
                                                 const float* __restrict__ coarse, const float* skip, float* out)
{
    const bool three = dims == 3;
    const int cx = nx / 2;
    const int cy = ny / 2;
    const float g = (float)gain;
    const long long items = (long long)nx * ny * nz * ch;
    SOLVENT_FOR(i, items) {
        const int c = (int)(i % ch);
        const long long v = i / ch;
        const int x = (int)(v % nx);
        const int y = (int)((v / nx) % ny);
        const int z = (int)(v / ((long long)nx * ny));
        const long long pv = (x / 2) + (long long)cx * ((y / 2) + (long long)cy * (three ? z / 2 : 0));
        out[i] = __fadd_rn(__fmul_rn(__fadd_rn(0.0f, coarse[pv * ch + c]), g), skip[i]);
    }
}

// 1x1 head, C -> 1:  y[v] = b[0] + sum_c w[c] u[v, c]   (summed from b in channel order).
extern "C" __global__ void solvent_head(int voxels, int ch, const float* __restrict__ u,
                                        const float* __restrict__ w, const float* __restrict__ b,
                                        float* __restrict__ y)
{
    const float b0 = b[0];
    SOLVENT_FOR(v, voxels) {
        float acc = b0;
        const float* uv = u + v * ch;
        for (int c = 0; c < ch; c++) {
            acc = __fadd_rn(acc, __fmul_rn(w[c], uv[c]));
        }
        y[v] = acc;
    }
}

// The solver's residual onto the network grid:  grid[voxel[u]] = (float) (scale r[u])  for the n
// unknowns u (scale = 1 / ||r||). Other voxels are left as they are: the caller zeroes the grid
// once, and the unknowns always land on the same voxels.
extern "C" __global__ void solvent_scatter(int n, double scale, const double* __restrict__ r,
                                           const int* __restrict__ voxel, float* __restrict__ grid)
{
    SOLVENT_FOR(u, n) { grid[voxel[u]] = __double2float_rn(scale * r[u]); }
}

// The network's output back to the unknowns:  q[u] = (double) y[voxel[u]].
extern "C" __global__ void solvent_gather(int n, const float* __restrict__ y, const int* __restrict__ voxel,
                                          double* __restrict__ q)
{
    SOLVENT_FOR(u, n) { q[u] = (double)y[voxel[u]]; }
}
