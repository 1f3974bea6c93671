// Generic Interrupt Controller, architecture version 2 (ARM IHI 0048B), for
// one CPU and without the Security Extensions, as QEMU's virt board has it
// when secure=off: 32 private interrupts (SGIs 0-15, PPIs 16-31) and 256
// SPIs, 8 priority bits, interrupt groups 0 and 1, split priority drop and
// deactivation (GICC_CTLR.EOImode, GICC_DIR).
#pragma once
#include <array>
#include <cstdint>
#include <vector>

#include "system/bus.h"
#include "system/devices/interrupt_controller.h"
#include "system/devices/mmio_device.h"

namespace ferry::system {

class Gicv2 final : public InterruptController {
public:
    static constexpr unsigned kNumIrqs = 288;
    static constexpr uint32_t kSpurious = 1023;
    static constexpr uint64_t kDistributorSize = 0x10000;
    static constexpr uint64_t kCpuInterfaceSize = 0x10000;

    Gicv2();
    // The CPU whose IRQ and FIQ lines the CPU interface drives.
    void connect(InterruptTarget& cpu);

    MmioDevice& distributor() { return distributor_; }
    MmioDevice& cpu_interface() { return cpu_interface_; }

    void set_spi(unsigned spi, bool level) override { set_irq_level(32 + spi, level); }
    void set_ppi(unsigned ppi, bool level) override { set_irq_level(16 + ppi, level); }
    // An interrupt input by INTID (16..kNumIrqs-1).
    void set_irq_level(unsigned intid, bool level);

private:
    struct Irq {
        bool enabled = false;
        bool latched = false;     // pending by an edge, a software write or an SGI
        bool line = false;        // input level
        bool edge = false;        // GICD_ICFGR: edge-triggered
        bool active = false;
        bool group1 = false;      // GICD_IGROUPR
        uint8_t priority = 0;
        bool pending() const { return latched || (!edge && line); }
    };
    struct ActivePriority { uint32_t intid; unsigned group_priority; };

    class Distributor final : public MmioDevice {
    public:
        explicit Distributor(Gicv2& gic) : gic_(gic) {}
        uint64_t read(uint64_t offset, unsigned size) override { return gic_.read_distributor(offset, size); }
        void write(uint64_t offset, unsigned size, uint64_t value) override { gic_.write_distributor(offset, size, value); }
    private:
        Gicv2& gic_;
    };
    class CpuInterface final : public MmioDevice {
    public:
        explicit CpuInterface(Gicv2& gic) : gic_(gic) {}
        uint64_t read(uint64_t offset, unsigned) override { return gic_.read_cpu_interface(offset); }
        void write(uint64_t offset, unsigned, uint64_t value) override { gic_.write_cpu_interface(offset, value); }
    private:
        Gicv2& gic_;
    };

    uint64_t read_distributor(uint64_t offset, unsigned size);
    void write_distributor(uint64_t offset, unsigned size, uint64_t value);
    uint32_t read_bits(uint64_t index, bool (Irq::*field)) const;
    void write_bits(uint64_t index, uint32_t value, bool (Irq::*field), bool set_to);
    uint32_t read_pending(uint64_t index) const;
    void write_pending(uint64_t index, uint32_t value, bool set_to);
    uint32_t read_config(uint64_t index) const;
    void write_config(uint64_t index, uint32_t value);
    void write_sgi(uint32_t value);

    uint64_t read_cpu_interface(uint64_t offset);
    void write_cpu_interface(uint64_t offset, uint64_t value);
    uint32_t acknowledge(bool group1_alias);
    void end_of_interrupt(uint32_t value);
    void deactivate(uint32_t value);
    uint32_t highest_pending_id(bool group1_alias) const;

    // The highest-priority interrupt the distributor forwards (pending,
    // enabled, not active, its group enabled), or -1.
    int highest_pending() const;
    unsigned group_priority(const Irq& irq) const;
    unsigned running_priority() const;
    bool can_signal(const Irq& irq) const;
    void update();

    Distributor distributor_{*this};
    CpuInterface cpu_interface_{*this};
    InterruptTarget* cpu_ = nullptr;
    std::array<Irq, kNumIrqs> irqs_{};
    uint32_t dist_ctlr_ = 0;
    uint32_t cpu_ctlr_ = 0;
    uint32_t pmr_ = 0;
    uint32_t bpr_ = 0, abpr_ = 1;
    std::vector<ActivePriority> active_priorities_;  // acknowledged, priority not yet dropped; innermost last
    bool irq_out_ = false, fiq_out_ = false;
};

}  // namespace ferry::system
