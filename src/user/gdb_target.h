// The guest process as the gdb stub sees it (ferry-user -g): the core and
// FP/SIMD registers, guest memory, and running it with the run loop's own
// handling of system calls and signals between debug stops.
#pragma once
#include <atomic>
#include <functional>
#include <optional>

#include "core/engine.h"
#include "debug/debug_target.h"
#include "user/host_fault.h"
#include "user/process.h"

namespace ferry::user {

class ProcessDebugTarget final : public debug::DebugTarget {
public:
    // run_once: one call of the run loop (Engine::run, with its fault
    // bookkeeping in hooks). p.exit must record the status in exit_status
    // rather than end Ferry, so that the debugger hears of it.
    ProcessDebugTarget(Process& p, Engine& engine, const FaultHooks& hooks, std::function<ExitReason()> run_once,
                       const std::optional<int>& exit_status);

    const std::vector<debug::RegisterInfo>& registers() const override { return registers_; }
    bool read_register(unsigned regnum, std::vector<uint8_t>& out) override;
    bool write_register(unsigned regnum, const std::vector<uint8_t>& in) override;
    bool read_memory(uint64_t va, void* out, size_t bytes) override;
    bool write_memory(uint64_t va, const void* in, size_t bytes) override;
    void insert_breakpoint(uint64_t va) override { engine_.insert_breakpoint(va); }
    void remove_breakpoint(uint64_t va) override { engine_.remove_breakpoint(va); }
    void insert_watchpoint(const Watchpoint& w) override { engine_.insert_watchpoint(w); }
    bool remove_watchpoint(const Watchpoint& w) override { return engine_.remove_watchpoint(w); }
    void remove_all_points() override { engine_.remove_all_debug_points(); }
    // A fault stops before its signal reaches the guest (as a native
    // debugger sees it); the next resume delivers it if the debugger passes
    // a signal, or drops it (the instruction runs again).
    debug::StopEvent resume(debug::ResumeKind how, int signal) override;
    void interrupt() override;

private:
    debug::StopEvent stopped(ExitReason reason);
    // After a run or step left with reason: the stop to report, or nullopt
    // to carry on (the exit was handled: a system call, signals delivered).
    std::optional<debug::StopEvent> stop_for(ExitReason reason);
    // Reads or writes guest memory through /proc/self/mem, which (as for a
    // debugger) ignores page protection: breakpoints and patches in code.
    bool access(uint64_t va, void* data, size_t bytes, bool write);

    Process& p_;
    Engine& engine_;
    const FaultHooks& hooks_;
    std::function<ExitReason()> run_once_;
    const std::optional<int>& exit_status_;
    std::optional<ExitReason> pending_fault_;  // reported to the debugger, not yet delivered
    std::vector<debug::RegisterInfo> registers_;
    std::atomic<bool> interrupted_{false};
};

}  // namespace ferry::user
