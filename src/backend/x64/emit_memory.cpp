// Guest state (fixed offsets from the pinned CpuState register; every Set is
// stored at once so the state is exact at any fault) and guest memory: in
// user mode host address = guest_base + (address & guest_mask); in system
// mode an inline lookup of the softmmu TLB (core/soft_tlb.h) with the
// reference semantics as the slow path.
#include <algorithm>
#include <cstring>
#include <iterator>

#include "backend/x64/block_emitter.h"
#include "backend/x64/jit_abi.h"
#include "core/soft_tlb.h"
#include "core/system_hooks.h"
#include "ir/semantics.h"

namespace ferry::x64 {

using namespace Xbyak;

namespace {
Address sized_address(const RegExp& at, unsigned bits) {
    switch (bits) {
    case 8: return util::byte[at];
    case 16: return util::word[at];
    case 32: return util::dword[at];
    case 64: return util::qword[at];
    default: return util::xword[at];
    }
}
}  // namespace

void BlockEmitter::emit_get(size_t offset, unsigned bits) {
    const Reg64 res = ra_.def_gpr();
    c_.mov(op_reg(res, bits), sized_address(abi::kState + offset, bits));
}

// A load while PSTATE.SPSel = 1 (Linux's EL1 never clears it); the reference
// raises UNDEF otherwise.
void BlockEmitter::emit_read_sp_el0(const ir::Inst& inst) {
    const Reg64 res = ra_.def_gpr();
    Label& reference = new_label();
    Label& resume = new_label();
    c_.test(c_.byte[abi::kState + offsetof(CpuState, pstate)], static_cast<uint8_t>(pstate::SPSel));
    c_.jz(reference, CodeGenerator::T_NEAR);
    c_.mov(res, c_.qword[abi::kState + offsetof(CpuState, sp_el)]);
    c_.L(resume);
    fallback_out_of_line(inst, {}, res, reference, resume);
}

void BlockEmitter::emit_set(const ir::Inst& inst, size_t offset, unsigned bits) {
    const Address field = sized_address(abi::kState + offset, bits);
    const Source src = source(inst.args[0], bits);
    if (src.imm) c_.mov(field, src.imm_sign_extended());
    else c_.mov(field, op_reg(src.reg, bits));
}

void BlockEmitter::emit_set_nzcv(const ir::Inst& inst) {
    const Address field = abi::state_dword(offsetof(CpuState, nzcv));
    const ir::ValueId v = inst.args[0];
    if (ra_.is_const(v)) {
        c_.mov(field, static_cast<uint32_t>(ra_.const_value(v)) & 0xF0000000u);
        return;
    }
    const ir::Opcode producer = block_.insts[v].op;
    const bool only_flag_bits =
        producer == ir::Opcode::NZCVAdd || producer == ir::Opcode::NZCVSub || producer == ir::Opcode::NZCVLogic;
    const Reg32 r = ra_.use_gpr(v).cvt32();
    if (only_flag_bits) {
        c_.mov(field, r);
        return;
    }
    const Reg32 masked = ra_.scratch_gpr().cvt32();
    c_.mov(masked, r);
    c_.and_(masked, 0xF0000000u);
    c_.mov(field, masked);
}

void BlockEmitter::emit_get_v(const ir::Inst& inst) {
    c_.movdqu(ra_.def_xmm(), abi::state_xword(abi::v_offset(inst.imm0)));
}

void BlockEmitter::emit_set_v(const ir::Inst& inst) {
    c_.movdqu(abi::state_xword(abi::v_offset(inst.imm0)), ra_.use_xmm(inst.args[0]));
}

void BlockEmitter::record_access(const uint8_t* begin, uint64_t guest_pc) {
    accesses_.push_back({reinterpret_cast<uintptr_t>(begin), reinterpret_cast<uintptr_t>(c_.getCurr()), guest_pc});
}

void BlockEmitter::emit_load(const ir::Inst& inst) {
    const unsigned bits = ir::bit_width(inst.type);
    if (bits == 128) {
        const Reg64 offset = ra_.scratch_gpr();
        c_.mov(offset, ra_.use_gpr(inst.args[0]));
        c_.and_(offset, abi::kGuestMask);
        const Xmm res = ra_.def_xmm();
        const uint8_t* begin = c_.getCurr();
        c_.movdqu(res, util::xword[abi::kGuestBase + offset]);
        record_access(begin, inst.imm0);
        return;
    }
    // The result register first holds the masked address.
    const Reg64 res = ra_.def_gpr_copy(inst.args[0]);
    c_.and_(res, abi::kGuestMask);
    const Address at = sized_address(abi::kGuestBase + res, bits);
    const uint8_t* begin = c_.getCurr();
    if (bits < 32) c_.movzx(res.cvt32(), at);
    else c_.mov(op_reg(res, bits), at);
    record_access(begin, inst.imm0);
}

void BlockEmitter::emit_store(const ir::Inst& inst) {
    const unsigned bits = static_cast<unsigned>(inst.imm1) * 8;
    const Reg64 offset = ra_.scratch_gpr();
    c_.mov(offset, ra_.use_gpr(inst.args[0]));
    c_.and_(offset, abi::kGuestMask);
    const Address at = sized_address(abi::kGuestBase + offset, bits);
    if (bits == 128) {
        const Xmm value = ra_.use_xmm(inst.args[1]);
        const uint8_t* begin = c_.getCurr();
        c_.movdqu(at, value);
        record_access(begin, inst.imm0);
        return;
    }
    const Source src = source(inst.args[1], bits);
    const uint8_t* begin = c_.getCurr();
    if (src.imm) c_.mov(at, src.imm_sign_extended());
    else c_.mov(at, exact_reg(src.reg, bits));
    record_access(begin, inst.imm0);
}

// ---- System mode: the softmmu TLB ----------------------------------------------------
//
// A miss leaves the block for a thunk after it: the thunk puts the address
// (and a store's value) in the call-argument slots and calls the shared slow
// path of its kind, which saves every caller-saved register, calls the
// reference Load or Store (walk, TLB fill, MMIO, precise faults, dropping
// code a store overwrites) and leaves the result in the first slot. The
// instruction's imm0 (guest pc) and imm1 follow the call as data, so one
// slow path serves every access of its kind whatever its registers.

namespace {
constexpr ir::Type kLoadTypes[] = {ir::Type::U8, ir::Type::U16, ir::Type::U32, ir::Type::U64, ir::Type::U128};
constexpr size_t kStoreSlowPath = std::size(kLoadTypes);
static_assert(std::tuple_size_v<decltype(EmitContext::soft_tlb_slow_paths)> == kStoreSlowPath + 1);
constexpr int kInlineWordsBytes = 16;  // imm0, imm1 after the thunk's call

size_t soft_tlb_slow_path_index(const ir::Inst& inst) {
    if (inst.op == ir::Opcode::Store) return kStoreSlowPath;
    return static_cast<size_t>(std::find(std::begin(kLoadTypes), std::end(kLoadTypes), inst.type) - std::begin(kLoadTypes));
}

// A jne rel32 bound later by bind_rel32_here: cheaper than an xbyak Label.
uint8_t* jne_forward(CodeGenerator& c) {
    c.db(0x0F);
    c.db(0x85);
    c.dd(0);
    return const_cast<uint8_t*>(c.getCurr()) - 4;
}

// rsp is 16 below the block's frame inside a slow path (return address, alignment).
constexpr int kSlowPathFrame = 16;

const void* emit_soft_tlb_slow_path(CodeGenerator& c, ir::Opcode op, ir::Type type) {
    c.align(16);
    const void* entry = c.getCurr();
    const auto frame = [](int offset) { return util::rsp + kSlowPathFrame + offset; };
    c.sub(c.rsp, 8);
    for (int r = 0; r < 16; ++r)
        if (RegAlloc::kCallerSavedGprs & (1u << r)) c.mov(c.qword[frame(abi::kFallbackSaveOffset + 8 * r)], Reg64(r));
    for (int r = 0; r < 16; ++r) c.movdqu(c.xword[frame(abi::kFallbackSaveXmmOffset + 16 * r)], Xmm(r));
    c.mov(c.rax, c.qword[c.rsp + 8]);  // the return address: the inline words
    c.mov(c.rdx, c.qword[c.rax]);
    c.mov(c.rcx, c.qword[c.rax + 8]);
    c.mov(c.rdi, abi::kState);
    c.lea(c.rsi, c.ptr[frame(abi::kCallArgsOffset)]);
    c.mov(c.r8d, static_cast<uint32_t>(type));
    c.mov(c.rax, reinterpret_cast<uint64_t>(ir::semantic_fn(op)));
    c.call(c.rax);
    c.mov(c.qword[frame(abi::kCallArgsOffset)], c.rax);
    c.mov(c.qword[frame(abi::kCallArgsOffset + 8)], c.rdx);
    for (int r = 0; r < 16; ++r) c.movdqu(Xmm(r), c.xword[frame(abi::kFallbackSaveXmmOffset + 16 * r)]);
    for (int r = 0; r < 16; ++r)
        if (RegAlloc::kCallerSavedGprs & (1u << r)) c.mov(Reg64(r), c.qword[frame(abi::kFallbackSaveOffset + 8 * r)]);
    c.add(c.rsp, 8);
    c.add(c.qword[c.rsp], kInlineWordsBytes);
    c.ret();
    return entry;
}
}  // namespace

void emit_soft_tlb_slow_paths(CodeGenerator& c, EmitContext& context) {
    for (size_t i = 0; i < std::size(kLoadTypes); ++i)
        context.soft_tlb_slow_paths[i] = emit_soft_tlb_slow_path(c, ir::Opcode::Load, kLoadTypes[i]);
    context.soft_tlb_slow_paths[kStoreSlowPath] = emit_soft_tlb_slow_path(c, ir::Opcode::Store, ir::Type::Void);
}

// addend = the host addend of the current EL's TLB entry for addr when the
// entry's tag at tag_offset lets the `bytes` at addr be accessed directly;
// else jumps to the returned miss field. The compare uses the page of the
// last byte, so a page crossing misses; slow tags (MMIO, code pages...)
// never equal a page.
uint8_t* BlockEmitter::soft_tlb_lookup(const Reg64& addr, unsigned bytes, size_t tag_offset, const Reg64& addend,
                                       const Reg64& scratch) {
    c_.mov(addend, addr);
    c_.shr(addend, kSoftTlbPageShift - kSoftTlbEntryShift);
    c_.and_(addend.cvt32(), (kSoftTlbEntries - 1) << kSoftTlbEntryShift);
    if (!soft_tlb_loaded_) {  // the first lookup is on the main path: it dominates the later ones
        c_.mov(abi::kSoftTlb, abi::state_qword(offsetof(CpuState, soft_tlb)));
        soft_tlb_loaded_ = true;
    }
    c_.add(addend, abi::kSoftTlb);
    c_.lea(scratch, c_.ptr[addr + (bytes - 1)]);
    c_.and_(scratch, static_cast<uint32_t>(kSoftTlbPageMask));  // sign-extended: ~0xfff
    c_.cmp(scratch, c_.qword[addend + tag_offset]);
    uint8_t* miss = jne_forward(c_);
    if (ctx_.soft_tlb_hits) count(ctx_.soft_tlb_hits, scratch);  // --stats
    c_.mov(addend, c_.qword[addend + offsetof(SoftTlbEntry, addend)]);
    return miss;
}

void BlockEmitter::count(uint64_t* counter, const Reg64& scratch) {
    c_.mov(scratch, reinterpret_cast<uint64_t>(counter));
    c_.inc(c_.qword[scratch]);
}

// The thunk of one access, out of line: `miss` jumps here, the result (a
// load's) arrives in `result`, and the block goes on at `resume`. Kept as
// data until emit_out_of_line: a closure this size would be allocated.
void BlockEmitter::soft_tlb_miss_thunk(const ir::Inst& inst, uint8_t* miss, const Reg64& scratch,
                                       const Reg& addr, std::optional<Reg> value, std::optional<Reg> result,
                                       const uint8_t* resume) {
    soft_tlb_misses_.push_back({&inst, miss, scratch, addr, value, result, resume});
}

void BlockEmitter::emit_soft_tlb_miss(const SoftTlbMiss& m) {
    bind_rel32_here(c_, m.miss);
    if (ctx_.soft_tlb_misses) count(ctx_.soft_tlb_misses, m.scratch);
    const Address arg0 = c_.qword[c_.rsp + abi::kCallArgsOffset];
    const RegExp arg1 = c_.rsp + abi::kCallArgsOffset + 16;
    c_.mov(arg0, Reg64(m.addr.getIdx()));
    if (m.value && m.value->isXMM()) c_.movdqu(c_.xword[arg1], Xmm(m.value->getIdx()));
    else if (m.value) c_.mov(c_.qword[arg1], Reg64(m.value->getIdx()));
    c_.call(ctx_.soft_tlb_slow_paths[soft_tlb_slow_path_index(*m.inst)]);
    c_.dq(m.inst->imm0);
    c_.dq(m.inst->imm1);
    if (m.result && m.result->isXMM()) c_.movdqu(Xmm(m.result->getIdx()), c_.xword[c_.rsp + abi::kCallArgsOffset]);
    else if (m.result) c_.mov(Reg64(m.result->getIdx()), arg0);
    c_.jmp(m.resume);
}

void BlockEmitter::emit_soft_tlb_load(const ir::Inst& inst) {
    const unsigned bits = ir::bit_width(inst.type);
    const Reg64 addr = ra_.use_gpr(inst.args[0]);
    const Reg64 addend = ra_.scratch_gpr(), scratch = ra_.scratch_gpr();
    uint8_t* miss;
    Reg res;
    if (bits == 128) {
        const Xmm r = ra_.def_xmm();
        miss = soft_tlb_lookup(addr, 16, offsetof(SoftTlbEntry, read_tag), addend, scratch);
        c_.movdqu(r, util::xword[addr + addend]);
        res = r;
    } else {
        const Reg64 r = ra_.def_gpr_after_reads();
        miss = soft_tlb_lookup(addr, bits / 8, offsetof(SoftTlbEntry, read_tag), addend, scratch);
        const Address at = sized_address(addr + addend, bits);
        if (bits < 32) c_.movzx(r.cvt32(), at);
        else c_.mov(op_reg(r, bits), at);
        res = r;
    }
    soft_tlb_miss_thunk(inst, miss, scratch, addr, std::nullopt, res, c_.getCurr());
}

void BlockEmitter::emit_soft_tlb_store(const ir::Inst& inst) {
    const unsigned bytes = static_cast<unsigned>(inst.imm1);
    const Reg64 addr = ra_.use_gpr(inst.args[0]);
    const Reg value = bytes == 16 ? Reg(ra_.use_xmm(inst.args[1])) : Reg(ra_.use_gpr(inst.args[1]));
    const Reg64 addend = ra_.scratch_gpr(), scratch = ra_.scratch_gpr();
    uint8_t* miss = soft_tlb_lookup(addr, bytes, offsetof(SoftTlbEntry, write_tag), addend, scratch);
    if (bytes == 16) c_.movdqu(util::xword[addr + addend], Xmm(value.getIdx()));
    else c_.mov(sized_address(addr + addend, bytes * 8), exact_reg(Reg64(value.getIdx()), bytes * 8));
    soft_tlb_miss_thunk(inst, miss, scratch, addr, value, std::nullopt, c_.getCurr());
}

}  // namespace ferry::x64
