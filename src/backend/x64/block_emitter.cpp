#include "backend/x64/block_emitter.h"

#include <algorithm>
#include <cstring>
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
    f.ssse3 = cpu.has(util::Cpu::tSSSE3);
    f.sse41 = cpu.has(util::Cpu::tSSE41);
    f.fma = cpu.has(util::Cpu::tFMA) && cpu.has(util::Cpu::tAVX);
    f.aes = cpu.has(util::Cpu::tAESNI);
    f.pclmul = cpu.has(util::Cpu::tPCLMULQDQ);
    return f;
}

BlockEmitter::BlockEmitter(CodeGenerator& code, const ir::Block& block, const EmitContext& context,
                           BlockProfile* profile)
    : c_(code), block_(block), ctx_(context), profile_(profile), ra_(code, block) {}

const void* BlockEmitter::emit() {
    const void* entry = c_.getCurr();
    if (may_loop()) emit_entry_check();
    if (profile_) count_execution();  // after the check: a block left at its entry did not run
    for (ir::ValueId id = 0; id < block_.insts.size(); ++id) {
        const ir::Inst& inst = block_.insts[id];
        if (inst.removed || shift_folds_into_add(id)) continue;
        ra_.begin(id);
        emit_inst(inst, id);
        ra_.end();
    }
    ra_.begin(static_cast<ir::ValueId>(block_.insts.size()));
    emit_terminal();
    emit_exit_stubs();
    emit_out_of_line();
    return entry;
}

// The instruction emitted after v (constants emit nothing), or the block's size: the terminal.
ir::ValueId BlockEmitter::next_emitted(ir::ValueId v) const {
    ir::ValueId next = v + 1;
    while (next < block_.insts.size() && (block_.insts[next].removed || block_.insts[next].op == Opcode::Const)) ++next;
    return next;
}

// Is the next instruction (or the terminal) v's only user, one that can read
// v from the x86 flags: a Select's condition or a Branch?
bool BlockEmitter::only_user_is_next(ir::ValueId v) const {
    const ir::ValueId next = next_emitted(v);
    if (ra_.last_use(v) != next) return false;
    if (next == block_.insts.size())
        return block_.terminal.kind == ir::Terminal::Kind::Branch && block_.terminal.value == v;
    const ir::Inst& user = block_.insts[next];
    return user.op == Opcode::Select && user.args[0] == v && user.args[1] != v && user.args[2] != v;
}

// Is v a 64-bit shift left by 1..3 whose only user is a 64-bit Add that
// computes it inside one lea (a register-offset address: base + index <<
// scale)? Then v is not emitted, and the Add reads the shifted value.
bool BlockEmitter::shift_folds_into_add(ir::ValueId v) const {
    const ir::Inst& shift = block_.insts[v];
    if (shift.op != Opcode::Lsl || shift.type != ir::Type::U64 || ra_.is_const(shift.args[0]) ||
        !ra_.is_const(shift.args[1]))
        return false;
    const uint64_t amount = ra_.const_value(shift.args[1]);
    if (amount < 1 || amount > 3) return false;
    const ir::ValueId user = ra_.last_use(v);
    if (user == block_.insts.size()) return false;
    const ir::Inst& add = block_.insts[user];
    if (add.op != Opcode::Add || add.type != ir::Type::U64 || add.args[0] == add.args[1]) return false;
    for (ir::ValueId i = v + 1; i < user; ++i)
        if (!block_.insts[i].removed && std::ranges::find(block_.insts[i].args, v) != block_.insts[i].args.end())
            return false;
    const ir::ValueId base = add.args[0] == v ? add.args[1] : add.args[0];
    return !ra_.is_const(base);
}

// Is v a 64-bit Get read only by Truncs to 32 bits or fewer? Then it loads
// just the low half (zero-extended), which already is the 32-bit Trunc.
bool BlockEmitter::get_loads_low_half(ir::ValueId v) const {
    const Opcode op = block_.insts[v].op;
    if (op != Opcode::GetX && op != Opcode::GetSP && op != Opcode::GetTPIDR) return false;
    const ir::ValueId last = ra_.last_use(v);
    if (last == block_.insts.size()) return false;  // the terminal reads it
    for (ir::ValueId i = v + 1; i <= last; ++i) {
        const ir::Inst& user = block_.insts[i];
        if (user.removed || std::ranges::find(user.args, v) == user.args.end()) continue;
        if (user.op != Opcode::Trunc || ir::bit_width(user.type) > 32) return false;
    }
    return true;
}

// The condition under which the flags say v is true, when v was left in them.
std::optional<BlockEmitter::Cond> BlockEmitter::fused_cond(ir::ValueId v) {
    if (!fused_ || fused_->value != v) return std::nullopt;
    const Cond cond = fused_->cond;
    fused_.reset();
    return cond;
}

