// --stats: per-block execution counts and a sampling profiler of the thread
// running the guest.
#pragma once
#include <csignal>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>

namespace ferry {

// One translation of a guest block. Translated code increments `executions`
// at block entry (it must stay the first field: the JIT adds to [record + 0]).
// Records live in a std::deque, so they outlive code cache flushes.
struct BlockProfile {
    uint64_t executions = 0;
    uint64_t pc = 0;
    uint64_t flags = 0;
    uint32_t instructions = 0;
    uint32_t host_bytes = 0;   // 0 in the interpreter
    uint64_t samples = 0;      // profiler samples taken in its host code
};
static_assert(offsetof(BlockProfile, executions) == 0);

// Samples the CPU time of the thread that starts it: SIGPROF at ~1 kHz from
// a CLOCK_THREAD_CPUTIME_ID timer (the kernel checks it at its tick, so at
// HZ=250 a sample stands for 4 ms). While recording (running guest code, not
// translating) the handler appends the interrupted host pc to a buffer; the
// owner classifies the pcs with drain(), before code cache addresses are reused.
class Profiler {
public:
    static constexpr int kSignal = SIGPROF;
    static constexpr long kPeriodNanoseconds = 1'000'000;

    Profiler();
    ~Profiler();
    Profiler(const Profiler&) = delete;
    Profiler& operator=(const Profiler&) = delete;

    // Starts sampling the calling thread (once; later calls do nothing).
    // False if the timer could not be set up: the report then has no samples.
    bool start();
    void set_recording(bool on) { recording_ = on; }
    bool recording() const { return recording_; }

    // Hands every host pc sampled while running guest code to on_sample and
    // empties the buffer.
    void drain(const std::function<void(uintptr_t host_pc)>& on_sample);

    uint64_t samples_drained() const { return drained_; }
    uint64_t samples_dropped() const { return dropped_; }  // the buffer was full

    // Is sig the profiler's while a profiler is sampling (ferry-user keeps it from the guest)?
    static bool owns_signal(int sig);

private:
    static void on_signal(int sig, siginfo_t* info, void* context);
    void record(uintptr_t host_pc);

    static constexpr size_t kCapacity = 1 << 16;
    std::unique_ptr<uintptr_t[]> buffer_;
    volatile sig_atomic_t recording_ = 0;
    volatile size_t used_ = 0;
    volatile uint64_t dropped_ = 0;
    uint64_t drained_ = 0;
    timer_t timer_{};
    bool started_ = false;
};

}  // namespace ferry
