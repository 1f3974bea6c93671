// Block entry and exits: the exit_request check, direct jumps that chaining
// patches to go block to block, the return-stack prediction and the inline
// indirect-branch lookup. Every way out to the dispatcher stores state.pc first.
#include "backend/x64/block_emitter.h"
#include "backend/x64/jit_abi.h"

namespace ferry::x64 {

using namespace Xbyak;
using ir::Terminal;

namespace {
Address rsb_top() { return util::qword[util::rsp + abi::kRsbTopOffset]; }

// System mode ends a block after an ISB or a system register write (MSR,
// SYS: TLBI, IC, DC...) with an Exit, so that the run loop drops code made
// stale and looks the next block up under the new translation flags. Every
// invalidation and every write that changes the flags (CpuContext::
// mapping_changed) sets exit_request, so with it clear the next block is
// the one the run loop would find: such exits can be chained.
bool ends_for_new_state(const ir::Block& b) {
    for (auto it = b.insts.rbegin(); it != b.insts.rend(); ++it) {
        if (it->removed) continue;
        const bool isb =
            it->op == ir::Opcode::Barrier && it->imm0 == static_cast<uint64_t>(ir::BarrierKind::InstructionSync);
        return isb || it->op == ir::Opcode::WriteSysReg;
    }
    return false;
}
}  // namespace

// Only blocks that may leave backwards or indirectly check exit_request: a
// run that never returns to the dispatcher must take such exits again and
// again (forward chains end), so it still sees the request within one loop
// iteration, and straight-line blocks skip the check.
bool BlockEmitter::may_loop() const {
    const Terminal& t = block_.terminal;
    switch (t.kind) {
    case Terminal::Kind::Jump: return t.target <= block_.pc;
    case Terminal::Kind::Branch: return t.target <= block_.pc || t.fallthrough <= block_.pc;
    case Terminal::Kind::Indirect: return true;
    case Terminal::Kind::Exit: return false;
    }
    return true;
}

void BlockEmitter::emit_entry_check() {
    c_.cmp(abi::state_dword(offsetof(CpuState, exit_request)), 0);
    c_.jne(exit_request_, CodeGenerator::T_NEAR);
}

// Nothing is live at entry, so rax is free; the flags are dead too.
void BlockEmitter::count_execution() {
    c_.mov(c_.rax, reinterpret_cast<uint64_t>(profile_));
    c_.inc(c_.qword[c_.rax]);
    c_.mov(abi::state_qword(offsetof(CpuState, current_block)), c_.rax);
}

// One (multi-byte) nop so that the field after the next `prefix_bytes` bytes is aligned.
void BlockEmitter::pad_until_aligned(size_t prefix_bytes, size_t alignment) {
    const size_t misalignment = (reinterpret_cast<uintptr_t>(c_.getCurr()) + prefix_bytes) % alignment;
    if (misalignment != 0) c_.nop(alignment - misalignment);
}

void BlockEmitter::store_pc(uint64_t pc) {
    const Address field = abi::state_qword(offsetof(CpuState, pc));
    if (static_cast<int64_t>(pc) == static_cast<int32_t>(pc)) {
        c_.mov(field, pc);
    } else {
        c_.mov(c_.rax, pc);
        c_.mov(field, c_.rax);
    }
}

// A jmp (or jcc) rel32 that first goes to an exit stub storing pc; chaining
// rewrites the rel32, which is 4-aligned so that the rewrite is atomic.
void BlockEmitter::jump_to_block(uint64_t pc, std::optional<Cond> cond) {
    const size_t opcode_bytes = cond ? 2 : 1;
    pad_until_aligned(opcode_bytes, 4);
    // Encoded by hand and bound in emit_exit_stubs: an xbyak Label costs more.
    if (cond) {
        c_.db(0x0F);
        c_.db(0x80 | static_cast<uint8_t>(*cond));  // jcc rel32 (Cond is in x86 order)
    } else {
        c_.db(0xE9);  // jmp rel32
    }
    c_.dd(0);
    exits_.push_back({const_cast<uint8_t*>(c_.getCurr()) - 4, pc});
}

// Pushes {return_address, host code of that block} on the return stack. The
// host code is a patchable imm64: the epilogue until the block exists.
void BlockEmitter::push_return_address(uint64_t return_address) {
    c_.mov(c_.rax, rsb_top());
    c_.add(c_.eax, abi::kRsbEntryBytes);
    c_.and_(c_.eax, abi::kRsbIndexMask);
    c_.mov(rsb_top(), c_.rax);
    c_.mov(c_.rcx, return_address);
    c_.mov(c_.ptr[c_.rsp + c_.rax + abi::kRsbOffset], c_.rcx);
    pad_until_aligned(2, 8);
    c_.db(0x48);  // REX.W
    c_.db(0xB9);  // mov rcx, imm64
    auto* field = const_cast<uint8_t*>(c_.getCurr());
    c_.dq(reinterpret_cast<uint64_t>(ctx_.epilogue));
    c_.mov(c_.ptr[c_.rsp + c_.rax + abi::kRsbOffset + 8], c_.rcx);
    sites_.push_back({LinkSite::Kind::Abs64, field, ctx_.epilogue, {return_address, block_.flags}});
}

// RET with the target in rdx: pop the top entry; when its guest pc is the
// target, its host code is the target's block (or the epilogue). Otherwise
// fall through to the indirect lookup.
void BlockEmitter::predict_return() {
    Label mispredicted;
    c_.mov(c_.rax, rsb_top());
    c_.lea(c_.ecx, c_.ptr[c_.rax - abi::kRsbEntryBytes]);
    c_.and_(c_.ecx, abi::kRsbIndexMask);
    c_.mov(rsb_top(), c_.rcx);
    c_.cmp(c_.rdx, c_.ptr[c_.rsp + c_.rax + abi::kRsbOffset]);
    c_.jne(mispredicted, CodeGenerator::T_NEAR);
    c_.jmp(c_.ptr[c_.rsp + c_.rax + abi::kRsbOffset + 8]);
    c_.L(mispredicted);
}

// Target pc in rdx (already in state.pc): probe the direct-mapped table.
void BlockEmitter::indirect_lookup() {
    c_.mov(c_.rax, c_.rdx);
    c_.shr(c_.rax, 2);
    c_.and_(c_.eax, static_cast<uint32_t>(abi::kIndirectIndexMask));
    c_.shl(c_.eax, abi::kIndirectEntryShift);
    c_.mov(c_.rcx, reinterpret_cast<uint64_t>(ctx_.indirect_table));
    c_.add(c_.rax, c_.rcx);
    c_.cmp(c_.rdx, c_.qword[c_.rax + offsetof(abi::IndirectEntry, pc)]);
    c_.jne(ctx_.indirect_miss);
    c_.mov(c_.rcx, block_.flags);
    c_.cmp(c_.rcx, c_.qword[c_.rax + offsetof(abi::IndirectEntry, flags)]);
    c_.jne(ctx_.indirect_miss);
    if (ctx_.indirect_hits) {
        c_.mov(c_.rcx, reinterpret_cast<uint64_t>(ctx_.indirect_hits));
        c_.inc(c_.qword[c_.rcx]);
    }
    c_.jmp(c_.qword[c_.rax + offsetof(abi::IndirectEntry, code)]);
}

void BlockEmitter::emit_terminal() {
    const Terminal& t = block_.terminal;
    const bool predicts = ctx_.chaining;
    switch (t.kind) {
    case Terminal::Kind::Jump:
        if (predicts && t.hint == Terminal::Hint::Call) push_return_address(t.return_address);
        jump_to_block(t.target, std::nullopt);
        break;
    case Terminal::Kind::Branch: {
        std::optional<Cond> taken = fused_cond(t.value);
        if (!taken) {
            const Reg32 cond = ra_.use_gpr(t.value).cvt32();
            c_.test(cond, cond);
            taken = Cond::NE;
        }
        jump_to_block(t.target, taken);
        jump_to_block(t.fallthrough, std::nullopt);
        break;
    }
    case Terminal::Kind::Indirect: {
        const Reg64 target = ra_.use_gpr(t.value);
        if (target.getIdx() != Operand::RDX) c_.mov(c_.rdx, target);
        c_.mov(abi::state_qword(offsetof(CpuState, pc)), c_.rdx);
        if (!predicts) {
            c_.jmp(ctx_.epilogue, CodeGenerator::T_NEAR);
            break;
        }
        if (t.hint == Terminal::Hint::Call) push_return_address(t.return_address);
        if (t.hint == Terminal::Hint::Return) predict_return();
        indirect_lookup();
        break;
    }
    case Terminal::Kind::Exit:
        if (predicts && ends_for_new_state(block_)) {
            // The run loop is needed only when something is pending: otherwise chain to the next block.
            Label nothing_pending;
            c_.cmp(abi::state_dword(offsetof(CpuState, exit_request)), 0);
            c_.je(nothing_pending, CodeGenerator::T_NEAR);
            store_pc(t.target);
            c_.jmp(ctx_.epilogue, CodeGenerator::T_NEAR);
            c_.L(nothing_pending);
            jump_to_block(t.target, std::nullopt);
            break;
        }
        store_pc(t.target);
        c_.jmp(ctx_.epilogue, CodeGenerator::T_NEAR);
        break;
    }
}

// Cold code after the block: the exits taken while not chained.
void BlockEmitter::emit_exit_stubs() {
    if (may_loop()) {
        c_.L(exit_request_);
        store_pc(block_.pc);
        c_.jmp(ctx_.epilogue, CodeGenerator::T_NEAR);
    }
    for (const PendingExit& exit : exits_) {
        const void* stub = c_.getCurr();
        bind_rel32_here(c_, exit.field);
        store_pc(exit.pc);
        c_.jmp(ctx_.epilogue, CodeGenerator::T_NEAR);
        sites_.push_back({LinkSite::Kind::Rel32, exit.field, stub, {exit.pc, block_.flags}});
    }
}

}  // namespace ferry::x64
