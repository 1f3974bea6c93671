// Test support: run A64 instruction words through the translator and the
// interpreter (the reference) against a CpuState.
#pragma once
#include <cstdint>
#include <cstring>
#include <vector>

#include <gtest/gtest.h>

#include "backend/interp/interpreter.h"
#include "core/cpu_state.h"
#include "frontend/a64/translator.h"

namespace ferry::test {

// A CpuState whose guest addresses are host addresses, so tests can point
// registers at local buffers.
inline CpuState make_state() {
    CpuState s;
    s.guest_base = 0;
    s.guest_mask = ~uint64_t{0};
    return s;
}

// A counted loop for tests of the run loop: x1 counts down from
// kCountedLoopTrips in a four-instruction block at kCountedLoopBody (x0 += 1,
// x2 += 3 each time), then three SVCs.
inline constexpr uint64_t kCountedLoopBase = 0x10000;
inline constexpr uint64_t kCountedLoopTrips = 1000;
inline constexpr uint64_t kCountedLoopBody = kCountedLoopBase + 0xc;
inline const std::vector<uint32_t> kCountedLoop = {
    0xd2800000u,  // movz x0, #0
    0xd2807d01u,  // movz x1, #1000
    0x14000001u,  // b loop
    0x91000400u,  // loop: add x0, x0, #1
    0x91000c42u,  //       add x2, x2, #3
    0xf1000421u,  //       subs x1, x1, #1
    0x54ffffa1u,  //       b.ne loop
    0xd4000001u,  // svc #0
    0xd4000001u,  // svc #0
    0xd4000001u,  // svc #0
};

// An engine's instruction fetch from `words` placed at `base`.
inline a64::FetchFn fetch_words(std::vector<uint32_t> words, uint64_t base) {
    return [words = std::move(words), base](uint64_t pc, uint32_t& w) {
        if (pc < base || pc >= base + 4 * words.size()) return false;
        w = words[(pc - base) / 4];
        return true;
    };
}

// Executes `words` as straight-line code at `pc` (one block per instruction,
// so branches and exits are visible): stops at the first exit reason or when
// the pc leaves the sequence. Returns the final state.
inline void run_words(CpuState& s, const std::vector<uint32_t>& words, uint64_t pc = 0x10000) {
    s.pc = pc;
    for (unsigned steps = 0; steps < 10000; ++steps) {
        if (s.pc < pc || s.pc >= pc + 4 * words.size()) return;
        ir::Block b = a64::translate_one(s.pc, words[(s.pc - pc) / 4]);
        interp::run_block(b, s);
        if (s.exit_reason != ExitReason::None) return;
    }
}

// One instruction as its own block at pc, whose IR must verify.
inline CpuState run_verified(uint32_t word, CpuState s, uint64_t pc = 0x10000) {
    s.pc = pc;
    const ir::Block block = a64::translate_one(pc, word);
    EXPECT_EQ(ir::verify(block), "");
    interp::run_block(block, s);
    return s;
}

inline CpuState run_one(CpuState s, uint32_t word, uint64_t pc = 0x10000) {
    run_words(s, {word}, pc);
    return s;
}

constexpr uint32_t N = 1u << 31, Z = 1u << 30, C = 1u << 29, V = 1u << 28;

}  // namespace ferry::test
