// The IR interpreter: the reference the JIT is checked against.
#pragma once
#include <array>
#include <cstdint>
#include <vector>

#include "core/cpu_state.h"
#include "ir/ir.h"

namespace ferry::interp {

// A memory write the interpreter made, with the bytes it overwrote (lockstep undo).
struct StoreRecord {
    uint64_t addr;
    unsigned size;
    std::array<uint8_t, 64> old_bytes;
};

// Runs one block; sets state.pc from the terminal. When journal is not null,
// every memory write is recorded there before it happens.
void run_block(const ir::Block& block, CpuState& state, std::vector<StoreRecord>* journal = nullptr);

}  // namespace ferry::interp
