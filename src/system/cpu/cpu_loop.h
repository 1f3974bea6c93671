// The system-mode run loop: runs translated code with Engine::run() and turns
// its exits into exceptions (SVC, BRK, UNDEF, aborts, HVC/SMC to EL2/EL3),
// ERET, board calls (semihosting, PSCI) and WFI idling; at every return it
// drops translated code that TLB or cache maintenance made stale, updates the
// generic timer, and takes an interrupt that PSTATE and routing let in.
#pragma once
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

#include "core/engine.h"
#include "system/cpu/cpu_context.h"

namespace ferry::system {

// A host thread that makes the CPU leave translated code when the generic
// timer's next deadline passes.
class TimerAlarm {
public:
    explicit TimerAlarm(CpuContext& context);
    ~TimerAlarm();
    void arm(std::optional<Clock::time_point> deadline);

private:
    void loop();
    CpuContext& context_;
    std::mutex mutex_;
    std::condition_variable cv_;
    std::optional<Clock::time_point> deadline_;
    bool quit_ = false;
    std::thread thread_;
};

class CpuLoop {
public:
    CpuLoop(CpuContext& context, Engine& engine);
    // Runs until CpuContext::stop_requested.
    void run();
    // One round: the boundary work, then translated code until it exits, then the exit.
    void step();
    // Debugging: rounds until stop, a debugger breakpoint or watchpoint exit
    // (returned), or CpuContext::debugger_interrupt (ExitRequest).
    ExitReason run_for_debugger();
    // One instruction, without taking interrupts; a watchpoint exit is
    // returned without running the instruction.
    ExitReason step_for_debugger();

private:
    void at_block_boundary();
    // Drops the translated code that maintenance made stale and updates the timer.
    void synchronize();
    void handle_exit(ExitReason reason);
    void take_synchronous(const Syndrome& syndrome, uint64_t preferred_return);
    void take_synchronous_to(unsigned target_el, const Syndrome& syndrome, uint64_t preferred_return);
    void hypervisor_call(uint16_t imm16);
    void secure_monitor_call(uint16_t imm16);
    void halt(uint16_t imm16);
    enum class Wfx { Interrupt, Event };
    // WFI, or WFE: idles the host thread until an interrupt, a wake-up or (WFE)
    // an event; traps as SCTLR_EL1.nTW* and HCR_EL2.TW* say.
    void wait_for(Wfx kind);
    Syndrome fault_syndrome(ExitReason reason);

    CpuContext& c_;
    Engine& engine_;
    TimerAlarm alarm_;
};

}  // namespace ferry::system
