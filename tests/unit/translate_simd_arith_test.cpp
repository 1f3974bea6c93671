// AdvSIMD saturating, halving, rounding, narrowing, widening, by-element,
// scalar and FP lane instructions end to end (decode, translate, interpret).
// Words from aarch64-linux-gnu-as -march=armv8-a+crypto; expected values
// worked out from the Arm ARM pseudocode; FPSR.QC (bit 27) checked.
#include <gtest/gtest.h>

#include <cstring>
#include <initializer_list>

#include "guest_runner.h"

namespace ferry {
namespace {

constexpr uint32_t kQC = 1u << 27, kIOC = 1u << 0, kIXC = 1u << 4;
const Vec128 kJunk{0xaaaaaaaaaaaaaaaa, 0xbbbbbbbbbbbbbbbb};

template <typename T>
Vec128 lanes(std::initializer_list<T> values) {
    Vec128 v{};
    std::memcpy(static_cast<void*>(&v), values.begin(), values.size() * sizeof(T));
    return v;
}

struct Out {
    Vec128 v0;
    uint32_t fpsr;
};
// Runs `word` with v1, v2 the operands and v0 the destination (accumulator).
Out run(uint32_t word, Vec128 v1, Vec128 v2 = {}, Vec128 v0 = kJunk) {
    CpuState s = test::make_state();
    s.v[0] = v0;
    s.v[1] = v1;
    s.v[2] = v2;
    const CpuState r = test::run_one(s, word);
    EXPECT_EQ(r.exit_reason, ExitReason::None) << std::hex << word;
    return {r.v[0], r.fpsr};
}

// ---- Three same: saturating, halving, shifts by register ----

TEST(SimdSaturate, SqaddSaturatesBothWaysAndOnlyOverTheDatasize) {
    const Vec128 n = {lanes<int8_t>({127, -128, 100, -100, 1, 0, 50, -1}).lo, 0x7f7f7f7f7f7f7f7f};
    const Vec128 m = {lanes<int8_t>({1, -1, 27, -28, -2, 0, 78, 1}).lo, 0x7f7f7f7f7f7f7f7f};
    Out r = run(0x0e220c20, n, m);  // sqadd v0.8b, v1.8b, v2.8b
    EXPECT_EQ(r.v0, (Vec128{lanes<int8_t>({127, -128, 127, -128, -1, 0, 127, 0}).lo, 0}));
    EXPECT_EQ(r.fpsr, kQC);
    // The upper lanes would saturate but are not part of the 64-bit operation.
    r = run(0x0e220c20, Vec128{1, n.hi}, Vec128{2, m.hi});
    EXPECT_EQ(r.v0, (Vec128{3, 0}));
    EXPECT_EQ(r.fpsr, 0u);
    r = run(0x4e220c20, Vec128{1, n.hi}, Vec128{2, m.hi});  // sqadd v0.16b: now they count
    EXPECT_EQ(r.fpsr, kQC);
}

TEST(SimdSaturate, UqsubClampsAtZero) {
    const Out r = run(0x2e622c20, lanes<uint16_t>({5, 0, 65535, 1000}), lanes<uint16_t>({6, 0, 1, 999}));  // uqsub v0.4h
    EXPECT_EQ(r.v0, lanes<uint16_t>({0, 0, 65534, 1}));
    EXPECT_EQ(r.fpsr, kQC);
}

TEST(SimdHalving, RoundingAndTruncatingHalves) {
    Out r = run(0x4ea21420, lanes<int32_t>({1, -1, INT32_MAX, -5}), lanes<int32_t>({2, -2, INT32_MAX, 2}));  // srhadd v0.4s
    EXPECT_EQ(r.v0, lanes<int32_t>({2, -1, INT32_MAX, -1}));
    r = run(0x6e622420, lanes<uint16_t>({0, 10, 65535, 7}), lanes<uint16_t>({1, 4, 0, 7}));  // uhsub v0.8h
    EXPECT_EQ(r.v0, lanes<uint16_t>({0xffff, 3, 32767, 0}));
}

TEST(SimdShiftReg, ShiftsBySignedLowByte) {
    // sshl v0.2d: -8 by -2 (only the low byte 0xfe counts), 3 by 64 gives 0.
    Out r = run(0x4ee24420, lanes<int64_t>({-8, 3}), lanes<uint64_t>({0x12345678000000fe, 64}));
    EXPECT_EQ(r.v0, lanes<int64_t>({-2, 0}));
    // urshl v0.4s: rounding right shifts, including by 32, and a left shift.
    r = run(0x6ea25420, lanes<uint32_t>({7, 5, 0xffffffff, 1}), lanes<int32_t>({-1, -2, -32, 31}));
    EXPECT_EQ(r.v0, lanes<uint32_t>({4, 1, 1, 0x80000000}));
    EXPECT_EQ(r.fpsr, 0u);
}

TEST(SimdShiftReg, SaturatingShiftsSetQC) {
    // sqshl v0.8h: 0x4000 << 1 and 1 << 16 saturate; -1 << 15 is exactly INT16_MIN.
    Out r = run(0x4e624c20, lanes<int16_t>({0x4000, -1, 1, -3}), lanes<int16_t>({1, 15, 16, -1}));
    EXPECT_EQ(r.v0, lanes<int16_t>({0x7fff, -32768, 0x7fff, -2}));
    EXPECT_EQ(r.fpsr, kQC);
    r = run(0x4e624c20, lanes<int16_t>({-1}), lanes<int16_t>({15}));
    EXPECT_EQ(r.fpsr, 0u);
    // uqrshl v0.16b
    r = run(0x6e225c20, lanes<uint8_t>({0x80, 0x81, 0x7f, 0xff}), lanes<int8_t>({1, -1, -8, -8}));
    EXPECT_EQ(r.v0, lanes<uint8_t>({0xff, 0x41, 0, 1}));
    EXPECT_EQ(r.fpsr, kQC);
    // sqshl v0.2s: a 64-bit operation; the upper lanes do not saturate it.
    r = run(0x0ea24c20, Vec128{1, ~0ull >> 1}, Vec128{1, 0x0000001f0000001f});
    EXPECT_EQ(r.v0, (Vec128{2, 0}));
    EXPECT_EQ(r.fpsr, 0u);
}

TEST(SimdAbsDiff, AbdAndAba) {
    Out r = run(0x4ea27420, lanes<int32_t>({INT32_MIN, 3, -1, 0}), lanes<int32_t>({INT32_MAX, 5, 1, 0}));  // sabd v0.4s
    EXPECT_EQ(r.v0, lanes<uint32_t>({0xffffffff, 2, 2, 0}));
    r = run(0x6e227c20, lanes<uint8_t>({0, 255}), lanes<uint8_t>({255, 0}), lanes<uint8_t>({0x10, 0x10}));  // uaba v0.16b
    EXPECT_EQ(r.v0, lanes<uint8_t>({0x0f, 0x0f}));
}

TEST(SimdMultiply, PolynomialAndDoublingHigh) {
    Out r = run(0x6e229c20, lanes<uint8_t>({3, 0xff, 0x80}), lanes<uint8_t>({3, 2, 0x80}));  // pmul v0.16b
    EXPECT_EQ(r.v0, lanes<uint8_t>({5, 0xfe, 0}));
    r = run(0x0e22e020, lanes<uint8_t>({0xff, 0x80, 3}), lanes<uint8_t>({0xff, 0x80, 3}));  // pmull v0.8h
    EXPECT_EQ(r.v0, lanes<uint16_t>({0x5555, 0x4000, 5}));
    r = run(0x4e62b420, lanes<int16_t>({-32768, 0x4000, -1}), lanes<int16_t>({-32768, 0x4000, 1}));  // sqdmulh v0.8h
    EXPECT_EQ(r.v0, lanes<int16_t>({0x7fff, 0x2000, -1}));
    EXPECT_EQ(r.fpsr, kQC);
    r = run(0x6ea2b420, lanes<int32_t>({0x40000000, INT32_MIN, -1}), lanes<int32_t>({2, INT32_MIN, 1}));  // sqrdmulh v0.4s
    EXPECT_EQ(r.v0, lanes<int32_t>({1, INT32_MAX, 0}));
    EXPECT_EQ(r.fpsr, kQC);
}

// ---- Three different ----

TEST(SimdThreeDifferent, NarrowingHighHalvesAndAbsoluteDifferences) {
    // raddhn2 v0.16b: the upper half of v0 receives the rounded high bytes.
    Out r = run(0x6e224020, lanes<uint16_t>({0x7f80, 0x1234, 0xffff}), lanes<uint16_t>({0, 1, 1}));
    EXPECT_EQ(r.v0, (Vec128{kJunk.lo, lanes<uint8_t>({0x80, 0x12, 0}).lo}));
    r = run(0x0e627020, lanes<int16_t>({-32768, 5}), lanes<int16_t>({32767, -5}));  // sabdl v0.4s
    EXPECT_EQ(r.v0, lanes<uint32_t>({65535, 10, 0, 0}));
}

TEST(SimdThreeDifferent, SaturatingDoublingLong) {
    // sqdmlal v0.4s: both the doubling product and the accumulation saturate.
    Out r = run(0x0e629020, lanes<int16_t>({1, -32768, 3, 0}), lanes<int16_t>({1, -32768, 4, 0}),
                lanes<int32_t>({INT32_MAX, 0, 10, -10}));
    EXPECT_EQ(r.v0, lanes<int32_t>({INT32_MAX, INT32_MAX, 34, -10}));
    EXPECT_EQ(r.fpsr, kQC);
    // sqdmull2 v0.2d from the upper halves.
    r = run(0x4ea2d020, lanes<int32_t>({0, 0, INT32_MIN, 3}), lanes<int32_t>({0, 0, INT32_MIN, -2}));
    EXPECT_EQ(r.v0, lanes<int64_t>({INT64_MAX, -12}));
    EXPECT_EQ(r.fpsr, kQC);
}

// ---- Two-register misc ----

TEST(SimdTwoRegMisc, PairwiseLongAndSaturatingAccumulate) {
    Out r = run(0x4e606820, lanes<int16_t>({-1, -1, 0x7fff, 0x7fff}), {}, lanes<int32_t>({1, 1, 1, 1}));  // sadalp v0.4s
    EXPECT_EQ(r.v0, lanes<int32_t>({-1, 0xffff, 1, 1}));
    r = run(0x4e203820, lanes<uint8_t>({1, 255, 0}), {}, lanes<int8_t>({127, -128, -1}));  // suqadd v0.16b
    EXPECT_EQ(r.v0, lanes<int8_t>({127, 127, -1}));
    EXPECT_EQ(r.fpsr, kQC);
}

TEST(SimdTwoRegMisc, BitCounts) {
    Out r = run(0x4e604820, lanes<uint16_t>({0, 0xffff, 0x4000, 0x1000, 0xe000}));  // cls v0.8h
    EXPECT_EQ(r.v0, lanes<uint16_t>({15, 15, 0, 2, 2, 15, 15, 15}));
    r = run(0x6ea04820, lanes<uint32_t>({0, 1, 0x80000000, 0x00ffffff}));  // clz v0.4s
    EXPECT_EQ(r.v0, lanes<uint32_t>({32, 31, 0, 8}));
    r = run(0x2e605820, Vec128{0x0f01, ~0ull});  // rbit v0.8b: upper half cleared
    EXPECT_EQ(r.v0, (Vec128{0xf080, 0}));
}

TEST(SimdTwoRegMisc, SaturatingAbsAndNarrowing) {
    Out r = run(0x4e607820, lanes<int16_t>({-32768, -5, 7}));  // sqabs v0.8h
    EXPECT_EQ(r.v0, lanes<int16_t>({0x7fff, 5, 7}));
    EXPECT_EQ(r.fpsr, kQC);
    r = run(0x2e212820, lanes<int16_t>({-1, 0x100, 0x7f}));  // sqxtun v0.8b
    EXPECT_EQ(r.v0, (Vec128{lanes<uint8_t>({0, 0xff, 0x7f}).lo, 0}));
    EXPECT_EQ(r.fpsr, kQC);
    r = run(0x6e614820, lanes<uint32_t>({0x10000, 0xffff, 5}));  // uqxtn2 v0.8h
    EXPECT_EQ(r.v0, (Vec128{kJunk.lo, lanes<uint16_t>({0xffff, 0xffff, 5}).lo}));
    EXPECT_EQ(r.fpsr, kQC);
    r = run(0x2e213820, lanes<uint8_t>({0xff, 1}));  // shll v0.8h, v1.8b, #8
    EXPECT_EQ(r.v0, lanes<uint16_t>({0xff00, 0x100}));
}

// ---- Shift by immediate ----

TEST(SimdShiftImm, RoundingShiftsIncludingByEsize) {
    Out r = run(0x4f402420, lanes<int64_t>({-1, INT64_MAX}));  // srshr v0.2d, #64
    EXPECT_EQ(r.v0, (Vec128{0, 0}));
    r = run(0x6f3f3420, lanes<uint32_t>({0xffffffff, 2}), {}, lanes<uint32_t>({1, 1}));  // ursra v0.4s, #1
    EXPECT_EQ(r.v0, lanes<uint32_t>({0x80000001, 2, 0, 0}));
}

TEST(SimdShiftImm, SaturatingShifts) {
    Out r = run(0x2f0b6420, lanes<int8_t>({-1, 0x1f, 0x20}));  // sqshlu v0.8b, #3
    EXPECT_EQ(r.v0, (Vec128{lanes<uint8_t>({0, 0xf8, 0xff}).lo, 0}));
    EXPECT_EQ(r.fpsr, kQC);
    r = run(0x0f109c20, lanes<int32_t>({0x7fff8000, 0x18000, -0x8000, -0x8001}));  // sqrshrn v0.4h, #16
    EXPECT_EQ(r.v0, (Vec128{lanes<int16_t>({0x7fff, 2, 0, -1}).lo, 0}));
    EXPECT_EQ(r.fpsr, kQC);
    r = run(0x2f0f8420, lanes<int16_t>({-2, 0x1fe, 0x200}));  // sqshrun v0.8b, #1
    EXPECT_EQ(r.v0, (Vec128{lanes<uint8_t>({0, 0xff, 0xff}).lo, 0}));
    EXPECT_EQ(r.fpsr, kQC);
}

// ---- By element ----

TEST(SimdByElement, IntegerForms) {
    Out r = run(0x6fa20820, lanes<int32_t>({1, 2, 3, 4}), lanes<int32_t>({0, 0, 0, 10}), lanes<int32_t>({1, 1, 1, 1}));
    EXPECT_EQ(r.v0, lanes<int32_t>({11, 21, 31, 41}));  // mla v0.4s, v1.4s, v2.s[3]
    r = run(0x0f72b820, lanes<int16_t>({-32768, 1}), lanes<int16_t>({0, 0, 0, 0, 0, 0, 0, -32768}));
    EXPECT_EQ(r.v0, lanes<int32_t>({INT32_MAX, -65536, 0, 0}));  // sqdmull v0.4s, v1.4h, v2.h[7]
    EXPECT_EQ(r.fpsr, kQC);
}

// ---- Scalar forms ----

TEST(SimdScalar, SaturatingOnLaneZeroOnly) {
    // sqadd b0, b1, b2: the other lanes would saturate but are not operands.
    Out r = run(0x5e220c20, Vec128{0x7f7f7f7f7f7f7f01, ~0ull >> 1}, Vec128{0x7f7f7f7f7f7f7f02, ~0ull >> 1});
    EXPECT_EQ(r.v0, (Vec128{3, 0}));
    EXPECT_EQ(r.fpsr, 0u);
    r = run(0x5e220c20, Vec128{0x7f, 0}, Vec128{1, 0});
    EXPECT_EQ(r.v0, (Vec128{0x7f, 0}));
    EXPECT_EQ(r.fpsr, kQC);
    r = run(0x5f52d020, lanes<int16_t>({0x4000}), lanes<int16_t>({0, 0x4000}));  // sqrdmulh h0, h1, v2.h[1]
    EXPECT_EQ(r.v0, (Vec128{0x2000, 0}));
    r = run(0x5ea29020, lanes<int32_t>({3, 99}), lanes<int32_t>({-4, 99}), lanes<int64_t>({5, 7}));  // sqdmlal d0, s1, s2
    EXPECT_EQ(r.v0, (Vec128{static_cast<uint64_t>(-19), 0}));
    r = run(0x5e614820, lanes<int32_t>({0x12345}));  // sqxtn h0, s1
    EXPECT_EQ(r.v0, (Vec128{0x7fff, 0}));
    EXPECT_EQ(r.fpsr, kQC);
    r = run(0x7f0c9420, lanes<uint16_t>({0x0ff0}));  // uqshrn b0, h1, #4
    EXPECT_EQ(r.v0, (Vec128{0xff, 0}));
    EXPECT_EQ(r.fpsr, 0u);
}

// ---- Floating point ----

constexpr uint32_t kOne = 0x3f800000, kTwo = 0x40000000, kThree = 0x40400000, kInf = 0x7f800000;
constexpr uint32_t kQNaN = 0x7fc00000, kSNaN = 0x7f800001;
constexpr uint64_t kOneD = 0x3ff0000000000000, kInfD = 0x7ff0000000000000, kTwoD = 0x4000000000000000;

TEST(SimdFloat, AbsoluteDifferenceAndMulX) {
    Out r = run(0x6ea2d420, lanes<uint32_t>({kOne, 0xff800000, 0xffc00000, kThree}),
                lanes<uint32_t>({kThree, kInf, kOne, kOne}));  // fabd v0.4s
    EXPECT_EQ(r.v0, lanes<uint32_t>({kTwo, kInf, kQNaN, kTwo}));
    r = run(0x4e62dc20, lanes<uint64_t>({kInfD, 1ull << 63}), lanes<uint64_t>({0, kInfD}));  // fmulx v0.2d
    EXPECT_EQ(r.v0, lanes<uint64_t>({kTwoD, kTwoD | 1ull << 63}));
    EXPECT_EQ(r.fpsr, 0u);
    r = run(0x7fc29820, Vec128{kInfD, 0}, Vec128{kOneD, 0});  // fmulx d0, d1, v2.d[1]: inf * 0
    EXPECT_EQ(r.v0, (Vec128{kTwoD, 0}));
    EXPECT_EQ(r.fpsr, 0u);
}

TEST(SimdFloat, Compares) {
    Out r = run(0x6e22e420, lanes<uint32_t>({kOne, kQNaN, kOne, 0x80000000}),
                lanes<uint32_t>({kOne, kOne, kTwo, 0}));  // fcmge v0.4s
    EXPECT_EQ(r.v0, lanes<uint32_t>({~0u, 0, 0, ~0u}));
    EXPECT_EQ(r.fpsr, kIOC);  // GE signals on a quiet NaN
    r = run(0x6ea2ec20, lanes<uint32_t>({0xc0400000, kTwo}), lanes<uint32_t>({kTwo, 0xc0400000}));  // facgt v0.4s
    EXPECT_EQ(r.v0, lanes<uint32_t>({~0u, 0, 0, 0}));
    r = run(0x4ea0e820, lanes<uint32_t>({0xbf800000, 0, 0x80000000, kQNaN}));  // fcmlt v0.4s, #0.0
    EXPECT_EQ(r.v0, lanes<uint32_t>({~0u, 0, 0, 0}));
    EXPECT_EQ(r.fpsr, kIOC);
    r = run(0x5e22e420, lanes<uint32_t>({kQNaN}), lanes<uint32_t>({kQNaN}));  // fcmeq s0, s1, s2: quiet
    EXPECT_EQ(r.v0, (Vec128{0, 0}));
    EXPECT_EQ(r.fpsr, 0u);
    r = run(0x5e22e420, lanes<uint32_t>({kSNaN}), lanes<uint32_t>({kOne}));
    EXPECT_EQ(r.fpsr, kIOC);
}

TEST(SimdFloat, PairwiseAndAcrossLanes) {
    Out r = run(0x6e22d420, lanes<float>({1, 2, 3, 4}), lanes<float>({10, 20, 30, 40}));  // faddp v0.4s
    EXPECT_EQ(r.v0, lanes<float>({3, 7, 30, 70}));
    r = run(0x7e70d820, lanes<double>({1.5, 2.25}));  // faddp d0, v1.2d
    EXPECT_EQ(r.v0, lanes<double>({3.75}));
    r = run(0x6e30c820, lanes<uint32_t>({kOne, kQNaN, 0xc0a00000, kThree}));  // fmaxnmv s0, v1.4s
    EXPECT_EQ(r.v0, (Vec128{kThree, 0}));
}

TEST(SimdFloat, Conversions) {
    Out r = run(0x4e616820, lanes<double>({1.0, 0.1}));  // fcvtn2 v0.4s, v1.2d
    EXPECT_EQ(r.v0, (Vec128{kJunk.lo, 0x3dcccccd3f800000}));
    EXPECT_EQ(r.fpsr, kIXC);
    r = run(0x0e617820, lanes<float>({1.5f, -2.0f}));  // fcvtl v0.2d, v1.2s
    EXPECT_EQ(r.v0, lanes<double>({1.5, -2.0}));
    r = run(0x0e216820, lanes<float>({1.0f, -2.0f}));  // fcvtn v0.4h, v1.4s
    EXPECT_EQ(r.v0, (Vec128{0xc0003c00, 0}));
    // fcvtxn s0, d1: 1 + 2^-30 is inexact in single; rounding to odd sets the last bit.
    r = run(0x7e616820, lanes<uint64_t>({0x3ff0000004000000}));
    EXPECT_EQ(r.v0, (Vec128{0x3f800001, 0}));
    EXPECT_EQ(r.fpsr, kIXC);
    r = run(0x7e616820, lanes<double>({1.5}));
    EXPECT_EQ(r.v0, (Vec128{0x3fc00000, 0}));
    EXPECT_EQ(r.fpsr, 0u);
}

TEST(SimdFloat, FusedMultiplyAddByElement) {
    const Out r = run(0x4fa21020, lanes<float>({1, 2, 3, 4}), lanes<float>({0, 10}), lanes<float>({1, 1, 1, 1}));
    EXPECT_EQ(r.v0, lanes<float>({11, 21, 31, 41}));  // fmla v0.4s, v1.4s, v2.s[1]
}

TEST(SimdFloat, Estimates) {
    Out r = run(0x4ea1d820, lanes<uint32_t>({kOne}));  // frecpe v0.4s
    EXPECT_EQ(r.v0.lo & 0xffffffff, 0x3f7f8000u);
    r = run(0x0ea1c820, lanes<uint32_t>({0x80000000, 0x7fffffff}));  // urecpe v0.2s
    EXPECT_EQ(r.v0, (Vec128{0xffffffffff800000, 0}));
}

}  // namespace
}  // namespace ferry
