// The guest process as the gdb stub sees it (ferry-user -g): the core and
// FP/SIMD registers, guest memory, and running it with the run loop's own
// handling of system calls and signals between debug stops.
#pragma once
#include <atomic>
#include <functional>
#include <optional>

#include "core/engine.h"
#include "debug/debug_target.h"
#include "user/process.h"

namespace ferry::user {

class ProcessDebugTarget final : public debug::DebugTarget {
public:
    // run_once: one call of the run loop (Engine::run, with its fault
    // bookkeeping); handle_exit: what the loop does with an exit (system
    // calls, guest signals). p.exit must record the status in exit_status
    // rather than end Ferry, so that the debugger hears of it.
    ProcessDebugTarget(Process& p, Engine& engine, std::function<ExitReason()> run_once,
                       std::function<void(ExitReason)> handle_exit, const std::optional<int>& exit_status);

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
    debug::StopEvent resume(debug::ResumeKind how) override;
    void interrupt() override;

private:
    debug::StopEvent stopped(ExitReason reason);
    // Reads or writes guest memory through /proc/self/mem, which (as for a
    // debugger) ignores page protection: breakpoints and patches in code.
    bool access(uint64_t va, void* data, size_t bytes, bool write);

    Process& p_;
    Engine& engine_;
    std::function<ExitReason()> run_once_;
    std::function<void(ExitReason)> handle_exit_;
    const std::optional<int>& exit_status_;
    std::vector<debug::RegisterInfo> registers_;
    std::atomic<bool> interrupted_{false};
};

}  // namespace ferry::user
