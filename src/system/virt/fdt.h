// The virt board's flattened device tree, built with libfdt from the board's
// placements (and shaped like the one QEMU generates for virt).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "system/virt/board.h"

namespace ferry::system {

// How the guest reaches PSCI firmware, as /psci's method says.
enum class PsciMethod { None, Hvc, Smc };

struct DeviceTreeConfig {
    std::string cpu_compatible;  // e.g. "arm,cortex-a53"
    PsciMethod psci = PsciMethod::Hvc;
};

// The generated tree (its /chosen holds only stdout-path), 1 MiB like QEMU's.
std::vector<uint8_t> build_device_tree(const VirtBoard& board, const DeviceTreeConfig& config);

struct ChosenInfo {
    std::string bootargs;                         // -append; empty: left as it is
    uint64_t initrd_start = 0, initrd_end = 0;    // both 0: no initrd
};

// Sets /chosen's bootargs and linux,initrd-start/end in a tree (generated or
// from -dtb), growing it as needed. False with a message if the tree is bad.
bool set_chosen(std::vector<uint8_t>& fdt, const ChosenInfo& chosen, std::string& error);

// fdt_check_header and a size that matches the buffer: false with a message.
bool check_device_tree(const std::vector<uint8_t>& fdt, std::string& error);

}  // namespace ferry::system
