// Lifting A64 to IR. Handlers (one per row of a64.inc, in translate_*.cpp)
// see the instruction through Insn and emit IR through Translator.
#pragma once
#include <cstdint>
#include <functional>
#include <unordered_set>

#include "frontend/a64/pattern.h"
#include "ir/builder.h"

namespace ferry::a64 {

using ir::Type;
using ir::Value;

// Reads one instruction word of guest code; false when the fetch faults.
using FetchFn = std::function<bool(uint64_t pc, uint32_t& word)>;

struct TranslateOptions {
    unsigned max_instructions = 128;
    bool single_step = false;  // one guest instruction per block
    // Debugger breakpoints (guest addresses), or nullptr: a block stops before
    // an instruction at one of them with ExitReason::DebugBreakpoint.
    const std::unordered_set<uint64_t>* breakpoints = nullptr;
    // System mode (ferry-system): the exception level the block runs at, and
    // that EL1-EL3 instructions (ERET, HVC, SMC, WFI, TLBI...) are real.
    // User mode translates for EL0 of a Linux process.
    bool system = false;
    unsigned el = 0;
};

class Translator {
public:
    Translator(ir::Block& block, uint64_t pc, const TranslateOptions& options = {})
        : ir(block), pc(pc), system(options.system), el(options.el) {}

    ir::Builder ir;
    uint64_t pc;               // address of the instruction being translated
    bool block_ended = false;  // set by handlers that end the block (branches, exceptions)
    const bool system;         // see TranslateOptions
    const unsigned el;

    uint64_t next_pc() const { return pc + 4; }

    // General registers. Register 31 is XZR/WZR here; use *_sp for the forms
    // where it names SP.
    Value X(unsigned r) { return r == 31 ? ir.imm64(0) : ir.get_x(r); }
    Value W(unsigned r) { return ir.trunc(Type::U32, X(r)); }
    Value reg(bool sf, unsigned r) { return sf ? X(r) : W(r); }
    void set_X(unsigned r, Value v) { if (r != 31) ir.set_x(r, v); }
    void set_W(unsigned r, Value v) { set_X(r, ir.zext(Type::U64, v)); }
    void set_reg(bool sf, unsigned r, Value v) { sf ? set_X(r, v) : set_W(r, v); }

    Value X_sp(unsigned r) { return r == 31 ? ir.get_sp() : ir.get_x(r); }
    Value reg_sp(bool sf, unsigned r) { return sf ? X_sp(r) : ir.trunc(Type::U32, X_sp(r)); }
    void set_X_sp(unsigned r, Value v) { r == 31 ? ir.set_sp(v) : ir.set_x(r, v); }
    void set_reg_sp(bool sf, unsigned r, Value v) { set_X_sp(r, sf ? v : ir.zext(Type::U64, v)); }

    Value imm(bool sf, uint64_t v) { return sf ? ir.imm64(v) : ir.imm32(static_cast<uint32_t>(v)); }

    // Block endings.
    void branch_to(uint64_t target) { ir.jump(target); block_ended = true; }
    void branch_if(Value cond, uint64_t target) { ir.branch(cond, target, next_pc()); block_ended = true; }
    void branch_indirect(Value target, ir::Terminal::Hint hint = ir::Terminal::Hint::None) {
        ir.indirect(target, hint, next_pc());
        block_ended = true;
    }
    // Leave to the run loop with a reason; the pc becomes resume_pc.
    void exit_with(uint32_t reason, uint32_t info, uint64_t resume_pc) {
        ir.raise(reason, info);
        ir.exit(resume_pc);
        block_ended = true;
    }
    // Back to the run loop at resume_pc with no exit reason: the state a
    // block's translation depends on (EL, MMU, ...) may have changed.
    void end_block_for_new_state(uint64_t resume_pc) {
        ir.exit(resume_pc);
        block_ended = true;
    }
    // The guest sees UNDEF at this instruction.
    bool undefined();
};

// Translates one block starting at pc. Never fails: an unfetchable first
// instruction gives a block that raises InstructionAbort.
ir::Block translate_block(uint64_t pc, const FetchFn& fetch, const TranslateOptions& options = {});
// The same into `block`, whose instruction storage is reused (a JIT translates
// block after block into one scratch block).
void translate_block(ir::Block& block, uint64_t pc, const FetchFn& fetch, const TranslateOptions& options = {});

// Translates a single instruction word at pc into its own block (tests, fuzzer).
ir::Block translate_one(uint64_t pc, uint32_t word);

// Handler declarations, one per table row.
#define INST(handler, name, pattern) bool handler(Translator& t, Insn in);
#include "frontend/a64/a64.inc"
#undef INST

}  // namespace ferry::a64
