// The CUDA execution model on the host CPU, for Solvent's emulated CUDA device
// (dev.solvent.cuda.internal.EmulatedDevice). Force-included (g++ -include) before each unmodified
// .cu file of src/main/cuda, which is then compiled by g++ as C++17; the runtime that schedules the
// threads is emulator_runtime.cpp beside this file.
//
// What a kernel sees, as on a GPU:
//   - threadIdx, blockIdx, blockDim, gridDim (x only is launched by Solvent; y = z = 0 / 1);
//   - __shared__ variables: one copy per block (blocks run one at a time), filled with 0xFF bytes
//     (NaN as float/double, -1 as int) before every block, so a read of shared memory that no
//     thread of this block wrote shows up;
//   - __syncthreads(): a barrier across the block's threads. Every thread of a block is its own
//     execution context with its own stack (a fibre); the runtime runs each ready thread until it
//     reaches a barrier, a warp operation or its end, in an order shuffled afresh at every phase,
//     so a missing barrier reads another thread's stale or NaN-filled data instead of luckily
//     finding it written. A barrier that some threads never reach (they returned, or wait at
//     another __syncthreads) or a deadlock is reported as an error naming the kernel, the block,
//     the threads and the source lines;
//   - warp shuffles, votes and __syncwarp through a per-warp exchange: the lanes named in the mask
//     must all arrive at the same kind of operation with the same mask; values are exchanged only
//     when all have, and a lane missing (exited, or at a block barrier) is reported;
//   - atomics, __ldg, the rounding intrinsics and the device math functions the kernels use.
//
// What it cannot see: real warp scheduling and the GPU memory model (fences, caching, coalescing),
// timing, and anything of the driver. Floating point: no contraction into FMA here (the build uses
// -ffp-contract=off), where nvcc contracts by default: results agree with a GPU to rounding.
#pragma once

#include <cfloat>
#include <climits>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>

// ---- qualifiers ----------------------------------------------------------------------------------
#define __global__
#define __device__
#define __host__
#define __forceinline__ inline __attribute__((always_inline))
#define __launch_bounds__(...)
// Every __shared__ variable lands in one ELF section, which the runtime fills with 0xFF before each
// block (its bounds are the linker's __start_/__stop_ symbols). `static`: one copy for all threads.
#define __shared__ static __attribute__((section("solvent_emu_shared")))
// __restrict__ is a GNU C++ keyword already.

// ---- built-in variables ----------------------------------------------------------------------------
struct uint3 {
    unsigned int x, y, z;
};
struct dim3 {
    unsigned int x, y, z;
};

namespace cuda_emu {
// Set by the runtime before it resumes a thread; one device thread runs at a time (one host thread
// runs all of them), so plain globals suffice.
extern uint3 g_threadIdx;
extern uint3 g_blockIdx;
extern dim3 g_blockDim;
extern dim3 g_gridDim;
}  // namespace cuda_emu

#define threadIdx (static_cast<const uint3&>(cuda_emu::g_threadIdx))
#define blockIdx (static_cast<const uint3&>(cuda_emu::g_blockIdx))
#define blockDim (static_cast<const dim3&>(cuda_emu::g_blockDim))
#define gridDim (static_cast<const dim3&>(cuda_emu::g_gridDim))
#define warpSize 32

// ---- synchronisation (emulator_runtime.cpp) -------------------------------------------------------
namespace cuda_emu {

enum WarpOp : int { OP_SHFL_IDX, OP_SHFL_UP, OP_SHFL_DOWN, OP_SHFL_XOR, OP_BALLOT, OP_ANY, OP_ALL, OP_SYNCWARP };
enum BarrierOp : int { BAR_PLAIN, BAR_COUNT, BAR_AND, BAR_OR };

// Block barrier; returns the count / and / or of the predicates for the __syncthreads_* variants.
int block_barrier(const char* file, int line, int op, int predicate);
// A warp operation: waits for the lanes of `mask`, returns this lane's result bits.
unsigned long long warp_op(const char* file, int line, int op, unsigned mask, unsigned long long value,
                           int arg, int width, int bytes);
// Stops the launch with an error naming this thread (a __trap(), an invalid argument, ...).
[[noreturn]] void device_error(const char* file, int line, const char* what);

template <class T>
inline unsigned long long to_bits(T v)
{
    static_assert(sizeof(T) <= 8 && std::is_trivially_copyable<T>::value, "shuffle of an unsupported type");
    unsigned long long b = 0;
    std::memcpy(&b, &v, sizeof(T));
    return b;
}

template <class T>
inline T from_bits(unsigned long long b)
{
    T v;
    std::memcpy(&v, &b, sizeof(T));
    return v;
}

template <class T>
inline T shfl(const char* f, int l, int op, unsigned mask, T v, int arg, int width = 32)
{
    return from_bits<T>(warp_op(f, l, op, mask, to_bits(v), arg, width, (int)sizeof(T)));
}

}  // namespace cuda_emu

