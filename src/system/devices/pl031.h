// ARM PrimeCell Real Time Clock (PL031), after its Technical Reference
// Manual (DDI 0224): a 32-bit seconds counter (here host time plus the offset
// set through RTCLR) and a match register that raises the interrupt when the
// counter reaches it.
#pragma once
#include <cstdint>
#include <functional>

#include "system/devices/mmio_device.h"

namespace ferry::system {

class Pl031 final : public MmioDevice {
public:
    using Clock = std::function<uint64_t()>;  // host time in seconds since the epoch
    // Asks the board to call alarm() after the given number of seconds
    // (replacing any earlier request).
    using ArmAlarm = std::function<void(uint32_t seconds)>;

    Pl031(Clock clock, ArmAlarm arm_alarm, IrqLine irq);

    uint64_t read(uint64_t offset, unsigned size) override;
    void write(uint64_t offset, unsigned size, uint64_t value) override;
    // The alarm armed through ArmAlarm expired.
    void alarm();

private:
    uint32_t count() const { return static_cast<uint32_t>(clock_() + offset_); }
    void rearm();
    void update_irq();

    Clock clock_;
    ArmAlarm arm_alarm_;
    IrqLine irq_;
    uint64_t offset_ = 0;  // RTCDR - host seconds
    uint32_t match_ = 0, load_ = 0;
    bool interrupt_mask_ = false, raw_interrupt_ = false, irq_level_ = false;
};

}  // namespace ferry::system
