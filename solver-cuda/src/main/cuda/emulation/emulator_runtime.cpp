// The runtime of Solvent's emulated CUDA device: runs the kernels of the .cu files (compiled by g++
// with cuda_host_emulation.h) on the host, with the CUDA execution model, and gives the Java side
// (dev.solvent.cuda.internal.EmulatedDevice, through JNA) device memory and typed launches.
//
// Execution. A launch runs on the host thread that asks for it (one launch at a time), its blocks
// one after another (in a shuffled order). Each thread of a block is a fibre: its own stack and
// registers, switched in user space. The scheduler runs every ready thread until it blocks (at
// __syncthreads, a warp operation) or returns, in an order shuffled afresh for every phase; when
// none is ready it completes the warp operations whose lanes have all arrived, else the block
// barrier if every thread of the block waits at the same __syncthreads, else it reports what each
// thread waits for (a divergent barrier, a warp operation a lane never reaches, a deadlock) as the
// launch's error. A kernel that does not finish within the time-out (a thread looping forever) is
// interrupted by a watchdog and reported too; the device is unusable afterwards, as a GPU after a
// watchdog time-out. Why fibres rather than one OS thread per device thread: a barrier across 256
// OS threads costs 1 to 2.5 ms on a two-core machine (measured), a fibre switch some nanoseconds,
// and the shuffled phase order makes a missing barrier read another thread's stale or NaN-filled
// data deterministically rather than by chance.
//
// Memory. Each device allocation is host memory filled with 0xFF bytes (NaN as float and double,
// -1 as int) and placed so that it ends exactly at an inaccessible guard page (another guard
// page precedes it): a kernel that reads or writes past the end of a buffer faults, and the fault
// is caught on the launching thread and reported with the kernel, the block, the thread and the
// buffer (other threads' faults go on to the JVM's own handler). In a sanitizer build the
// buffers come from malloc instead, so that AddressSanitizer's redzones check every byte.
#include "cuda_host_emulation.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <csetjmp>
#include <csignal>
#include <cstdlib>
#include <map>
#include <mutex>
#include <pthread.h>
#include <sstream>
#include <string>
#include <sys/mman.h>
#include <thread>
#include <ucontext.h>
#include <unistd.h>
#include <vector>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/common_interface_defs.h>
#define SOLVENT_EMU_ASAN 1
#endif
#if defined(SOLVENT_EMU_TSAN)
#include <sanitizer/tsan_interface.h>
#endif

namespace cuda_emu {

uint3 g_threadIdx = {0, 0, 0};
uint3 g_blockIdx = {0, 0, 0};
dim3 g_blockDim = {1, 1, 1};
dim3 g_gridDim = {1, 1, 1};

}  // namespace cuda_emu

// Shared memory: every __shared__ variable of every kernel file is in this section.
extern "C" char __start_solvent_emu_shared[] __attribute__((weak));
extern "C" char __stop_solvent_emu_shared[] __attribute__((weak));

