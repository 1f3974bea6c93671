#include "ir/passes/passes.h"

namespace ferry::ir::passes {

namespace {
bool is_const(const Block& b, ValueId v, uint64_t value) {
    return b.at(v).op == Opcode::Const && b.at(v).imm0 == value;
}
}  // namespace

void flag_fusion(Block& block) {
    for (Inst& inst : block.insts) {
        if (inst.removed || inst.op != Opcode::CondHolds) continue;
        const Inst& flags = block.at(inst.args[0]);
        ValueId a = kNoValue, b = kNoValue;
        CompareKind kind;
        if (flags.op == Opcode::NZCVSub && is_const(block, flags.args[2], 1)) {
            a = flags.args[0], b = flags.args[1], kind = CompareKind::Sub;
        } else if (flags.op == Opcode::NZCVAdd && is_const(block, flags.args[2], 0)) {
            a = flags.args[0], b = flags.args[1], kind = CompareKind::Add;
        } else if (flags.op == Opcode::NZCVLogic) {
            a = b = flags.args[0], kind = CompareKind::Logic;
        } else {
            continue;
        }
        inst.op = Opcode::CondCompare;
        inst.args = {a, b, kNoValue};
        inst.imm1 = static_cast<uint64_t>(kind) | uint64_t{bit_width(block.at(a).type)} << 8;
    }
}

}  // namespace ferry::ir::passes
