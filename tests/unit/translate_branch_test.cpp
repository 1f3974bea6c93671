// Branch translators: targets, conditions, link values and terminal hints.
// Instruction words were checked with aarch64-linux-gnu-as and objdump.
#include <gtest/gtest.h>

#include <cstdint>

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

constexpr uint64_t kPc = 0x10000;

CpuState run(uint32_t word, CpuState s = test::make_state()) {
    s = test::run_verified(word, s, kPc);
    EXPECT_EQ(s.exit_reason, ExitReason::None);
    return s;
}

CpuState with_x(unsigned r, uint64_t value) {
    CpuState s = test::make_state();
    s.x[r] = value;
    return s;
}

CpuState with_nzcv(uint32_t nzcv) {
    CpuState s = test::make_state();
    s.nzcv = nzcv;
    return s;
}

TEST(BranchImmediate, TargetsAndLink) {
    EXPECT_EQ(run(0x14000040u /* b .+0x100 */).pc, kPc + 0x100);
    EXPECT_EQ(run(0x17fffffeu /* b .-8 */).pc, kPc - 8);
    EXPECT_EQ(run(0x15ffffffu /* b .+0x7fffffc */).pc, kPc + 0x7fffffc);
    EXPECT_EQ(run(0x16000000u /* b .-0x8000000 */).pc, kPc - 0x8000000);
    const CpuState s = run(0x94000010u /* bl .+0x40 */);
    EXPECT_EQ(s.pc, kPc + 0x40);
    EXPECT_EQ(s.x[30], kPc + 4);
    EXPECT_EQ(run(0x97ffffffu /* bl .-4 */).x[30], kPc + 4);
}

TEST(BranchConditional, EveryCondition) {
    const uint32_t b_eq = 0x54000040u /* b.eq .+8 */;
    for (const ConditionCase& c : kConditions) {
        SCOPED_TRACE(c.cond);
        EXPECT_EQ(run(b_eq | c.cond, with_nzcv(c.holds)).pc, kPc + 8);
        if (c.fails) {
            EXPECT_EQ(run(b_eq | c.cond, with_nzcv(*c.fails)).pc, kPc + 4);
        }
    }
    EXPECT_EQ(run(0x5400004fu /* b.nv .+8 */, with_nzcv(N | Z | C | V)).pc, kPc + 8);
    EXPECT_EQ(run(0x54800000u /* b.eq .-0x100000 */, with_nzcv(Z)).pc, kPc - 0x100000);
    EXPECT_EQ(run(0x547fffe1u /* b.ne .+0xffffc */, with_nzcv(0)).pc, kPc + 0xffffc);
}

TEST(BranchCompare, CbzCbnz) {
    const uint32_t cbz_x = 0xb4000061u /* cbz x1, .+12 */, cbz_w = 0x34000061u /* cbz w1, .+12 */;
    const uint32_t cbnz_x = 0xb5000061u /* cbnz x1, .+12 */, cbnz_w = 0x35000061u /* cbnz w1, .+12 */;
    EXPECT_EQ(run(cbz_x, with_x(1, 0)).pc, kPc + 12);
    EXPECT_EQ(run(cbz_x, with_x(1, 0x100000000)).pc, kPc + 4);
    EXPECT_EQ(run(cbz_w, with_x(1, 0x100000000)).pc, kPc + 12);
    EXPECT_EQ(run(cbz_w, with_x(1, 1)).pc, kPc + 4);
    EXPECT_EQ(run(cbnz_x, with_x(1, 0x100000000)).pc, kPc + 12);
    EXPECT_EQ(run(cbnz_x, with_x(1, 0)).pc, kPc + 4);
    EXPECT_EQ(run(cbnz_w, with_x(1, 0x100000000)).pc, kPc + 4);
    EXPECT_EQ(run(cbnz_w, with_x(1, 0x80000000)).pc, kPc + 12);
    EXPECT_EQ(run(0xb4ffffe1u /* cbz x1, .-4 */, with_x(1, 0)).pc, kPc - 4);
    EXPECT_EQ(run(0xb4ffffffu /* cbz xzr, .-4 */).pc, kPc - 4);
}

