#include <array>
#include <numeric>
#include <optional>
#include <vector>

#include "ir/passes/passes.h"

namespace ferry::ir::passes {

namespace {

// Guest registers that Get/Set ops name, as slots. Dead NZCV stores are
// dead_flag_elimination's business; reads of NZCV are forwarded here.
enum Slot : unsigned { kX0 = 0, kSP = 31, kV0 = 32, kFPCR = 64, kFPSR, kTPIDR, kNZCV, kSlots };

std::optional<unsigned> slot_of(const Inst& inst, bool& is_get) {
    is_get = true;
    switch (inst.op) {
    case Opcode::GetX: return kX0 + inst.imm0;
    case Opcode::GetSP: return kSP;
    case Opcode::GetV: return kV0 + inst.imm0;
    case Opcode::GetFPCR: return kFPCR;
    case Opcode::GetFPSR: return kFPSR;
    case Opcode::GetTPIDR: return kTPIDR;
    case Opcode::GetNZCV: return kNZCV;
    default: break;
    }
    is_get = false;
    switch (inst.op) {
    case Opcode::SetX: return kX0 + inst.imm0;
    case Opcode::SetSP: return kSP;
    case Opcode::SetV: return kV0 + inst.imm0;
    case Opcode::SetFPCR: return kFPCR;
    case Opcode::SetFPSR: return kFPSR;
    case Opcode::SetTPIDR: return kTPIDR;
    case Opcode::SetNZCV: return kNZCV;
    default: return std::nullopt;
    }
}

}  // namespace

void get_set_elimination(Block& block) {
    std::vector<ValueId> replacement(block.insts.size());
    std::iota(replacement.begin(), replacement.end(), ValueId{0});
    std::array<ValueId, kSlots> known;          // current value of the slot, if known
    std::array<ValueId, kSlots> pending_store;  // a Set nothing has observed yet
    known.fill(kNoValue);
    pending_store.fill(kNoValue);

    for (ValueId i = 0; i < block.insts.size(); ++i) {
        Inst& inst = block.insts[i];
        if (inst.removed) continue;
        for (ValueId& arg : inst.args)
            if (arg != kNoValue) arg = replacement[arg];
        bool is_get;
        if (const auto slot = slot_of(inst, is_get)) {
            if (is_get) {
                if (known[*slot] != kNoValue) {
                    replacement[i] = known[*slot];
                    inst.removed = true;
                } else {
                    known[*slot] = i;
                }
                // A read does not observe a pending store in the guest's
                // sense: it now takes the stored value from `known`.
            } else {
                if (*slot != kNZCV) {
                    if (pending_store[*slot] != kNoValue) block.insts[pending_store[*slot]].removed = true;
                    pending_store[*slot] = i;
                }
                known[*slot] = inst.args[0];
            }
            continue;
        }
        const uint8_t flags = op_info(inst.op).flags;
        if (flags & (Faults | Effect)) {
            // The guest (a fault handler, a helper) may look at state here,
            // so every store so far must happen; FP helpers read FPCR and
            // update FPSR behind the IR's back.
            pending_store.fill(kNoValue);
            known[kFPCR] = known[kFPSR] = kNoValue;
        }
    }
    block.terminal.value = block.terminal.value == kNoValue ? kNoValue : replacement[block.terminal.value];
}

}  // namespace ferry::ir::passes
