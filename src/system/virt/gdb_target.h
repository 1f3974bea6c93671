// The virt machine's CPU as the gdb stub sees it: the core and FP/SIMD
// registers, a system-register feature, virtual memory through the MMU, and
// run/step through SystemCpu's debugger entry points.
#pragma once
#include <functional>
#include <optional>

#include "debug/debug_target.h"
#include "system/cpu/system_cpu.h"

namespace ferry::system {

class MachineDebugTarget final : public debug::DebugTarget {
public:
    // machine_stopped is called when the CPU stopped for the machine's own
    // reason (power-off, reset, quit): it returns the exit status if the
    // machine ended, or nullopt if it goes on (after a reset).
    MachineDebugTarget(SystemCpu& cpu, std::function<std::optional<int>()> machine_stopped);

    const std::vector<debug::RegisterInfo>& registers() const override { return registers_; }
    bool read_register(unsigned regnum, std::vector<uint8_t>& out) override;
    bool write_register(unsigned regnum, const std::vector<uint8_t>& in) override;
    bool read_memory(uint64_t va, void* out, size_t bytes) override;
    bool write_memory(uint64_t va, const void* in, size_t bytes) override;
    void insert_breakpoint(uint64_t va) override { cpu_.engine().insert_breakpoint(va); }
    void remove_breakpoint(uint64_t va) override { cpu_.engine().remove_breakpoint(va); }
    void insert_watchpoint(const Watchpoint& w) override { cpu_.engine().insert_watchpoint(w); }
    bool remove_watchpoint(const Watchpoint& w) override { return cpu_.engine().remove_watchpoint(w); }
    void remove_all_points() override { cpu_.engine().remove_all_debug_points(); }
    // Signals are a user-mode notion: the machine has none to deliver.
    debug::StopEvent resume(debug::ResumeKind how, int signal) override;
    void interrupt() override { cpu_.interrupt_for_debugger(); }

    // The status the machine ended with (once resume() reported Exited).
    int exit_status() const { return exit_status_; }

private:
    debug::StopEvent stop_event(SystemCpu::DebugStop stop);

    SystemCpu& cpu_;
    std::function<std::optional<int>()> machine_stopped_;
    std::vector<debug::RegisterInfo> registers_;
    size_t first_system_register_;
    int exit_status_ = 0;
};

}  // namespace ferry::system
