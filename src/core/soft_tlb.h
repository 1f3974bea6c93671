// The softmmu TLB as translated code reads it (system mode). One table of
// kSoftTlbEntries direct-mapped entries per exception level; the current EL's
// table is CpuState::soft_tlb. A data access of n bytes at va hits when
// ((va + n - 1) & kSoftTlbPageMask) equals the tag of its kind: a page
// crossing gives another page and a tag with kSoftTlbSlow set (MMIO, Device
// memory, pages holding translated code for writes, strict alignment) never
// equals a page address, so those take the slow path, as does a miss. On a
// hit the host address is va + addend.
#pragma once
#include <cstdint>

namespace ferry {

struct SoftTlbEntry {
    uint64_t read_tag;
    uint64_t write_tag;
    uint64_t exec_tag;
    uintptr_t addend;
};
static_assert(sizeof(SoftTlbEntry) == 32, "translated code indexes entries with a shift");

inline constexpr unsigned kSoftTlbPageShift = 12;
inline constexpr unsigned kSoftTlbEntryShift = 5;
inline constexpr unsigned kSoftTlbEntries = 1024;
inline constexpr uint64_t kSoftTlbPageMask = ~uint64_t{0xfff};
inline constexpr uint64_t kSoftTlbInvalid = ~uint64_t{0};
inline constexpr uint64_t kSoftTlbSlow = 1;

inline unsigned soft_tlb_index(uint64_t va) { return (va >> kSoftTlbPageShift) % kSoftTlbEntries; }

}  // namespace ferry
