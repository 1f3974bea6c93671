// The CPU of a system-mode machine: one AArch64 core at EL0-EL3 on the Ferry
// engine, with its system registers, exceptions, MMU and softmmu TLB, and the
// generic timer. The board (src/system/virt) creates it with the Bus it sees,
// the TimerSink its timer outputs drive, and callbacks for the exits that are
// board features (semihosting, PSCI, idling in WFI); the interrupt controller
// drives the CPU's lines through interrupts().
//
// Threads: run() runs the guest on the calling thread. interrupts().set_line(),
// wake() and stop() may be called from any thread.
//
// Build: the sources of src/system/cpu/ form the CMake library
// ferry_system_cpu (linked by ferry-unit-tests); link it into ferry-system
// rather than globbing src/system/cpu/ a second time.
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/cpu_state.h"
#include "core/engine.h"
#include "system/bus.h"

namespace ferry::system {

enum class CpuModel { CortexA53, CortexA57, CortexA72, Max };

// "cortex-a53", "cortex-a57", "cortex-a72", "max"; nullopt for anything else.
std::optional<CpuModel> parse_cpu_model(std::string_view name);

struct SystemCpuConfig {
    CpuModel model = CpuModel::Max;
    // Implemented exception levels beyond EL0/EL1, as QEMU's virt board sets
    // them: EL2 with virtualization=on, EL3 with secure=on. The CPU resets
    // at the highest implemented EL, in AArch64, SP_ELx, DAIF masked.
    bool has_el2 = false;
    bool has_el3 = false;
    // The EL to start at; 0 = the highest implemented one. Lower (e.g. Linux
    // on a secure=on board without firmware) starts there as QEMU's boot code
    // leaves the ELs above: SCR_EL3 = NS, RW, HCE; HCR_EL2 = RW.
    unsigned start_el = 0;
    uint64_t entry_pc = 0;
    uint64_t x0 = 0;         // e.g. the device tree address for a Linux Image
    uint64_t mpidr_affinity = 0;  // Aff0..Aff3 of this core (0 for -smp 1)
    // GICv3: ID_AA64PFR0_EL1.GIC = 1 and the ICC_* system registers go to
    // SystemCpuCallbacks::gic_sysreg_read/write.
    bool gic_v3 = false;
    // The JIT looks up the softmmu TLB inline and calls the reference
    // semantics on a miss. Lockstep is not supported in
    // system mode (its write journal assumes user-mode memory).
    ExecMode exec_mode = ExecMode::Jit;
    // --stats: count what Engine::stats_report reports (indirect-branch and
    // inline TLB hits), at the cost of an increment per hit.
    bool stats = false;
    bool perf_map = false;  // --perf-map: name each compiled block in /tmp/perf-PID.map
    // -d unimp: log each access to an unimplemented system register (also
    // done when common/log.h has log::Unimp enabled).
    bool log_unimplemented = false;
};

using Clock = std::chrono::steady_clock;

// How a PSCI/SMCCC call reached the board.
enum class CallConduit { Hvc, Smc };

struct SystemCpuCallbacks {
    // HLT #0xF000 (A64 semihosting): operation in w0, parameter block in x1;
    // the callback reads guest memory through SystemCpu::read_virtual/
    // write_virtual, sets x0 and returns true; the guest resumes after the
    // HLT. Returning false (or no callback) makes the HLT UNDEF, as on
    // hardware without a debugger.
    std::function<bool(CpuState&)> semihosting;
    // HVC or SMC with the given imm16: the board implements PSCI/SMCCC
    // (function id in w0, arguments x1..x3, result in x0) and returns true;
    // false means "not mine": the CPU takes the call as an exception to EL2
    // (HVC) or EL3 (SMC) when that EL exists, else as UNDEF.
    std::function<bool(CpuState&, CallConduit, uint16_t imm16)> call;
    // WFI/WFE with no interrupt pending: block the host thread until an
    // interrupt line rises, wake() or stop() is called, or the deadline (the
    // next generic-timer event, if any) passes. No callback: the CPU waits on
    // its own condition variable, which set_line/wake/stop signal.
    std::function<void(std::optional<Clock::time_point> deadline)> wait_for_interrupt;
    // GICv3 CPU interface (config.gic_v3): MRS/MSR of the ICC_* registers
    // (op0 = 3, CRn = 12; id = cpu::sysreg_id(op0, op1, CRn, CRm, op2), as in
    // ir/cpu_features.h) after the CPU's EL checks. false: no such register
    // (the guest sees UNDEF).
    std::function<bool(uint32_t id, uint64_t& value)> gic_sysreg_read;
    std::function<bool(uint32_t id, uint64_t value)> gic_sysreg_write;
};

class SystemCpu {
public:
    SystemCpu(Bus& bus, TimerSink& timers, SystemCpuCallbacks callbacks, const SystemCpuConfig& config);
    ~SystemCpu();
    SystemCpu(const SystemCpu&) = delete;
    SystemCpu& operator=(const SystemCpu&) = delete;

    // Runs the guest until stop() is called (by a callback or another thread).
    void run();
    // Makes run() return at the next block boundary (PSCI SYSTEM_OFF/RESET,
    // semihosting EXIT, Ctrl-A X...).
    void stop();
    // Wakes a WFI without raising a line (e.g. the board's event queue has work).
    void wake();
    // Back to the reset state of the config (registers, EL, MMU off, TLB and
    // translated code dropped); the board reloads memory itself.
    void reset();

    // The IRQ/FIQ/SError lines, driven by the interrupt controller.
    InterruptTarget& interrupts();

    // The generic timer's next event (for boards that idle themselves).
    std::optional<Clock::time_point> next_timer_deadline() const;

    // Guest virtual memory as the current EL sees it (semihosting, gdb);
    // false if a page is unmapped.
    bool read_virtual(uint64_t va, void* out, size_t bytes);
    bool write_virtual(uint64_t va, const void* in, size_t bytes);

    CpuState& state();
    Engine& engine();
    unsigned current_el() const;

    // ---- Debugging (the gdb stub) ----
    enum class DebugStop {
        MachineStopped,  // stop() was called: the machine powered off, reset or quit
        Breakpoint,      // at a debugger breakpoint (Engine::insert_breakpoint), before the instruction
        Watchpoint,      // an access hit a watchpoint (CpuState fault_address, exit_info), before it
        Interrupted,     // interrupt_for_debugger()
        Stepped,         // step_for_debugger() ran its instruction (or took the exception it raised)
    };
    // Runs like run() until a debug stop.
    DebugStop run_for_debugger();
    // Executes the one instruction at the pc, as QEMU's gdb stub does by
    // default: no interrupt is taken before it.
    DebugStop step_for_debugger();
    // Any thread: makes run_for_debugger() return Interrupted at the next
    // block boundary (also ends a WFI wait).
    void interrupt_for_debugger();

    // The system registers a debugger shows (CurrentEL, SCTLR_ELx, TCR,
    // TTBR0/1, MAIR, VBAR, ESR, FAR, ELR, SPSR, SP_ELx, CNT*...) for the
    // implemented exception levels, by index into debug_register_names().
    // Reads have no side effects; a write acts as the guest's MSR would on
    // translation (TLB and translated code are dropped); false: read-only.
    const std::vector<std::string>& debug_register_names() const;
    uint64_t read_debug_register(size_t index);
    bool write_debug_register(size_t index, uint64_t value);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace ferry::system
