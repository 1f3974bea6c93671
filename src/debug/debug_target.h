// What the gdb stub (gdb_server.h) needs from a program it debugs: ferry-user
// (one process) and ferry-system (one core of a machine) each implement it.
// All calls except interrupt() come from the thread that runs the guest.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/debug.h"

namespace ferry::debug {

// One register as the debugger sees it; its index in DebugTarget::registers()
// is gdb's register number, and the target description lists them in that order.
struct RegisterInfo {
    std::string name;
    unsigned bits;         // 32, 64 or 128
    std::string type;      // a target-description type: int, code_ptr, data_ptr, or one
                           // the description defines (cpsr_flags, fpsr_flags, fpcr_flags, aarch64v)
    std::string feature;   // org.gnu.gdb.aarch64.core, org.gnu.gdb.aarch64.fpu, org.ferry.aarch64.system
    std::string group;     // "" (gdb's default), or e.g. "system"
};

enum class ResumeKind { Continue, Step };

// Why the guest stopped, as a stop reply reports it.
struct StopEvent {
    enum class Kind {
        Signal,  // stopped with gdb signal number `signal` (5 SIGTRAP: breakpoint, step, watchpoint; 2 SIGINT: interrupted)
        Exited,  // the program ended with exit_status (W); the machine powered off
        Killed,  // the program was killed by signal `signal` (X)
    };
    Kind kind = Kind::Signal;
    int signal = 5;
    int exit_status = 0;
    std::optional<Watchpoint> watch;  // the watchpoint hit (its kind picks watch/rwatch/awatch)
    uint64_t watch_address = 0;       // the address the access made
    // Signal stops: the guest itself raised `signal` (a fault, BRK), which
    // is delivered to it only if the debugger passes it on (C, S, vCont;C).
    bool guest_signal = false;
};

class DebugTarget {
public:
    virtual ~DebugTarget() = default;

    virtual const std::vector<RegisterInfo>& registers() const = 0;
    // Little-endian, bits / 8 bytes. false: not available (reply E..).
    virtual bool read_register(unsigned regnum, std::vector<uint8_t>& out) = 0;
    virtual bool write_register(unsigned regnum, const std::vector<uint8_t>& in) = 0;

    // Guest virtual memory as the CPU sees it now (through the MMU in system
    // mode); false if any byte is not mapped. Writes to code drop the blocks
    // translated from it.
    virtual bool read_memory(uint64_t va, void* out, size_t bytes) = 0;
    virtual bool write_memory(uint64_t va, const void* in, size_t bytes) = 0;

    // Software and hardware breakpoints are the same thing here (Z0/Z1).
    virtual void insert_breakpoint(uint64_t va) = 0;
    virtual void remove_breakpoint(uint64_t va) = 0;
    virtual void insert_watchpoint(const Watchpoint& w) = 0;
    virtual bool remove_watchpoint(const Watchpoint& w) = 0;
    virtual void remove_all_points() = 0;

    // Runs the guest: one instruction, or until a breakpoint, watchpoint,
    // interrupt() or the end of the program. Returns the stop to report.
    // signal: the gdb signal number the debugger resumes with (0: none); a
    // guest_signal stop's signal is delivered if it is passed, else dropped.
    virtual StopEvent resume(ResumeKind how, int signal) = 0;
    // Any thread: make a running resume() return soon with Signal 2 (SIGINT)
    // (Ctrl-C, or a debugger attaching to a running guest).
    virtual void interrupt() = 0;
};

}  // namespace ferry::debug
