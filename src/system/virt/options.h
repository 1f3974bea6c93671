// ferry-system's command line, following qemu-system-aarch64:
//   ferry-system -M virt[,props] -cpu NAME -m SIZE -nographic -kernel FILE ...
#pragma once
#include <cstdint>
#include <string>

namespace ferry::system {

struct SystemOptions {
    // -M/-machine virt[,virtualization=on|off][,secure=on|off][,gic-version=2|3][,dumpdtb=FILE]
    bool virtualization = false;
    bool secure = false;
    unsigned gic_version = 2;
    std::string dumpdtb;
    // -cpu. QEMU's virt defaults to the 32-bit cortex-a15, which cannot run
    // AArch64 code; Ferry defaults to the smallest 64-bit model.
    std::string cpu = "cortex-a53";
    uint64_t ram_size = 128ull << 20;  // -m
    // -serial: "stdio", "mon:stdio", "file:PATH", "tcp:HOST:PORT,server[,nowait]", "null"/"none".
    std::string serial;
    bool nographic = false;
    std::string kernel, initrd, append, dtb;
    bool semihosting = false;
    std::string semihosting_cmdline;  // -semihosting-config arg=... (joined by spaces)
    bool no_reboot = false;
    uint32_t log_mask = 0;            // -d
    std::string gdb;                  // -gdb DEVICE (-s: tcp::1234); empty: no GDB stub
    bool start_stopped = false;       // -S: the CPU waits for the debugger
    bool interpreter = false, stats = false, perf_map = false;  // --interp, --stats, --perf-map (Ferry's own)
};

enum class ParseResult { Run, ExitOk, ExitError };

// Parses argv; prints help/version/errors itself (one line, "ferry-system: ...").
ParseResult parse_system_options(int argc, char** argv, SystemOptions& options);

// A size with an optional k/M/G/T suffix; a bare number is in MiB, as -m takes it.
bool parse_ram_size(const std::string& text, uint64_t& out);

}  // namespace ferry::system
