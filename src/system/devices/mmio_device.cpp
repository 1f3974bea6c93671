#include "system/devices/mmio_device.h"

#include <cinttypes>

#include "common/log.h"

namespace ferry::system {

void log_register_misuse(const char* device, const char* what, uint64_t offset) {
    log::printf_if(log::GuestErrors, "%s: %s register 0x%" PRIx64 "\n", device, what, offset);
}

void log_wide_access(const char* device, const char* direction, unsigned size, uint64_t offset) {
    log::printf_if(log::GuestErrors, "%s: %u-byte %s of register 0x%" PRIx64 "\n", device, size, direction, offset);
}

}  // namespace ferry::system
