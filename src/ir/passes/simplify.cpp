#include <map>
#include <numeric>
#include <optional>
#include <tuple>
#include <vector>

#include "ir/passes/passes.h"
#include "ir/semantics.h"

namespace ferry::ir::passes {

namespace {

bool is_const(const Block& b, ValueId v) { return v != kNoValue && b.at(v).op == Opcode::Const; }

bool is_commutative(Opcode op) {
    return op == Opcode::Add || op == Opcode::Mul || op == Opcode::And || op == Opcode::Or || op == Opcode::Xor;
}

// Rewrites inst in place into an equal, simpler form; returns the value it
// equals when that is an existing one.
std::optional<ValueId> rewrite(const Block& block, Inst& inst) {
    if (inst.op != Opcode::Trunc && inst.op != Opcode::ZeroExt && inst.op != Opcode::And) return std::nullopt;
    const Inst& src = block.at(inst.args[0]);
    switch (inst.op) {
    case Opcode::Trunc:
    case Opcode::ZeroExt: {
        // Through a ZeroExt or Trunc to the value x below it.
        const bool through = src.op == Opcode::ZeroExt || (inst.op == Opcode::Trunc && src.op == Opcode::Trunc);
        if (!through) return std::nullopt;
        const ValueId x = src.args[0];
        const Type x_type = block.at(x).type;
        if (x_type == inst.type) return x;
        inst.op = bit_width(x_type) > bit_width(inst.type) ? Opcode::Trunc : Opcode::ZeroExt;
        inst.args[0] = x;
        inst.imm0 = bit_width(x_type);
        return std::nullopt;
    }
    case Opcode::And: {
        // And(And(x, c1), c2) when one mask covers the other (UBFIZ, UBFX).
        if (src.op != Opcode::And || !is_const(block, inst.args[1]) || !is_const(block, src.args[1])) return std::nullopt;
        const uint64_t outer = block.at(inst.args[1]).imm0, inner = block.at(src.args[1]).imm0;
        if ((inner & outer) == inner) return inst.args[0];
        if ((inner & outer) == outer) inst.args[0] = src.args[0];
        return std::nullopt;
    }
    default: return std::nullopt;
    }
}

}  // namespace

void simplify(Block& block) {
    const ValueId n = static_cast<ValueId>(block.insts.size());
    std::vector<ValueId> replacement(n);
    std::iota(replacement.begin(), replacement.end(), ValueId{0});
    using Key = std::tuple<Opcode, Type, ValueId, ValueId, ValueId, uint64_t, uint64_t>;
    std::map<Key, ValueId> seen;
    // Same pure operation of the same operands: the first one's value.
    for (ValueId i = 0; i < n; ++i) {
        Inst& inst = block.insts[i];
        if (inst.removed) continue;
        for (ValueId& arg : inst.args)
            if (arg != kNoValue) arg = replacement[arg];
        if (!(op_info(inst.op).flags & Pure) || inst.op == Opcode::Const) continue;
        // Constants on the right, where constant folding's identities and
        // the backend's immediates look for them.
        if (is_commutative(inst.op) && is_const(block, inst.args[0])) std::swap(inst.args[0], inst.args[1]);
        if (const auto same = rewrite(block, inst)) {
            replacement[i] = *same;
            inst.removed = true;
            continue;
        }
        const Key key{inst.op, inst.type, inst.args[0], inst.args[1], inst.args[2], inst.imm0, inst.imm1};
        const auto [it, fresh] = seen.emplace(key, i);
        if (!fresh) {
            replacement[i] = it->second;
            inst.removed = true;
        }
    }
    block.terminal.value = block.terminal.value == kNoValue ? kNoValue : replacement[block.terminal.value];
}

}  // namespace ferry::ir::passes
