// Loading a static AArch64 ELF64 executable (ET_EXEC or static-PIE ET_DYN)
// into the guest address space. Every header field is validated with
// overflow-safe arithmetic before it is used: a hostile file gives an error
// string, never a crash.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

#include "user/address_space.h"

namespace ferry::user {

// Where static-PIE images are placed (like the kernel's ELF_ET_DYN_BASE).
constexpr uint64_t kPieLoadBase = 0x5500000000;

struct LoadedImage {
    uint64_t entry = 0;
    uint64_t phdr = 0;       // guest address of the program headers (AT_PHDR)
    uint64_t phnum = 0;
    uint64_t load_bias = 0;  // 0 for ET_EXEC
    uint64_t brk_start = 0;  // first page after the highest segment
    bool exec_stack = false;
};

// Checks the file's bytes; returns "" if it is a loadable static AArch64
// executable, else the reason in a few words.
std::string check_elf(const uint8_t* data, size_t size);

// True if the first bytes of a file (at least 20 needed) are an AArch64 ELF
// header (used by execve to decide whether Ferry can run it).
bool looks_like_aarch64_elf(const uint8_t* data, size_t size);

// Reads and loads path; false with error set ("No such file or directory",
// "not an ELF file", ...) on failure.
bool load_elf(AddressSpace& space, const std::string& path, LoadedImage& image, std::string& error);

}  // namespace ferry::user