namespace {

using namespace cuda_emu;

// Result codes, as the CUDA driver's CUresult for the same kind of failure.
constexpr int OK = 0;
constexpr int ERR_INVALID_VALUE = 1;         // CUDA_ERROR_INVALID_VALUE: a bad grid or block size
constexpr int ERR_ILLEGAL_ADDRESS = 700;     // CUDA_ERROR_ILLEGAL_ADDRESS: a fault in a kernel
constexpr int ERR_LAUNCH_TIMEOUT = 702;      // CUDA_ERROR_LAUNCH_TIMEOUT: the kernel did not finish
constexpr int ERR_ASSERT = 710;              // CUDA_ERROR_ASSERT: __trap() or a misused intrinsic
constexpr int ERR_LAUNCH_FAILED = 719;       // CUDA_ERROR_LAUNCH_FAILED: a barrier or warp-sync error

struct KernelInfo {
    std::string name;
    std::string file;
    std::string signature;
    void* launcher;
    const void* kernel;
};

// Globals with destructors are allocated once and never destroyed: the JVM may exit while another of
// its threads still uses them.
std::vector<KernelInfo>& registry()
{
    static std::vector<KernelInfo>* r = new std::vector<KernelInfo>();
    return *r;
}

// ---- settings ------------------------------------------------------------------------------------

enum Schedule { SCHEDULE_SHUFFLED = 0, SCHEDULE_ASCENDING = 1, SCHEDULE_DESCENDING = 2 };

std::atomic<double> g_timeout_seconds{60.0};
std::atomic<int> g_schedule{SCHEDULE_SHUFFLED};
std::atomic<unsigned long long> g_seed{0x5eed5eedull};

std::mutex& g_error_mutex = *new std::mutex();
std::string& g_last_error = *new std::string();

void set_last_error(const std::string& s)
{
    std::lock_guard<std::mutex> lock(g_error_mutex);
    g_last_error = s;
}

// ---- device memory -------------------------------------------------------------------------------

struct Allocation {
    char* base;        // the mapping (guard pages included); malloc's block in a sanitizer build
    size_t mapped;     // bytes mapped
    char* user;        // what the kernels see
    size_t bytes;      // bytes asked for
};

std::mutex& g_alloc_mutex = *new std::mutex();
std::map<uintptr_t, Allocation>& g_allocations = *new std::map<uintptr_t, Allocation>();  // by user address
const size_t g_page = (size_t)sysconf(_SC_PAGESIZE);

#if defined(SOLVENT_EMU_ASAN) || defined(SOLVENT_EMU_TSAN) || defined(SOLVENT_EMU_UBSAN)
constexpr bool kGuardPages = false;
#else
constexpr bool kGuardPages = true;
#endif

void* device_alloc(size_t bytes)
{
    if (bytes == 0) {
        bytes = 1;
    }
    Allocation a{};
    a.bytes = bytes;
    if (!kGuardPages) {
        a.base = (char*)std::malloc(bytes);
        if (a.base == nullptr) {
            return nullptr;
        }
        a.mapped = bytes;
        a.user = a.base;
        std::memset(a.user, 0xff, bytes);
    } else {
        // End flush with the guard page: aligned to 8 bytes, or to 4 for sizes that are a multiple of
        // 4 but not of 8 (int and float arrays of odd length), so that one element past the end faults.
        size_t span = bytes % 8 == 0 ? bytes : bytes % 4 == 0 ? bytes : (bytes + 7) / 8 * 8;
        size_t pages = (span + g_page - 1) / g_page;
        size_t mapped = (pages + 2) * g_page;
        void* m = mmap(nullptr, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (m == MAP_FAILED) {
            return nullptr;
        }
        a.base = (char*)m;
        a.mapped = mapped;
        mprotect(a.base, g_page, PROT_NONE);
        mprotect(a.base + (pages + 1) * g_page, g_page, PROT_NONE);
        a.user = a.base + (pages + 1) * g_page - span;
        // The unused start of the first page too: a small negative index reads NaN, not zero.
        std::memset(a.base + g_page, 0xff, pages * g_page);
    }
    std::lock_guard<std::mutex> lock(g_alloc_mutex);
    g_allocations[(uintptr_t)a.user] = a;
    return a.user;
}

bool device_free(void* p)
{
    Allocation a;
    {
        std::lock_guard<std::mutex> lock(g_alloc_mutex);
        auto it = g_allocations.find((uintptr_t)p);
        if (it == g_allocations.end()) {
            return false;
        }
        a = it->second;
        g_allocations.erase(it);
    }
    if (!kGuardPages) {
        std::free(a.base);
    } else {
        munmap(a.base, a.mapped);
    }
    return true;
}

// What a faulting address is, in words.
std::string describe_address(uintptr_t addr)
{
    std::lock_guard<std::mutex> lock(g_alloc_mutex);
    for (const auto& e : g_allocations) {
        const Allocation& a = e.second;
        uintptr_t lo = (uintptr_t)a.base;
        uintptr_t hi = lo + a.mapped;
        if (addr >= lo && addr < hi) {
            uintptr_t user = (uintptr_t)a.user;
            std::ostringstream s;
            if (addr >= user + a.bytes) {
                s << (addr - (user + a.bytes)) << " bytes past the end of a device buffer of " << a.bytes << " bytes";
            } else if (addr < user) {
                s << (user - addr) << " bytes before the start of a device buffer of " << a.bytes << " bytes";
            } else {
                s << "inside a device buffer of " << a.bytes << " bytes";
            }
            return s.str();
        }
    }
    return "not in any live device buffer (a freed buffer, a host pointer or a wild index)";
}

// ---- fibres --------------------------------------------------------------------------------------

#if defined(__x86_64__)
extern "C" void solvent_emu_switch(void** save_sp, void* next_sp);
// Saves the callee-saved registers on the current stack, stores the stack pointer in *save_sp, and
// resumes the context whose stack pointer is next_sp. (MXCSR and the x87 control word are not
// switched: no kernel changes the rounding mode, and every fibre starts with the launching thread's.)
asm(R"(
    .text
    .p2align 4
    .globl solvent_emu_switch
    .hidden solvent_emu_switch
    .type solvent_emu_switch,@function
solvent_emu_switch:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
    .size solvent_emu_switch,.-solvent_emu_switch
)");
#endif

enum State { READY, RUNNING, AT_BARRIER, AT_WARP, EXITED, FAULTED };

struct Thread {
    void* sp = nullptr;
#if !defined(__x86_64__)
    ucontext_t ctx;
#endif
    int state = READY;
    const char* file = nullptr;
    int line = 0;
    int op = 0;                    // the warp operation, or the barrier variant
    unsigned mask = 0;
    unsigned long long value = 0;  // shuffle value or predicate
    int arg = 0;
    int width = 32;
    int bytes = 8;
    unsigned long long result = 0;
#if defined(SOLVENT_EMU_ASAN)
    void* fake_stack = nullptr;
#endif
#if defined(SOLVENT_EMU_TSAN)
    void* tsan_fiber = nullptr;
#endif
};

struct Engine {
    // Stacks: one region, each stack preceded by a guard page.
    size_t stack_size = 0;
    char* stacks = nullptr;
    size_t capacity = 0;  // threads the stacks are for
    std::vector<Thread> threads;
    void* scheduler_sp = nullptr;
#if !defined(__x86_64__)
    ucontext_t scheduler_ctx;
#endif
#if defined(SOLVENT_EMU_ASAN)
    void* scheduler_fake_stack = nullptr;
    const void* scheduler_bottom = nullptr;
    size_t scheduler_size = 0;
#endif
#if defined(SOLVENT_EMU_TSAN)
    void* tsan_scheduler = nullptr;
    char tsan_block_token = 0;
    char tsan_barrier_token = 0;
    std::vector<char> tsan_warp_tokens;
#endif
    unsigned exited = 0;                 // threads of the block that have returned
    std::vector<unsigned> warp_waiting;  // lanes of each warp waiting in a warp operation
    int current = -1;
    unsigned nthreads = 0;
    Job* job = nullptr;
    const KernelInfo* kernel = nullptr;
    bool failed = false;
    int error_code = OK;
    std::string error;
    unsigned long long rng = 1;
    std::vector<int> ready;
    std::vector<int> batch;
    std::vector<int> order;
};

Engine* g_engine = nullptr;  // made by the first launch

unsigned long long next_random(Engine& e)
{
    unsigned long long x = e.rng;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    e.rng = x;
    return x;
}

void arrange(Engine& e, std::vector<int>& v)
{
    switch (g_schedule.load()) {
    case SCHEDULE_ASCENDING:
        std::sort(v.begin(), v.end());
        break;
    case SCHEDULE_DESCENDING:
        std::sort(v.begin(), v.end(), std::greater<int>());
        break;
    default:
        for (size_t i = v.size(); i > 1; i--) {
            size_t j = (size_t)(((next_random(e) >> 32) * (unsigned long long)i) >> 32);  // in [0, i)
            std::swap(v[i - 1], v[j]);
        }
    }
}

char* stack_lo(Engine& e, int t)
{
    return e.stacks + (size_t)t * (e.stack_size + g_page) + g_page;
}

bool ensure_stacks(Engine& e, unsigned n)
{
    if (n <= e.capacity) {
        return true;
    }
#if defined(SOLVENT_EMU_ASAN) || defined(SOLVENT_EMU_TSAN)
    e.stack_size = 512 * 1024;
#else
    e.stack_size = 128 * 1024;
#endif
    if (e.stacks != nullptr) {
        munmap(e.stacks, e.capacity * (e.stack_size + g_page));
    }
    size_t total = (size_t)n * (e.stack_size + g_page);
    void* m = mmap(nullptr, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (m == MAP_FAILED) {
        e.stacks = nullptr;
        e.capacity = 0;
        return false;
    }
    e.stacks = (char*)m;
    for (unsigned t = 0; t < n; t++) {
        mprotect(e.stacks + (size_t)t * (e.stack_size + g_page), g_page, PROT_NONE);
    }
    e.capacity = n;
    e.threads.assign(n, Thread());
#if defined(SOLVENT_EMU_TSAN)
    e.tsan_warp_tokens.assign((n + 31) / 32, 0);
    // One ThreadSanitizer fibre per thread slot, kept for every block (blocks are ordered by the
    // block token anyway; making 256 fibres per block would cost more than the kernels).
    for (unsigned t = 0; t < n; t++) {
        e.threads[t].tsan_fiber = __tsan_create_fiber(0);
    }
#endif
    return true;
}

void fiber_main();

#if !defined(__x86_64__)
void fiber_main_ucontext()
{
    fiber_main();
}
#endif

void prepare(Engine& e, int t)
{
    Thread& th = e.threads[t];
    th.state = READY;
    th.file = nullptr;
    th.line = 0;
#if defined(__x86_64__)
    uintptr_t* sp = (uintptr_t*)(stack_lo(e, t) + e.stack_size);
    *--sp = 0;                        // fiber_main's return address: it never returns
    *--sp = (uintptr_t)&fiber_main;   // where solvent_emu_switch's ret goes
    for (int r = 0; r < 6; r++) {
        *--sp = 0;                    // rbp rbx r12 r13 r14 r15
    }
    th.sp = sp;
#else
    getcontext(&th.ctx);
    th.ctx.uc_stack.ss_sp = stack_lo(e, t);
    th.ctx.uc_stack.ss_size = e.stack_size;
    th.ctx.uc_link = nullptr;
    makecontext(&th.ctx, fiber_main_ucontext, 0);
#endif
#if defined(SOLVENT_EMU_ASAN)
    th.fake_stack = nullptr;
#endif
}

// Scheduler to thread t; returns when t blocks, returns or fails.
void enter(Engine& e, int t)
{
    Thread& th = e.threads[t];
    e.current = t;
    g_threadIdx.x = (unsigned)t;
    th.state = RUNNING;
#if defined(SOLVENT_EMU_ASAN)
    __sanitizer_start_switch_fiber(&e.scheduler_fake_stack, stack_lo(e, t), e.stack_size);
#endif
#if defined(SOLVENT_EMU_TSAN)
    __tsan_switch_to_fiber(th.tsan_fiber, __tsan_switch_to_fiber_no_sync);
#endif
#if defined(__x86_64__)
    solvent_emu_switch(&e.scheduler_sp, th.sp);
#else
    swapcontext(&e.scheduler_ctx, &th.ctx);
#endif
#if defined(SOLVENT_EMU_ASAN)
    __sanitizer_finish_switch_fiber(e.scheduler_fake_stack, nullptr, nullptr);
#endif
    e.current = -1;
}

// Thread to scheduler; returns when the scheduler resumes this thread (never if it has finished).
void leave(Engine& e, bool finished)
{
    Thread& th = e.threads[e.current];
#if defined(SOLVENT_EMU_TSAN)
    __tsan_switch_to_fiber(e.tsan_scheduler, __tsan_switch_to_fiber_no_sync);
#endif
#if defined(SOLVENT_EMU_ASAN)
    __sanitizer_start_switch_fiber(finished ? nullptr : &th.fake_stack, e.scheduler_bottom, e.scheduler_size);
#else
    (void)finished;
#endif
#if defined(__x86_64__)
    solvent_emu_switch(&th.sp, e.scheduler_sp);
#else
    swapcontext(&th.ctx, &e.scheduler_ctx);
#endif
#if defined(SOLVENT_EMU_ASAN)
    __sanitizer_finish_switch_fiber(th.fake_stack, &e.scheduler_bottom, &e.scheduler_size);
#endif
}

void fiber_main()
{
    Engine& e = *g_engine;
#if defined(SOLVENT_EMU_ASAN)
    __sanitizer_finish_switch_fiber(nullptr, &e.scheduler_bottom, &e.scheduler_size);
#endif
#if defined(SOLVENT_EMU_TSAN)
    __tsan_acquire(&e.tsan_block_token);
#endif
    e.job->run_thread();
#if defined(SOLVENT_EMU_TSAN)
    __tsan_release(&e.tsan_block_token);
#endif
    e.threads[e.current].state = EXITED;
    e.exited++;
    leave(e, true);
    std::abort();  // an exited thread is never resumed
}

// ---- what threads wait for, in words ---------------------------------------------------------------

std::string site(const Thread& t)
{
    if (t.file == nullptr) {
        return "?";
    }
    const char* f = std::strrchr(t.file, '/');
    std::ostringstream s;
    s << (f ? f + 1 : t.file) << ":" << t.line;
    return s.str();
}

const char* op_name(int op)
{
    switch (op) {
    case OP_SHFL_IDX: return "__shfl_sync";
    case OP_SHFL_UP: return "__shfl_up_sync";
    case OP_SHFL_DOWN: return "__shfl_down_sync";
    case OP_SHFL_XOR: return "__shfl_xor_sync";
    case OP_BALLOT: return "__ballot_sync";
    case OP_ANY: return "__any_sync";
    case OP_ALL: return "__all_sync";
    default: return "__syncwarp";
    }
}

std::string what(const Thread& t)
{
    switch (t.state) {
    case AT_BARRIER: return "wait at __syncthreads (" + site(t) + ")";
    case AT_WARP: {
        std::ostringstream s;
        s << "wait in " << op_name(t.op) << " (" << site(t) << ", mask 0x" << std::hex << t.mask << ")";
        return s.str();
    }
    case EXITED: return "have returned";
    case FAULTED: return "failed";
    case READY: return "are ready";
    default: return "are running";
    }
}

// "0-31, 64, 70-71": a sorted list of thread numbers as ranges.
std::string ranges(const std::vector<int>& ids)
{
    std::ostringstream s;
    for (size_t i = 0; i < ids.size();) {
        size_t j = i;
        while (j + 1 < ids.size() && ids[j + 1] == ids[j] + 1) {
            j++;
        }
        if (i > 0) {
            s << ", ";
        }
        s << ids[i];
        if (j > i) {
            s << "-" << ids[j];
        }
        i = j + 1;
    }
    return s.str();
}

// Groups the threads by what they wait for: "threads 0-127 wait at __syncthreads (ot.cu:45); ...".
std::string census(Engine& e)
{
    std::vector<std::pair<std::string, std::vector<int>>> groups;
    for (unsigned t = 0; t < e.nthreads; t++) {
        std::string w = what(e.threads[t]);
        auto it = std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == w; });
        if (it == groups.end()) {
            groups.push_back({w, {(int)t}});
        } else {
            it->second.push_back((int)t);
        }
    }
    std::ostringstream s;
    for (size_t i = 0; i < groups.size(); i++) {
        if (i > 0) {
            s << "; ";
        }
        s << "threads " << ranges(groups[i].second) << " " << groups[i].first;
    }
    return s.str();
}

std::string launch_label(Engine& e)
{
    std::ostringstream s;
    s << (e.kernel ? e.kernel->name : std::string("?")) << " (block " << g_blockIdx.x << " of " << g_gridDim.x
      << ", " << e.nthreads << " threads)";
    return s.str();
}

void fail(Engine& e, int code, const std::string& message)
{
    if (!e.failed) {
        e.failed = true;
        e.error_code = code;
        e.error = message;
    }
}

// ---- warp operations and barriers --------------------------------------------------------------

unsigned long long undefined_bits(int bytes)
{
    return bytes >= 8 ? ~0ull : ((1ull << (8 * bytes)) - 1);
}

// The common case: all 32 lanes of warp w wait in the same full-mask operation. False if they do not.
bool complete_full_warp(Engine& e, unsigned w)
{
    Thread* t = &e.threads[w * 32];
    const int op = t[0].op;
    for (int k = 0; k < 32; k++) {
        if (t[k].mask != 0xffffffffu || t[k].op != op) {
            return false;
        }
    }
    if (op == OP_BALLOT || op == OP_ANY || op == OP_ALL) {
        unsigned long long ballot = 0;
        for (int k = 0; k < 32; k++) {
            ballot |= (unsigned long long)(t[k].value != 0) << k;
        }
        unsigned long long r = op == OP_BALLOT ? ballot : op == OP_ANY ? (ballot != 0) : (ballot == 0xffffffffull);
        for (int k = 0; k < 32; k++) {
            t[k].result = r;
        }
    } else {
        for (int k = 0; k < 32; k++) {
            Thread& o = t[k];
            const int width = o.width;
            const int segment = k / width * width;
            int src = k;
            switch (op) {
            case OP_SHFL_IDX: src = segment + (o.arg % width + width) % width; break;
            case OP_SHFL_UP: src = k - segment >= o.arg ? k - o.arg : k; break;
            case OP_SHFL_DOWN: src = k - segment + o.arg < width ? k + o.arg : k; break;
            case OP_SHFL_XOR: {
                const int x = k ^ o.arg;
                src = x / width > k / width || x > 31 ? k : x;
                break;
            }
            default: break;
            }
            o.result = op == OP_SYNCWARP ? 0 : t[src].value;
        }
    }
    for (int k = 0; k < 32; k++) {
        t[k].state = READY;
        e.ready.push_back((int)(w * 32 + k));
    }
    e.warp_waiting[w] = 0;
    return true;
}

// Completes the warp operations whose lanes have all arrived; true if any did.
bool complete_warps(Engine& e)
{
    bool progressed = false;
    unsigned warps = (e.nthreads + 31) / 32;
    for (unsigned w = 0; w < warps; w++) {
        if (e.warp_waiting[w] == 0) {
            continue;
        }
        unsigned base = w * 32;
        unsigned lanes = std::min(32u, e.nthreads - base);
        if (lanes == 32 && e.warp_waiting[w] == 32 && complete_full_warp(e, w)) {
            progressed = true;
            continue;
        }
        unsigned handled = 0;
        for (unsigned l = 0; l < lanes; l++) {
            Thread& lead = e.threads[base + l];
            if (lead.state != AT_WARP || ((handled >> l) & 1u)) {
                continue;
            }
            // The group of lanes named by the leader's mask: all must wait in the same operation with
            // the same mask; lanes that have returned (or do not exist) are excused, as on the device.
            bool complete = true;
            for (unsigned k = 0; k < lanes && complete; k++) {
                if (!((lead.mask >> k) & 1u)) {
                    continue;
                }
                const Thread& o = e.threads[base + k];
                if (o.state == EXITED) {
                    continue;
                }
                if (o.state != AT_WARP || o.op != lead.op || o.mask != lead.mask) {
                    complete = false;
                }
            }
            if (!complete) {
                continue;
            }
            unsigned long long ballot = 0;
            int count = 0;
            int arrived = 0;
            for (unsigned k = 0; k < lanes; k++) {
                const Thread& o = e.threads[base + k];
                if (((lead.mask >> k) & 1u) && o.state == AT_WARP) {
                    arrived++;
                    if (o.value != 0) {
                        ballot |= 1ull << k;
                        count++;
                    }
                }
            }
            for (unsigned k = 0; k < lanes; k++) {
                Thread& o = e.threads[base + k];
                if (!((lead.mask >> k) & 1u) || o.state != AT_WARP) {
                    continue;
                }
                int width = o.width;
                int segment = (int)k / width * width;
                int src = -1;
                switch (o.op) {
                case OP_SHFL_IDX: src = segment + (o.arg % width + width) % width; break;
                case OP_SHFL_UP: src = (int)k - segment >= o.arg ? (int)k - o.arg : (int)k; break;
                case OP_SHFL_DOWN: src = (int)k - segment + o.arg < width ? (int)k + o.arg : (int)k; break;
                case OP_SHFL_XOR: {
                    int x = (int)k ^ o.arg;
                    src = x / width > (int)k / width ? (int)k : x;
                    break;
                }
                default: break;
                }
                if (o.op == OP_BALLOT) {
                    o.result = ballot;
                } else if (o.op == OP_ANY) {
                    o.result = count > 0;
                } else if (o.op == OP_ALL) {
                    o.result = count == arrived;
                } else if (o.op == OP_SYNCWARP) {
                    o.result = 0;
                } else if (src < 0 || src >= (int)lanes || !((lead.mask >> src) & 1u)
                           || e.threads[base + src].state != AT_WARP) {
                    // Reading a lane that does not take part: undefined on the device, NaN / -1 here.
                    o.result = undefined_bits(o.bytes);
                } else {
                    o.result = e.threads[base + src].value;
                }
            }
            for (unsigned k = 0; k < lanes; k++) {
                Thread& o = e.threads[base + k];
                if (((lead.mask >> k) & 1u) && o.state == AT_WARP) {
                    o.state = READY;
                    e.ready.push_back((int)(base + k));
                    handled |= 1u << k;
                    e.warp_waiting[w]--;
                }
            }
            progressed = true;
        }
    }
    return progressed;
}

// Releases the block barrier if every thread waits at the same __syncthreads; else reports.
bool release_barrier(Engine& e)
{
    int waiting = 0;
    int exited = 0;
    const Thread* first = nullptr;
    bool same_site = true;
    bool others = false;
    for (unsigned t = 0; t < e.nthreads; t++) {
        const Thread& th = e.threads[t];
        if (th.state == AT_BARRIER) {
            waiting++;
            if (first == nullptr) {
                first = &th;
            } else if (th.file != first->file || th.line != first->line) {
                same_site = false;
            }
        } else if (th.state == EXITED) {
            exited++;
        } else {
            others = true;
        }
    }
    if (waiting == 0 || others || exited > 0 || !same_site) {
        std::ostringstream s;
        if (waiting > 0 && !others && exited > 0) {
            s << "__syncthreads not reached by every thread of the block (a divergent barrier): ";
        } else if (waiting > 0 && !others && !same_site) {
            s << "the threads of the block wait at different __syncthreads (a divergent barrier): ";
        } else {
            s << "deadlock: no thread can proceed: ";
        }
        s << census(e);
        fail(e, ERR_LAUNCH_FAILED, launch_label(e) + ": " + s.str());
        return false;
    }
    int op = first->op;
    int total = 0;
    for (unsigned t = 0; t < e.nthreads; t++) {
        total += e.threads[t].value != 0;
    }
    unsigned long long result = op == BAR_COUNT ? (unsigned long long)total
                                : op == BAR_AND ? (unsigned long long)(total == (int)e.nthreads)
                                : op == BAR_OR  ? (unsigned long long)(total > 0)
                                                : 0ull;
    for (unsigned t = 0; t < e.nthreads; t++) {
        Thread& th = e.threads[t];
        if (th.op != op) {
            fail(e, ERR_LAUNCH_FAILED, launch_label(e) + ": threads of the block meet at " + site(th)
                 + " through different __syncthreads variants (plain, _count, _and, _or)");
            return false;
        }
        th.result = result;
        th.state = READY;
        e.ready.push_back((int)t);
    }
    return true;
}

// Runs block g_blockIdx.x of the current launch; false after an error.
bool run_block(Engine& e)
{
    if (__start_solvent_emu_shared != nullptr && __stop_solvent_emu_shared != nullptr) {
        std::memset(__start_solvent_emu_shared, 0xff, (size_t)(__stop_solvent_emu_shared - __start_solvent_emu_shared));
    }
#if defined(SOLVENT_EMU_TSAN)
    __tsan_release(&e.tsan_block_token);
#endif
    e.ready.clear();
    e.exited = 0;
    e.warp_waiting.assign((e.nthreads + 31) / 32, 0);
    for (unsigned t = 0; t < e.nthreads; t++) {
        prepare(e, (int)t);
        e.ready.push_back((int)t);
    }
    arrange(e, e.ready);
    bool ok = true;
    while (ok) {
        e.batch.swap(e.ready);
        e.ready.clear();
        for (int t : e.batch) {
            enter(e, t);
            if (e.failed) {
                ok = false;
                break;
            }
        }
        if (!ok) {
            break;
        }
        if (e.exited == e.nthreads) {
            break;
        }
        if (complete_warps(e) || release_barrier(e)) {
            arrange(e, e.ready);
            continue;
        }
        ok = false;
    }
#if defined(SOLVENT_EMU_TSAN)
    __tsan_acquire(&e.tsan_block_token);
#endif
    return ok;
}

// ---- faults and time-outs ------------------------------------------------------------------------
//
// A launch runs on the host thread that asked for it (no hand-over to another thread: a launch of
// a few microseconds must not wait for the scheduler to wake a second thread). A fault in a kernel
// (a guard page, a fibre's stack overflow) raises SIGSEGV or SIGBUS on that thread; a kernel that
// runs past the time-out gets a real-time signal from the watchdog thread. While a launch is armed
// the handler jumps back to the launch with siglongjmp (on a signal stack of its own, so that an
// overflowed fibre stack is no obstacle); any other SIGSEGV goes on to the handler that was there
// before (the JVM's, which uses it for implicit null checks and stack banging).

std::atomic<bool> g_armed{false};
pthread_t g_exec_thread;
sigjmp_buf g_fault_env;
volatile uintptr_t g_fault_address = 0;
volatile int g_fault_write = -1;
struct sigaction g_previous_segv;
struct sigaction g_previous_bus;
struct sigaction g_previous_timeout;
int g_timeout_signal = 0;
std::atomic<unsigned long long> g_launch_seq{0};   // odd while a launch runs
std::atomic<long long> g_launch_start_ns{0};
std::atomic<unsigned long long> g_kill_seq{0};     // the launch the watchdog signalled

long long now_ns()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

void on_signal(int sig, siginfo_t* info, void* context)
{
    bool ours = g_armed.load(std::memory_order_relaxed) && pthread_equal(pthread_self(), g_exec_thread);
    if (sig == g_timeout_signal) {
        if (ours && g_kill_seq.load() == g_launch_seq.load()) {
            g_armed.store(false, std::memory_order_relaxed);
            siglongjmp(g_fault_env, sig);
        }
        return;  // a time-out signal that arrived after its launch ended
    }
    if (ours) {
        g_fault_address = (uintptr_t)info->si_addr;
#if defined(__x86_64__)
        g_fault_write = (int)((((ucontext_t*)context)->uc_mcontext.gregs[REG_ERR] >> 1) & 1);
#endif
        g_armed.store(false, std::memory_order_relaxed);
        siglongjmp(g_fault_env, sig);
    }
    // Not ours: the JVM's handler (implicit null checks, stack banging, ...) or the default action.
    struct sigaction* previous = sig == SIGSEGV ? &g_previous_segv : &g_previous_bus;
    if (previous->sa_flags & SA_SIGINFO) {
        previous->sa_sigaction(sig, info, context);
    } else if (previous->sa_handler == SIG_DFL) {
        signal(sig, SIG_DFL);  // returning re-executes the access, which then takes the default action
    } else if (previous->sa_handler != SIG_IGN) {
        previous->sa_handler(sig);
    }
}

void watchdog_loop()
{
    for (;;) {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        unsigned long long seq = g_launch_seq.load();
        if ((seq & 1) == 0 || g_kill_seq.load() == seq) {
            continue;
        }
        double elapsed = (now_ns() - g_launch_start_ns.load()) / 1e9;
        if (elapsed > g_timeout_seconds.load() && g_launch_seq.load() == seq) {
            g_kill_seq.store(seq);
            pthread_kill(g_exec_thread, g_timeout_signal);
        }
    }
}

void install_handlers()
{
    g_timeout_signal = SIGRTMIN + 4;
    struct sigaction sa{};
    sa.sa_sigaction = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigaction(SIGSEGV, &sa, &g_previous_segv);
    sigaction(SIGBUS, &sa, &g_previous_bus);
    sigaction(g_timeout_signal, &sa, &g_previous_timeout);
    std::thread(watchdog_loop).detach();
}

// ---- one launch ----------------------------------------------------------------------------------

struct Launch {
    const KernelInfo* kernel = nullptr;
    Job* job = nullptr;
    unsigned grid = 0;
    unsigned block = 0;
    int result = OK;
    std::string error;
};

void execute(Engine& e, Launch& L)
{
    e.kernel = L.kernel;
    e.job = L.job;
    e.failed = false;
    e.error_code = OK;
    e.error.clear();
    e.nthreads = L.block;
    e.rng = g_seed.load() ^ (0x9e3779b97f4a7c15ull * (unsigned long long)(uintptr_t)L.kernel);
    if (e.rng == 0) {
        e.rng = 1;
    }
    next_random(e);
    g_blockDim = {L.block, 1, 1};
    g_gridDim = {L.grid, 1, 1};
    g_threadIdx = {0, 0, 0};
    g_blockIdx = {0, 0, 0};
    if (!ensure_stacks(e, L.block)) {
        L.result = ERR_INVALID_VALUE;
        L.error = "cannot map the stacks of " + std::to_string(L.block) + " threads";
        return;
    }
    e.order.resize(L.grid);
    for (unsigned b = 0; b < L.grid; b++) {
        e.order[b] = (int)b;
    }
    arrange(e, e.order);
#if defined(SOLVENT_EMU_TSAN)
    e.tsan_scheduler = __tsan_get_current_fiber();
#endif
    // The signal stack of this launch (restored afterwards: the caller is a JVM thread).
    static char altstack[256 * 1024];
    stack_t ours{};
    stack_t previous{};
    ours.ss_sp = altstack;
    ours.ss_size = sizeof(altstack);
    sigaltstack(&ours, &previous);
    g_exec_thread = pthread_self();
    g_launch_start_ns.store(now_ns());
    g_launch_seq.fetch_add(1);
    int sig = sigsetjmp(g_fault_env, 1);
    if (sig == 0) {
        g_armed.store(true);
        for (unsigned k = 0; k < L.grid; k++) {
            g_blockIdx = {(unsigned)e.order[k], 0, 0};
            if (!run_block(e)) {
                break;
            }
        }
        g_armed.store(false);
    } else if (sig == g_timeout_signal) {
        std::ostringstream s;
        s << launch_label(e) << ": did not finish within " << g_timeout_seconds.load() << " s (thread " << e.current
          << " was running): a thread loops forever, or the kernel is far slower than expected";
        e.failed = true;
        e.error_code = ERR_LAUNCH_TIMEOUT;
        e.error = s.str();
    } else {
        // A fault inside a thread: its stack is abandoned (the next block re-prepares every stack).
        std::ostringstream s;
        uintptr_t a = g_fault_address;
        s << launch_label(e) << ": thread " << e.current << " faulted ("
          << (sig == SIGBUS ? "SIGBUS" : "SIGSEGV") << ") on a "
          << (g_fault_write == 1 ? "write to" : g_fault_write == 0 ? "read of" : "access to") << " address 0x"
          << std::hex << a << std::dec << ", ";
        bool stack = false;
        if (e.stacks != nullptr) {
            uintptr_t lo = (uintptr_t)e.stacks;
            uintptr_t hi = lo + e.capacity * (e.stack_size + g_page);
            if (a >= lo && a < hi) {
                stack = true;
                s << "the guard page of a thread's stack (a stack overflow: deep recursion or large local arrays)";
            }
        }
        if (!stack) {
            s << describe_address(a);
        }
        e.failed = true;
        e.error_code = ERR_ILLEGAL_ADDRESS;
        e.error = s.str();
    }
    g_launch_seq.fetch_add(1);
#if defined(SOLVENT_EMU_TSAN)
    if (sig != 0) {
        __tsan_switch_to_fiber(e.tsan_scheduler, 0);
    }
#endif
    sigaltstack(&previous, nullptr);
    if (e.failed) {
        L.result = e.error_code;
        L.error = e.error;
    }
    e.job = nullptr;
}

std::mutex& g_launch_mutex = *new std::mutex();  // one launch at a time, from any host thread
bool g_poisoned = false;
std::string& g_poison_reason = *new std::string();

const KernelInfo* find_kernel(const void* kernel)
{
    for (const KernelInfo& k : registry()) {
        if (k.kernel == kernel) {
            return &k;
        }
    }
    return nullptr;
}

}  // namespace

