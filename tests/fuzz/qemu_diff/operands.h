// Operand values for the differential fuzzer that oversample the cases where
// FP and integer arithmetic go wrong: signed zeros, infinities, quiet and
// signalling NaNs with random payloads, subnormals, the extremes of the normal
// range, values at the edges of integer conversions and rounding ties, and
// integer limits; the rest are ordinary values and random bit patterns.
#pragma once
#include <cstdint>
#include <random>

#include "core/cpu_state.h"

namespace qemu_diff {

using Rng = std::mt19937_64;

// An IEEE 754 binary16, binary32 or binary64 encoding (bits = 16, 32 or 64).
uint64_t draw_fp(unsigned bits, Rng& rng);

// A bits-wide integer (8, 16, 32 or 64): limits and their neighbours, small values, random.
uint64_t draw_lane_int(unsigned bits, Rng& rng);

// A general-register value: integer limits, conversion edges (2^53 + 1, INT_MIN...), FP bit
// patterns (for FMOV), small and random values.
uint64_t draw_int(Rng& rng);

// How a stream fills its vector registers: every register laid out alike (FP lanes or integer
// lanes of one size), so that the lane size of most instructions finds the values it is meant
// for, or each register on its own.
struct VectorLayout {
    enum Kind { FpLanes, IntLanes, Random, Mixed } kind;
    unsigned lane_bits;  // FpLanes: 16, 32 or 64; IntLanes: 8 to 64
};
VectorLayout draw_layout(Rng& rng);
ferry::Vec128 draw_vector(VectorLayout layout, Rng& rng);

// FPCR: every combination of RMode, FZ, DN and AHP (the bits Ferry implements), all clear often.
uint32_t draw_fpcr(Rng& rng);

}  // namespace qemu_diff
