// The simplify pass: each rewrite keeps the block's meaning (interpreter on
// the block before and after, many states) and removes what it should.
#include <gtest/gtest.h>

#include <cstring>
#include <functional>
#include <random>

#include "backend/interp/interpreter.h"
#include "ir/builder.h"
#include "ir/passes/passes.h"

namespace ferry::ir {
namespace {

Block make(const std::function<void(Builder&)>& body) {
    Block b;
    b.pc = 0x1000;
    b.end_pc = 0x1004;
    b.guest_instructions = 1;
    Builder ir(b);
    ir.exit(0x2000);
    body(ir);
    return b;
}

unsigned live_count(const Block& b) {
    unsigned n = 0;
    for (const Inst& inst : b.insts) n += !inst.removed && inst.op != Opcode::Const;
    return n;
}

// Simplifies a copy of b, checks it against b on random states, returns it.
Block simplified_equivalent(const Block& b) {
    Block s = b;
    passes::simplify(s);
    passes::dead_code_elimination(s);
    EXPECT_EQ(verify(s), "") << to_string(s);
    std::mt19937_64 rng(7);
    for (int i = 0; i < 500; ++i) {
        CpuState want;
        for (auto& x : want.x) x = (i % 3 == 0) ? rng() & 0xffff : rng();
        CpuState got = want;
        interp::run_block(b, want);
        interp::run_block(s, got);
        EXPECT_EQ(std::memcmp(want.x, got.x, sizeof want.x), 0) << to_string(b) << to_string(s);
        EXPECT_EQ(want.pc, got.pc);
    }
    return s;
}

TEST(IrSimplify, RepeatedPureOperationsShareOneValue) {
    const Block s = simplified_equivalent(make([](Builder& ir) {
        const Value x = ir.get_x(1), y = ir.get_x(4);
        ir.set_x(0, ir.zext(Type::U64, ir.trunc(Type::U32, x)));
        ir.set_x(2, ir.zext(Type::U64, ir.trunc(Type::U32, x)));
        ir.set_x(3, ir.add(y, x));
        ir.set_x(5, ir.add(y, x));
    }));
    // GetX x1, x4; one Trunc, ZeroExt and Add; the four SetX.
    EXPECT_EQ(live_count(s), 9u) << to_string(s);
}

TEST(IrSimplify, ConstantsMoveRightAndIdentitiesFold) {
    Block s = simplified_equivalent(make([](Builder& ir) {
        ir.set_x(0, ir.emit(Opcode::Or, Type::U64, ir.imm64(0), ir.get_x(1)));
        ir.set_x(2, ir.emit(Opcode::And, Type::U64, ir.imm64(0xff), ir.get_x(3)));
    }));
    passes::constant_folding(s);
    passes::dead_code_elimination(s);
    for (const Inst& inst : s.insts) {
        if (!inst.removed) {
            EXPECT_NE(inst.op, Opcode::Or) << to_string(s);
        }
    }
}

TEST(IrSimplify, ExtensionChainsCollapse) {
    const Type types[] = {Type::U8, Type::U16, Type::U32, Type::U64};
    for (Type narrow : types)
        for (Type mid : types)
            for (Type to : types) {
                if (bit_width(mid) <= bit_width(narrow) || mid == Type::U64) continue;
                simplified_equivalent(make([&](Builder& ir) {
                    const Value x = narrow == Type::U64 ? ir.get_x(1) : ir.trunc(narrow, ir.get_x(1));
                    const Value wide = ir.zext(Type::U64, ir.zext(mid, x));
                    const Value back = to == Type::U64 ? wide : ir.trunc(to, wide);
                    ir.set_x(0, to == Type::U64 ? back : ir.zext(Type::U64, ir.trunc(to, back)));
                }));
            }
}

TEST(IrSimplify, NestedMasksKeepTheNarrowerOne) {
    for (uint64_t inner : {0xfffeull, 0xffffull, 0xff0ull})
        for (uint64_t outer : {0xffffull, 0xfffeull, 0xf0full}) {
            const Block s = simplified_equivalent(make([&](Builder& ir) {
                ir.set_x(0, ir.and_(ir.and_(ir.get_x(1), ir.imm64(inner)), ir.imm64(outer)));
            }));
            const bool covers = (inner & outer) == inner || (inner & outer) == outer;
            EXPECT_EQ(live_count(s), covers ? 3u : 4u) << to_string(s);
        }
}

}  // namespace
}  // namespace ferry::ir
