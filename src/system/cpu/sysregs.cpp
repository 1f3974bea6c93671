// MRS, MSR and SYS in system mode (the SystemHooks behind ReadSysReg and
// WriteSysReg): access checks per EL as the Arm ARM gives them (UNDEF below
// the register's EL; EL0 accesses that SCTLR_EL1 or CNTKCTL_EL1 disable trap
// to EL1 with EC 0x18), plain storage from sysregs.inc, and the registers
// with behaviour: identification, PSTATE fields, banked SPs, the generic
// timer, TLB and cache maintenance, address translation.
#include <cinttypes>
#include <cstdio>
#include <string>

#include "common/log.h"
#include "system/cpu/cpu_context.h"
#include "system/cpu/exceptions.h"

namespace ferry::system {

namespace {

struct RegId {
    unsigned op0, op1, crn, crm, op2;
    explicit RegId(uint32_t id)
        : op0(id >> 14 & 3), op1(id >> 11 & 7), crn(id >> 7 & 15), crm(id >> 3 & 15), op2(id & 7) {}
};

constexpr uint32_t id(unsigned op0, unsigned op1, unsigned crn, unsigned crm, unsigned op2) {
    return cpu::sysreg_id(op0, op1, crn, crm, op2);
}

// Registers with behaviour (the plain ones are in reg::).
namespace special {
inline constexpr uint32_t CCSIDR_EL1 = id(3, 1, 0, 0, 0), CLIDR_EL1 = id(3, 1, 0, 0, 1), AIDR_EL1 = id(3, 1, 0, 0, 7);
inline constexpr uint32_t SPSel = id(3, 0, 4, 2, 0), CurrentEL = id(3, 0, 4, 2, 2), DAIF = id(3, 3, 4, 2, 1);
inline constexpr uint32_t SP_EL0 = id(3, 0, 4, 1, 0), SP_EL1 = id(3, 4, 4, 1, 0), SP_EL2 = id(3, 6, 4, 1, 0);
inline constexpr uint32_t ISR_EL1 = id(3, 0, 12, 1, 0);
inline constexpr uint32_t MDRAR_EL1 = id(2, 0, 1, 0, 0), OSLAR_EL1 = id(2, 0, 1, 0, 4), OSLSR_EL1 = id(2, 0, 1, 1, 4);
inline constexpr uint32_t DBGCLAIMCLR_EL1 = id(2, 0, 7, 9, 6), DBGAUTHSTATUS_EL1 = id(2, 0, 7, 14, 6);
inline constexpr uint32_t CNTVOFF_EL2 = id(3, 4, 14, 0, 3);
// MSR (immediate) PSTATE fields: id(0, op1, 4, 0, op2).
inline constexpr uint32_t MSR_SPSel = id(0, 0, 4, 0, 5), MSR_DAIFSet = id(0, 3, 4, 0, 6), MSR_DAIFClr = id(0, 3, 4, 0, 7);
}  // namespace special

namespace reg_el0 = cpu::sysreg;

enum class Effect { Plain, Mmu };

struct PlainRegister {
    uint64_t* value;
    unsigned el;
    Effect effect;
};

std::optional<PlainRegister> plain_register(SysRegs& r, uint32_t reg_id) {
    switch (reg_id) {
#define SYSREG(name, op0, op1, crn, crm, op2, el, field, effect) \
    case reg::name: return PlainRegister{&r.field, el, Effect::effect};
#include "system/cpu/sysregs.inc"
#undef SYSREG
    }
    return std::nullopt;
}

// The generic timer registers: which timer, which view, who may access them.
struct TimerRegister {
    TimerOutput timer;
    enum View { Tval, Ctl, Cval } view;
    unsigned el;               // lowest EL (EL0 subject to CNTKCTL_EL1)
    uint64_t el0_enable = 0;   // the CNTKCTL_EL1 bit that opens it to EL0
};

std::optional<TimerRegister> timer_register(const RegId& r) {
    if (r.op0 != 3 || r.crn != 14 || r.op2 > 2) return std::nullopt;
    const auto view = static_cast<TimerRegister::View>(r.op2);
    if (r.op1 == 3 && r.crm == 2) return TimerRegister{TimerOutput::El1Physical, view, 0, bits::CNTKCTL_EL0PTEN};
    if (r.op1 == 3 && r.crm == 3) return TimerRegister{TimerOutput::El1Virtual, view, 0, bits::CNTKCTL_EL0VTEN};
    if (r.op1 == 4 && r.crm == 2) return TimerRegister{TimerOutput::El2Physical, view, 2};
    if (r.op1 == 7 && r.crm == 2) return TimerRegister{TimerOutput::SecurePhysical, view, 3};
    return std::nullopt;
}

// Breakpoint and watchpoint registers DBG{B,W}{V,C}Rn_EL1: read as zero,
// writes ignored (no debug events).
bool is_debug_point_register(const RegId& r) { return r.op0 == 2 && r.op1 == 0 && r.crn == 0 && r.op2 >= 4; }

// The GICv3 CPU interface registers: ICC_* (and ICH_* at EL2), CRn = 12, CRm >= 8,
// and ICC_PMR_EL1 (S3_0_C4_C6_0).
bool is_gic_register(const RegId& r) {
    return r.op0 == 3 && ((r.crn == 12 && r.crm >= 8) || (r.op1 == 0 && r.crn == 4 && r.crm == 6 && r.op2 == 0));
}

const char* plain_register_name(uint32_t reg_id) {
    switch (reg_id) {
#define SYSREG(name, op0, op1, crn, crm, op2, el, field, effect) \
    case reg::name: return #name;
#include "system/cpu/sysregs.inc"
#undef SYSREG
    }
    return "?";
}

// -d mmu: a write to a translation register; says when an SCTLR turns the MMU on or off.
void log_translation_register_write(uint32_t reg_id, uint64_t old_value, uint64_t value) {
    if (!log::enabled(log::Mmu)) return;
    const bool is_sctlr = reg_id == reg::SCTLR_EL1 || reg_id == reg::SCTLR_EL2 || reg_id == reg::SCTLR_EL3;
    const uint64_t m_changed = (old_value ^ value) & bits::SCTLR_M;
    const char* note = !is_sctlr || !m_changed ? "" : (value & bits::SCTLR_M) ? " (MMU enabled)" : " (MMU disabled)";
    log::printf("mmu: %s = 0x%" PRIx64 "%s\n", plain_register_name(reg_id), value, note);
}

// Sop0_op1_Cn_Cm_op2: the Arm ARM's generic name of a register or SYS operation.
std::string generic_name(uint32_t reg_id) {
    const RegId r(reg_id);
    char name[32];
    snprintf(name, sizeof name, "S%u_%u_C%u_C%u_%u", r.op0, r.op1, r.crn, r.crm, r.op2);
    return name;
}

// -d mmu: a TLB invalidation, its scope and its operand.
void log_tlbi(uint32_t reg_id, const char* scope, uint64_t operand) {
    if (!log::enabled(log::Mmu)) return;  // before formatting the name: Linux issues TLBIs by the thousand
    log::printf("mmu: TLBI %s %s 0x%" PRIx64 "\n", generic_name(reg_id).c_str(), scope, operand);
}

// The lowest EL of a register by its op1 (Arm ARM C5.3).
unsigned el_of_op1(unsigned op1) { return op1 == 3 ? 0 : op1 == 4 || op1 == 5 ? 2 : op1 == 6 ? 3 : 1; }

}  // namespace

void CpuContext::raise_undefined(uint64_t pc) { raise({ExceptionClass::Unknown, 0, {}}, ExitReason::Undefined, pc); }

void CpuContext::unimplemented(uint32_t reg_id, bool read, uint64_t pc) {
    if (config.log_unimplemented || log::enabled(log::Unimp)) {
        const bool operation = (reg_id >> 14) == 1;
        log::printf("unimplemented system register %s %s at pc 0x%" PRIx64 " (EL%u)\n",
                    read ? "read" : operation ? "operation" : "write", generic_name(reg_id).c_str(), pc, el());
    }
    raise_undefined(pc);
}

// EC 0x18: ISS = Op0, Op2, Op1, CRn, Rt, CRm, direction (1 = read).
void CpuContext::trap_to_el1(uint32_t reg_id, bool read, uint64_t pc) {
    const RegId r(reg_id);
    uint32_t word = 0;
    fetch(pc, word);  // it is running, so it can be fetched; only Rt is needed
    const uint32_t rt = word & 31;
    const uint32_t iss = (r.op0 << 20) | (r.op2 << 17) | (r.op1 << 14) | (r.crn << 10) | (rt << 5) | (r.crm << 1) |
                         (read ? 1u : 0u);
    raise({ExceptionClass::SysRegTrap, iss, {}}, ExitReason::Undefined, pc);
}

namespace {
// Raises UNDEF unless the current EL reaches min_el and min_el exists.
void require_el(CpuContext& c, unsigned min_el, uint64_t pc) {
    if (c.el() < min_el || !c.el_implemented(min_el)) c.raise_undefined(pc);
}
}  // namespace

// ---- Reads -----------------------------------------------------------------------

std::optional<uint64_t> CpuContext::read_special(uint32_t reg_id, uint64_t pc) {
    const RegId r(reg_id);
    const bool at_el0 = el() == 0;
    const uint64_t sctlr1 = regs.sctlr[1], cntkctl = regs.cntkctl_el1;
    auto el0_trap_unless = [&](bool enabled) {
        if (at_el0 && !enabled) trap_to_el1(reg_id, true, pc);
    };
    // Identification: EL1 and up. EL1 under EL2 sees the virtualized MIDR/MPIDR.
    if (r.op0 == 3 && r.op1 == 0 && r.crn == 0) {
        require_el(*this, 1, pc);
        const bool virtualized = el() == 1 && config.has_el2;
        if (r.crm == 0) {
            switch (r.op2) {
            case 0: return virtualized ? regs.vpidr_el2 : ids.midr;
            case 5: return virtualized ? regs.vmpidr_el2 : ids.mpidr;
            case 6: return ids.revidr;
            }
            return std::nullopt;
        }
        switch (reg_id) {
        case reg_el0::ID_AA64PFR0_EL1: return ids.pfr0;
        case reg_el0::ID_AA64PFR1_EL1: return ids.pfr1;
        case reg_el0::ID_AA64DFR0_EL1: return ids.dfr0;
        case reg_el0::ID_AA64ISAR0_EL1: return ids.isar0;
        case reg_el0::ID_AA64ISAR1_EL1: return ids.isar1;
        case reg_el0::ID_AA64MMFR0_EL1: return ids.mmfr0;
        case reg_el0::ID_AA64MMFR1_EL1: return ids.mmfr1;
        case reg_el0::ID_AA64MMFR2_EL1: return ids.mmfr2;
        }
        return 0;  // the rest of the ID space (AArch32 and reserved) reads as zero
    }
    if (const auto t = timer_register(r)) {
        require_el(*this, t->el, pc);
        el0_trap_unless(cntkctl & t->el0_enable);
        switch (t->view) {
        case TimerRegister::Tval: return timer.tval(t->timer);
        case TimerRegister::Ctl: return timer.ctl(t->timer);
        case TimerRegister::Cval: return timer.cval(t->timer);
        }
    }
    if (is_debug_point_register(r)) {
        require_el(*this, 1, pc);
        return 0;
    }
    if (is_gic_register(r)) {
        require_el(*this, el_of_op1(r.op1), pc);
        uint64_t value = 0;
        if (config.gic_v3 && callbacks.gic_sysreg_read && callbacks.gic_sysreg_read(reg_id, value)) return value;
        return std::nullopt;
    }
    switch (reg_id) {
    case special::CCSIDR_EL1: {
        require_el(*this, 1, pc);
        switch (regs.csselr_el1 & 0xf) {  // Level:InD
        case 0b0000: return ids.ccsidr_l1d;
        case 0b0001: return ids.ccsidr_l1i;
        case 0b0010: return ids.ccsidr_l2;
        }
        return 0;
    }
    case special::CLIDR_EL1: require_el(*this, 1, pc); return ids.clidr;
    case special::AIDR_EL1: require_el(*this, 1, pc); return ids.aidr;
    case reg_el0::CTR_EL0: el0_trap_unless(sctlr1 & bits::SCTLR_UCT); return ids.ctr;
    case reg_el0::DCZID_EL0: {
        const bool prohibited = at_el0 && !(sctlr1 & bits::SCTLR_DZE);
        return ids.dczid | (prohibited ? 1u << 4 : 0);
    }
    case reg_el0::TPIDRRO_EL0: return state.tpidrro_el0;
    case special::CurrentEL: require_el(*this, 1, pc); return uint64_t{el()} << 2;
    case special::SPSel: require_el(*this, 1, pc); return state.pstate & pstate::SPSel;
    case special::DAIF: el0_trap_unless(sctlr1 & bits::SCTLR_UMA); return state.pstate & pstate::DAIF;
    case special::SP_EL0:
        require_el(*this, 1, pc);
        if (!(state.pstate & pstate::SPSel)) raise_undefined(pc);  // it is the current SP
        return state.sp_el[0];
    case special::SP_EL1: require_el(*this, 2, pc); return state.sp_el[1];
    case special::SP_EL2: require_el(*this, 3, pc); return state.sp_el[2];
    case special::ISR_EL1: {
        require_el(*this, 1, pc);
        const uint32_t l = lines.load();
        auto line = [&](CpuLine which) { return (l >> static_cast<unsigned>(which)) & 1; };
        return (uint64_t{line(CpuLine::SError)} << 8) | (uint64_t{line(CpuLine::Irq)} << 7) |
               (uint64_t{line(CpuLine::Fiq)} << 6);
    }
    case special::OSLSR_EL1: require_el(*this, 1, pc); return 0b1000 | (os_lock ? 0b10 : 0);  // OSLM = 0b10
    case special::MDRAR_EL1:
    case special::DBGAUTHSTATUS_EL1: require_el(*this, 1, pc); return 0;
    case special::DBGCLAIMCLR_EL1: require_el(*this, 1, pc); return regs.dbgclaim_el1;
    case reg_el0::CNTFRQ_EL0:
        el0_trap_unless(cntkctl & (bits::CNTKCTL_EL0PCTEN | bits::CNTKCTL_EL0VCTEN));
        return regs.cntfrq;
    case reg_el0::CNTPCT_EL0: el0_trap_unless(cntkctl & bits::CNTKCTL_EL0PCTEN); return timer.physical_count();
    case reg_el0::CNTVCT_EL0: el0_trap_unless(cntkctl & bits::CNTKCTL_EL0VCTEN); return timer.virtual_count();
    case special::CNTVOFF_EL2: require_el(*this, 2, pc); return timer.cntvoff();
    }
    return std::nullopt;
}

uint64_t CpuContext::read_sysreg(CpuState&, uint32_t reg_id, uint64_t pc) {
    if (const auto value = read_special(reg_id, pc)) return *value;
    if (const auto r = plain_register(regs, reg_id)) {
        require_el(*this, r->el, pc);
        return *r->value;
    }
    unimplemented(reg_id, true, pc);
}

// ---- Writes ----------------------------------------------------------------------

// An unmasked interrupt is taken at the next block boundary, which exit_request
// brings about. A line asserted later requests the exit itself, so only one
// already pending needs it here: Linux masks and unmasks around every lock,
// and leaving translated code each time cost a full run-loop round trip.
void CpuContext::exit_if_interrupt_pending() {
    if (interrupt_pending(*this)) request_exit();
}

bool CpuContext::write_pstate_field(uint32_t reg_id, uint64_t imm, uint64_t pc) {
    const uint32_t daif_bits = static_cast<uint32_t>(imm & 0xf) << 6;
    switch (reg_id) {
    case special::MSR_SPSel:
        require_el(*this, 1, pc);
        set_el_and_spsel(el(), imm & 1);
        return true;
    case special::MSR_DAIFSet:
    case special::MSR_DAIFClr:
        if (el() == 0 && !(regs.sctlr[1] & bits::SCTLR_UMA)) trap_to_el1(reg_id, false, pc);
        if (reg_id == special::MSR_DAIFSet) {
            state.pstate |= daif_bits;
        } else {
            state.pstate &= ~daif_bits;
            exit_if_interrupt_pending();
        }
        return true;
    }
    return false;
}

bool CpuContext::write_special(uint32_t reg_id, uint64_t value, uint64_t pc) {
    const RegId r(reg_id);
    if (const auto t = timer_register(r)) {
        require_el(*this, t->el, pc);
        if (el() == 0 && !(regs.cntkctl_el1 & t->el0_enable)) trap_to_el1(reg_id, false, pc);
        switch (t->view) {
        case TimerRegister::Tval: timer.set_tval(t->timer, value); break;
        case TimerRegister::Ctl: timer.set_ctl(t->timer, value); break;
        case TimerRegister::Cval: timer.set_cval(t->timer, value); break;
        }
        request_exit();  // the run loop re-arms its alarm for the new deadline
        return true;
    }
    if (is_debug_point_register(r)) {
        require_el(*this, 1, pc);
        return true;
    }
    if (is_gic_register(r)) {
        require_el(*this, el_of_op1(r.op1), pc);
        if (!config.gic_v3 || !callbacks.gic_sysreg_write || !callbacks.gic_sysreg_write(reg_id, value)) return false;
        request_exit();  // e.g. an EOI or a new priority mask may let an interrupt in
        return true;
    }
    switch (reg_id) {
    case special::SPSel: require_el(*this, 1, pc); set_el_and_spsel(el(), value & 1); return true;
    case special::DAIF:
        if (el() == 0 && !(regs.sctlr[1] & bits::SCTLR_UMA)) trap_to_el1(reg_id, false, pc);
        state.pstate = (state.pstate & ~pstate::DAIF) | (static_cast<uint32_t>(value) & pstate::DAIF);
        exit_if_interrupt_pending();
        return true;
    case special::SP_EL0:
        require_el(*this, 1, pc);
        if (!(state.pstate & pstate::SPSel)) raise_undefined(pc);
        state.sp_el[0] = value;
        return true;
    case special::SP_EL1: require_el(*this, 2, pc); state.sp_el[1] = value; return true;
    case special::SP_EL2: require_el(*this, 3, pc); state.sp_el[2] = value; return true;
    case reg_el0::TPIDRRO_EL0: require_el(*this, 1, pc); state.tpidrro_el0 = value; return true;
    case special::OSLAR_EL1: require_el(*this, 1, pc); os_lock = value & 1; return true;
    case reg::DBGCLAIMSET_EL1: require_el(*this, 1, pc); regs.dbgclaim_el1 |= value & 0xff; return true;
    case special::DBGCLAIMCLR_EL1: require_el(*this, 1, pc); regs.dbgclaim_el1 &= ~value; return true;
    case reg_el0::CNTFRQ_EL0: require_el(*this, highest_el(), pc); regs.cntfrq = value & 0xffffffff; return true;
    case special::CNTVOFF_EL2: require_el(*this, 2, pc); timer.set_cntvoff(value); request_exit(); return true;
    }
    return false;
}

// ---- SYS operations ----------------------------------------------------------------

namespace {
constexpr uint64_t ones(unsigned n) { return n >= 64 ? ~uint64_t{0} : (uint64_t{1} << n) - 1; }
constexpr uint64_t kCodeInvalidateSpan = 0x10000;  // the largest granule
constexpr uint64_t kCacheLine = 64;

bool is_tlbi(const RegId& r) {
    if (r.op0 != 1 || r.crn != 8) return false;
    const bool broadcast_or_local = r.crm == 3 || r.crm == 7;
    switch (r.op1) {
    case 0: return broadcast_or_local && r.op2 != 4 && r.op2 != 6;
    case 4: return (broadcast_or_local && (r.op2 <= 1 || (r.op2 >= 4 && r.op2 <= 6))) ||
                   ((r.crm == 0 || r.crm == 4) && (r.op2 == 1 || r.op2 == 5));  // IPAS2(L)E1(IS)
    case 6: return broadcast_or_local && (r.op2 == 0 || r.op2 == 1 || r.op2 == 5);
    }
    return false;
}

bool tlbi_by_va(const RegId& r) {
    if (r.op1 == 0) return r.op2 & 1;  // VAE1, VAAE1, VALE1, VAALE1
    return r.op2 == 1 || r.op2 == 5;   // VAE2/3, VALE2/3 (and IPAS2 forms, filtered earlier)
}

bool is_stage2_only(const RegId& r) { return r.op1 == 4 && (r.crm == 0 || r.crm == 4); }

bool tlbi_by_asid(const RegId& r) { return r.op1 == 0 && r.op2 == 2; }  // ASIDE1(IS)
}  // namespace

void CpuContext::tlb_invalidate(uint32_t reg_id, uint64_t value) {
    const RegId r(reg_id);
    if (is_stage2_only(r)) {
        log_tlbi(reg_id, "stage 2 only, nothing cached: Xt", value);
        return;  // no stage 2 translation is cached
    }
    if (tlbi_by_asid(r)) {
        log_tlbi(reg_id, "by ASID: Xt", value);
        // Xt[63:48] = ASID (its low 8 bits with 8-bit ASIDs). Global
        // (upper-range) code is not keyed by ASID and stays.
        const bool asid16 = (regs.tcr[1] >> 36) & 1;
        mmu.flush_all();
        invalidate_asid_code(static_cast<uint16_t>(value >> 48) & (asid16 ? 0xffff : 0xff));
        return;
    }
    if (!tlbi_by_va(r)) {
        log_tlbi(reg_id, "all: Xt", value);
        mmu.flush_all();
        invalidate_code_for_full_tlbi();
        return;
    }
    // Xt[43:0] = VA[55:12]; VA[63:56] follow bit 55.
    const uint64_t page = (value & ones(44)) << 12;
    const uint64_t va = (page & (uint64_t{1} << 55)) ? page | ~ones(56) : page;
    log_tlbi(reg_id, "by VA", va);
    mmu.flush_page(va);
    const uint64_t span = va & ~(kCodeInvalidateSpan - 1);
    invalidate_code(span, span + kCodeInvalidateSpan);
}

// AT S1E{0,1,2,3}{R,W}, S12E{0,1}{R,W}: the stage 1 walk's result in PAR_EL1.
void CpuContext::address_translate(uint32_t reg_id, uint64_t va) {
    const RegId r(reg_id);
    const unsigned target_el = r.op1 == 6 ? 3 : r.op1 == 4 && r.op2 < 4 ? 2 : (r.op2 & 2) ? 0 : 1;
    const Access access = (r.op2 & 1) ? Access::Write : Access::Read;
    const WalkResult w = mmu.walk(va, target_el);
    const uint8_t fault = w.ok() ? Mmu::permission_fault(w.mapping, access) : w.fault;
    constexpr uint64_t kParRes1 = 1u << 11, kParFault = 1;
    if (fault)
        regs.par_el1 = kParRes1 | (uint64_t{fault} << 1) | kParFault;
    else
        regs.par_el1 = kParRes1 | (uint64_t{w.mapping.attr} << 56) | (w.mapping.pa & ones(48) & ~ones(12));
    if (log::enabled(log::Mmu))
        log::printf("mmu: AT %s VA 0x%" PRIx64 " at EL%u: %s, PAR_EL1 0x%" PRIx64 "\n", generic_name(reg_id).c_str(), va,
                    target_el, fault ? "faults" : "translated", regs.par_el1);
}

bool CpuContext::system_operation(uint32_t reg_id, uint64_t value, uint64_t pc) {
    const RegId r(reg_id);
    if (is_tlbi(r)) {
        require_el(*this, el_of_op1(r.op1), pc);
        tlb_invalidate(reg_id, value);
        return true;
    }
    if (r.crn != 7) return false;
    const bool el0_cache_ops = regs.sctlr[1] & bits::SCTLR_UCI;
    auto el0_maintenance = [&] {
        if (el() == 0 && !el0_cache_ops) trap_to_el1(reg_id, false, pc);
    };
    switch (reg_id) {
    // Instruction cache maintenance: a write to a page holding translated code
    // already dropped that code (memory.cpp), so IC IALLU has nothing to do;
    // IC IVAU still drops the blocks at its VA (ignored where none were made).
    case id(1, 0, 7, 1, 0):  // IC IALLUIS
    case id(1, 0, 7, 5, 0):  // IC IALLU
        require_el(*this, 1, pc);
        return true;
    case id(1, 3, 7, 5, 1):  // IC IVAU
        el0_maintenance();
        invalidate_code(value & ~(kCacheLine - 1), (value & ~(kCacheLine - 1)) + kCacheLine);
        return true;
    // Data cache maintenance: memory is coherent, nothing to do.
    case id(1, 0, 7, 6, 1):  // DC IVAC
    case id(1, 0, 7, 6, 2):  // DC ISW
    case id(1, 0, 7, 10, 2):  // DC CSW
    case id(1, 0, 7, 14, 2):  // DC CISW
        require_el(*this, 1, pc);
        return true;
    case id(1, 3, 7, 10, 1):  // DC CVAC
    case id(1, 3, 7, 11, 1):  // DC CVAU
    case id(1, 3, 7, 12, 1):  // DC CVAP
    case id(1, 3, 7, 14, 1):  // DC CIVAC
        el0_maintenance();
        return true;
    }
    if (r.crm == 8 && (r.op1 == 0 ? r.op2 <= 3 : r.op1 == 4 ? r.op2 != 2 && r.op2 != 3 : r.op1 == 6 && r.op2 <= 1)) {
        require_el(*this, r.op1 == 0 ? 1 : el_of_op1(r.op1), pc);
        address_translate(reg_id, value);
        return true;
    }
    return false;
}

void CpuContext::write_sysreg(CpuState&, uint32_t reg_id, uint64_t value, uint64_t pc) {
    const unsigned op0 = reg_id >> 14;
    const bool done = op0 == 0   ? write_pstate_field(reg_id, value, pc)
                      : op0 == 1 ? system_operation(reg_id, value, pc)
                                 : write_special(reg_id, value, pc);
    if (done) return;
    if (const auto r = op0 >= 2 ? plain_register(regs, reg_id) : std::nullopt) {
        require_el(*this, r->el, pc);
        const uint64_t old_value = *r->value;
        *r->value = value;
        if (r->effect == Effect::Mmu) {
            log_translation_register_write(reg_id, old_value, value);
            mapping_changed();
        }
        return;
    }
    unimplemented(reg_id, false, pc);
}

}  // namespace ferry::system
