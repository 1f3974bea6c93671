// The FP reference semantics against values worked out from the Arm ARM
// pseudocode (FPRound, FPProcessNaNs, FPToFixed, ...): results and FPSR flags
// in each rounding mode, with FZ and DN on and off.
#include <gtest/gtest.h>

#include <initializer_list>

#include "ir/fp_estimates.h"
#include "ir/semantics.h"

namespace ferry::ir {
namespace {

constexpr uint32_t IOC = 1, DZC = 2, OFC = 4, UFC = 8, IXC = 16, IDC = 128;
constexpr uint32_t RN = 0, RP = 1u << 22, RM = 2u << 22, RZ = 3u << 22, FZ = 1u << 24, DN = 1u << 25, AHP = 1u << 26;

// Single precision.
constexpr uint64_t S_ONE = 0x3f800000, S_TWO = 0x40000000, S_HALF = 0x3f000000, S_MAX = 0x7f7fffff;
constexpr uint64_t S_INF = 0x7f800000, S_NINF = 0xff800000, S_MIN_NORMAL = 0x00800000, S_NZERO = 0x80000000;
constexpr uint64_t S_DEFAULT_NAN = 0x7fc00000;
// Double precision.
constexpr uint64_t D_ONE = 0x3ff0000000000000, D_TWO = 0x4000000000000000, D_THREE = 0x4008000000000000;
constexpr uint64_t D_NONE = 0xbff0000000000000, D_INF = 0x7ff0000000000000, D_NZERO = 0x8000000000000000;
constexpr uint64_t D_DEFAULT_NAN = 0x7ff8000000000000;
constexpr uint64_t D_2_5 = 0x4004000000000000, D_N2_5 = 0xc004000000000000;

struct Result {
    uint64_t value;
    uint32_t fpsr;
};

Result run(SemanticFn fn, uint32_t fpcr, unsigned bits, std::initializer_list<uint64_t> operands, uint64_t imm1 = 0) {
    CpuState s;
    s.fpcr = fpcr;
    Vec128 args[3] = {};
    unsigned i = 0;
    for (uint64_t v : operands) args[i++] = Vec128{v, 0};
    const Vec128 r = fn(&s, args, bits, imm1, static_cast<uint32_t>(Type::U64));
    return {r.lo, s.fpsr};
}

void expect(Result got, uint64_t value, uint32_t fpsr) {
    EXPECT_EQ(got.value, value) << std::hex << "got 0x" << got.value << " want 0x" << value;
    EXPECT_EQ(got.fpsr, fpsr) << std::hex << "fpsr 0x" << got.fpsr << " want 0x" << fpsr;
}

uint64_t rounding(FPRounding r, bool exact = false) { return static_cast<uint64_t>(r) | (uint64_t{exact} << 4); }
uint64_t fixed(unsigned int_bits, bool is_unsigned, FPRounding r, unsigned fbits = 0) {
    return int_bits | (uint64_t{is_unsigned} << 7) | (uint64_t{static_cast<uint8_t>(r)} << 8) | (uint64_t{fbits} << 12);
}

TEST(FpSemantics, AddExactAndInEachRoundingMode) {
    expect(run(sem::FPAdd, RN, 64, {D_ONE, D_TWO}), D_THREE, 0);
    const uint64_t tiny = 0x3c30000000000000;  // 2^-60
    expect(run(sem::FPAdd, RN, 64, {D_ONE, tiny}), D_ONE, IXC);
    expect(run(sem::FPAdd, RP, 64, {D_ONE, tiny}), D_ONE + 1, IXC);
    expect(run(sem::FPAdd, RM, 64, {D_ONE, tiny}), D_ONE, IXC);
    expect(run(sem::FPAdd, RZ, 64, {D_ONE, tiny}), D_ONE, IXC);
    expect(run(sem::FPAdd, RM, 64, {D_NONE, tiny | D_NZERO}), D_NONE + 1, IXC);
    expect(run(sem::FPSub, RP, 64, {D_ONE, tiny | D_NZERO}), D_ONE + 1, IXC);
    // Ties to even: 1 + 2^-24 in single is exactly half an ulp.
    expect(run(sem::FPAdd, RN, 32, {S_ONE, 0x33800000}), S_ONE, IXC);
    expect(run(sem::FPAdd, RN, 32, {S_ONE + 1, 0x33800000}), S_ONE + 2, IXC);
}

TEST(FpSemantics, SignOfZeroResults) {
    expect(run(sem::FPSub, RN, 64, {D_TWO, D_TWO}), 0, 0);
    expect(run(sem::FPSub, RM, 64, {D_TWO, D_TWO}), D_NZERO, 0);
    expect(run(sem::FPAdd, RN, 64, {D_NZERO, D_NZERO}), D_NZERO, 0);
    expect(run(sem::FPAdd, RN, 64, {0, D_NZERO}), 0, 0);
    expect(run(sem::FPAdd, RM, 64, {0, D_NZERO}), D_NZERO, 0);
    expect(run(sem::FPSub, RN, 64, {D_NZERO, 0}), D_NZERO, 0);
}

TEST(FpSemantics, UnderflowIsDetectedBeforeRounding) {
    // (1 - 2^-24) * 2^-126 is tiny but rounds up to the smallest normal:
    // Arm raises Underflow (x86 would not: it detects tininess after rounding).
    expect(run(sem::FPMul, RN, 32, {0x3f7fffff, S_MIN_NORMAL}), S_MIN_NORMAL, UFC | IXC);
    // With FZ the same tiny value is flushed to zero: Underflow only, not Inexact.
    expect(run(sem::FPMul, FZ, 32, {0x3f7fffff, S_MIN_NORMAL}), 0, UFC);
    expect(run(sem::FPMul, FZ, 32, {0xbf7fffff, S_MIN_NORMAL}), S_NZERO, UFC);
    // An exact denormal result does not underflow.
    expect(run(sem::FPMul, RN, 32, {0x00000002, S_HALF}), 0x00000001, 0);
    // Half the smallest denormal ties to even: zero, inexact and underflow.
    expect(run(sem::FPMul, RN, 32, {0x00000001, S_HALF}), 0, UFC | IXC);
    expect(run(sem::FPMul, RP, 32, {0x00000001, S_HALF}), 0x00000001, UFC | IXC);
}

TEST(FpSemantics, FlushToZeroInputs) {
    // FZ flushes a denormal operand to zero and raises IDC.
    expect(run(sem::FPMul, FZ, 32, {0x00000002, S_HALF}), 0, IDC);
    expect(run(sem::FPAdd, FZ, 64, {D_ONE, 0x0000000000000001}), D_ONE, IDC);
    expect(run(sem::FPAdd, FZ, 64, {0x8000000000000001, 0x8000000000000001}), D_NZERO, IDC);
    // Without FZ denormals take part (and raise nothing when exact).
    expect(run(sem::FPAdd, RN, 64, {0x0000000000000001, 0x0000000000000001}), 0x0000000000000002, 0);
}

TEST(FpSemantics, Overflow) {
    expect(run(sem::FPMul, RN, 32, {S_MAX, S_TWO}), S_INF, OFC | IXC);
    expect(run(sem::FPMul, RZ, 32, {S_MAX, S_TWO}), S_MAX, OFC | IXC);
    expect(run(sem::FPMul, RM, 32, {S_MAX, S_TWO}), S_MAX, OFC | IXC);
    expect(run(sem::FPMul, RP, 32, {S_MAX | S_NZERO, S_TWO}), S_MAX | S_NZERO, OFC | IXC);
    expect(run(sem::FPMul, RM, 32, {S_MAX | S_NZERO, S_TWO}), S_NINF, OFC | IXC);
}

TEST(FpSemantics, NaNPropagation) {
    // Signalling NaNs first (quieted, IOC), then quiet NaNs, first operand first.
    expect(run(sem::FPAdd, RN, 32, {0x7fc00001, 0x7f800002}), 0x7fc00002, IOC);
    expect(run(sem::FPAdd, RN, 32, {0x7f800001, 0x7fc00002}), 0x7fc00001, IOC);
    expect(run(sem::FPAdd, RN, 32, {0x7fc00001, 0xffc00002}), 0x7fc00001, 0);
    expect(run(sem::FPMul, RN, 32, {S_ONE, 0xffc00002}), 0xffc00002, 0);
    // FSUB propagates its second operand without negating it.
    expect(run(sem::FPSub, RN, 64, {D_ONE, 0xfff8000000000005}), 0xfff8000000000005, 0);
    // DN: the default NaN, still raising IOC for a signalling one.
    expect(run(sem::FPAdd, DN, 32, {0x7fc00001, S_ONE}), S_DEFAULT_NAN, 0);
    expect(run(sem::FPAdd, DN, 32, {S_ONE, 0xff800001}), S_DEFAULT_NAN, IOC);
    expect(run(sem::FPSqrt, RN, 64, {0x7ff0000000000001}), 0x7ff8000000000001, IOC);
}

TEST(FpSemantics, InvalidOperationsGiveThePositiveDefaultNaN) {
    expect(run(sem::FPAdd, RN, 32, {S_INF, S_NINF}), S_DEFAULT_NAN, IOC);
    expect(run(sem::FPSub, RN, 64, {D_INF, D_INF}), D_DEFAULT_NAN, IOC);
    expect(run(sem::FPMul, RN, 64, {D_NZERO, D_INF}), D_DEFAULT_NAN, IOC);
    expect(run(sem::FPDiv, RN, 64, {0, D_NZERO}), D_DEFAULT_NAN, IOC);
    expect(run(sem::FPDiv, RN, 64, {D_INF, D_INF}), D_DEFAULT_NAN, IOC);
    expect(run(sem::FPSqrt, RN, 64, {D_NONE}), D_DEFAULT_NAN, IOC);
    expect(run(sem::FPSqrt, RN, 64, {D_INF | D_NZERO}), D_DEFAULT_NAN, IOC);
}

TEST(FpSemantics, Division) {
    expect(run(sem::FPDiv, RN, 64, {D_ONE, 0}), D_INF, DZC);
    expect(run(sem::FPDiv, RN, 64, {D_NONE, 0}), D_INF | D_NZERO, DZC);
    expect(run(sem::FPDiv, RN, 64, {D_INF, 0}), D_INF, 0);
    expect(run(sem::FPDiv, RN, 64, {D_ONE, D_THREE}), 0x3fd5555555555555, IXC);
    expect(run(sem::FPDiv, RP, 64, {D_ONE, D_THREE}), 0x3fd5555555555556, IXC);
    expect(run(sem::FPDiv, RN, 32, {S_ONE, 0x40400000}), 0x3eaaaaab, IXC);
    expect(run(sem::FPDiv, RN, 64, {D_THREE, D_TWO}), 0x3ff8000000000000, 0);
}

TEST(FpSemantics, MaxMinAndZeros) {
    expect(run(sem::FPMax, RN, 32, {0, S_NZERO}), 0, 0);
    expect(run(sem::FPMax, RN, 32, {S_NZERO, 0}), 0, 0);
    expect(run(sem::FPMin, RN, 32, {0, S_NZERO}), S_NZERO, 0);
    expect(run(sem::FPMin, RN, 32, {S_NZERO, 0}), S_NZERO, 0);
    expect(run(sem::FPMax, RN, 64, {D_ONE, D_TWO}), D_TWO, 0);
    expect(run(sem::FPMin, RN, 64, {D_INF | D_NZERO, D_TWO}), D_INF | D_NZERO, 0);
    expect(run(sem::FPMax, RN, 32, {0x7fc00001, S_ONE}), 0x7fc00001, 0);
    expect(run(sem::FPMax, FZ, 32, {0x80000001, 0}), 0, IDC);
    expect(run(sem::FPMin, FZ, 32, {0x00000001, S_NZERO}), S_NZERO, IDC);
}

TEST(FpSemantics, MaxNumMinNumIgnoreOneQuietNaN) {
    expect(run(sem::FPMaxNum, RN, 32, {0x7fc00001, S_ONE}), S_ONE, 0);
    expect(run(sem::FPMinNum, RN, 32, {S_ONE, 0xffc00001}), S_ONE, 0);
    expect(run(sem::FPMaxNum, RN, 32, {0x7fc00001, 0x7fc00002}), 0x7fc00001, 0);
    expect(run(sem::FPMaxNum, RN, 32, {0x7f800001, S_ONE}), 0x7fc00001, IOC);
    expect(run(sem::FPMinNum, RN, 32, {0x7fc00001, 0x7f800002}), 0x7fc00002, IOC);
}

TEST(FpSemantics, FusedMultiplyAddRoundsOnce) {
    // (1 + 2^-52)(1 - 2^-53) - 1 = 2^-53 - 2^-105, exact when fused.
    expect(run(sem::FPMulAdd, RN, 64, {D_NONE, D_ONE + 1, 0x3fefffffffffffff}), 0x3c9ffffffffffffe, 0);
    expect(run(sem::FPMulAdd, RN, 64, {D_ONE, D_TWO, D_THREE}), 0x401c000000000000, 0);  // 1 + 6
    // A quiet NaN addend with 0 * Inf is still an invalid operation.
    expect(run(sem::FPMulAdd, RN, 64, {0x7ff8000000000123, 0, D_INF}), D_DEFAULT_NAN, IOC);
    expect(run(sem::FPMulAdd, RN, 64, {0x7ff8000000000123, D_ONE, D_TWO}), 0x7ff8000000000123, 0);
    expect(run(sem::FPMulAdd, RN, 64, {D_ONE, 0x7ff0000000000001, 0x7ff8000000000002}), 0x7ff8000000000001, IOC);
    expect(run(sem::FPMulAdd, RN, 64, {D_INF, D_INF | D_NZERO, D_ONE}), D_DEFAULT_NAN, IOC);
    // Exact zeros: opposite signs give +0 (-0 rounding down), equal signs keep it.
    expect(run(sem::FPMulAdd, RN, 64, {D_NZERO, 0, D_THREE}), 0, 0);
    expect(run(sem::FPMulAdd, RM, 64, {D_NZERO, 0, D_THREE}), D_NZERO, 0);
    expect(run(sem::FPMulAdd, RN, 64, {D_NZERO, D_NZERO, D_THREE}), D_NZERO, 0);
    expect(run(sem::FPMulAdd, RN, 64, {D_NONE, D_ONE, D_ONE}), 0, 0);
}

TEST(FpSemantics, SquareRoot) {
    expect(run(sem::FPSqrt, RN, 64, {D_TWO}), 0x3ff6a09e667f3bcd, IXC);
    expect(run(sem::FPSqrt, RZ, 64, {D_TWO}), 0x3ff6a09e667f3bcc, IXC);  // the nearest is above sqrt(2)
    expect(run(sem::FPSqrt, RN, 64, {0x4010000000000000}), D_TWO, 0);
    expect(run(sem::FPSqrt, RN, 32, {S_TWO}), 0x3fb504f3, IXC);
    expect(run(sem::FPSqrt, RN, 64, {D_NZERO}), D_NZERO, 0);
    expect(run(sem::FPSqrt, RN, 64, {D_INF}), D_INF, 0);
    expect(run(sem::FPSqrt, RN, 32, {0x00000002}), 0x1a800000, 0);  // sqrt(2^-148) = 2^-74
}

TEST(FpSemantics, CompareFlags) {
    expect(run(sem::FPCompare, RN, 64, {D_ONE, D_TWO}), 0x80000000, 0);
    expect(run(sem::FPCompare, RN, 64, {D_TWO, D_TWO}), 0x60000000, 0);
    expect(run(sem::FPCompare, RN, 64, {D_THREE, D_TWO}), 0x20000000, 0);
    expect(run(sem::FPCompare, RN, 64, {0, D_NZERO}), 0x60000000, 0);
    expect(run(sem::FPCompare, RN, 64, {D_INF, D_INF}), 0x60000000, 0);
    // Unordered: C and V; FCMP signals only on a signalling NaN, FCMPE on any.
    expect(run(sem::FPCompare, RN, 64, {0x7ff8000000000000, D_ONE}), 0x30000000, 0);
    expect(run(sem::FPCompare, RN, 64, {0x7ff8000000000000, D_ONE}, 1), 0x30000000, IOC);
    expect(run(sem::FPCompare, RN, 64, {D_ONE, 0x7ff0000000000001}), 0x30000000, IOC);
    expect(run(sem::FPCompare, FZ, 32, {0x00000001, 0}), 0x60000000, IDC);
    expect(run(sem::FPCondCompare, RN, 64, {0x7ff0000000000001, D_ONE, 0}, 0x20), 0x20000000, 0);
    expect(run(sem::FPCondCompare, RN, 64, {D_ONE, D_ONE, 1}, 0x20), 0x60000000, 0);
}

TEST(FpSemantics, RoundToIntegral) {
    expect(run(sem::FPRoundInt, RN, 64, {D_2_5}, rounding(FPRounding::TieEven)), D_TWO, 0);
    expect(run(sem::FPRoundInt, RN, 64, {0x400c000000000000}, rounding(FPRounding::TieEven)), 0x4010000000000000, 0);
    expect(run(sem::FPRoundInt, RN, 64, {D_2_5}, rounding(FPRounding::TieAway)), D_THREE, 0);
    expect(run(sem::FPRoundInt, RN, 64, {D_N2_5}, rounding(FPRounding::TieAway)), D_THREE | D_NZERO, 0);
    expect(run(sem::FPRoundInt, RN, 64, {0xbfe0000000000000}, rounding(FPRounding::PosInf)), D_NZERO, 0);
    expect(run(sem::FPRoundInt, RN, 64, {0xbfd3333333333333}, rounding(FPRounding::NegInf)), D_NONE, 0);
    expect(run(sem::FPRoundInt, RN, 64, {0x3fd3333333333333}, rounding(FPRounding::NegInf)), 0, 0);
    expect(run(sem::FPRoundInt, RN, 64, {D_N2_5}, rounding(FPRounding::Zero)), D_TWO | D_NZERO, 0);
    expect(run(sem::FPRoundInt, RN, 64, {0x7fe0000000000000}, rounding(FPRounding::Zero)), 0x7fe0000000000000, 0);
    // FRINTX reports inexact; FRINTI/X follow FPCR.
    expect(run(sem::FPRoundInt, RN, 64, {0x3ff8000000000000}, rounding(FPRounding::Fpcr, true)), D_TWO, IXC);
    expect(run(sem::FPRoundInt, RP, 64, {0x3ff199999999999a}, rounding(FPRounding::Fpcr)), D_TWO, 0);
    expect(run(sem::FPRoundInt, RN, 32, {0x7f800001}, rounding(FPRounding::Zero)), 0x7fc00001, IOC);
    expect(run(sem::FPRoundInt, RN, 32, {0x00000001}, rounding(FPRounding::PosInf)), S_ONE, 0);
    expect(run(sem::FPRoundInt, FZ, 32, {0x00000001}, rounding(FPRounding::PosInf)), 0, IDC);
}

TEST(FpSemantics, ToIntegerSaturates) {
    const uint64_t d1e20 = 0x4415af1d78b58c40;
    expect(run(sem::FPToFixed, RN, 64, {d1e20}, fixed(32, false, FPRounding::Zero)), 0x7fffffff, IOC);
    expect(run(sem::FPToFixed, RN, 64, {d1e20}, fixed(64, false, FPRounding::Zero)), 0x7fffffffffffffff, IOC);
    expect(run(sem::FPToFixed, RN, 64, {d1e20 | D_NZERO}, fixed(32, false, FPRounding::Zero)), 0x80000000, IOC);
    expect(run(sem::FPToFixed, RN, 64, {d1e20}, fixed(64, true, FPRounding::Zero)), ~uint64_t{0}, IOC);
    expect(run(sem::FPToFixed, RN, 64, {D_INF}, fixed(64, false, FPRounding::Zero)), 0x7fffffffffffffff, IOC);
    expect(run(sem::FPToFixed, RN, 64, {0x7ff8000000000000}, fixed(64, false, FPRounding::Zero)), 0, IOC);
    expect(run(sem::FPToFixed, RN, 64, {0xbff8000000000000}, fixed(32, true, FPRounding::Zero)), 0, IOC);
    expect(run(sem::FPToFixed, RN, 64, {0xbfe0000000000000}, fixed(32, true, FPRounding::Zero)), 0, IXC);
    expect(run(sem::FPToFixed, RN, 64, {0x41e0000000000000}, fixed(32, false, FPRounding::Zero)), 0x7fffffff, IOC);
    expect(run(sem::FPToFixed, RN, 64, {0xc1e0000000000000}, fixed(32, false, FPRounding::Zero)), 0x80000000, 0);
    expect(run(sem::FPToFixed, RN, 64, {0x41efffffffe00000}, fixed(32, true, FPRounding::Zero)), 0xffffffff, 0);
    expect(run(sem::FPToFixed, RN, 64, {0x41f0000000000000}, fixed(32, true, FPRounding::Zero)), 0xffffffff, IOC);
}

TEST(FpSemantics, ToIntegerRoundingModes) {
    expect(run(sem::FPToFixed, RN, 64, {D_2_5}, fixed(32, false, FPRounding::TieEven)), 2, IXC);
    expect(run(sem::FPToFixed, RN, 64, {D_2_5}, fixed(32, false, FPRounding::TieAway)), 3, IXC);
    expect(run(sem::FPToFixed, RN, 64, {D_N2_5}, fixed(32, false, FPRounding::TieAway)), 0xfffffffd, IXC);
    expect(run(sem::FPToFixed, RN, 64, {D_N2_5}, fixed(64, false, FPRounding::NegInf)), ~uint64_t{2}, IXC);
    expect(run(sem::FPToFixed, RN, 64, {D_N2_5}, fixed(64, false, FPRounding::PosInf)), ~uint64_t{1}, IXC);
    expect(run(sem::FPToFixed, RN, 64, {D_THREE}, fixed(64, false, FPRounding::PosInf)), 3, 0);
    // Fixed point: 1.5 with 8 fraction bits.
    expect(run(sem::FPToFixed, RN, 64, {0x3ff8000000000000}, fixed(32, false, FPRounding::Zero, 8)), 0x180, 0);
    expect(run(sem::FPToFixed, FZ, 32, {0x00000001}, fixed(32, false, FPRounding::PosInf)), 0, IDC);
    expect(run(sem::FPToFixed, RN, 32, {0x00000001}, fixed(32, false, FPRounding::PosInf)), 1, IXC);
}

TEST(FpSemantics, FromInteger) {
    expect(run(sem::FixedToFP, RN, 64, {~uint64_t{0}}, fixed(64, true, FPRounding::Fpcr)), 0x43f0000000000000, IXC);
    expect(run(sem::FixedToFP, RZ, 64, {~uint64_t{0}}, fixed(64, true, FPRounding::Fpcr)), 0x43efffffffffffff, IXC);
    expect(run(sem::FixedToFP, RN, 64, {0xffffffff}, fixed(32, false, FPRounding::Fpcr)), D_NONE, 0);
    expect(run(sem::FixedToFP, RN, 64, {0x8000000000000000}, fixed(64, false, FPRounding::Fpcr)), 0xc3e0000000000000, 0);
    expect(run(sem::FixedToFP, RN, 64, {1}, fixed(64, true, FPRounding::Fpcr, 64)), 0x3bf0000000000000, 0);
    expect(run(sem::FixedToFP, RN, 64, {0}, fixed(64, false, FPRounding::Fpcr)), 0, 0);
    expect(run(sem::FixedToFP, RN, 32, {16777217}, fixed(32, false, FPRounding::Fpcr)), 0x4b800000, IXC);
    expect(run(sem::FixedToFP, RN, 32, {16777219}, fixed(32, false, FPRounding::Fpcr)), 0x4b800002, IXC);
    expect(run(sem::FixedToFP, RP, 32, {16777217}, fixed(32, false, FPRounding::Fpcr)), 0x4b800001, IXC);
}

TEST(FpSemantics, ConvertBetweenPrecisions) {
    SemanticFn cvt = sem::FPConvert;
    const auto to = [](unsigned bits) { return uint64_t{bits}; };
    expect(run(cvt, RN, 64, {0x3fd5555555555555}, to(32)), 0x3eaaaaab, IXC);
    expect(run(cvt, RN, 64, {0x7fefffffffffffff}, to(32)), S_INF, OFC | IXC);
    expect(run(cvt, RZ, 64, {0x7fefffffffffffff}, to(32)), S_MAX, OFC | IXC);
    expect(run(cvt, RN, 64, {0x358dee7a4ad4b81f}, to(32)), 0, UFC | IXC);  // 1e-50
    expect(run(cvt, FZ, 64, {0x358dee7a4ad4b81f}, to(32)), 0, UFC);
    expect(run(cvt, RN, 32, {S_ONE}, to(64)), D_ONE, 0);
    expect(run(cvt, RN, 32, {0x00000001}, to(64)), 0x36a0000000000000, 0);
    expect(run(cvt, FZ, 32, {0x00000001}, to(64)), 0, IDC);
    // NaNs keep the sign and top fraction bits, quieted.
    expect(run(cvt, RN, 64, {0x7ff0000000000001}, to(32)), 0x7fc00000, IOC);
    expect(run(cvt, RN, 64, {0x7ff8000020000000}, to(32)), 0x7fc00001, 0);
    expect(run(cvt, RN, 32, {0xffc00001}, to(64)), 0xfff8000020000000, 0);
    expect(run(cvt, DN, 32, {0xffc00001}, to(64)), D_DEFAULT_NAN, 0);
    // Half precision.
    expect(run(cvt, RN, 32, {S_ONE}, to(16)), 0x3c00, 0);
    expect(run(cvt, RN, 32, {0x477ff000}, to(16)), 0x7c00, OFC | IXC);  // 65520 ties up to overflow
    expect(run(cvt, RN, 16, {0x0001}, to(32)), 0x33800000, 0);
    expect(run(cvt, FZ, 16, {0x0001}, to(32)), 0x33800000, 0);  // FZ does not flush halves
    expect(run(cvt, RN, 16, {0xfc00}, to(64)), D_INF | D_NZERO, 0);
    expect(run(cvt, RN, 16, {0x7d00}, to(32)), 0x7fe00000, IOC);
    // Alternative half precision: no infinities or NaNs.
    expect(run(cvt, AHP, 32, {S_INF}, to(16)), 0x7fff, IOC);
    expect(run(cvt, AHP, 32, {0xffc00000}, to(16)), 0x8000, IOC);
    expect(run(cvt, AHP, 32, {0x47800000}, to(16)), 0x7c00, 0);
    expect(run(cvt, AHP, 16, {0x7c00}, to(32)), 0x47800000, 0);
}

// ---- Estimates and steps (fp_estimates.h). The values follow the Arm ARM's
// RecipEstimate/RecipSqrtEstimate pseudocode; the same inputs (and a few
// thousand more) give identical results and FPSR on qemu-aarch64.

TEST(FpSemantics, RecipEstimate) {
    const auto recpe = sem::FPRecipEstimate;
    expect(run(recpe, RN, 32, {S_ONE}), 0x3f7f8000, 0);  // 511/512
    expect(run(recpe, RN, 32, {0x40800000}), 0x3e7f8000, 0);
    expect(run(recpe, RN, 32, {0x3fc00000}), 0x3f2a8000, 0);
    expect(run(recpe, RN, 32, {0xbf800000}), 0xbf7f8000, 0);
    expect(run(recpe, RN, 64, {0x4010000000000000}), 0x3fcff00000000000, 0);
    // Zero divides by zero; infinity gives zero; NaNs propagate.
    expect(run(recpe, RN, 32, {0}), S_INF, DZC);
    expect(run(recpe, RN, 32, {S_NINF}), S_NZERO, 0);
    expect(run(recpe, RN, 32, {0x7f800001}), 0x7fc00001, IOC);
    expect(run(recpe, DN, 32, {0x7f800001}), S_DEFAULT_NAN, IOC);
    // Denormals: below 2^-128 the reciprocal overflows, to infinity or the
    // largest number by rounding mode; above, a denormal estimate is exact scaling.
    expect(run(recpe, RN, 32, {0x00100000}), S_INF, OFC | IXC);
    expect(run(recpe, RM, 32, {0x00100000}), S_MAX, OFC | IXC);
    expect(run(recpe, RZ, 32, {0x00100000}), S_MAX, OFC | IXC);
    expect(run(recpe, RN, 64, {1}), D_INF, OFC | IXC);
    expect(run(recpe, RN, 32, {0x00200000}), 0x7f7f8000, 0);
    expect(run(recpe, RN, 64, {0x0008000000000000}), 0x7fdff00000000000, 0);
    expect(run(recpe, RN, 32, {0x80300000}), 0xff2a8000, 0);
    // Large operands give denormal estimates, or zero (UFC only) with FZ.
    expect(run(recpe, RN, 32, {0x7e800000}), 0x007fc000, 0);
    expect(run(recpe, FZ, 32, {0x7e800000}), 0, UFC);
    // FZ flushes a denormal operand to zero: infinity, division by zero.
    expect(run(recpe, FZ, 32, {0x00200000}), S_INF, IDC | DZC);
}

TEST(FpSemantics, RSqrtEstimate) {
    const auto rsqrte = sem::FPRSqrtEstimate;
    expect(run(rsqrte, RN, 32, {S_ONE}), 0x3f7f8000, 0);
    expect(run(rsqrte, RN, 32, {0x40800000}), 0x3eff8000, 0);
    expect(run(rsqrte, RN, 32, {0x3fc00000}), 0x3f510000, 0);
    expect(run(rsqrte, RN, 64, {0x4010000000000000}), 0x3fdff00000000000, 0);
    expect(run(rsqrte, RN, 32, {S_NZERO}), S_NINF, DZC);
    expect(run(rsqrte, RN, 32, {S_INF}), 0, 0);
    expect(run(rsqrte, RN, 32, {0xbf800000}), S_DEFAULT_NAN, IOC);  // negative: invalid
    expect(run(rsqrte, RN, 32, {0x00100000}), 0x5fb48000, 0);        // denormals normalise
    expect(run(rsqrte, RN, 64, {1}), 0x617ff00000000000, 0);
    expect(run(rsqrte, FZ, 32, {0x00100000}), S_INF, IDC | DZC);
}

TEST(FpSemantics, RecipAndRSqrtStepsAreFused) {
    const auto recps = sem::FPRecipStep, rsqrts = sem::FPRSqrtStep;
    expect(run(recps, RN, 32, {S_ONE, S_ONE}), S_ONE, 0);  // 2 - 1*1
    expect(run(rsqrts, RN, 32, {S_ONE, S_ONE}), S_ONE, 0);  // (3 - 1*1) / 2
    expect(run(rsqrts, RN, 32, {0x3fc00000, 0x3fc00000}), 0x3ec00000, 0);  // (3 - 2.25) / 2
    // 0 * inf is not invalid: the result for a zero product.
    expect(run(recps, RN, 32, {0, S_NINF}), S_TWO, 0);
    expect(run(rsqrts, RN, 32, {S_INF, 0}), 0x3fc00000, 0);
    expect(run(recps, RN, 32, {S_INF, S_ONE}), S_NINF, 0);
    // The first operand is negated before NaN propagation.
    expect(run(recps, RN, 64, {0x7ff4000000000000, D_ONE}), 0xfffc000000000000, IOC);
    // One rounding: 2 - (1 + 2^-23)^2 needs the product's low bits.
    expect(run(recps, RN, 32, {0x3f800001, 0x3f800001}), 0x3f7ffffc, IXC);
    // An exact zero takes its sign from the rounding mode.
    expect(run(recps, RM, 32, {S_TWO, S_ONE}), S_NZERO, 0);
    expect(run(recps, RN, 32, {S_TWO, S_ONE}), 0, 0);
}

TEST(FpSemantics, RecpX) {
    const auto recpx = sem::FPRecpX;
    expect(run(recpx, RN, 32, {S_ONE}), S_TWO, 0);
    expect(run(recpx, RN, 32, {0x3fc00000}), S_TWO, 0);  // the fraction is dropped
    expect(run(recpx, RN, 32, {S_NZERO}), 0xff000000, 0);  // zero: the largest exponent
    expect(run(recpx, RN, 32, {0x00100000}), 0x7f000000, 0);
    expect(run(recpx, FZ, 32, {0x00100000}), 0x7f000000, IDC);
    expect(run(recpx, RN, 32, {S_INF}), 0, 0);
    expect(run(recpx, RN, 64, {0x4010000000000000}), 0x3fe0000000000000, 0);
    expect(run(recpx, RN, 32, {0xffa00000}), 0xffe00000, IOC);
}

TEST(FpSemantics, UnsignedEstimates) {
    EXPECT_EQ(unsigned_recip_estimate(0x7fffffff), 0xffffffffu);  // below one half saturates
    EXPECT_EQ(unsigned_recip_estimate(0x80000000), 0xff800000u);
    EXPECT_EQ(unsigned_recip_estimate(0x95696963), 0xdb800000u);
    EXPECT_EQ(unsigned_recip_estimate(0xfed978ae), 0x80800000u);
    EXPECT_EQ(unsigned_rsqrt_estimate(0x3fffffff), 0xffffffffu);  // below one quarter saturates
    EXPECT_EQ(unsigned_rsqrt_estimate(0x40000000), 0xff800000u);
    EXPECT_EQ(unsigned_rsqrt_estimate(0x95696963), 0xa7800000u);
    EXPECT_EQ(unsigned_rsqrt_estimate(0xfed978ae), 0x80800000u);
}

}  // namespace
}  // namespace ferry::ir
