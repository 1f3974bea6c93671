#include "ir/passes/passes.h"

namespace ferry::ir::passes {

namespace {
bool is_const(const Block& b, ValueId v, uint64_t value) {
    return b.at(v).op == Opcode::Const && b.at(v).imm0 == value;
}

bool same_value(const Block& b, ValueId x, ValueId y) {
    if (x == y) return true;
    const Inst &p = b.at(x), &q = b.at(y);
    return p.op == Opcode::Const && q.op == Opcode::Const && p.type == q.type && p.imm0 == q.imm0;
}

// The Add(a, b) that ADDS computes next to its flags (between them and the
// condition at `use`), if any.
ValueId sum_of(const Block& b, ValueId a, ValueId addend, ValueId flags, ValueId use) {
    for (ValueId v = flags + 1; v < use; ++v) {
        const Inst& inst = b.at(v);
        if (inst.removed || inst.op != Opcode::Add || inst.type != b.at(a).type) continue;
        if ((same_value(b, inst.args[0], a) && same_value(b, inst.args[1], addend)) ||
            (same_value(b, inst.args[0], addend) && same_value(b, inst.args[1], a)))
            return v;
    }
    return kNoValue;
}

// EQ, NE, MI and PL read only N and Z, which the sum itself gives.
bool reads_only_n_z(uint64_t cond) {
    const uint64_t pair = (cond & 0xf) >> 1;
    return pair == 0 || pair == 2;
}
}  // namespace

void flag_fusion(Block& block) {
    for (ValueId id = 0; id < block.insts.size(); ++id) {
        Inst& inst = block.at(id);
        if (inst.removed || inst.op != Opcode::CondHolds) continue;
        const Inst& flags = block.at(inst.args[0]);
        ValueId a = kNoValue, b = kNoValue;
        CompareKind kind;
        if (flags.op == Opcode::NZCVSub && is_const(block, flags.args[2], 1)) {
            a = flags.args[0], b = flags.args[1], kind = CompareKind::Sub;
        } else if (flags.op == Opcode::NZCVAdd && is_const(block, flags.args[2], 0)) {
            a = flags.args[0], b = flags.args[1], kind = CompareKind::Add;
            // Testing the sum the block computes anyway beats adding again.
            const ValueId sum = reads_only_n_z(inst.imm0) ? sum_of(block, a, b, inst.args[0], id) : kNoValue;
            if (sum != kNoValue) a = b = sum, kind = CompareKind::Logic;
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
