#include "system/cpu/exceptions.h"

#include <cinttypes>

#include "common/log.h"

namespace ferry::system {

namespace {

constexpr uint32_t kEsrIl = 1u << 25;  // 32-bit instruction (RES1 for the classes without an instruction)
constexpr uint64_t kVectorLowerAArch64 = 0x400, kVectorCurrentSpx = 0x200, kVectorCurrentSp0 = 0x000;

// Aborts taken to a higher EL use the "from a lower EL" class.
uint32_t exception_class(ExceptionClass ec, bool from_lower_el) {
    const bool has_lower_variant = ec == ExceptionClass::InstructionAbort || ec == ExceptionClass::DataAbort;
    return static_cast<uint32_t>(ec) - (has_lower_variant && from_lower_el ? 1 : 0);
}

const char* exception_class_name(uint32_t ec) {
    switch (ec) {
    case 0x00: return "UNDEF";
    case 0x01: return "WFx";
    case 0x0e: return "ILLEGAL_STATE";
    case 0x15: return "SVC";
    case 0x16: return "HVC";
    case 0x17: return "SMC";
    case 0x18: return "SYSREG_TRAP";
    case 0x20: case 0x21: return "IABT";
    case 0x22: return "PC_ALIGNMENT";
    case 0x24: case 0x25: return "DABT";
    case 0x2f: return "SError";
    case 0x3c: return "BRK";
    default: return "?";
    }
}

const char* interrupt_name(ExceptionType type) {
    return type == ExceptionType::Irq ? "IRQ" : type == ExceptionType::Fiq ? "FIQ" : "SError";
}

// -d int: one line per exception, written once the target EL's registers hold it.
void log_exception_taken(const CpuContext& c, unsigned from, unsigned to, ExceptionType type, const Syndrome* syndrome) {
    const uint64_t elr = c.regs.elr[to], spsr = c.regs.spsr[to], vector = c.state.pc;
    if (syndrome) {
        const uint32_t esr = static_cast<uint32_t>(c.regs.esr[to]), ec = esr >> 26;
        log::printf("Taking exception 0x%x [%s] from EL%u to EL%u: ESR 0x%x FAR 0x%" PRIx64 " ELR 0x%" PRIx64
                    " SPSR 0x%" PRIx64 " (to vector 0x%" PRIx64 ")\n",
                    ec, type == ExceptionType::Synchronous ? exception_class_name(ec) : interrupt_name(type), from, to,
                    esr, syndrome->far.value_or(0), elr, spsr, vector);
    } else {
        log::printf("Taking exception [%s] from EL%u to EL%u: ELR 0x%" PRIx64 " SPSR 0x%" PRIx64
                    " (to vector 0x%" PRIx64 ")\n",
                    interrupt_name(type), from, to, elr, spsr, vector);
    }
}

}  // namespace

unsigned synchronous_target_el(const CpuContext& c) {
    if (c.el() > 0) return c.el();
    return c.config.has_el2 && (c.regs.hcr_el2 & bits::HCR_TGE) ? 2 : 1;
}

void take_exception(CpuContext& c, unsigned target_el, ExceptionType type, const Syndrome* syndrome,
                    uint64_t preferred_return) {
    CpuState& s = c.state;
    const unsigned from = c.el();
    const bool from_lower = from < target_el;
    const uint64_t base = from_lower ? kVectorLowerAArch64
                          : (s.pstate & pstate::SPSel) ? kVectorCurrentSpx
                                                       : kVectorCurrentSp0;
    c.regs.spsr[target_el] = s.nzcv | s.pstate;
    c.regs.elr[target_el] = preferred_return;
    if (syndrome) {
        c.regs.esr[target_el] = (exception_class(syndrome->ec, from_lower) << 26) | kEsrIl | syndrome->iss;
        if (syndrome->far) c.regs.far[target_el] = *syndrome->far;
    }
    c.set_el_and_spsel(target_el, true);
    s.pstate = (s.pstate & ~(pstate::IL | pstate::SS)) | pstate::DAIF;
    s.pc = c.regs.vbar[target_el] + base + static_cast<uint64_t>(type);
    s.exclusive_size = 0;
    if (log::enabled(log::Int)) log_exception_taken(c, from, target_el, type, syndrome);
}

namespace {

// AArch64.ExceptionReturn's checks: a return to an EL that is higher, not
// implemented, not AArch64, or otherwise not allowed is an illegal return.
bool illegal_return(const CpuContext& c, uint64_t spsr) {
    const unsigned from = c.el(), target = (spsr >> 2) & 3;
    const bool aarch32 = spsr & 0x10, el0_with_spx = target == 0 && (spsr & 1);
    if (aarch32 || el0_with_spx || target > from || !c.el_implemented(target)) return true;
    const uint64_t hcr = c.regs.hcr_el2, scr = c.regs.scr_el3;
    if (c.config.has_el2 && target == 1 && from > 1 && !(hcr & bits::HCR_RW)) return true;  // EL1 would be AArch32
    if (c.config.has_el2 && target == 1 && (hcr & bits::HCR_TGE)) return true;
    if (c.config.has_el3 && from == 3 && target < 3 && !(scr & bits::SCR_RW)) return true;
    if (c.config.has_el3 && target == 2 && !(scr & bits::SCR_NS)) return true;  // no Secure EL2 in ARMv8.0
    return false;
}

}  // namespace

void exception_return(CpuContext& c) {
    CpuState& s = c.state;
    c.event_register = true;  // an exception return is an event (WFE after ERET does not sleep)
    const unsigned from = c.el();
    const uint64_t spsr = c.regs.spsr[from];
    const auto spsr_daif = static_cast<uint32_t>(spsr) & pstate::DAIF;
    s.nzcv = static_cast<uint32_t>(spsr) & 0xf0000000u;
    if (illegal_return(c, spsr)) {
        // EL and SP stay; the next instruction takes an Illegal Execution State exception.
        s.pstate = (s.pstate & ~pstate::DAIF) | spsr_daif | pstate::IL;
        log::printf_if(log::Int, "Illegal exception return from EL%u (SPSR 0x%" PRIx64 ") at 0x%" PRIx64 "\n", from,
                       spsr, c.regs.elr[from]);
    } else {
        c.set_el_and_spsel((spsr >> 2) & 3, spsr & 1);
        s.pstate = (s.pstate & ~(pstate::DAIF | pstate::IL | pstate::SS)) | spsr_daif |
                   (static_cast<uint32_t>(spsr) & pstate::IL);
        log::printf_if(log::Int, "Exception return from EL%u to EL%u at 0x%" PRIx64 "\n", from, c.el(),
                       c.regs.elr[from]);
    }
    s.pc = c.regs.elr[from];
    s.exclusive_size = 0;
}

// ---- Interrupts ------------------------------------------------------------------

namespace {

struct InterruptKind {
    CpuLine line;
    uint32_t mask;        // PSTATE bit
    uint64_t hcr_route;   // HCR_EL2 bit routing it to EL2
    uint64_t scr_route;   // SCR_EL3 bit routing it to EL3
    ExceptionType type;
};

// Highest priority first (the order is IMPLEMENTATION DEFINED).
constexpr InterruptKind kPhysical[] = {
    {CpuLine::SError, pstate::A, bits::HCR_AMO, bits::SCR_EA, ExceptionType::SError},
    {CpuLine::Fiq, pstate::F, bits::HCR_FMO, bits::SCR_FIQ, ExceptionType::Fiq},
    {CpuLine::Irq, pstate::I, bits::HCR_IMO, bits::SCR_IRQ, ExceptionType::Irq},
};
constexpr InterruptKind kVirtual[] = {
    {CpuLine::VFiq, pstate::F, bits::HCR_FMO, 0, ExceptionType::Fiq},
    {CpuLine::VIrq, pstate::I, bits::HCR_IMO, 0, ExceptionType::Irq},
};
constexpr uint64_t kHcrVF = 1u << 6, kHcrVI = 1u << 7;

bool line_high(const CpuContext& c, CpuLine line) { return (c.lines.load() >> static_cast<unsigned>(line)) & 1; }

unsigned physical_target(const CpuContext& c, const InterruptKind& k) {
    if (c.config.has_el3 && (c.regs.scr_el3 & k.scr_route)) return 3;
    if (c.config.has_el2 && (c.regs.hcr_el2 & (k.hcr_route | bits::HCR_TGE))) return 2;
    return 1;
}

// PSTATE masks an interrupt for its own EL (and EL1's from EL0); one routed to
// a higher EL is taken whatever the mask, one for a lower EL waits.
bool masked(const CpuContext& c, unsigned target, uint32_t mask) {
    const unsigned el = c.el();
    if (target < el) return true;
    const bool masked_by_pstate = target == el || (target == 1 && el == 0);
    return masked_by_pstate && (c.state.pstate & mask);
}

void take_interrupt(CpuContext& c, unsigned target, const InterruptKind& k) {
    const Syndrome serror{ExceptionClass::SError, 0, {}};
    take_exception(c, target, k.type, k.type == ExceptionType::SError ? &serror : nullptr, c.state.pc);
}

}  // namespace

bool take_pending_interrupt(CpuContext& c) {
    for (const InterruptKind& k : kPhysical) {
        if (!line_high(c, k.line)) continue;
        const unsigned target = physical_target(c, k);
        if (masked(c, target, k.mask)) continue;
        take_interrupt(c, target, k);
        return true;
    }
    // Virtual interrupts reach EL1 and EL0 when EL2 routes the physical ones to itself.
    const uint64_t hcr = c.regs.hcr_el2;
    if (!c.config.has_el2 || c.el() > 1 || (hcr & bits::HCR_TGE)) return false;
    for (const InterruptKind& k : kVirtual) {
        const bool asserted = line_high(c, k.line) || (hcr & (k.line == CpuLine::VIrq ? kHcrVI : kHcrVF));
        if (!asserted || !(hcr & k.hcr_route) || (c.state.pstate & k.mask)) continue;
        take_interrupt(c, 1, k);
        return true;
    }
    return false;
}

bool interrupt_pending(const CpuContext& c) {
    const uint64_t hcr = c.config.has_el2 ? c.regs.hcr_el2 : 0;
    return c.lines.load() != 0 || (hcr & (kHcrVI | kHcrVF));
}

}  // namespace ferry::system
