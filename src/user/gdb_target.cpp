#include "user/gdb_target.h"

#include <fcntl.h>
#include <unistd.h>

#include "debug/aarch64_registers.h"

namespace ferry::user {

namespace {
constexpr int kSigTrap = 5;
constexpr int kSigInt = 2;
}  // namespace

ProcessDebugTarget::ProcessDebugTarget(Process& p, Engine& engine, std::function<ExitReason()> run_once,
                                       std::function<void(ExitReason)> handle_exit,
                                       const std::optional<int>& exit_status)
    : p_(p), engine_(engine), run_once_(std::move(run_once)), handle_exit_(std::move(handle_exit)),
      exit_status_(exit_status), registers_(debug::aarch64_registers()) {}

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

debug::StopEvent ProcessDebugTarget::resume(debug::ResumeKind how) {
    if (how == debug::ResumeKind::Step) {
        const ExitReason reason = engine_.step();
        if (reason == ExitReason::Watchpoint) return stopped(reason);
        handle_exit_(reason);
        return stopped(ExitReason::None);
    }
    for (;;) {
        const ExitReason reason = run_once_();
        if (reason == ExitReason::DebugBreakpoint || reason == ExitReason::Watchpoint) return stopped(reason);
        handle_exit_(reason);
        if (exit_status_) return stopped(reason);
        if (interrupted_.exchange(false)) return stopped(ExitReason::ExitRequest);
    }
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
