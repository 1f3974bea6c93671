// Crypto-extension helpers shared with other semantics files.
#pragma once
#include <cstdint>

#include "core/cpu_state.h"

namespace ferry::ir {

// PolynomialMult: the carry-less (GF(2)[x]) product of two polynomials of up
// to 64 terms. For 8-bit operands (PMULL.8H, PMUL) the product fits in the
// low 16 bits.
Vec128 polynomial_multiply(uint64_t op1, uint64_t op2);

}  // namespace ferry::ir
