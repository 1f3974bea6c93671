// Reference semantics: one function per IR opcode. The interpreter runs
// them, constant folding evaluates them and the JIT calls them for opcodes it
// does not emit inline, so every backend agrees by construction.
#pragma once
#include <cstdint>

#include "core/cpu_state.h"
#include "ir/ir.h"

namespace ferry::ir {

// args: the instruction's argument values (integers zero-extended into lo).
// type: the instruction's result type as an integer (ir::Type).
using SemanticFn = Vec128 (*)(CpuState* state, const Vec128* args, uint64_t imm0, uint64_t imm1, uint32_t type);

SemanticFn semantic_fn(Opcode op);

namespace sem {
#define OPCODE(name, ...) Vec128 name(CpuState*, const Vec128*, uint64_t, uint64_t, uint32_t);
#include "ir/opcodes.inc"
#undef OPCODE
}  // namespace sem

// CNTVCT_EL0 as the guest sees it (host monotonic time at CNTFRQ).
uint64_t generic_timer_count();

// Helpers shared by the semantics files.
inline uint64_t width_mask(unsigned bits) { return bits >= 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1; }
inline uint64_t type_mask(uint32_t type) { return width_mask(bit_width(static_cast<Type>(type))); }
inline int64_t sign_extend(uint64_t v, unsigned bits) {
    return bits >= 64 ? static_cast<int64_t>(v) : static_cast<int64_t>(v << (64 - bits)) >> (64 - bits);
}
inline Vec128 scalar(uint64_t v) { return Vec128{v, 0}; }

}  // namespace ferry::ir
