// A static AArch64 Linux ELF that runs many instruction streams, each from a
// state given in a data table, and writes the states they leave to stdout.
// qemu-aarch64 runs it as the oracle; Ferry runs the same streams in-process
// at the same guest addresses, so PC-relative results agree too.
#pragma once
#include <array>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "core/cpu_state.h"

namespace qemu_diff {

inline constexpr unsigned kMaxStreamWords = 8;      // test instructions per stream
inline constexpr unsigned kScratchBytes = 4096;     // per stream; x28 points at its middle
inline constexpr unsigned kScratchBase = kScratchBytes / 2;
inline constexpr unsigned kBaseReg = 28;            // memory instructions address through it
inline constexpr unsigned kOffsetReg = 27;          // register offsets: a small value

// Registers as the harness loads and stores them (the in and out tables).
struct alignas(16) RegState {
    uint64_t x[31];
    uint64_t sp;
    uint64_t nzcv;
    uint64_t fpsr;
    uint64_t fpcr;
    uint64_t unused[29];
    ferry::Vec128 v[32];
};
static_assert(sizeof(RegState) == 1024);

struct Stream {
    std::vector<uint32_t> words;   // the instructions under test
    std::vector<bool> uses_base;   // x28 is reset to the scratch middle before this one
    RegState in{};
    std::array<uint8_t, kScratchBytes> scratch{};
};

struct StreamResult {
    RegState out{};
    std::array<uint8_t, kScratchBytes> scratch{};
    std::map<uint64_t, int> signals;  // pc -> signal number raised there (then skipped)
};

// Where everything of one batch lives in the guest.
class GuestProgram {
public:
    explicit GuestProgram(std::span<const Stream> streams);

    const std::vector<uint8_t>& image() const { return image_; }  // the ELF file, loaded at kLoadAddress
    static constexpr uint64_t kLoadAddress = 0x400000;

    uint64_t scratch_address(size_t stream) const { return scratch_ + stream * kScratchBytes; }
    // Guest pc of the first instruction of the body (the x28 reset, when any, of word 0).
    uint64_t body_pc(size_t stream) const;
    // [first, end) pcs of word k including its x28 reset.
    uint64_t word_start_pc(size_t stream, size_t k) const;
    uint64_t word_pc(size_t stream, size_t k) const;  // the test instruction itself

    // Parses what the program wrote; false with a message when it is malformed.
    bool parse(const std::string& dump, std::vector<StreamResult>& results, std::string& error) const;

private:
    std::span<const Stream> streams_;
    std::vector<uint8_t> image_;
    uint64_t slots_ = 0, slot_bytes_ = 0, prologue_bytes_ = 0;
    uint64_t log_ = 0, log_capacity_ = 0, in_ = 0, out_ = 0, scratch_ = 0, end_ = 0;
};

// The body of a stream: x28 resets and test words, as the guest runs them.
std::vector<uint32_t> stream_body(const Stream& s, uint64_t scratch_address);

}  // namespace qemu_diff