// ---- the interface of the header -------------------------------------------------------------------

namespace cuda_emu {

void register_kernel(const char* name, const char* file, const char* signature, void* launcher, const void* kernel)
{
    const char* f = std::strrchr(file, '/');
    registry().push_back(KernelInfo{name, f ? f + 1 : file, signature, launcher, kernel});
}

int block_barrier(const char* file, int line, int op, int predicate)
{
    Engine& e = *g_engine;
    Thread& th = e.threads[e.current];
    th.state = AT_BARRIER;
    th.file = file;
    th.line = line;
    th.op = op;
    th.value = (unsigned long long)predicate;
#if defined(SOLVENT_EMU_TSAN)
    __tsan_release(&e.tsan_barrier_token);
#endif
    leave(e, false);
#if defined(SOLVENT_EMU_TSAN)
    __tsan_acquire(&e.tsan_barrier_token);
#endif
    return (int)th.result;
}

// Out of line, so that warp_op keeps a small frame.
[[noreturn]] __attribute__((noinline)) void bad_warp_op(const char* file, int line, int op, unsigned mask, unsigned lane)
{
    std::ostringstream s;
    if (!((mask >> lane) & 1u)) {
        s << op_name(op) << ": lane " << lane << " is not in its own mask 0x" << std::hex << mask;
    } else {
        s << op_name(op) << ": the width must be a power of 2 up to 32";
    }
    device_error(file, line, s.str().c_str());
}

unsigned long long warp_op(const char* file, int line, int op, unsigned mask, unsigned long long value, int arg,
                           int width, int bytes)
{
    Engine& e = *g_engine;
    int t = e.current;
    unsigned lane = (unsigned)t & 31u;
    if (!((mask >> lane) & 1u) || width < 1 || width > 32 || (width & (width - 1)) != 0) {
        bad_warp_op(file, line, op, mask, lane);
    }
    Thread& th = e.threads[t];
    th.state = AT_WARP;
    th.file = file;
    th.line = line;
    th.op = op;
    th.mask = mask;
    th.value = value;
    th.arg = arg;
    th.width = width;
    th.bytes = bytes;
    e.warp_waiting[t / 32]++;
#if defined(SOLVENT_EMU_TSAN)
    __tsan_release(&e.tsan_warp_tokens[t / 32]);
#endif
    leave(e, false);
#if defined(SOLVENT_EMU_TSAN)
    __tsan_acquire(&e.tsan_warp_tokens[t / 32]);
#endif
    return e.threads[t].result;
}

void device_error(const char* file, int line, const char* message)
{
    Engine& e = *g_engine;
    Thread& th = e.threads[e.current];
    th.state = FAULTED;
    th.file = file;
    th.line = line;
    std::ostringstream s;
    s << launch_label(e) << ": thread " << e.current << ": " << message;
    const char* f = std::strrchr(file, '/');
    s << " (" << (f ? f + 1 : file) << ":" << line << ")";
    fail(e, ERR_ASSERT, s.str());
    leave(e, true);
    std::abort();
}

int launch(const void* kernel, unsigned grid, unsigned block, Job* job)
{
    const KernelInfo* info = find_kernel(kernel);
    std::string name = info ? info->name : std::string("?");
    if (grid < 1 || grid > 0x7fffffffu || block < 1 || block > 1024) {
        delete job;
        set_last_error(name + ": invalid launch configuration: " + std::to_string(grid) + " blocks of "
                       + std::to_string(block) + " threads");
        return ERR_INVALID_VALUE;
    }
    std::lock_guard<std::mutex> serial(g_launch_mutex);
    if (g_poisoned) {
        delete job;
        set_last_error(name + ": the emulated device is unusable after an earlier kernel time-out (" + g_poison_reason
                       + ")");
        return ERR_LAUNCH_TIMEOUT;
    }
    if (g_engine == nullptr) {
        g_engine = new Engine();
        install_handlers();
    }
    Launch L;
    L.kernel = info;
    L.job = job;
    L.grid = grid;
    L.block = block;
    execute(*g_engine, L);
    if (L.result == ERR_LAUNCH_TIMEOUT) {
        // Interrupted anywhere, the scheduler's state (or the heap's) may be inconsistent: as a GPU
        // context after a watchdog time-out, the device stays unusable.
        g_poisoned = true;
        g_poison_reason = L.error;
    }
    delete job;
    if (L.result != OK) {
        set_last_error(L.error);
    }
    return L.result;
}

}  // namespace cuda_emu

