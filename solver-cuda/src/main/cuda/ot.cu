// Dense kernels of entropic optimal transport (dev.solvent.ot: Sinkhorn and Sinkhorn-Newton-Sparse)
// for the CUDA implementation of DualKernels (dev.solvent.cuda.CudaDualKernels). They follow the CPU
// kernels of dev.solvent.ot.DualState formula for formula; what differs is the order of the
// additions inside a sum, the device's exp/log/expm1 (not Java's Math, which may differ from them in
// the last bit), and products that nvcc contracts into FMAs (solvent_ot_phi_sum's argument and
// Taylor series), so the two agree to rounding, not bit for bit.
//
// Notation (as in DualState): scaled potentials u = eta x (n), v = eta y - 1 (m), scaled cost
// K = eta C (n x m, row-major) and its transpose KT (m x n), so that every plan entry is
//
//   P_ij = exp(u_i + v_j - K_ij),
//
// with exponents below OT_CLIP flushed to zero (exp of them is below 1e-304 and subnormal; no sum
// that matters can feel it). Row kernels give one block to a row and read K row by row; column
// kernels give one block to a column and read KT, so every global read is coalesced. Blocks step
// over rows (columns) by the grid size, so the grid can be capped at the partial-sum buffer.
#include <cfloat>
#include "solvent_common.cuh"

#define OT_CLIP (-700.0)
#define OT_TINY 1e-250
#define OT_WARPS (SOLVENT_BLOCK / 32)

__device__ __forceinline__ double ot_exp_clipped(double t)
{
    return t < OT_CLIP ? 0.0 : exp(t);
}

// Sum (max) of v over the block, returned to EVERY thread. Every thread must call it. The barrier
// at the end lets the next call reuse the shared slots: unlike solvent_block_sum, these are called
// several times in a row inside one kernel.
__device__ double ot_block_sum_all(double v)
{
    __shared__ double slots[OT_WARPS];
    __shared__ double total;
    for (int offset = 16; offset > 0; offset >>= 1) {
        v += __shfl_down_sync(0xffffffffu, v, offset);
    }
    const int lane = threadIdx.x & 31;
    const int warp = threadIdx.x >> 5;
    if (lane == 0) { slots[warp] = v; }
    __syncthreads();
    if (warp == 0) {
        v = lane < OT_WARPS ? slots[lane] : 0.0;
        for (int offset = 16; offset > 0; offset >>= 1) {
            v += __shfl_down_sync(0xffffffffu, v, offset);
        }
        if (lane == 0) { total = v; }
    }
    __syncthreads();
    const double r = total;
    __syncthreads();
    return r;
}

__device__ double ot_block_max_all(double v)
{
    __shared__ double slots[OT_WARPS];
    __shared__ double total;
    for (int offset = 16; offset > 0; offset >>= 1) {
        v = fmax(v, __shfl_down_sync(0xffffffffu, v, offset));
    }
    const int lane = threadIdx.x & 31;
    const int warp = threadIdx.x >> 5;
    if (lane == 0) { slots[warp] = v; }
    __syncthreads();
    if (warp == 0) {
        v = lane < OT_WARPS ? slots[lane] : -INFINITY;
        for (int offset = 16; offset > 0; offset >>= 1) {
            v = fmax(v, __shfl_down_sync(0xffffffffu, v, offset));
        }
        if (lane == 0) { total = v; }
    }
    __syncthreads();
    const double r = total;
    __syncthreads();
    return r;
}

// For a 0/1 flag per thread: the number of flags set in threads below this one (the write offset
// of an ordered compaction), and in *count the number set in the whole block. Every thread must
// call it.
__device__ int ot_block_exclusive_count(int flag, int* count)
{
    __shared__ int warp_counts[OT_WARPS];
    __shared__ int warp_offsets[OT_WARPS + 1];
    const int lane = threadIdx.x & 31;
    const int warp = threadIdx.x >> 5;
    const unsigned ballot = __ballot_sync(0xffffffffu, flag);
    if (lane == 0) { warp_counts[warp] = __popc(ballot); }
    __syncthreads();
    if (threadIdx.x == 0) {
        int s = 0;
        for (int w = 0; w < OT_WARPS; w++) {
            warp_offsets[w] = s;
            s += warp_counts[w];
        }
        warp_offsets[OT_WARPS] = s;
    }
    __syncthreads();
    const int offset = warp_offsets[warp] + __popc(ballot & ((1u << lane) - 1u));
    *count = warp_offsets[OT_WARPS];
    __syncthreads();
    return offset;
}

