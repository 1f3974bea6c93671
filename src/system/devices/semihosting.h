// Arm semihosting (the "Semihosting for AArch32 and AArch64" specification,
// version 2): the guest asks the host for console and file I/O, time and its
// command line by HLT #0xF000 with the operation in W0 and a parameter (or a
// parameter block of 64-bit fields) in X1; the result goes back in X0.
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace ferry::system {

// The semihosting console: SYS_WRITEC/WRITE0 output (QEMU writes it to
// stderr), SYS_READC and :tt input.
class SemihostingConsole {
public:
    virtual ~SemihostingConsole() = default;
    virtual void write(const void* data, size_t bytes) = 0;
    // Blocks for one byte of console input; -1 at end of input.
    virtual int read_byte() = 0;
};

// Guest virtual memory as the calling exception level sees it.
struct GuestMemory {
    std::function<bool(uint64_t va, void* out, size_t bytes)> read;
    std::function<bool(uint64_t va, const void* in, size_t bytes)> write;
};

class Semihosting {
public:
    struct Config {
        std::string cmdline;          // SYS_GET_CMDLINE
        uint64_t ram_base = 0, ram_size = 0;  // SYS_HEAPINFO
    };

    Semihosting(const Config& config, SemihostingConsole& console, GuestMemory memory);
    ~Semihosting();

    // Runs operation op with parameter param; returns the value for X0.
    uint64_t call(uint32_t op, uint64_t param);
    // Set once the guest called SYS_EXIT or SYS_EXIT_EXTENDED: the host exit status.
    std::optional<int> exit_status() const { return exit_status_; }

private:
    struct Handle {
        int fd = -1;             // host file; -1: console input
        bool host_stream = false;  // :tt: fd is the host's stdout/stderr, or the console
        std::string features;    // contents of :semihosting-features, read through pos
        uint64_t pos = 0;
        bool is_features = false;
    };

    bool fields(uint64_t param, uint64_t* out, unsigned count);
    bool read_string(uint64_t va, uint64_t length, std::string& out);
    Handle* handle(uint64_t id);
    int64_t allocate(Handle h);
    int64_t open(uint64_t param);
    int64_t close(uint64_t param);
    int64_t write(uint64_t param);
    int64_t read(uint64_t param);
    int64_t write0(uint64_t param);
    int64_t seek(uint64_t param);
    int64_t flen(uint64_t param);
    int64_t istty(uint64_t param);
    int64_t get_cmdline(uint64_t param);
    int64_t heapinfo(uint64_t param);
    int64_t elapsed(uint64_t param);
    int64_t exit_program(uint64_t param);
    int64_t fail(int error);

    Config config_;
    SemihostingConsole& console_;
    GuestMemory memory_;
    std::vector<std::optional<Handle>> handles_;
    int errno_ = 0;
    std::chrono::steady_clock::time_point start_;
    std::optional<int> exit_status_;
};

}  // namespace ferry::system
