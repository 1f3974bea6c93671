// The JIT's inline FP and SIMD emitters against the interpreter (the Arm ARM
// reference): each op on operands drawn mostly from special values (zeros,
// infinities, quiet and signalling NaNs with payloads, subnormals, extreme
// normals, values at rounding and conversion boundaries), in all four
// rounding modes with FZ and DN on and off; results, FPSR, NZCV and every
// register compared. Also with the baseline host (no SSE4.1/FMA/AES: the
// fallback paths) and with many values live across the out-of-line calls.
#include <gtest/gtest.h>

#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "backend/interp/interpreter.h"
#include "backend/x64/x64_backend.h"
#include "ir/builder.h"

namespace ferry::x64 {
namespace {

using namespace ir;

constexpr uint64_t kExitPc = 0x9000;

struct Rng {
    std::mt19937_64 gen{2024};
    uint64_t next() { return gen(); }
    uint64_t below(uint64_t n) { return next() % n; }
};

// Interesting bit patterns of a format (sign added by the caller).
std::vector<uint64_t> special_magnitudes(unsigned bits) {
    const unsigned F = bits == 64 ? 52 : 23, E = bits == 64 ? 11 : 8;
    const uint64_t exp_ones = (uint64_t{1} << E) - 1, quiet = uint64_t{1} << (F - 1);
    const uint64_t inf = exp_ones << F, frac = (uint64_t{1} << F) - 1;
    const auto value = [&](uint64_t biased_exp, uint64_t fraction) { return (biased_exp << F) | fraction; };
    const uint64_t bias = (uint64_t{1} << (E - 1)) - 1;
    return {0,
            inf,
            inf | quiet,                 // default qNaN
            inf | quiet | 0x1234,        // qNaN with a payload
            inf | 1,                     // sNaN
            inf | (quiet >> 1) | 0x55,   // sNaN with a payload
            1,                           // smallest subnormal
            frac,                        // largest subnormal
            frac >> 1,
            value(1, 0),                 // smallest normal
            value(1, 1),
            value(exp_ones - 1, frac),   // largest normal
            value(exp_ones - 1, 0),
            value(bias, 0),              // 1.0
            value(bias, 1),              // 1 + ulp
            value(bias - 1, 0),          // 0.5
            value(bias + 1, quiet),      // 3.0
            value(bias, quiet),          // 1.5
            value(bias + 1, quiet >> 1), // 2.5
            value(bias - F - 1, 0),      // half an ulp of 1.0
            value(bias - F - 1, 1),
            value(bias + 31, 0),         // 2^31, 2^32, 2^63, 2^64 and their neighbours
            value(bias + 30, frac),
            value(bias + 32, 0),
            value(bias + 31, frac),
            value(bias + 63, 0),
            value(bias + 62, frac),
            value(bias + 64, 0),
            value(bias + 63, frac),
            value(bias + F, 1),          // integers at the edge of exactness
            value(bias + F - 1, 1)};
}

uint64_t fp_operand(Rng& rng, unsigned bits) {
    static const std::vector<uint64_t> specials[2] = {special_magnitudes(32), special_magnitudes(64)};
    const std::vector<uint64_t>& s = specials[bits == 64];
    const uint64_t sign = rng.below(2) ? uint64_t{1} << (bits - 1) : 0;
    const uint64_t mask = bits == 64 ? ~uint64_t{0} : 0xffffffffu;
    switch (rng.below(4)) {
    case 0:
    case 1: return s[rng.below(s.size())] | sign;
    case 2: return (s[rng.below(s.size())] + rng.below(5) - 2) & mask;  // neighbours
    default: {
        // An ordinary value: random fraction, exponent near 1.0 or anywhere.
        const uint64_t r = rng.next() & mask;
        if (rng.below(2)) return r;
        const unsigned F = bits == 64 ? 52 : 23;
        const uint64_t bias = bits == 64 ? 1023 : 127;
        return sign | ((bias - 8 + rng.below(40)) << F) | (r & ((uint64_t{1} << F) - 1));
    }
    }
}

// Integers for SCVTF/UCVTF: edges and values that round in a float.
uint64_t int_operand(Rng& rng) {
    static constexpr uint64_t kEdges[] = {0,          1,          0x7fffffff, 0x80000000, 0xffffffff,
                                          0x100000001, 0x7fffffffffffffff, 0x8000000000000000,
                                          0xffffffffffffffff, 0x1000001, 0x20000000000001, 0xfffffffffffff800};
    if (rng.below(3) == 0) return kEdges[rng.below(std::size(kEdges))];
    return rng.next() >> rng.below(64);
}

CpuState random_state(Rng& rng, unsigned bits, bool int_operands) {
    CpuState s;
    for (auto& x : s.x) x = int_operands ? int_operand(rng) : fp_operand(rng, bits);
    s.x[4] = rng.below(2);  // FCCMP's condition
    for (auto& v : s.v) v = {rng.next(), rng.next()};
    s.nzcv = static_cast<uint32_t>(rng.next()) & 0xf0000000u;
    const uint32_t rmode = static_cast<uint32_t>(rng.below(4)) << 22;
    const uint32_t fz = rng.below(4) == 0 ? 1u << 24 : 0, dn = rng.below(4) == 0 ? 1u << 25 : 0;
    s.fpcr = rmode | fz | dn;
    s.fpsr = rng.below(2) ? 0 : static_cast<uint32_t>(rng.next()) & 0x9f;
    s.guest_base = 0;
    s.guest_mask = ~uint64_t{0};
    return s;
}

std::string diff_states(const CpuState& jit, const CpuState& ref) {
    std::string d;
    char buf[200];
    for (int i = 0; i < 31; ++i)
        if (jit.x[i] != ref.x[i]) {
            snprintf(buf, sizeof buf, "x%d jit=%#llx ref=%#llx\n", i, (unsigned long long)jit.x[i],
                     (unsigned long long)ref.x[i]);
            d += buf;
        }
    for (int i = 0; i < 32; ++i)
        if (!(jit.v[i] == ref.v[i])) {
            snprintf(buf, sizeof buf, "v%d jit=%#llx:%#llx ref=%#llx:%#llx\n", i, (unsigned long long)jit.v[i].hi,
                     (unsigned long long)jit.v[i].lo, (unsigned long long)ref.v[i].hi, (unsigned long long)ref.v[i].lo);
            d += buf;
        }
    if (jit.fpsr != ref.fpsr) d += "fpsr jit=" + std::to_string(jit.fpsr) + " ref=" + std::to_string(ref.fpsr) + "\n";
    if (jit.fpcr != ref.fpcr) d += "fpcr differs\n";
    if (jit.nzcv != ref.nzcv) d += "nzcv differs\n";
    if (jit.pc != ref.pc) d += "pc differs\n";
    return d;
}

// One FP op with operands from x1, x2, x3 (and x4 as FCCMP's condition)
// into x0. With `crowded`, values stay live across it (x5..x12 as GPR values,
// v1..v6 as vector values) and the op runs twice with swapped operands, so
// that the out-of-line reference calls must preserve registers.
Block fp_block(Opcode op, Type type, unsigned operands, uint64_t imm0, uint64_t imm1, bool crowded) {
    Block b;
    b.pc = 0x1000;
    b.end_pc = 0x1004;
    b.guest_instructions = 1;
    Builder ir(b);
    ir.exit(kExitPc);
    std::vector<Value> live_x, live_v;
    if (crowded) {
        for (unsigned r = 5; r <= 12; ++r) live_x.push_back(ir.get_x(r));
        for (unsigned r = 1; r <= 6; ++r) live_v.push_back(ir.get_v(r));
    }
    const Value a = ir.get_x(1), bv = ir.get_x(2), c = ir.get_x(3);
    const Value cond = op == Opcode::FPCondCompare ? ir.emit(Opcode::IsZero, Type::U1, ir.get_x(4)) : Value{};
    const auto run = [&](Value x, Value y) {
        const Value third = op == Opcode::FPCondCompare ? cond : c;
        const Value r = ir.emit(op, type, x, operands > 1 ? y : Value{}, operands > 2 ? third : Value{}, imm0, imm1);
        return type == Type::U64 ? r : ir.zext(Type::U64, r);
    };
    ir.set_x(0, run(a, bv));
    if (crowded) {
        ir.set_x(13, run(bv, a));
        for (size_t i = 0; i < live_x.size(); ++i) ir.set_x(static_cast<unsigned>(20 + i), live_x[i]);
        for (size_t i = 0; i < live_v.size(); ++i) ir.set_v(static_cast<unsigned>(20 + i), live_v[i]);
    }
    EXPECT_EQ(verify(b), "") << to_string(b);
    return b;
}

struct OpCase {
    const char* name;
    Opcode op;
    Type type;
    unsigned operands;
    uint64_t imm1;
    bool int_operands = false;
};

uint64_t fixed(unsigned int_bits, bool is_unsigned, FPRounding r) {
    return int_bits | (uint64_t{is_unsigned} << 7) | (uint64_t{static_cast<uint8_t>(r)} << 8);
}

std::vector<OpCase> fp_cases() {
    std::vector<OpCase> cases = {
        {"FPAdd", Opcode::FPAdd, Type::U64, 2, 0},         {"FPSub", Opcode::FPSub, Type::U64, 2, 0},
        {"FPMul", Opcode::FPMul, Type::U64, 2, 0},         {"FPMulX", Opcode::FPMulX, Type::U64, 2, 0},
        {"FPDiv", Opcode::FPDiv, Type::U64, 2, 0},         {"FPSqrt", Opcode::FPSqrt, Type::U64, 1, 0},
        {"FPMulAdd", Opcode::FPMulAdd, Type::U64, 3, 0},   {"FPMax", Opcode::FPMax, Type::U64, 2, 0},
        {"FPMin", Opcode::FPMin, Type::U64, 2, 0},         {"FPMaxNum", Opcode::FPMaxNum, Type::U64, 2, 0},
        {"FPMinNum", Opcode::FPMinNum, Type::U64, 2, 0},   {"FPCompare", Opcode::FPCompare, Type::U32, 2, 0},
        {"FPCompareE", Opcode::FPCompare, Type::U32, 2, 1},
        {"FPCondCompare", Opcode::FPCondCompare, Type::U32, 3, 0x50},
        {"FPCondCompareE", Opcode::FPCondCompare, Type::U32, 3, 0xa1},
    };
    for (uint64_t r : {0, 1, 2, 3, 4, 7}) {
        cases.push_back({"FPRoundInt", Opcode::FPRoundInt, Type::U64, 1, r});
        cases.push_back({"FPRoundIntExact", Opcode::FPRoundInt, Type::U64, 1, r | 16});
    }
    for (unsigned int_bits : {32u, 64u})
        for (bool u : {false, true}) {
            for (FPRounding r : {FPRounding::TieEven, FPRounding::PosInf, FPRounding::NegInf, FPRounding::Zero,
                                 FPRounding::TieAway, FPRounding::Fpcr})
                cases.push_back({"FPToFixed", Opcode::FPToFixed, Type::U64, 1, fixed(int_bits, u, r)});
            cases.push_back({"FixedToFP", Opcode::FixedToFP, Type::U64, 1, fixed(int_bits, u, FPRounding::Fpcr), true});
        }
    cases.push_back({"FPToFixed fbits", Opcode::FPToFixed, Type::U64, 1, fixed(32, false, FPRounding::Zero) | (5 << 12)});
    return cases;
}

class X64Fp : public ::testing::TestWithParam<bool> {};

void check_case(Backend& backend, const OpCase& k, unsigned bits, bool crowded, Rng& rng, int iterations) {
    const Block b = fp_block(k.op, k.type, k.operands, bits, k.imm1, crowded);
    const void* code = backend.compile(b);
    for (int i = 0; i < iterations; ++i) {
        CpuState ref = random_state(rng, bits, k.int_operands);
        CpuState jit = ref;
        interp::run_block(b, ref);
        backend.run(jit, code);
        const std::string d = diff_states(jit, ref);
        if (!d.empty()) {
            ADD_FAILURE() << k.name << " imm1=" << k.imm1 << " size " << bits << (crowded ? " crowded" : "")
                          << " fpcr=" << std::hex << jit.fpcr << " x1=" << jit.x[1] << " x2=" << jit.x[2]
                          << " x3=" << jit.x[3] << "\n"
                          << d;
            return;
        }
    }
}

TEST_P(X64Fp, InlineOpsMatchTheInterpreter) {
    Backend backend(BackendOptions{.baseline_x86_64 = GetParam()});
    Rng rng;
    for (const OpCase& k : fp_cases())
        for (unsigned bits : {32u, 64u})
            for (bool crowded : {false, true}) check_case(backend, k, bits, crowded, rng, crowded ? 300 : 3000);
}

TEST_P(X64Fp, ConvertBetweenSingleAndDouble) {
    Backend backend(BackendOptions{.baseline_x86_64 = GetParam()});
    Rng rng;
    for (unsigned from : {32u, 64u}) {
        const unsigned to = 96 - from;
        for (bool crowded : {false, true})
            check_case(backend, {"FPConvert", Opcode::FPConvert, Type::U64, 1, to}, from, crowded, rng, 3000);
    }
}

// A write of FPCR inside a block changes the rounding of the ops after it,
// and a write of FPSR clears the flags the ops after it see.
TEST_P(X64Fp, FpcrAndFpsrWritesTakeEffectAtOnce) {
    Backend backend(BackendOptions{.baseline_x86_64 = GetParam()});
    Rng rng;
    for (unsigned bits : {32u, 64u}) {
        Block b;
        b.pc = 0x1000;
        b.end_pc = 0x1004;
        b.guest_instructions = 1;
        Builder ir(b);
        ir.exit(kExitPc);
        const Value x = ir.get_x(1), y = ir.get_x(2);
        ir.set_x(0, ir.emit(Opcode::FPAdd, Type::U64, x, y, {}, bits));
        ir.emit(Opcode::SetFPCR, Type::Void, ir.trunc(Type::U32, ir.get_x(5)));
        ir.emit(Opcode::SetFPSR, Type::Void, ir.imm(Type::U32, 0));
        ir.set_x(3, ir.emit(Opcode::FPDiv, Type::U64, x, y, {}, bits));
        ir.set_x(4, ir.emit(Opcode::FPSqrt, Type::U64, y, {}, {}, bits));
        ASSERT_EQ(verify(b), "");
        const void* code = backend.compile(b);
        for (int i = 0; i < 3000; ++i) {
            CpuState ref = random_state(rng, bits, false);
            ref.x[5] = static_cast<uint32_t>(rng.below(4) << 22) | (rng.below(4) == 0 ? 3u << 24 : 0);
            CpuState jit = ref;
            interp::run_block(b, ref);
            backend.run(jit, code);
            const std::string d = diff_states(jit, ref);
            ASSERT_TRUE(d.empty()) << d;
        }
    }
}

// Random chains of FP ops, each reading earlier results (through their XMM
// shadows in the JIT), mixed sizes, with vector values competing for the
// XMM registers and host calls (FRECPE) in between.
TEST_P(X64Fp, ChainsOfOpsMatchTheInterpreter) {
    Backend backend(BackendOptions{.baseline_x86_64 = GetParam()});
    Rng rng;
    struct Op {
        Opcode op;
        unsigned operands;
        uint64_t imm1 = 0;
    };
    const Op ops[] = {{Opcode::FPAdd, 2},     {Opcode::FPSub, 2},      {Opcode::FPMul, 2},
                      {Opcode::FPDiv, 2},     {Opcode::FPMulAdd, 3},   {Opcode::FPSqrt, 1},
                      {Opcode::FPMaxNum, 2},  {Opcode::FPMin, 2},      {Opcode::FPRoundInt, 1, 3},
                      {Opcode::FPRoundInt, 1, 7 | 16},                 {Opcode::FPConvert, 1},
                      {Opcode::FPCompare, 2}, {Opcode::FPToFixed, 1, fixed(64, false, FPRounding::Zero)},
                      {Opcode::FixedToFP, 1, fixed(64, false, FPRounding::Fpcr)},
                      {Opcode::FPRecipEstimate, 1}};
    for (int round = 0; round < 1000; ++round) {
        Block b;
        b.pc = 0x1000;
        b.end_pc = 0x1004;
        b.guest_instructions = 1;
        Builder ir(b);
        ir.exit(kExitPc);
        std::vector<Value> pool;
        for (unsigned r = 1; r <= 6; ++r) pool.push_back(ir.get_x(r));
        std::vector<Value> vectors;
        for (unsigned r = 1; r <= 8; ++r) vectors.push_back(ir.get_v(r));
        const auto pick = [&] { return pool[pool.size() - 1 - rng.below(std::min<size_t>(pool.size(), 5))]; };
        for (unsigned i = 0; i < 14; ++i) {
            const Op& k = ops[rng.below(std::size(ops))];
            const unsigned bits = rng.below(4) == 0 ? 32 : 64;
            uint64_t imm0 = bits, imm1 = k.imm1;
            if (k.op == Opcode::FPConvert) imm1 = 96 - bits;
            const Value a = pick(), bv = pick(), c = pick();
            Value r = ir.emit(k.op, k.op == Opcode::FPCompare ? Type::U32 : Type::U64, a,
                              k.operands > 1 ? bv : Value{}, k.operands > 2 ? c : Value{}, imm0, imm1);
            if (r.type != Type::U64) r = ir.zext(Type::U64, r);
            pool.push_back(r);
            ir.set_x(10 + i, r);
            if (rng.below(3) == 0) {  // vector work that wants many XMMs
                const Value v = ir.emit(Opcode::VecAdd, Type::U128, vectors[rng.below(8)], vectors[rng.below(8)], {}, 32);
                vectors[rng.below(8)] = v;
            }
            // Lanes in and out, as AdvSIMD FP ops do (the JIT shadows them in XMMs).
            const unsigned esize = rng.below(2) ? 32 : 64, index = static_cast<unsigned>(rng.below(128 / esize));
            if (rng.below(3) == 0)
                pool.push_back(ir.emit(Opcode::VecGetLane, Type::U64, vectors[rng.below(8)], {}, {}, esize, index));
            if (rng.below(3) == 0) {
                Value& v = vectors[rng.below(8)];
                v = ir.emit(Opcode::VecSetLane, Type::U128, v, pick(), {}, esize, index);
            }
            if (rng.below(4) == 0) pool.push_back(ir.emit(Opcode::VecLow64, Type::U64, vectors[rng.below(8)]));
            if (rng.below(4) == 0) vectors[rng.below(8)] = ir.emit(Opcode::VecFromU64, Type::U128, pick());
        }
        for (unsigned r = 0; r < 8; ++r) ir.set_v(r + 1, vectors[r]);
        ASSERT_EQ(verify(b), "") << to_string(b);
        const void* code = backend.compile(b);
        for (int i = 0; i < 100; ++i) {
            CpuState ref = random_state(rng, 64, false);
            if (rng.below(2)) ref.fpsr |= 0x10;  // mostly the fast paths
            CpuState jit = ref;
            interp::run_block(b, ref);
            backend.run(jit, code);
            const std::string d = diff_states(jit, ref);
            ASSERT_TRUE(d.empty()) << to_string(b) << std::hex << "fpcr " << ref.fpcr << "\n" << d;
        }
    }
}

// Results that x86 rounds up to the smallest normal without an underflow,
// where Arm (tininess before rounding) raises UFC; with IXC already set
// (the fast path) and not.
TEST_P(X64Fp, TininessIsDetectedBeforeRounding) {
    Backend backend(BackendOptions{.baseline_x86_64 = GetParam()});
    struct Case {
        Opcode op;
        unsigned bits, operands;
        uint64_t a, b, c, imm1;
    };
    const Case cases[] = {
        {Opcode::FPMulAdd, 32, 3, 0x00800000, 0x80000006, 0x00108001, 0},  // min normal - tiny
        {Opcode::FPMulAdd, 64, 3, 0x0010000000000000, 0x8000000000000001, 0x0000000000000003, 0},
        {Opcode::FPMul, 64, 2, 0x3fefffffffffffff, 0x0010000000000001, 0, 0},
        {Opcode::FPMul, 64, 2, 0x3fefffffffffffff, 0x000fffffffffffff, 0, 0},
        {Opcode::FPMul, 32, 2, 0x3f7fffff, 0x00800001, 0, 0},
        {Opcode::FPDiv, 64, 2, 0x0010000000000000, 0x3ff0000000000001, 0, 0},
        {Opcode::FPDiv, 32, 2, 0x00800000, 0x3f800001, 0, 0},
        {Opcode::FPConvert, 64, 1, 0x380fffffffffffff, 0, 0, 32},
        {Opcode::FPConvert, 64, 1, 0x380ffffff0000000, 0, 0, 32},
    };
    for (const Case& k : cases)
        for (uint32_t rmode = 0; rmode < 4; ++rmode)
            for (uint32_t fpsr : {0u, 0x10u})
                for (bool negate : {false, true}) {
                    const Block b = fp_block(k.op, Type::U64, k.operands, k.bits, k.imm1, false);
                    CpuState ref;
                    ref.x[1] = k.a ^ (negate ? uint64_t{1} << (k.bits - 1) : 0);
                    ref.x[2] = k.b;
                    ref.x[3] = k.c;
                    ref.fpcr = rmode << 22;
                    ref.fpsr = fpsr;
                    CpuState jit = ref;
                    interp::run_block(b, ref);
                    backend.run(jit, backend.compile(b));
                    const std::string d = diff_states(jit, ref);
                    EXPECT_TRUE(d.empty()) << to_string(b) << "rmode " << rmode << " fpsr " << fpsr << "\n" << d;
                }
}

// Translated code runs under the guest's rounding mode; the caller's MXCSR
// comes back unchanged.
TEST(X64FpHost, RunRestoresTheHostMxcsr) {
    Backend backend;
    Block b;
    b.pc = 0x1000;
    b.end_pc = 0x1004;
    b.guest_instructions = 1;
    Builder ir(b);
    ir.exit(kExitPc);
    ir.set_x(0, ir.emit(Opcode::FPDiv, Type::U64, ir.get_x(1), ir.get_x(2), {}, 64));
    const void* code = backend.compile(b);
    CpuState s;
    s.fpcr = 3u << 22;  // RZ
    s.x[1] = 0x3ff0000000000000;  // 1.0 / 3.0
    s.x[2] = 0x4008000000000000;
    uint32_t before = 0, after = 0;
    asm volatile("stmxcsr %0" : "=m"(before));
    backend.run(s, code);
    asm volatile("stmxcsr %0" : "=m"(after));
    EXPECT_EQ(before, after);
    EXPECT_EQ(s.x[0], 0x3fd5555555555555u);  // rounded toward zero
    EXPECT_EQ(s.fpsr, 1u << 4);              // IXC
}

// ---- Vector integer, permute and crypto ops --------------------------------

// A 64-bit half made of bytes that are mostly lane edges (0, 1, 0x7f, 0x80,
// 0xff) or small table indices.
uint64_t vec_half(Rng& rng) {
    if (rng.below(4) == 0) return rng.next();
    uint64_t r = 0;
    for (int i = 0; i < 8; ++i) {
        static constexpr uint8_t kEdges[] = {0, 1, 0x7f, 0x80, 0xff};
        const uint64_t pick = rng.below(8);
        const uint64_t byte = pick < 5 ? kEdges[pick] : pick == 5 ? rng.below(16) : pick == 6 ? rng.below(32) : rng.below(256);
        r |= byte << (8 * i);
    }
    return r;
}

struct VecCase {
    Opcode op;
    unsigned operands;
    uint64_t imm0, imm1;
    Type type = Type::U128;
    bool scalar_operands = false;  // U64 operands from x1, x2 (VecDup, PolyMul64), or x1 as VecSetLane's second
};

// op(v1, v2, v3) into v0 (or x0); with crowded, GPR and vector values live across it.
Block vec_block(const VecCase& k, bool crowded) {
    Block b;
    b.pc = 0x1000;
    b.end_pc = 0x1004;
    b.guest_instructions = 1;
    Builder ir(b);
    ir.exit(kExitPc);
    std::vector<Value> live_x, live_v;
    if (crowded) {
        for (unsigned r = 5; r <= 12; ++r) live_x.push_back(ir.get_x(r));
        for (unsigned r = 4; r <= 17; ++r) live_v.push_back(ir.get_v(r));
    }
    Value args[3];
    for (unsigned i = 0; i < k.operands; ++i) {
        const bool scalar = k.scalar_operands && (k.op != Opcode::VecSetLane || i == 1);
        args[i] = scalar ? ir.get_x(1 + i) : ir.get_v(1 + i);
    }
    const Value r = ir.emit(k.op, k.type, args[0], args[1], args[2], k.imm0, k.imm1);
    if (k.type == Type::U128) ir.set_v(0, r);
    else ir.set_x(0, r);
    for (size_t i = 0; i < live_x.size(); ++i) ir.set_x(static_cast<unsigned>(20 + i), live_x[i]);
    for (size_t i = 0; i < live_v.size(); ++i) ir.set_v(static_cast<unsigned>(18 + i), live_v[i]);
    EXPECT_EQ(verify(b), "") << to_string(b);
    return b;
}

std::vector<VecCase> vec_cases() {
    using ir::VecReduceOp;
    std::vector<VecCase> cases;
    const unsigned sizes[] = {8, 16, 32, 64};
    for (unsigned e : sizes) {
        for (Opcode op : {Opcode::VecAdd, Opcode::VecSub, Opcode::VecMul, Opcode::VecCmpEq, Opcode::VecCmpGtS,
                          Opcode::VecCmpGeS, Opcode::VecCmpGtU, Opcode::VecCmpGeU, Opcode::VecCmpTst, Opcode::VecMaxU,
                          Opcode::VecMinU, Opcode::VecMaxS, Opcode::VecMinS})
            cases.push_back({op, 2, e, 0});
        cases.push_back({Opcode::VecNeg, 1, e, 0});
        cases.push_back({Opcode::VecAbs, 1, e, 0});
        for (uint64_t n : {0u, 1u, e / 2 + 1, e - 1, e})
            for (Opcode op : {Opcode::VecShlImm, Opcode::VecLsrImm, Opcode::VecAsrImm}) cases.push_back({op, 1, e, n});
        cases.push_back({Opcode::VecDup, 1, e, 0, Type::U128, true});
        for (uint64_t i = 0; i < 128 / e; ++i) {
            cases.push_back({Opcode::VecGetLane, 1, e, i, Type::U64});
            cases.push_back({Opcode::VecSetLane, 2, e, i, Type::U128, true});
        }
        for (uint64_t part : {0, 1})
            for (Opcode op : {Opcode::VecZip, Opcode::VecUzp, Opcode::VecTrn}) cases.push_back({op, 2, e, part});
        for (unsigned container : {16u, 32u, 64u})
            if (e < container) cases.push_back({Opcode::VecRev, 1, e, container});
        if (e > 8) cases.push_back({Opcode::VecExtendLow, 1, e, 0}), cases.push_back({Opcode::VecExtendLow, 1, e, 1});
        for (VecReduceOp op : {VecReduceOp::Add, VecReduceOp::MaxU, VecReduceOp::MinU, VecReduceOp::MaxS,
                               VecReduceOp::MinS, VecReduceOp::AddLongU}) {
            cases.push_back({Opcode::VecPairwise, 2, e, static_cast<uint64_t>(op)});
            if (e < 64)
                for (unsigned count : {64 / e, 128 / e})
                    if (count >= 2) cases.push_back({Opcode::VecReduce, 1, e, static_cast<uint64_t>(op) | count << 8, Type::U64});
        }
        if (e < 64)
            for (uint64_t shift : {0u, 1u, e / 2, e})
                for (uint64_t round : {0, 1})
                    if (shift > 0 || round == 0) cases.push_back({Opcode::VecShrNarrow, 1, e, shift | round << 8});
        for (uint64_t flags : {0, 1, 8, 9, 16, 17})
            cases.push_back({Opcode::VecSatAdd, 2, e, flags});
    }
    for (uint64_t pos = 0; pos < 16; ++pos) cases.push_back({Opcode::VecExt, 2, 8, pos});
    cases.push_back({Opcode::VecBsl, 3, 0, 0});
    cases.push_back({Opcode::VecTableLookup, 3, 8, 0});
    cases.push_back({Opcode::VecCnt, 1, 8, 0});
    cases.push_back({Opcode::AESRound, 1, 0, 0});
    cases.push_back({Opcode::AESRound, 1, 1, 0});
    cases.push_back({Opcode::AESMixColumns, 1, 0, 0});
    cases.push_back({Opcode::AESMixColumns, 1, 1, 0});
    cases.push_back({Opcode::PolyMul64, 2, 0, 0, Type::U128, true});
    return cases;
}

TEST_P(X64Fp, VectorOpsMatchTheInterpreter) {
    Backend backend(BackendOptions{.baseline_x86_64 = GetParam()});
    Rng rng;
    for (const VecCase& k : vec_cases())
        for (bool crowded : {false, true}) {
            const Block b = vec_block(k, crowded);
            const void* code = backend.compile(b);
            for (int i = 0; i < 200; ++i) {
                CpuState ref = random_state(rng, 64, true);
                for (auto& v : ref.v) v = {vec_half(rng), vec_half(rng)};
                CpuState jit = ref;
                interp::run_block(b, ref);
                backend.run(jit, code);
                const std::string d = diff_states(jit, ref);
                if (!d.empty()) {
                    ADD_FAILURE() << to_string(b) << (crowded ? "crowded\n" : "") << std::hex << "v1=" << jit.v[1].hi
                                  << ":" << jit.v[1].lo << " v2=" << jit.v[2].hi << ":" << jit.v[2].lo << "\n"
                                  << d;
                    break;
                }
            }
        }
}

// AESE + AESMC and AESD + AESIMC as the translator emits them (key XOR,
// round, mix columns), which the JIT fuses into aesenc/aesdec, and a round
// whose value is also used elsewhere, which it must not fuse.
TEST_P(X64Fp, AesRoundsMatchTheInterpreter) {
    Backend backend(BackendOptions{.baseline_x86_64 = GetParam()});
    Rng rng;
    for (uint64_t decrypt : {0, 1})
        for (bool shared : {false, true}) {
            Block b;
            b.pc = 0x1000;
            b.end_pc = 0x1004;
            b.guest_instructions = 1;
            Builder ir(b);
            ir.exit(kExitPc);
            Value state = ir.get_v(0);
            for (unsigned r = 1; r <= 4; ++r) {
                const Value keyed = ir.emit(Opcode::VecXor, Type::U128, state, ir.get_v(r));
                const Value round = ir.emit(Opcode::AESRound, Type::U128, keyed, {}, {}, decrypt);
                state = ir.emit(Opcode::AESMixColumns, Type::U128, round, {}, {}, decrypt);
                if (shared) ir.set_v(10 + r, round);
            }
            ir.set_v(0, state);
            ASSERT_EQ(verify(b), "");
            const void* code = backend.compile(b);
            for (int i = 0; i < 200; ++i) {
                CpuState ref = random_state(rng, 64, true);
                CpuState jit = ref;
                interp::run_block(b, ref);
                backend.run(jit, code);
                const std::string d = diff_states(jit, ref);
                ASSERT_TRUE(d.empty()) << to_string(b) << d;
            }
        }
}

INSTANTIATE_TEST_SUITE_P(Host, X64Fp, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "Baseline" : "HostFeatures"; });

}  // namespace
}  // namespace ferry::x64
