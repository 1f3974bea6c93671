#include "system/virt/gdb_target.h"

#include <cstring>

#include "debug/aarch64_registers.h"

namespace ferry::system {

namespace {
constexpr int kSigTrap = 5;
constexpr int kSigInt = 2;
}  // namespace

MachineDebugTarget::MachineDebugTarget(SystemCpu& cpu, std::function<std::optional<int>()> machine_stopped)
    : cpu_(cpu), machine_stopped_(std::move(machine_stopped)), registers_(debug::aarch64_registers()),
      first_system_register_(registers_.size()) {
    for (const std::string& name : cpu_.debug_register_names())
        registers_.push_back({name, 64, "uint64", "org.ferry.aarch64.system", "system"});
}

bool MachineDebugTarget::read_register(unsigned regnum, std::vector<uint8_t>& out) {
    if (regnum < first_system_register_) return debug::read_aarch64_register(cpu_.state(), regnum, out);
    if (regnum >= registers_.size()) return false;
    const uint64_t value = cpu_.read_debug_register(regnum - first_system_register_);
    out.resize(sizeof value);
    std::memcpy(out.data(), &value, sizeof value);
    return true;
}

bool MachineDebugTarget::write_register(unsigned regnum, const std::vector<uint8_t>& in) {
    if (regnum < first_system_register_) return debug::write_aarch64_register(cpu_.state(), regnum, in);
    if (regnum >= registers_.size() || in.size() != sizeof(uint64_t)) return false;
    uint64_t value;
    std::memcpy(&value, in.data(), sizeof value);
    return cpu_.write_debug_register(regnum - first_system_register_, value);
}

bool MachineDebugTarget::read_memory(uint64_t va, void* out, size_t bytes) { return cpu_.read_virtual(va, out, bytes); }

bool MachineDebugTarget::write_memory(uint64_t va, const void* in, size_t bytes) {
    if (!cpu_.write_virtual(va, in, bytes)) return false;
    cpu_.engine().invalidate(va, va + bytes);  // the debugger may patch code
    return true;
}

debug::StopEvent MachineDebugTarget::resume(debug::ResumeKind how, int /*signal*/) {
    for (;;) {
        const SystemCpu::DebugStop stop =
            how == debug::ResumeKind::Step ? cpu_.step_for_debugger() : cpu_.run_for_debugger();
        if (stop != SystemCpu::DebugStop::MachineStopped) return stop_event(stop);
        if (const std::optional<int> status = machine_stopped_()) {
            exit_status_ = *status;
            debug::StopEvent ended;
            ended.kind = debug::StopEvent::Kind::Exited;
            ended.exit_status = *status;
            return ended;
        }
        // A reset: the machine starts over; a step stops at the reset entry.
        if (how == debug::ResumeKind::Step) return {};
    }
}

debug::StopEvent MachineDebugTarget::stop_event(SystemCpu::DebugStop stop) {
    debug::StopEvent event;
    event.signal = stop == SystemCpu::DebugStop::Interrupted ? kSigInt : kSigTrap;
    if (stop == SystemCpu::DebugStop::Watchpoint) {
        const CpuState& s = cpu_.state();
        event.watch = Watchpoint{s.fault_address, 1, static_cast<WatchKind>(s.exit_info)};
        event.watch_address = s.fault_address;
    }
    return event;
}

}  // namespace ferry::system
