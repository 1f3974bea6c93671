// Reference semantics of MRS/MSR for the system registers without a
// dedicated opcode, as a Linux process at EL0 sees them: the EL0 cache,
// DC ZVA and timer registers, TPIDRRO_EL0, and the ID registers that Linux
// emulates for EL0 (HWCAP_CPUID). Everything else is UNDEF.
#include <ctime>
#include <optional>

#include "core/fault.h"
#include "core/system_hooks.h"
#include "ir/cpu_features.h"
#include "ir/semantics.h"

namespace ferry::ir {

// The generic timer's count: host CLOCK_MONOTONIC at 62.5 MHz (16 ns a tick).
uint64_t generic_timer_count() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    const uint64_t ns = static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000 + static_cast<uint64_t>(ts.tv_nsec);
    static_assert(1'000'000'000 % cpu::kCounterFrequency == 0);
    return ns / (1'000'000'000 / cpu::kCounterFrequency);
}

namespace sem {

namespace {

using namespace cpu::sysreg;

// Linux emulates MRS of op0=3, op1=0, CRn=0 for CRm = 0 (MIDR, MPIDR, REVIDR
// only) and CRm = 2..7, where registers it does not track read as zero.
std::optional<uint64_t> read_id_register(uint32_t id) {
    switch (id) {
    case MIDR_EL1: return cpu::kMidr;
    case MPIDR_EL1: return cpu::kMpidr;
    case REVIDR_EL1: return cpu::kRevidr;
    case ID_AA64PFR0_EL1: return cpu::kIdAa64Pfr0;
    case ID_AA64PFR1_EL1: return cpu::kIdAa64Pfr1;
    case ID_AA64DFR0_EL1: return cpu::kIdAa64Dfr0;
    case ID_AA64ISAR0_EL1: return cpu::kIdAa64Isar0;
    case ID_AA64ISAR1_EL1: return cpu::kIdAa64Isar1;
    case ID_AA64MMFR0_EL1: return cpu::kIdAa64Mmfr0;
    case ID_AA64MMFR1_EL1: return cpu::kIdAa64Mmfr1;
    case ID_AA64MMFR2_EL1: return cpu::kIdAa64Mmfr2;
    }
    const uint32_t id_space = cpu::sysreg_id(3, 0, 0, 0, 0), id_space_mask = cpu::sysreg_id(3, 7, 15, 0, 0);
    const unsigned crm = (id >> 3) & 15;
    if ((id & id_space_mask) == id_space && crm >= 2 && crm <= 7) return 0;
    return std::nullopt;
}

std::optional<uint64_t> read_el0_register(const CpuState& s, uint32_t id) {
    switch (id) {
    case CTR_EL0: return cpu::kCtr;
    case DCZID_EL0: return cpu::kDczid;
    case TPIDRRO_EL0: return s.tpidrro_el0;
    case CNTFRQ_EL0: return cpu::kCounterFrequency;
    case CNTPCT_EL0:
    case CNTVCT_EL0:
    case CNTPCTSS_EL0:
    case CNTVCTSS_EL0: return s.frozen_counter ? s.frozen_counter : generic_timer_count();
    }
    return read_id_register(id);
}

}  // namespace

// imm0 = register id, imm1 = guest pc of the MRS. System mode: the machine's registers.
Vec128 ReadSysReg(CpuState* s, const Vec128*, uint64_t imm0, uint64_t imm1, uint32_t) {
    if (SystemHooks* sys = system_hooks(*s)) return scalar(sys->read_sysreg(*s, static_cast<uint32_t>(imm0), imm1));
    if (const auto value = read_el0_register(*s, static_cast<uint32_t>(imm0))) return scalar(*value);
    raise_guest_fault(*s, ExitReason::Undefined, 0, imm1);
}

Vec128 ReadSpEl0(CpuState* s, const Vec128* a, uint64_t imm0, uint64_t imm1, uint32_t type) {
    if (s->pstate & pstate::SPSel) return scalar(s->sp_el[0]);
    return ReadSysReg(s, a, imm0, imm1, type);
}

// EL0 writes NZCV, FPCR, FPSR and TPIDR_EL0 through their own opcodes; no
// other register is writable there. System mode: the machine's registers.
Vec128 WriteSysReg(CpuState* s, const Vec128* a, uint64_t imm0, uint64_t imm1, uint32_t) {
    if (SystemHooks* sys = system_hooks(*s)) {
        sys->write_sysreg(*s, static_cast<uint32_t>(imm0), a[0].lo, imm1);
        return {};
    }
    raise_guest_fault(*s, ExitReason::Undefined, 0, imm1);
}

}  // namespace sem
}  // namespace ferry::ir
