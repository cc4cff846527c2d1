// Operator kernels: CSR (one thread per row) and the matrix-free 7-point stencil, each in five
// forms: y = A x, the CG curvature q = A p with p.q fused, the residual r = b - A x with r.r
// fused, and for multigrid y += alpha A x (prolongation; CSR may be rectangular) and the
// polynomial-smoother step with its residual fused. The dot forms write one partial sum per block
// (see solvent_common.cuh).
//
// One thread per row suits the short rows of CFD matrices (7 to 27 entries): a warp per row would
// leave most lanes idle. cuSPARSE, where it loads, replaces solvent_csr_spmv for plain y = A x.
#include "solvent_common.cuh"

// (A x)_i = sum_{k in [rp_i, rp_{i+1})} v_k x_{ci_k}
__device__ __forceinline__ double csr_row(int i, const int* __restrict__ rp, const int* __restrict__ ci,
                                          const double* __restrict__ v, const double* __restrict__ x)
{
    double s = 0.0;
    const int end = rp[i + 1];
    for (int k = rp[i]; k < end; k++) {
        s += v[k] * __ldg(x + ci[k]);
    }
    return s;
}

// y = A x (CSR)
extern "C" __global__ void solvent_csr_spmv(int n, const int* __restrict__ rp, const int* __restrict__ ci,
                                            const double* __restrict__ v, const double* __restrict__ x,
                                            double* __restrict__ y)
{
    SOLVENT_FOR(i, n) { y[i] = csr_row((int)i, rp, ci, v, x); }
}

// q = A p;  partial[block] = sum p_i q_i  (CSR)
extern "C" __global__ void solvent_csr_spmv_dot(int n, const int* __restrict__ rp, const int* __restrict__ ci,
                                                const double* __restrict__ v, const double* __restrict__ p,
                                                double* __restrict__ q, double* __restrict__ partial)
{
    double s = 0.0;
    SOLVENT_FOR(i, n) {
        const double qi = csr_row((int)i, rp, ci, v, p);
        q[i] = qi;
        s += p[i] * qi;
    }
    s = solvent_block_sum(s);
    if (threadIdx.x == 0) { partial[blockIdx.x] = s; }
}

// r = b - A x;  partial[block] = sum r_i^2  (CSR)
extern "C" __global__ void solvent_csr_residual(int n, const int* __restrict__ rp, const int* __restrict__ ci,
                                                const double* __restrict__ v, const double* __restrict__ b,
                                                const double* __restrict__ x, double* __restrict__ r,
                                                double* __restrict__ partial)
{
    double s = 0.0;
    SOLVENT_FOR(i, n) {
        const double ri = b[i] - csr_row((int)i, rp, ci, v, x);
        r[i] = ri;
        s += ri * ri;
    }
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
extern "C" __global__ void solvent_csr_spmv_add(int n, double alpha, const int* __restrict__ rp,
                                                const int* __restrict__ ci, const double* __restrict__ v,
                                                const double* __restrict__ x, double* __restrict__ y)
{
    SOLVENT_FOR(i, n) { y[i] += alpha * csr_row((int)i, rp, ci, v, x); }
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
extern "C" __global__ void solvent_csr_smoother_step(int n, const int* __restrict__ rp, const int* __restrict__ ci,
                                                     const double* __restrict__ v, const double* __restrict__ b,
                                                     const double* __restrict__ x, const double* __restrict__ dinv,
                                                     double c1, double c2, double* __restrict__ d,
                                                     double* __restrict__ xout)
{
    SOLVENT_FOR(i, n) {
        const double r = b[i] - csr_row((int)i, rp, ci, v, x);
        const double di = c1 == 0.0 ? c2 * dinv[i] * r : c1 * d[i] + c2 * dinv[i] * r;
        d[i] = di;
        xout[i] = x[i] + di;
    }
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
