#include "core/debug.h"

#include <algorithm>

#include "core/fault.h"

namespace ferry {

namespace {
// [a, a + a_bytes) and [b, b + b_bytes) share a byte; unsigned differences
// keep it right for ranges that end at the top of the address space.
bool overlaps(uint64_t a, uint64_t a_bytes, uint64_t b, uint64_t b_bytes) {
    return a - b < b_bytes || b - a < a_bytes;
}
}  // namespace

void check_watchpoints(CpuState& s, uint64_t va, unsigned bytes, WatchKind kind, uint64_t pc) {
    const WatchList& list = *static_cast<const WatchList*>(s.watchpoints);
    for (const Watchpoint& w : list.points) {
        if ((static_cast<uint32_t>(kind) & static_cast<uint32_t>(w.kind)) == 0) continue;
        if (!overlaps(va, bytes, w.address, w.length)) continue;
        s.exit_info = static_cast<uint32_t>(w.kind);
        raise_guest_fault(s, ExitReason::Watchpoint, std::max(va, w.address), pc);
    }
}

}  // namespace ferry
