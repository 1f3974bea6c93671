// What Linux would do to the process for each exit of the run loop: system
// calls, and faults turned into guest signals.
#pragma once
#include <cstdint>
#include <optional>

#include "core/cpu_state.h"
#include "user/host_fault.h"
#include "user/process.h"

namespace ferry::user {

struct GuestFault {
    int signal;
    int code;          // si_code
    uint64_t address;  // si_addr
};

// The signal a fault exit raises in the guest; nullopt for other exits.
std::optional<GuestFault> guest_fault(const Process& p, ExitReason reason, const FaultHooks& hooks);

// Carries out the exit (a system call, or the fault's signal queued), then
// delivers the signals that are due.
void handle_exit(Process& p, ExitReason reason, const FaultHooks& hooks);

}  // namespace ferry::user
