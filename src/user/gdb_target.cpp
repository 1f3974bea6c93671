#include "user/gdb_target.h"

#include <fcntl.h>
#include <unistd.h>

#include <utility>

#include "debug/aarch64_registers.h"
#include "debug/gdb_signals.h"
#include "user/exits.h"

namespace ferry::user {

namespace {
constexpr int kSigTrap = 5;
constexpr int kSigInt = 2;
}  // namespace

ProcessDebugTarget::ProcessDebugTarget(Process& p, Engine& engine, const FaultHooks& hooks,
                                       std::function<ExitReason()> run_once, const std::optional<int>& exit_status)
    : p_(p), engine_(engine), hooks_(hooks), run_once_(std::move(run_once)), exit_status_(exit_status),
      registers_(debug::aarch64_registers()) {}

bool ProcessDebugTarget::read_register(unsigned regnum, std::vector<uint8_t>& out) {
    return debug::read_aarch64_register(p_.cpu, regnum, out);
}

bool ProcessDebugTarget::write_register(unsigned regnum, const std::vector<uint8_t>& in) {
    return debug::write_aarch64_register(p_.cpu, regnum, in);
}

bool ProcessDebugTarget::access(uint64_t va, void* data, size_t bytes, bool write) {
    if (!AddressSpace::in_space(va, bytes) || !p_.mem.accessible(va, bytes, 0)) return false;
    static const int mem = open("/proc/self/mem", O_RDWR | O_CLOEXEC);
    if (mem < 0) return false;
    const auto host = static_cast<off_t>(reinterpret_cast<uintptr_t>(p_.mem.host(va)));
    const ssize_t done = write ? pwrite(mem, data, bytes, host) : pread(mem, data, bytes, host);
    return done == static_cast<ssize_t>(bytes);
}

bool ProcessDebugTarget::read_memory(uint64_t va, void* out, size_t bytes) { return access(va, out, bytes, false); }

bool ProcessDebugTarget::write_memory(uint64_t va, const void* in, size_t bytes) {
    if (!access(va, const_cast<void*>(in), bytes, true)) return false;
    engine_.invalidate(va, va + bytes);
    return true;
}

void ProcessDebugTarget::interrupt() {
    interrupted_ = true;
    __atomic_store_n(&p_.cpu.exit_request, 1u, __ATOMIC_RELEASE);
}

debug::StopEvent ProcessDebugTarget::resume(debug::ResumeKind how, int signal) {
    if (const std::optional<ExitReason> fault = std::exchange(pending_fault_, std::nullopt); fault && signal != 0) {
        handle_exit(p_, *fault, hooks_);
        // Into the guest's handler: a step stops at its first instruction.
        if (exit_status_ || how == debug::ResumeKind::Step) return stopped(ExitReason::None);
    }
    if (how == debug::ResumeKind::Step) return stop_for(engine_.step()).value_or(stopped(ExitReason::None));
    for (;;) {
        if (std::optional<debug::StopEvent> stop = stop_for(run_once_())) return *stop;
        if (interrupted_.exchange(false)) return stopped(ExitReason::ExitRequest);
    }
}

std::optional<debug::StopEvent> ProcessDebugTarget::stop_for(ExitReason reason) {
    if (reason == ExitReason::DebugBreakpoint || reason == ExitReason::Watchpoint) return stopped(reason);
    if (const std::optional<GuestFault> fault = guest_fault(p_, reason, hooks_)) {
        pending_fault_ = reason;
        debug::StopEvent event;
        event.signal = debug::gdb_signal_from_linux(fault->signal);
        event.guest_signal = true;
        return event;
    }
    handle_exit(p_, reason, hooks_);
    if (exit_status_) return stopped(reason);
    return std::nullopt;
}

debug::StopEvent ProcessDebugTarget::stopped(ExitReason reason) {
    debug::StopEvent event;
    if (exit_status_) {
        event.kind = debug::StopEvent::Kind::Exited;
        event.exit_status = *exit_status_;
        return event;
    }
    event.signal = reason == ExitReason::ExitRequest ? kSigInt : kSigTrap;
    if (reason == ExitReason::Watchpoint) {
        event.watch = Watchpoint{p_.cpu.fault_address, 1, static_cast<WatchKind>(p_.cpu.exit_info)};
        event.watch_address = p_.cpu.fault_address;
    }
    return event;
}

}  // namespace ferry::user
