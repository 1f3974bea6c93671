// The IR passes: each keeps guest-visible behaviour and removes what it promises.
#include <gtest/gtest.h>

#include "backend/interp/interpreter.h"
#include "core/engine.h"
#include "ir/builder.h"
#include "ir/passes/passes.h"

namespace ferry::ir {
namespace {

unsigned live(const Block& b, Opcode op) {
    unsigned n = 0;
    for (const Inst& i : b.insts) n += !i.removed && i.op == op;
    return n;
}

TEST(IrPasses, GetAfterSetUsesTheStoredValue) {
    Block b;
    Builder ir(b);
    ir.set_x(1, ir.add(ir.get_x(2), ir.imm64(5)));
    ir.set_x(3, ir.get_x(1));
    ir.jump(0);
    passes::get_set_elimination(b);
    EXPECT_EQ(live(b, Opcode::GetX), 1u);  // only x2 is read from state
    EXPECT_EQ(verify(b), "");
}

TEST(IrPasses, OverwrittenSetIsDroppedButNotAcrossAFault) {
    Block b;
    Builder ir(b);
    ir.set_x(0, ir.imm64(1));
    ir.set_x(0, ir.imm64(2));            // makes the first store dead
    ir.load(Type::U64, ir.imm64(0x1000), 0x40);  // may fault: x0 = 2 must be visible
    ir.set_x(0, ir.imm64(3));
    ir.jump(0);
    passes::get_set_elimination(b);
    EXPECT_EQ(live(b, Opcode::SetX), 2u);
    EXPECT_TRUE(b.insts[1].removed);
    EXPECT_EQ(verify(b), "");
}

TEST(IrPasses, ConstantFoldingEvaluatesWithTheReferenceSemantics) {
    Block b;
    Builder ir(b);
    const Value v = ir.sub(ir.imm32(3), ir.imm32(5));  // 32-bit wrap
    ir.set_x(0, ir.zext(Type::U64, v));
    ir.jump(0);
    passes::constant_folding(b);
    passes::dead_code_elimination(b);
    ASSERT_EQ(live(b, Opcode::Sub), 0u);
    const Inst& set = b.insts.back();
    ASSERT_EQ(set.op, Opcode::SetX);
    EXPECT_EQ(b.at(set.args[0]).op, Opcode::Const);
    EXPECT_EQ(b.at(set.args[0]).imm0, 0xfffffffeull);
}

TEST(IrPasses, ConstantFoldingRemovesIdentities) {
    Block b;
    Builder ir(b);
    const Value x = ir.get_x(1);
    ir.set_x(0, ir.or_(ir.add(x, ir.imm64(0)), ir.imm64(0)));
    ir.jump(0);
    passes::constant_folding(b);
    passes::dead_code_elimination(b);
    EXPECT_EQ(live(b, Opcode::Add) + live(b, Opcode::Or), 0u);
    EXPECT_EQ(b.insts.back().args[0], x.id);
}

TEST(IrPasses, DeadFlagsAreRemovedWithTheirComputation) {
    Block b;
    Builder ir(b);
    const Value a = ir.get_x(1), c = ir.get_x(2);
    ir.set_nzcv(ir.nzcv_sub(a, c, ir.imm1(true)));   // CMP x1, x2 ...
    ir.set_nzcv(ir.nzcv_add(a, c, ir.imm1(false)));  // ... overwritten by CMN x1, x2
    ir.branch(ir.cond_holds(0, ir.get_nzcv()), 0x10, 0x20);
    optimize(b);
    EXPECT_EQ(live(b, Opcode::SetNZCV), 1u);
    EXPECT_EQ(live(b, Opcode::NZCVSub), 0u);
    EXPECT_EQ(live(b, Opcode::NZCVAdd), 1u);
    EXPECT_EQ(verify(b), "");
}

// ADDS w2, w2, #1 then B.<cond>: EQ, NE, MI and PL test the sum the block
// computes anyway; the other conditions still compare (they read C or V).
// Either way the optimised block branches as the unoptimised one.
TEST(IrPasses, AddsConditionOnNAndZTestsTheSum) {
    for (unsigned cond = 0; cond < 14; ++cond) {
        Block b;
        Builder ir(b);
        const Value a = ir.trunc(Type::U32, ir.get_x(2));
        const Value one = ir.imm32(1);
        ir.set_nzcv(ir.nzcv_add(a, one, ir.imm1(false)));
        const Value sum = ir.add(a, ir.imm32(1));
        ir.set_x(2, ir.zext(Type::U64, sum));
        ir.branch(ir.cond_holds(cond, ir.get_nzcv()), 0x10, 0x20);
        Block optimised = b;
        optimize(optimised);
        const Inst& condition = optimised.at(optimised.terminal.value);
        ASSERT_EQ(condition.op, Opcode::CondCompare);
        const bool tests_sum = condition.args[0] == sum.id;
        EXPECT_EQ(tests_sum, cond < 2 || cond == 4 || cond == 5) << "cond " << cond;
        if (tests_sum) {
            EXPECT_EQ(condition.imm1 & 0xff, static_cast<uint64_t>(CompareKind::Logic));
        }
        for (uint64_t x2 : {0x0ull, 0xffffffffull, 0x7fffffffull, 0x123456789ull, 0xfffffffeull}) {
            CpuState before, after;
            before.x[2] = after.x[2] = x2;
            interp::run_block(b, before);
            interp::run_block(optimised, after);
            EXPECT_EQ(after.pc, before.pc) << "cond " << cond << " x2 " << x2;
            EXPECT_EQ(after.nzcv, before.nzcv);
        }
    }
}

TEST(IrPasses, FlagsStayWhenAFaultCanObserveThem) {
    Block b;
    Builder ir(b);
    ir.set_nzcv(ir.nzcv_logic(ir.get_x(1)));
    ir.store(ir.get_x(3), ir.get_x(4), 0x40);
    ir.set_nzcv(ir.nzcv_logic(ir.get_x(2)));
    ir.jump(0);
    optimize(b);
    EXPECT_EQ(live(b, Opcode::SetNZCV), 2u);
}

TEST(IrPasses, DeadCodeKeepsEffectsAndDropsUnusedReads) {
    Block b;
    Builder ir(b);
    ir.get_x(5);                                   // unused read
    ir.mul(ir.get_x(6), ir.get_x(7));              // unused arithmetic
    ir.store(ir.imm64(0x100), ir.imm64(1), 0x40);  // effect
    ir.jump(0);
    passes::dead_code_elimination(b);
    EXPECT_EQ(live(b, Opcode::GetX), 0u);
    EXPECT_EQ(live(b, Opcode::Mul), 0u);
    EXPECT_EQ(live(b, Opcode::Store), 1u);
}

TEST(IrVerify, RejectsMismatchedTypes) {
    Block b;
    Builder ir(b);
    ir.emit(Opcode::Add, Type::U64, ir.imm64(1), ir.imm32(2));
    ir.jump(0);
    EXPECT_NE(verify(b), "");
}

}  // namespace
}  // namespace ferry::ir
