// Loads and stores of one register or a pair (translate_ldst.cpp), checked
// against the Arm ARM: every size, sign extension, addressing mode and
// writeback, register offsets, literals, pairs, FP/SIMD registers, UNDEF.
#include <gtest/gtest.h>

#include <cstring>

#include "guest_runner.h"

namespace ferry {
namespace {

constexpr uint64_t kJunk = 0xdeadbeefdeadbeefull;  // register contents a load must replace

uint64_t host(const void* p) { return reinterpret_cast<uint64_t>(p); }

// A 64-byte guest buffer: bytes 0..31 are 0x80+i (negative when sign-extended),
// bytes 32..63 are i (positive).
class LdstMemory : public ::testing::Test {
protected:
    alignas(16) uint8_t m[64];
    CpuState s = test::make_state();

    void SetUp() override {
        for (unsigned i = 0; i < sizeof m; ++i) m[i] = static_cast<uint8_t>(i < 32 ? 0x80 + i : i);
        for (auto& x : s.x) x = kJunk;
        for (auto& v : s.v) v = Vec128{~0ull, ~0ull};
    }
    uint64_t at(int offset) const { return host(m) + static_cast<uint64_t>(offset); }
    // The little-endian value of m[offset, offset + n), n <= 8.
    uint64_t le(unsigned offset, unsigned n) const {
        uint64_t v = 0;
        std::memcpy(&v, m + offset, n);
        return v;
    }
    Vec128 le128(unsigned offset) const {
        Vec128 v;
        std::memcpy(&v, m + offset, 16);
        return v;
    }
    // Runs one instruction that must complete normally.
    CpuState run(uint32_t word, uint64_t pc = 0x10000) {
        const CpuState r = test::run_one(s, word, pc);
        EXPECT_EQ(r.exit_reason, ExitReason::None) << std::hex << word;
        EXPECT_EQ(r.pc, pc + 4) << std::hex << word;
        return r;
    }
    // Runs a store and checks that exactly m[offset, offset + n) changed, to value.
    void expect_stores(uint32_t word, unsigned offset, const void* value, unsigned n) {
        uint8_t want[sizeof m];
        std::memcpy(want, m, sizeof m);
        std::memcpy(want + offset, value, n);
        run(word);
        EXPECT_EQ(std::memcmp(m, want, sizeof m), 0) << std::hex << word;
    }
};

class LdstUimm : public LdstMemory {};
class LdstImm9 : public LdstMemory {};
class LdstRegoff : public LdstMemory {};
class LdstLiteral : public LdstMemory {};
class LdstPair : public LdstMemory {};
class LdstVector : public LdstMemory {};

struct LoadCase {
    uint32_t word;
    int base;         // x1 = m + base
    uint64_t expect;  // x0 afterwards
};

TEST_F(LdstUimm, LoadsEverySizeAndExtension) {
    const LoadCase cases[] = {
        {0x39400420, 0, 0x81},                   // ldrb w0, [x1, #1]
        {0x79400420, 0, 0x8382},                 // ldrh w0, [x1, #2]
        {0xb9400420, 0, 0x87868584},             // ldr w0, [x1, #4]
        {0xf9400420, 0, 0x8f8e8d8c8b8a8988},     // ldr x0, [x1, #8]
        {0x39c00420, 0, 0xffffff81},             // ldrsb w0, [x1, #1]
        {0x39800420, 0, 0xffffffffffffff81},     // ldrsb x0, [x1, #1]
        {0x79c00420, 0, 0xffff8382},             // ldrsh w0, [x1, #2]
        {0x79800420, 0, 0xffffffffffff8382},     // ldrsh x0, [x1, #2]
        {0xb9800420, 0, 0xffffffff87868584},     // ldrsw x0, [x1, #4]
        {0x39c00420, 32, 0x21},                  // ldrsb w0, [x1, #1]
        {0x79800420, 32, 0x2322},                // ldrsh x0, [x1, #2]
        {0xb9800420, 32, 0x27262524},            // ldrsw x0, [x1, #4]
    };
    for (const LoadCase& c : cases) {
        s.x[1] = at(c.base);
        const CpuState r = run(c.word);
        EXPECT_EQ(r.x[0], c.expect) << std::hex << c.word;
        EXPECT_EQ(r.x[1], at(c.base));
    }
}

TEST_F(LdstUimm, StoresEverySize) {
    s.x[0] = 0x1122334455667788;
    s.x[1] = at(0);
    expect_stores(0x39000420, 1, &s.x[0], 1);  // strb w0, [x1, #1]
    expect_stores(0x79000420, 2, &s.x[0], 2);  // strh w0, [x1, #2]
    expect_stores(0xb9000420, 4, &s.x[0], 4);  // str w0, [x1, #4]
    expect_stores(0xf9000420, 8, &s.x[0], 8);  // str x0, [x1, #8]
}

TEST_F(LdstUimm, OffsetIsScaledAndSpIsABase) {
    s.sp = at(-32760);
    EXPECT_EQ(run(0xf97fffe0).x[0], le(0, 8));  // ldr x0, [sp, #32760]
    s.x[1] = at(-8190);
    EXPECT_EQ(run(0x797ffc20).x[0], le(0, 2));  // ldrh w0, [x1, #8190]
}

TEST_F(LdstUimm, PrefetchNeverFaults) {
    s.x[1] = 8;  // unmapped
    const CpuState r = run(0xf9800420);  // prfm pldl1keep, [x1, #8]
    EXPECT_EQ(r.x[0], kJunk);
}

TEST_F(LdstVector, ScalarLoadsZeroTheRestOfTheRegister) {
    s.x[1] = at(0);
    EXPECT_EQ(run(0x3d400420).v[0], (Vec128{le(1, 1), 0}));  // ldr b0, [x1, #1]
    EXPECT_EQ(run(0x7d400420).v[0], (Vec128{le(2, 2), 0}));  // ldr h0, [x1, #2]
    EXPECT_EQ(run(0xbd400420).v[0], (Vec128{le(4, 4), 0}));  // ldr s0, [x1, #4]
    EXPECT_EQ(run(0xfd400420).v[0], (Vec128{le(8, 8), 0}));  // ldr d0, [x1, #8]
    EXPECT_EQ(run(0x3dc00420).v[0], le128(16));              // ldr q0, [x1, #16]
}

TEST_F(LdstVector, StoresEverySize) {
    s.v[0] = Vec128{0x1122334455667788, 0x99aabbccddeeff00};
    s.x[1] = at(0);
    expect_stores(0x3d000420, 1, &s.v[0], 1);    // str b0, [x1, #1]
    expect_stores(0x7d000420, 2, &s.v[0], 2);    // str h0, [x1, #2]
    expect_stores(0xbd000420, 4, &s.v[0], 4);    // str s0, [x1, #4]
    expect_stores(0xfd000420, 8, &s.v[0], 8);    // str d0, [x1, #8]
    expect_stores(0x3d800420, 16, &s.v[0], 16);  // str q0, [x1, #16]
}

TEST_F(LdstVector, UnscaledAndIndexedForms) {
    s.x[1] = at(32);
    EXPECT_EQ(run(0x3cdf0020).v[0], le128(16));  // ldur q0, [x1, #-16]

    s.x[1] = at(0);
    CpuState r = run(0x3cc10420);  // ldr q0, [x1], #16
    EXPECT_EQ(r.v[0], le128(0));
    EXPECT_EQ(r.x[1], at(16));

    s.x[1] = at(0);
    r = run(0xbc404c20);  // ldr s0, [x1, #4]!
    EXPECT_EQ(r.v[0], (Vec128{le(4, 4), 0}));
    EXPECT_EQ(r.x[1], at(4));

    s.v[0] = Vec128{0x1122334455667788, 0x99aabbccddeeff00};
    s.x[1] = at(8);
    expect_stores(0xfc1f8c20, 0, &s.v[0], 8);  // str d0, [x1, #-8]!
}

TEST_F(LdstImm9, UnscaledSignedOffsets) {
    const LoadCase cases[] = {
        {0xf85f8020, 16, 0x8f8e8d8c8b8a8988},    // ldur x0, [x1, #-8]
        {0x38dff020, 2, 0xffffff81},             // ldursb w0, [x1, #-1]
        {0x789fe020, 4, 0xffffffffffff8382},     // ldursh x0, [x1, #-2]
        {0xb8803020, 1, 0xffffffff87868584},     // ldursw x0, [x1, #3]
        {0xf8408820, 0, 0x8f8e8d8c8b8a8988},     // ldtr x0, [x1, #8]
        {0xb8804820, 0, 0xffffffff87868584},     // ldtrsw x0, [x1, #4]
        {0x78c02820, 0, 0xffff8382},             // ldtrsh w0, [x1, #2]
    };
    for (const LoadCase& c : cases) {
        s.x[1] = at(c.base);
        const CpuState r = run(c.word);
        EXPECT_EQ(r.x[0], c.expect) << std::hex << c.word;
        EXPECT_EQ(r.x[1], at(c.base)) << std::hex << c.word;
    }
    s.x[0] = 0x1122334455667788;
    s.x[1] = at(7);
    expect_stores(0xb81fd020, 4, &s.x[0], 4);  // stur w0, [x1, #-3]
    s.x[1] = at(1);
    expect_stores(0x381ff820, 0, &s.x[0], 1);  // sttrb w0, [x1, #-1]
}

TEST_F(LdstImm9, PostIndexLoadsAtTheBaseThenUpdatesIt) {
    s.x[1] = at(16);
    const CpuState r = run(0xf85f0420);  // ldr x0, [x1], #-16
    EXPECT_EQ(r.x[0], le(16, 8));
    EXPECT_EQ(r.x[1], at(0));

    s.x[0] = 0x1122334455667788;
    s.x[1] = at(0);
    expect_stores(0x780ff420, 0, &s.x[0], 2);  // strh w0, [x1], #255
    EXPECT_EQ(run(0x780ff420).x[1], at(255));
}

TEST_F(LdstImm9, PreIndexUpdatesTheBaseFirst) {
    s.x[1] = at(0);
    CpuState r = run(0xf8408c20);  // ldr x0, [x1, #8]!
    EXPECT_EQ(r.x[0], le(8, 8));
    EXPECT_EQ(r.x[1], at(8));

    s.x[1] = at(257);
    r = run(0x38900c20);  // ldrsb x0, [x1, #-256]!
    EXPECT_EQ(r.x[0], 0xffffffffffffff81);
    EXPECT_EQ(r.x[1], at(1));

    s.x[0] = 0x1122334455667788;
    s.sp = at(16);
    expect_stores(0xb81f0fe0, 0, &s.x[0], 4);  // str w0, [sp, #-16]!
    EXPECT_EQ(run(0xb81f0fe0).sp, at(0));
}

// Rt == Rn with writeback is CONSTRAINED UNPREDICTABLE; Ferry follows qemu.
TEST_F(LdstImm9, WritebackToTheTransferRegister) {
    s.x[1] = at(0);
    EXPECT_EQ(run(0xf8408421).x[1], at(8));  // ldr x1, [x1], #8: the writeback wins

    const uint64_t original = at(0);
    s.x[1] = original;
    expect_stores(0xf8008c21, 8, &original, 8);  // str x1, [x1, #8]!: the old value is stored
    EXPECT_EQ(run(0xf8008c21).x[1], at(8));
}

TEST_F(LdstImm9, UnscaledPrefetchNeverFaults) {
    s.x[1] = 1;  // unmapped
    EXPECT_EQ(run(0xf89ff020).x[1], 1u);  // prfum pldl1keep, [x1, #-1]
}

struct IndexCase {
    uint32_t word;
    int base;         // x1 = m + base
    uint64_t index;   // x2
    uint64_t expect;  // x0 afterwards
};

TEST_F(LdstRegoff, EveryExtendAndShift) {
    const IndexCase cases[] = {
        {0xf8627820, 0, 2, 0x9796959493929190},                     // ldr x0, [x1, x2, lsl #3]
        {0xf8626820, 0, 8, 0x8f8e8d8c8b8a8988},                     // ldr x0, [x1, x2]
        {0xb8625820, 0, 0xffffffff00000001, 0x87868584},            // ldr w0, [x1, w2, uxtw #2]
        {0xb862d820, 8, 0x12345678ffffffff, 0x87868584},            // ldr w0, [x1, w2, sxtw #2]
        {0xb862c820, 8, 0x00000000fffffffc, 0x87868584},            // ldr w0, [x1, w2, sxtw]
        {0x3862e820, 8, static_cast<uint64_t>(-7), 0x81},           // ldrb w0, [x1, x2, sxtx]
        {0x78625820, 0, 0xffffffff00000001, 0x8382},                // ldrh w0, [x1, w2, uxtw #1]
        {0xf862f820, 24, static_cast<uint64_t>(-2), 0x8f8e8d8c8b8a8988},  // ldr x0, [x1, x2, sxtx #3]
        {0xb8a27820, 0, 1, 0xffffffff87868584},                     // ldrsw x0, [x1, x2, lsl #2]
        {0x38a27820, 0, 1, 0xffffffffffffff81},                     // ldrsb x0, [x1, x2, lsl #0]
    };
    for (const IndexCase& c : cases) {
        s.x[1] = at(c.base);
        s.x[2] = c.index;
        const CpuState r = run(c.word);
        EXPECT_EQ(r.x[0], c.expect) << std::hex << c.word;
        EXPECT_EQ(r.x[1], at(c.base));
        EXPECT_EQ(r.x[2], c.index);
    }
    s.sp = at(0);
    s.x[2] = 8;
    EXPECT_EQ(run(0xf8626be0).x[0], le(8, 8));  // ldr x0, [sp, x2]
}

TEST_F(LdstRegoff, StoresAndVectorRegisters) {
    s.x[0] = 0x1122334455667788;
    s.v[0] = Vec128{0x1122334455667788, 0x99aabbccddeeff00};
    s.x[1] = at(0);
    s.x[2] = 0xffffffff00000003;
    expect_stores(0x38224820, 3, &s.x[0], 1);  // strb w0, [x1, w2, uxtw]
    s.x[2] = 1;
    expect_stores(0x3ca27820, 16, &s.v[0], 16);  // str q0, [x1, x2, lsl #4]
    s.x[2] = 3;
    expect_stores(0x7c227820, 6, &s.v[0], 2);  // str h0, [x1, x2, lsl #1]

    s.x[2] = 16;
    EXPECT_EQ(run(0x3ce26820).v[0], le128(16));  // ldr q0, [x1, x2]
    s.x[1] = at(16);
    s.x[2] = 0xffffffff;
    EXPECT_EQ(run(0xfc62d820).v[0], (Vec128{le(8, 8), 0}));  // ldr d0, [x1, w2, sxtw #3]
}

TEST_F(LdstRegoff, PrefetchNeverFaults) {
    s.x[1] = 0;
    s.x[2] = 8;
    run(0xf8a26820);  // prfm pldl1keep, [x1, x2]
}

TEST_F(LdstLiteral, PcRelativeLoads) {
    const uint64_t pc = at(16);
    EXPECT_EQ(run(0x18000040, pc).x[0], le(24, 4));               // ldr w0, .+8
    EXPECT_EQ(run(0x58000080, pc).x[0], le(32, 8));               // ldr x0, .+16
    EXPECT_EQ(run(0x98ffffe0, pc).x[0], 0xffffffff8f8e8d8c);      // ldrsw x0, .-4
    EXPECT_EQ(run(0x1c000040, pc).v[0], (Vec128{le(24, 4), 0}));  // ldr s0, .+8
    EXPECT_EQ(run(0x5c000080, pc).v[0], (Vec128{le(32, 8), 0}));  // ldr d0, .+16
    EXPECT_EQ(run(0x9cffff80, pc).v[0], le128(0));                // ldr q0, .-16
    EXPECT_EQ(run(0xd8008000, pc).x[0], kJunk);                   // prfm pldl1keep, .+4096
}

TEST_F(LdstLiteral, OffsetReachesPlusMinusOneMegabyte) {
    EXPECT_EQ(run(0x587fffe0, at(0) - 0xffffc).x[0], le(0, 8));  // ldr x0, .+0xffffc
    EXPECT_EQ(run(0x58800000, at(0) + 0x100000).x[0], le(0, 8));  // ldr x0, .-0x100000
}

TEST_F(LdstPair, LoadsOfWordsAndDoublewords) {
    s.x[2] = at(0);
    CpuState r = run(0x29410440);  // ldp w0, w1, [x2, #8]
    EXPECT_EQ(r.x[0], le(8, 4));
    EXPECT_EQ(r.x[1], le(12, 4));
    EXPECT_EQ(r.x[2], at(0));

    r = run(0xa8410440);  // ldnp x0, x1, [x2, #16]
    EXPECT_EQ(r.x[0], le(16, 8));
    EXPECT_EQ(r.x[1], le(24, 8));

    s.x[2] = at(-504);
    r = run(0xa95f8440);  // ldp x0, x1, [x2, #504]
    EXPECT_EQ(r.x[0], le(0, 8));
    EXPECT_EQ(r.x[1], le(8, 8));

    s.x[2] = at(512);
    r = run(0xa9600440);  // ldp x0, x1, [x2, #-512]
    EXPECT_EQ(r.x[0], le(0, 8));
    EXPECT_EQ(r.x[1], le(8, 8));
}

TEST_F(LdstPair, WritebackForms) {
    s.x[2] = at(16);
    CpuState r = run(0xa9ff0440);  // ldp x0, x1, [x2, #-16]!
    EXPECT_EQ(r.x[0], le(0, 8));
    EXPECT_EQ(r.x[1], le(8, 8));
    EXPECT_EQ(r.x[2], at(0));

    s.x[2] = at(0);
    r = run(0xa8c10440);  // ldp x0, x1, [x2], #16
    EXPECT_EQ(r.x[0], le(0, 8));
    EXPECT_EQ(r.x[1], le(8, 8));
    EXPECT_EQ(r.x[2], at(16));
}

TEST_F(LdstPair, LoadPairOfSignedWords) {
    s.x[2] = at(0);
    CpuState r = run(0x69400440);  // ldpsw x0, x1, [x2]
    EXPECT_EQ(r.x[0], 0xffffffff83828180);
    EXPECT_EQ(r.x[1], 0xffffffff87868584);

    s.x[2] = at(32);
    r = run(0x69c10440);  // ldpsw x0, x1, [x2, #8]!
    EXPECT_EQ(r.x[0], 0x2b2a2928u);
    EXPECT_EQ(r.x[1], 0x2f2e2d2cu);
    EXPECT_EQ(r.x[2], at(40));
}

TEST_F(LdstPair, Stores) {
    s.x[0] = 0x1122334455667788;
    s.x[1] = 0x99aabbccddeeff00;
    const uint32_t words[2] = {0x55667788, 0xddeeff00};
    const uint64_t doublewords[2] = {s.x[0], s.x[1]};

    s.x[2] = at(0);
    expect_stores(0x29008440, 4, words, 8);  // stp w0, w1, [x2, #4]
    s.x[2] = at(16);
    expect_stores(0x283f0440, 8, words, 8);  // stnp w0, w1, [x2, #-8]

    s.sp = at(16);
    expect_stores(0xa9bf07e0, 0, doublewords, 16);  // stp x0, x1, [sp, #-16]!
    EXPECT_EQ(run(0xa9bf07e0).sp, at(0));

    s.x[2] = at(8);
    expect_stores(0x28bf0440, 8, words, 8);  // stp w0, w1, [x2], #-8
    EXPECT_EQ(run(0x28bf0440).x[2], at(0));
}

TEST_F(LdstPair, VectorRegisters) {
    s.x[2] = at(0);
    CpuState r = run(0x2d408440);  // ldp s0, s1, [x2, #4]
    EXPECT_EQ(r.v[0], (Vec128{le(4, 4), 0}));
    EXPECT_EQ(r.v[1], (Vec128{le(8, 4), 0}));

    r = run(0x6d408440);  // ldp d0, d1, [x2, #8]
    EXPECT_EQ(r.v[0], (Vec128{le(8, 8), 0}));
    EXPECT_EQ(r.v[1], (Vec128{le(16, 8), 0}));

    r = run(0xad410440);  // ldp q0, q1, [x2, #32]
    EXPECT_EQ(r.v[0], le128(32));
    EXPECT_EQ(r.v[1], le128(48));

    s.x[2] = at(32);
    r = run(0xac7f0440);  // ldnp q0, q1, [x2, #-32]
    EXPECT_EQ(r.v[0], le128(0));
    EXPECT_EQ(r.v[1], le128(16));

    const Vec128 q[2] = {{0x1122334455667788, 0x99aabbccddeeff00}, {0x0123456789abcdef, 0xfedcba9876543210}};
    s.v[0] = q[0];
    s.v[1] = q[1];
    s.x[2] = at(32);
    expect_stores(0xadbf0440, 0, q, 32);  // stp q0, q1, [x2, #-32]!
    EXPECT_EQ(run(0xadbf0440).x[2], at(0));

    const uint32_t singles[2] = {0x55667788, 0x89abcdef};
    s.x[2] = at(0);
    expect_stores(0x2c810440, 0, singles, 8);  // stp s0, s1, [x2], #8
    EXPECT_EQ(run(0x2c810440).x[2], at(8));

    const uint64_t doubles[2] = {q[0].lo, q[1].lo};
    expect_stores(0x6c000440, 0, doubles, 16);  // stnp d0, d1, [x2]
}

// The CONSTRAINED UNPREDICTABLE cases behave as in qemu-aarch64 7.2.
TEST_F(LdstPair, OverlappingRegisters) {
    s.x[2] = at(0);
    EXPECT_EQ(run(0xa9400040).x[0], le(0, 8));                    // ldp x0, x0, [x2]: first wins
    EXPECT_EQ(run(0x29400040).x[0], le(0, 4));                    // ldp w0, w0, [x2]
    EXPECT_EQ(run(0x6d400040).v[0], (Vec128{le(8, 8), 0}));       // ldp d0, d0, [x2]: second wins

    CpuState r = run(0xa8c10c42);  // ldp x2, x3, [x2], #16: the writeback wins
    EXPECT_EQ(r.x[2], at(16));
    EXPECT_EQ(r.x[3], le(8, 8));
    r = run(0xa9c10843);  // ldp x3, x2, [x2, #16]!
    EXPECT_EQ(r.x[2], at(16));
    EXPECT_EQ(r.x[3], le(16, 8));

    const uint64_t original = at(0);
    s.x[3] = 0x1122334455667788;
    const uint64_t stored[2] = {original, s.x[3]};
    expect_stores(0xa9810c42, 16, stored, 16);  // stp x2, x3, [x2, #16]!: the old base is stored
}

TEST(LdstUndefined, UnallocatedEncodings) {
    const uint32_t words[] = {
        0xf9c00420,  // LDR (unsigned offset) size=11 opc=11
        0xb9c00420,  // LDRSW into W (size=10 opc=11)
        0x7d800420,  // FP size=01 opc=1x (only Q has opc<1> = 1)
        0x7dc00420,
        0xf8800420,  // PRFM with post-index
        0xf8c00c20,  // size=11 opc=11 pre-index
        0xb8c00420,  // LDRSW into W post-index
        0xf8a00820,  // LDTR form of PRFM
        0xb8c00820,  // LDTRSW into W
        0x3c400820,  // LDTR of an FP register
        0xf8620820,  // LDR (register) option=000 (UXTB)
        0xf8622820,  // option=001 (UXTH)
        0xf862a820,  // option=101 (SXTH)
        0xdc000000,  // LDR (literal) FP opc=11
        0xe9400440,  // LDP opc=11
        0xed400440,  // LDP FP opc=11
        0x68400440,  // LDNP opc=01 (no non-temporal LDPSW)
        0x69000440,  // STGP (ARMv8.5)
    };
    for (uint32_t word : words) {
        CpuState s = test::make_state();
        s.x[1] = s.x[2] = 8;
        const CpuState r = test::run_one(s, word);
        EXPECT_EQ(r.exit_reason, ExitReason::Undefined) << std::hex << word;
        EXPECT_EQ(r.exit_info, word);
        EXPECT_EQ(r.pc, 0x10000u);
    }
}

// A fault must leave the registers untouched: every Load/Store of an
// instruction comes before its first register write. The IR is well typed.
TEST(LdstPreciseFaults, MemoryAccessesPrecedeRegisterWrites) {
    const uint32_t words[] = {
        0xf85f0420, 0xf8408c20, 0x38900c20, 0xf8408421, 0xf8008c21, 0x3cc10420, 0xfc1f8c20,
        0xa9ff0440, 0xa8c10440, 0x69c10440, 0xadbf0440, 0xad410440, 0xa8c10c42, 0xa9810c42,
        0xb9800420, 0x3dc00420, 0x98ffffe0, 0xf862f820,
    };
    for (uint32_t word : words) {
        const ir::Block b = a64::translate_one(0x10000, word);
        EXPECT_EQ(ir::verify(b), "") << std::hex << word;
        size_t last_access = 0, first_write = b.insts.size();
        for (size_t i = 0; i < b.insts.size(); ++i) {
            const ir::Opcode op = b.insts[i].op;
            if (op == ir::Opcode::Load || op == ir::Opcode::Store) last_access = i;
            const bool writes = op == ir::Opcode::SetX || op == ir::Opcode::SetSP || op == ir::Opcode::SetV;
            if (writes && first_write == b.insts.size()) first_write = i;
        }
        EXPECT_LT(last_access, first_write) << std::hex << word;
    }
}

}  // namespace
}  // namespace ferry
