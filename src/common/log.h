// QEMU-style logging: `-d item,item` selects what is written to the log
// (stderr, or the file given with `-D`).
#pragma once
#include <cstdarg>
#include <cstdint>
#include <string>
#include <string_view>

namespace ferry::log {

enum Item : uint32_t {
    InAsm = 1 << 0,     // guest instructions of each translated block
    OutAsm = 1 << 1,    // host code of each translated block
    Op = 1 << 2,        // IR before and after the passes
    Exec = 1 << 3,      // each block entered from the dispatcher
    Cpu = 1 << 4,       // registers at each dispatch
    Int = 1 << 5,       // exceptions and signals
    Unimp = 1 << 6,     // unimplemented system calls, registers, instructions
    GuestErrors = 1 << 7,
    NoChain = 1 << 8,   // not a log: disables block chaining
    Strace = 1 << 9,    // system calls and their results
    Mmu = 1 << 10,
};

// Parses "in_asm,op,..." (or "help"); returns false with a message for an unknown item.
bool parse_items(std::string_view list, uint32_t& mask, std::string& error);
// The help text listing the items, as `-d help` prints it.
std::string help();

void set_mask(uint32_t mask);
bool enabled(Item item);
// Opens the log file (`-D`); returns false with errno set on failure.
bool set_file(const char* path);

void printf(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
// printf only when `item` is enabled (for lines whose arguments are cheap).
void printf_if(Item item, const char* fmt, ...) __attribute__((format(printf, 2, 3)));

// Disassembly for in_asm/out_asm, one instruction per line, via capstone.
std::string disassemble_a64(uint64_t pc, const uint32_t* words, size_t count);
std::string disassemble_x64(const void* code, size_t bytes);

}  // namespace ferry::log