#define __syncthreads() cuda_emu::block_barrier(__FILE__, __LINE__, cuda_emu::BAR_PLAIN, 0)
#define __syncthreads_count(p) cuda_emu::block_barrier(__FILE__, __LINE__, cuda_emu::BAR_COUNT, (p) ? 1 : 0)
#define __syncthreads_and(p) cuda_emu::block_barrier(__FILE__, __LINE__, cuda_emu::BAR_AND, (p) ? 1 : 0)
#define __syncthreads_or(p) cuda_emu::block_barrier(__FILE__, __LINE__, cuda_emu::BAR_OR, (p) ? 1 : 0)
#define __syncwarp(...) \
    ((void)cuda_emu::warp_op(__FILE__, __LINE__, cuda_emu::OP_SYNCWARP, cuda_emu::syncwarp_mask(__VA_ARGS__), 0, 0, 32, 0))
#define __shfl_sync(mask, v, ...) cuda_emu::shfl(__FILE__, __LINE__, cuda_emu::OP_SHFL_IDX, mask, v, __VA_ARGS__)
#define __shfl_up_sync(mask, v, ...) cuda_emu::shfl(__FILE__, __LINE__, cuda_emu::OP_SHFL_UP, mask, v, __VA_ARGS__)
#define __shfl_down_sync(mask, v, ...) cuda_emu::shfl(__FILE__, __LINE__, cuda_emu::OP_SHFL_DOWN, mask, v, __VA_ARGS__)
#define __shfl_xor_sync(mask, v, ...) cuda_emu::shfl(__FILE__, __LINE__, cuda_emu::OP_SHFL_XOR, mask, v, __VA_ARGS__)
#define __ballot_sync(mask, p) \
    ((unsigned)cuda_emu::warp_op(__FILE__, __LINE__, cuda_emu::OP_BALLOT, mask, (p) ? 1 : 0, 0, 32, 0))
#define __any_sync(mask, p) ((int)cuda_emu::warp_op(__FILE__, __LINE__, cuda_emu::OP_ANY, mask, (p) ? 1 : 0, 0, 32, 0))
#define __all_sync(mask, p) ((int)cuda_emu::warp_op(__FILE__, __LINE__, cuda_emu::OP_ALL, mask, (p) ? 1 : 0, 0, 32, 0))
#define __trap() cuda_emu::device_error(__FILE__, __LINE__, "__trap()")

namespace cuda_emu {
inline unsigned syncwarp_mask()
{
    return 0xffffffffu;
}
inline unsigned syncwarp_mask(unsigned m)
{
    return m;
}
}  // namespace cuda_emu

// Memory fences: one host thread runs every device thread, so a compiler barrier is all they need.
inline void __threadfence()
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}
inline void __threadfence_block()
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}
inline void __threadfence_system()
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

// ---- loads ---------------------------------------------------------------------------------------
template <class T>
inline T __ldg(const T* p)
{
    return *p;
}

