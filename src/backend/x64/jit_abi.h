// The register and stack conventions inside translated code, shared by the
// run trampoline, the block emitters and the register allocator.
//
// run(state, code) pushes the callee-saved registers and reserves one frame
// that every block of that run shares (blocks jump to each other, they never
// call). With return address + 6 pushes + kFrameBytes, rsp is 16-byte aligned
// inside blocks, as host calls need.
#pragma once
#include <cstddef>
#include <cstdint>
#include <xbyak/xbyak.h>

#include "core/cpu_state.h"

namespace ferry::x64::abi {

// Pinned for the whole run.
inline const Xbyak::Reg64 kState{Xbyak::Operand::R15};      // CpuState*
inline const Xbyak::Reg64 kGuestBase{Xbyak::Operand::R14};  // user-mode guest_base
inline const Xbyak::Reg64 kGuestMask{Xbyak::Operand::R13};  // user-mode guest_mask
// System mode has no guest_base: there r14 holds CpuState::soft_tlb, loaded
// by each block before its first inline lookup. The table changes only with
// the EL, on exception entry and return, which end blocks.
inline const Xbyak::Reg64 kSoftTlb = kGuestBase;

// Frame layout, offsets from rsp.
constexpr int kCallArgsOffset = 0;   // 3 x Vec128: arguments of a reference-function call
constexpr int kRsbTopOffset = 48;    // byte offset of the top return-stack entry
constexpr int kGuestMxcsrOffset = 56;    // MXCSR for the guest: FPCR.RMode as RC, flags clear
constexpr int kMxcsrScratchOffset = 60;  // stmxcsr's target after an inline FP op
constexpr int kRsbEntries = 16;      // power of two
constexpr int kRsbEntryBytes = 16;   // {guest pc, host code}
constexpr int kRsbOffset = 64;
constexpr int kRsbIndexMask = (kRsbEntries - 1) * kRsbEntryBytes;
constexpr int kSpillOffset = kRsbOffset + kRsbEntries * kRsbEntryBytes;
constexpr int kSpillSlotBytes = 16;
constexpr int kSpillSlots = 1024;
// The out-of-line reference calls of inline emitters save the registers they
// must keep here: GPRs by number, then XMMs by number.
constexpr int kFallbackSaveOffset = kSpillOffset + kSpillSlots * kSpillSlotBytes;
constexpr int kFallbackSaveXmmOffset = kFallbackSaveOffset + 16 * 8;
constexpr int kHostMxcsrOffset = kFallbackSaveXmmOffset + 16 * 16;  // run()'s caller's MXCSR
constexpr int kFrameBytes = kHostMxcsrOffset + 8;
static_assert((kFrameBytes + 7 * 8) % 16 == 0, "rsp must be 16-byte aligned inside blocks");

// Indirect-branch table: direct-mapped on the guest pc, keyed also by the
// block flags. Entries are 32 bytes so that an index is a shift.
struct IndirectEntry {
    uint64_t pc;
    uint64_t flags;
    const void* code;
    uint64_t unused;
};
static_assert(sizeof(IndirectEntry) == 32);
constexpr unsigned kIndirectEntryShift = 5;
constexpr unsigned kIndirectTableBits = 15;
constexpr uint64_t kIndirectIndexMask = (uint64_t{1} << kIndirectTableBits) - 1;
inline uint64_t indirect_index(uint64_t pc) { return (pc >> 2) & kIndirectIndexMask; }

// Guest state fields, as operands relative to the pinned state register.
inline Xbyak::Address state_qword(size_t offset) { return Xbyak::util::qword[kState + offset]; }
inline Xbyak::Address state_dword(size_t offset) { return Xbyak::util::dword[kState + offset]; }
inline Xbyak::Address state_xword(size_t offset) { return Xbyak::util::xword[kState + offset]; }
inline size_t x_offset(uint64_t r) { return offsetof(CpuState, x) + 8 * r; }
inline size_t v_offset(uint64_t r) { return offsetof(CpuState, v) + sizeof(Vec128) * r; }

}  // namespace ferry::x64::abi
