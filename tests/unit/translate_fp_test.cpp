// Scalar FP instructions end to end (decode, translate, interpret). Words
// from aarch64-linux-gnu-as; expected values from the Arm ARM.
#include <gtest/gtest.h>

#include "guest_runner.h"

namespace ferry {
namespace {

using test::run_one;

constexpr uint64_t D_ONE = 0x3ff0000000000000, D_TWO = 0x4000000000000000, D_THREE = 0x4008000000000000;
constexpr uint64_t D_NZERO = 0x8000000000000000, D_QNAN = 0x7ff8000000000000;
constexpr uint32_t IOC = 1, IXC = 16;

// A state with d1, d2, d3 (or s1, s2, s3) holding values and junk above them.
CpuState with_fp(uint64_t v1, uint64_t v2 = 0, uint64_t v3 = 0) {
    CpuState s = test::make_state();
    s.v[0] = Vec128{0x1111111111111111, 0x2222222222222222};
    s.v[1] = Vec128{v1, 0xdeadbeef};
    s.v[2] = Vec128{v2, 0xdeadbeef};
    s.v[3] = Vec128{v3, 0xdeadbeef};
    return s;
}

// The destination's value; scalar writes clear the rest of the register.
uint64_t d0(const CpuState& s) {
    EXPECT_EQ(s.v[0].hi, 0u);
    return s.v[0].lo;
}

TEST(FpTranslate, Arithmetic) {
    EXPECT_EQ(d0(run_one(with_fp(D_ONE, D_TWO), 0x1e622820)), D_THREE);       // fadd d0, d1, d2
    EXPECT_EQ(d0(run_one(with_fp(0x40400000, 0x3f800000), 0x1e223820)), 0x40000000u);  // fsub s0, s1, s2
    EXPECT_EQ(d0(run_one(with_fp(D_TWO, D_THREE), 0x1e620820)), 0x4018000000000000u);  // fmul d0, d1, d2
    EXPECT_EQ(d0(run_one(with_fp(D_THREE, D_TWO), 0x1e621820)), 0x3ff8000000000000u);  // fdiv d0, d1, d2
    EXPECT_EQ(d0(run_one(with_fp(D_TWO, D_THREE), 0x1e628820)), 0xc018000000000000u);  // fnmul d0, d1, d2
    EXPECT_EQ(d0(run_one(with_fp(D_TWO, D_THREE), 0x1e624820)), D_THREE);     // fmax d0, d1, d2
    EXPECT_EQ(d0(run_one(with_fp(D_TWO, D_THREE), 0x1e625820)), D_TWO);       // fmin d0, d1, d2
    EXPECT_EQ(d0(run_one(with_fp(D_QNAN, D_THREE), 0x1e626820)), D_THREE);    // fmaxnm d0, d1, d2
    EXPECT_EQ(d0(run_one(with_fp(0x3f800000, 0x7fc00000), 0x1e227820)), 0x3f800000u);  // fminnm s0, s1, s2
    // FNMUL negates a NaN result too.
    EXPECT_EQ(d0(run_one(with_fp(D_QNAN, D_TWO), 0x1e628820)), D_QNAN | D_NZERO);
}

TEST(FpTranslate, FusedMultiplyAddForms) {
    // d1 = 2, d2 = 3, d3 = 1
    EXPECT_EQ(d0(run_one(with_fp(D_TWO, D_THREE, D_ONE), 0x1f420c20)), 0x401c000000000000u);  // fmadd: 1 + 6 = 7
    EXPECT_EQ(d0(run_one(with_fp(D_TWO, D_THREE, D_ONE), 0x1f428c20)), 0xc014000000000000u);  // fmsub: 1 - 6 = -5
    EXPECT_EQ(d0(run_one(with_fp(D_TWO, D_THREE, D_ONE), 0x1f620c20)), 0xc01c000000000000u);  // fnmadd: -1 - 6 = -7
    EXPECT_EQ(d0(run_one(with_fp(D_TWO, D_THREE, D_ONE), 0x1f628c20)), 0x4014000000000000u);  // fnmsub: -1 + 6 = 5
    // FMSUB negates the NaN operand Rn before propagating it.
    EXPECT_EQ(d0(run_one(with_fp(D_QNAN, D_THREE, D_ONE), 0x1f428c20)), D_QNAN | D_NZERO);
}

TEST(FpTranslate, OneSource) {
    EXPECT_EQ(d0(run_one(with_fp(0xc000000000000000), 0x1e60c020)), D_TWO);        // fabs d0, d1
    EXPECT_EQ(d0(run_one(with_fp(0x3f800000), 0x1e214020)), 0xbf800000u);         // fneg s0, s1
    EXPECT_EQ(d0(run_one(with_fp(0x4010000000000000), 0x1e61c020)), D_TWO);        // fsqrt d0, d1
    EXPECT_EQ(d0(run_one(with_fp(D_THREE), 0x1e604020)), D_THREE);                 // fmov d0, d1
    EXPECT_EQ(d0(run_one(with_fp(0x12345678abcdef01), 0x1e204020)), 0xabcdef01u);  // fmov s0, s1
    const uint64_t d2_5 = 0x4004000000000000, dm2_5 = 0xc004000000000000;
    EXPECT_EQ(d0(run_one(with_fp(d2_5), 0x1e644020)), D_TWO);                 // frintn d0, d1
    EXPECT_EQ(d0(run_one(with_fp(d2_5), 0x1e64c020)), D_THREE);               // frintp d0, d1
    EXPECT_EQ(d0(run_one(with_fp(dm2_5), 0x1e654020)), 0xc008000000000000u);  // frintm d0, d1
    EXPECT_EQ(d0(run_one(with_fp(dm2_5), 0x1e65c020)), 0xc000000000000000u);  // frintz d0, d1
    EXPECT_EQ(d0(run_one(with_fp(d2_5), 0x1e664020)), D_THREE);               // frinta d0, d1
    CpuState s = run_one(with_fp(d2_5), 0x1e674020);                          // frintx d0, d1
    EXPECT_EQ(d0(s), D_TWO);
    EXPECT_EQ(s.fpsr, IXC);
    CpuState up = with_fp(0x3fc00000);  // 1.5f
    up.fpcr = 1u << 22;                 // round towards +Inf
    EXPECT_EQ(d0(run_one(up, 0x1e27c020)), 0x40000000u);  // frinti s0, s1
}

TEST(FpTranslate, PrecisionConversions) {
    EXPECT_EQ(d0(run_one(with_fp(0x3fd5555555555555), 0x1e624020)), 0x3eaaaaabu);  // fcvt s0, d1
    EXPECT_EQ(d0(run_one(with_fp(0x3f800000), 0x1e22c020)), D_ONE);               // fcvt d0, s1
    EXPECT_EQ(d0(run_one(with_fp(0x3f800000), 0x1e23c020)), 0x3c00u);             // fcvt h0, s1
    EXPECT_EQ(d0(run_one(with_fp(0xc000), 0x1ee24020)), 0xc0000000u);             // fcvt s0, h1
    EXPECT_EQ(d0(run_one(with_fp(0x3555), 0x1ee2c020)), 0x3fd5540000000000u);     // fcvt d0, h1
    EXPECT_EQ(d0(run_one(with_fp(0x3fd5555555555555), 0x1e63c020)), 0x3555u);     // fcvt h0, d1
}

TEST(FpTranslate, Compares) {
    CpuState s = with_fp(D_ONE, D_TWO);
    EXPECT_EQ(run_one(s, 0x1e612000).nzcv, test::N);            // fcmp d0, d1 (d0 junk < ... use d1,d2 below)
    s.v[0] = Vec128{D_TWO, 0};
    EXPECT_EQ(run_one(s, 0x1e612000).nzcv, test::C);            // fcmp d0, d1: 2 > 1
    s.v[0] = Vec128{D_ONE, 0};
    EXPECT_EQ(run_one(s, 0x1e612000).nzcv, test::Z | test::C);  // equal
    s.v[0] = Vec128{D_NZERO, 0};
    EXPECT_EQ(run_one(s, 0x1e602008).nzcv, test::Z | test::C);  // fcmp d0, #0.0: -0 == 0
    s.v[0] = Vec128{D_QNAN, 0};
    CpuState r = run_one(s, 0x1e602008);                         // fcmp d0, #0.0: unordered, quiet
    EXPECT_EQ(r.nzcv, test::C | test::V);
    EXPECT_EQ(r.fpsr, 0u);
    r = run_one(s, 0x1e602018);                                  // fcmpe d0, #0.0 signals
    EXPECT_EQ(r.nzcv, test::C | test::V);
    EXPECT_EQ(r.fpsr, IOC);
    s.v[0] = Vec128{0x3f800000, 0};
    s.v[1] = Vec128{0x40000000, 0};
    EXPECT_EQ(run_one(s, 0x1e212010).nzcv, test::N);             // fcmpe s0, s1
}

TEST(FpTranslate, ConditionalCompareAndSelect) {
    CpuState s = with_fp(D_TWO, D_THREE);
    s.v[0] = Vec128{D_TWO, 0};
    s.nzcv = test::Z;                                           // eq holds: compare d0, d1
    EXPECT_EQ(run_one(s, 0x1e610404).nzcv, test::Z | test::C);  // fccmp d0, d1, #4, eq
    s.nzcv = 0;                                                 // eq fails: nzcv = #4 (Z)
    EXPECT_EQ(run_one(s, 0x1e610404).nzcv, test::Z);
    // FCCMPE with a failed condition raises nothing, even on a NaN.
    s.v[0] = Vec128{0x7fc00000, 0};
    s.nzcv = test::Z;                                           // ne fails: nzcv = #2 (C)
    CpuState r = run_one(s, 0x1e211412);                         // fccmpe s0, s1, #2, ne
    EXPECT_EQ(r.nzcv, test::C);
    EXPECT_EQ(r.fpsr, 0u);
    s.nzcv = 0;
    r = run_one(s, 0x1e211412);
    EXPECT_EQ(r.nzcv, test::C | test::V);
    EXPECT_EQ(r.fpsr, IOC);
    s.nzcv = 0;                                                 // ne holds: d1
    EXPECT_EQ(d0(run_one(s, 0x1e621c20)), D_TWO);               // fcsel d0, d1, d2, ne
    s.nzcv = test::Z;
    EXPECT_EQ(d0(run_one(s, 0x1e621c20)), D_THREE);
}

TEST(FpTranslate, Immediates) {
    EXPECT_EQ(d0(run_one(with_fp(0), 0x1e6e1000)), D_ONE);                // fmov d0, #1.0
    EXPECT_EQ(d0(run_one(with_fp(0), 0x1e381000)), 0xbe000000u);          // fmov s0, #-0.125
    EXPECT_EQ(d0(run_one(with_fp(0), 0x1e67f000)), 0x403f000000000000u);  // fmov d0, #31.0
}

TEST(FpTranslate, IntegerConversions) {
    CpuState s = with_fp(0xc004000000000000);  // d1 = -2.5
    s.x[1] = static_cast<uint64_t>(-3);
    s.x[0] = 0x5555555555555555;
    EXPECT_EQ(d0(run_one(s, 0x9e620020)), 0xc008000000000000u);          // scvtf d0, x1
    EXPECT_EQ(d0(run_one(s, 0x1e220020)), 0xc0400000u);                  // scvtf s0, w1
    EXPECT_EQ(d0(run_one(s, 0x9e630020)), 0x43f0000000000000u);          // ucvtf d0, x1
    EXPECT_EQ(d0(run_one(s, 0x9e230020)), 0x5f800000u);                  // ucvtf s0, x1
    EXPECT_EQ(d0(run_one(s, 0x1e42c020)), 0xbf08000000000000u);          // scvtf d0, w1, #16: -3/65536
    EXPECT_EQ(run_one(s, 0x1e780020).x[0], 0xfffffffeu);                 // fcvtzs w0, d1
    EXPECT_EQ(run_one(s, 0x9e58e020).x[0], static_cast<uint64_t>(-640)); // fcvtzs x0, d1, #8
    CpuState r = run_one(s, 0x9e790020);                                 // fcvtzu x0, d1: saturates to 0
    EXPECT_EQ(r.x[0], 0u);
    EXPECT_EQ(r.fpsr, IOC);
    EXPECT_EQ(run_one(s, 0x9e600020).x[0], static_cast<uint64_t>(-2));   // fcvtns x0, d1
    EXPECT_EQ(run_one(s, 0x9e640020).x[0], static_cast<uint64_t>(-3));   // fcvtas x0, d1
    EXPECT_EQ(run_one(s, 0x9e680020).x[0], static_cast<uint64_t>(-2));   // fcvtps x0, d1
    EXPECT_EQ(run_one(s, 0x9e700020).x[0], static_cast<uint64_t>(-3));   // fcvtms x0, d1
    s.v[1] = Vec128{0x4004000000000000, 0};                              // 2.5
    EXPECT_EQ(run_one(s, 0x1e610020).x[0], 2u);                          // fcvtnu w0, d1
    EXPECT_EQ(run_one(s, 0x9e650020).x[0], 3u);                          // fcvtau x0, d1
    EXPECT_EQ(run_one(s, 0x9e690020).x[0], 3u);                          // fcvtpu x0, d1
    EXPECT_EQ(run_one(s, 0x9e710020).x[0], 2u);                          // fcvtmu x0, d1
    s.v[1] = Vec128{0x4f000000, 0};                                      // 2^31 as single
    r = run_one(s, 0x1e390020);                                          // fcvtzu w0, s1
    EXPECT_EQ(r.x[0], 0x80000000u);
    s.v[1] = Vec128{0x3f000000, 0};                                      // 0.5f
    EXPECT_EQ(run_one(s, 0x1e188020).x[0], 0x7fffffffu);                 // fcvtzs w0, s1, #32 saturates
}

TEST(FpTranslate, FixedPointConversions) {
    CpuState s = with_fp(0x40300000);  // s1 = 2.75
    s.x[1] = 40;
    EXPECT_EQ(d0(run_one(s, 0x9e43f020)), 0x4004000000000000u);  // ucvtf d0, x1, #4: 40/16
    CpuState r = run_one(s, 0x1e19f420);                         // fcvtzu w0, s1, #3: 2.75*8
    EXPECT_EQ(r.x[0], 22u);
    EXPECT_EQ(r.fpsr, 0u);
    s.v[1] = Vec128{0xbf800000, 0};                              // -1.0: below the unsigned range
    r = run_one(s, 0x1e19f420);
    EXPECT_EQ(r.x[0], 0u);
    EXPECT_EQ(r.fpsr, IOC);
    s.x[1] = 0x80000000;
    EXPECT_EQ(d0(run_one(s, 0x1e038020)), 0x3f000000u);  // ucvtf s0, w1, #32: 2^31 / 2^32
    s.x[1] = 0xc000000000000000;
    EXPECT_EQ(d0(run_one(s, 0x9e020020)), 0xbe800000u);  // scvtf s0, x1, #64: -2^62 / 2^64
}

TEST(FpTranslate, MovesToAndFromGeneralRegisters) {
    CpuState s = with_fp(0x1122334455667788);
    s.v[1].hi = 0x99aabbccddeeff00;
    s.x[1] = 0x0123456789abcdef;
    s.x[0] = 0xffffffffffffffff;
    EXPECT_EQ(run_one(s, 0x1e260020).x[0], 0x55667788u);          // fmov w0, s1
    EXPECT_EQ(d0(run_one(s, 0x1e270020)), 0x89abcdefu);           // fmov s0, w1
    EXPECT_EQ(run_one(s, 0x9e660020).x[0], 0x1122334455667788u);  // fmov x0, d1
    EXPECT_EQ(d0(run_one(s, 0x9e670020)), 0x0123456789abcdefu);   // fmov d0, x1
    EXPECT_EQ(run_one(s, 0x9eae0020).x[0], 0x99aabbccddeeff00u);  // fmov x0, v1.d[1]
    const CpuState r = run_one(s, 0x9eaf0020);                    // fmov v0.d[1], x1
    EXPECT_EQ(r.v[0].lo, 0x1111111111111111u);
    EXPECT_EQ(r.v[0].hi, 0x0123456789abcdefu);
}

TEST(FpTranslate, UnallocatedEncodingsAreUndefined) {
    const uint32_t undefined[] = {
        0x1ea22820,  // fadd with ftype = 10
        0x1ee22820,  // fadd h0, h1, h2 (FEAT_FP16, not implemented)
        0x1e629820,  // 2-source opcode 1001
        0x1e62c020,  // fcvt d0, d1 (to its own size)
        0x1e6e1020,  // fmov d0, #imm with imm5 != 0
        0x1e612001,  // fcmp with opcode2<2:0> != 0
        0x1e020020,  // scvtf (fixed) w-form with scale < 32
        0x1e66c020,  // FP 1-source opcode 001101 (between FRINTA and FRINTX)
        0x1ee70020,  // fmov h0, w1 (FEAT_FP16)
        0x1ee20020,  // scvtf h0, w1 (FEAT_FP16)
        0x1e7e0020,  // fjcvtzs w0, d1 (FEAT_JSCVT)
        0x1e684020,  // frint32z d0, d1 (FEAT_FRINTTS)
    };
    for (uint32_t word : undefined) {
        const CpuState s = run_one(test::make_state(), word);
        EXPECT_EQ(s.exit_reason, ExitReason::Undefined) << std::hex << word;
    }
}

}  // namespace
}  // namespace ferry
