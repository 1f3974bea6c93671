#include "backend/x64/block_emitter.h"

#include <xbyak/xbyak_util.h>

#include "backend/x64/jit_abi.h"
#include "ir/semantics.h"

namespace ferry::x64 {

using namespace Xbyak;
using ir::Opcode;

HostFeatures HostFeatures::detect() {
    const util::Cpu cpu;
    HostFeatures f;
    f.lzcnt = cpu.has(util::Cpu::tLZCNT);
    f.bmi1 = cpu.has(util::Cpu::tBMI1);
    f.bmi2 = cpu.has(util::Cpu::tBMI2);
    f.sse41 = cpu.has(util::Cpu::tSSE41);
    return f;
}

BlockEmitter::BlockEmitter(CodeGenerator& code, const ir::Block& block, const EmitContext& context)
    : c_(code), block_(block), ctx_(context), ra_(code, block) {}

const void* BlockEmitter::emit() {
    const void* entry = c_.getCurr();
    emit_entry_check();
    for (ir::ValueId id = 0; id < block_.insts.size(); ++id) {
        const ir::Inst& inst = block_.insts[id];
        if (inst.removed) continue;
        ra_.begin(id);
        emit_inst(inst);
        ra_.end();
    }
    ra_.begin(static_cast<ir::ValueId>(block_.insts.size()));
    emit_terminal();
    emit_exit_stubs();
    return entry;
}

void BlockEmitter::emit_inst(const ir::Inst& inst) {
    switch (inst.op) {
    case Opcode::Const: break;  // materialised where used
    case Opcode::GetX: emit_get(abi::x_offset(inst.imm0), 64); break;
    case Opcode::SetX: emit_set(inst, abi::x_offset(inst.imm0), 64); break;
    case Opcode::GetSP: emit_get(offsetof(CpuState, sp), 64); break;
    case Opcode::SetSP: emit_set(inst, offsetof(CpuState, sp), 64); break;
    case Opcode::GetTPIDR: emit_get(offsetof(CpuState, tpidr_el0), 64); break;
    case Opcode::SetTPIDR: emit_set(inst, offsetof(CpuState, tpidr_el0), 64); break;
    case Opcode::GetNZCV: emit_get(offsetof(CpuState, nzcv), 32); break;
    case Opcode::SetNZCV: emit_set_nzcv(inst); break;
    case Opcode::GetFPCR: emit_get(offsetof(CpuState, fpcr), 32); break;
    case Opcode::SetFPCR: emit_set(inst, offsetof(CpuState, fpcr), 32); break;
    case Opcode::GetFPSR: emit_get(offsetof(CpuState, fpsr), 32); break;
    case Opcode::SetFPSR: emit_set(inst, offsetof(CpuState, fpsr), 32); break;
    case Opcode::GetV: emit_get_v(inst); break;
    case Opcode::SetV: emit_set_v(inst); break;

    case Opcode::ZeroExt: emit_zero_ext(inst); break;
    case Opcode::SignExt: emit_sign_ext(inst); break;
    case Opcode::Trunc: emit_trunc(inst); break;
    case Opcode::Add: emit_binary(inst, Alu::Add, true); break;
    case Opcode::AddCarry: emit_add_carry(inst); break;
    case Opcode::Sub: emit_binary(inst, Alu::Sub, false); break;
    case Opcode::Mul: emit_mul(inst); break;
    case Opcode::UMulHigh: emit_mul_high(inst, false); break;
    case Opcode::SMulHigh: emit_mul_high(inst, true); break;
    case Opcode::UDiv: emit_div(inst, false); break;
    case Opcode::SDiv: emit_div(inst, true); break;
    case Opcode::And: emit_binary(inst, Alu::And, true); break;
    case Opcode::Or: emit_binary(inst, Alu::Or, true); break;
    case Opcode::Xor: emit_binary(inst, Alu::Xor, true); break;
    case Opcode::AndNot: emit_and_not(inst); break;
    case Opcode::OrNot: emit_or_not(inst); break;
    case Opcode::XorNot: emit_xor_not(inst); break;
    case Opcode::Not: emit_not(inst); break;
    case Opcode::Neg: emit_neg(inst); break;
    case Opcode::Lsl: emit_shift(inst, Shift::Lsl); break;
    case Opcode::Lsr: emit_shift(inst, Shift::Lsr); break;
    case Opcode::Asr: emit_shift(inst, Shift::Asr); break;
    case Opcode::Ror: emit_shift(inst, Shift::Ror); break;
    case Opcode::Clz: emit_clz(inst); break;
    case Opcode::ByteRev: emit_byte_rev(inst); break;
    case Opcode::Select: emit_select(inst); break;
    case Opcode::Eq: emit_eq(inst); break;
    case Opcode::IsZero: emit_is_zero(inst); break;
    case Opcode::TestBit:
        if (arg(inst, 0).type == ir::Type::U128) emit_call(inst);
        else emit_test_bit(inst);
        break;
    case Opcode::NZCVAdd: emit_nzcv_add(inst, false); break;
    case Opcode::NZCVSub: emit_nzcv_add(inst, true); break;
    case Opcode::NZCVLogic: emit_nzcv_logic(inst); break;
    case Opcode::CondHolds: emit_cond_holds(inst); break;
    case Opcode::GetCarry: emit_get_carry(inst); break;

    case Opcode::Load: emit_load(inst); break;
    case Opcode::Store: emit_store(inst); break;

    default:
        if (!emit_vector(inst)) emit_call(inst);
        break;
    }
}

// The reference function: Vec128 fn(CpuState*, const Vec128* args, imm0, imm1, type),
// its Vec128 result back in rax:rdx.
void BlockEmitter::emit_call(const ir::Inst& inst) {
    ra_.spill_caller_saved();
    ra_.store_args_as_vec128(abi::kCallArgsOffset);
    c_.mov(c_.rdi, abi::kState);
    c_.lea(c_.rsi, c_.ptr[c_.rsp + abi::kCallArgsOffset]);
    c_.mov(c_.rdx, inst.imm0);
    c_.mov(c_.rcx, inst.imm1);
    c_.mov(c_.r8d, static_cast<uint32_t>(inst.type));
    c_.mov(c_.rax, reinterpret_cast<uint64_t>(ir::semantic_fn(inst.op)));
    c_.call(c_.rax);
    ra_.after_call();
    if (inst.type == ir::Type::Void) return;
    if (inst.type == ir::Type::U128) {
        const Xmm res = ra_.def_xmm();
        const Xmm high = ra_.scratch_xmm();
        c_.movq(res, c_.rax);
        c_.movq(high, c_.rdx);
        c_.punpcklqdq(res, high);
    } else {
        ra_.claim(c_.rax);
        ra_.def_fixed(c_.rax);
    }
}

BlockEmitter::Source BlockEmitter::source(ir::ValueId v, unsigned bits) {
    if (auto imm = ra_.imm(v, bits)) return {imm, Reg64()};
    return {std::nullopt, ra_.use_gpr(v)};
}

BlockEmitter::Source BlockEmitter::constant_source(uint64_t value, unsigned bits) {
    if (bits <= 32 || static_cast<int64_t>(value) == static_cast<int32_t>(value))
        return {static_cast<uint32_t>(value), Reg64()};
    const Reg64 r = ra_.scratch_gpr();
    c_.mov(r, value);
    return {std::nullopt, r};
}

void BlockEmitter::alu(Alu op, const Reg& dst, const Source& src) {
    if (src.imm) {
        const uint32_t imm = *src.imm;
        switch (op) {
        case Alu::Add: c_.add(dst, imm); break;
        case Alu::Adc: c_.adc(dst, imm); break;
        case Alu::Sub: c_.sub(dst, imm); break;
        case Alu::Sbb: c_.sbb(dst, imm); break;
        case Alu::And: c_.and_(dst, imm); break;
        case Alu::Or: c_.or_(dst, imm); break;
        case Alu::Xor: c_.xor_(dst, imm); break;
        case Alu::Cmp: c_.cmp(dst, imm); break;
        }
        return;
    }
    const Reg s = exact_reg(src.reg, dst.getBit());
    switch (op) {
    case Alu::Add: c_.add(dst, s); break;
    case Alu::Adc: c_.adc(dst, s); break;
    case Alu::Sub: c_.sub(dst, s); break;
    case Alu::Sbb: c_.sbb(dst, s); break;
    case Alu::And: c_.and_(dst, s); break;
    case Alu::Or: c_.or_(dst, s); break;
    case Alu::Xor: c_.xor_(dst, s); break;
    case Alu::Cmp: c_.cmp(dst, s); break;
    }
}

// Back to the canonical form: a value of `bits` zero-extended to 64 bits.
void BlockEmitter::zero_extend(const Reg64& r, unsigned bits) {
    switch (bits) {
    case 1: c_.and_(r.cvt32(), 1); break;
    case 8: c_.movzx(r.cvt32(), r.cvt8()); break;
    case 16: c_.movzx(r.cvt32(), r.cvt16()); break;
    case 32: c_.mov(r.cvt32(), r.cvt32()); break;
    default: break;
    }
}

// r = ~r within `bits`, staying canonical.
void BlockEmitter::not_within(const Reg64& r, unsigned bits) {
    if (bits == 64) c_.not_(r);
    else if (bits == 32) c_.not_(r.cvt32());
    else c_.xor_(r.cvt32(), static_cast<uint32_t>(ir::width_mask(bits)));
}

void BlockEmitter::set_bool(const Reg64& res, Cond cond) {
    const Reg8 b = res.cvt8();
    switch (cond) {
    case Cond::Z: c_.setz(b); break;
    case Cond::NZ: c_.setnz(b); break;
    case Cond::C: c_.setc(b); break;
    case Cond::NC: c_.setnc(b); break;
    case Cond::S: c_.sets(b); break;
    case Cond::NS: c_.setns(b); break;
    }
    c_.movzx(res.cvt32(), b);
}

// res = the x86 flags as an Arm NZCV word (bits 31:28). pushfq leaves CF at
// bit 0, ZF at 6, SF at 7 and OF at 11; one multiply moves all four into
// place (SF,ZF by 24, CF by 29, OF by 17); the other partial products land
// outside bits 31:28 without carrying into them.
void BlockEmitter::pack_flags(const Reg64& res, bool invert_carry) {
    if (invert_carry) c_.cmc();
    c_.pushfq();
    c_.pop(res);
    c_.and_(res.cvt32(), 0x8C1);
    c_.imul(res, res, (1 << 24) | (1 << 29) | (1 << 17));
    c_.and_(res.cvt32(), 0xF0000000u);
}

}  // namespace ferry::x64
