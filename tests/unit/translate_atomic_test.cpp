// Exclusive, ordered and LSE atomic accesses (translate_atomic.cpp), checked
// against the Arm ARM.
#include <gtest/gtest.h>

#include <cstring>

#include "guest_runner.h"

namespace ferry {
namespace {

constexpr uint64_t kJunk = 0xdeadbeefdeadbeefull;
constexpr uint8_t kFill = 0x55;

uint64_t host(const void* p) { return reinterpret_cast<uint64_t>(p); }
uint64_t mask_of(unsigned bytes) { return bytes == 8 ? ~0ull : (1ull << (8 * bytes)) - 1; }

// A 32-byte aligned guest buffer filled with kFill.
class AtomicMemory : public ::testing::Test {
protected:
    alignas(32) uint8_t m[32];
    CpuState s = test::make_state();

    void SetUp() override {
        std::memset(m, kFill, sizeof m);
        for (auto& x : s.x) x = kJunk;
    }
    uint64_t at(unsigned offset) const { return host(m) + offset; }
    uint64_t le(unsigned offset, unsigned n) const {
        uint64_t v = 0;
        std::memcpy(&v, m + offset, n);
        return v;
    }
    void put(unsigned offset, uint64_t v, unsigned n) { std::memcpy(m + offset, &v, n); }
    // Every byte outside [offset, offset + n) still holds kFill.
    bool rest_untouched(unsigned offset, unsigned n) const {
        for (unsigned i = 0; i < sizeof m; ++i)
            if ((i < offset || i >= offset + n) && m[i] != kFill) return false;
        return true;
    }
    CpuState run(const std::vector<uint32_t>& words) {
        CpuState r = s;
        test::run_words(r, words);
        EXPECT_EQ(r.exit_reason, ExitReason::None) << std::hex << words[0];
        EXPECT_EQ(r.pc, 0x10000 + 4 * words.size()) << std::hex << words[0];
        return r;
    }
};

class AtomicExclusive : public AtomicMemory {};
class AtomicOrdered : public AtomicMemory {};
class AtomicCas : public AtomicMemory {};
class AtomicLse : public AtomicMemory {};

struct SizedPair {
    unsigned bytes;
    uint32_t load;   // ld*xr* w0/x0, [x1]
    uint32_t store;  // st*xr* w2, w3/x3, [x1]
};

const SizedPair kExclusives[] = {
    {1, 0x085f7c20, 0x08027c23},  // ldxrb w0, [x1]; stxrb w2, w3, [x1]
    {2, 0x485f7c20, 0x48027c23},  // ldxrh w0, [x1]; stxrh w2, w3, [x1]
    {4, 0x885f7c20, 0x88027c23},  // ldxr w0, [x1]; stxr w2, w3, [x1]
    {8, 0xc85f7c20, 0xc8027c23},  // ldxr x0, [x1]; stxr w2, x3, [x1]
    {1, 0x085ffc20, 0x08027c23},  // ldaxrb w0, [x1]; stxrb w2, w3, [x1]
    {2, 0x485f7c20, 0x4802fc23},  // ldxrh w0, [x1]; stlxrh w2, w3, [x1]
    {8, 0xc85ffc20, 0xc802fc23},  // ldaxr x0, [x1]; stlxr w2, x3, [x1]
};

TEST_F(AtomicExclusive, LoadThenStoreSucceedsAtEverySize) {
    for (const SizedPair& c : kExclusives) {
        SetUp();
        put(8, 0x8877665544332211, c.bytes);
        s.x[1] = at(8);
        s.x[3] = 0x0123456789abcdef;
        const CpuState r = run({c.load, c.store});
        EXPECT_EQ(r.x[0], 0x8877665544332211 & mask_of(c.bytes)) << std::hex << c.load;
        EXPECT_EQ(r.x[2], 0u) << std::hex << c.store;
        EXPECT_EQ(le(8, c.bytes), 0x0123456789abcdef & mask_of(c.bytes));
        EXPECT_TRUE(rest_untouched(8, c.bytes));
        EXPECT_EQ(r.exclusive_size, 0u);  // the store closes the monitor
    }
}

TEST_F(AtomicExclusive, StoreFailsWhenTheMonitorWasCleared) {
    s.x[1] = at(8);
    s.x[3] = 0x0123456789abcdef;
    test::run_words(s, {0xc85f7c20});  // ldxr x0, [x1]
    s.exclusive_size = 0;              // what CLREX (or an exception return) does
    const CpuState r = run({0xc8027c23});  // stxr w2, x3, [x1]
    EXPECT_EQ(r.x[2], 1u);
    EXPECT_TRUE(rest_untouched(0, 0));
}

TEST_F(AtomicExclusive, StoreFailsAtAnotherAddress) {
    s.x[1] = at(8);
    s.x[4] = at(16);
    s.x[3] = 0x0123456789abcdef;
    // ldxr x0, [x1]; stxr w2, x3, [x4]; stxr w2, x3, [x1] (the failed store cleared the monitor)
    CpuState r = run({0xc85f7c20, 0xc8027c83});
    EXPECT_EQ(r.x[2], 1u);
    EXPECT_TRUE(rest_untouched(0, 0));
    test::run_words(r, {0xc8027c23}, r.pc);
    EXPECT_EQ(r.x[2], 1u);
    EXPECT_TRUE(rest_untouched(0, 0));
}

TEST_F(AtomicExclusive, StoreFailsWhenAnotherAgentWrote) {
    s.x[1] = at(8);
    s.x[3] = 0x0123456789abcdef;
    test::run_words(s, {0xc85f7c20});  // ldxr x0, [x1]
    put(8, 0x1111111111111111, 8);
    const CpuState r = run({0xc8027c23});  // stxr w2, x3, [x1]
    EXPECT_EQ(r.x[2], 1u);
    EXPECT_EQ(le(8, 8), 0x1111111111111111u);
}

TEST_F(AtomicExclusive, SpIsABase) {
    put(0, 0x0102030405060708, 8);
    s.sp = at(0);
    EXPECT_EQ(run({0xc85f7fe0}).x[0], 0x0102030405060708u);  // ldxr x0, [sp]
}

TEST_F(AtomicExclusive, PairOfWords) {
    put(8, 0x8877665544332211, 8);
    s.x[2] = at(8);
    s.x[4] = 0xffffffff0a0b0c0d;
    s.x[5] = 0xeeeeeeee01020304;
    // ldxp w0, w1, [x2]; stxp w3, w4, w5, [x2]
    const CpuState r = run({0x887f0440, 0x88231444});
    EXPECT_EQ(r.x[0], 0x44332211u);
    EXPECT_EQ(r.x[1], 0x88776655u);
    EXPECT_EQ(r.x[3], 0u);
    EXPECT_EQ(le(8, 8), 0x010203040a0b0c0du);
    EXPECT_TRUE(rest_untouched(8, 8));
}

TEST_F(AtomicExclusive, PairOfDoublewords) {
    put(16, 0x1111111111111111, 8);
    put(24, 0x2222222222222222, 8);
    s.x[2] = at(16);
    s.x[4] = 0x0123456789abcdef;
    s.x[5] = 0xfedcba9876543210;
    const std::vector<uint32_t> pairs[] = {
        {0xc87f0440, 0xc8231444},  // ldxp x0, x1, [x2]; stxp w3, x4, x5, [x2]
        {0xc87f8440, 0xc8239444},  // ldaxp x0, x1, [x2]; stlxp w3, x4, x5, [x2]
    };
    for (const auto& words : pairs) {
        const CpuState r = run(words);
        EXPECT_EQ(r.x[0], 0x1111111111111111u);
        EXPECT_EQ(r.x[1], 0x2222222222222222u);
        EXPECT_EQ(r.x[3], 0u);
        EXPECT_EQ(le(16, 8), 0x0123456789abcdefu);
        EXPECT_EQ(le(24, 8), 0xfedcba9876543210u);
        put(16, 0x1111111111111111, 8);
        put(24, 0x2222222222222222, 8);
    }
}

TEST_F(AtomicExclusive, PairStoreFailsWhenTheMonitorWasCleared) {
    s.x[2] = at(16);
    s.x[4] = 0x0123456789abcdef;
    s.x[5] = 0xfedcba9876543210;
    test::run_words(s, {0xc87f0440});  // ldxp x0, x1, [x2]
    s.exclusive_size = 0;
    const CpuState r = run({0xc8231444});  // stxp w3, x4, x5, [x2]
    EXPECT_EQ(r.x[3], 1u);
    EXPECT_TRUE(rest_untouched(0, 0));
}

TEST_F(AtomicOrdered, LoadAcquireAndStoreRelease) {
    const struct {
        unsigned bytes;
        uint32_t word;
    } loads[] = {
        {1, 0x08dffc20},  // ldarb w0, [x1]
        {2, 0x48dffc20},  // ldarh w0, [x1]
        {4, 0x88dffc20},  // ldar w0, [x1]
        {8, 0xc8dffc20},  // ldar x0, [x1]
        {1, 0x08df7c20},  // ldlarb w0, [x1]
        {8, 0xc8df7c20},  // ldlar x0, [x1]
    }, stores[] = {
        {1, 0x089ffc22},  // stlrb w2, [x1]
        {2, 0x489ffc22},  // stlrh w2, [x1]
        {4, 0x889ffc22},  // stlr w2, [x1]
        {8, 0xc89ffc22},  // stlr x2, [x1]
        {2, 0x489f7c22},  // stllrh w2, [x1]
        {4, 0x889f7c22},  // stllr w2, [x1]
    };
    s.x[1] = at(8);
    s.x[2] = 0x0123456789abcdef;
    put(8, 0x8877665544332211, 8);
    for (const auto& c : loads)
        EXPECT_EQ(run({c.word}).x[0], 0x8877665544332211 & mask_of(c.bytes)) << std::hex << c.word;
    for (const auto& c : stores) {
        std::memset(m, kFill, sizeof m);
        run({c.word});
        EXPECT_EQ(le(8, c.bytes), 0x0123456789abcdef & mask_of(c.bytes)) << std::hex << c.word;
        EXPECT_TRUE(rest_untouched(8, c.bytes)) << std::hex << c.word;
    }
}

// x86 lets a load pass an earlier store; Arm forbids it for STLR then LDAR.
TEST(AtomicOrderedIr, StoreReleaseIsFollowedByABarrier) {
    const ir::Block b = a64::translate_one(0x10000, 0xc89ffc22);  // stlr x2, [x1]
    bool stored = false, fenced = false;
    for (const ir::Inst& inst : b.insts) {
        if (inst.op == ir::Opcode::Store) stored = true;
        if (inst.op == ir::Opcode::Barrier) fenced = stored;
    }
    EXPECT_TRUE(fenced);
}

struct CasCase {
    unsigned bytes;
    uint32_t word;  // cas* w0/x0, w2/x2, [x1]
};

const CasCase kCas[] = {
    {1, 0x08a07c22},  // casb w0, w2, [x1]
    {2, 0x48a07c22},  // cash w0, w2, [x1]
    {4, 0x88a07c22},  // cas w0, w2, [x1]
    {8, 0xc8a07c22},  // cas x0, x2, [x1]
    {1, 0x08e07c22},  // casab w0, w2, [x1]
    {2, 0x48a0fc22},  // caslh w0, w2, [x1]
    {4, 0x88e0fc22},  // casal w0, w2, [x1]
    {8, 0xc8e07c22},  // casa x0, x2, [x1]
    {8, 0xc8a0fc22},  // casl x0, x2, [x1]
    {8, 0xc8e0fc22},  // casal x0, x2, [x1]
};

TEST_F(AtomicCas, SwapsWhenEqual) {
    for (const CasCase& c : kCas) {
        SetUp();
        put(8, 0x8877665544332211, c.bytes);
        s.x[1] = at(8);
        // Only the low bytes of Rs take part in the compare.
        s.x[0] = (0x8877665544332211 & mask_of(c.bytes)) | (~mask_of(c.bytes) & kJunk);
        s.x[2] = 0x0123456789abcdef;
        const CpuState r = run({c.word});
        EXPECT_EQ(r.x[0], 0x8877665544332211 & mask_of(c.bytes)) << std::hex << c.word;
        EXPECT_EQ(le(8, c.bytes), 0x0123456789abcdef & mask_of(c.bytes)) << std::hex << c.word;
        EXPECT_TRUE(rest_untouched(8, c.bytes));
    }
}

TEST_F(AtomicCas, ReturnsTheOldValueWhenDifferent) {
    for (const CasCase& c : kCas) {
        SetUp();
        put(8, 0x8877665544332211, c.bytes);
        s.x[1] = at(8);
        s.x[0] = 0x8877665544332210;  // differs in the lowest byte
        s.x[2] = 0x0123456789abcdef;
        const CpuState r = run({c.word});
        EXPECT_EQ(r.x[0], 0x8877665544332211 & mask_of(c.bytes)) << std::hex << c.word;
        EXPECT_EQ(le(8, c.bytes), 0x8877665544332211 & mask_of(c.bytes)) << std::hex << c.word;
    }
}

TEST_F(AtomicCas, PairOfWords) {
    put(8, 0x8877665544332211, 8);
    s.x[4] = at(8);
    s.x[0] = 0xffffffff44332211;
    s.x[1] = 0xffffffff88776655;
    s.x[2] = 0xffffffff0a0b0c0d;
    s.x[3] = 0xffffffff01020304;
    CpuState r = run({0x08207c82});  // casp w0, w1, w2, w3, [x4]
    EXPECT_EQ(r.x[0], 0x44332211u);
    EXPECT_EQ(r.x[1], 0x88776655u);
    EXPECT_EQ(le(8, 8), 0x010203040a0b0c0du);
    EXPECT_TRUE(rest_untouched(8, 8));

    s.x[8] = at(8);
    r = run({0x0824fd06});  // caspl w4, w5, w6, w7, [x8]: <w4, w5> differs, no store
    EXPECT_EQ(r.x[4], 0x0a0b0c0du);
    EXPECT_EQ(r.x[5], 0x01020304u);
    EXPECT_EQ(le(8, 8), 0x010203040a0b0c0du);
}

TEST_F(AtomicCas, PairOfDoublewords) {
    put(16, 0x1111111111111111, 8);
    put(24, 0x2222222222222222, 8);
    s.x[4] = at(16);
    s.x[0] = 0x1111111111111111;
    s.x[1] = 0x2222222222222223;  // differs: no store
    s.x[2] = 0x0123456789abcdef;
    s.x[3] = 0xfedcba9876543210;
    CpuState r = run({0x48207c82});  // casp x0, x1, x2, x3, [x4]
    EXPECT_EQ(r.x[0], 0x1111111111111111u);
    EXPECT_EQ(r.x[1], 0x2222222222222222u);
    EXPECT_EQ(le(16, 8), 0x1111111111111111u);
    EXPECT_EQ(le(24, 8), 0x2222222222222222u);

    s.x[1] = 0x2222222222222222;
    r = run({0x48207c82});
    EXPECT_EQ(le(16, 8), 0x0123456789abcdefu);
    EXPECT_EQ(le(24, 8), 0xfedcba9876543210u);

    // caspal x30, xzr, x2, x3, [x4]: XZR reads as zero and its result is discarded.
    s.x[4] = at(16);
    s.x[30] = 0x0123456789abcdef;
    put(24, 0, 8);
    r = run({0x487efc82});
    EXPECT_EQ(r.x[30], 0x0123456789abcdefu);
    EXPECT_EQ(le(16, 8), 0x0123456789abcdefu);
    EXPECT_EQ(le(24, 8), 0xfedcba9876543210u);
}

TEST_F(AtomicCas, OddRegisterPairsAreUndefined) {
    const uint32_t words[] = {
        0x08217c82,  // casp with Rs = 1
        0x48207c83,  // casp with Rt = 3
        0x483f7c82,  // casp with Rs = 31
    };
    for (uint32_t word : words) {
        const CpuState r = test::run_one(s, word);
        EXPECT_EQ(r.exit_reason, ExitReason::Undefined) << std::hex << word;
        EXPECT_EQ(r.pc, 0x10000u);
    }
}

// One row per LD<op>/SWP at the four sizes (b, h, w, x).
struct LseRow {
    const char* name;
    uint32_t words[4];  // ld<op>{b,h,,} w0, w1, [x2] / ld<op> x0, x1, [x2]
    // The new memory value for the two edge cases below, per size.
    uint64_t (*result)(uint64_t old, uint64_t operand, uint64_t mask);
};

constexpr uint64_t sign_bit(uint64_t mask) { return mask ^ (mask >> 1); }
constexpr bool signed_greater(uint64_t a, uint64_t b, uint64_t mask) {
    return ((a ^ sign_bit(mask)) & mask) > ((b ^ sign_bit(mask)) & mask);
}

const LseRow kLse[] = {
    {"ldadd", {0x38200041, 0x78200041, 0xb8200041, 0xf8200041},
     [](uint64_t o, uint64_t v, uint64_t m) { return (o + v) & m; }},
    {"ldclr", {0x38201041, 0x78201041, 0xb8201041, 0xf8201041},
     [](uint64_t o, uint64_t v, uint64_t m) { return o & ~v & m; }},
    {"ldeor", {0x38202041, 0x78202041, 0xb8202041, 0xf8202041},
     [](uint64_t o, uint64_t v, uint64_t m) { return (o ^ v) & m; }},
    {"ldset", {0x38203041, 0x78203041, 0xb8203041, 0xf8203041},
     [](uint64_t o, uint64_t v, uint64_t m) { return (o | v) & m; }},
    {"ldsmax", {0x38204041, 0x78204041, 0xb8204041, 0xf8204041},
     [](uint64_t o, uint64_t v, uint64_t m) { return signed_greater(o, v, m) ? o : v; }},
    {"ldsmin", {0x38205041, 0x78205041, 0xb8205041, 0xf8205041},
     [](uint64_t o, uint64_t v, uint64_t m) { return signed_greater(o, v, m) ? v : o; }},
    {"ldumax", {0x38206041, 0x78206041, 0xb8206041, 0xf8206041},
     [](uint64_t o, uint64_t v, uint64_t) { return o > v ? o : v; }},
    {"ldumin", {0x38207041, 0x78207041, 0xb8207041, 0xf8207041},
     [](uint64_t o, uint64_t v, uint64_t) { return o > v ? v : o; }},
    {"swp", {0x38208041, 0x78208041, 0xb8208041, 0xf8208041},
     [](uint64_t, uint64_t v, uint64_t) { return v; }},
};

// Edge values per size: the largest positive against the smallest negative
// plus one, and the smallest negative against the largest positive.
TEST_F(AtomicLse, EveryOperationAtEverySize) {
    for (const LseRow& row : kLse) {
        for (unsigned size = 0; size < 4; ++size) {
            const unsigned bytes = 1u << size;
            const uint64_t mask = mask_of(bytes), smax = mask >> 1, smin = sign_bit(mask);
            const uint64_t edges[2][2] = {{smax, smin + 1}, {smin, smax}};
            for (const auto& [old, operand] : edges) {
                SetUp();
                put(8, old, bytes);
                s.x[0] = operand | (~mask & kJunk);  // only the low bytes of Rs are the operand
                s.x[2] = at(8);
                const CpuState r = run({row.words[size]});
                const uint64_t want = row.result(old, operand, mask);
                EXPECT_EQ(r.x[1], old) << row.name << " size " << bytes;
                EXPECT_EQ(le(8, bytes), want) << row.name << " size " << bytes << std::hex << " old " << old;
                EXPECT_TRUE(rest_untouched(8, bytes)) << row.name << " size " << bytes;
            }
        }
    }
}

// A few edge results written out, as a check on the table's lambdas.
TEST_F(AtomicLse, SignedAndUnsignedMinMaxDiffer) {
    put(8, 0x7f, 1);
    s.x[0] = 0x80;
    s.x[2] = at(8);
    run({0x38204041});  // ldsmaxb w0, w1, [x2]
    EXPECT_EQ(m[8], 0x7f);
    run({0x38206041});  // ldumaxb w0, w1, [x2]
    EXPECT_EQ(m[8], 0x80);
    put(8, 0x7f, 1);
    run({0x38205041});  // ldsminb w0, w1, [x2]
    EXPECT_EQ(m[8], 0x80);
    put(8, 0x7f, 1);
    run({0x38207041});  // lduminb w0, w1, [x2]
    EXPECT_EQ(m[8], 0x7f);
    put(8, 0xffffffffffffffff, 8);
    s.x[0] = 1;
    const CpuState r = run({0xf8200041});  // ldadd x0, x1, [x2]
    EXPECT_EQ(le(8, 8), 0u);
    EXPECT_EQ(r.x[1], 0xffffffffffffffffu);
}

TEST_F(AtomicLse, OrderingFormsAndStoreAliases) {
    put(8, 0x10, 8);
    s.x[0] = 5;
    s.x[2] = at(8);
    CpuState r = run({0xb8e00041});  // ldaddal w0, w1, [x2]
    EXPECT_EQ(r.x[1], 0x10u);
    EXPECT_EQ(le(8, 8), 0x15u);
    r = run({0xf8a00041});  // ldadda x0, x1, [x2]
    EXPECT_EQ(r.x[1], 0x15u);
    r = run({0x78600041});  // ldaddlh w0, w1, [x2]
    EXPECT_EQ(r.x[1], 0x1au);
    r = run({0xf8e08041});  // swpal x0, x1, [x2]
    EXPECT_EQ(r.x[1], 0x1fu);
    EXPECT_EQ(le(8, 8), 5u);
    r = run({0x3820005f});  // staddb w0, [x2]
    EXPECT_EQ(le(8, 8), 10u);
    r = run({0xf820005f});  // stadd x0, [x2]
    EXPECT_EQ(le(8, 8), 15u);
    EXPECT_EQ(r.x[1], kJunk);
}

TEST_F(AtomicLse, UnallocatedEncodingsAreUndefined) {
    const uint32_t words[] = {
        0xf8bfc020,  // ldapr x0, [x1] (ARMv8.3)
        0xf8209041,  // o3=1 opc=001
        0xf820c041,  // o3=1 opc=100 with A=0 (not even LDAPR)
        0xf820f041,  // o3=1 opc=111
    };
    s.x[1] = s.x[2] = at(8);
    for (uint32_t word : words) {
        const CpuState r = test::run_one(s, word);
        EXPECT_EQ(r.exit_reason, ExitReason::Undefined) << std::hex << word;
        EXPECT_TRUE(rest_untouched(0, 0));
    }
}

// Every memory access of an instruction comes before its register writes
// (precise faults), and the IR is well typed.
TEST(AtomicPreciseFaults, MemoryAccessesPrecedeRegisterWrites) {
    const uint32_t words[] = {0xc85f7c20, 0xc8027c23, 0x887f0440, 0xc87f0440, 0xc8231444, 0xc8dffc20,
                              0xc8a07c22, 0x08207c82, 0x48207c82, 0xf8e08041, 0x38200041};
    for (uint32_t word : words) {
        const ir::Block b = a64::translate_one(0x10000, word);
        EXPECT_EQ(ir::verify(b), "") << std::hex << word;
        size_t last_access = 0, first_write = b.insts.size();
        for (size_t i = 0; i < b.insts.size(); ++i) {
            switch (b.insts[i].op) {
            case ir::Opcode::Load:
            case ir::Opcode::Store:
            case ir::Opcode::LoadExclusive:
            case ir::Opcode::StoreExclusive:
            case ir::Opcode::AtomicRmw:
            case ir::Opcode::AtomicCas: last_access = i; break;
            case ir::Opcode::SetX:
            case ir::Opcode::SetSP:
                if (first_write == b.insts.size()) first_write = i;
                break;
            default: break;
            }
        }
        EXPECT_LT(last_access, first_write) << std::hex << word;
    }
}

}  // namespace
}  // namespace ferry
