// One guest process: its CPU, memory, signals and the little kernel state
// that system calls keep (the executable, clear_child_tid, the program break
// lives in AddressSpace).
#pragma once
#include <cstdint>
#include <functional>
#include <string>

#include "core/cpu_state.h"
#include "user/address_space.h"
#include "user/options.h"
#include "user/signals.h"

namespace ferry::user {

struct Process {
    Process(CpuState& cpu, AddressSpace& mem, const Options& options) : cpu(cpu), mem(mem), options(options) {}

    CpuState& cpu;
    AddressSpace& mem;
    const Options& options;
    Signals signals;
    InterruptedSyscall interrupted;

    std::string exe_path;    // host path of the guest executable (absolute), for /proc/self/exe
    std::string ferry_path;  // host path of Ferry itself, re-executed by execve
    uint64_t clear_child_tid = 0;
    uint64_t sigreturn_trampoline = 0;  // guest address of "mov x8, #139; svc #0"

    // Ends the process with an exit status (prints --stats, flushes logs);
    // under the gdb stub it records the status for the debugger instead.
    std::function<void(int status)> exit;

    // Maps a guest path to the host path to use (-L sysroot, /proc/self/exe).
    std::string host_path(const std::string& guest_path) const;
};

}  // namespace ferry::user
