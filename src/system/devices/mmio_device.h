// What every memory-mapped device on the board offers: reads and writes of
// an offset inside its region, and interrupt lines it drives.
#pragma once
#include <cstdint>
#include <functional>

namespace ferry::system {

class MmioDevice {
public:
    virtual ~MmioDevice() = default;
    // offset is relative to the device's base; size is 1, 2, 4 or 8 bytes.
    // Reads of unimplemented registers return 0 and writes are ignored, as on
    // the PrimeCell peripherals (the bus never faults inside a device region).
    virtual uint64_t read(uint64_t offset, unsigned size) = 0;
    virtual void write(uint64_t offset, unsigned size, uint64_t value) = 0;
};

// -d guest_errors: the guest misused a register of `device` ("pl011",
// "gicv2 distributor"...): what = "read of unknown", "write to read-only"...
void log_register_misuse(const char* device, const char* what, uint64_t offset);
// -d guest_errors: an access wider than the device's 32-bit registers.
void log_wide_access(const char* device, const char* direction, unsigned size, uint64_t offset);

// A wire from a device to the interrupt controller: called with the new level.
using IrqLine = std::function<void(bool level)>;

// The PrimeCell identification registers at 0xFE0..0xFFC of ARM peripherals:
// PeriphID0-3 then PCellID0-3, one byte in each word. Returns false if
// offset is not one of them.
inline bool primecell_id_register(uint64_t offset, const uint8_t (&id)[8], uint64_t& value) {
    if (offset < 0xFE0 || offset > 0xFFC || (offset & 3)) return false;
    value = id[(offset - 0xFE0) / 4];
    return true;
}

}  // namespace ferry::system
