// AdvSIMD instructions end to end (decode, translate, interpret). Words from
// aarch64-linux-gnu-as; expected values from the Arm ARM.
#include <gtest/gtest.h>

#include <array>
#include <cstring>

#include "guest_runner.h"

namespace ferry {
namespace {

using test::run_one;

// A vector whose byte i is first + i * step.
Vec128 bytes(uint8_t first, uint8_t step = 1) {
    uint8_t b[16];
    for (unsigned i = 0; i < 16; ++i) b[i] = static_cast<uint8_t>(first + i * step);
    Vec128 v;
    std::memcpy(static_cast<void*>(&v), b, 16);
    return v;
}
template <typename T>
Vec128 lanes(std::initializer_list<T> values) {
    Vec128 v{};
    std::memcpy(static_cast<void*>(&v), values.begin(), values.size() * sizeof(T));
    return v;
}
template <typename T>
T lane(const Vec128& v, unsigned i) {
    T x;
    std::memcpy(&x, reinterpret_cast<const uint8_t*>(static_cast<const void*>(&v)) + i * sizeof(T), sizeof(T));
    return x;
}

CpuState with_vectors(Vec128 v0, Vec128 v1, Vec128 v2 = {}, Vec128 v3 = {}) {
    CpuState s = test::make_state();
    s.v[0] = v0;
    s.v[1] = v1;
    s.v[2] = v2;
    s.v[3] = v3;
    return s;
}
// v0 = junk, v1 and v2 = the operands.
Vec128 result(uint32_t word, Vec128 v1, Vec128 v2 = {}, Vec128 v0 = Vec128{0xaaaaaaaaaaaaaaaa, 0xbbbbbbbbbbbbbbbb}) {
    return run_one(with_vectors(v0, v1, v2), word).v[0];
}

// ---- Loads and stores ----

struct Memory {
    alignas(16) uint8_t data[256];
    Memory() {
        for (unsigned i = 0; i < sizeof data; ++i) data[i] = static_cast<uint8_t>(i);
    }
    uint64_t at(unsigned offset) { return reinterpret_cast<uint64_t>(data + offset); }
};

TEST(SimdLoadStore, MultipleStructuresOneRegisterPerElement) {
    Memory m;
    CpuState s = test::make_state();
    s.x[0] = m.at(0);
    s.v[0] = Vec128{~0ull, ~0ull};
    CpuState r = run_one(s, 0x4c407000);  // ld1 {v0.16b}, [x0]
    EXPECT_EQ(r.v[0], bytes(0));
    r = run_one(s, 0x0c407000);           // ld1 {v0.8b}, [x0]: upper half cleared
    EXPECT_EQ(r.v[0], (Vec128{bytes(0).lo, 0}));
    r = run_one(s, 0x4cdfa001);           // ld1 {v1.16b, v2.16b}, [x0], #32
    EXPECT_EQ(r.v[1], bytes(0));
    EXPECT_EQ(r.v[2], bytes(16));
    EXPECT_EQ(r.x[0], m.at(32));
    s.x[1] = 8;
    r = run_one(s, 0x4cc12c03);           // ld1 {v3.2d-v6.2d}, [x0], x1
    for (unsigned i = 0; i < 4; ++i) EXPECT_EQ(r.v[3 + i], bytes(16 * i));
    EXPECT_EQ(r.x[0], m.at(8));
}

TEST(SimdLoadStore, MultipleStructuresDeinterleave) {
    Memory m;
    CpuState s = test::make_state();
    s.x[0] = m.at(0);
    CpuState r = run_one(s, 0x4c408400);  // ld2 {v0.8h, v1.8h}, [x0]
    for (unsigned e = 0; e < 8; ++e) {
        EXPECT_EQ(lane<uint16_t>(r.v[0], e), lane<uint16_t>(bytes(0), 0) + 0x0404 * e);
        EXPECT_EQ(lane<uint16_t>(r.v[1], e), 0x0302 + 0x0404 * e);
    }
    r = run_one(s, 0x4c404000);           // ld3 {v0.16b-v2.16b}, [x0]
    EXPECT_EQ(r.v[0], bytes(0, 3));
    EXPECT_EQ(r.v[1], bytes(1, 3));
    EXPECT_EQ(r.v[2], bytes(2, 3));
    r = run_one(s, 0x4cdf0800);           // ld4 {v0.4s-v3.4s}, [x0], #64
    for (unsigned reg = 0; reg < 4; ++reg)
        for (unsigned e = 0; e < 4; ++e) EXPECT_EQ(lane<uint32_t>(r.v[reg], e), lane<uint32_t>(bytes(16 * e + 4 * reg), 0));
    EXPECT_EQ(r.x[0], m.at(64));
}

TEST(SimdLoadStore, MultipleStructuresStoreInterleaved) {
    Memory m;
    CpuState s = test::make_state();
    s.x[1] = m.at(100);
    s.v[0] = lanes<uint32_t>({0x10, 0x11, 0x12, 0x13});
    s.v[1] = lanes<uint32_t>({0x20, 0x21, 0x22, 0x23});
    run_one(s, 0x4c008820);               // st2 {v0.4s, v1.4s}, [x1]
    uint32_t words[8];
    std::memcpy(words, m.data + 100, sizeof words);
    const uint32_t want[8] = {0x10, 0x20, 0x11, 0x21, 0x12, 0x22, 0x13, 0x23};
    for (unsigned i = 0; i < 8; ++i) EXPECT_EQ(words[i], want[i]);
    EXPECT_EQ(m.data[132], 132);          // nothing beyond the 32 bytes
    s.v[0] = bytes(0x00);
    s.v[1] = bytes(0x40);
    s.v[2] = bytes(0x80);
    s.v[3] = bytes(0xc0);
    run_one(s, 0x0c000020);               // st4 {v0.8b-v3.8b}, [x1]
    for (unsigned e = 0; e < 8; ++e)
        for (unsigned reg = 0; reg < 4; ++reg) EXPECT_EQ(m.data[100 + 4 * e + reg], 0x40 * reg + e);
    EXPECT_EQ(m.data[132], 132);
    s.v[0] = bytes(0x50);
    s.v[1] = bytes(0x60);
    const CpuState r = run_one(s, 0x4c9fa820);  // st1 {v0.4s, v1.4s}, [x1], #32
    EXPECT_EQ(std::memcmp(m.data + 100, &s.v[0], 16), 0);
    EXPECT_EQ(std::memcmp(m.data + 116, &s.v[1], 16), 0);
    EXPECT_EQ(r.x[1], m.at(132));
}

TEST(SimdLoadStore, SingleStructureLanes) {
    Memory m;
    CpuState s = test::make_state();
    s.x[0] = m.at(40);
    s.v[0] = Vec128{~0ull, ~0ull};
    s.v[1] = Vec128{~0ull, ~0ull};
    CpuState r = run_one(s, 0x0d401400);  // ld1 {v0.b}[5], [x0]
    EXPECT_EQ(r.v[0], (Vec128{0xffff28ffffffffff, ~0ull}));
    r = run_one(s, 0x4ddf9000);           // ld1 {v0.s}[3], [x0], #4
    EXPECT_EQ(r.v[0], (Vec128{~0ull, 0x2b2a2928ffffffff}));
    EXPECT_EQ(r.x[0], m.at(44));
    r = run_one(s, 0x4d408400);           // ld1 {v0.d}[1], [x0]
    EXPECT_EQ(r.v[0], (Vec128{~0ull, 0x2f2e2d2c2b2a2928}));
    s.x[2] = 3;
    r = run_one(s, 0x4de25000);           // ld2 {v0.h, v1.h}[6], [x0], x2
    EXPECT_EQ(r.v[0], (Vec128{~0ull, 0xffff2928ffffffff}));
    EXPECT_EQ(r.v[1], (Vec128{~0ull, 0xffff2b2affffffff}));
    EXPECT_EQ(r.x[0], m.at(43));
    s.x[1] = m.at(200);
    s.v[0] = bytes(0x80);
    run_one(s, 0x4d008420);               // st1 {v0.d}[1], [x1]
    EXPECT_EQ(m.data[200], 0x88);
    EXPECT_EQ(m.data[207], 0x8f);
    EXPECT_EQ(m.data[208], 208);
    s.v[1] = bytes(0x90);
    s.v[2] = bytes(0xa0);
    run_one(s, 0x4d00a020);               // st3 {v0.s-v2.s}[2], [x1]
    const uint8_t want[12] = {0x88, 0x89, 0x8a, 0x8b, 0x98, 0x99, 0x9a, 0x9b, 0xa8, 0xa9, 0xaa, 0xab};
    EXPECT_EQ(std::memcmp(m.data + 200, want, 12), 0);
}

TEST(SimdLoadStore, LoadAndReplicate) {
    Memory m;
    CpuState s = test::make_state();
    s.x[0] = m.at(4);
    CpuState r = run_one(s, 0x4d40c800);  // ld1r {v0.4s}, [x0]
    EXPECT_EQ(r.v[0], (Vec128{0x0706050407060504, 0x0706050407060504}));
    r = run_one(s, 0x0ddfc000);           // ld1r {v0.8b}, [x0], #1
    EXPECT_EQ(r.v[0], (Vec128{0x0404040404040404, 0}));
    EXPECT_EQ(r.x[0], m.at(5));
    r = run_one(s, 0x4d60ec00);           // ld4r {v0.2d-v3.2d}, [x0]
    for (unsigned reg = 0; reg < 4; ++reg) {
        uint64_t want;
        std::memcpy(&want, m.data + 4 + 8 * reg, 8);
        EXPECT_EQ(r.v[reg], (Vec128{want, want}));
    }
    s.sp = m.at(16);
    r = run_one(s, 0x4d60c7e0);           // ld2r {v0.8h, v1.8h}, [sp]
    EXPECT_EQ(r.v[0], (Vec128{0x1110111011101110, 0x1110111011101110}));
    EXPECT_EQ(r.v[1], (Vec128{0x1312131213121312, 0x1312131213121312}));
}

// ---- What glibc's string functions use ----

TEST(SimdData, CompareAndReduce) {
    const Vec128 text = lanes<uint8_t>({'h', 'e', 'l', 'l', 'o', 0, 'x', 'y', 'l', 0, 0, 0, 0, 0, 0, 'l'});
    const Vec128 ls = bytes('l', 0);
    EXPECT_EQ(result(0x6e228c20, text, ls),                   // cmeq v0.16b, v1.16b, v2.16b
              lanes<uint8_t>({0, 0, 0xff, 0xff, 0, 0, 0, 0, 0xff, 0, 0, 0, 0, 0, 0, 0xff}));
    EXPECT_EQ(result(0x4e209820, text),                       // cmeq v0.16b, v1.16b, #0
              lanes<uint8_t>({0, 0, 0, 0, 0, 0xff, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0}));
    EXPECT_EQ(result(0x6e22a420, bytes(0), bytes(0x80, 0xff)),  // umaxp v0.16b, v1.16b, v2.16b
              lanes<uint8_t>({1, 3, 5, 7, 9, 11, 13, 15, 0x80, 0x7e, 0x7c, 0x7a, 0x78, 0x76, 0x74, 0x72}));
    EXPECT_EQ(result(0x4e22bc20, bytes(0), bytes(0x10)),      // addp v0.16b, v1.16b, v2.16b
              lanes<uint8_t>({1, 5, 9, 13, 17, 21, 25, 29, 0x21, 0x25, 0x29, 0x2d, 0x31, 0x35, 0x39, 0x3d}));
    EXPECT_EQ(result(0x0e22bc20, bytes(0), bytes(0x10)),      // addp v0.8b, v1.8b, v2.8b
              lanes<uint8_t>({1, 5, 9, 13, 0x21, 0x25, 0x29, 0x2d}));
    EXPECT_EQ(result(0x5ef1b820, Vec128{5, 7}), (Vec128{12, 0}));  // addp d0, v1.2d
    const Vec128 mixed = lanes<uint8_t>({5, 200, 3, 9, 17, 255, 0x80, 1, 2, 3, 4, 5, 6, 7, 1, 9});
    EXPECT_EQ(result(0x6e31a820, mixed), (Vec128{1, 0}));     // uminv b0, v1.16b
    EXPECT_EQ(result(0x6e30a820, mixed), (Vec128{255, 0}));   // umaxv b0, v1.16b
    EXPECT_EQ(result(0x0e31a820, mixed), (Vec128{0x80, 0}));  // sminv b0, v1.8b: -128 from the low 8 lanes
    EXPECT_EQ(result(0x6eb0a820, lanes<uint32_t>({1, 0x80000000, 7, 3})), (Vec128{0x80000000, 0}));  // umaxv s0, v1.4s
    EXPECT_EQ(result(0x4e71b820, lanes<uint16_t>({0xffff, 2, 3, 4, 5, 6, 7, 8})), (Vec128{34, 0}));  // addv h0, v1.8h
    EXPECT_EQ(result(0x6e303820, bytes(0xf0)), (Vec128{0xf0 * 16 + 120, 0}));  // uaddlv h0, v1.16b
    EXPECT_EQ(result(0x4e703820, lanes<int16_t>({-1, -2, -3, -4, -5, -6, -7, 100})), (Vec128{72, 0}));  // saddlv s0
    EXPECT_EQ(result(0x4e703820, lanes<int16_t>({-1, -2, -3, -4, -5, -6, -7, -8})),
              (Vec128{static_cast<uint32_t>(-36), 0}));
}

TEST(SimdData, NarrowingShiftsForSyndromes) {
    const Vec128 v = lanes<uint16_t>({0x1234, 0xff0f, 0x00f8, 0x0ff0, 0xabcd, 0x0001, 0x8000, 0xfff8});
    EXPECT_EQ(result(0x0f0c8420, v),                                    // shrn v0.8b, v1.8h, #4
              lanes<uint8_t>({0x23, 0xf0, 0x0f, 0xff, 0xbc, 0x00, 0x00, 0xff}));
    EXPECT_EQ(result(0x0f0c8c20, v),                                    // rshrn v0.8b, v1.8h, #4
              lanes<uint8_t>({0x23, 0xf1, 0x10, 0xff, 0xbd, 0x00, 0x00, 0x00}));
    const Vec128 r = result(0x4f0c8420, v, {}, Vec128{0x1122334455667788, 0x99});  // shrn2 v0.16b, v1.8h, #4
    EXPECT_EQ(r.lo, 0x1122334455667788u);
    EXPECT_EQ(r.hi, lanes<uint8_t>({0x23, 0xf0, 0x0f, 0xff, 0xbc, 0x00, 0x00, 0xff}).lo);
    EXPECT_EQ(result(0x0e212820, v), lanes<uint8_t>({0x34, 0x0f, 0xf8, 0xf0, 0xcd, 0x01, 0x00, 0xf8}));  // xtn
    const Vec128 r2 = result(0x4e212820, v, {}, Vec128{7, 9});         // xtn2 v0.16b, v1.8h
    EXPECT_EQ(r2, (Vec128{7, lanes<uint8_t>({0x34, 0x0f, 0xf8, 0xf0, 0xcd, 0x01, 0x00, 0xf8}).lo}));
}

TEST(SimdData, DupInsAndMoves) {
    CpuState s = with_vectors({}, lanes<uint32_t>({0x11, 0x22, 0x33, 0x80000044}));
    s.x[1] = 0x123456789abcdef0;
    EXPECT_EQ(run_one(s, 0x4e010c20).v[0], bytes(0xf0, 0));          // dup v0.16b, w1
    EXPECT_EQ(run_one(s, 0x4e140420).v[0], lanes<uint32_t>({0x33, 0x33, 0x33, 0x33}));  // dup v0.4s, v1.s[2]
    EXPECT_EQ(run_one(s, 0x4e080c20).v[0], (Vec128{s.x[1], s.x[1]}));  // dup v0.2d, x1
    EXPECT_EQ(run_one(s, 0x0e073c20).x[0], 0u);                        // umov w0, v1.b[3]
    EXPECT_EQ(run_one(s, 0x4e183c20).x[0], 0x8000004400000033u);       // mov x0, v1.d[1]
    EXPECT_EQ(run_one(s, 0x4e0a2c20).x[0], 0x22u);                     // smov x0, v1.h[2]
    EXPECT_EQ(run_one(s, 0x0e1f2c20).x[0], 0xffffff80u);               // smov w0, v1.b[15]
    s.v[0] = bytes(0);
    EXPECT_EQ(run_one(s, 0x4e0c1c20).v[0], (Vec128{0x9abcdef003020100, bytes(0).hi}));  // mov v0.s[1], w1
    EXPECT_EQ(run_one(s, 0x6e180420).v[0], (Vec128{bytes(0).lo, s.v[1].lo}));           // mov v0.d[1], v1.d[0]
    EXPECT_EQ(run_one(s, 0x6e1f0420).v[0], (Vec128{bytes(0).lo, 0x110e0d0c0b0a0908}));   // mov v0.b[15], v1.b[0]
    EXPECT_EQ(run_one(s, 0x5e070420).v[0], (Vec128{0, 0}));                              // mov b0, v1.b[3]
}

TEST(SimdData, Logical) {
    const Vec128 a{0xff00ff00f0f0f0f0, 0x0123456789abcdef}, b{0x0ff00ff00ff00ff0, 0xffffffff00000000};
    const Vec128 d{0x5555555555555555, 0xaaaaaaaaaaaaaaaa};
    EXPECT_EQ(result(0x4e221c20, a, b), (Vec128{a.lo & b.lo, a.hi & b.hi}));    // and
    EXPECT_EQ(result(0x4ea21c20, a, b), (Vec128{a.lo | b.lo, a.hi | b.hi}));    // orr
    EXPECT_EQ(result(0x4e621c20, a, b), (Vec128{a.lo & ~b.lo, a.hi & ~b.hi}));  // bic
    EXPECT_EQ(result(0x0ee21c20, a, b), (Vec128{a.lo | ~b.lo, 0}));             // orn v0.8b
    EXPECT_EQ(result(0x6e221c20, a, b), (Vec128{a.lo ^ b.lo, a.hi ^ b.hi}));    // eor
    EXPECT_EQ(result(0x6e621c20, a, b, d),                                      // bsl: d selects a over b
              (Vec128{(d.lo & a.lo) | (~d.lo & b.lo), (d.hi & a.hi) | (~d.hi & b.hi)}));
    EXPECT_EQ(result(0x6ea21c20, a, b, d),                                      // bit: a where b set
              (Vec128{(b.lo & a.lo) | (~b.lo & d.lo), (b.hi & a.hi) | (~b.hi & d.hi)}));
    EXPECT_EQ(result(0x6ee21c20, a, b, d),                                      // bif: a where b clear
              (Vec128{(~b.lo & a.lo) | (b.lo & d.lo), (~b.hi & a.hi) | (b.hi & d.hi)}));
    EXPECT_EQ(result(0x6e205820, a), (Vec128{~a.lo, ~a.hi}));                   // mvn
}

TEST(SimdData, ShiftsByImmediate) {
    const Vec128 v = bytes(0x80, 7);
    Vec128 want;
    for (unsigned i = 0; i < 16; ++i) reinterpret_cast<uint8_t*>(&want)[i] = static_cast<uint8_t>((0x80 + 7 * i) & 0xff) >> 4;
    EXPECT_EQ(result(0x6f0c0420, v), want);                                         // ushr v0.16b, v1.16b, #4
    EXPECT_EQ(result(0x6f400420, Vec128{~0ull, 5}), (Vec128{0, 0}));                // ushr v0.2d, v1.2d, #64
    EXPECT_EQ(result(0x0f080420, lanes<uint8_t>({0x80, 0x7f, 0xff, 1})), (Vec128{0x00ff00ff, 0}));  // sshr #8
    EXPECT_EQ(result(0x6f301420, lanes<uint32_t>({0x10000, 0xffff0000, 0, 0}), {}, lanes<uint32_t>({1, 1, 1, 1})),
              lanes<uint32_t>({2, 0x10000, 1, 1}));                                 // usra v0.4s, v1.4s, #16
    EXPECT_EQ(result(0x4f1f1420, lanes<int16_t>({-4, 6}), {}, lanes<int16_t>({10, 10})),
              lanes<int16_t>({8, 13}));                                             // ssra v0.8h, v1.8h, #1
    EXPECT_EQ(result(0x6f0d4420, bytes(0xff, 0), {}, bytes(0xaa, 0)), bytes(0xbf, 0));  // sri #3: top 3 bits of 0xaa
    EXPECT_EQ(result(0x6f285420, lanes<uint32_t>({0x11223344}), {}, lanes<uint32_t>({0xaabbccdd})),
              lanes<uint32_t>({0x223344dd}));                                       // sli v0.4s, v1.4s, #8
    EXPECT_EQ(result(0x4f7f5420, Vec128{3, 2}), (Vec128{1ull << 63, 0}));           // shl v0.2d, v1.2d, #63
    EXPECT_EQ(result(0x2f08a420, lanes<uint8_t>({0x80, 1, 0xff})), lanes<uint16_t>({0x80, 1, 0xff}));  // uxtl
    EXPECT_EQ(result(0x4f10a420, lanes<uint16_t>({0, 0, 0, 0, 0x8000, 1, 0xffff, 2})),
              lanes<uint32_t>({0xffff8000, 1, 0xffffffff, 2}));                     // sxtl2 v0.4s, v1.8h
    EXPECT_EQ(result(0x2f23a420, lanes<uint32_t>({0x80000000, 3})), (Vec128{0x400000000, 24}));  // ushll #3
}

TEST(SimdData, CountAndModifiedImmediates) {
    EXPECT_EQ(result(0x4e205820, lanes<uint8_t>({0, 1, 3, 0xff, 0x80, 0x55})),  // cnt v0.16b, v1.16b
              lanes<uint8_t>({0, 1, 2, 8, 1, 4}));
    const Vec128 d{0x0f0f0f0f0f0f0f0f, 0xf0f0f0f0f0f0f0f0};
    EXPECT_EQ(result(0x4f052560, {}), (Vec128{0x0000ab000000ab00, 0x0000ab000000ab00}));  // movi 4s, lsl #8
    EXPECT_EQ(result(0x4f05a560, {}), (Vec128{0xab00ab00ab00ab00, 0xab00ab00ab00ab00}));  // movi 8h, lsl #8
    EXPECT_EQ(result(0x4f05d560, {}), (Vec128{0x00abffff00abffff, 0x00abffff00abffff}));  // movi 4s, msl #16
    EXPECT_EQ(result(0x4f05e560, {}), (Vec128{0xabababababababab, 0xabababababababab}));  // movi 16b
    EXPECT_EQ(result(0x6f05e540, {}), (Vec128{0xff00ff00ff00ff00, 0xff00ff00ff00ff00}));  // movi 2d
    EXPECT_EQ(result(0x2f01e420, {}), (Vec128{0x0000ff00000000ff, 0}));                   // movi d0
    EXPECT_EQ(result(0x6f006640, {}), (Vec128{0xedffffffedffffff, 0xedffffffedffffff}));  // mvni 4s, lsl #24
    EXPECT_EQ(result(0x6f00c640, {}), (Vec128{0xffffed00ffffed00, 0xffffed00ffffed00}));  // mvni 4s, msl #8
    EXPECT_EQ(result(0x4f003640, {}, {}, d), (Vec128{0x0f0f1f0f0f0f1f0f, 0xf0f0f2f0f0f0f2f0}));  // orr 4s, lsl #8
    EXPECT_EQ(result(0x6f0797e0, {}, {}, d), (Vec128{0x0f000f000f000f00, 0xf000f000f000f000}));  // bic 8h, #0xff
    EXPECT_EQ(result(0x4f03f600, {}), (Vec128{0x3f8000003f800000, 0x3f8000003f800000}));  // fmov 4s, #1.0
    EXPECT_EQ(result(0x6f04f480, {}), (Vec128{0xc004000000000000, 0xc004000000000000}));  // fmov 2d, #-2.5
    EXPECT_EQ(result(0x0f03e7e0, {}), (Vec128{0x7f7f7f7f7f7f7f7f, 0}));                   // movi v0.8b, #0x7f
}

TEST(SimdData, TableLookup) {
    CpuState s = with_vectors({}, bytes(0x40), lanes<uint8_t>({0, 15, 16, 255, 3, 31, 32, 64, 1, 2}));
    EXPECT_EQ(run_one(s, 0x4e020020).v[0],                    // tbl v0.16b, {v1.16b}, v2.16b
              lanes<uint8_t>({0x40, 0x4f, 0, 0, 0x43, 0, 0, 0, 0x41, 0x42, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40}));
    s.v[2] = bytes(0x50);
    s.v[3] = lanes<uint8_t>({0, 15, 16, 255, 3, 31, 32, 64, 17, 2});
    EXPECT_EQ(run_one(s, 0x4e032020).v[0],                    // tbl v0.16b, {v1.16b, v2.16b}, v3.16b
              lanes<uint8_t>({0x40, 0x4f, 0x50, 0, 0x43, 0x5f, 0, 0, 0x51, 0x42, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40}));
    s.v[0] = bytes(0xe0);
    s.v[3] = bytes(0x60);
    s.v[4] = lanes<uint8_t>({0, 47, 48, 255, 33, 17, 100, 1, 9, 9, 9, 9, 9, 9, 9, 9});
    EXPECT_EQ(run_one(s, 0x0e045020).v[0],                    // tbx v0.8b, {v1.16b-v3.16b}, v4.8b
              (Vec128{lanes<uint8_t>({0x40, 0x6f, 0xe2, 0xe3, 0x61, 0x51, 0xe6, 0x41}).lo, 0}));
    s.v[30] = bytes(0x00);
    s.v[31] = bytes(0x10);
    s.v[0] = bytes(0x20);
    s.v[1] = bytes(0x30);
    s.v[2] = lanes<uint8_t>({0, 16, 32, 48, 63, 64, 200, 5});
    EXPECT_EQ(run_one(s, 0x4e0263c0).v[0],                    // tbl v0.16b, {v30-v1}, v2.16b (wraps at v31)
              lanes<uint8_t>({0x00, 0x10, 0x20, 0x30, 0x3f, 0, 0, 0x05, 0, 0, 0, 0, 0, 0, 0, 0}));
}

TEST(SimdData, Permutes) {
    const Vec128 n = bytes(0x00), m = bytes(0x80);
    EXPECT_EQ(result(0x4e023820, n, m), lanes<uint8_t>({0, 0x80, 1, 0x81, 2, 0x82, 3, 0x83, 4, 0x84, 5, 0x85, 6, 0x86, 7, 0x87}));  // zip1
    EXPECT_EQ(result(0x4e027820, n, m), lanes<uint8_t>({8, 0x88, 9, 0x89, 10, 0x8a, 11, 0x8b, 12, 0x8c, 13, 0x8d, 14, 0x8e, 15, 0x8f}));  // zip2
    EXPECT_EQ(result(0x0e027820, n, m), lanes<uint8_t>({4, 0x84, 5, 0x85, 6, 0x86, 7, 0x87}));  // zip2 v0.8b
    EXPECT_EQ(result(0x4e421820, n, m), lanes<uint16_t>({0x0100, 0x0504, 0x0908, 0x0d0c, 0x8180, 0x8584, 0x8988, 0x8d8c}));  // uzp1 8h
    EXPECT_EQ(result(0x0e025820, n, m), lanes<uint8_t>({1, 3, 5, 7, 0x81, 0x83, 0x85, 0x87}));  // uzp2 v0.8b
    EXPECT_EQ(result(0x4e822820, lanes<uint32_t>({0, 1, 2, 3}), lanes<uint32_t>({4, 5, 6, 7})),
              lanes<uint32_t>({0, 4, 2, 6}));                                                   // trn1 4s
    EXPECT_EQ(result(0x4e026820, n, m), lanes<uint8_t>({1, 0x81, 3, 0x83, 5, 0x85, 7, 0x87, 9, 0x89, 11, 0x8b, 13, 0x8d, 15, 0x8f}));  // trn2
    EXPECT_EQ(result(0x6e021820, n, m), lanes<uint8_t>({3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0x80, 0x81, 0x82}));  // ext #3
    EXPECT_EQ(result(0x2e021820, n, m), lanes<uint8_t>({3, 4, 5, 6, 7, 0x80, 0x81, 0x82}));    // ext v0.8b, #3
    EXPECT_EQ(result(0x4e201820, n), lanes<uint8_t>({1, 0, 3, 2, 5, 4, 7, 6, 9, 8, 11, 10, 13, 12, 15, 14}));  // rev16
    EXPECT_EQ(result(0x6e600820, n), lanes<uint16_t>({0x0302, 0x0100, 0x0706, 0x0504, 0x0b0a, 0x0908, 0x0f0e, 0x0d0c}));  // rev32 8h
    EXPECT_EQ(result(0x4ea00820, lanes<uint32_t>({0, 1, 2, 3})), lanes<uint32_t>({1, 0, 3, 2}));  // rev64 4s
}

TEST(SimdData, IntegerArithmetic) {
    const Vec128 a = lanes<uint32_t>({1, 0xffffffff, 0x80000000, 7}), b = lanes<uint32_t>({2, 1, 0x80000000, 0xfffffff9});
    EXPECT_EQ(result(0x4ea28420, a, b), lanes<uint32_t>({3, 0, 0, 0}));                         // add 4s
    EXPECT_EQ(result(0x6ee28420, Vec128{5, 0}, Vec128{7, 1}), (Vec128{~1ull, ~0ull}));          // sub 2d
    EXPECT_EQ(result(0x4e629c20, lanes<uint16_t>({300, 2}), lanes<uint16_t>({300, 3})), lanes<uint16_t>({0x5f90, 6}));  // mul 8h
    EXPECT_EQ(result(0x4ea29420, a, b, lanes<uint32_t>({10, 10, 10, 10})), lanes<uint32_t>({12, 9, 10, 0xffffffd9}));  // mla
    EXPECT_EQ(result(0x6e229420, bytes(2, 0), bytes(3, 0), bytes(10, 0)), bytes(4, 0));         // mls 16b
    EXPECT_EQ(result(0x4ea23420, a, b), lanes<uint32_t>({0, 0, 0, ~0u}));                       // cmgt 4s (signed)
    EXPECT_EQ(result(0x6e223420, bytes(0x7e), bytes(0x80, 0)), lanes<uint8_t>({0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}));  // cmhi
    EXPECT_EQ(result(0x6ee23c20, Vec128{5, 4}, Vec128{5, 5}), (Vec128{~0ull, 0}));              // cmhs 2d
    EXPECT_EQ(result(0x4e623c20, lanes<int16_t>({-1, 2}), lanes<int16_t>({-1, 3})), lanes<uint16_t>({0xffff, 0, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff}));  // cmge 8h
    EXPECT_EQ(result(0x4e228c20, lanes<uint8_t>({1, 2, 0xf0}), lanes<uint8_t>({3, 1, 0x10})), lanes<uint8_t>({0xff, 0, 0xff}));  // cmtst
    EXPECT_EQ(result(0x4ea26420, a, b), lanes<uint32_t>({2, 1, 0x80000000, 7}));               // smax 4s
    EXPECT_EQ(result(0x4e226c20, lanes<int8_t>({-1, 5}), lanes<int8_t>({1, -5})), lanes<int8_t>({-1, -5}));  // smin 16b
    EXPECT_EQ(result(0x6e626420, lanes<uint16_t>({0xffff, 1}), lanes<uint16_t>({1, 2})), lanes<uint16_t>({0xffff, 2}));  // umax 8h
    EXPECT_EQ(result(0x6ea26c20, a, b), lanes<uint32_t>({1, 1, 0x80000000, 7}));               // umin 4s
    EXPECT_EQ(result(0x6ea0b820, a), lanes<uint32_t>({0xffffffff, 1, 0x80000000, 0xfffffff9}));  // neg 4s
    EXPECT_EQ(result(0x0e20b820, lanes<int8_t>({-128, -3, 4})), (Vec128{lanes<uint8_t>({0x80, 3, 4}).lo, 0}));  // abs 8b
    EXPECT_EQ(result(0x4ea0a820, a), lanes<uint32_t>({0, ~0u, ~0u, 0}));                        // cmlt #0
    EXPECT_EQ(result(0x6e609820, lanes<int16_t>({0, -1, 1})), lanes<uint16_t>({0xffff, 0xffff, 0, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff}));  // cmle #0
    EXPECT_EQ(result(0x4e208820, lanes<int8_t>({0, -1, 1})), lanes<uint8_t>({0, 0, 0xff}));     // cmgt #0
    EXPECT_EQ(result(0x6ee08820, Vec128{0, 1ull << 63}), (Vec128{~0ull, 0}));                  // cmge 2d, #0
}

TEST(SimdData, Widening) {
    const Vec128 a = bytes(0xf0), b = bytes(0x20);
    EXPECT_EQ(result(0x2e220020, a, b), lanes<uint16_t>({0x110, 0x112, 0x114, 0x116, 0x118, 0x11a, 0x11c, 0x11e}));  // uaddl
    EXPECT_EQ(result(0x6e621020, lanes<uint32_t>({1, 2, 3, 4}), lanes<uint16_t>({0, 0, 0, 0, 0xffff, 1, 2, 3})),
              lanes<uint32_t>({0x10000, 3, 5, 7}));                                            // uaddw2
    EXPECT_EQ(result(0x2e622020, lanes<uint16_t>({1, 5}), lanes<uint16_t>({2, 3})), lanes<uint32_t>({0xffffffff, 2, 0, 0}));  // usubl
    EXPECT_EQ(result(0x0ea20020, lanes<int32_t>({-1, 5}), lanes<int32_t>({-2, 6})), lanes<int64_t>({-3, 11}));  // saddl
    EXPECT_EQ(result(0x2ea2c020, lanes<uint32_t>({0xffffffff, 3}), lanes<uint32_t>({0xffffffff, 4})),
              (Vec128{0xfffffffe00000001, 12}));                                               // umull 2d
    EXPECT_EQ(result(0x0e22c020, lanes<int8_t>({-128, 3}), lanes<int8_t>({-128, -4})), lanes<int16_t>({16384, -12, 0, 0, 0, 0, 0, 0}));  // smull
    EXPECT_EQ(result(0x2e628020, lanes<uint16_t>({0xffff, 2}), lanes<uint16_t>({2, 2}), lanes<uint32_t>({1, 1, 1, 1})),
              lanes<uint32_t>({0x1fffe + 1, 5, 1, 1}));                                        // umlal
}

TEST(SimdData, VectorFloatingPoint) {
    const Vec128 f = lanes<float>({1.5f, -2.0f, 0.25f, 1e10f}), g = lanes<float>({2.0f, 0.5f, -0.25f, 3.0f});
    EXPECT_EQ(result(0x4e22d420, f, g), lanes<float>({3.5f, -1.5f, 0.0f, 1e10f}));      // fadd 4s
    EXPECT_EQ(result(0x6e22dc20, f, g), lanes<float>({3.0f, -1.0f, -0.0625f, 3e10f}));  // fmul 4s
    EXPECT_EQ(result(0x4e22f420, f, g), lanes<float>({2.0f, 0.5f, 0.25f, 1e10f}));      // fmax 4s
    EXPECT_EQ(result(0x4e22c420, lanes<uint32_t>({0x7fc00000}), g), lanes<float>({2.0f, 0.5f, 0.0f, 3.0f}));  // fmaxnm
    EXPECT_EQ(result(0x4ea0f820, f), lanes<float>({1.5f, 2.0f, 0.25f, 1e10f}));        // fabs 4s
    EXPECT_EQ(result(0x6e21d820, lanes<uint32_t>({1, 0xffffffff, 16777217, 0})), lanes<float>({1.0f, 4294967296.0f, 16777216.0f, 0.0f}));  // ucvtf 4s
    EXPECT_EQ(result(0x4ea1b820, lanes<float>({-1.5f, 3e9f, 2.5f, -0.0f})), lanes<int32_t>({-1, 0x7fffffff, 2, 0}));  // fcvtzs 4s
    EXPECT_EQ(result(0x4f38fc20, lanes<float>({1.5f, -0.25f})), lanes<int32_t>({384, -64, 0, 0}));  // fcvtzs 4s, #8
    EXPECT_EQ(result(0x0f3fe420, lanes<int32_t>({3, -1, 7, 7})), (Vec128{lanes<float>({1.5f, -0.5f}).lo, 0}));  // scvtf 2s, #1
    EXPECT_EQ(result(0x4e219820, f), lanes<float>({1.0f, -2.0f, 0.0f, 1e10f}));        // frintm 4s
    EXPECT_EQ(result(0x6ea1f820, lanes<float>({4.0f, 0.25f})), lanes<float>({2.0f, 0.5f, 0.0f, 0.0f}));  // fsqrt 4s
    const Vec128 d = lanes<double>({1.5, -3.0}), e = lanes<double>({0.5, 2.0});
    EXPECT_EQ(result(0x4ee2d420, d, e), lanes<double>({1.0, -5.0}));                    // fsub 2d
    EXPECT_EQ(result(0x6e62fc20, d, e), lanes<double>({3.0, -1.5}));                    // fdiv 2d
    EXPECT_EQ(result(0x4e62cc20, d, e, lanes<double>({1.0, 1.0})), lanes<double>({1.75, -5.0}));  // fmla 2d
    EXPECT_EQ(result(0x4ea2cc20, f, g, lanes<float>({1.0f, 1.0f, 1.0f, 1.0f})), lanes<uint32_t>({0xc0000000, 0x40000000, 0x3f880000, 0xd0df8475}));  // fmls 4s: 1 - 3e10 rounded once (unfused: ...76)
    EXPECT_EQ(result(0x4ee2f420, d, e), lanes<double>({0.5, -3.0}));                    // fmin 2d
    EXPECT_EQ(result(0x6ee0f820, d), lanes<double>({-1.5, 3.0}));                       // fneg 2d
    EXPECT_EQ(result(0x6ee1b820, lanes<double>({-1.0, 2.9})), (Vec128{0, 2}));          // fcvtzu 2d
    EXPECT_EQ(result(0x4e61d820, Vec128{static_cast<uint64_t>(-2), 3}), lanes<double>({-2.0, 3.0}));  // scvtf 2d
    EXPECT_EQ(result(0x6e618820, lanes<double>({2.5, -0.5})), lanes<double>({3.0, -1.0}));  // frinta 2d
}

TEST(SimdData, ScalarForms) {
    EXPECT_EQ(result(0x5ee1b820, lanes<double>({-7.9}), {}), (Vec128{static_cast<uint64_t>(-7), 0}));  // fcvtzs d0, d1
    EXPECT_EQ(result(0x5e21d820, Vec128{0xfffffffd00000000 | 0xfffffffe, 5}), (Vec128{lanes<float>({-2.0f}).lo & 0xffffffff, 0}));  // scvtf s0, s1
    EXPECT_EQ(result(0x5e61a820, lanes<double>({2.5})), (Vec128{2, 0}));                   // fcvtns d0, d1
    EXPECT_EQ(result(0x7ee28c20, Vec128{5, 1}, Vec128{5, 2}), (Vec128{~0ull, 0}));          // cmeq d0, d1, d2
    EXPECT_EQ(result(0x5ee28420, Vec128{5, 1}, Vec128{7, 2}), (Vec128{12, 0}));             // add d0, d1, d2
    EXPECT_EQ(result(0x5ee08820, Vec128{1ull << 63, 1}), (Vec128{0, 0}));                   // cmgt d0, d1, #0
    EXPECT_EQ(result(0x7f7d0420, Vec128{0x80, 1}), (Vec128{0x10, 0}));                      // ushr d0, d1, #3
    EXPECT_EQ(result(0x5f435420, Vec128{0x80, 1}), (Vec128{0x400, 0}));                     // shl d0, d1, #3
    EXPECT_EQ(result(0x5f7ce420, Vec128{static_cast<uint64_t>(-8), 1}), lanes<double>({-0.5}));  // scvtf d0, d1, #4
    EXPECT_EQ(result(0x5e070420, bytes(0x10)), (Vec128{0x13, 0}));                          // mov b0, v1.b[3]
    EXPECT_EQ(result(0x7ee0b820, Vec128{1, 1}), (Vec128{~0ull, 0}));                        // neg d0, d1
}

TEST(SimdData, UnallocatedEncodingsAreUndefined) {
    const uint32_t undefined[] = {
        0x0ee28420,  // add with size 11 and Q 0 (1D)
        0x0e180c20,  // dup v0.1d, x1
        0x0e0c1c20,  // ins (general) with Q 0
        0x0e183c20,  // umov w0, v1.d[0]
        0x0e020820,  // permute opcode 000
        0x2e024020,  // ext v0.8b with imm4 = 8
        0x4f00fc20,  // fmov (vector, half): o2 = 1
        0x2f00f400,  // fmov with op 1, cmode 1111, Q 0
        0x0c408c00,  // ld2 {v0.1d, v1.1d}
        0x0c401000,  // multiple structures opcode 0001
        0x0d40d000,  // ld1r with S = 1
        0x0d00c000,  // st1r does not exist
        0x0c417000,  // ld1 (no offset) with Rm != 0
    };
    for (uint32_t word : undefined) {
        const CpuState s = run_one(test::make_state(), word);
        EXPECT_EQ(s.exit_reason, ExitReason::Undefined) << std::hex << word;
    }
}

}  // namespace
}  // namespace ferry
