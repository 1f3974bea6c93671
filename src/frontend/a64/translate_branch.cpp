// Branches: immediate (B, BL, B.cond, CBZ/CBNZ, TBZ/TBNZ) and register
// (BR, BLR, RET). Each ends the block.
#include "core/cpu_state.h"
#include "frontend/a64/translate_common.h"

namespace ferry::a64 {

using Hint = ir::Terminal::Hint;

namespace {

constexpr unsigned kLinkRegister = 30;

uint64_t branch_target(const Translator& t, uint32_t imm, unsigned bits) {
    return t.pc + (sign_extend(imm, bits) << 2);
}

// Branch to target when cond equals `when`, else fall through.
void branch_when(Translator& t, Value cond, bool when, uint64_t target) {
    if (when) {
        t.branch_if(cond, target);
    } else {
        t.ir.branch(cond, t.next_pc(), target);
        t.block_ended = true;
    }
}

}  // namespace

bool B_uncond(Translator& t, Insn in) {
    if (in["op"]) t.set_X(kLinkRegister, t.ir.imm64(t.next_pc()));  // BL
    t.branch_to(branch_target(t, in["imm26"], 26));
    return true;
}

bool B_cond(Translator& t, Insn in) {
    const uint64_t target = branch_target(t, in["imm19"], 19);
    const unsigned cond = in["cond"];
    if (is_always(cond))
        t.branch_to(target);
    else
        t.branch_if(condition_holds(t, cond), target);
    return true;
}

bool CB(Translator& t, Insn in) {
    const Value is_zero = t.ir.is_zero(t.reg(in["sf"], in["Rt"]));
    const bool branch_if_nonzero = in["op"];
    branch_when(t, is_zero, !branch_if_nonzero, branch_target(t, in["imm19"], 19));
    return true;
}

bool TB(Translator& t, Insn in) {
    const unsigned bit = (in["b5"] << 5) | in["b40"];
    const Value is_set = t.ir.test_bit(t.X(in["Rt"]), bit);
    const bool branch_if_set = in["op"];
    branch_when(t, is_set, branch_if_set, branch_target(t, in["imm14"], 14));
    return true;
}

// BR, BLR and RET; ERET above EL0 in system mode (the run loop performs it).
// DRPS is UNDEF outside Debug state, and the pointer-authenticating forms
// (op3 != 0) are not in ARMv8.0.
bool BRANCH_reg(Translator& t, Insn in) {
    if (in["op2"] != 0b11111 || in["op3"] != 0 || in["op4"] != 0) return false;
    enum { BR, BLR, RET, ERET = 0b0100 };
    const unsigned opc = in["opc"];
    if (opc == ERET && in["Rn"] == 0b11111 && t.system && t.el > 0) {
        t.exit_with(static_cast<uint32_t>(ExitReason::ExceptionReturn), 0, t.pc);
        return true;
    }
    if (opc > RET) return false;
    const Value target = t.X(in["Rn"]);  // read before BLR X30 overwrites the link
    if (opc == BLR) t.set_X(kLinkRegister, t.ir.imm64(t.next_pc()));
    static constexpr Hint kHints[] = {Hint::None, Hint::Call, Hint::Return};
    t.branch_indirect(target, kHints[opc]);
    return true;
}

}  // namespace ferry::a64