// ---- the C interface the Java side binds (JNA) ------------------------------------------------------

extern "C" {

__attribute__((visibility("default"))) int solvent_emu_kernel_count()
{
    return (int)registry().size();
}

__attribute__((visibility("default"))) const char* solvent_emu_kernel_name(int i)
{
    return registry()[i].name.c_str();
}

__attribute__((visibility("default"))) const char* solvent_emu_kernel_file(int i)
{
    return registry()[i].file.c_str();
}

__attribute__((visibility("default"))) const char* solvent_emu_kernel_signature(int i)
{
    return registry()[i].signature.c_str();
}

__attribute__((visibility("default"))) void* solvent_emu_kernel_launcher(int i)
{
    return registry()[i].launcher;
}

__attribute__((visibility("default"))) const char* solvent_emu_last_error()
{
    static thread_local std::string copy;
    std::lock_guard<std::mutex> lock(g_error_mutex);
    copy = g_last_error;
    return copy.c_str();
}

// schedule: 0 shuffled, 1 ascending, 2 descending thread order in every phase.
__attribute__((visibility("default"))) void solvent_emu_configure(double timeout_seconds, int schedule,
                                                                  unsigned long long seed)
{
    g_timeout_seconds.store(timeout_seconds);
    g_schedule.store(schedule);
    g_seed.store(seed);
}

__attribute__((visibility("default"))) void* solvent_emu_alloc(long long bytes)
{
    return bytes < 0 ? nullptr : device_alloc((size_t)bytes);
}

__attribute__((visibility("default"))) int solvent_emu_free(void* p)
{
    return device_free(p) ? 0 : 1;
}

__attribute__((visibility("default"))) void solvent_emu_copy(void* dst, const void* src, long long bytes)
{
    std::memmove(dst, src, (size_t)bytes);
}

__attribute__((visibility("default"))) void solvent_emu_memset(void* dst, int value, long long bytes)
{
    std::memset(dst, value, (size_t)bytes);
}

__attribute__((visibility("default"))) int solvent_emu_guard_pages()
{
    return kGuardPages ? 1 : 0;
}

}  // extern "C"
