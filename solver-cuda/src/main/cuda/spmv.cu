// Operator kernels: CSR (a group of 1 to 32 lanes per row) and the matrix-free 7-point stencil,
// each in five forms: y = A x, the CG curvature q = A p with p.q fused, the residual r = b - A x
// with r.r fused, and for multigrid y += alpha A x (prolongation; CSR may be rectangular) and the
// polynomial-smoother step with its residual fused. The dot forms write one partial sum per block
// (see solvent_common.cuh).
//
// CSR rows are summed by groups of `group` lanes (1, 2, 4, 8, 16 or 32), chosen per matrix by the
// host (Kernels.rowGroup) from the mean row length, so that a warp reads a row's entries at
// consecutive addresses and matrices with few rows still fill the device: 2 lanes for the 7-point
// rows of CFD matrices, 8 for 27-point rows and the first coarse level of algebraic multigrid
// (30 entries per row), more for the denser coarse levels. Each kernel is instantiated for every
// width (a compile-time constant: the divisions by the width become shifts and the loops unroll)
// and picks the instance for its `group` argument. cuSPARSE, where it loads, replaces
// solvent_csr_spmv for plain y = A x.
#include "solvent_common.cuh"

// Grid-stride loop over the rows [0, n) in groups of G lanes (G a power of two, 1 to 32): each
// pass gives a warp 32 / G consecutive rows, row i to lanes (i mod 32 / G) G ... of the warp. The
// bound is tested on the warp's first row, so all 32 lanes take every pass together (the group's
// shuffles need the whole warp); a lane whose row i is >= n joins the shuffles with an empty sum
// and must not store. G = 1 is the plain one-thread-per-row loop.
#define SOLVENT_FOR_ROW_GROUPS(i, n, G)                                                                \
    for (long long base_ = ((long long)blockIdx.x * blockDim.x + threadIdx.x) / 32 * (32 / (G)),      \
                   i = base_ + (threadIdx.x & 31) / (G);                                                \
         base_ < (long long)(n);                                                                       \
         base_ += (long long)blockDim.x * gridDim.x / (G), i = base_ + (threadIdx.x & 31) / (G))

// Whether this lane stores row i's result: the group's first lane, on a row that exists.
#define SOLVENT_ROW_LEADER(i, n, G) ((i) < (long long)(n) && (threadIdx.x & ((G) - 1)) == 0)

// Runs `call`<G>`args` for G = group (the host passes only these six widths).
#define SOLVENT_WITH_ROW_GROUP(group, call, args) \
    switch (group) {                              \
    case 1: call<1> args; break;                  \
    case 2: call<2> args; break;                  \
    case 4: call<4> args; break;                  \
    case 8: call<8> args; break;                  \
    case 16: call<16> args; break;                \
    case 32: call<32> args; break;                \
    }

// (A x)_i = sum_{k in [rp_i, rp_{i+1})} v_k x_{ci_k}, summed by the row's group: lane g of the
// group adds the entries rp_i + g, rp_i + g + G, ..., then butterfly shuffles add the group's
// sums, so every lane of the group returns the total (G = 1: the entries in order). A lane with
// i >= n adds nothing.
template <int G>
__device__ __forceinline__ double csr_row(long long i, int n, const int* __restrict__ rp,
                                          const int* __restrict__ ci, const double* __restrict__ v,
                                          const double* __restrict__ x)
{
    double s = 0.0;
    if (i < n) {
        const int end = rp[i + 1];
        for (int k = rp[i] + (int)(threadIdx.x & (G - 1)); k < end; k += G) {
            s += v[k] * __ldg(x + ci[k]);
        }
    }
    for (int offset = G >> 1; offset > 0; offset >>= 1) {
        s += __shfl_xor_sync(0xffffffffu, s, offset);
    }
    return s;
}

// y = A x (CSR)
template <int G>
__device__ __forceinline__ void csr_spmv_rows(int n, const int* __restrict__ rp, const int* __restrict__ ci,
                                              const double* __restrict__ v, const double* __restrict__ x,
                                              double* __restrict__ y)
{
    SOLVENT_FOR_ROW_GROUPS(i, n, G) {
        const double yi = csr_row<G>(i, n, rp, ci, v, x);
        if (SOLVENT_ROW_LEADER(i, n, G)) { y[i] = yi; }
    }
}

extern "C" __global__ void solvent_csr_spmv(int n, int group, const int* __restrict__ rp, const int* __restrict__ ci,
                                            const double* __restrict__ v, const double* __restrict__ x,
                                            double* __restrict__ y)
{
    SOLVENT_WITH_ROW_GROUP(group, csr_spmv_rows, (n, rp, ci, v, x, y))
}

// q = A p;  partial[block] = sum p_i q_i  (CSR)
template <int G>
__device__ __forceinline__ double csr_spmv_dot_rows(int n, const int* __restrict__ rp, const int* __restrict__ ci,
                                                    const double* __restrict__ v, const double* __restrict__ p,
                                                    double* __restrict__ q)
{
    double s = 0.0;
    SOLVENT_FOR_ROW_GROUPS(i, n, G) {
        const double qi = csr_row<G>(i, n, rp, ci, v, p);
        if (SOLVENT_ROW_LEADER(i, n, G)) {
            q[i] = qi;
            s += p[i] * qi;
        }
    }
    return s;
}

