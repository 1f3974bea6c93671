// The host SIGSEGV/SIGBUS handler of ferry-user (on its own signal stack).
// A fault inside the guest reservation is either a write to a page Ferry
// write-protected to catch self-modifying code (unprotect, invalidate, retry)
// or a guest fault (handed to the engine, which unwinds to its run loop).
// Anything else is a Ferry bug: one line and exit status 70.
#pragma once
#include <cstdint>
#include <functional>

#include "core/cpu_state.h"
#include "user/address_space.h"

namespace ferry::user {

struct FaultHooks {
    CpuState* cpu = nullptr;
    AddressSpace* mem = nullptr;
    // The guest instruction behind a faulting host pc (Engine::guest_pc_for_fault).
    std::function<uint64_t(uintptr_t host_pc)> guest_pc_for_fault;
    // Set by the handler: the host signal of the last guest data fault
    // (SIGBUS: access beyond the end of a mapped file).
    volatile int last_signal = 0;
};

void install_fault_handler(FaultHooks& hooks);

}  // namespace ferry::user
