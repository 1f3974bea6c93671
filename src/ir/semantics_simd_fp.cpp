// Reference semantics of the FP lane ops that only AdvSIMD uses (FMULX and
// FCVTXN), written on top of the scalar FP ops of semantics_fp.cpp.
#include "ir/semantics.h"

namespace ferry::ir {

namespace sem {

namespace {
constexpr uint32_t kFpsrIXC = 1u << 4, kFpsrIDC = 1u << 7;
constexpr uint32_t kFpcrFZ = 1u << 24, kFpcrRModeZero = 3u << 22, kFpcrRMode = 3u << 22;

struct Fields {
    bool sign;
    uint64_t exp, frac;
};
Fields fields(uint64_t v, unsigned bits) {
    const unsigned fraction_bits = bits == 64 ? 52 : 23;
    const uint64_t exp_mask = bits == 64 ? 0x7ff : 0xff;
    return {((v >> (bits - 1)) & 1) != 0, (v >> fraction_bits) & exp_mask, v & ((uint64_t{1} << fraction_bits) - 1)};
}
}  // namespace

// FPMulX: as FPMul, except that infinity times zero is 2.0 with the sign of
// the product instead of the invalid-operation default NaN.
Vec128 FPMulX(CpuState* s, const Vec128* a, uint64_t imm0, uint64_t imm1, uint32_t type) {
    const unsigned bits = static_cast<unsigned>(imm0);
    const uint64_t exp_ones = bits == 64 ? 0x7ff : 0xff;
    const Fields x = fields(a[0].lo, bits), y = fields(a[1].lo, bits);
    const bool fz = s->fpcr & kFpcrFZ;
    const auto is_inf = [&](const Fields& f) { return f.exp == exp_ones && f.frac == 0; };
    // Zero after FPUnpack: flush-to-zero turns denormals into zeros.
    const auto is_zero = [&](const Fields& f) { return f.exp == 0 && (f.frac == 0 || fz); };
    if ((is_inf(x) && is_zero(y)) || (is_zero(x) && is_inf(y))) {
        if ((x.exp == 0 && x.frac != 0) || (y.exp == 0 && y.frac != 0)) s->fpsr |= kFpsrIDC;  // a flushed denormal
        const uint64_t two = bits == 64 ? 0x4000000000000000 : 0x40000000;
        return scalar(two | (uint64_t{x.sign != y.sign} << (bits - 1)));
    }
    return FPMul(s, a, imm0, imm1, type);
}

// FPConvert(op, FPRounding_ODD) from double to single: rounding toward zero
// and then setting the lowest bit if the result was inexact is the same
// rounding (an overflow gives the largest normal either way).
Vec128 FPConvertOdd(CpuState* s, const Vec128* a, uint64_t imm0, uint64_t imm1, uint32_t type) {
    (void)imm0, (void)imm1;
    CpuState toward_zero;
    toward_zero.fpcr = (s->fpcr & ~kFpcrRMode) | kFpcrRModeZero;
    Vec128 r = FPConvert(&toward_zero, a, 64, 32, type);
    if (toward_zero.fpsr & kFpsrIXC) r.lo |= 1;
    s->fpsr |= toward_zero.fpsr;
    return r;
}

}  // namespace sem

}  // namespace ferry::ir