extern "C" __global__ void solvent_csr_spmv_dot(int n, int group, const int* __restrict__ rp,
                                                const int* __restrict__ ci, const double* __restrict__ v,
                                                const double* __restrict__ p, double* __restrict__ q,
                                                double* __restrict__ partial)
{
    double s = 0.0;
    SOLVENT_WITH_ROW_GROUP(group, s = csr_spmv_dot_rows, (n, rp, ci, v, p, q))
    s = solvent_block_sum(s);
    if (threadIdx.x == 0) { partial[blockIdx.x] = s; }
}

// r = b - A x;  partial[block] = sum r_i^2  (CSR)
template <int G>
__device__ __forceinline__ double csr_residual_rows(int n, const int* __restrict__ rp, const int* __restrict__ ci,
                                                    const double* __restrict__ v, const double* __restrict__ b,
                                                    const double* __restrict__ x, double* __restrict__ r)
{
    double s = 0.0;
    SOLVENT_FOR_ROW_GROUPS(i, n, G) {
        const double ax = csr_row<G>(i, n, rp, ci, v, x);
        if (SOLVENT_ROW_LEADER(i, n, G)) {
            const double ri = b[i] - ax;
            r[i] = ri;
            s += ri * ri;
        }
    }
    return s;
}

extern "C" __global__ void solvent_csr_residual(int n, int group, const int* __restrict__ rp,
                                                const int* __restrict__ ci, const double* __restrict__ v,
                                                const double* __restrict__ b, const double* __restrict__ x,
                                                double* __restrict__ r, double* __restrict__ partial)
{
    double s = 0.0;
    SOLVENT_WITH_ROW_GROUP(group, s = csr_residual_rows, (n, rp, ci, v, b, x, r))
    s = solvent_block_sum(s);
    if (threadIdx.x == 0) { partial[blockIdx.x] = s; }
}

// The 7-point stencil at unknown p = i + nx (j + ny k), homogeneous Dirichlet boundaries:
//   (A x)_p = c x_p + wx (x_{i-1} + x_{i+1}) + wy (x_{j-1} + x_{j+1}) + wz (x_{k-1} + x_{k+1})
// with neighbours outside the grid taken as zero. Neighbour loads are coalesced along x.
// (i, j, k) are decoded in 32-bit unsigned arithmetic: Stencil7Operator keeps nx ny nz below
// 2^31, and a 64-bit division costs several times a 32-bit one, enough to matter in a kernel
// that moves only 16 bytes per unknown.
__device__ __forceinline__ double stencil7_row(long long p, int nx, int ny, int nz, double c, double wx,
                                               double wy, double wz, const double* __restrict__ x)
{
    const unsigned int up = (unsigned int)p;
    const unsigned int t = up / (unsigned int)nx;
    const int i = (int)(up - t * (unsigned int)nx);
    const unsigned int k = t / (unsigned int)ny;
    const int j = (int)(t - k * (unsigned int)ny);
    const long long sy = nx;
    const long long sz = (long long)nx * ny;
    double lr = 0.0, ns = 0.0, ud = 0.0;
    if (i > 0)      lr += __ldg(x + p - 1);
    if (i < nx - 1) lr += __ldg(x + p + 1);
    if (j > 0)      ns += __ldg(x + p - sy);
    if (j < ny - 1) ns += __ldg(x + p + sy);
    if (k > 0)                     ud += __ldg(x + p - sz);
    if ((int)k < nz - 1)           ud += __ldg(x + p + sz);
    return c * __ldg(x + p) + wx * lr + wy * ns + wz * ud;
}

// y = A x (stencil)
extern "C" __global__ void solvent_stencil7_spmv(int nx, int ny, int nz, double c, double wx, double wy, double wz,
                                                 const double* __restrict__ x, double* __restrict__ y)
{
    const long long n = (long long)nx * ny * nz;
    SOLVENT_FOR(p, n) { y[p] = stencil7_row(p, nx, ny, nz, c, wx, wy, wz, x); }
}

// q = A p;  partial[block] = sum p_i q_i  (stencil)
extern "C" __global__ void solvent_stencil7_spmv_dot(int nx, int ny, int nz, double c, double wx, double wy,
                                                     double wz, const double* __restrict__ pv,
                                                     double* __restrict__ q, double* __restrict__ partial)
{
    const long long n = (long long)nx * ny * nz;
    double s = 0.0;
    SOLVENT_FOR(p, n) {
        const double qi = stencil7_row(p, nx, ny, nz, c, wx, wy, wz, pv);
        q[p] = qi;
        s += pv[p] * qi;
    }
    s = solvent_block_sum(s);
    if (threadIdx.x == 0) { partial[blockIdx.x] = s; }
}