// ---- atomics (relaxed; they return the old value, as on the device) -------------------------------
template <class T>
inline T atomicAdd(T* p, T v)
{
    static_assert(std::is_integral<T>::value, "atomicAdd on this type is not emulated");
    return __atomic_fetch_add(p, v, __ATOMIC_RELAXED);
}
inline float atomicAdd(float* p, float v)
{
    float old;
    __atomic_load(p, &old, __ATOMIC_RELAXED);
    float next;
    do {
        next = old + v;
    } while (!__atomic_compare_exchange(p, &old, &next, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED));
    return old;
}
inline double atomicAdd(double* p, double v)
{
    double old;
    __atomic_load(p, &old, __ATOMIC_RELAXED);
    double next;
    do {
        next = old + v;
    } while (!__atomic_compare_exchange(p, &old, &next, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED));
    return old;
}
template <class T>
inline T atomicSub(T* p, T v)
{
    return __atomic_fetch_sub(p, v, __ATOMIC_RELAXED);
}
template <class T>
inline T atomicExch(T* p, T v)
{
    T old;
    __atomic_exchange(p, &v, &old, __ATOMIC_RELAXED);
    return old;
}
template <class T>
inline T atomicCAS(T* p, T compare, T v)
{
    __atomic_compare_exchange(p, &compare, &v, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED);
    return compare;
}
template <class T>
inline T atomicMax(T* p, T v)
{
    T old = __atomic_load_n(p, __ATOMIC_RELAXED);
    while (old < v && !__atomic_compare_exchange_n(p, &old, v, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
    }
    return old;
}
template <class T>
inline T atomicMin(T* p, T v)
{
    T old = __atomic_load_n(p, __ATOMIC_RELAXED);
    while (old > v && !__atomic_compare_exchange_n(p, &old, v, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
    }
    return old;
}
template <class T>
inline T atomicAnd(T* p, T v)
{
    return __atomic_fetch_and(p, v, __ATOMIC_RELAXED);
}
template <class T>
inline T atomicOr(T* p, T v)
{
    return __atomic_fetch_or(p, v, __ATOMIC_RELAXED);
}
template <class T>
inline T atomicXor(T* p, T v)
{
    return __atomic_fetch_xor(p, v, __ATOMIC_RELAXED);
}
// ((old >= v) ? 0 : old + 1), as the device defines it.
inline unsigned atomicInc(unsigned* p, unsigned v)
{
    unsigned old = __atomic_load_n(p, __ATOMIC_RELAXED);
    while (!__atomic_compare_exchange_n(p, &old, old >= v ? 0u : old + 1u, false, __ATOMIC_RELAXED,
                                        __ATOMIC_RELAXED)) {
    }
    return old;
}

// ---- integer and bit intrinsics ------------------------------------------------------------------
inline int __popc(unsigned x)
{
    return __builtin_popcount(x);
}
inline int __popcll(unsigned long long x)
{
    return __builtin_popcountll(x);
}
inline int __clz(int x)
{
    return x == 0 ? 32 : __builtin_clz((unsigned)x);
}
inline int __clzll(long long x)
{
    return x == 0 ? 64 : __builtin_clzll((unsigned long long)x);
}
inline int __ffs(int x)
{
    return __builtin_ffs(x);
}
inline int __ffsll(long long x)
{
    return __builtin_ffsll(x);
}
inline unsigned __brev(unsigned x)
{
    unsigned r = 0;
    for (int i = 0; i < 32; i++) {
        r |= ((x >> i) & 1u) << (31 - i);
    }
    return r;
}
inline long long __double_as_longlong(double x)
{
    return cuda_emu::from_bits<long long>(cuda_emu::to_bits(x));
}
inline double __longlong_as_double(long long x)
{
    return cuda_emu::from_bits<double>(cuda_emu::to_bits(x));
}
inline int __float_as_int(float x)
{
    int r;
    std::memcpy(&r, &x, 4);
    return r;
}
inline float __int_as_float(int x)
{
    float r;
    std::memcpy(&r, &x, 4);
    return r;
}
inline unsigned __float_as_uint(float x)
{
    unsigned r;
    std::memcpy(&r, &x, 4);
    return r;
}
inline float __uint_as_float(unsigned x)
{
    float r;
    std::memcpy(&r, &x, 4);
    return r;
}

// ---- rounding intrinsics: IEEE round-to-nearest, never contracted (-ffp-contract=off) -------------
inline float __fadd_rn(float a, float b)
{
    return a + b;
}
inline float __fsub_rn(float a, float b)
{
    return a - b;
}
inline float __fmul_rn(float a, float b)
{
    return a * b;
}
inline float __fdiv_rn(float a, float b)
{
    return a / b;
}
inline float __fmaf_rn(float a, float b, float c)
{
    return std::fma(a, b, c);
}
inline double __dadd_rn(double a, double b)
{
    return a + b;
}
inline double __dsub_rn(double a, double b)
{
    return a - b;
}
inline double __dmul_rn(double a, double b)
{
    return a * b;
}
inline double __ddiv_rn(double a, double b)
{
    return a / b;
}
inline double __fma_rn(double a, double b, double c)
{
    return std::fma(a, b, c);
}
inline float __double2float_rn(double x)
{
    return (float)x;
}
inline int __double2int_rz(double x)
{
    return (int)x;
}
inline int __float2int_rz(float x)
{
    return (int)x;
}
inline int __double2int_rn(double x)
{
    return (int)std::nearbyint(x);
}
inline int __float2int_rn(float x)
{
    return (int)std::nearbyint(x);
}
inline float __saturatef(float x)
{
    return x != x ? 0.0f : x < 0.0f ? 0.0f : x > 1.0f ? 1.0f : x;
}
inline float __fdividef(float a, float b)
{
    return a / b;
}

// ---- math: the C++ overloads (float and double) in the global namespace, as CUDA has them --------
using std::abs;
using std::acos;
using std::asin;
using std::atan;
using std::atan2;
using std::cbrt;
using std::ceil;
using std::copysign;
using std::cos;
using std::cosh;
using std::erf;
using std::erfc;
using std::exp;
using std::exp2;
using std::expm1;
using std::fabs;
using std::floor;
using std::fma;
using std::fmax;
using std::fmin;
using std::fmod;
using std::hypot;
using std::isfinite;
using std::isinf;
using std::isnan;
using std::ldexp;
using std::lgamma;
using std::log;
using std::log10;
using std::log1p;
using std::log2;
using std::nearbyint;
using std::pow;
using std::rint;
using std::round;
using std::signbit;
using std::sin;
using std::sinh;
using std::sqrt;
using std::tan;
using std::tanh;
using std::trunc;

inline double rsqrt(double x)
{
    return 1.0 / std::sqrt(x);
}
inline float rsqrtf(float x)
{
    return 1.0f / std::sqrt(x);
}

// min and max of the CUDA math library: for any pair of arithmetic types, in their common type.
template <class A, class B>
inline typename std::common_type<A, B>::type min(A a, B b)
{
    typedef typename std::common_type<A, B>::type C;
    return (C)a < (C)b ? (C)a : (C)b;
}
template <class A, class B>
inline typename std::common_type<A, B>::type max(A a, B b)
{
    typedef typename std::common_type<A, B>::type C;
    return (C)a > (C)b ? (C)a : (C)b;
}

// ---- registration of the kernels of one .cu file (written by EmulatorBuild after the #include) ----
namespace cuda_emu {

// One letter per parameter type, as the Java side checks its arguments: i int, u unsigned int,
// l long long (or long), L unsigned long long, f float, d double, p any pointer, ? anything else.
template <class T>
constexpr char type_code()
{
    return std::is_pointer<T>::value                                           ? 'p'
           : std::is_same<T, int>::value                                       ? 'i'
           : std::is_same<T, unsigned>::value                                  ? 'u'
           : (std::is_same<T, long long>::value || std::is_same<T, long>::value) ? 'l'
           : (std::is_same<T, unsigned long long>::value || std::is_same<T, unsigned long>::value) ? 'L'
           : std::is_same<T, float>::value                                     ? 'f'
           : std::is_same<T, double>::value                                    ? 'd'
                                                                               : '?';
}

struct Job {
    virtual ~Job() {}
    virtual void run_thread() = 0;
};

// Runs `job` on a grid of `grid` blocks of `block` threads; 0 on success, else an error code with
// the message in last_error(). Defined in emulator_runtime.cpp.
int launch(const void* kernel, unsigned grid, unsigned block, Job* job);
void register_kernel(const char* name, const char* file, const char* signature, void* launcher, const void* kernel);

template <class... A>
struct Kernel {
    template <void (*K)(A...)>
    struct Call final : Job {
        explicit Call(A... a) : args(a...) {}
        std::tuple<A...> args;
        void run_thread() override { std::apply(K, args); }
    };

    // The typed entry point the Java side calls (through JNA) with the kernel's own parameters.
    template <void (*K)(A...)>
    static int launch_typed(unsigned grid, unsigned block, A... a)
    {
        return cuda_emu::launch((const void*)K, grid, block, new Call<K>(a...));
    }

    static std::string signature() { return std::string{type_code<A>()...}; }
};

template <class... A>
Kernel<A...> kernel_of(void (*)(A...));

struct Registration {
    Registration(const char* name, const char* file, const char* signature, void* launcher, const void* kernel)
    {
        register_kernel(name, file, signature, launcher, kernel);
    }
};

}  // namespace cuda_emu

#define SOLVENT_EMU_KERNEL(name)                                                                       \
    static cuda_emu::Registration solvent_emu_registration_##name(                                    \
        #name, __FILE__, decltype(cuda_emu::kernel_of(&name))::signature().c_str(),                            \
        (void*)&decltype(cuda_emu::kernel_of(&name))::template launch_typed<&name>, (const void*)&name)
