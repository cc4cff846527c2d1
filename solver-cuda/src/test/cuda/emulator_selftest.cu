// Kernels for EmulatedDeviceTest, the tests of the emulated CUDA device itself: most of them break
// a rule of the CUDA execution model on purpose, and the emulated device must report it (or, for a
// missing barrier, give a wrong answer) rather than run to a plausible result. The others check the
// emulation of the intrinsics against what the CUDA programming guide defines.

// Threads at or above `half` return; the others wait at a barrier those never reach.
extern "C" __global__ void selftest_divergent_barrier(int half, int* out)
{
    if ((int)threadIdx.x >= half) {
        return;
    }
    __syncthreads();
    out[threadIdx.x] = 1;
}

// The two halves of the block wait at two different __syncthreads.
extern "C" __global__ void selftest_split_barrier(int* out)
{
    if (threadIdx.x < 128) {
        __syncthreads();
        out[0] = 1;
    } else {
        __syncthreads();
        out[1] = 1;
    }
}

// Lanes 0-15 of each warp shuffle with a full mask; lanes 16-31 go on to the block barrier.
extern "C" __global__ void selftest_warp_deadlock(double* out)
{
    double v = threadIdx.x;
    if ((threadIdx.x & 31) < 16) {
        v = __shfl_down_sync(0xffffffffu, v, 1);
    }
    __syncthreads();
    out[threadIdx.x] = v;
}

// x[i] = i for i < n + extra: extra > 0 writes past the end of an n-element buffer.
extern "C" __global__ void selftest_write_past(int n, int extra, double* x)
{
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < (long long)n + extra;
         i += (long long)blockDim.x * gridDim.x) {
        x[i] = (double)i;
    }
}

// out[i] = in[i]: copies whatever `in` holds (device memory nobody wrote reads as NaN).
extern "C" __global__ void selftest_copy(int n, const float* __restrict__ in, float* __restrict__ out)
{
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += blockDim.x * gridDim.x) {
        out[i] = in[i];
    }
}

// Even threads write their shared slot; every thread reads its own (odd slots were never written).
extern "C" __global__ void selftest_shared_unwritten(float* out)
{
    __shared__ float s[1024];
    if (threadIdx.x % 2 == 0) {
        s[threadIdx.x] = 1.0f;
    }
    __syncthreads();
    out[blockIdx.x * blockDim.x + threadIdx.x] = s[threadIdx.x];
}

// out[t] = the value thread t+1 (cyclically) stored in shared memory; without the barrier a thread
// can read its neighbour's slot before the neighbour wrote it.
extern "C" __global__ void selftest_neighbour(int with_barrier, int* out)
{
    __shared__ int s[1024];
    const int t = threadIdx.x;
    s[t] = 1000 * (int)blockIdx.x + t;
    if (with_barrier) {
        __syncthreads();
    }
    out[blockIdx.x * blockDim.x + t] = s[(t + 1) % blockDim.x];
}

// Each lane records the warp intrinsics' results on v = 100 * warp + lane:
// out[8 t + k], k = shfl_down 3, shfl_up 5, shfl_xor 6, shfl (lane 7), the same four with width 8,
// ... see EmulatedDeviceTest for the expected values. Ballot, any and all on lane % 3 == 0.
extern "C" __global__ void selftest_warp_ops(int* out, unsigned* votes)
{
    const int t = threadIdx.x;
    const int v = 100 * (t >> 5) + (t & 31);
    int* o = out + 8 * t;
    o[0] = __shfl_down_sync(0xffffffffu, v, 3);
    o[1] = __shfl_up_sync(0xffffffffu, v, 5);
    o[2] = __shfl_xor_sync(0xffffffffu, v, 6);
    o[3] = __shfl_sync(0xffffffffu, v, 7);
    o[4] = __shfl_down_sync(0xffffffffu, v, 3, 8);
    o[5] = __shfl_up_sync(0xffffffffu, v, 5, 8);
    o[6] = __shfl_xor_sync(0xffffffffu, v, 6, 8);
    o[7] = __shfl_sync(0xffffffffu, v, 7, 8);
    const unsigned ballot = __ballot_sync(0xffffffffu, (t & 31) % 3 == 0);
    const int any = __any_sync(0xffffffffu, t == 37);
    const int all = __all_sync(0xffffffffu, (t >> 5) != 2);
    __syncwarp();
    if ((t & 31) == 0) {
        votes[3 * (t >> 5)] = ballot;
        votes[3 * (t >> 5) + 1] = (unsigned)any;
        votes[3 * (t >> 5) + 2] = (unsigned)all;
    }
}

// counts[i % 7] += 1 for i < n, and sum += 0.5 per i, by atomics from every block.
extern "C" __global__ void selftest_atomics(int n, int* counts, double* sum)
{
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += blockDim.x * gridDim.x) {
        atomicAdd(&counts[i % 7], 1);
        atomicAdd(sum, 0.5);
    }
}

// out[0..2] = __syncthreads_count / _and / _or of (t % 3 == 0), as thread 0 sees them.
extern "C" __global__ void selftest_barrier_variants(int* out)
{
    const int t = threadIdx.x;
    const int c = __syncthreads_count(t % 3 == 0);
    const int a = __syncthreads_and(t % 3 == 0);
    const int o = __syncthreads_or(t % 3 == 0);
    if (t == 0) {
        out[0] = c;
        out[1] = a;
        out[2] = o;
    }
}

// A shuffle whose mask leaves out the calling lane: an error on the device's own terms.
extern "C" __global__ void selftest_bad_mask(int* out)
{
    out[threadIdx.x] = __shfl_sync(0x1u, (int)threadIdx.x, 0);
}

// Every scalar kind the launcher can pass, written out as doubles.
extern "C" __global__ void selftest_types(int i, unsigned u, long long l, float f, double d, double* out)
{
    if (threadIdx.x == 0 && blockIdx.x == 0) {
        out[0] = i;
        out[1] = u;
        out[2] = (double)l;
        out[3] = f;
        out[4] = d;
    }
}

// Spins until *flag is non-zero: the time-out test sets it from the host afterwards.
extern "C" __global__ void selftest_spin(volatile int* flag)
{
    while (*flag == 0) {
    }
}
