// The GDB remote serial protocol stub: listens on a TCP port or a Unix
// socket, speaks to one debugger at a time, and drives a DebugTarget.
//
// The thread that runs the guest calls serve(): it is the program's main loop
// while a stub is configured. While the guest runs, a watcher thread of the
// server polls the socket: Ctrl-C (0x03) or a new connection calls
// DebugTarget::interrupt(), and resume() returns to serve(), which then
// reports the stop and answers packets until the debugger resumes.
#pragma once
#include <memory>
#include <string>

#include "debug/debug_target.h"

namespace ferry::debug {

class GdbServer {
public:
    // spec, as QEMU spells it: "tcp::PORT", "tcp:HOST:PORT", "unix:PATH,server"
    // (",nowait", ",wait" accepted), or a bare "PORT" (ferry-user -g). Binds
    // and listens; nullptr and a one-line error for the caller to print
    // (e.g. "gdb: tcp::1234: Address already in use") if that fails.
    static std::unique_ptr<GdbServer> open(const std::string& spec, std::string& error);
    ~GdbServer();

    enum class Ending { TargetEnded, Killed };
    // Runs target under the debugger's control until the program ends (its
    // Exited/Killed stop is reported to an attached debugger first) or a
    // debugger sends k. start_stopped (-S, ferry-user -g): wait for a debugger
    // to connect before the first instruction; otherwise the guest runs at
    // once and a debugger may attach (stopping it) at any time. After D
    // (detach) the guest runs on and another debugger may attach. Protocol
    // errors (a bad checksum, a malformed packet) get a one-line warning on
    // stderr and an error reply; they never end the program.
    Ending serve(DebugTarget& target, bool start_stopped);
    // The program ends outside DebugTarget::resume() (ferry-user: a signal
    // kills it): tell an attached debugger (W/X). From the guest's thread.
    void announce_end(const StopEvent& end);

private:
    struct Impl;
    explicit GdbServer(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace ferry::debug
