#include <bit>
#include <numeric>
#include <optional>
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

bool same_operation(const Inst& a, const Inst& b) {
    return a.op == b.op && a.type == b.type && a.args == b.args && a.imm0 == b.imm0 && a.imm1 == b.imm1;
}

uint64_t operation_hash(const Inst& inst) {
    constexpr uint64_t kMix = 0x9E3779B97F4A7C15ull;
    uint64_t h = (static_cast<uint64_t>(inst.op) << 8 | static_cast<uint64_t>(inst.type)) * kMix;
    for (ValueId a : inst.args) h = (h ^ a) * kMix;
    h = (h ^ inst.imm0) * kMix;
    h = (h ^ inst.imm1) * kMix;
    return h ^ (h >> 29);
}

// The first instruction of each distinct pure operation: an open-addressing
// table of value ids (at most half full), keyed by the instructions themselves.
class FirstOccurrence {
public:
    explicit FirstOccurrence(size_t max_entries) : slots_(std::bit_ceil(2 * max_entries + 1), kNoValue) {}

    // The earlier instruction doing what block.at(id) does, else remembers id and returns it.
    ValueId find_or_add(const Block& block, ValueId id) {
        const Inst& inst = block.at(id);
        const size_t mask = slots_.size() - 1;
        for (size_t i = operation_hash(inst) & mask;; i = (i + 1) & mask) {
            if (slots_[i] == kNoValue) return slots_[i] = id;
            if (same_operation(block.at(slots_[i]), inst)) return slots_[i];
        }
    }

private:
    std::vector<ValueId> slots_;
};

}  // namespace

void simplify(Block& block) {
    const ValueId n = static_cast<ValueId>(block.insts.size());
    std::vector<ValueId> replacement(n);
    std::iota(replacement.begin(), replacement.end(), ValueId{0});
    FirstOccurrence seen(n);
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
        if (const ValueId first = seen.find_or_add(block, i); first != i) {
            replacement[i] = first;
            inst.removed = true;
        }
    }
    block.terminal.value = block.terminal.value == kNoValue ? kNoValue : replacement[block.terminal.value];
}

}  // namespace ferry::ir::passes
