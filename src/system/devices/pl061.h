// ARM PrimeCell GPIO (PL061), after its Technical Reference Manual
// (DDI 0190): eight lines, each an input or an output, with edge- or
// level-sensitive interrupts. On the virt board line 3 is the power key.
#pragma once
#include <cstdint>

#include "system/devices/mmio_device.h"

namespace ferry::system {

class Pl061 final : public MmioDevice {
public:
    static constexpr unsigned kPowerKeyLine = 3;

    explicit Pl061(IrqLine irq);

    uint64_t read(uint64_t offset, unsigned size) override;
    void write(uint64_t offset, unsigned size, uint64_t value) override;
    // Drives an input line from outside (the power key).
    void set_input(unsigned line, bool level);

private:
    uint8_t pins() const { return static_cast<uint8_t>((data_out_ & direction_) | (inputs_ & ~direction_)); }
    uint8_t level_interrupts() const;
    void update_irq();

    IrqLine irq_;
    uint8_t data_out_ = 0, inputs_ = 0, direction_ = 0;
    uint8_t sense_ = 0, both_edges_ = 0, event_ = 0, mask_ = 0, afsel_ = 0;
    uint8_t edge_interrupts_ = 0;
    bool irq_level_ = false;
};

}  // namespace ferry::system
