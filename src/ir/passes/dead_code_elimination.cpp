#include <vector>

#include "ir/passes/passes.h"

namespace ferry::ir::passes {

void dead_code_elimination(Block& block) {
    std::vector<uint32_t> uses(block.insts.size(), 0);
    for (const Inst& inst : block.insts)
        if (!inst.removed)
            for (ValueId arg : inst.args)
                if (arg != kNoValue) ++uses[arg];
    if (block.terminal.value != kNoValue) ++uses[block.terminal.value];

    // Backwards, so that removing a use can free its operands in the same sweep.
    for (ValueId i = static_cast<ValueId>(block.insts.size()); i-- > 0;) {
        Inst& inst = block.insts[i];
        if (inst.removed || uses[i] != 0) continue;
        if (!(op_info(inst.op).flags & (Pure | ReadsState))) continue;  // reading state has no effect
        inst.removed = true;
        for (ValueId arg : inst.args)
            if (arg != kNoValue) --uses[arg];
    }
}

}  // namespace ferry::ir::passes
