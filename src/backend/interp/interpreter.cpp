#include "backend/interp/interpreter.h"

#include <cstring>

#include "core/guest_memory.h"
#include "ir/semantics.h"

namespace ferry::interp {

using namespace ir;

namespace {
// How many bytes at args[0] an instruction may write (0: none).
unsigned bytes_written(const Inst& inst) {
    switch (inst.op) {
    case Opcode::Store:
    case Opcode::StoreExclusive: return static_cast<unsigned>(inst.imm1);
    case Opcode::AtomicRmw:
    case Opcode::AtomicCas: return bit_width(inst.type) / 8;
    case Opcode::ZeroBlock: return 64;
    default: return 0;
    }
}
}  // namespace

void run_block(const Block& block, CpuState& state, std::vector<StoreRecord>* journal) {
    // No objects with destructors live across a guest access: a fault leaves
    // through siglongjmp. The value array is thread-local for that reason.
    thread_local std::vector<Vec128> values;
    if (values.size() < block.insts.size()) values.resize(block.insts.size() + 64);
    Vec128 args[3];
    for (ValueId i = 0; i < block.insts.size(); ++i) {
        const Inst& inst = block.insts[i];
        if (inst.removed) continue;
        for (unsigned a = 0; a < 3; ++a) args[a] = inst.args[a] == kNoValue ? Vec128{} : values[inst.args[a]];
        const unsigned journal_bytes = journal ? bytes_written(inst) : 0;
        StoreRecord record;
        if (journal_bytes) {
            record.addr = inst.op == Opcode::ZeroBlock ? args[0].lo & ~uint64_t{63} : args[0].lo;
            record.size = journal_bytes;
            state.fault_pc = inst.imm0;
            std::memcpy(record.old_bytes.data(), guest_host_ptr(state, record.addr), journal_bytes);
        }
        values[i] = semantic_fn(inst.op)(&state, args, inst.imm0, inst.imm1, static_cast<uint32_t>(inst.type));
        // Only a write that happened is journalled: a faulting one changed nothing.
        if (journal_bytes) journal->push_back(record);
    }
    const Terminal& t = block.terminal;
    switch (t.kind) {
    case Terminal::Kind::Jump:
    case Terminal::Kind::Exit: state.pc = t.target; break;
    case Terminal::Kind::Branch: state.pc = (values[t.value].lo & 1) ? t.target : t.fallthrough; break;
    case Terminal::Kind::Indirect: state.pc = values[t.value].lo; break;
    }
}

}  // namespace ferry::interp
