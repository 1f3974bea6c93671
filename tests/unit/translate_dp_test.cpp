// Data processing (immediate and register) translators, run through the
// interpreter. Instruction words were checked with aarch64-linux-gnu-as and
// objdump; expected values follow the Arm ARM pseudocode.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <utility>
#include <vector>

#include "a64_conditions.h"
#include "guest_runner.h"

namespace ferry {
namespace {

using test::C;
using test::ConditionCase;
using test::kConditions;
using test::N;
using test::V;
using test::Z;

constexpr unsigned kSP = 31;  // in Case::regs, register 31 means SP

struct Case {
    uint32_t word;
    std::vector<std::pair<unsigned, uint64_t>> regs;  // inputs: register number, value
    uint64_t x0;                                     // X0 afterwards
    uint32_t nzcv_out = 0;                           // NZCV afterwards
    uint32_t nzcv_in = 0;
};

CpuState execute(uint32_t word, const std::vector<std::pair<unsigned, uint64_t>>& regs, uint32_t nzcv = 0) {
    CpuState s = test::make_state();
    for (const auto& [r, value] : regs) (r == kSP ? s.sp : s.x[r]) = value;
    s.nzcv = nzcv;
    s.pc = 0x10000;
    const ir::Block block = a64::translate_one(s.pc, word);
    EXPECT_EQ(ir::verify(block), "");
    interp::run_block(block, s);
    return s;
}

void check(const std::vector<Case>& cases) {
    for (const Case& c : cases) {
        SCOPED_TRACE(testing::Message() << "word 0x" << std::hex << c.word << " nzcv_in 0x" << c.nzcv_in);
        const CpuState s = execute(c.word, c.regs, c.nzcv_in);
        ASSERT_EQ(s.exit_reason, ExitReason::None);
        EXPECT_EQ(s.pc, 0x10004u);
        EXPECT_EQ(s.x[0], c.x0);
        EXPECT_EQ(s.nzcv, c.nzcv_out);
    }
}

void expect_undefined(const std::vector<uint32_t>& words) {
    for (uint32_t word : words) {
        SCOPED_TRACE(testing::Message() << "word 0x" << std::hex << word);
        const CpuState s = execute(word, {{0, 0x55}});
        EXPECT_EQ(s.exit_reason, ExitReason::Undefined);
        EXPECT_EQ(s.exit_info, word);
        EXPECT_EQ(s.pc, 0x10000u);
        EXPECT_EQ(s.x[0], 0x55u);
    }
}

constexpr uint64_t kA = 0x0123456789abcdef;
constexpr uint64_t kB = 0xff00ff00ff00ff00;

// ---- Data processing: immediate ----------------------------------------------

TEST(DpAdr, AdrAndAdrp) {
    // pc = 0x10000
    check({
        {0x10000800u /* adr x0, .+0x100 */, {}, 0x10100},
        {0x10ffffe0u /* adr x0, .-4 */, {}, 0xfffc},
        {0x70000000u /* adr x0, .+3 */, {}, 0x10003},
        {0xb0000020u /* adrp x0, .+0x5000 (immhi:immlo = 5) */, {}, 0x15000},
        {0x90ffffe0u /* adrp x0, .-0x4000 (immhi:immlo = -4) */, {}, 0xc000},
    });
    // ADRP clears the low 12 bits of the pc.
    CpuState s = test::make_state();
    test::run_words(s, {0x90000000u /* adrp x0, . */}, 0x12abc);
    EXPECT_EQ(s.x[0], 0x12000u);
}

TEST(DpAddSubImm, ResultsAndFlags) {
    check({
        {0x91048c20u /* add x0, x1, #0x123 */, {{1, 5}}, 0x128},
        {0x91400420u /* add x0, x1, #1, lsl #12 */, {{1, 1}}, 0x1001},
        {0x910003e0u /* mov x0, sp */, {{kSP, 0x7ff0}}, 0x7ff0},
        {0x910023e0u /* add x0, sp, #8 */, {{kSP, 0x7ff0}}, 0x7ff8},
        {0x51000420u /* sub w0, w1, #1 */, {{1, 0xffffffff00000000}}, 0xffffffff},
        {0xd1400420u /* sub x0, x1, #1, lsl #12 */, {{1, 0}}, 0xfffffffffffff000},
        {0x31000420u /* adds w0, w1, #1 */, {{1, 0xffffffff7fffffff}}, 0x80000000, N | V},
        {0xb1000420u /* adds x0, x1, #1 */, {{1, ~0ull}}, 0, Z | C},
        {0xb1000420u /* adds x0, x1, #1 */, {{1, 5}}, 6, 0, N | Z | C | V},
        {0xf1001420u /* subs x0, x1, #5 */, {{1, 5}}, 0, Z | C},
        {0xf1001420u /* subs x0, x1, #5 */, {{1, 4}}, ~0ull, N},
        {0xf1000420u /* subs x0, x1, #1 */, {{1, 0x8000000000000000}}, 0x7fffffffffffffff, C | V},
        {0x71000420u /* subs w0, w1, #1 */, {{1, 0x80000000}}, 0x7fffffff, C | V},
        {0xf100003fu /* cmp x1, #0 */, {{0, 9}, {1, 0}}, 9, Z | C},
        {0x3100043fu /* cmn w1, #1 */, {{0, 9}, {1, 0xffffffff}}, 9, Z | C},
    });
}

TEST(DpAddSubImm, SpAsDestinationOnlyWithoutFlags) {
    CpuState s = execute(0x910043ffu /* add sp, sp, #16 */, {{kSP, 0x1000}});
    EXPECT_EQ(s.sp, 0x1010u);
    s = execute(0x9100103fu /* add sp, x1, #4 */, {{1, 0x2000}, {kSP, 0x1000}});
    EXPECT_EQ(s.sp, 0x2004u);
    s = execute(0x5100103fu /* sub wsp, w1, #4 */, {{1, 0xffffffff00000010}, {kSP, 0x1000}});
    EXPECT_EQ(s.sp, 0xcu);
    s = execute(0xf100043fu /* cmp x1, #1: Rd = 31 is XZR */, {{1, 3}, {kSP, 0x1000}});
    EXPECT_EQ(s.sp, 0x1000u);
    EXPECT_EQ(s.nzcv, C);
}

TEST(DpLogicalImm, ElementSizesAndRotations) {
    check({
        {0x92401c20u /* and x0, x1, #0xff (esize 64) */, {{1, kA}}, 0xef},
        {0xb200f3e0u /* mov x0, #0x5555555555555555 (esize 2) */, {}, 0x5555555555555555},
        {0xd2089c20u /* eor x0, x1, #0xff00ff00ff00ff00 (esize 16, rotated) */, {{1, kA}}, kA ^ kB},
        {0x121e2c20u /* and w0, w1, #0x3ffc (esize 32, rotated) */, {{1, kA}}, 0xdec},
        {0x3200cfe0u /* mov w0, #0x0f0f0f0f (esize 8) */, {{0, ~0ull}}, 0x0f0f0f0f},
        {0xb2431020u /* orr x0, x1, #0xe000000000000003 (wraps around) */, {{1, kA}}, 0xe123456789abcdef},
        {0x321f0020u /* orr w0, w1, #0x2 */, {{1, 0xffffffff00000001}}, 3},
        {0xb2400000u /* orr x0, x0, #1 */, {{0, 0x40}}, 0x41},
        {0xf2410020u /* ands x0, x1, #0x8000000000000000 */, {{1, ~0ull}}, 0x8000000000000000, N, C | V},
        {0xf2400020u /* ands x0, x1, #1 */, {{1, 2}}, 0, Z, N | C | V},
        {0x7200003fu /* tst w1, #1 */, {{0, 7}, {1, 1}}, 7, 0, Z | C},
    });
}

TEST(DpLogicalImm, StackPointerDestination) {
    const CpuState s = execute(0x927cec3fu /* and sp, x1, #0xfffffffffffffff0 */, {{1, 0x1234567f}});
    EXPECT_EQ(s.sp, 0x12345670u);
}

TEST(DpLogicalImm, ReservedEncodingsAreUndefined) {
    expect_undefined({
        0x9240fc20u,  // and x0, x1, #? : N=1 imms=111111 (all-ones element)
        0x9200fc20u,  // N=0 imms=111111: no element size
        0x9200f420u,  // N=0 imms=111101: all-ones 2-bit element
        0x92007c20u,  // N=0 imms=011111: all-ones 32-bit element
        0x12400020u,  // and w0, w1, #?: 32-bit with N=1
    });
}

TEST(DpMoveWide, EveryHw) {
    check({
        {0xd2824680u /* movz x0, #0x1234 */, {{0, ~0ull}}, 0x1234},
        {0xd2a24680u /* movz x0, #0x1234, lsl #16 */, {}, 0x12340000},
        {0xd2c24680u /* movz x0, #0x1234, lsl #32 */, {}, 0x123400000000},
        {0xd2e24680u /* movz x0, #0x1234, lsl #48 */, {}, 0x1234000000000000},
        {0x52a00020u /* movz w0, #1, lsl #16 */, {{0, ~0ull}}, 0x10000},
        {0x92824680u /* movn x0, #0x1234 */, {}, 0xffffffffffffedcb},
        {0x92a24680u /* movn x0, #0x1234, lsl #16 */, {}, 0xffffffffedcbffff},
        {0x92c24680u /* movn x0, #0x1234, lsl #32 */, {}, 0xffffedcbffffffff},
        {0x92e24680u /* movn x0, #0x1234, lsl #48 */, {}, 0xedcbffffffffffff},
        {0x12824680u /* movn w0, #0x1234 */, {}, 0xffffedcb},
        {0x12a24680u /* movn w0, #0x1234, lsl #16 */, {}, 0xedcbffff},
        {0xf297dde0u /* movk x0, #0xbeef */, {{0, 0x1111222233334444}}, 0x111122223333beef},
        {0xf2b7dde0u /* movk x0, #0xbeef, lsl #16 */, {{0, 0x1111222233334444}}, 0x11112222beef4444},
        {0xf2d7dde0u /* movk x0, #0xbeef, lsl #32 */, {{0, 0x1111222233334444}}, 0x1111beef33334444},
        {0xf2f7dde0u /* movk x0, #0xbeef, lsl #48 */, {{0, 0x1111222233334444}}, 0xbeef222233334444},
        {0x72b7dde0u /* movk w0, #0xbeef, lsl #16 */, {{0, 0xffffffff11112222}}, 0xbeef2222},
        {0x7297dde0u /* movk w0, #0xbeef */, {{0, 0xffffffff11112222}}, 0x1111beef},
    });
}

TEST(DpMoveWide, UnallocatedAreUndefined) {
    expect_undefined({
        0xb2800020u,  // opc=01
        0x32800020u,  // opc=01, 32-bit
        0x52c00020u,  // movz w0, hw=2
        0x12e00020u,  // movn w0, hw=3
        0x72e00020u,  // movk w0, hw=3
    });
}

TEST(DpBitfield, AliasesAndCorners) {
    check({
        // UBFM
        {0xd37cec20u /* lsl x0, x1, #4 */, {{1, kA}}, 0x123456789abcdef0},
        {0xd37ffc20u /* lsr x0, x1, #63 */, {{1, 0x8000000000000000}}, 1},
        {0xd340fc20u /* ubfm x0, x1, #0, #63 (identity) */, {{1, kA}}, kA},
        {0x53010020u /* lsl w0, w1, #31 */, {{1, 3}}, 0x80000000},
        {0x53017c20u /* lsr w0, w1, #1 */, {{1, 0xffffffff80000000}}, 0x40000000},
        {0xd3484c20u /* ubfx x0, x1, #8, #12 */, {{1, kA}}, 0xbcd},
        {0xd3481c20u /* ubfiz x0, x1, #56, #8 */, {{1, kA}}, 0xef00000000000000},
        {0x53001c20u /* uxtb w0, w1 */, {{1, kA}}, 0xef},
        {0x53003c20u /* uxth w0, w1 */, {{1, kA}}, 0xcdef},
        {0x531c7c20u /* lsr w0, w1, #28 */, {{1, kA}}, 0x8},
        // SBFM
        {0x9344fc20u /* asr x0, x1, #4 */, {{1, 0x8000000000000010}}, 0xf800000000000001},
        {0x937ffc20u /* asr x0, x1, #63 */, {{1, 0x8000000000000000}}, ~0ull},
        {0x131f7c20u /* asr w0, w1, #31 */, {{1, 0x80000000}}, 0xffffffff},
        {0x13017c20u /* asr w0, w1, #1 */, {{1, 0x7ffffffe}}, 0x3fffffff},
        {0x93442c20u /* sbfx x0, x1, #4, #8 */, {{1, kA}}, 0xffffffffffffffde},
        {0x93442c20u /* sbfx x0, x1, #4, #8 */, {{1, 0x7f0}}, 0x7f},
        {0x131c7c20u /* asr w0, w1, #28 */, {{1, kA}}, 0xfffffff8},
        {0x93780c20u /* sbfiz x0, x1, #8, #4 */, {{1, kA}}, 0xffffffffffffff00},
        {0x131c1c20u /* sbfiz w0, w1, #4, #8 */, {{1, kA}}, 0xfffffef0},
        {0x93401c20u /* sxtb x0, w1 */, {{1, kA}}, 0xffffffffffffffef},
        {0x13003c20u /* sxth w0, w1 */, {{1, kA}}, 0xffffcdef},
        {0x93407c20u /* sxtw x0, w1 */, {{1, kA}}, 0xffffffff89abcdef},
        {0x93407c20u /* sxtw x0, w1 */, {{1, 0xffffffff7fffffff}}, 0x7fffffff},
        // BFM
        {0xb3783c20u /* bfi x0, x1, #8, #16 */, {{0, ~0ull}, {1, kA}}, 0xffffffffffcdefff},
        {0xb3505c20u /* bfxil x0, x1, #16, #8 */, {{0, 0x1111111111111111}, {1, kA}}, 0x11111111111111ab},
        {0xb37c0c20u /* bfi x0, x1, #4, #4 (bfm #60, #3) */, {{0, 0}, {1, kA}}, 0xf0},
        {0xb3410020u /* bfi x0, x1, #63, #1 */, {{0, 0}, {1, 1}}, 0x8000000000000000},
        {0xb340fc20u /* bfxil x0, x1, #0, #64 */, {{0, 5}, {1, kA}}, kA},
        {0x33040c20u /* bfi w0, w1, #28, #4 */, {{0, 0xffffffff00000000}, {1, kA}}, 0xf0000000},
        {0x33107c20u /* bfxil w0, w1, #16, #16 */, {{0, 0xaaaaaaaa12345678}, {1, kA}}, 0x123489ab},
    });
}

TEST(DpBitfield, UnallocatedAreUndefined) {
    expect_undefined({
        0xd3000020u,  // ubfm x: sf=1 with N=0
        0x53400020u,  // ubfm w: sf=0 with N=1
        0x53200020u,  // ubfm w: immr >= 32
        0x53008020u,  // ubfm w: imms >= 32
        0xf3400020u,  // opc=11
    });
}

TEST(DpExtr, ExtractAndRotate) {
    check({
        {0x93c24020u /* extr x0, x1, x2, #16 */, {{1, kA}, {2, 0xfedcba9876543210}}, 0xcdeffedcba987654},
        {0x13822020u /* extr w0, w1, w2, #8 */, {{1, kA}, {2, 0x76543210}}, 0xef765432},
        {0x93c20020u /* extr x0, x1, x2, #0 */, {{1, kA}, {2, kB}}, kB},
        {0x93c2fc20u /* extr x0, x1, x2, #63 */, {{1, 1}, {2, 0x8000000000000000}}, 3},
        {0x93c12020u /* ror x0, x1, #8 */, {{1, kA}}, 0xef0123456789abcd},
        {0x13817c20u /* ror w0, w1, #31 */, {{1, kA}}, 0x13579bdf},
    });
    expect_undefined({
        0x93820020u,  // extr x with N=0
        0x13828020u,  // extr w with imms = 32
        0xb3c20020u,  // op21 = 01
        0x93e20020u,  // o0 = 1
    });
}

// ---- Data processing: register --------------------------------------------------

TEST(DpLogicalShifted, EveryOperationAndShift) {
    check({
        {0x8a020020u /* and x0, x1, x2 */, {{1, kA}, {2, kB}}, kA & kB},
        {0xaa021020u /* orr x0, x1, x2, lsl #4 */, {{1, kA}, {2, kB}}, 0xf12ff56ff9affdef},
        {0xca42fc20u /* eor x0, x1, x2, lsr #63 */, {{1, kA}, {2, kB}}, 0x0123456789abcdee},
        {0x8aa20420u /* bic x0, x1, x2, asr #1 */, {{1, kA}, {2, kB}}, 0x00230067802b806f},
        {0x2ae27c20u /* orn w0, w1, w2, ror #31 */, {{1, kA}, {2, kB}}, 0x89ffcdff},
        {0xcae2fc20u /* eon x0, x1, x2, ror #63 */, {{1, kA}, {2, kB}}, 0x00dd44998855cc11},
        {0xaa0203e0u /* mov x0, x2 */, {{2, kB}}, kB},
        {0xaa2203e0u /* mvn x0, x2 */, {{2, kB}}, ~kB},
        {0x2a027c20u /* orr w0, w1, w2, lsl #31 */, {{1, 0}, {2, 3}}, 0x80000000},
        {0x0a827c20u /* and w0, w1, w2, asr #31 */, {{1, kA}, {2, 0x80000000}}, 0x89abcdef},
        {0xea020020u /* ands x0, x1, x2 */, {{1, kA}, {2, ~kA}}, 0, Z, N | C | V},
        {0xea020020u /* ands x0, x1, x2 */, {{1, kA}, {2, kB}}, kA & kB, 0, N | C | V},
        {0xea020020u /* ands x0, x1, x2 */, {{1, ~0ull}, {2, kB}}, kB, N, Z | C | V},
        {0x6a220020u /* bics w0, w1, w2 */, {{1, 0x80000001}, {2, 1}}, 0x80000000, N},
        {0xea22003fu /* bics xzr, x1, x2 */, {{0, 7}, {1, kA}, {2, kA}}, 7, Z},
        {0xea02003fu /* tst x1, x2 */, {{0, 7}, {1, 1}, {2, 2}}, 7, Z},
    });
    expect_undefined({0x0a028020u});  // and w0, w1, w2, lsl #32
}

TEST(DpAddSubShifted, ShiftsAndFlags) {
    check({
        {0x8b02fc20u /* add x0, x1, x2, lsl #63 */, {{1, 5}, {2, 1}}, 0x8000000000000005},
        {0x4b427c20u /* sub w0, w1, w2, lsr #31 */, {{1, 0}, {2, 0x80000000}}, 0xffffffff},
        {0x8b820820u /* add x0, x1, x2, asr #2 */, {{1, 0}, {2, 0x8000000000000000}}, 0xe000000000000000},
        {0xcb0203e0u /* neg x0, x2 */, {{2, 1}, {kSP, 0x1000}}, ~0ull},
        {0xab82fc20u /* adds x0, x1, x2, asr #63 */, {{1, 1}, {2, 0x8000000000000000}}, 0, Z | C},
        {0x6b020020u /* subs w0, w1, w2 */, {{1, 3}, {2, 3}}, 0, Z | C},
        {0x6b020020u /* subs w0, w1, w2 */, {{1, 2}, {2, 3}}, 0xffffffff, N},
        {0xeb02003fu /* cmp x1, x2 */, {{0, 7}, {1, 0x8000000000000000}, {2, 1}}, 7, C | V},
        {0xab02003fu /* cmn x1, x2 */, {{0, 7}, {1, 0x7fffffffffffffff}, {2, 1}}, 7, N | V},
        {0x2b020020u /* adds w0, w1, w2 */, {{1, 0xffffffff}, {2, 2}}, 1, C},
    });
    expect_undefined({
        0x8bc20020u,  // add x0, x1, x2 with shift = 11
        0x0b028020u,  // add w0, w1, w2, lsl #32
    });
}

// ExtendReg as the Arm ARM defines it, for checking the translator.
uint64_t extend_reference(uint64_t value, unsigned option, unsigned shift) {
    const unsigned len = 8u << (option & 3);
    uint64_t v = len == 64 ? value : value & ((uint64_t{1} << len) - 1);
    if ((option & 4) && len < 64 && (v >> (len - 1)) & 1) v |= ~uint64_t{0} << len;
    return v << shift;
}

TEST(DpAddSubExtended, EveryExtendWithEveryShift) {
    const uint32_t add_x = 0x8b220020u /* add x0, x1, w2, uxtb */;
    const uint32_t sub_w = 0x4b220020u /* sub w0, w1, w2, uxtb */;
    for (uint64_t m : {0x8899aabbccddeeffull, 0x0123456789ab7d7full}) {
        for (unsigned option = 0; option < 8; ++option) {
            for (unsigned shift = 0; shift <= 4; ++shift) {
                const uint32_t fields = (option << 13) | (shift << 10);
                const uint64_t x1 = 0x1000000000000000;
                check({
                    {add_x | fields, {{1, x1}, {2, m}}, x1 + extend_reference(m, option, shift)},
                    {sub_w | fields, {{1, x1 | 7}, {2, m}}, (7 - extend_reference(m, option, shift)) & 0xffffffff},
                });
            }
        }
    }
}

TEST(DpAddSubExtended, StackPointerOperands) {
    CpuState s = execute(0x8b2263ffu /* add sp, sp, x2 */, {{2, 0x10}, {kSP, 0x1000}});
    EXPECT_EQ(s.sp, 0x1010u);
    s = execute(0xcb2273ffu /* sub sp, sp, x2, lsl #4 */, {{2, 0x10}, {kSP, 0x1000}});
    EXPECT_EQ(s.sp, 0xf00u);
    check({
        {0x8b22cbe0u /* add x0, sp, w2, sxtw #2 */, {{2, 0xffffffff}, {kSP, 0x1000}}, 0xffc},
        {0xab2163e0u /* adds x0, sp, x1 */, {{1, 0x10}, {kSP, 0x1000}}, 0x1010},
        {0xeb2263ffu /* cmp sp, x2 */, {{0, 7}, {2, 0x1000}, {kSP, 0x1000}}, 7, Z | C},
        {0x2b22003fu /* cmn w1, w2, uxtb */, {{0, 7}, {1, 0xffffff01}, {2, 0xff}}, 7, Z | C},
    });
    expect_undefined({
        0x8b221420u,  // add x0, x1, w2, uxtb #5
        0x8b620020u,  // opt = 01
    });
}

TEST(DpAddSubCarry, AdcSbcAndFlags) {
    check({
        {0x9a020020u /* adc x0, x1, x2 */, {{1, 5}, {2, 3}}, 8},
        {0x9a020020u /* adc x0, x1, x2 */, {{1, 5}, {2, 3}}, 9, C, C},
        {0xba020020u /* adcs x0, x1, x2 */, {{1, ~0ull}, {2, 0}}, 0, Z | C, C},
        {0xba020020u /* adcs x0, x1, x2 */, {{1, ~0ull}, {2, 0}}, ~0ull, N, 0},
        {0x3a020020u /* adcs w0, w1, w2 */, {{1, 0x7fffffff}, {2, 0}}, 0x80000000, N | V, C},
        {0xda020020u /* sbc x0, x1, x2 */, {{1, 5}, {2, 3}}, 2, C, C},
        {0xda020020u /* sbc x0, x1, x2 */, {{1, 5}, {2, 3}}, 1, 0, 0},
        {0xfa020020u /* sbcs x0, x1, x2 */, {{1, 3}, {2, 3}}, ~0ull, N, 0},
        {0x7a020020u /* sbcs w0, w1, w2 */, {{1, 3}, {2, 3}}, 0, Z | C, C},
        {0x7a020020u /* sbcs w0, w1, w2 */, {{1, 0x80000000}, {2, 0}}, 0x7fffffff, C | V, 0},
        {0xfa0203e0u /* ngcs x0, x2 */, {{2, 0}}, 0, Z | C, C},
        {0x5a0203e0u /* ngc w0, w2 */, {{2, 0}}, 0xffffffff, 0, 0},
    });
}

TEST(DpCondSelect, EveryConditionForEveryOperation) {
    struct Op {
        uint32_t word;
        uint64_t otherwise;  // the result when the condition fails
    };
    const uint64_t x1 = 0x1111, x2 = 0x2222;
    const Op ops[] = {
        {0x9a820020u /* csel x0, x1, x2, eq */, x2},
        {0x9a820420u /* csinc x0, x1, x2, eq */, x2 + 1},
        {0xda820020u /* csinv x0, x1, x2, eq */, ~x2},
        {0xda820420u /* csneg x0, x1, x2, eq */, 0 - x2},
        {0x5a820420u /* csneg w0, w1, w2, eq */, (0 - x2) & 0xffffffff},
        {0x5a820020u /* csinv w0, w1, w2, eq */, ~x2 & 0xffffffff},
    };
    for (const Op& op : ops) {
        for (const ConditionCase& c : kConditions) {
            const uint32_t word = op.word | (c.cond << 12);
            check({{word, {{1, x1}, {2, x2}}, x1, c.holds, c.holds}});
            if (c.fails) check({{word, {{1, x1}, {2, x2}}, op.otherwise, *c.fails, *c.fails}});
        }
    }
    check({
        {0x1a9f17e0u /* cset w0, eq */, {{0, ~0ull}}, 1, Z, Z},
        {0xda9f03e0u /* csetm x0, ne */, {}, ~0ull, 0, 0},
        {0x9a821420u /* csinc x0, x1, x2, ne: wraps */, {{1, 1}, {2, ~0ull}}, 0, Z, Z},
    });
    expect_undefined({
        0xba820020u,  // csel with S = 1
        0x9a820820u,  // op2 = 10
        0x9a820c20u,  // op2 = 11
    });
}

TEST(DpCondCompare, EveryConditionRegisterAndImmediate) {
    struct Op {
        uint32_t word;
        uint64_t x1, x2;
        uint32_t flags;  // NZCV of the comparison when the condition holds
    };
    const Op ops[] = {
        {0xfa420029u /* ccmp x1, x2, #9, eq */, 5, 3, C},
        {0x7a420029u /* ccmp w1, w2, #9, eq */, 3, 5, N},
        {0xba420029u /* ccmn x1, x2, #9, eq */, 0 - 3ull, 3, Z | C},
        {0x3a420029u /* ccmn w1, w2, #9, eq */, 0x7fffffff, 1, N | V},
        {0xfa430829u /* ccmp x1, #3, #9, eq */, 3, 0, Z | C},
        {0x7a5f0829u /* ccmp w1, #31, #9, eq */, 0, 0, N},
        {0xba430829u /* ccmn x1, #3, #9, eq */, 0 - 3ull, 0, Z | C},
    };
    for (const Op& op : ops) {
        for (const ConditionCase& c : kConditions) {
            const uint32_t word = op.word | (c.cond << 12);
            const std::vector<std::pair<unsigned, uint64_t>> regs = {{0, 7}, {1, op.x1}, {2, op.x2}};
            check({{word, regs, 7, op.flags, c.holds}});
            if (c.fails) check({{word, regs, 7, N | V, *c.fails}});
        }
    }
    expect_undefined({
        0xfa420429u,  // ccmp with o2 = 1
        0xfa420039u,  // ccmp with o3 = 1
        0xfa420c29u,  // ccmp (imm) with o2 = 1
    });
}

TEST(DpMultiply, ThreeSourceForms) {
    check({
        {0x9b020c20u /* madd x0, x1, x2, x3 */, {{1, 5}, {2, 7}, {3, 3}}, 38},
        {0x9b027c20u /* mul x0, x1, x2 */, {{1, 0x100000001}, {2, 0x100000001}}, 0x200000001},
        {0x1b028c20u /* msub w0, w1, w2, w3 */, {{1, 5}, {2, 7}, {3, 3}}, 0xffffffe0},
        {0x1b027c20u /* mul w0, w1, w2 */, {{1, 0x10000}, {2, 0x10001}}, 0x10000},
        {0x9b02fc20u /* mneg x0, x1, x2 */, {{1, 5}, {2, 7}}, 0 - 35ull},
        {0x9b220c20u /* smaddl x0, w1, w2, x3 */, {{1, 0x12345678fffffffe}, {2, 3}, {3, 10}}, 4},
        {0x9b228c20u /* smsubl x0, w1, w2, x3 */, {{1, 0x12345678fffffffe}, {2, 3}, {3, 10}}, 16},
        {0x9b227c20u /* smull x0, w1, w2 */, {{1, 0x80000000}, {2, 0x80000000}}, 0x4000000000000000},
        {0x9ba20c20u /* umaddl x0, w1, w2, x3 */, {{1, 0x12345678fffffffe}, {2, 3}, {3, 10}}, 0x300000004},
        {0x9ba28c20u /* umsubl x0, w1, w2, x3 */, {{1, 0xfffffffe}, {2, 3}, {3, 10}}, 0xfffffffd00000010},
        {0x9ba27c20u /* umull x0, w1, w2 */, {{1, 0xffffffff}, {2, 0xffffffff}}, 0xfffffffe00000001},
        {0x9b427c20u /* smulh x0, x1, x2 */, {{1, ~0ull}, {2, 5}}, ~0ull},
        {0x9b427c20u /* smulh x0, x1, x2 */, {{1, 0x7fffffffffffffff}, {2, 0x7fffffffffffffff}}, 0x3fffffffffffffff},
        {0x9b427c20u /* smulh x0, x1, x2 */, {{1, 0x8000000000000000}, {2, 0x8000000000000000}}, 0x4000000000000000},
        {0x9bc27c20u /* umulh x0, x1, x2 */, {{1, ~0ull}, {2, ~0ull}}, 0xfffffffffffffffe},
        {0x9bc27c20u /* umulh x0, x1, x2 */, {{1, 0x100000000}, {2, 0x100000000}}, 1},
    });
    expect_undefined({
        0x1b220c20u,  // smaddl with sf = 0
        0x1ba20c20u,  // umaddl with sf = 0
        0x1b427c20u,  // smulh with sf = 0
        0xbb020c20u,  // op54 = 01
        0x9b620c20u,  // op31 = 011
        0x9b020c20u | (0b100 << 21),  // op31 = 100
        0x9be20c20u,  // op31 = 111
        0x9b42fc20u,  // smulh with o0 = 1
        0x9bc2fc20u,  // umulh with o0 = 1
    });
}

TEST(DpDivide, ArmResultsForZeroAndOverflow) {
    constexpr uint32_t udiv_x = 0x9ac20820u /* udiv x0, x1, x2 */, udiv_w = 0x1ac20820u /* udiv w0, w1, w2 */;
    constexpr uint32_t sdiv_x = 0x9ac20c20u /* sdiv x0, x1, x2 */, sdiv_w = 0x1ac20c20u /* sdiv w0, w1, w2 */;
    check({
        {udiv_x, {{1, 100}, {2, 7}}, 14},
        {udiv_x, {{1, 100}, {2, 0}}, 0},
        {udiv_x, {{1, ~0ull}, {2, 1}}, ~0ull},
        {udiv_w, {{1, 0xffffffff}, {2, 2}}, 0x7fffffff},
        {udiv_w, {{1, 0x1ffffffff}, {2, 0x100000000}}, 0},
        {sdiv_x, {{1, 0 - 7ull}, {2, 2}}, 0 - 3ull},
        {sdiv_x, {{1, 7}, {2, 0 - 2ull}}, 0 - 3ull},
        {sdiv_x, {{1, 0x8000000000000000}, {2, ~0ull}}, 0x8000000000000000},
        {sdiv_x, {{1, 0x8000000000000000}, {2, 0}}, 0},
        {sdiv_w, {{1, 0x80000000}, {2, 0xffffffff}}, 0x80000000},
        {sdiv_w, {{1, 0xfffffff9}, {2, 2}}, 0xfffffffd},
        {sdiv_w, {{1, 5}, {2, 0}}, 0},
    });
}

TEST(DpShiftVariable, AmountsTakenModuloWidth) {
    constexpr uint32_t lsl_x = 0x9ac22020u /* lsl x0, x1, x2 */, lsl_w = 0x1ac22020u /* lsl w0, w1, w2 */;
    constexpr uint32_t lsr_x = 0x9ac22420u /* lsr x0, x1, x2 */, lsr_w = 0x1ac22420u /* lsr w0, w1, w2 */;
    constexpr uint32_t asr_x = 0x9ac22820u /* asr x0, x1, x2 */, asr_w = 0x1ac22820u /* asr w0, w1, w2 */;
    constexpr uint32_t ror_x = 0x9ac22c20u /* ror x0, x1, x2 */, ror_w = 0x1ac22c20u /* ror w0, w1, w2 */;
    check({
        {lsl_x, {{1, kA}, {2, 0}}, kA},
        {lsl_x, {{1, 1}, {2, 63}}, 0x8000000000000000},
        {lsl_x, {{1, 1}, {2, 64}}, 1},
        {lsl_x, {{1, 1}, {2, 65}}, 2},
        {lsl_w, {{1, 1}, {2, 31}}, 0x80000000},
        {lsl_w, {{1, 1}, {2, 32}}, 1},
        {lsr_x, {{1, 0x8000000000000000}, {2, 63}}, 1},
        {lsr_x, {{1, kA}, {2, 64}}, kA},
        {lsr_w, {{1, 0xffffffff80000000}, {2, 31}}, 1},
        {asr_x, {{1, 0x8000000000000000}, {2, 63}}, ~0ull},
        {asr_x, {{1, 0x8000000000000000}, {2, 0}}, 0x8000000000000000},
        {asr_w, {{1, 0x80000000}, {2, 31}}, 0xffffffff},
        {asr_w, {{1, 0x80000000}, {2, 33}}, 0xc0000000},
        {ror_x, {{1, kA}, {2, 0}}, kA},
        {ror_x, {{1, kA}, {2, 63}}, 0x02468acf13579bde},
        {ror_w, {{1, kA}, {2, 31}}, 0x13579bdf},
        {ror_w, {{1, kA}, {2, 4}}, 0xf89abcde},
    });
}

// CRC-32 and CRC-32C of "123456789" with the usual pre- and post-inversion.
uint32_t crc_of_check_string(const std::vector<std::pair<uint32_t, unsigned>>& steps) {
    static const char kData[] = "123456789";
    uint32_t crc = 0xffffffff;
    unsigned offset = 0;
    for (const auto& [word, bytes] : steps) {
        uint64_t data = 0;
        std::memcpy(&data, kData + offset, bytes);
        offset += bytes;
        const CpuState s = execute(word, {{1, crc}, {2, data}});
        EXPECT_EQ(s.exit_reason, ExitReason::None);
        EXPECT_EQ(s.x[0] >> 32, 0u);
        crc = static_cast<uint32_t>(s.x[0]);
    }
    EXPECT_EQ(offset, 9u);
    return ~crc;
}

TEST(DpCrc32, CheckValuesEveryWidth) {
    const uint32_t b = 0x1ac24020u /* crc32b w0, w1, w2 */, h = 0x1ac24420u /* crc32h w0, w1, w2 */;
    const uint32_t w = 0x1ac24820u /* crc32w w0, w1, w2 */, x = 0x9ac24c20u /* crc32x w0, w1, x2 */;
    const uint32_t cb = 0x1ac25020u /* crc32cb w0, w1, w2 */, ch = 0x1ac25420u /* crc32ch w0, w1, w2 */;
    const uint32_t cw = 0x1ac25820u /* crc32cw w0, w1, w2 */, cx = 0x9ac25c20u /* crc32cx w0, w1, x2 */;
    EXPECT_EQ(crc_of_check_string({{b, 1}, {b, 1}, {b, 1}, {b, 1}, {b, 1}, {b, 1}, {b, 1}, {b, 1}, {b, 1}}),
              0xcbf43926u);
    EXPECT_EQ(crc_of_check_string({{h, 2}, {h, 2}, {h, 2}, {h, 2}, {b, 1}}), 0xcbf43926u);
    EXPECT_EQ(crc_of_check_string({{w, 4}, {w, 4}, {b, 1}}), 0xcbf43926u);
    EXPECT_EQ(crc_of_check_string({{x, 8}, {b, 1}}), 0xcbf43926u);
    EXPECT_EQ(crc_of_check_string({{cb, 1}, {cb, 1}, {cb, 1}, {cb, 1}, {cb, 1}, {cb, 1}, {cb, 1}, {cb, 1}, {cb, 1}}),
              0xe3069283u);
    EXPECT_EQ(crc_of_check_string({{ch, 2}, {ch, 2}, {ch, 2}, {ch, 2}, {cb, 1}}), 0xe3069283u);
    EXPECT_EQ(crc_of_check_string({{cw, 4}, {cw, 4}, {cb, 1}}), 0xe3069283u);
    EXPECT_EQ(crc_of_check_string({{cx, 8}, {cb, 1}}), 0xe3069283u);
}

TEST(DpCrc32, DataAboveTheOperandWidthIsIgnored) {
    const CpuState narrow = execute(0x1ac24020u /* crc32b w0, w1, w2 */, {{1, 0xffffffff}, {2, 0x31}});
    const CpuState wide = execute(0x1ac24020u /* crc32b w0, w1, w2 */, {{1, 0xabcdef00ffffffff}, {2, 0xffffff31}});
    EXPECT_EQ(narrow.x[0], wide.x[0]);
}

TEST(DpTwoSource, UnallocatedAreUndefined) {
    expect_undefined({
        0x1ac24c20u,  // crc32x with sf = 0
        0x9ac24020u,  // crc32b with sf = 1
        0x9ac25820u,  // crc32cw with sf = 1
        0x3ac20820u,  // udiv with S = 1
        0x9ac20020u,  // opcode 000000
        0x9ac21020u,  // opcode 000100
        0x9ac23020u,  // opcode 001100
        0x9ac26020u,  // opcode 011000
    });
}

TEST(DpOneSource, BitAndByteOperations) {
    check({
        {0xdac00020u /* rbit x0, x1 */, {{1, 1}}, 0x8000000000000000},
        {0xdac00020u /* rbit x0, x1 */, {{1, kA}}, 0xf7b3d591e6a2c480},
        {0x5ac00020u /* rbit w0, w1 */, {{1, kA}}, 0xf7b3d591},
        {0xdac00420u /* rev16 x0, x1 */, {{1, kA}}, 0x23016745ab89efcd},
        {0x5ac00420u /* rev16 w0, w1 */, {{1, kA}}, 0xab89efcd},
        {0xdac00820u /* rev32 x0, x1 */, {{1, kA}}, 0x67452301efcdab89},
        {0x5ac00820u /* rev w0, w1 */, {{1, kA}}, 0xefcdab89},
        {0xdac00c20u /* rev x0, x1 */, {{1, kA}}, 0xefcdab8967452301},
        {0xdac01020u /* clz x0, x1 */, {{1, 0}}, 64},
        {0xdac01020u /* clz x0, x1 */, {{1, ~0ull}}, 0},
        {0xdac01020u /* clz x0, x1 */, {{1, 1}}, 63},
        {0x5ac01020u /* clz w0, w1 */, {{1, 0xffffffff00000000}}, 32},
        {0x5ac01020u /* clz w0, w1 */, {{1, 0xffffffff}}, 0},
        {0x5ac01020u /* clz w0, w1 */, {{1, 1}}, 31},
        {0xdac01420u /* cls x0, x1 */, {{1, 0}}, 63},
        {0xdac01420u /* cls x0, x1 */, {{1, ~0ull}}, 63},
        {0xdac01420u /* cls x0, x1 */, {{1, 1}}, 62},
        {0xdac01420u /* cls x0, x1 */, {{1, 0x8000000000000000}}, 0},
        {0xdac01420u /* cls x0, x1 */, {{1, 0xf000000000000000}}, 3},
        {0x5ac01420u /* cls w0, w1 */, {{1, 0}}, 31},
        {0x5ac01420u /* cls w0, w1 */, {{1, 0xffffffff}}, 31},
        {0x5ac01420u /* cls w0, w1 */, {{1, 0x40000000}}, 0},
        {0x5ac01420u /* cls w0, w1 */, {{1, 0x00000000ffff0000}}, 15},
    });
    expect_undefined({
        0x5ac00c20u,  // rev (64-bit opcode) with sf = 0
        0xdac10020u,  // opcode2 = 00001
        0xfac00020u,  // S = 1
        0xdac01820u,  // opcode 000110
    });
}

}  // namespace
}  // namespace ferry
