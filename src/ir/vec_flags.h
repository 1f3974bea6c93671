// The imm1 flags of the AdvSIMD integer lane ops (see opcodes.inc), shared by
// the translators that set them and the semantics that read them.
#pragma once
#include <cstdint>

namespace ferry::ir::vec {

constexpr uint64_t kUnsigned = 1;        // operands (and, unless kResultUnsigned says otherwise, the result) unsigned
constexpr uint64_t kRound = 2;           // add half of the last bit shifted out before shifting
constexpr uint64_t kResultUnsigned = 4;  // saturate to an unsigned result whatever the operands (SQSHLU, SQXTUN)
constexpr uint64_t kSubtract = 8;        // a - b instead of a + b
constexpr uint64_t kMixed = 16;          // VecSatAdd: b has the other signedness (SUQADD, USQADD)
constexpr uint64_t kHigh = 32;           // VecSatDoublingMul: the high half (SQDMULH)
constexpr uint64_t kLong = 64;           // VecPolyMul: 2*esize products of the low half's lanes

// VecSatNarrow's imm1: flags | shift << kShiftPos.
constexpr unsigned kShiftPos = 8;

}  // namespace ferry::ir::vec
