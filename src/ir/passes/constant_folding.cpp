#include <numeric>
#include <vector>

#include "ir/passes/passes.h"
#include "ir/semantics.h"

namespace ferry::ir::passes {

namespace {

bool is_const(const Block& b, ValueId v) { return v != kNoValue && b.at(v).op == Opcode::Const; }
uint64_t const_value(const Block& b, ValueId v) { return b.at(v).imm0; }

// x op c == x for these constants c on the right-hand side.
bool is_right_identity(Opcode op, uint64_t c, Type t) {
    const uint64_t ones = type_mask(static_cast<uint32_t>(t));
    switch (op) {
    case Opcode::Add: case Opcode::Sub: case Opcode::Or: case Opcode::Xor:
    case Opcode::Lsl: case Opcode::Lsr: case Opcode::Asr: case Opcode::Ror:
    case Opcode::AndNot:
        return c == 0;
    case Opcode::And: return c == ones;
    case Opcode::Mul: return c == 1;
    default: return false;
    }
}

bool foldable(const Inst& inst) {
    return (op_info(inst.op).flags & Pure) && inst.op != Opcode::Const && inst.type != Type::U128 &&
           inst.type != Type::Void;
}

}  // namespace

void constant_folding(Block& block) {
    std::vector<ValueId> replacement(block.insts.size());
    std::iota(replacement.begin(), replacement.end(), ValueId{0});
    for (ValueId i = 0; i < block.insts.size(); ++i) {
        Inst& inst = block.insts[i];
        if (inst.removed) continue;
        for (ValueId& arg : inst.args)
            if (arg != kNoValue) arg = replacement[arg];
        if (!foldable(inst)) continue;

        const unsigned n = op_info(inst.op).num_args();
        bool all_const = true;
        for (unsigned a = 0; a < n; ++a) {
            all_const &= is_const(block, inst.args[a]) && block.at(inst.args[a]).type != Type::U128;
        }
        if (all_const) {
            Vec128 args[3] = {};
            for (unsigned a = 0; a < n; ++a) args[a] = scalar(const_value(block, inst.args[a]));
            // Pure reference functions never touch the state.
            const Vec128 r = semantic_fn(inst.op)(nullptr, args, inst.imm0, inst.imm1, static_cast<uint32_t>(inst.type));
            inst.op = Opcode::Const;
            inst.imm0 = r.lo;
            inst.imm1 = 0;
            inst.args = {kNoValue, kNoValue, kNoValue};
            continue;
        }
        if (n == 2 && is_const(block, inst.args[1]) && block.at(inst.args[0]).type == inst.type &&
            is_right_identity(inst.op, const_value(block, inst.args[1]), inst.type)) {
            replacement[i] = inst.args[0];
            inst.removed = true;
        }
    }
    block.terminal.value = block.terminal.value == kNoValue ? kNoValue : replacement[block.terminal.value];
}

}  // namespace ferry::ir::passes
