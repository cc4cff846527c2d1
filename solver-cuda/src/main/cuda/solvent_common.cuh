// Shared by every Solvent kernel file: the block size the host launches with and the block sum
// that the fused kernels use for their dot products.
//
// Reductions are two-pass and deterministic for a fixed grid: each block writes (or, for the
// colour-by-colour SSOR, adds) one partial sum to partial[blockIdx.x]; solvent_reduce then sums
// the partials in one block and writes a single double, the only value copied back to the host.
#pragma once

// The host (dev.solvent.cuda.internal.Kernels.BLOCK) launches every kernel with this many threads.
#define SOLVENT_BLOCK 256

// Grid-stride loop over [0, n): any grid size covers any n, so the host can cap the grid at what
// the device keeps resident and size the partial-sum buffer once. 64-bit counter: i + stride must
// not overflow when n is close to 2^31.
#define SOLVENT_FOR(i, n) \
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < (long long)(n); \
         i += (long long)blockDim.x * gridDim.x)

// Sum of v over the block; the result is valid in thread 0 only. Every thread of the block must
// call it (it holds barriers), so kernels never return early before it.
__device__ __forceinline__ double solvent_block_sum(double v)
{
    __shared__ double warp_sums[SOLVENT_BLOCK / 32];
    for (int offset = 16; offset > 0; offset >>= 1) {
        v += __shfl_down_sync(0xffffffffu, v, offset);
    }
    const int lane = threadIdx.x & 31;
    const int warp = threadIdx.x >> 5;
    if (lane == 0) {
        warp_sums[warp] = v;
    }
    __syncthreads();
    v = (threadIdx.x < SOLVENT_BLOCK / 32) ? warp_sums[threadIdx.x] : 0.0;
    if (warp == 0) {
        for (int offset = 16; offset > 0; offset >>= 1) {
            v += __shfl_down_sync(0xffffffffu, v, offset);
        }
    }
    return v;
}