// log sum_j exp(a_j - K_j) over a row (or column) of length len, a_j = shift + w_j: the exact
// log-sum-exp with the maximum as the shift, used where the plain sum under- or overflowed.
__device__ double ot_exact_lse(int len, double shift, const double* __restrict__ w, const double* __restrict__ k)
{
    double mx = -INFINITY;
    for (int j = threadIdx.x; j < len; j += blockDim.x) {
        mx = fmax(mx, shift + w[j] - k[j]);
    }
    mx = ot_block_max_all(mx);
    double s = 0.0;
    for (int j = threadIdx.x; j < len; j += blockDim.x) {
        s += ot_exp_clipped(shift + w[j] - k[j] - mx);
    }
    s = ot_block_sum_all(s);
    return mx + log(s);
}

// Row half-step of log-domain Sinkhorn (DualState.rowStep):
//   s_i  = sum_j exp(u_i + v_j - K_ij)        (shift u_i; if s_i is not in (OT_TINY, inf), the
//                                               exact log-sum-exp shifted by the row maximum)
//   err += |s_i - r_i|                         (measured before the update, as exp(log s_i))
//   u_i  = u_i + log r_i - log s_i             (afterwards P 1 = r)
// partial[block] = this block's share of err.
extern "C" __global__ void solvent_ot_row_step(int n, int m, const double* __restrict__ K, double* __restrict__ u,
                                               const double* __restrict__ v, const double* __restrict__ logr,
                                               const double* __restrict__ r, double* __restrict__ partial)
{
    double err = 0.0;
    for (int i = blockIdx.x; i < n; i += gridDim.x) {
        const double ui = u[i];
        const double* row = K + (long long)i * m;
        double s = 0.0;
        for (int j = threadIdx.x; j < m; j += blockDim.x) {
            s += ot_exp_clipped(ui + v[j] - row[j]);
        }
        s = ot_block_sum_all(s);
        const double logs = (s > OT_TINY && s < INFINITY) ? log(s) : ot_exact_lse(m, ui, v, row);
        if (threadIdx.x == 0) {
            err += fabs(exp(logs) - r[i]);
            u[i] = ui + logr[i] - logs;
        }
    }
    if (threadIdx.x == 0) { partial[blockIdx.x] = err; }
}

// Column half-step (DualState.columnStep), from the transposed cost:
//   t_j = sum_i exp(u_i + v_j - K_ij)          (shift v_j; exact log-sum-exp where t_j leaves (OT_TINY, inf))
//   v_j = v_j + (log c_j - log t_j)            (afterwards P^T 1 = c)
extern "C" __global__ void solvent_ot_column_step(int n, int m, const double* __restrict__ KT,
                                                  const double* __restrict__ u, double* __restrict__ v,
                                                  const double* __restrict__ logc)
{
    for (int j = blockIdx.x; j < m; j += gridDim.x) {
        const double vj = v[j];
        const double* col = KT + (long long)j * n;
        double t = 0.0;
        for (int i = threadIdx.x; i < n; i += blockDim.x) {
            t += ot_exp_clipped(u[i] + vj - col[i]);
        }
        t = ot_block_sum_all(t);
        double logt;
        if (t > OT_TINY && t < INFINITY) {
            logt = log(t);
        } else {
            // max_i (u_i + v_j - K_ij), then the shifted sum: the same terms as the row case with
            // the roles of u and v exchanged (u_i + v_j is added in this order on both sides).
            double mx = -INFINITY;
            for (int i = threadIdx.x; i < n; i += blockDim.x) {
                mx = fmax(mx, u[i] + vj - col[i]);
            }
            mx = ot_block_max_all(mx);
            double s = 0.0;
            for (int i = threadIdx.x; i < n; i += blockDim.x) {
                s += ot_exp_clipped(u[i] + vj - col[i] - mx);
            }
            s = ot_block_sum_all(s);
            logt = mx + log(s);
        }
        if (threadIdx.x == 0) { v[j] = vj + (logc[j] - logt); }
    }
}

