// The system registers of one core that are plain storage (sysregs.inc), and
// the ids of every register the CPU side names.
#pragma once
#include <cstdint>

#include "ir/cpu_features.h"

namespace ferry::system {

struct SysRegs {
    // Banked by exception level: index 1..3 (0 unused).
    uint64_t sctlr[4] = {}, actlr[4] = {}, tcr[4] = {}, ttbr0[4] = {}, mair[4] = {}, amair[4] = {};
    uint64_t vbar[4] = {}, esr[4] = {}, far[4] = {}, elr[4] = {}, spsr[4] = {}, tpidr[4] = {};
    uint64_t afsr0[4] = {}, afsr1[4] = {};
    uint64_t ttbr1_el1 = 0, cpacr_el1 = 0, contextidr_el1 = 0, par_el1 = 0, cntkctl_el1 = 0, csselr_el1 = 0;
    uint64_t mdccint_el1 = 0, mdscr_el1 = 0, osdlr_el1 = 0, dbgprcr_el1 = 0, dbgclaim_el1 = 0;
    uint64_t vpidr_el2 = 0, vmpidr_el2 = 0, hcr_el2 = 0, mdcr_el2 = 0, cptr_el2 = 0, hstr_el2 = 0, hacr_el2 = 0;
    uint64_t vttbr_el2 = 0, vtcr_el2 = 0, hpfar_el2 = 0, cnthctl_el2 = 0;
    uint64_t scr_el3 = 0, cptr_el3 = 0, mdcr_el3 = 0;
    uint64_t cntfrq = cpu::kCounterFrequency;
};

namespace reg {
#define SYSREG(name, op0, op1, crn, crm, op2, el, field, effect) \
    inline constexpr uint32_t name = cpu::sysreg_id(op0, op1, crn, crm, op2);
#include "system/cpu/sysregs.inc"
#undef SYSREG
}  // namespace reg

// Register bits the CPU acts on.
namespace bits {
inline constexpr uint64_t SCTLR_M = 1u << 0, SCTLR_A = 1u << 1, SCTLR_SA = 1u << 3, SCTLR_UMA = 1u << 9;
inline constexpr uint64_t SCTLR_DZE = 1u << 14, SCTLR_UCT = 1u << 15, SCTLR_NTWI = 1u << 16, SCTLR_NTWE = 1u << 18;
inline constexpr uint64_t SCTLR_WXN = 1u << 19, SCTLR_UCI = 1u << 26;
inline constexpr uint64_t HCR_FMO = 1u << 3, HCR_IMO = 1u << 4, HCR_AMO = 1u << 5, HCR_TSC = 1u << 19;
inline constexpr uint64_t HCR_TGE = 1u << 27, HCR_RW = 1u << 31, HCR_HCD = uint64_t{1} << 29;
inline constexpr uint64_t SCR_NS = 1u << 0, SCR_IRQ = 1u << 1, SCR_FIQ = 1u << 2, SCR_EA = 1u << 3;
inline constexpr uint64_t SCR_SMD = 1u << 7, SCR_HCE = 1u << 8, SCR_RW = 1u << 10;
inline constexpr uint64_t CNTKCTL_EL0PCTEN = 1u << 0, CNTKCTL_EL0VCTEN = 1u << 1;
inline constexpr uint64_t CNTKCTL_EL0VTEN = 1u << 8, CNTKCTL_EL0PTEN = 1u << 9;
}  // namespace bits

// Reset values with the RES1 bits set and the MMU and caches off.
inline constexpr uint64_t kSctlrEl1Reset = 0x30d00800;
inline constexpr uint64_t kSctlrEl23Reset = 0x30c50830;

}  // namespace ferry::system