void BlockEmitter::emit_inst(const ir::Inst& inst, ir::ValueId id) {
    switch (inst.op) {
    case Opcode::Const: break;  // materialised where used
    case Opcode::GetX: emit_get(abi::x_offset(inst.imm0), get_loads_low_half(id) ? 32 : 64); break;
    case Opcode::SetX: emit_set(inst, abi::x_offset(inst.imm0), 64); break;
    case Opcode::GetSP: emit_get(offsetof(CpuState, sp), get_loads_low_half(id) ? 32 : 64); break;
    case Opcode::SetSP: emit_set(inst, offsetof(CpuState, sp), 64); break;
    case Opcode::GetTPIDR: emit_get(offsetof(CpuState, tpidr_el0), get_loads_low_half(id) ? 32 : 64); break;
    case Opcode::SetTPIDR: emit_set(inst, offsetof(CpuState, tpidr_el0), 64); break;
    case Opcode::GetNZCV: emit_get(offsetof(CpuState, nzcv), 32); break;
    case Opcode::SetNZCV: emit_set_nzcv(inst); break;
    case Opcode::GetFPCR: emit_get(offsetof(CpuState, fpcr), 32); break;
    case Opcode::SetFPCR:
        emit_set(inst, offsetof(CpuState, fpcr), 32);
        load_guest_mxcsr(c_, ra_.scratch_gpr().cvt32(), ra_.scratch_gpr().cvt32());  // the new rounding mode
        break;
    case Opcode::GetFPSR: emit_get(offsetof(CpuState, fpsr), 32); break;
    case Opcode::SetFPSR: emit_set(inst, offsetof(CpuState, fpsr), 32); break;
    case Opcode::GetV: emit_get_v(inst); break;
    case Opcode::ReadSpEl0: emit_read_sp_el0(inst); break;
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
    case Opcode::Eq:
        if (arg(inst, 0).type == ir::Type::U128) emit_eq_u128(inst);
        else emit_condition(inst, id);
        break;
    case Opcode::IsZero:
        if (arg(inst, 0).type == ir::Type::U128) emit_is_zero_u128(inst);
        else emit_condition(inst, id);
        break;
    case Opcode::TestBit:
        if (arg(inst, 0).type == ir::Type::U128) emit_call(inst);
        else emit_condition(inst, id);
        break;
    case Opcode::CondCompare: emit_condition(inst, id); break;
    case Opcode::NZCVAdd: emit_nzcv_add(inst, false); break;
    case Opcode::NZCVSub: emit_nzcv_add(inst, true); break;
    case Opcode::NZCVLogic: emit_nzcv_logic(inst); break;
    case Opcode::CondHolds: emit_cond_holds(inst); break;
    case Opcode::GetCarry: emit_get_carry(inst); break;

    case Opcode::Barrier: c_.mfence(); break;  // the reference's seq_cst fence, without the call

    case Opcode::Load:
        if (ctx_.inline_guest_memory) emit_load(inst);
        else if (ctx_.soft_tlb) emit_soft_tlb_load(inst);
        else emit_call(inst);
        break;
    case Opcode::Store:
        if (ctx_.inline_guest_memory) emit_store(inst);
        else if (ctx_.soft_tlb) emit_soft_tlb_store(inst);
        else emit_call(inst);
        break;

    default:
        if (!emit_fp(inst) && !emit_vector(inst) && !emit_crypto(inst, id)) emit_call(inst);
        break;
    }
}

// The call itself, with inst's arguments already stored at kCallArgsOffset:
// Vec128 fn(CpuState*, const Vec128* args, imm0, imm1, type), result in rax:rdx.
void BlockEmitter::call_reference(const ir::Inst& inst) {
    c_.mov(c_.rdi, abi::kState);
    c_.lea(c_.rsi, c_.ptr[c_.rsp + abi::kCallArgsOffset]);
    c_.mov(c_.rdx, inst.imm0);
    c_.mov(c_.rcx, inst.imm1);
    c_.mov(c_.r8d, static_cast<uint32_t>(inst.type));
    c_.mov(c_.rax, reinterpret_cast<uint64_t>(ir::semantic_fn(inst.op)));
    c_.call(c_.rax);
}