// One side of the plan (DualState.plan and the gradient of SinkhornNewtonSparse), a block per line:
// the rows of P from K (rows = true: line i, entries j) or the columns from the transposed cost KT
// (line j, entries i, stored transposed, PT_ji = P_ij). The exponent is u_i + v_j - K_ij with u_i
// added first on both sides, so PT holds the same bits as P. For each line l:
//   PL[l, k] = exp(u_i + v_j - K_ij),  sum_l = sum_k PL[l, k],  max_l = max_k PL[l, k],
//   g_l = target_l - sum_l,            partial[block] = sum |g_l| over the block's lines.
__device__ __forceinline__ void ot_plan_lines(bool rows, int lines, int len, const double* __restrict__ M,
                                              const double* __restrict__ u, const double* __restrict__ v,
                                              const double* __restrict__ target, double* __restrict__ PL,
                                              double* __restrict__ sum, double* __restrict__ max,
                                              double* __restrict__ g, double* __restrict__ partial)
{
    double err = 0.0;
    for (int l = blockIdx.x; l < lines; l += gridDim.x) {
        const long long base = (long long)l * len;
        double s = 0.0;
        double mx = 0.0;
        for (int k = threadIdx.x; k < len; k += blockDim.x) {
            const double uv = rows ? u[l] + v[k] : u[k] + v[l];
            const double p = ot_exp_clipped(uv - M[base + k]);
            PL[base + k] = p;
            s += p;
            mx = fmax(mx, p);
        }
        s = ot_block_sum_all(s);
        mx = ot_block_max_all(mx);
        if (threadIdx.x == 0) {
            sum[l] = s;
            max[l] = mx;
            const double gl = target[l] - s;
            g[l] = gl;
            err += fabs(gl);
        }
    }
    if (threadIdx.x == 0) { partial[blockIdx.x] = err; }
}

// Plan, row side: P, rowsum_i, rowmax_i and g_i = r_i - rowsum_i (ot_plan_lines over the rows).
extern "C" __global__ void solvent_ot_plan_rows(int n, int m, const double* __restrict__ K,
                                                const double* __restrict__ u, const double* __restrict__ v,
                                                const double* __restrict__ r, double* __restrict__ P,
                                                double* __restrict__ rowsum, double* __restrict__ rowmax,
                                                double* __restrict__ g, double* __restrict__ partial)
{
    ot_plan_lines(true, n, m, K, u, v, r, P, rowsum, rowmax, g, partial);
}

// Plan, column side: PT, colsum_j, colmax_j and g_{n+j} = c_j - colsum_j (ot_plan_lines over the
// columns of the transposed cost).
extern "C" __global__ void solvent_ot_plan_cols(int n, int m, const double* __restrict__ KT,
                                                const double* __restrict__ u, const double* __restrict__ v,
                                                const double* __restrict__ c, double* __restrict__ PT,
                                                double* __restrict__ colsum, double* __restrict__ colmax,
                                                double* __restrict__ g, double* __restrict__ partial)
{
    ot_plan_lines(false, m, n, KT, u, v, c, PT, colsum, colmax, g + n, partial);
}

// partial[block] = number of entries of x[0..len) that are NaN or infinite (as a double).
extern "C" __global__ void solvent_ot_count_nonfinite(int len, const double* __restrict__ x,
                                                      double* __restrict__ partial)
{
    double s = 0.0;
    SOLVENT_FOR(q, len) { s += isfinite(x[q]) ? 0.0 : 1.0; }
    s = solvent_block_sum(s);
    if (threadIdx.x == 0) { partial[blockIdx.x] = s; }
}

// The null vector e = (1_n, -1_m) of M: partial[block] = this block's share of z.e.
extern "C" __global__ void solvent_ot_null_dot(int n, int total, const double* __restrict__ z,
                                               double* __restrict__ partial)
{
    double s = 0.0;
    SOLVENT_FOR(q, total) { s += q < n ? z[q] : -z[q]; }
    s = solvent_block_sum(s);
    if (threadIdx.x == 0) { partial[blockIdx.x] = s; }
}

// z -= coef e, e = (1_n, -1_m); with coef = z.e / e.e this projects e out of z.
extern "C" __global__ void solvent_ot_null_shift(int n, int total, double coef, double* __restrict__ z)
{
    SOLVENT_FOR(q, total) { z[q] -= q < n ? coef : -coef; }
}

