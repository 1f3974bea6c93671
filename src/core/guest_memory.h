// Guest memory as seen by the reference semantics and helpers.
//
// User mode: the guest's address space is a reserved host range; guest
// address g is at host guest_base + (g & guest_mask). The mask keeps every
// access inside the reservation (and implements top-byte-ignore for free);
// unmapped guest pages are PROT_NONE there, so a bad access is a host SIGSEGV
// that the fault handler turns into a guest fault at CpuState::fault_pc.
#pragma once
#include <cstdint>
#include <cstring>

#include "core/cpu_state.h"

namespace ferry {

inline uint8_t* guest_host_ptr(const CpuState& s, uint64_t addr) {
    return reinterpret_cast<uint8_t*>(s.guest_base + (addr & s.guest_mask));
}

template <typename T>
T guest_read(CpuState& s, uint64_t addr, uint64_t pc) {
    s.fault_pc = pc;
    T v;
    std::memcpy(&v, guest_host_ptr(s, addr), sizeof v);
    return v;
}

template <typename T>
void guest_write(CpuState& s, uint64_t addr, T v, uint64_t pc) {
    s.fault_pc = pc;
    std::memcpy(guest_host_ptr(s, addr), &v, sizeof v);
}

}  // namespace ferry
