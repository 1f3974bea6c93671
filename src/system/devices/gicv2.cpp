#include "system/devices/gicv2.h"

#include <algorithm>
#include <cinttypes>

#include "common/log.h"

namespace ferry::system {

namespace {

enum DistributorRegister : uint64_t {
    GICD_CTLR = 0x000, GICD_TYPER = 0x004, GICD_IIDR = 0x008,
    GICD_IGROUPR = 0x080, GICD_ISENABLER = 0x100, GICD_ICENABLER = 0x180,
    GICD_ISPENDR = 0x200, GICD_ICPENDR = 0x280, GICD_ISACTIVER = 0x300, GICD_ICACTIVER = 0x380,
    GICD_IPRIORITYR = 0x400, GICD_ITARGETSR = 0x800, GICD_ICFGR = 0xC00, GICD_NSACR = 0xE00,
    GICD_SGIR = 0xF00, GICD_CPENDSGIR = 0xF10, GICD_SPENDSGIR = 0xF20, GICD_ID = 0xFD0,
};

enum CpuInterfaceRegister : uint64_t {
    GICC_CTLR = 0x00, GICC_PMR = 0x04, GICC_BPR = 0x08, GICC_IAR = 0x0C, GICC_EOIR = 0x10,
    GICC_RPR = 0x14, GICC_HPPIR = 0x18, GICC_ABPR = 0x1C, GICC_AIAR = 0x20, GICC_AEOIR = 0x24,
    GICC_AHPPIR = 0x28, GICC_APR0 = 0xD0, GICC_NSAPR0 = 0xE0, GICC_IIDR = 0xFC, GICC_DIR = 0x1000,
};

// GICC_CTLR bits (GIC without the Security Extensions).
constexpr uint32_t kEnableGrp0 = 1u << 0, kEnableGrp1 = 1u << 1, kAckCtl = 1u << 2, kFiqEn = 1u << 3,
                   kCbpr = 1u << 4, kEoiMode = 1u << 9;
constexpr uint32_t kCpuCtlrMask = 0x3FF;

constexpr unsigned kIdle = 0x100;  // running priority with nothing active: below every real priority
constexpr uint32_t kNoGroup1Ack = 1022;

// PIDR4-7, PIDR0-3, CIDR0-3 at 0xFD0..0xFFC: ARM, GIC architecture version 2.
constexpr uint8_t kDistributorId[12] = {0x04, 0x00, 0x00, 0x00, 0x90, 0xB4, 0x2B, 0x00, 0x0D, 0xF0, 0x05, 0xB1};

// Offset inside a register bank starting at base, or -1.
bool in_bank(uint64_t offset, uint64_t base, uint64_t bytes) { return offset >= base && offset < base + bytes; }

// Registers that are RAZ/WI here by design, so no guest error: GICD_ITARGETSR
// and GICD_NSACR on a uniprocessor without security, GICC_APRn/NSAPRn.
bool raz_wi_distributor(uint64_t offset) {
    return in_bank(offset, GICD_ITARGETSR, 0x400) || in_bank(offset, GICD_NSACR, 0x100);
}
bool raz_wi_cpu_interface(uint64_t offset) { return in_bank(offset, GICC_APR0, 0x20); }

void log_bad_access(const char* frame, const char* what, uint64_t offset) {
    log::printf_if(log::GuestErrors, "gicv2 %s: %s register 0x%" PRIx64 "\n", frame, what, offset);
}

}  // namespace

Gicv2::Gicv2() {
    for (unsigned id = 0; id < 16; ++id) irqs_[id].edge = true;  // SGIs are edge-triggered
}

void Gicv2::connect(InterruptTarget& cpu) {
    cpu_ = &cpu;
    irq_out_ = fiq_out_ = false;
    update();
}

void Gicv2::set_irq_level(unsigned intid, bool level) {
    if (intid < 16 || intid >= kNumIrqs) return;
    Irq& irq = irqs_[intid];
    if (irq.edge && level && !irq.line) irq.latched = true;
    irq.line = level;
    update();
}

// ---- distributor --------------------------------------------------------

uint32_t Gicv2::read_bits(uint64_t index, bool(Irq::*field)) const {
    uint32_t value = 0;
    for (unsigned bit = 0; bit < 32; ++bit) {
        const uint64_t id = index * 32 + bit;
        if (id < kNumIrqs && irqs_[id].*field) value |= 1u << bit;
    }
    return value;
}

void Gicv2::write_bits(uint64_t index, uint32_t value, bool(Irq::*field), bool set_to) {
    for (unsigned bit = 0; bit < 32; ++bit) {
        const uint64_t id = index * 32 + bit;
        if (id < kNumIrqs && (value >> bit & 1)) irqs_[id].*field = set_to;
    }
}

uint32_t Gicv2::read_pending(uint64_t index) const {
    uint32_t value = 0;
    for (unsigned bit = 0; bit < 32; ++bit) {
        const uint64_t id = index * 32 + bit;
        if (id < kNumIrqs && irqs_[id].pending()) value |= 1u << bit;
    }
    return value;
}

// GICD_ISPENDR/ICPENDR: SGIs are made pending only through GICD_SGIR and
// GICD_SPENDSGIR. Clearing a level-sensitive interrupt whose line is still
// high leaves it pending (the line keeps asserting it).
void Gicv2::write_pending(uint64_t index, uint32_t value, bool set_to) {
    if (index == 0) value &= 0xFFFF0000;
    write_bits(index, value, &Irq::latched, set_to);
}

uint32_t Gicv2::read_config(uint64_t index) const {
    uint32_t value = 0;
    for (unsigned field = 0; field < 16; ++field) {
        const uint64_t id = index * 16 + field;
        if (id < kNumIrqs && irqs_[id].edge) value |= 2u << (2 * field);
    }
    return value;
}

void Gicv2::write_config(uint64_t index, uint32_t value) {
    if (index == 0) return;  // SGIs: read-only, edge-triggered
    for (unsigned field = 0; field < 16; ++field) {
        const uint64_t id = index * 16 + field;
        if (id < kNumIrqs) irqs_[id].edge = value >> (2 * field + 1) & 1;
    }
}

// GICD_SGIR: TargetListFilter 0 = the CPUs in CPUTargetList, 1 = every CPU
// but the requester, 2 = the requester. CPU 0 is the only CPU.
void Gicv2::write_sgi(uint32_t value) {
    const unsigned filter = value >> 24 & 3;
    const bool to_self = (filter == 0 && (value >> 16 & 1)) || filter == 2;
    if (to_self) irqs_[value & 0xF].latched = true;
}

uint64_t Gicv2::read_distributor(uint64_t offset, unsigned size) {
    if (in_bank(offset, GICD_IPRIORITYR, kNumIrqs)) {
        uint64_t value = 0;
        for (unsigned b = 0; b < size && offset - GICD_IPRIORITYR + b < kNumIrqs; ++b)
            value |= uint64_t{irqs_[offset - GICD_IPRIORITYR + b].priority} << (8 * b);
        return value;
    }
    const uint64_t word = (offset & 0x7F) / 4;
    if (in_bank(offset, GICD_IGROUPR, 0x80)) return read_bits(word, &Irq::group1);
    if (in_bank(offset, GICD_ISENABLER, 0x100)) return read_bits(word, &Irq::enabled);
    if (in_bank(offset, GICD_ISPENDR, 0x100)) return read_pending(word);
    if (in_bank(offset, GICD_ISACTIVER, 0x100)) return read_bits(word, &Irq::active);
    if (in_bank(offset, GICD_ICFGR, 0x100)) return read_config((offset - GICD_ICFGR) / 4);
    if (in_bank(offset, GICD_SPENDSGIR - 0x10, 0x20)) {  // CPENDSGIR and SPENDSGIR: one byte per SGI, bit 0 = CPU 0
        uint32_t value = 0;
        for (unsigned b = 0; b < 4; ++b)
            if (irqs_[(offset & 0xC) + b].latched) value |= 1u << (8 * b);
        return value;
    }
    if (in_bank(offset, GICD_ID, 0x30)) return kDistributorId[(offset - GICD_ID) / 4];
    switch (offset) {
    case GICD_CTLR: return dist_ctlr_;
    case GICD_TYPER: return kNumIrqs / 32 - 1;  // ITLinesNumber; CPUNumber 0; no Security Extensions
    case GICD_IIDR: return 0x43B;               // implementer ARM
    default:
        if (!raz_wi_distributor(offset)) log_bad_access("distributor", "read of unknown", offset);
        return 0;
    }
}

void Gicv2::write_distributor(uint64_t offset, unsigned size, uint64_t value64) {
    const uint32_t value = static_cast<uint32_t>(value64);
    const uint64_t word = (offset & 0x7F) / 4;
    if (in_bank(offset, GICD_IPRIORITYR, kNumIrqs)) {
        for (unsigned b = 0; b < size && offset - GICD_IPRIORITYR + b < kNumIrqs; ++b)
            irqs_[offset - GICD_IPRIORITYR + b].priority = static_cast<uint8_t>(value64 >> (8 * b));
    } else if (in_bank(offset, GICD_IGROUPR, 0x80)) {
        for (unsigned bit = 0; bit < 32; ++bit)
            if (word * 32 + bit < kNumIrqs) irqs_[word * 32 + bit].group1 = value >> bit & 1;
    } else if (in_bank(offset, GICD_ISENABLER, 0x80)) {
        write_bits(word, value, &Irq::enabled, true);
    } else if (in_bank(offset, GICD_ICENABLER, 0x80)) {
        write_bits(word, value, &Irq::enabled, false);
    } else if (in_bank(offset, GICD_ISPENDR, 0x80)) {
        write_pending(word, value, true);
    } else if (in_bank(offset, GICD_ICPENDR, 0x80)) {
        write_pending(word, value, false);
    } else if (in_bank(offset, GICD_ISACTIVER, 0x80)) {
        write_bits(word, value, &Irq::active, true);
    } else if (in_bank(offset, GICD_ICACTIVER, 0x80)) {
        write_bits(word, value, &Irq::active, false);
    } else if (in_bank(offset, GICD_ICFGR, 0x100)) {
        write_config((offset - GICD_ICFGR) / 4, value);
    } else if (in_bank(offset, GICD_CPENDSGIR, 0x20)) {
        const bool set_to = offset >= GICD_SPENDSGIR;
        for (unsigned b = 0; b < 4; ++b)
            if (value >> (8 * b) & 1) irqs_[(offset & 0xC) + b].latched = set_to;
    } else if (offset == GICD_SGIR) {
        write_sgi(value);
    } else if (offset == GICD_CTLR) {
        dist_ctlr_ = value & (kEnableGrp0 | kEnableGrp1);
    } else if (offset == GICD_TYPER || offset == GICD_IIDR || in_bank(offset, GICD_ID, 0x30)) {
        log_bad_access("distributor", "write to read-only", offset);
    } else if (!raz_wi_distributor(offset)) {
        log_bad_access("distributor", "write to unknown", offset);
    }
    update();
}

// ---- CPU interface ------------------------------------------------------

// The group priority: the priority bits above the binary point. Group 1 uses
// GICC_ABPR (whose point sits one bit lower) unless GICC_CTLR.CBPR.
unsigned Gicv2::group_priority(const Irq& irq) const {
    const unsigned point = (irq.group1 && !(cpu_ctlr_ & kCbpr)) ? abpr_ - 1 : bpr_;
    return irq.priority & (0xFFu << (point + 1)) & 0xFF;
}

unsigned Gicv2::running_priority() const {
    unsigned priority = kIdle;
    for (const ActivePriority& a : active_priorities_) priority = std::min(priority, a.group_priority);
    return priority;
}

int Gicv2::highest_pending() const {
    int best = -1;
    for (unsigned id = 0; id < kNumIrqs; ++id) {
        const Irq& irq = irqs_[id];
        if (!irq.enabled || !irq.pending() || irq.active) continue;
        if (!(dist_ctlr_ & (irq.group1 ? kEnableGrp1 : kEnableGrp0))) continue;
        if (best < 0 || irq.priority < irqs_[best].priority) best = static_cast<int>(id);
    }
    return best;
}

// Signalled to the processor: its group enabled at the CPU interface, higher
// priority than the mask, and able to preempt the running priority.
bool Gicv2::can_signal(const Irq& irq) const {
    return (cpu_ctlr_ & (irq.group1 ? kEnableGrp1 : kEnableGrp0)) && irq.priority < pmr_ &&
           group_priority(irq) < running_priority();
}

void Gicv2::update() {
    const int best = highest_pending();
    bool irq = false, fiq = false;
    if (best >= 0 && can_signal(irqs_[best])) {
        const bool as_fiq = !irqs_[best].group1 && (cpu_ctlr_ & kFiqEn);
        (as_fiq ? fiq : irq) = true;
    }
    if (!cpu_) return;
    if (irq != irq_out_) cpu_->set_line(CpuLine::Irq, irq_out_ = irq);
    if (fiq != fiq_out_) cpu_->set_line(CpuLine::Fiq, fiq_out_ = fiq);
}

// GICC_IAR (group1_alias false) and GICC_AIAR (true): returns the INTID and
// makes the interrupt active, or a special INTID when there is none to take.
uint32_t Gicv2::acknowledge(bool group1_alias) {
    const int best = highest_pending();
    if (best < 0 || !can_signal(irqs_[best])) return kSpurious;
    Irq& irq = irqs_[best];
    if (group1_alias && !irq.group1) return kSpurious;
    if (!group1_alias && irq.group1 && !(cpu_ctlr_ & kAckCtl)) return kNoGroup1Ack;
    irq.latched = false;
    irq.active = true;
    active_priorities_.push_back({static_cast<uint32_t>(best), group_priority(irq)});
    update();
    return static_cast<uint32_t>(best);  // SGIs: source CPU (bits 12:10) is always CPU 0
}

// GICC_EOIR/AEOIR: drops the running priority, and deactivates the
// interrupt too unless GICC_CTLR.EOImode asks for a separate GICC_DIR write.
void Gicv2::end_of_interrupt(uint32_t value) {
    const uint32_t intid = value & 0x3FF;
    if (intid >= kNumIrqs) return;
    for (auto it = active_priorities_.rbegin(); it != active_priorities_.rend(); ++it) {
        if (it->intid == intid) {
            active_priorities_.erase(std::next(it).base());
            break;
        }
    }
    if (!(cpu_ctlr_ & kEoiMode)) irqs_[intid].active = false;
    update();
}

void Gicv2::deactivate(uint32_t value) {
    const uint32_t intid = value & 0x3FF;
    if (intid >= kNumIrqs) return;
    irqs_[intid].active = false;
    update();
}

uint32_t Gicv2::highest_pending_id(bool group1_alias) const {
    const int best = highest_pending();
    if (best < 0 || (group1_alias && !irqs_[best].group1)) return kSpurious;
    if (!group1_alias && irqs_[best].group1 && !(cpu_ctlr_ & kAckCtl)) return kNoGroup1Ack;
    return static_cast<uint32_t>(best);
}

uint64_t Gicv2::read_cpu_interface(uint64_t offset) {
    switch (offset) {
    case GICC_CTLR: return cpu_ctlr_;
    case GICC_PMR: return pmr_;
    case GICC_BPR: return bpr_;
    case GICC_ABPR: return abpr_;
    case GICC_IAR: return acknowledge(false);
    case GICC_AIAR: return acknowledge(true);
    case GICC_RPR: return running_priority() == kIdle ? 0xFF : running_priority();
    case GICC_HPPIR: return highest_pending_id(false);
    case GICC_AHPPIR: return highest_pending_id(true);
    case GICC_APR0: {
        // One bit per active preemption level, in the 32-level (5-bit) format.
        uint32_t value = 0;
        for (const ActivePriority& a : active_priorities_) value |= 1u << (a.group_priority >> 3);
        return value;
    }
    case GICC_IIDR: return 0x0202043B;  // architecture version 2, implementer ARM
    case GICC_EOIR:
    case GICC_AEOIR:
    case GICC_DIR: log_bad_access("cpu interface", "read of write-only", offset); return 0;
    default:
        if (!raz_wi_cpu_interface(offset)) log_bad_access("cpu interface", "read of unknown", offset);
        return 0;
    }
}

void Gicv2::write_cpu_interface(uint64_t offset, uint64_t value64) {
    const uint32_t value = static_cast<uint32_t>(value64);
    switch (offset) {
    case GICC_CTLR: cpu_ctlr_ = value & kCpuCtlrMask; break;
    case GICC_PMR: pmr_ = value & 0xFF; break;
    case GICC_BPR: bpr_ = value & 7; break;
    case GICC_ABPR: abpr_ = std::max(value & 7, 1u); break;
    case GICC_EOIR:
    case GICC_AEOIR: end_of_interrupt(value); return;
    case GICC_DIR: deactivate(value); return;
    case GICC_IAR:
    case GICC_RPR:
    case GICC_HPPIR:
    case GICC_AIAR:
    case GICC_AHPPIR:
    case GICC_IIDR: log_bad_access("cpu interface", "write to read-only", offset); break;
    default:
        if (!raz_wi_cpu_interface(offset)) log_bad_access("cpu interface", "write to unknown", offset);
        break;
    }
    update();
}

}  // namespace ferry::system