// ---- top-k threshold of the plan: radix selection on the bit patterns ----------------------------
//
// The value of the k-th largest POSITIVE entry of P (SinkhornNewtonSparse.topThreshold): the
// smallest positive entry when there are at most k of them, +inf when k = 0 or none is positive.
// Positive doubles order like their bit patterns read as integers, so the k-th largest is found
// one byte at a time from the top, eight passes of a 256-bin histogram over the entries whose
// higher bytes match the prefix found so far. Exact (not a bisection on values): the kept set is
// the CPU's, ties included. Counts are integers, so the atomics leave the result deterministic.
//
// state[0] = prefix (bit pattern found so far), state[1] = rank still sought among the entries
// matching the prefix (1 = the largest), state[2] = 1 when the answer is already known.

// state = {0, keep, 0}; hist = 0. One block.
extern "C" __global__ void solvent_ot_select_begin(int keep, long long* __restrict__ state, int* __restrict__ hist)
{
    if (threadIdx.x == 0) {
        state[0] = 0;
        state[1] = keep;
        state[2] = 0;
    }
    for (int b = threadIdx.x; b < 256; b += blockDim.x) { hist[b] = 0; }
}

// hist[b] += #{q : P_q > 0, the bytes above `shift` of P_q equal the prefix's, byte at `shift` = b}.
extern "C" __global__ void solvent_ot_select_histogram(int total, int shift, const double* __restrict__ P,
                                                       const long long* __restrict__ state, int* __restrict__ hist)
{
    __shared__ int local[256];
    for (int b = threadIdx.x; b < 256; b += blockDim.x) { local[b] = 0; }
    __syncthreads();
    const unsigned long long prefix = (unsigned long long)state[0];
    const bool done = state[2] != 0;
    if (!done) {
        SOLVENT_FOR(q, total) {
            const double p = P[q];
            if (p > 0.0) {
                const unsigned long long bits = (unsigned long long)__double_as_longlong(p);
                if (shift == 56 || (bits >> (shift + 8)) == (prefix >> (shift + 8))) {
                    atomicAdd(&local[(int)((bits >> shift) & 255ull)], 1);
                }
            }
        }
    }
    __syncthreads();
    for (int b = threadIdx.x; b < 256; b += blockDim.x) {
        if (local[b] != 0) { atomicAdd(&hist[b], local[b]); }
    }
}

// One block, after each histogram pass: picks the byte at `shift` of the sought entry, narrows the
// rank, clears the histogram. On the first pass (shift 56) the rank is capped at the number of
// positive entries. After the last pass (shift 0) top[0] is the threshold.
extern "C" __global__ void solvent_ot_select_step(int shift, long long* __restrict__ state, int* __restrict__ hist,
                                                  double* __restrict__ top)
{
    if (threadIdx.x == 0 && state[2] == 0) {
        long long rank = state[1];
        if (shift == 56) {
            long long positives = 0;
            for (int b = 0; b < 256; b++) { positives += hist[b]; }
            rank = rank < positives ? rank : positives;
            if (rank <= 0) {
                state[2] = 1;
                top[0] = INFINITY;
            }
        }
        if (state[2] == 0) {
            long long above = 0;
            int b = 255;
            for (; b > 0; b--) {
                if (above + hist[b] >= rank) { break; }
                above += hist[b];
            }
            state[0] |= (long long)b << shift;
            state[1] = rank - above;
            if (shift == 0) {
                state[2] = 1;
                top[0] = __longlong_as_double(state[0]);
            }
        }
    }
    __syncthreads();
    for (int b = threadIdx.x; b < 256; b += blockDim.x) { hist[b] = 0; }
}

// ---- the sparsified Hessian in CSR (SinkhornNewtonSparse.sparsifiedHessian) -----------------------
//
//   M_s = [[(1 + mu) diag(P 1), P_s], [P_s^T, (1 + mu) diag(P^T 1)]]   (size n + m)
//   P_ij is kept when P_ij > 0 and (P_ij >= min(top, rel rowmax_i) or P_ij >= rel colmax_j).
// Rows i < n: the diagonal first, then the kept columns n + j, increasing; rows n + j: the kept
// rows i, increasing, then the diagonal. Diagonals are floored at DBL_MIN (Double.MIN_NORMAL).
// Counting, an exclusive scan of the row sizes, and an ordered fill per row give exactly the CPU's
// matrix.

__device__ __forceinline__ bool ot_kept(double p, double rowcut, double colcut)
{
    return p > 0.0 && (p >= rowcut || p >= colcut);
}

