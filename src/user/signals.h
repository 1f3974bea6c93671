// Guest signals. Signal numbers, siginfo and sa_flags are the same for
// arm64 and x86-64 Linux, so host signals map one to one. The guest's
// dispositions are mirrored on the host: SIG_DFL and SIG_IGN are left to the
// host kernel (it then kills, stops or ignores exactly as it would the guest),
// guest handlers become a host handler that records the signal and sets
// CpuState::exit_request; the run loop then builds an arm64 rt_sigframe. The
// host signal mask mirrors the guest's, so blocked signals stay pending in
// the host kernel. Synchronous guest faults are queued by the run loop.
#pragma once
#include <functional>
#include <signal.h>

#include <cstdint>

#include "core/cpu_state.h"

namespace ferry::user {

class AddressSpace;
struct Process;

constexpr int kMaxSignal = 64;

// struct sigaction as the arm64 kernel sees it (rt_sigaction).
struct GuestSigaction {
    uint64_t handler = 0;  // SIG_DFL = 0, SIG_IGN = 1
    uint64_t flags = 0;
    uint64_t restorer = 0;
    uint64_t mask = 0;
};

struct GuestStack {  // stack_t
    uint64_t sp = 0;
    int32_t flags = 0;
    int32_t pad = 0;
    uint64_t size = 0;
};

constexpr uint64_t sigbit(int sig) { return uint64_t{1} << (sig - 1); }

class Signals {
public:
    // Adopts the dispositions and mask inherited from the process that
    // started Ferry (a guest execve keeps SIG_IGN and the mask, as Linux
    // does) and points the host handler at cpu.
    void init(CpuState& cpu);

    int64_t sigaction(int sig, const GuestSigaction* act, GuestSigaction* old);
    uint64_t mask() const { return mask_; }
    void set_mask(uint64_t mask);
    uint64_t pending() const;  // recorded here or pending on the host

    int64_t sigaltstack(const GuestStack* ss, GuestStack* old, uint64_t sp);

    // rt_sigsuspend, pselect6, ppoll: the mask while waiting. The next
    // deliver() restores the previous mask, or saves it in the first signal
    // frame so that the handler's sigreturn restores it (as Linux does).
    void set_temporary_mask(uint64_t mask);
    // A recorded signal is waiting that the current mask lets through.
    bool has_deliverable() const;
    // After fork: the child starts with no pending signals.
    void forget_pending();

    // A synchronous fault of the current instruction (SIGSEGV, SIGBUS, SIGILL, SIGTRAP).
    void queue_fault(int sig, int code, uint64_t addr);

    // Delivers every deliverable pending signal: builds frames for guest
    // handlers, applies default actions (which may end the process).
    void deliver(Process& p);

    // rt_sigreturn: restores the context saved by deliver(); false if the
    // frame is unreadable.
    bool sigreturn(Process& p);

    // Ends Ferry as if the guest had been killed by sig.
    [[noreturn]] static void die_by_signal(int sig);
    // Told the signal just before the process dies of it (the gdb stub).
    static inline std::function<void(int sig)> on_death;

private:
    void apply_host_disposition(int sig);
    bool setup_frame(Process& p, int sig, const siginfo_t& info);
    void fatal_fault(Process& p, int sig, const siginfo_t& info);

    GuestSigaction actions_[kMaxSignal + 1];
    uint64_t mask_ = 0;
    GuestStack altstack_{0, SS_DISABLE, 0, 0};
    uint64_t fault_signals_ = 0;  // queued by queue_fault (not host-generated)
    bool has_saved_mask_ = false;
    uint64_t saved_mask_ = 0;
};

// The host handler for signals the guest handles: records the signal for
// delivery at the next block boundary. Async-signal-safe.
void record_host_signal(int sig, siginfo_t* info, void* ucontext);

// A fault Ferry cannot attribute to the guest: one line on stderr, exit 70.
// Async-signal-safe.
[[noreturn]] void internal_error(const char* message);

// The run loop's record of a system call interrupted by a host signal (the
// syscall returned -EINTR): a guest handler installed with SA_RESTART makes
// the guest re-issue it after the handler returns, as Linux does.
struct InterruptedSyscall {
    bool valid = false;
    uint64_t pc = 0;  // the SVC instruction
    uint64_t x0 = 0;  // its first argument
};

}  // namespace ferry::user
