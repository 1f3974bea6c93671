#include "frontend/a64/translator.h"

#include "core/cpu_state.h"
#include "frontend/a64/decoder.h"

namespace ferry::a64 {

bool Translator::undefined() {
    // exit_info carries the instruction word for the error message; the
    // handler that calls this has no access to it, so the block loop fills it.
    exit_with(static_cast<uint32_t>(ExitReason::Undefined), 0, pc);
    return true;
}

namespace {

// Translates one instruction at t.pc; an unallocated encoding becomes UNDEF.
void translate_instruction(Translator& t, uint32_t word) {
    const Encoding* e = decode(word);
    const size_t before = t.ir.block().insts.size();
    if (e && e->handler(t, Insn(word, e->pattern))) {
        if (t.block_ended && t.ir.block().terminal.kind == ir::Terminal::Kind::Exit) {
            // Patch the instruction word into an UNDEF raised by the handler.
            for (size_t i = before; i < t.ir.block().insts.size(); ++i) {
                ir::Inst& inst = t.ir.block().insts[i];
                if (inst.op == ir::Opcode::RaiseException &&
                    inst.imm0 == static_cast<uint32_t>(ExitReason::Undefined))
                    inst.imm1 = word;
            }
        }
        return;
    }
    // Drop whatever a handler emitted before it found the encoding unallocated.
    t.ir.block().insts.resize(before);
    t.exit_with(static_cast<uint32_t>(ExitReason::Undefined), word, t.pc);
}

// The instruction at t.pc has a breakpoint. A block that starts there is
// just the debug exit; any other block ends with a jump to it, so that
// removing the breakpoint (which drops blocks overlapping that one
// instruction) never leaves a stale exit inside a block that starts earlier.
void stop_at_breakpoint(Translator& t, bool first_instruction) {
    if (first_instruction)
        t.exit_with(static_cast<uint32_t>(ExitReason::DebugBreakpoint), 0, t.pc);
    else
        t.branch_to(t.pc);
}

}  // namespace

ir::Block translate_block(uint64_t pc, const FetchFn& fetch, const TranslateOptions& options) {
    ir::Block block;
    translate_block(block, pc, fetch, options);
    return block;
}

void translate_block(ir::Block& block, uint64_t pc, const FetchFn& fetch, const TranslateOptions& options) {
    std::vector<ir::Inst> storage = std::move(block.insts);
    storage.clear();
    block = ir::Block{};
    block.pc = pc;
    block.insts = std::move(storage);
    Translator t(block, pc, options);
    const uint64_t page_end = (pc & ~uint64_t{0xfff}) + 0x1000;
    const unsigned limit = options.single_step ? 1 : options.max_instructions;
    while (true) {
        if (options.breakpoints && options.breakpoints->contains(t.pc)) {
            stop_at_breakpoint(t, block.guest_instructions == 0);
            break;
        }
        uint32_t word;
        if (!fetch(t.pc, word)) {
            if (block.guest_instructions == 0)
                t.exit_with(static_cast<uint32_t>(ExitReason::InstructionAbort), 0, t.pc);
            else
                t.branch_to(t.pc);  // the fault belongs to the next block, which starts there
            break;
        }
        translate_instruction(t, word);
        ++block.guest_instructions;
        if (t.block_ended) break;
        t.pc += 4;
        // Blocks stay within one page so that write-protecting code pages
        // tracks every block that a write can change.
        if (block.guest_instructions >= limit || t.pc >= page_end) {
            t.branch_to(t.pc);
            break;
        }
    }
    block.end_pc = block.pc + 4 * uint64_t{block.guest_instructions};
}

ir::Block translate_one(uint64_t pc, uint32_t word) {
    ir::Block block;
    block.pc = pc;
    Translator t(block, pc);
    translate_instruction(t, word);
    block.guest_instructions = 1;
    if (!t.block_ended) t.branch_to(pc + 4);
    block.end_pc = pc + 4;
    return block;
}

}  // namespace ferry::a64