// r = b - A x;  partial[block] = sum r_i^2  (stencil)
extern "C" __global__ void solvent_stencil7_residual(int nx, int ny, int nz, double c, double wx, double wy,
                                                     double wz, const double* __restrict__ b,
                                                     const double* __restrict__ x, double* __restrict__ r,
                                                     double* __restrict__ partial)
{
    const long long n = (long long)nx * ny * nz;
    double s = 0.0;
    SOLVENT_FOR(p, n) {
        const double ri = b[p] - stencil7_row(p, nx, ny, nz, c, wx, wy, wz, x);
        r[p] = ri;
        s += ri * ri;
    }
    s = solvent_block_sum(s);
    if (threadIdx.x == 0) { partial[blockIdx.x] = s; }
}

// ---- multigrid -------------------------------------------------------------------------------

// y_i += alpha (A x)_i  (CSR, n rows; A may be rectangular: the prolongation x_fine += P x_coarse)
// Moves 12 nnz + 4 (n + 1) bytes of matrix, x gathered, y read and written.
template <int G>
__device__ __forceinline__ void csr_spmv_add_rows(int n, double alpha, const int* __restrict__ rp,
                                                  const int* __restrict__ ci, const double* __restrict__ v,
                                                  const double* __restrict__ x, double* __restrict__ y)
{
    SOLVENT_FOR_ROW_GROUPS(i, n, G) {
        const double ax = csr_row<G>(i, n, rp, ci, v, x);
        if (SOLVENT_ROW_LEADER(i, n, G)) { y[i] += alpha * ax; }
    }
}

extern "C" __global__ void solvent_csr_spmv_add(int n, int group, double alpha, const int* __restrict__ rp,
                                                const int* __restrict__ ci, const double* __restrict__ v,
                                                const double* __restrict__ x, double* __restrict__ y)
{
    SOLVENT_WITH_ROW_GROUP(group, csr_spmv_add_rows, (n, alpha, rp, ci, v, x, y))
}

// y_p += alpha (A x)_p  (stencil)
extern "C" __global__ void solvent_stencil7_spmv_add(int nx, int ny, int nz, double c, double wx, double wy,
                                                     double wz, double alpha, const double* __restrict__ x,
                                                     double* __restrict__ y)
{
    const long long n = (long long)nx * ny * nz;
    SOLVENT_FOR(p, n) { y[p] += alpha * stencil7_row(p, nx, ny, nz, c, wx, wy, wz, x); }
}

// One step of a polynomial smoother (Chebyshev, l1-Jacobi) with the residual fused in:
//   r_i = b_i - (A x)_i;   d_i = c1 d_i + c2 dinv_i r_i   (old d unread when c1 = 0);   xout_i = x_i + d_i
// xout is a different array from x (rows read their neighbours' old x). One pass over A: reads x
// (gathered), b, dinv, d; writes d, xout: 12 nnz + 4 (n + 1) + 56n bytes.  (CSR)
template <int G>
__device__ __forceinline__ void csr_smoother_rows(int n, const int* __restrict__ rp, const int* __restrict__ ci,
                                                  const double* __restrict__ v, const double* __restrict__ b,
                                                  const double* __restrict__ x, const double* __restrict__ dinv,
                                                  double c1, double c2, double* __restrict__ d,
                                                  double* __restrict__ xout)
{
    SOLVENT_FOR_ROW_GROUPS(i, n, G) {
        const double ax = csr_row<G>(i, n, rp, ci, v, x);
        if (SOLVENT_ROW_LEADER(i, n, G)) {
            const double r = b[i] - ax;
            const double di = c1 == 0.0 ? c2 * dinv[i] * r : c1 * d[i] + c2 * dinv[i] * r;
            d[i] = di;
            xout[i] = x[i] + di;
        }
    }
}

extern "C" __global__ void solvent_csr_smoother_step(int n, int group, const int* __restrict__ rp,
                                                     const int* __restrict__ ci, const double* __restrict__ v,
                                                     const double* __restrict__ b, const double* __restrict__ x,
                                                     const double* __restrict__ dinv, double c1, double c2,
                                                     double* __restrict__ d, double* __restrict__ xout)
{
    SOLVENT_WITH_ROW_GROUP(group, csr_smoother_rows, (n, rp, ci, v, b, x, dinv, c1, c2, d, xout))
}

// The same smoother step on the 7-point stencil: 56n bytes.
extern "C" __global__ void solvent_stencil7_smoother_step(int nx, int ny, int nz, double c, double wx, double wy,
                                                          double wz, const double* __restrict__ b,
                                                          const double* __restrict__ x,
                                                          const double* __restrict__ dinv, double c1, double c2,
                                                          double* __restrict__ d, double* __restrict__ xout)
{
    const long long n = (long long)nx * ny * nz;
    SOLVENT_FOR(p, n) {
        const double r = b[p] - stencil7_row(p, nx, ny, nz, c, wx, wy, wz, x);
        const double di = c1 == 0.0 ? c2 * dinv[p] * r : c1 * d[p] + c2 * dinv[p] * r;
        d[p] = di;
        xout[p] = x[p] + di;
    }
}
