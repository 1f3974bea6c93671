// System mode behind the reference semantics: when CpuState::system is set,
// guest memory accesses, system register moves and SYS operations go to the
// machine (src/system/cpu) instead of user mode's flat guest memory. The
// engine never sees the machine itself, only this interface.
#pragma once
#include <cstdint>

#include "core/cpu_state.h"

namespace ferry {

// PSTATE bits in CpuState::pstate (SPSR layout).
namespace pstate {
inline constexpr uint32_t SPSel = 1u << 0;
inline constexpr unsigned ElShift = 2;
inline constexpr uint32_t ElMask = 3u << ElShift;
inline constexpr uint32_t F = 1u << 6;
inline constexpr uint32_t I = 1u << 7;
inline constexpr uint32_t A = 1u << 8;
inline constexpr uint32_t D = 1u << 9;
inline constexpr uint32_t DAIF = D | A | I | F;
inline constexpr uint32_t IL = 1u << 20;
inline constexpr uint32_t SS = 1u << 21;
}  // namespace pstate

inline unsigned current_el(const CpuState& s) { return (s.pstate & pstate::ElMask) >> pstate::ElShift; }

class SystemHooks {
public:
    virtual ~SystemHooks() = default;
    // Guest virtual memory of 1..16 bytes (little-endian, zero-extended). A
    // fault leaves guest execution with raise_guest_fault at pc.
    virtual Vec128 load(CpuState& s, uint64_t va, unsigned bytes, uint64_t pc) = 0;
    virtual void store(CpuState& s, uint64_t va, const Vec128& value, unsigned bytes, uint64_t pc) = 0;
    // Host pointer to `bytes` (a power of two up to 64, va aligned to it) of
    // RAM, checked for reading and writing: exclusives, atomics, DC ZVA.
    virtual uint8_t* rmw_pointer(CpuState& s, uint64_t va, unsigned bytes, uint64_t pc) = 0;
    // MRS/MSR of id = cpu::sysreg_id(op0, ...); op0 = 1 names a SYS operation
    // (TLBI, AT, DC, IC) and op0 = 0 an MSR (immediate) to a PSTATE field.
    // An access the current EL may not make is UNDEF (raise_guest_fault).
    virtual uint64_t read_sysreg(CpuState& s, uint32_t id, uint64_t pc) = 0;
    virtual void write_sysreg(CpuState& s, uint32_t id, uint64_t value, uint64_t pc) = 0;
};

inline SystemHooks* system_hooks(const CpuState& s) { return static_cast<SystemHooks*>(s.system); }

}  // namespace ferry
