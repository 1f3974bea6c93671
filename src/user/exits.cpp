#include "user/exits.h"

#include <signal.h>

#include "user/syscalls.h"

namespace ferry::user {

namespace {
int segv_code(const AddressSpace& mem, uint64_t addr) { return mem.prot_at(addr) < 0 ? SEGV_MAPERR : SEGV_ACCERR; }
}  // namespace

std::optional<GuestFault> guest_fault(const Process& p, ExitReason reason, const FaultHooks& hooks) {
    const CpuState& c = p.cpu;
    switch (reason) {
    case ExitReason::DataAbort:
        if (hooks.last_signal == SIGBUS) return GuestFault{SIGBUS, BUS_ADRERR, c.fault_address};
        return GuestFault{SIGSEGV, segv_code(p.mem, c.fault_address), c.fault_address};
    case ExitReason::InstructionAbort: return GuestFault{SIGSEGV, segv_code(p.mem, c.pc), c.pc};
    case ExitReason::Alignment: return GuestFault{SIGBUS, BUS_ADRALN, c.fault_address};
    case ExitReason::Undefined:
    case ExitReason::Halt:  // HLT is UNDEFINED at EL0
        return GuestFault{SIGILL, ILL_ILLOPC, c.pc};
    case ExitReason::Breakpoint: return GuestFault{SIGTRAP, TRAP_BRKPT, c.pc};
    case ExitReason::None:
    case ExitReason::Syscall:
    case ExitReason::ExitRequest:
    case ExitReason::CodeModified:
    case ExitReason::HypervisorCall:  // system mode only
    case ExitReason::SecureMonitorCall:
    case ExitReason::WaitForInterrupt:
    case ExitReason::ExceptionReturn:
    case ExitReason::WaitForEvent:
    case ExitReason::SendEvent:
    case ExitReason::DebugBreakpoint:  // the debugger's, handled before this
    case ExitReason::Watchpoint: break;
    }
    return std::nullopt;
}

void handle_exit(Process& p, ExitReason reason, const FaultHooks& hooks) {
    if (reason == ExitReason::Syscall)
        do_syscall(p);
    else if (const std::optional<GuestFault> fault = guest_fault(p, reason, hooks))
        p.signals.queue_fault(fault->signal, fault->code, fault->address);
    p.signals.deliver(p);
}

}  // namespace ferry::user
