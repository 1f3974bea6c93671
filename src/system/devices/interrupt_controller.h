// The board's view of an interrupt controller: devices drive shared
// peripheral interrupts (SPIs), the CPU's generic timer drives private
// peripheral interrupts (PPIs) of CPU 0.
#pragma once

namespace ferry::system {

class InterruptController {
public:
    virtual ~InterruptController() = default;
    // spi 0 is INTID 32.
    virtual void set_spi(unsigned spi, bool level) = 0;
    // ppi 0 is INTID 16.
    virtual void set_ppi(unsigned ppi, bool level) = 0;
};

}  // namespace ferry::system
