// What a debugger (the gdb stub, src/debug) asks the engine to stop at.
//
// Breakpoints: translated code leaves with ExitReason::DebugBreakpoint before
// the instruction at a breakpoint address executes; blocks translated before
// the breakpoint was inserted are dropped, so it also works in code that has
// already run. Watchpoints: while any is set, every guest data access goes
// through the reference semantics (no inline fast path), which leave with
// ExitReason::Watchpoint before an access that overlaps a watched range.
// Addresses are guest virtual addresses in both programs.
#pragma once
#include <cstdint>
#include <vector>

#include "core/cpu_state.h"

namespace ferry {

// gdb's Z2/Z3/Z4 kinds, as bits: an access of kind k hits a watchpoint w when (k & w) != 0.
enum class WatchKind : uint32_t { Write = 1, Read = 2, Access = 3 };

struct Watchpoint {
    uint64_t address;
    uint64_t length;
    WatchKind kind;
    bool operator==(const Watchpoint&) const = default;
};

struct WatchList {
    std::vector<Watchpoint> points;
};

// Called by the reference semantics for every guest data access while
// CpuState::watchpoints is set: leaves guest execution (raise_guest_fault)
// with ExitReason::Watchpoint if [va, va + bytes) overlaps a watchpoint of
// that kind. kind is Read or Write (an atomic read-modify-write is checked as both).
void check_watchpoints(CpuState& s, uint64_t va, unsigned bytes, WatchKind kind, uint64_t pc);

}  // namespace ferry