// sizes[i] = 1 + kept entries of row i of P.
extern "C" __global__ void solvent_ot_count_rows(int n, int m, const double* __restrict__ P,
                                                 const double* __restrict__ rowmax, const double* __restrict__ colmax,
                                                 const double* __restrict__ top, double rel, int* __restrict__ sizes)
{
    const double t = top[0];
    for (int i = blockIdx.x; i < n; i += gridDim.x) {
        const double rowcut = fmin(t, rel * rowmax[i]);
        const long long base = (long long)i * m;
        double count = 0.0;
        for (int j = threadIdx.x; j < m; j += blockDim.x) {
            count += ot_kept(P[base + j], rowcut, rel * colmax[j]) ? 1.0 : 0.0;
        }
        count = ot_block_sum_all(count);
        if (threadIdx.x == 0) { sizes[i] = 1 + (int)count; }
    }
}

// sizes[n + j] = 1 + kept entries of column j of P (read from PT).
extern "C" __global__ void solvent_ot_count_cols(int n, int m, const double* __restrict__ PT,
                                                 const double* __restrict__ rowmax, const double* __restrict__ colmax,
                                                 const double* __restrict__ top, double rel, int* __restrict__ sizes)
{
    const double t = top[0];
    for (int j = blockIdx.x; j < m; j += gridDim.x) {
        const double colcut = rel * colmax[j];
        const long long base = (long long)j * n;
        double count = 0.0;
        for (int i = threadIdx.x; i < n; i += blockDim.x) {
            count += ot_kept(PT[base + i], fmin(t, rel * rowmax[i]), colcut) ? 1.0 : 0.0;
        }
        count = ot_block_sum_all(count);
        if (threadIdx.x == 0) { sizes[n + j] = 1 + (int)count; }
    }
}

// rowptr[0] = 0, rowptr[q + 1] = sizes[0] + ... + sizes[q]; out[0] = rowptr[len] (the nnz, as a
// double: the one value the host reads). One block; each thread scans a contiguous chunk.
extern "C" __global__ void solvent_ot_scan(int len, const int* __restrict__ sizes, int* __restrict__ rowptr,
                                           double* __restrict__ out)
{
    __shared__ int chunk_sums[SOLVENT_BLOCK];
    const int chunk = (len + blockDim.x - 1) / blockDim.x;
    const int from = min(len, (int)threadIdx.x * chunk);
    const int to = min(len, from + chunk);
    int s = 0;
    for (int q = from; q < to; q++) { s += sizes[q]; }
    chunk_sums[threadIdx.x] = s;
    __syncthreads();
    if (threadIdx.x == 0) {
        int acc = 0;
        for (int t = 0; t < (int)blockDim.x; t++) {
            const int here = chunk_sums[t];
            chunk_sums[t] = acc;
            acc += here;
        }
        rowptr[0] = 0;
        out[0] = (double)acc;
    }
    __syncthreads();
    int acc = chunk_sums[threadIdx.x];
    for (int q = from; q < to; q++) {
        acc += sizes[q];
        rowptr[q + 1] = acc;
    }
}

// Rows i < n of M_s: (1 + shift) max(rowsum_i, DBL_MIN) on the diagonal, then the kept P_ij at
// columns n + j in increasing j.
extern "C" __global__ void solvent_ot_fill_rows(int n, int m, const double* __restrict__ P,
                                                const double* __restrict__ rowsum, const double* __restrict__ rowmax,
                                                const double* __restrict__ colmax, const double* __restrict__ top,
                                                double rel, double shift, const int* __restrict__ rowptr,
                                                int* __restrict__ ci, double* __restrict__ val)
{
    const double t = top[0];
    for (int i = blockIdx.x; i < n; i += gridDim.x) {
        const double rowcut = fmin(t, rel * rowmax[i]);
        const long long base = (long long)i * m;
        int pos = rowptr[i];
        if (threadIdx.x == 0) {
            ci[pos] = i;
            val[pos] = (1.0 + shift) * fmax(rowsum[i], DBL_MIN);
        }
        pos++;
        for (int tile = 0; tile < m; tile += blockDim.x) {
            const int j = tile + threadIdx.x;
            const double p = j < m ? P[base + j] : 0.0;
            const int keep = j < m && ot_kept(p, rowcut, rel * colmax[j]);
            int count;
            const int offset = ot_block_exclusive_count(keep, &count);
            if (keep) {
                ci[pos + offset] = n + j;
                val[pos + offset] = p;
            }
            pos += count;
        }
    }
}

