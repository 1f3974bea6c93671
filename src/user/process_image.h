// The rest of a new guest process image after the ELF: the initial stack
// (argc, argv, envp, auxv and the strings they point to, as Linux's
// create_elf_tables lays them out) and the signal return trampoline.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "user/address_space.h"
#include "user/elf_loader.h"

namespace ferry::user {

// AT_HWCAP / AT_HWCAP2: what Ferry's translator implements (asm/hwcap.h bits).
uint64_t guest_hwcap();
uint64_t guest_hwcap2();

struct StackRequest {
    std::vector<std::string> argv, envp;
    std::string execfn;  // AT_EXECFN
    uint64_t top = 0;    // highest stack address (exclusive)
    uint64_t size = 0;
};

// Maps the stack and writes the initial frame; returns the initial sp, or 0
// if it does not fit.
uint64_t build_initial_stack(AddressSpace& mem, const LoadedImage& image, const StackRequest& request);

// Maps one executable page holding "mov x8, #139 (rt_sigreturn); svc #0";
// returns its guest address (0 on failure). Guest handlers return through it
// unless they bring their own SA_RESTORER.
uint64_t map_sigreturn_trampoline(AddressSpace& mem);

}  // namespace ferry::user
