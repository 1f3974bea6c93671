// Guest state (fixed offsets from the pinned CpuState register; every Set is
// stored at once so the state is exact at any fault) and guest memory: in
// user mode host address = guest_base + (address & guest_mask); in system
// mode an inline lookup of the softmmu TLB (core/soft_tlb.h) with the
// reference semantics as the slow path.
#include "backend/x64/block_emitter.h"
#include "backend/x64/jit_abi.h"
#include "core/soft_tlb.h"

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

// addend = the host addend of the current EL's TLB entry for addr when the
// entry's tag at tag_offset lets the `bytes` at addr be accessed directly;
// else jumps to miss. The compare uses the page of the last byte, so a page
// crossing misses; slow tags (MMIO, code pages...) never equal a page.
void BlockEmitter::soft_tlb_lookup(const Reg64& addr, unsigned bytes, size_t tag_offset, const Reg64& addend,
                                   const Reg64& scratch, Label& miss) {
    c_.mov(addend, addr);
    c_.shr(addend, kSoftTlbPageShift - kSoftTlbEntryShift);
    c_.and_(addend.cvt32(), (kSoftTlbEntries - 1) << kSoftTlbEntryShift);
    c_.add(addend, abi::state_qword(offsetof(CpuState, soft_tlb)));
    c_.lea(scratch, c_.ptr[addr + (bytes - 1)]);
    c_.and_(scratch, static_cast<uint32_t>(kSoftTlbPageMask));  // sign-extended: ~0xfff
    c_.cmp(scratch, c_.qword[addend + tag_offset]);
    if (!ctx_.soft_tlb_hits) {
        c_.jne(miss, CodeGenerator::T_NEAR);
    } else {  // --stats
        Label& counted_miss = new_label();
        c_.jne(counted_miss, CodeGenerator::T_NEAR);
        count(ctx_.soft_tlb_hits, scratch);
        out_of_line_.push_back([this, &counted_miss, &miss, scratch] {
            c_.L(counted_miss);
            count(ctx_.soft_tlb_misses, scratch);
            c_.jmp(miss, CodeGenerator::T_NEAR);
        });
    }
    c_.mov(addend, c_.qword[addend + offsetof(SoftTlbEntry, addend)]);
}

void BlockEmitter::count(uint64_t* counter, const Reg64& scratch) {
    c_.mov(scratch, reinterpret_cast<uint64_t>(counter));
    c_.inc(c_.qword[scratch]);
}

// A miss calls the reference Load (walk, TLB fill, MMIO, precise faults).
void BlockEmitter::emit_soft_tlb_load(const ir::Inst& inst) {
    const unsigned bits = ir::bit_width(inst.type);
    const Reg64 addr = ra_.use_gpr(inst.args[0]);
    const Reg64 addend = ra_.scratch_gpr(), scratch = ra_.scratch_gpr();
    Label& miss = new_label();
    Label& done = new_label();
    if (bits == 128) {
        const Xmm res = ra_.def_xmm();
        fallback_out_of_line(inst, {addr}, res, miss, done);
        soft_tlb_lookup(addr, 16, offsetof(SoftTlbEntry, read_tag), addend, scratch, miss);
        c_.movdqu(res, util::xword[addr + addend]);
    } else {
        const Reg64 res = ra_.def_gpr_after_reads();
        fallback_out_of_line(inst, {addr}, res, miss, done);
        soft_tlb_lookup(addr, bits / 8, offsetof(SoftTlbEntry, read_tag), addend, scratch, miss);
        const Address at = sized_address(addr + addend, bits);
        if (bits < 32) c_.movzx(res.cvt32(), at);
        else c_.mov(op_reg(res, bits), at);
    }
    c_.L(done);
}

// A miss calls the reference Store (walk, TLB fill, MMIO, precise faults,
// and dropping translated code the store overwrites).
void BlockEmitter::emit_soft_tlb_store(const ir::Inst& inst) {
    const unsigned bytes = static_cast<unsigned>(inst.imm1);
    const Reg64 addr = ra_.use_gpr(inst.args[0]);
    Label& miss = new_label();
    Label& done = new_label();
    if (bytes == 16) {
        const Xmm value = ra_.use_xmm(inst.args[1]);
        const Reg64 addend = ra_.scratch_gpr(), scratch = ra_.scratch_gpr();
        fallback_out_of_line(inst, {addr, value}, scratch, miss, done);  // scratch takes the void result
        soft_tlb_lookup(addr, bytes, offsetof(SoftTlbEntry, write_tag), addend, scratch, miss);
        c_.movdqu(util::xword[addr + addend], value);
    } else {
        const Reg64 value = ra_.use_gpr(inst.args[1]);
        const Reg64 addend = ra_.scratch_gpr(), scratch = ra_.scratch_gpr();
        fallback_out_of_line(inst, {addr, value}, scratch, miss, done);
        soft_tlb_lookup(addr, bytes, offsetof(SoftTlbEntry, write_tag), addend, scratch, miss);
        c_.mov(sized_address(addr + addend, bytes * 8), exact_reg(value, bytes * 8));
    }
    c_.L(done);
}

}  // namespace ferry::x64
