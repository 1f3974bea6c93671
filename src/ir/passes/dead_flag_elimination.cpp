#include "ir/passes/passes.h"

namespace ferry::ir::passes {

void dead_flag_elimination(Block& block) {
    ValueId unobserved_set = kNoValue;  // a SetNZCV no read or exit has seen yet
    for (ValueId i = 0; i < block.insts.size(); ++i) {
        Inst& inst = block.insts[i];
        if (inst.removed) continue;
        switch (inst.op) {
        case Opcode::SetNZCV:
            if (unobserved_set != kNoValue) block.insts[unobserved_set].removed = true;
            unobserved_set = i;
            break;
        case Opcode::GetNZCV: unobserved_set = kNoValue; break;
        default:
            if (op_info(inst.op).flags & (Faults | Effect)) unobserved_set = kNoValue;
            break;
        }
    }
}

}  // namespace ferry::ir::passes
