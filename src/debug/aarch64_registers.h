// The AArch64 registers both programs show a debugger, in gdb's aarch64
// numbering: x0..x30, sp, pc, cpsr (org.gnu.gdb.aarch64.core), v0..v31,
// fpsr, fpcr (org.gnu.gdb.aarch64.fpu). Programs may append more.
#pragma once
#include <cstdint>
#include <vector>

#include "core/cpu_state.h"
#include "debug/debug_target.h"

namespace ferry::debug {

namespace aarch64_regnum {
inline constexpr unsigned X0 = 0;
inline constexpr unsigned Sp = 31;
inline constexpr unsigned Pc = 32;
inline constexpr unsigned Cpsr = 33;
inline constexpr unsigned V0 = 34;
inline constexpr unsigned Fpsr = 66;
inline constexpr unsigned Fpcr = 67;
inline constexpr unsigned Count = 68;
}  // namespace aarch64_regnum

std::vector<RegisterInfo> aarch64_registers();

// Little-endian bytes of register regnum; false if regnum is not one of aarch64_registers().
bool read_aarch64_register(const CpuState& s, unsigned regnum, std::vector<uint8_t>& out);
// false if regnum is unknown or `in` is not the register's size. cpsr writes
// change NZCV and DAIF only: the debugger cannot change EL or SPSel.
bool write_aarch64_register(CpuState& s, unsigned regnum, const std::vector<uint8_t>& in);

}  // namespace ferry::debug