TEST(BranchTestBit, TbzTbnz) {
    const uint32_t tbz_63 = 0xb6f80061u /* tbz x1, #63, .+12 */, tbnz_63 = 0xb7f80061u /* tbnz x1, #63, .+12 */;
    const uint32_t tbz_32 = 0xb6000061u /* tbz x1, #32, .+12 */, tbnz_0 = 0x37000061u /* tbnz w1, #0, .+12 */;
    EXPECT_EQ(run(tbz_63, with_x(1, 0x7fffffffffffffff)).pc, kPc + 12);
    EXPECT_EQ(run(tbz_63, with_x(1, 0x8000000000000000)).pc, kPc + 4);
    EXPECT_EQ(run(tbnz_63, with_x(1, 0x8000000000000000)).pc, kPc + 12);
    EXPECT_EQ(run(tbnz_63, with_x(1, 0x7fffffffffffffff)).pc, kPc + 4);
    EXPECT_EQ(run(tbz_32, with_x(1, 0xffffffff)).pc, kPc + 12);
    EXPECT_EQ(run(tbz_32, with_x(1, 0x100000000)).pc, kPc + 4);
    EXPECT_EQ(run(tbnz_0, with_x(1, 1)).pc, kPc + 12);
    EXPECT_EQ(run(tbnz_0, with_x(1, 2)).pc, kPc + 4);
    EXPECT_EQ(run(0x361fffc1u /* tbz w1, #3, .-8 */, with_x(1, 0)).pc, kPc - 8);
    EXPECT_EQ(run(0x3607ffc1u /* tbz w1, #0, .-8 */, with_x(1, 0)).pc, kPc - 8);
}

TEST(BranchRegister, TargetsLinksAndHints) {
    CpuState s = run(0xd61f0020u /* br x1 */, with_x(1, 0x40000));
    EXPECT_EQ(s.pc, 0x40000u);
    EXPECT_EQ(s.x[30], 0u);

    s = run(0xd63f0020u /* blr x1 */, with_x(1, 0x40000));
    EXPECT_EQ(s.pc, 0x40000u);
    EXPECT_EQ(s.x[30], kPc + 4);

    // BLR X30 jumps to the old X30 and then links.
    s = run(0xd63f03c0u /* blr x30 */, with_x(30, 0x50000));
    EXPECT_EQ(s.pc, 0x50000u);
    EXPECT_EQ(s.x[30], kPc + 4);

    EXPECT_EQ(run(0xd65f03c0u /* ret */, with_x(30, 0x60000)).pc, 0x60000u);
    EXPECT_EQ(run(0xd65f0020u /* ret x1 */, with_x(1, 0x70000)).pc, 0x70000u);

    using Hint = ir::Terminal::Hint;
    const ir::Block br = a64::translate_one(kPc, 0xd61f0020u /* br x1 */);
    EXPECT_EQ(br.terminal.kind, ir::Terminal::Kind::Indirect);
    EXPECT_EQ(br.terminal.hint, Hint::None);
    const ir::Block blr = a64::translate_one(kPc, 0xd63f0020u /* blr x1 */);
    EXPECT_EQ(blr.terminal.hint, Hint::Call);
    EXPECT_EQ(blr.terminal.return_address, kPc + 4);
    EXPECT_EQ(a64::translate_one(kPc, 0xd65f03c0u /* ret */).terminal.hint, Hint::Return);
}

TEST(BranchRegister, UnavailableFormsAreUndefined) {
    for (uint32_t word : {
             0xd69f03e0u,  // eret
             0xd6bf03e0u,  // drps
             0xd71f0822u,  // braa x1, x2
             0xd61f083fu,  // braaz x1
             0xd63f083fu,  // blraaz x1
             0xd65f0bffu,  // retaa
             0xd61f0021u,  // br x1 with op4 = 1
             0xd61e0020u,  // br x1 with op2 = 11110
             0xd67f0020u,  // opc = 0011
         }) {
        SCOPED_TRACE(testing::Message() << std::hex << word);
        CpuState s = with_x(1, 0x40000);
        s.pc = kPc;
        interp::run_block(a64::translate_one(kPc, word), s);
        EXPECT_EQ(s.exit_reason, ExitReason::Undefined);
        EXPECT_EQ(s.exit_info, word);
        EXPECT_EQ(s.pc, kPc);
    }
}

TEST(BranchBlock, BranchEndsTheBlock) {
    // b .+8; nop: the block holds only the branch.
    const uint32_t code[] = {0x14000002u /* b .+8 */, 0xd503201fu /* nop */};
    const ir::Block b = a64::translate_block(kPc, [&](uint64_t pc, uint32_t& word) {
        if (pc < kPc || pc >= kPc + sizeof code) return false;
        word = code[(pc - kPc) / 4];
        return true;
    });
    EXPECT_EQ(b.guest_instructions, 1u);
    EXPECT_EQ(b.terminal.kind, ir::Terminal::Kind::Jump);
    EXPECT_EQ(b.terminal.target, kPc + 8);
}

}  // namespace
}  // namespace ferry
