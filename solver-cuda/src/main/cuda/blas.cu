// Vector kernels of the CUDA backend: BLAS-1 and the fused CG steps. Every kernel is launched with
// SOLVENT_BLOCK threads per block; kernels that end in a dot product write one partial sum per
// block, which solvent_reduce turns into the single double the host reads back.
#include "solvent_common.cuh"

// x_i = value
extern "C" __global__ void solvent_fill(int n, double value, double* __restrict__ x)
{
    SOLVENT_FOR(i, n) { x[i] = value; }
}

// y_i = y_i + alpha x_i
extern "C" __global__ void solvent_axpy(int n, double alpha, const double* __restrict__ x, double* __restrict__ y)
{
    SOLVENT_FOR(i, n) { y[i] += alpha * x[i]; }
}

// x_i = alpha x_i
extern "C" __global__ void solvent_scale(int n, double alpha, double* __restrict__ x)
{
    SOLVENT_FOR(i, n) { x[i] *= alpha; }
}

// partial[block] = sum over this block's i of x_i y_i
extern "C" __global__ void solvent_dot(int n, const double* __restrict__ x, const double* __restrict__ y,
                                       double* __restrict__ partial)
{
    double s = 0.0;
    SOLVENT_FOR(i, n) { s += x[i] * y[i]; }
    s = solvent_block_sum(s);
    if (threadIdx.x == 0) { partial[blockIdx.x] = s; }
}

// out[0] = sum_{b < m} partial[b]; launched as ONE block (the second pass of every reduction).
extern "C" __global__ void solvent_reduce(int m, const double* __restrict__ partial, double* __restrict__ out)
{
    double s = 0.0;
    for (int b = threadIdx.x; b < m; b += blockDim.x) { s += partial[b]; }
    s = solvent_block_sum(s);
    if (threadIdx.x == 0) { out[0] = s; }
}

// cg.step1: p_i = z_i + beta p_i
extern "C" __global__ void solvent_cg_direction(int n, const double* __restrict__ z, double beta, double* __restrict__ p)
{
    SOLVENT_FOR(i, n) { p[i] = z[i] + beta * p[i]; }
}

// cg.step2: x_i += alpha p_i;  r_i -= alpha q_i;  partial[block] = sum r_i^2 (new r)
// One pass: reads p, q, x, r and writes x, r (6n doubles).
extern "C" __global__ void solvent_cg_update(int n, double alpha, const double* __restrict__ p,
                                             const double* __restrict__ q, double* __restrict__ x,
                                             double* __restrict__ r, double* __restrict__ partial)
{
    double s = 0.0;
    SOLVENT_FOR(i, n) {
        x[i] += alpha * p[i];
        const double ri = r[i] - alpha * q[i];
        r[i] = ri;
        s += ri * ri;
    }
    s = solvent_block_sum(s);
    if (threadIdx.x == 0) { partial[blockIdx.x] = s; }
}

// Jacobi: z_i = d_i r_i (d the inverse diagonal);  partial[block] = sum r_i z_i
extern "C" __global__ void solvent_diag_scale_dot(int n, const double* __restrict__ d, const double* __restrict__ r,
                                                  double* __restrict__ z, double* __restrict__ partial)
{
    double s = 0.0;
    SOLVENT_FOR(i, n) {
        const double ri = r[i];
        const double zi = d[i] * ri;
        z[i] = zi;
        s += ri * zi;
    }
    s = solvent_block_sum(s);
    if (threadIdx.x == 0) { partial[blockIdx.x] = s; }
}

// The first step of a polynomial smoother from x = 0, where r = b (no operator applied):
//   d_i = c1 d_i + c2 dinv_i b_i   (old d unread when c1 = 0);   xout_i = d_i
// Reads b, dinv (and d); writes d, xout: 32n bytes.
extern "C" __global__ void solvent_smoother_start(int n, const double* __restrict__ b, const double* __restrict__ dinv,
                                                  double c1, double c2, double* __restrict__ d,
                                                  double* __restrict__ xout)
{
    SOLVENT_FOR(i, n) {
        const double di = c1 == 0.0 ? c2 * dinv[i] * b[i] : c1 * d[i] + c2 * dinv[i] * b[i];
        d[i] = di;
        xout[i] = di;
    }
}
