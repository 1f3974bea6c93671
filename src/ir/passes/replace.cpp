#include "ir/passes/passes.h"

namespace ferry::ir::passes {

void apply_replacements(Block& block, const std::vector<ValueId>& replacement) {
    auto resolve = [&](ValueId v) {
        while (v != kNoValue && replacement[v] != v) v = replacement[v];
        return v;
    };
    for (Inst& inst : block.insts)
        for (ValueId& arg : inst.args) arg = resolve(arg);
    block.terminal.value = resolve(block.terminal.value);
}

}  // namespace ferry::ir::passes