// Rows n + j of M_s: the kept P_ij at columns i in increasing i (read from PT), then
// (1 + shift) max(colsum_j, DBL_MIN) on the diagonal, the last entry of the row.
extern "C" __global__ void solvent_ot_fill_cols(int n, int m, const double* __restrict__ PT,
                                                const double* __restrict__ colsum, const double* __restrict__ rowmax,
                                                const double* __restrict__ colmax, const double* __restrict__ top,
                                                double rel, double shift, const int* __restrict__ rowptr,
                                                int* __restrict__ ci, double* __restrict__ val)
{
    const double t = top[0];
    for (int j = blockIdx.x; j < m; j += gridDim.x) {
        const double colcut = rel * colmax[j];
        const long long base = (long long)j * n;
        int pos = rowptr[n + j];
        for (int tile = 0; tile < n; tile += blockDim.x) {
            const int i = tile + threadIdx.x;
            const double p = i < n ? PT[base + i] : 0.0;
            const int keep = i < n && ot_kept(p, fmin(t, rel * rowmax[i]), colcut);
            int count;
            const int offset = ot_block_exclusive_count(keep, &count);
            if (keep) {
                ci[pos + offset] = i;
                val[pos + offset] = p;
            }
            pos += count;
        }
        if (threadIdx.x == 0) {
            const int last = rowptr[n + j + 1] - 1;
            ci[last] = n + j;
            val[last] = (1.0 + shift) * fmax(colsum[j], DBL_MIN);
        }
    }
}

// ---- line search ---------------------------------------------------------------------------------

// out[0] = max_ij |wu_i + wv_j| = max(|max wu + max wv|, |min wu + min wv|), w = (wu, wv) of
// length total = n + m. One block (the vectors are short next to the plan).
extern "C" __global__ void solvent_ot_max_pair_sum(int n, int total, const double* __restrict__ w,
                                                   double* __restrict__ out)
{
    double umax = -INFINITY;
    double umin = INFINITY;
    double vmax = -INFINITY;
    double vmin = INFINITY;
    for (int q = threadIdx.x; q < total; q += blockDim.x) {
        const double a = w[q];
        if (q < n) {
            umax = fmax(umax, a);
            umin = fmin(umin, a);
        } else {
            vmax = fmax(vmax, a);
            vmin = fmin(vmin, a);
        }
    }
    umax = ot_block_max_all(umax);
    umin = -ot_block_max_all(-umin);
    vmax = ot_block_max_all(vmax);
    vmin = -ot_block_max_all(-vmin);
    if (threadIdx.x == 0) { out[0] = fmax(fabs(umax + vmax), fabs(umin + vmin)); }
}

// e^t - 1 - t without cancellation near 0 (DualState.phi): Taylor series below |t| = 1e-3.
__device__ __forceinline__ double ot_phi(double t)
{
    if (fabs(t) < 1e-3) {
        return t * t * (0.5 + t * (1.0 / 6 + t * (1.0 / 24 + t * (1.0 / 120))));
    }
    return expm1(t) - t;
}

// The curvature term of the exact change of the dual objective along the step (DualState.phiSum):
//   partial[block] = sum over the block's entries of P_ij phi(alpha wu_i + alpha wv_j), P_ij > 0,
// with w = (wu, wv) the Newton direction in scaled potentials.
extern "C" __global__ void solvent_ot_phi_sum(int n, int m, const double* __restrict__ P,
                                              const double* __restrict__ w, double alpha,
                                              double* __restrict__ partial)
{
    double s = 0.0;
    const long long total = (long long)n * m;
    SOLVENT_FOR(q, total) {
        const double p = P[q];
        if (p > 0.0) {
            const long long i = q / m;
            const long long j = q - i * m;
            s += p * ot_phi(alpha * w[i] + alpha * w[n + j]);
        }
    }
    s = solvent_block_sum(s);
    if (threadIdx.x == 0) { partial[blockIdx.x] = s; }
}

// The accepted step: u_i += alpha wu_i, v_j += alpha wv_j.
extern "C" __global__ void solvent_ot_step(int n, int m, double alpha, const double* __restrict__ w,
                                           double* __restrict__ u, double* __restrict__ v)
{
    SOLVENT_FOR(q, n + m) {
        if (q < n) {
            u[q] += alpha * w[q];
        } else {
            v[q - n] += alpha * w[q];
        }
    }
}
