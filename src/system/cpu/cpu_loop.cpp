#include "system/cpu/cpu_loop.h"

#include "ir/cpu_features.h"
#include "system/cpu/exceptions.h"

namespace ferry::system {

// ---- TimerAlarm ------------------------------------------------------------------

TimerAlarm::TimerAlarm(CpuContext& context) : context_(context), thread_([this] { loop(); }) {}

TimerAlarm::~TimerAlarm() {
    {
        std::lock_guard lock(mutex_);
        quit_ = true;
    }
    cv_.notify_all();
    thread_.join();
}

void TimerAlarm::arm(std::optional<Clock::time_point> deadline) {
    {
        std::lock_guard lock(mutex_);
        if (deadline == deadline_) return;
        deadline_ = deadline;
    }
    cv_.notify_all();
}

void TimerAlarm::loop() {
    std::unique_lock lock(mutex_);
    while (!quit_) {
        if (!deadline_) {
            cv_.wait(lock);
            continue;
        }
        const Clock::time_point due = *deadline_;
        if (cv_.wait_until(lock, due) == std::cv_status::timeout && deadline_ == due) {
            deadline_.reset();
            context_.request_exit();
            context_.notify_waiter();
        }
    }
}

// ---- CpuLoop ---------------------------------------------------------------------

namespace {
constexpr uint16_t kSemihostingImm = 0xf000;
constexpr uint64_t kHcrTwi = 1u << 13;
// WFx trap ISS: CV = 1, COND = AL, TI = 0 (WFI).
constexpr uint64_t kHcrTwe = 1u << 14;
constexpr uint64_t kCntkctlEvnten = 1u << 2;
constexpr uint32_t kWfxTrapIss = (1u << 24) | (0xeu << 20);  // CV = 1, COND = AL
constexpr uint32_t kWfxTrapIssWfe = 1;                        // TI

// The upper-range (kernel) pages of translated code whose EL1 translation no
// longer gives, executably, the physical page that code came from.
std::vector<uint64_t> remapped_kernel_code_pages(CpuContext& c) {
    std::vector<uint64_t> remapped;
    for (const auto& [pa_page, va_pages] : c.mmu.code_pages().physical_pages())
        for (uint64_t va : va_pages) {
            if (!(va >> 55 & 1)) continue;
            const WalkResult w = c.mmu.walk(va, 1);
            const bool unchanged = w.ok() && Mmu::permission_fault(w.mapping, Access::Fetch) == 0 &&
                                   (w.mapping.pa & kSoftTlbPageMask) == pa_page;
            if (!unchanged) remapped.push_back(va);
        }
    return remapped;
}

// A TLBI of everything (VMALLE1, ALLE1...) drops translated code but what its
// translation tables cannot have changed: MMU-off code, and kernel pages that
// still map the same physical page (writes to that page drop its code
// anyway). Linux issues a few during boot; retranslating the whole kernel
// after each cost a quarter of the boot's translations.
void drop_code_for_full_tlbi(CpuContext& c, Engine& engine) {
    const std::vector<uint64_t> remapped = remapped_kernel_code_pages(c);
    engine.invalidate_if([](uint64_t pc, uint64_t flags) { return !CpuContext::survives_full_tlbi(pc, flags); });
    for (uint64_t va : remapped) engine.invalidate(va, va + (uint64_t{1} << kSoftTlbPageShift));
}
}  // namespace

CpuLoop::CpuLoop(CpuContext& context, Engine& engine) : c_(context), engine_(engine), alarm_(context) {}

void CpuLoop::run() {
    while (!c_.stop_requested.load()) step();
}

void CpuLoop::step() {
    at_block_boundary();
    if (c_.stop_requested.load()) return;
    handle_exit(engine_.run());
}

ExitReason CpuLoop::run_for_debugger() {
    for (;;) {
        at_block_boundary();
        if (c_.stop_requested.load() || c_.debugger_interrupt.exchange(false)) return ExitReason::ExitRequest;
        const ExitReason reason = engine_.run();
        if (reason == ExitReason::DebugBreakpoint || reason == ExitReason::Watchpoint) return reason;
        handle_exit(reason);
    }
}

ExitReason CpuLoop::step_for_debugger() {
    synchronize();
    const ExitReason reason = engine_.step();
    if (reason != ExitReason::Watchpoint) handle_exit(reason);
    return reason;
}

void CpuLoop::at_block_boundary() {
    synchronize();
    CpuState& s = c_.state;
    if (s.pstate & pstate::IL) {
        take_synchronous({ExceptionClass::IllegalState, 0, {}}, s.pc);
        return;
    }
    take_pending_interrupt(c_);
}

void CpuLoop::synchronize() {
    CpuState& s = c_.state;
    __atomic_store_n(&s.exit_request, 0u, __ATOMIC_RELEASE);  // before looking at what set it
    if (c_.flush_all_code) {
        engine_.invalidate_all();
    } else {
        if (c_.flush_code_for_full_tlbi) drop_code_for_full_tlbi(c_, engine_);
        for (const auto& [lo, hi] : c_.flush_code_ranges) engine_.invalidate(lo, hi);
        for (uint16_t asid : c_.flush_code_asids)
            engine_.invalidate_if([asid](uint64_t, uint64_t flags) { return CpuContext::translated_for_asid(flags, asid); });
    }
    c_.flush_all_code = c_.flush_code_for_full_tlbi = false;
    c_.flush_code_ranges.clear();
    c_.flush_code_asids.clear();
    c_.timer.update();
    alarm_.arm(c_.timer.next_deadline());
}

void CpuLoop::take_synchronous_to(unsigned target_el, const Syndrome& syndrome, uint64_t preferred_return) {
    take_exception(c_, target_el, ExceptionType::Synchronous, &syndrome, preferred_return);
}

void CpuLoop::take_synchronous(const Syndrome& syndrome, uint64_t preferred_return) {
    take_synchronous_to(synchronous_target_el(c_), syndrome, preferred_return);
}

// The exception a faulting block stands for: what the MMU or a system
// register access recorded, else what the exit reason says.
Syndrome CpuLoop::fault_syndrome(ExitReason reason) {
    if (c_.pending) {
        const Syndrome s = *c_.pending;
        c_.pending.reset();
        return s;
    }
    switch (reason) {
    case ExitReason::Alignment: {  // exclusives and atomics checked in the semantics
        const uint32_t iss = fsc::Alignment | (c_.state.fault_is_write ? kIssWnR : 0);
        return {ExceptionClass::DataAbort, iss, c_.state.fault_address};
    }
    case ExitReason::DataAbort: return {ExceptionClass::DataAbort, fsc::SyncExternal, c_.state.fault_address};
    default: return {ExceptionClass::Unknown, 0, {}};
    }
}

void CpuLoop::handle_exit(ExitReason reason) {
    CpuState& s = c_.state;
    const auto imm16 = static_cast<uint16_t>(s.exit_info);
    switch (reason) {
    case ExitReason::None:
    case ExitReason::ExitRequest:
    case ExitReason::CodeModified:
    case ExitReason::DebugBreakpoint:  // the debugger's: the guest stays where it is
    case ExitReason::Watchpoint: return;
    case ExitReason::Syscall: take_synchronous({ExceptionClass::Svc, imm16, {}}, s.pc); return;
    case ExitReason::HypervisorCall: hypervisor_call(imm16); return;
    case ExitReason::SecureMonitorCall: secure_monitor_call(imm16); return;
    case ExitReason::Breakpoint: take_synchronous({ExceptionClass::Brk, imm16, {}}, s.pc); return;
    case ExitReason::Halt: halt(imm16); return;
    case ExitReason::WaitForInterrupt: wait_for(Wfx::Interrupt); return;
    case ExitReason::WaitForEvent: wait_for(Wfx::Event); return;
    case ExitReason::SendEvent: c_.event_register = true; return;
    case ExitReason::ExceptionReturn: exception_return(c_); return;
    case ExitReason::InstructionAbort: {
        // The block that raised it must not outlive this fault: the guest will map the page.
        engine_.invalidate(s.pc, s.pc + 4);
        const Syndrome fault = c_.fetch_fault.value_or(Syndrome{ExceptionClass::InstructionAbort, fsc::SyncExternal, s.pc});
        c_.fetch_fault.reset();
        take_synchronous(fault, s.pc);
        return;
    }
    case ExitReason::Undefined:
    case ExitReason::DataAbort:
    case ExitReason::Alignment: take_synchronous(fault_syndrome(reason), s.pc); return;
    }
}

// HVC: the board's (PSCI) if it takes it; else to EL2 (EL3 from EL3) where
// enabled, else UNDEF. The pc is already past the HVC.
void CpuLoop::hypervisor_call(uint16_t imm16) {
    CpuState& s = c_.state;
    if (c_.callbacks.call && c_.callbacks.call(s, CallConduit::Hvc, imm16)) return;
    const bool disabled_by_el3 = c_.config.has_el3 && !(c_.regs.scr_el3 & bits::SCR_HCE);
    const bool disabled_by_el2 = !c_.config.has_el3 && c_.el() == 1 && (c_.regs.hcr_el2 & bits::HCR_HCD);
    if (!c_.config.has_el2 || disabled_by_el3 || disabled_by_el2) {
        take_synchronous({ExceptionClass::Unknown, 0, {}}, s.pc - 4);
        return;
    }
    take_synchronous_to(c_.el() == 3 ? 3 : 2, {ExceptionClass::Hvc, imm16, {}}, s.pc);
}

// SMC: trapped to EL2 by HCR_EL2.TSC; else the board's (PSCI) if it takes it;
// else to EL3 where enabled, else UNDEF.
void CpuLoop::secure_monitor_call(uint16_t imm16) {
    CpuState& s = c_.state;
    const uint64_t smc_pc = s.pc - 4;
    if (c_.config.has_el2 && c_.el() == 1 && (c_.regs.hcr_el2 & bits::HCR_TSC)) {
        take_synchronous_to(2, {ExceptionClass::Smc, imm16, {}}, smc_pc);
        return;
    }
    if (c_.callbacks.call && c_.callbacks.call(s, CallConduit::Smc, imm16)) return;
    if (!c_.config.has_el3 || (c_.regs.scr_el3 & bits::SCR_SMD)) {
        take_synchronous({ExceptionClass::Unknown, 0, {}}, smc_pc);
        return;
    }
    take_synchronous_to(3, {ExceptionClass::Smc, imm16, {}}, s.pc);
}

// HLT #0xF000 is a semihosting call when the board offers semihosting;
// otherwise HLT is UNDEF (halting debug is not enabled).
void CpuLoop::halt(uint16_t imm16) {
    CpuState& s = c_.state;
    if (imm16 == kSemihostingImm && c_.callbacks.semihosting && c_.callbacks.semihosting(s)) {
        s.pc += 4;
        return;
    }
    take_synchronous({ExceptionClass::Unknown, 0, {}}, s.pc);
}

// WFI: trapped by SCTLR_EL1.nTWI = 0 at EL0 or HCR_EL2.TWI below EL2;
// otherwise sleeps until an interrupt line is asserted (masked or not), the
// next timer event, wake() or stop().
void CpuLoop::wait_for(Wfx kind) {
    CpuState& s = c_.state;
    const uint64_t insn_pc = s.pc - 4;
    const bool event = kind == Wfx::Event;
    const uint32_t iss = kWfxTrapIss | (event ? kWfxTrapIssWfe : 0);
    if (c_.el() == 0 && !(c_.regs.sctlr[1] & (event ? bits::SCTLR_NTWE : bits::SCTLR_NTWI))) {
        take_synchronous({ExceptionClass::WfxTrap, iss, {}}, insn_pc);
        return;
    }
    if (c_.config.has_el2 && c_.el() <= 1 && (c_.regs.hcr_el2 & (event ? kHcrTwe : kHcrTwi))) {
        take_synchronous_to(2, {ExceptionClass::WfxTrap, iss, {}}, insn_pc);
        return;
    }
    if (event && c_.event_register) {
        c_.event_register = false;
        return;
    }
    c_.timer.update();
    auto woken = [&] {
        return interrupt_pending(c_) || c_.wake_requested.load() || c_.stop_requested.load() ||
               c_.debugger_interrupt.load();
    };
    std::optional<Clock::time_point> deadline = c_.timer.next_deadline();
    if (event) {
        // The timer's event stream (CNTKCTL_EL1.EVNTEN) bounds a WFE: an
        // event every 2^(EVNTI+1) counter ticks, which Linux relies on.
        if (const uint64_t cntkctl = c_.regs.cntkctl_el1; cntkctl & kCntkctlEvnten) {
            const uint64_t ticks = uint64_t{2} << ((cntkctl >> 4) & 0xf);
            const auto next_event = Clock::now() + std::chrono::nanoseconds(ticks * 1'000'000'000 / cpu::kCounterFrequency);
            deadline = deadline ? std::min(*deadline, next_event) : next_event;
        }
    }
    if (!woken()) {
        if (c_.callbacks.wait_for_interrupt) {
            c_.callbacks.wait_for_interrupt(deadline);
        } else {
            std::unique_lock lock(c_.wait_mutex);
            if (deadline)
                c_.wait_cv.wait_until(lock, *deadline, woken);
            else
                c_.wait_cv.wait(lock, woken);
        }
    }
    c_.wake_requested = false;
    c_.event_register = false;
}

}  // namespace ferry::system
