// Leaving guest execution from inside a helper or reference semantic
// function: the engine's run loop catches it (user mode: siglongjmp).
#pragma once
#include <cstdint>

#include "core/cpu_state.h"

namespace ferry {

[[noreturn]] void raise_guest_fault(CpuState& s, ExitReason reason, uint64_t address, uint64_t pc);

}  // namespace ferry
