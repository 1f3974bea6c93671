// Puts the boot images in RAM as QEMU's hw/arm/boot.c does for the virt
// board when no firmware is given: -kernel (an ELF file, or a Linux arm64
// Image, raw or gzip-compressed), -initrd, and the device tree.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "system/virt/board.h"

namespace ferry::system {

struct BootFiles {
    std::string kernel, initrd, append;
    std::string dtb;  // -dtb: replaces the generated tree
};

struct BootEntry {
    uint64_t pc = 0;
    uint64_t x0 = 0;          // the device tree address for a Linux Image, else 0
    bool is_linux = false;
    uint64_t dtb_address = 0; // 0: no device tree in RAM
};

// The board's own device tree for a kernel (whether it is Linux decides the
// boot EL, hence the PSCI conduit the tree names).
using DeviceTreeMaker = std::function<std::vector<uint8_t>(bool is_linux)>;

// Loads everything into board's RAM. make_dtb gives the board's tree, used
// unless files.dtb names another. False with a one-line message.
bool load_boot_files(VirtBoard& board, const BootFiles& files, const DeviceTreeMaker& make_dtb, BootEntry& entry,
                     std::string& error);

// Reads a whole file; false with a message naming what (e.g. "kernel").
bool read_file(const std::string& path, const char* what, std::vector<uint8_t>& out, std::string& error);

}  // namespace ferry::system
