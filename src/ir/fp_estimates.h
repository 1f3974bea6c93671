// The Arm ARM's FP estimate and Newton-Raphson step functions, one element
// at a time, for the scalar and vector FRECPE/FRSQRTE/FRECPS/FRSQRTS/FRECPX
// and URECPE/URSQRTE (defined in semantics_fp.cpp).
//
// op, op1, op2: raw IEEE bits in the low `esize` bits (16, 32 or 64; FZ16 is
// not modelled, halves are never flushed). fpcr is FPCR as the instruction sees it (RMode,
// FZ, DN); the cumulative exception flags the operation raises are ORed into
// fpsr. Results are zero-extended raw bits.
#pragma once
#include <cstdint>

namespace ferry::ir {

// The IR ops FPRecipEstimate, FPRSqrtEstimate, FPRecipStep, FPRSqrtStep,
// FPRecpX (imm0 = size) and URecipEstimate, URSqrtEstimate (one U32 lane) run
// these on one scalar element, so vector forms can apply them per lane.

// FPRecipEstimate (FRECPE).
uint64_t fp_recip_estimate(uint64_t op, unsigned esize, uint32_t fpcr, uint32_t& fpsr);
// FPRSqrtEstimate (FRSQRTE).
uint64_t fp_rsqrt_estimate(uint64_t op, unsigned esize, uint32_t fpcr, uint32_t& fpsr);
// FPRecipStepFused (FRECPS): 2.0 - op1*op2 with one rounding; 0 * inf gives 2.0.
uint64_t fp_recps(uint64_t op1, uint64_t op2, unsigned esize, uint32_t fpcr, uint32_t& fpsr);
// FPRSqrtStepFused (FRSQRTS): (3.0 - op1*op2) / 2 with one rounding; 0 * inf gives 1.5.
uint64_t fp_rsqrts(uint64_t op1, uint64_t op2, unsigned esize, uint32_t fpcr, uint32_t& fpsr);
// FPRecpX (FRECPX): the exponent inverted, the fraction cleared.
uint64_t fp_recpx(uint64_t op, unsigned esize, uint32_t fpcr, uint32_t& fpsr);
// UnsignedRecipEstimate (URECPE) and UnsignedRSqrtEstimate (URSQRTE) of a 32-bit lane.
uint32_t unsigned_recip_estimate(uint32_t op);
uint32_t unsigned_rsqrt_estimate(uint32_t op);

}  // namespace ferry::ir
