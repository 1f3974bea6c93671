#include "system/devices/gicv3.h"

#include <algorithm>
#include <bit>
#include <cinttypes>

#include "common/log.h"

#include "ir/cpu_features.h"

namespace ferry::system {

namespace {

enum DistributorRegister : uint64_t {
    GICD_CTLR = 0x0000, GICD_TYPER = 0x0004, GICD_IIDR = 0x0008, GICD_TYPER2 = 0x000C, GICD_IROUTER = 0x6000,
    GICD_ID = 0xFFD0,
};

enum RedistributorRegister : uint64_t {
    GICR_CTLR = 0x0000, GICR_IIDR = 0x0004, GICR_TYPER = 0x0008, GICR_WAKER = 0x0014, GICR_ID = 0xFFD0,
    GICR_SGI_BASE = 0x10000,
};

// The per-interrupt registers, at the same offsets in the distributor and in
// the redistributor's SGI_base frame. Each bit bank is 0x80 bytes.
enum InterruptRegister : uint64_t {
    IGROUPR = 0x080, ISENABLER = 0x100, ICENABLER = 0x180, ISPENDR = 0x200, ICPENDR = 0x280,
    ISACTIVER = 0x300, ICACTIVER = 0x380, IPRIORITYR = 0x400, ICFGR = 0xC00,
};
constexpr uint64_t kBitBankBytes = 0x80, kPriorityBytes = 0x400, kConfigBytes = 0x100;

// GICD_CTLR with DS = 1: the two group enables, and ARE and DS read as one.
constexpr uint32_t kEnableGrp0 = 1u << 0, kEnableGrp1 = 1u << 1, kAre = 1u << 4, kDs = 1u << 6;
// ITLinesNumber for 288 INTIDs, IDbits = 16, A3V, No1N (no 1-of-N SPI routing).
constexpr uint32_t kDistributorType = (Gicv3::kNumIrqs / 32 - 1) | (15u << 19) | (1u << 24) | (1u << 25);
constexpr uint32_t kImplementerArm = 0x43B;
// GICR_TYPER: Processor_Number 0, affinity 0.0.0.0, Last (the only redistributor).
constexpr uint64_t kRedistributorType = 1u << 4;
constexpr uint32_t kProcessorSleep = 1u << 1, kChildrenAsleep = 1u << 2;
// GICD_IROUTER: Aff3, Interrupt_Routing_Mode, Aff2, Aff1, Aff0.
constexpr uint64_t kRouterAffinity = 0xFF00FFFFFF, kRouterAnyCpu = 1u << 31;
constexpr uint64_t kCpuAffinity = 0;  // MPIDR_EL1 affinity of the one CPU

// PIDR4-7, PIDR0-3, CIDR0-3 at 0xFFD0..0xFFFC: ARM, GIC architecture version 3 (PIDR2 = 0x3B).
constexpr uint8_t kIdRegisters[12] = {0x44, 0x00, 0x00, 0x00, 0x92, 0xB4, 0x3B, 0x00, 0x0D, 0xF0, 0x05, 0xB1};

// 5 priority bits: the low three bits of every priority are RAZ/WI, BPR0 and
// BPR1 cannot go below 2 and 3 (no subpriority inside a preemption level).
constexpr unsigned kPriorityBits = 5;
constexpr uint8_t kPriorityMask = static_cast<uint8_t>(0xFF << (8 - kPriorityBits));
constexpr uint64_t kMinBpr0 = 7 - kPriorityBits, kMinBpr1 = kMinBpr0 + 1;
constexpr unsigned kIdle = 0x100;  // running priority with nothing active: below every real priority

// ICC_CTLR_EL1: CBPR and EOImode are writable; PRIbits, IDbits (0: 16 bits), A3V read-only.
constexpr uint64_t kCbpr = 1u << 0, kEoiMode = 1u << 1;
constexpr uint64_t kCtlrReadOnly = ((kPriorityBits - 1) << 8) | (1u << 15);
constexpr uint64_t kSreValue = 0x7;        // SRE, DFB, DIB: the system-register interface only
constexpr uint64_t kSreHigherValue = 0xF;  // ICC_SRE_EL2/EL3 add Enable: EL1 may use ICC_SRE_EL1

constexpr uint32_t icc(unsigned crm, unsigned op2) { return cpu::sysreg_id(3, 0, 12, crm, op2); }
enum CpuInterfaceRegister : uint32_t {
    ICC_PMR_EL1 = cpu::sysreg_id(3, 0, 4, 6, 0),
    ICC_IAR0_EL1 = icc(8, 0), ICC_EOIR0_EL1 = icc(8, 1), ICC_HPPIR0_EL1 = icc(8, 2), ICC_BPR0_EL1 = icc(8, 3),
    ICC_AP0R0_EL1 = icc(8, 4), ICC_AP1R0_EL1 = icc(9, 0),
    ICC_DIR_EL1 = icc(11, 1), ICC_RPR_EL1 = icc(11, 3),
    ICC_SGI1R_EL1 = icc(11, 5), ICC_ASGI1R_EL1 = icc(11, 6), ICC_SGI0R_EL1 = icc(11, 7),
    ICC_IAR1_EL1 = icc(12, 0), ICC_EOIR1_EL1 = icc(12, 1), ICC_HPPIR1_EL1 = icc(12, 2), ICC_BPR1_EL1 = icc(12, 3),
    ICC_CTLR_EL1 = icc(12, 4), ICC_SRE_EL1 = icc(12, 5), ICC_IGRPEN0_EL1 = icc(12, 6), ICC_IGRPEN1_EL1 = icc(12, 7),
    ICC_SRE_EL2 = cpu::sysreg_id(3, 4, 12, 9, 5), ICC_SRE_EL3 = cpu::sysreg_id(3, 6, 12, 12, 5),
};

// The virtual CPU interface control registers of EL2 (op1 = 4, CRn = 12):
// ICH_AP0R<n> (CRm 8), ICH_AP1R<n> (CRm 9), HCR, VTR, MISR, EISR, ELRSR, VMCR
// (CRm 11), LR<n> (CRm 12, 13). Without a virtual interface they read as zero
// (no list registers in use, nothing to report) and ignore writes, which lets
// a kernel booted at EL2 reset them.
bool is_ich_register(uint32_t id) {
    const unsigned op1 = id >> 11 & 7, crn = id >> 7 & 15, crm = id >> 3 & 15, op2 = id & 7;
    if ((id >> 14) != 3 || op1 != 4 || crn != 12) return false;
    switch (crm) {
    case 8:
    case 9: return op2 <= 3;
    case 11: return op2 != 4 && op2 != 6;
    case 12:
    case 13: return true;
    default: return false;
    }
}

bool in_range(uint64_t offset, uint64_t base, uint64_t bytes) { return offset >= base && offset < base + bytes; }

// IGROUPR..ICFGR, in the distributor and the SGI_base frame.
bool interrupt_register(uint64_t offset) { return in_range(offset, IGROUPR, ICFGR + kConfigBytes - IGROUPR); }

void log_bad_access(const char* frame, const char* what, uint64_t offset) {
    log::printf_if(log::GuestErrors, "gicv3 %s: %s register 0x%" PRIx64 "\n", frame, what, offset);
}

// A 64-bit register read whole or as a 32-bit half at offset + 4.
uint64_t read_half(uint64_t reg, uint64_t offset, unsigned size) { return size == 8 ? reg : reg >> (offset & 4 ? 32 : 0); }
uint64_t write_half(uint64_t reg, uint64_t offset, unsigned size, uint64_t value) {
    if (size == 8) return value;
    const unsigned shift = offset & 4 ? 32 : 0;
    return (reg & ~(uint64_t{0xFFFFFFFF} << shift)) | (value & 0xFFFFFFFF) << shift;
}

}  // namespace

Gicv3::Gicv3() : bpr_{kMinBpr0, kMinBpr1} {
    edge_[0] = 0xFFFF;  // SGIs are edge-triggered
}

void Gicv3::connect(InterruptTarget& cpu) {
    cpu_ = &cpu;
    irq_out_ = fiq_out_ = false;
    update();
}

void Gicv3::set_irq_level(unsigned intid, bool level) {
    if (intid < 16 || intid >= kNumIrqs) return;
    const unsigned word = intid / 32;
    const uint32_t bit = 1u << (intid % 32);
    if ((edge_[word] & bit) && level && !(line_[word] & bit)) latched_[word] |= bit;
    line_[word] = level ? line_[word] | bit : line_[word] & ~bit;
    update();
}

// ---- distributor and redistributor --------------------------------------

uint32_t Gicv3::read_config(unsigned index) const {
    uint32_t value = 0;
    for (unsigned field = 0; field < 16; ++field) {
        const unsigned id = index * 16 + field;
        if (edge_[id / 32] >> (id % 32) & 1) value |= 2u << (2 * field);
    }
    return value;
}

void Gicv3::write_config(unsigned index, uint32_t value) {
    if (index == 0) return;  // SGIs: read-only, edge-triggered
    for (unsigned field = 0; field < 16; ++field) {
        const unsigned id = index * 16 + field;
        const uint32_t bit = 1u << (id % 32);
        edge_[id / 32] = (value >> (2 * field + 1) & 1) ? edge_[id / 32] | bit : edge_[id / 32] & ~bit;
    }
}

uint64_t Gicv3::read_interrupt_registers(uint64_t offset, unsigned size, bool private_ids) const {
    // The frame owns INTID id: the redistributor the SGIs and PPIs, the distributor the SPIs.
    auto owns = [private_ids](uint64_t id) { return id < kNumIrqs && (id < 32) == private_ids; };
    if (in_range(offset, IPRIORITYR, kPriorityBytes)) {
        uint64_t value = 0;
        for (unsigned b = 0; b < size; ++b)
            if (owns(offset - IPRIORITYR + b)) value |= uint64_t{priority_[offset - IPRIORITYR + b]} << (8 * b);
        return value;
    }
    if (in_range(offset, ICFGR, kConfigBytes)) {
        const unsigned index = static_cast<unsigned>(offset - ICFGR) / 4;
        return owns(index * 16) ? read_config(index) : 0;
    }
    const unsigned word = static_cast<unsigned>(offset % kBitBankBytes) / 4;
    if (!in_range(offset, IGROUPR, IPRIORITYR - IGROUPR) || !owns(word * 32)) return 0;
    switch (offset & ~(kBitBankBytes - 1)) {
    case IGROUPR: return group1_[word];
    case ISENABLER:
    case ICENABLER: return enabled_[word];
    case ISPENDR:
    case ICPENDR: return pending_word(word);
    case ISACTIVER:
    case ICACTIVER: return active_[word];
    default: return 0;
    }
}

void Gicv3::write_interrupt_registers(uint64_t offset, unsigned size, uint64_t value, bool private_ids) {
    auto owns = [private_ids](uint64_t id) { return id < kNumIrqs && (id < 32) == private_ids; };
    if (in_range(offset, IPRIORITYR, kPriorityBytes)) {
        for (unsigned b = 0; b < size; ++b)
            if (owns(offset - IPRIORITYR + b))
                priority_[offset - IPRIORITYR + b] = static_cast<uint8_t>(value >> (8 * b)) & kPriorityMask;
        return;
    }
    if (in_range(offset, ICFGR, kConfigBytes)) {
        const unsigned index = static_cast<unsigned>(offset - ICFGR) / 4;
        if (owns(index * 16)) write_config(index, static_cast<uint32_t>(value));
        return;
    }
    const unsigned word = static_cast<unsigned>(offset % kBitBankBytes) / 4;
    if (!in_range(offset, IGROUPR, IPRIORITYR - IGROUPR) || !owns(word * 32)) return;
    const uint32_t bits = static_cast<uint32_t>(value);
    switch (offset & ~(kBitBankBytes - 1)) {
    case IGROUPR: group1_[word] = bits; break;
    case ISENABLER: enabled_[word] |= bits; break;
    case ICENABLER: enabled_[word] &= ~bits; break;
    // Clearing a level-sensitive interrupt whose line is still high leaves it
    // pending: the line keeps asserting it.
    case ISPENDR: latched_[word] |= bits; break;
    case ICPENDR: latched_[word] &= ~bits; break;
    case ISACTIVER: active_[word] |= bits; break;
    case ICACTIVER: active_[word] &= ~bits; break;
    default: break;
    }
}

uint64_t Gicv3::read_router(uint64_t offset, unsigned size) const {
    const uint64_t id = (offset - GICD_IROUTER) / 8;
    return id >= 32 ? read_half(router_[id], offset, size) : 0;
}

void Gicv3::write_router(uint64_t offset, unsigned size, uint64_t value) {
    const uint64_t id = (offset - GICD_IROUTER) / 8;
    if (id >= 32) router_[id] = write_half(router_[id], offset, size, value) & (kRouterAffinity | kRouterAnyCpu);
}

uint64_t Gicv3::read_distributor(uint64_t offset, unsigned size) {
    if (in_range(offset, GICD_IROUTER, 8 * kNumIrqs)) return read_router(offset, size);
    if (in_range(offset, GICD_ID, sizeof kIdRegisters * 4)) return kIdRegisters[(offset - GICD_ID) / 4];
    switch (offset) {
    case GICD_CTLR: return dist_ctlr_ | kAre | kDs;
    case GICD_TYPER: return kDistributorType;
    case GICD_IIDR: return kImplementerArm;
    case GICD_TYPER2: return 0;  // no GICv4.1 vPEs, no extended SPIs (Linux reads it)
    default:
        if (!interrupt_register(offset)) log_bad_access("distributor", "read of unknown", offset);
        return read_interrupt_registers(offset, size, false);
    }
}

void Gicv3::write_distributor(uint64_t offset, unsigned size, uint64_t value) {
    if (in_range(offset, GICD_IROUTER, 8 * kNumIrqs))
        write_router(offset, size, value);
    else if (offset == GICD_CTLR)
        dist_ctlr_ = static_cast<uint32_t>(value) & (kEnableGrp0 | kEnableGrp1);
    else if (offset == GICD_TYPER || offset == GICD_IIDR || offset == GICD_TYPER2 || in_range(offset, GICD_ID, sizeof kIdRegisters * 4))
        log_bad_access("distributor", "write to read-only", offset);
    else if (!interrupt_register(offset))
        log_bad_access("distributor", "write to unknown", offset);
    else
        write_interrupt_registers(offset, size, value, false);
    update();
}

// GICR_CTLR reads as zero: no LPIs to enable, and writes complete at once (RWP = 0).
uint64_t Gicv3::read_redistributor(uint64_t offset, unsigned size) {
    if (in_range(offset, GICR_SGI_BASE, kRedistributorSize - GICR_SGI_BASE)) {
        if (!interrupt_register(offset - GICR_SGI_BASE)) log_bad_access("redistributor", "read of unknown", offset);
        return read_interrupt_registers(offset - GICR_SGI_BASE, size, true);
    }
    if (in_range(offset, GICR_ID, sizeof kIdRegisters * 4)) return kIdRegisters[(offset - GICR_ID) / 4];
    switch (offset) {
    case GICR_TYPER:
    case GICR_TYPER + 4: return read_half(kRedistributorType | kCpuAffinity << 32, offset, size);
    case GICR_IIDR: return kImplementerArm;
    case GICR_WAKER: return processor_sleep_ ? kProcessorSleep | kChildrenAsleep : 0;
    case GICR_CTLR: return 0;
    default: log_bad_access("redistributor", "read of unknown", offset); return 0;
    }
}

// GICR_WAKER: the interface wakes (ChildrenAsleep follows) as soon as
// ProcessorSleep is cleared. Interrupts are forwarded either way.
void Gicv3::write_redistributor(uint64_t offset, unsigned size, uint64_t value) {
    const bool read_only = offset == GICR_IIDR || offset == GICR_TYPER || offset == GICR_TYPER + 4 ||
                           in_range(offset, GICR_ID, sizeof kIdRegisters * 4);
    if (in_range(offset, GICR_SGI_BASE, kRedistributorSize - GICR_SGI_BASE)) {
        if (!interrupt_register(offset - GICR_SGI_BASE)) log_bad_access("redistributor", "write to unknown", offset);
        write_interrupt_registers(offset - GICR_SGI_BASE, size, value, true);
    } else if (offset == GICR_WAKER) {
        processor_sleep_ = value & kProcessorSleep;
    } else if (read_only) {
        log_bad_access("redistributor", "write to read-only", offset);
    } else if (offset != GICR_CTLR) {
        log_bad_access("redistributor", "write to unknown", offset);
    }
    update();
}

// ---- forwarding ---------------------------------------------------------

bool Gicv3::routed_here(unsigned intid) const {
    if (intid < 32) return true;
    const uint64_t router = router_[intid];
    return (router & kRouterAnyCpu) || (router & kRouterAffinity) == kCpuAffinity;
}

int Gicv3::highest_pending() const {
    int best = -1;
    unsigned best_priority = kIdle;
    for (unsigned word = 0; word < kWords; ++word) {
        uint32_t candidates = enabled_[word] & pending_word(word) & ~active_[word];
        if (!(dist_ctlr_ & kEnableGrp0)) candidates &= group1_[word];
        if (!(dist_ctlr_ & kEnableGrp1)) candidates &= ~group1_[word];
        for (; candidates; candidates &= candidates - 1) {
            const unsigned id = word * 32 + static_cast<unsigned>(std::countr_zero(candidates));
            if (priority_[id] < best_priority && routed_here(id)) {
                best = static_cast<int>(id);
                best_priority = priority_[id];
            }
        }
    }
    return best;
}

// The group priority: the priority bits above the binary point. BPR0 splits
// at bit n+1, BPR1 at bit n; with ICC_CTLR_EL1.CBPR both groups use BPR0.
unsigned Gicv3::group_priority(unsigned intid) const {
    const bool group1 = is_group1(intid);
    const unsigned point = group1 && !(icc_ctlr_ & kCbpr) ? static_cast<unsigned>(bpr_[1])
                                                          : static_cast<unsigned>(bpr_[0]) + 1;
    return priority_[intid] & (0xFFu << point) & 0xFF;
}

unsigned Gicv3::running_priority() const {
    const uint32_t levels = active_priorities_[0] | active_priorities_[1];
    if (!levels) return kIdle;
    return static_cast<unsigned>(std::countr_zero(levels)) << (8 - kPriorityBits);
}

bool Gicv3::can_signal(unsigned intid) const {
    return group_enabled_[is_group1(intid)] && priority_[intid] < pmr_ && group_priority(intid) < running_priority();
}

void Gicv3::update() {
    const int best = highest_pending();
    bool irq = false, fiq = false;
    if (best >= 0 && can_signal(static_cast<unsigned>(best))) (is_group1(static_cast<unsigned>(best)) ? irq : fiq) = true;
    if (!cpu_) return;
    if (irq != irq_out_) cpu_->set_line(CpuLine::Irq, irq_out_ = irq);
    if (fiq != fiq_out_) cpu_->set_line(CpuLine::Fiq, fiq_out_ = fiq);
}

// ---- CPU interface ------------------------------------------------------

uint64_t Gicv3::control() const { return icc_ctlr_ | kCtlrReadOnly; }

// ICC_IAR0/1_EL1: the INTID of the highest-priority pending interrupt of the
// group, which becomes active at a new running priority; 1023 if there is
// none it may take (or the highest is of the other group).
uint32_t Gicv3::acknowledge(unsigned group) {
    const int best = highest_pending();
    if (best < 0) return kSpurious;
    const unsigned id = static_cast<unsigned>(best);
    if (is_group1(id) != (group == 1) || !can_signal(id)) return kSpurious;
    const uint32_t bit = 1u << (id % 32);
    latched_[id / 32] &= ~bit;
    active_[id / 32] |= bit;
    active_priorities_[group] |= 1u << (group_priority(id) >> (8 - kPriorityBits));
    update();
    return id;
}

// ICC_EOIR0/1_EL1: drops the running priority (the group's highest active
// level), and deactivates the interrupt too unless EOImode asks for a
// separate ICC_DIR_EL1 write. The special INTIDs 1020-1023 do nothing.
void Gicv3::end_of_interrupt(unsigned group, uint64_t value) {
    const uint64_t id = value & 0xFFFFFF;
    if (id >= 1020 && id <= 1023) return;
    uint32_t& levels = active_priorities_[group];
    levels &= levels - 1;
    if (!(icc_ctlr_ & kEoiMode)) deactivate(id);
}

void Gicv3::deactivate(uint64_t value) {
    const uint64_t id = value & 0xFFFFFF;
    if (id < kNumIrqs) active_[id / 32] &= ~(1u << (id % 32));
}

// ICC_SGI0R/SGI1R/ASGI1R_EL1: INTID in bits 27:24; IRM (bit 40) = every CPU
// but this one, else Aff3.Aff2.Aff1 (bits 55:48, 39:32, 23:16) with the
// range selector RS (47:44) and the TargetList of Aff0 values (15:0). The
// SGI is made pending if it targets this CPU and is configured in the group
// the register generates.
void Gicv3::send_sgi(uint64_t value, unsigned group) {
    const unsigned id = value >> 24 & 0xF;
    const bool every_other_cpu = value >> 40 & 1;
    const uint64_t affinity = (value >> 48 & 0xFF) << 32 | (value >> 32 & 0xFF) << 16 | (value >> 16 & 0xFF) << 8;
    const unsigned range = value >> 44 & 0xF, aff0 = kCpuAffinity & 0xFF;
    const bool to_me = !every_other_cpu && affinity == (kCpuAffinity & ~uint64_t{0xFF}) && range == aff0 / 16 &&
                       (value >> (aff0 % 16) & 1);
    if (to_me && is_group1(id) == (group == 1)) latched_[0] |= 1u << id;
}

uint32_t Gicv3::highest_pending_id(unsigned group) const {
    const int best = highest_pending();
    if (best < 0 || is_group1(static_cast<unsigned>(best)) != (group == 1)) return kSpurious;
    return static_cast<uint32_t>(best);
}

bool Gicv3::read_sysreg(uint32_t id, uint64_t& value) {
    switch (id) {
    case ICC_PMR_EL1: value = pmr_; return true;
    case ICC_BPR0_EL1: value = bpr_[0]; return true;
    case ICC_BPR1_EL1: value = icc_ctlr_ & kCbpr ? std::min<uint64_t>(bpr_[0] + 1, 7) : bpr_[1]; return true;
    case ICC_CTLR_EL1: value = control(); return true;
    case ICC_SRE_EL1: value = kSreValue; return true;
    case ICC_SRE_EL2:
    case ICC_SRE_EL3: value = kSreHigherValue; return true;
    case ICC_IGRPEN0_EL1: value = group_enabled_[0]; return true;
    case ICC_IGRPEN1_EL1: value = group_enabled_[1]; return true;
    case ICC_AP0R0_EL1: value = active_priorities_[0]; return true;
    case ICC_AP1R0_EL1: value = active_priorities_[1]; return true;
    case ICC_IAR0_EL1: value = acknowledge(0); return true;
    case ICC_IAR1_EL1: value = acknowledge(1); return true;
    case ICC_HPPIR0_EL1: value = highest_pending_id(0); return true;
    case ICC_HPPIR1_EL1: value = highest_pending_id(1); return true;
    case ICC_RPR_EL1: value = std::min(running_priority(), 0xFFu); return true;
    default: break;
    }
    if (!is_ich_register(id)) return false;
    value = 0;
    return true;
}

bool Gicv3::write_sysreg(uint32_t id, uint64_t value) {
    switch (id) {
    case ICC_PMR_EL1: pmr_ = value & kPriorityMask; break;
    case ICC_BPR0_EL1: bpr_[0] = std::max(value & 7, kMinBpr0); break;
    case ICC_BPR1_EL1:
        if (!(icc_ctlr_ & kCbpr)) bpr_[1] = std::max(value & 7, kMinBpr1);
        break;
    case ICC_CTLR_EL1: icc_ctlr_ = value & (kCbpr | kEoiMode); break;
    case ICC_SRE_EL1:
    case ICC_SRE_EL2:
    case ICC_SRE_EL3: break;  // the system-register interface is always on
    case ICC_IGRPEN0_EL1: group_enabled_[0] = value & 1; break;
    case ICC_IGRPEN1_EL1: group_enabled_[1] = value & 1; break;
    case ICC_AP0R0_EL1: active_priorities_[0] = static_cast<uint32_t>(value); break;
    case ICC_AP1R0_EL1: active_priorities_[1] = static_cast<uint32_t>(value); break;
    case ICC_EOIR0_EL1: end_of_interrupt(0, value); break;
    case ICC_EOIR1_EL1: end_of_interrupt(1, value); break;
    case ICC_DIR_EL1: deactivate(value); break;
    case ICC_SGI0R_EL1: send_sgi(value, 0); break;
    case ICC_SGI1R_EL1:
    case ICC_ASGI1R_EL1: send_sgi(value, 1); break;
    default:
        if (!is_ich_register(id)) return false;
        break;
    }
    update();
    return true;
}

}  // namespace ferry::system
