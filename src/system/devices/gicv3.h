// Generic Interrupt Controller, architecture version 3 (ARM IHI 0069), as
// QEMU's virt board has it with gic-version=3 and secure=off: one CPU, a
// single Security state (GICD_CTLR.DS = 1), affinity routing always on (no
// legacy GICv2 programming interface, so ARE is RAO/WI), no LPIs and no ITS.
// The distributor holds 256 SPIs, the CPU's redistributor its 16 SGIs and 16
// PPIs; the CPU interface is the ICC_* system registers, with 5 priority
// bits. Group 0 is signalled as FIQ, Group 1 as IRQ.
#pragma once
#include <array>
#include <cstdint>

#include "system/bus.h"
#include "system/devices/interrupt_controller.h"
#include "system/devices/mmio_device.h"

namespace ferry::system {

class Gicv3 final : public InterruptController {
public:
    static constexpr unsigned kNumIrqs = 288;
    static constexpr uint32_t kSpurious = 1023;
    static constexpr uint64_t kDistributorSize = 0x10000;
    // The RD_base and SGI_base frames of one CPU's redistributor.
    static constexpr uint64_t kRedistributorSize = 0x20000;

    Gicv3();
    // The CPU whose IRQ and FIQ lines the CPU interface drives.
    void connect(InterruptTarget& cpu);

    MmioDevice& distributor() { return distributor_; }
    MmioDevice& redistributor() { return redistributor_; }

    void set_spi(unsigned spi, bool level) override { set_irq_level(32 + spi, level); }
    void set_ppi(unsigned ppi, bool level) override { set_irq_level(16 + ppi, level); }
    // An interrupt input by INTID (16..kNumIrqs-1).
    void set_irq_level(unsigned intid, bool level);

    // The CPU interface: MRS/MSR of an ICC_* register, or of an ICH_* register
    // of EL2 (RAZ/WI: there is no virtual CPU interface), by
    // cpu::sysreg_id(op0, op1, CRn, CRm, op2). false: no such register, the
    // access is UNDEF.
    bool read_sysreg(uint32_t id, uint64_t& value);
    bool write_sysreg(uint32_t id, uint64_t value);

private:
    static constexpr unsigned kWords = kNumIrqs / 32;
    using Bits = std::array<uint32_t, kWords>;  // one bit per INTID, 32 per word

    // A register frame: forwards to the Gicv3 member functions.
    template <uint64_t (Gicv3::*Read)(uint64_t, unsigned), void (Gicv3::*Write)(uint64_t, unsigned, uint64_t)>
    class Frame final : public MmioDevice {
    public:
        explicit Frame(Gicv3& gic) : gic_(gic) {}
        uint64_t read(uint64_t offset, unsigned size) override { return (gic_.*Read)(offset, size); }
        void write(uint64_t offset, unsigned size, uint64_t value) override { (gic_.*Write)(offset, size, value); }

    private:
        Gicv3& gic_;
    };

    uint64_t read_distributor(uint64_t offset, unsigned size);
    void write_distributor(uint64_t offset, unsigned size, uint64_t value);
    uint64_t read_redistributor(uint64_t offset, unsigned size);
    void write_redistributor(uint64_t offset, unsigned size, uint64_t value);
    // The per-interrupt registers that the distributor (SPIs) and the
    // redistributor's SGI_base frame (SGIs and PPIs) lay out alike;
    // private_ids picks which INTIDs the frame owns (others are RAZ/WI).
    uint64_t read_interrupt_registers(uint64_t offset, unsigned size, bool private_ids) const;
    void write_interrupt_registers(uint64_t offset, unsigned size, uint64_t value, bool private_ids);
    uint32_t pending_word(unsigned word) const { return latched_[word] | (line_[word] & ~edge_[word]); }
    uint32_t read_config(unsigned index) const;
    void write_config(unsigned index, uint32_t value);
    uint64_t read_router(uint64_t offset, unsigned size) const;
    void write_router(uint64_t offset, unsigned size, uint64_t value);

    // CPU interface.
    uint64_t control() const;
    uint32_t acknowledge(unsigned group);
    void end_of_interrupt(unsigned group, uint64_t value);
    void deactivate(uint64_t value);
    void send_sgi(uint64_t value, unsigned group);
    uint32_t highest_pending_id(unsigned group) const;
    unsigned group_priority(unsigned intid) const;
    unsigned running_priority() const;

    bool is_group1(unsigned intid) const { return group1_[intid / 32] >> (intid % 32) & 1; }
    bool routed_here(unsigned intid) const;
    // The highest-priority interrupt the distributor and redistributor
    // forward (pending, enabled, not active, its group enabled in GICD_CTLR,
    // routed to this CPU), or -1.
    int highest_pending() const;
    // It may be taken: its group enabled at the CPU interface, priority above
    // the mask and able to preempt the running priority.
    bool can_signal(unsigned intid) const;
    void update();

    Frame<&Gicv3::read_distributor, &Gicv3::write_distributor> distributor_{*this};
    Frame<&Gicv3::read_redistributor, &Gicv3::write_redistributor> redistributor_{*this};
    InterruptTarget* cpu_ = nullptr;
    bool irq_out_ = false, fiq_out_ = false;

    // Interrupt state by INTID.
    Bits group1_{}, enabled_{}, active_{};
    Bits latched_{};  // pending by an edge, a software write or an SGI
    Bits line_{};     // input level
    Bits edge_{};     // edge-triggered (GICD_ICFGR / GICR_ICFGR)
    std::array<uint8_t, kNumIrqs> priority_{};
    std::array<uint64_t, kNumIrqs> router_{};  // GICD_IROUTER<n> of the SPIs

    uint32_t dist_ctlr_ = 0;           // EnableGrp0, EnableGrp1
    bool processor_sleep_ = true;      // GICR_WAKER.ProcessorSleep

    uint64_t icc_ctlr_ = 0;            // CBPR, EOImode
    uint64_t pmr_ = 0;
    std::array<uint64_t, 2> bpr_;      // by group
    std::array<bool, 2> group_enabled_{};  // ICC_IGRPEN0/1_EL1
    // ICC_AP0R0/AP1R0_EL1: one bit per active preemption level (the group
    // priority >> 3, 32 levels with 5 priority bits), by group.
    std::array<uint32_t, 2> active_priorities_{};
};

}  // namespace ferry::system