// The reference function as the only code for inst.
void BlockEmitter::emit_call(const ir::Inst& inst) {
    ra_.spill_caller_saved();
    ra_.store_args_as_vec128(abi::kCallArgsOffset);
    call_reference(inst);
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

// The reference function of inst as the rare path of an inline emitter.
// The inline code jumps to `entry` with inst's operands still in `args`
// (in argument order); the call keeps every register but `result`, which
// receives the reference's result (as does `result_shadow`, an FP result's
// XMM shadow), and goes on at `resume`.
void BlockEmitter::fallback_out_of_line(const ir::Inst& inst, std::initializer_list<Reg> args, const Reg& result,
                                        Label& entry, Label& resume, std::optional<Xmm> result_shadow) {
    const uint32_t result_bit = 1u << result.getIdx();
    const uint32_t gprs = ra_.busy_gprs() & RegAlloc::kCallerSavedGprs & ~(result.isXMM() ? 0 : result_bit);
    const uint32_t xmms = ra_.busy_xmms() & ~(result.isXMM() ? result_bit : 0) &
                          ~(result_shadow ? 1u << result_shadow->getIdx() : 0);
    FallbackCall call{&inst, {}, args.size(), result, &entry, &resume, gprs, xmms, result_shadow};
    std::copy(args.begin(), args.end(), call.args.begin());
    fallback_calls_.push_back(call);
    // By index: a closure this small lives inside the std::function, unallocated.
    out_of_line_.push_back([this, index = fallback_calls_.size() - 1] { emit_fallback_call(fallback_calls_[index]); });
}

void BlockEmitter::emit_fallback_call(const FallbackCall& call) {
    const auto saved_gpr = [](int r) { return util::qword[util::rsp + abi::kFallbackSaveOffset + 8 * r]; };
    const auto saved_xmm = [](int r) { return util::xword[util::rsp + abi::kFallbackSaveXmmOffset + 16 * r]; };
    const ir::Inst& inst = *call.inst;
    const Reg& result = call.result;
    c_.L(*call.entry);
    for (int r = 0; r < 16; ++r) {
        if (call.saved_gprs & (1u << r)) c_.mov(saved_gpr(r), Reg64(r));
        if (call.saved_xmms & (1u << r)) c_.movdqu(saved_xmm(r), Xmm(r));
    }
    for (size_t i = 0; i < call.num_args; ++i) {
        const int offset = abi::kCallArgsOffset + 16 * static_cast<int>(i);
        if (call.args[i].isXMM()) {
            c_.movdqu(c_.xword[c_.rsp + offset], Xmm(call.args[i].getIdx()));
        } else {
            c_.mov(c_.qword[c_.rsp + offset], Reg64(call.args[i].getIdx()));
            c_.mov(c_.qword[c_.rsp + offset + 8], 0);
        }
    }
    call_reference(inst);
    if (result.isXMM()) {
        // Through a neighbour XMM, restored below if it was in use.
        const Xmm res(result.getIdx()), high((result.getIdx() + 1) % 16);
        c_.movq(res, c_.rax);
        c_.movq(high, c_.rdx);
        c_.punpcklqdq(res, high);
    } else if (result.getIdx() != Operand::RAX) {
        c_.mov(Reg64(result.getIdx()), c_.rax);
    }
    if (call.result_shadow) c_.movq(*call.result_shadow, c_.rax);
    for (int r = 0; r < 16; ++r) {
        if (call.saved_gprs & (1u << r)) c_.mov(Reg64(r), saved_gpr(r));
        if (call.saved_xmms & (1u << r)) c_.movdqu(Xmm(r), saved_xmm(r));
    }
    c_.jmp(*call.resume, CodeGenerator::T_NEAR);
}

void BlockEmitter::emit_out_of_line() {
    for (const SoftTlbMiss& miss : soft_tlb_misses_) emit_soft_tlb_miss(miss);
    for (const auto& emit : out_of_line_) emit();
    if (constants_.empty()) return;
    c_.align(16);
    for (VecConstant& k : constants_) {
        c_.L(k.label);
        c_.dq(k.lo);
        c_.dq(k.hi);
    }
}

// MXCSR for the guest: FPCR.RMode as RC (Arm RN, RP, RM, RZ = 0, 1, 2, 3;
// x86 RN, down, up, zero = 0, 1, 2, 3: RP and RM swap), every exception
// masked, no flags; also kept in the frame for emit_fp.cpp's checked paths.
// t and u are scratch.
void load_guest_mxcsr(CodeGenerator& c, const Reg32& t, const Reg32& u) {
    c.mov(t, abi::state_dword(offsetof(CpuState, fpcr)));
    c.shr(t, 22);
    c.and_(t, 3);
    c.mov(u, t);  // swap the two bits when they differ
    c.shr(u, 1);
    c.xor_(u, t);
    c.and_(u, 1);
    c.imul(u, u, 3);
    c.xor_(t, u);
    c.shl(t, 13);
    c.or_(t, 0x1F80);
    c.mov(c.dword[c.rsp + abi::kGuestMxcsrOffset], t);
    c.ldmxcsr(c.dword[c.rsp + abi::kGuestMxcsrOffset]);
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
        // xbyak takes a 16-bit operation's immediate only in int16 form.
        const uint32_t imm = dst.getBit() == 16 ? static_cast<uint32_t>(static_cast<int16_t>(*src.imm)) : *src.imm;
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
    setcc(res.cvt8(), cond);
    c_.movzx(res.cvt32(), res.cvt8());
}

void BlockEmitter::setcc(const Reg8& r, Cond cond) {
    switch (cond) {
    case Cond::O: c_.seto(r); break;
    case Cond::NO: c_.setno(r); break;
    case Cond::B: c_.setb(r); break;
    case Cond::AE: c_.setae(r); break;
    case Cond::E: c_.sete(r); break;
    case Cond::NE: c_.setne(r); break;
    case Cond::BE: c_.setbe(r); break;
    case Cond::A: c_.seta(r); break;
    case Cond::S: c_.sets(r); break;
    case Cond::NS: c_.setns(r); break;
    case Cond::P: c_.setp(r); break;
    case Cond::NP: c_.setnp(r); break;
    case Cond::L: c_.setl(r); break;
    case Cond::GE: c_.setge(r); break;
    case Cond::LE: c_.setle(r); break;
    case Cond::G: c_.setg(r); break;
    }
}

void BlockEmitter::cmovcc(const Reg& dst, const Reg& src, Cond cond) {
    switch (cond) {
    case Cond::O: c_.cmovo(dst, src); break;
    case Cond::NO: c_.cmovno(dst, src); break;
    case Cond::B: c_.cmovb(dst, src); break;
    case Cond::AE: c_.cmovae(dst, src); break;
    case Cond::E: c_.cmove(dst, src); break;
    case Cond::NE: c_.cmovne(dst, src); break;
    case Cond::BE: c_.cmovbe(dst, src); break;
    case Cond::A: c_.cmova(dst, src); break;
    case Cond::S: c_.cmovs(dst, src); break;
    case Cond::NS: c_.cmovns(dst, src); break;
    case Cond::P: c_.cmovp(dst, src); break;
    case Cond::NP: c_.cmovnp(dst, src); break;
    case Cond::L: c_.cmovl(dst, src); break;
    case Cond::GE: c_.cmovge(dst, src); break;
    case Cond::LE: c_.cmovle(dst, src); break;
    case Cond::G: c_.cmovg(dst, src); break;
    }
}

// A jcc rel32 (6 bytes), whatever the distance, so that chaining can patch it.
void bind_rel32_here(CodeGenerator& c, uint8_t* field) {
    const auto rel = static_cast<int32_t>(c.getCurr() - (field + 4));
    std::memcpy(field, &rel, sizeof rel);
}

void BlockEmitter::jcc(Label& target, Cond cond) {
    constexpr auto near = CodeGenerator::T_NEAR;
    switch (cond) {
    case Cond::O: c_.jo(target, near); break;
    case Cond::NO: c_.jno(target, near); break;
    case Cond::B: c_.jb(target, near); break;
    case Cond::AE: c_.jae(target, near); break;
    case Cond::E: c_.je(target, near); break;
    case Cond::NE: c_.jne(target, near); break;
    case Cond::BE: c_.jbe(target, near); break;
    case Cond::A: c_.ja(target, near); break;
    case Cond::S: c_.js(target, near); break;
    case Cond::NS: c_.jns(target, near); break;
    case Cond::P: c_.jp(target, near); break;
    case Cond::NP: c_.jnp(target, near); break;
    case Cond::L: c_.jl(target, near); break;
    case Cond::GE: c_.jge(target, near); break;
    case Cond::LE: c_.jle(target, near); break;
    case Cond::G: c_.jg(target, near); break;
    }
}

// rax = the x86 flags as an Arm NZCV word (bits 31:28). lahf puts SF, ZF and
// CF in ah (bits 15, 14 and 8 of eax) and seto puts OF in bit 0; one multiply
// moves them to bits 31, 30, 29 and 28 (by 16, 16, 21 and 28); the other
// partial products land above bit 31 or, without carries, below bit 25.
void BlockEmitter::pack_flags_into_rax(bool invert_carry) {
    if (invert_carry) c_.cmc();
    c_.seto(c_.al);
    c_.lahf();
    c_.and_(c_.eax, 0xC101);
    c_.imul(c_.eax, c_.eax, (1 << 16) | (1 << 21) | (1 << 28));
    c_.and_(c_.eax, 0xF0000000u);
}

}  // namespace ferry::x64
