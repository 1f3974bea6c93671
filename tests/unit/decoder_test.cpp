// The decode table: patterns parse as written, every row is reachable, and
// real encodings (from aarch64-linux-gnu-as) land on the right row.
#include <gtest/gtest.h>

#include <string_view>

#include "frontend/a64/decoder.h"

namespace ferry::a64 {
namespace {

std::string_view row_of(uint32_t word) {
    const Encoding* e = decode(word);
    return e ? e->handler_name : "UNDEF";
}

TEST(Decoder, PatternFieldsAndFixedBits) {
    constexpr Pattern p = parse_pattern("sf op S 100010 sh imm12:12 Rn:5 Rd:5");
    static_assert(p.num_fields == 7);
    EXPECT_EQ(p.mask, 0x1f800000u);
    EXPECT_EQ(p.value, 0x11000000u);
    const Insn in(0x91000420, p);  // add x0, x1, #1
    EXPECT_EQ(in["sf"], 1u);
    EXPECT_EQ(in["op"], 0u);
    EXPECT_EQ(in["imm12"], 1u);
    EXPECT_EQ(in["Rn"], 1u);
    EXPECT_EQ(in["Rd"], 0u);
}

TEST(Decoder, EveryRowIsConsistentAndDecodesToItself) {
    for (const Encoding& e : encodings()) {
        EXPECT_EQ(e.pattern.value & ~e.pattern.mask, 0u) << e.handler_name;
        // The row's own fixed bits with all fields zero, and with all ones,
        // must reach a row at least as specific as this one.
        for (uint32_t fill : {0u, ~0u}) {
            const uint32_t word = (fill & ~e.pattern.mask) | e.pattern.value;
            const Encoding* got = decode(word);
            ASSERT_NE(got, nullptr) << e.handler_name;
            EXPECT_TRUE(got == &e || got->pattern.mask != e.pattern.mask) << e.handler_name << " shadowed by "
                                                                           << got->handler_name;
        }
    }
}

TEST(Decoder, RealEncodingsReachTheirRows) {
    struct Case { uint32_t word; const char* row; const char* assembly; };
    const Case cases[] = {
        {0x91000420, "ADDSUB_imm", "add x0, x1, #1"},
        {0xd65f03c0, "BRANCH_reg", "ret"},
        {0xf9400020, "LDST_uimm", "ldr x0, [x1]"},
        {0xc8dffc20, "LDST_ordered", "ldar x0, [x1]"},
        {0xc8a07c41, "CAS", "cas x0, x1, [x2]"},
        {0xf8200020, "ATOMIC_memop", "ldadd x0, x0, [x1]"},
        {0xc87f0440, "LDST_exclusive_pair", "ldxp x0, x1, [x2]"},
        {0x48207c82, "CASP", "casp x0, x1, x2, x3, [x4]"},
        {0x889ffc20, "LDST_ordered", "stlr w0, [x1]"},
        {0xb8627820, "LDST_regoff", "ldr w0, [x1, x2, lsl #2]"},
        {0xf8408420, "LDST_imm9", "ldr x0, [x1], #8"},
        {0xa9c107e0, "LDST_pair", "ldp x0, x1, [sp, #16]!"},
        {0x90000000, "ADR", "adrp x0, 0"},
        {0xd4000001, "EXCEPTION", "svc #0"},
        {0xd5033bbf, "BARRIER", "dmb ish"},
        {0xd53bd040, "MOVE_sysreg", "mrs x0, tpidr_el0"},
        {0xd51b4201, "MOVE_sysreg", "msr nzcv, x1"},
        {0xd50b7420, "SYS", "dc zva, x0"},
        {0x9ac25c20, "DP_2src", "crc32cx w0, w1, x2"},
        {0xd3442c20, "BITFIELD", "ubfx x0, x1, #4, #8"},
        {0x1a821420, "CONDSEL", "csinc w0, w1, w2, ne"},
        {0xfa430804, "CONDCMP_imm", "ccmp x0, #3, #4, eq"},
        {0x9b020c20, "DP_3src", "madd x0, x1, x2, x3"},
        {0xdac00020, "DP_1src", "rbit x0, x1"},
        {0xd503201f, "HINT", "nop"},
    };
    for (const Case& c : cases) EXPECT_EQ(row_of(c.word), c.row) << c.assembly;
}

TEST(Decoder, UnallocatedSpaceHasNoRow) {
    EXPECT_EQ(row_of(0x00000000), "UNDEF");  // udf #0
    EXPECT_EQ(row_of(0x00001234), "UNDEF");
}

}  // namespace
}  // namespace ferry::a64
