// Integer arithmetic, logic, shifts, conversions and NZCV. Every value of
// type Un sits zero-extended in a 64-bit register; 8- and 16-bit results are
// computed in 32-bit registers and masked back.
#include "backend/x64/block_emitter.h"
#include "backend/x64/jit_abi.h"
#include "ir/semantics.h"

namespace ferry::x64 {

using namespace Xbyak;

namespace {
unsigned width(ir::Type t) { return ir::bit_width(t); }
bool may_leave_width(unsigned bits) { return bits < 32; }
}  // namespace

void BlockEmitter::emit_binary(const ir::Inst& inst, Alu op, bool commutative) {
    const unsigned bits = width(inst.type);
    ir::ValueId a = inst.args[0], b = inst.args[1];
    if (op == Alu::Add && add_scaled_with_lea(a, b)) return;
    // Prefer the constant as the immediate, and updating a dying operand in place.
    if (commutative && ((ra_.is_const(a) && !ra_.is_const(b)) || (!ra_.dies_here(a) && ra_.dies_here(b) && !ra_.is_const(b))))
        std::swap(a, b);
    if (op == Alu::And && ra_.is_const(b) && and_as_zero_extension(a, ra_.const_value(b))) return;
    if ((op == Alu::Add || op == Alu::Sub) && bits >= 32 && !ra_.dies_here(a) && add_with_lea(a, b, op == Alu::Sub, bits))
        return;
    const Reg64 res = ra_.def_gpr_copy(a);
    alu(op, op_reg(res, bits), source(b, bits));
    if ((op == Alu::Add || op == Alu::Sub) && may_leave_width(bits)) zero_extend(res, bits);
}

// a & 0xff, 0xffff or 0xffffffff: one zero-extending move, not a mask in a register.
bool BlockEmitter::and_as_zero_extension(ir::ValueId a, uint64_t mask) {
    unsigned from;
    switch (mask) {
    case 0xff: from = 8; break;
    case 0xffff: from = 16; break;
    case 0xffffffff: from = 32; break;
    default: return false;
    }
    const Reg64 src = ra_.use_gpr(a);
    const Reg64 res = ra_.def_gpr_after_reads();
    if (from == 32) c_.mov(res.cvt32(), src.cvt32());
    else c_.movzx(res.cvt32(), exact_reg(src, from));
    return true;
}

// res = a + b (or a - constant b) in a fresh register without copying a first,
// when a stays live. 32-bit sums are the low half of the 64-bit lea.
bool BlockEmitter::add_with_lea(ir::ValueId a, ir::ValueId b, bool subtract, unsigned bits) {
    std::optional<int64_t> disp;
    if (ra_.is_const(b)) {
        const uint64_t value = subtract ? 0 - ra_.const_value(b) : ra_.const_value(b);
        const auto wide = static_cast<int64_t>(bits == 32 ? static_cast<int32_t>(value) : value);
        if (wide != static_cast<int32_t>(wide)) return false;
        disp = wide;
    } else if (subtract) {
        return false;
    }
    const Reg64 ra = ra_.use_gpr(a);
    const Reg64 rb = disp ? Reg64() : ra_.use_gpr(b);
    const Reg64 res = ra_.def_gpr();
    if (disp) c_.lea(op_reg(res, bits), c_.ptr[ra + static_cast<int32_t>(*disp)]);
    else c_.lea(op_reg(res, bits), c_.ptr[ra + rb]);
    return true;
}

// a + (x << n) when shift_folds_into_add left the shift (either operand) to this Add.
bool BlockEmitter::add_scaled_with_lea(ir::ValueId a, ir::ValueId b) {
    if (shift_folds_into_add(a)) std::swap(a, b);
    else if (!shift_folds_into_add(b)) return false;
    const ir::Inst& shift = block_.insts[b];
    const Reg64 base = ra_.use_gpr(a);
    const Reg64 index = ra_.use_gpr_for_folded(shift.args[0]);
    const Reg64 res = ra_.def_gpr_after_reads();
    c_.lea(res, c_.ptr[base + index * (1 << ra_.const_value(shift.args[1]))]);
    return true;
}

void BlockEmitter::emit_add_carry(const ir::Inst& inst) {
    const unsigned bits = width(inst.type);
    const Reg64 res = ra_.def_gpr_copy(inst.args[0]);
    alu(Alu::Add, op_reg(res, bits), source(inst.args[1], bits));
    alu(Alu::Add, op_reg(res, bits), source(inst.args[2], 32));
    if (may_leave_width(bits)) zero_extend(res, bits);
}

void BlockEmitter::emit_mul(const ir::Inst& inst) {
    const unsigned bits = width(inst.type);
    ir::ValueId a = inst.args[0], b = inst.args[1];
    if (ra_.is_const(a) && !ra_.is_const(b)) std::swap(a, b);
    const Reg64 res = ra_.def_gpr_copy(a);
    const Source src = source(b, bits);
    if (src.imm) c_.imul(op_reg(res, bits), op_reg(res, bits), static_cast<int>(*src.imm));
    else c_.imul(op_reg(res, bits), op_reg(src.reg, bits));
    if (may_leave_width(bits)) zero_extend(res, bits);
}

void BlockEmitter::emit_mul_high(const ir::Inst& inst, bool is_signed) {
    ra_.claim(c_.rax);
    ra_.claim(c_.rdx);
    const Reg64 a = ra_.use_gpr(inst.args[0]);
    const Reg64 b = ra_.use_gpr(inst.args[1]);
    c_.mov(c_.rax, a);
    if (is_signed) c_.imul(b);
    else c_.mul(b);
    ra_.def_fixed(c_.rdx);
}

// Arm division never traps: x/0 = 0 and MIN/-1 = MIN (the negation wraps).
// 8- and 16-bit operands divide as 32-bit values (sign-extended for SDiv).
void BlockEmitter::emit_div(const ir::Inst& inst, bool is_signed) {
    const unsigned bits = width(inst.type);
    const unsigned op_bits = bits == 64 ? 64 : 32;
    ra_.claim(c_.rax);
    ra_.claim(c_.rdx);
    const Reg64 a = ra_.use_gpr(inst.args[0]);
    Reg64 divisor = ra_.use_gpr(inst.args[1]);
    if (is_signed && bits < 32) {
        const Reg64 wide = ra_.scratch_gpr();
        c_.movsx(wide.cvt32(), exact_reg(divisor, bits));
        c_.movsx(c_.eax, exact_reg(a, bits));
        divisor = wide;
    } else {
        c_.mov(op_reg(c_.rax, op_bits), op_reg(a, op_bits));
    }
    const Reg d = op_reg(divisor, op_bits);
    const Reg acc = op_reg(c_.rax, op_bits);
    Label by_zero, by_minus_one, done;
    c_.test(d, d);
    c_.jz(by_zero);
    if (is_signed) {
        c_.cmp(d, -1);
        c_.je(by_minus_one);
        if (op_bits == 64) c_.cqo();
        else c_.cdq();
        c_.idiv(d);
    } else {
        c_.xor_(c_.edx, c_.edx);
        c_.div(d);
    }
    c_.jmp(done);
    if (is_signed) {
        c_.L(by_minus_one);
        c_.neg(acc);
        c_.jmp(done);
    }
    c_.L(by_zero);
    c_.xor_(c_.eax, c_.eax);
    c_.L(done);
    if (may_leave_width(bits)) zero_extend(c_.rax, bits);
    ra_.def_fixed(c_.rax);
}

void BlockEmitter::emit_and_not(const ir::Inst& inst) {
    const unsigned bits = width(inst.type);
    const ir::ValueId a = inst.args[0], b = inst.args[1];
    if (ra_.is_const(b)) {  // BIC with an immediate: a & ~b
        const Reg64 res = ra_.def_gpr_copy(a);
        alu(Alu::And, op_reg(res, bits), constant_source(~ra_.const_value(b) & ir::width_mask(bits), bits));
        return;
    }
    if (ctx_.features.bmi1) {
        const Reg64 ra = ra_.use_gpr(a), rb = ra_.use_gpr(b);
        const Reg64 res = ra_.def_gpr_after_reads();
        c_.andn(op_reg(res, bits), op_reg(rb, bits), op_reg(ra, bits));
        return;
    }
    const Reg64 res = ra_.def_gpr_copy(b);
    c_.not_(op_reg(res, bits));
    alu(Alu::And, op_reg(res, bits), source(a, bits));
}

void BlockEmitter::emit_or_not(const ir::Inst& inst) {
    const unsigned bits = width(inst.type);
    const Reg64 res = ra_.def_gpr_copy(inst.args[1]);
    not_within(res, bits);
    alu(Alu::Or, op_reg(res, bits), source(inst.args[0], bits));
}

void BlockEmitter::emit_xor_not(const ir::Inst& inst) {
    const unsigned bits = width(inst.type);
    const Reg64 res = ra_.def_gpr_copy(inst.args[0]);
    alu(Alu::Xor, op_reg(res, bits), source(inst.args[1], bits));
    not_within(res, bits);
}

void BlockEmitter::emit_not(const ir::Inst& inst) {
    const Reg64 res = ra_.def_gpr_copy(inst.args[0]);
    not_within(res, width(inst.type));
}

void BlockEmitter::emit_neg(const ir::Inst& inst) {
    const unsigned bits = width(inst.type);
    const Reg64 res = ra_.def_gpr_copy(inst.args[0]);
    c_.neg(op_reg(res, bits));
    if (may_leave_width(bits)) zero_extend(res, bits);
}

// Arm shifts take the amount modulo the width. x86 masks the count to 5 bits
// (6 for 64-bit operations), which is the same for 32 and 64 bits; 8- and
// 16-bit amounts are masked explicitly. Rotates are periodic, so ror of an 8-
// or 16-bit register needs no mask.
void BlockEmitter::emit_shift(const ir::Inst& inst, Shift kind) {
    const unsigned bits = width(inst.type);
    const ir::ValueId a = inst.args[0], b = inst.args[1];
    auto shift_by = [&](const Reg64& res, const auto& amount) {
        if (kind == Shift::Ror) {
            c_.ror(exact_reg(res, bits), amount);
            return;
        }
        if (kind == Shift::Asr && bits < 32) c_.movsx(res.cvt32(), exact_reg(res, bits));
        switch (kind) {
        case Shift::Lsl: c_.shl(op_reg(res, bits), amount); break;
        case Shift::Lsr: c_.shr(op_reg(res, bits), amount); break;
        default: c_.sar(op_reg(res, bits), amount); break;
        }
        if (kind != Shift::Lsr && may_leave_width(bits)) zero_extend(res, bits);
    };

    if (ra_.is_const(b)) {
        const auto n = static_cast<uint8_t>(ra_.const_value(b) % bits);
        if (kind == Shift::Ror && n != 0 && bits >= 32 && ctx_.features.bmi2) {
            const Reg64 src = ra_.use_gpr(a);
            const Reg64 res = ra_.def_gpr_after_reads();
            c_.rorx(op_reg(res, bits), op_reg(src, bits), n);
            return;
        }
        const Reg64 res = ra_.def_gpr_copy(a);
        if (n != 0) shift_by(res, n);
        return;
    }
    if (kind != Shift::Ror && bits >= 32 && ctx_.features.bmi2) {
        const Reg64 src = ra_.use_gpr(a), amount = ra_.use_gpr(b);
        const Reg64 res = ra_.def_gpr_after_reads();
        const Reg32e r = op_reg(res, bits), s = op_reg(src, bits), n = op_reg(amount, bits);
        switch (kind) {
        case Shift::Lsl: c_.shlx(r, s, n); break;
        case Shift::Lsr: c_.shrx(r, s, n); break;
        default: c_.sarx(r, s, n); break;
        }
        return;
    }
    ra_.claim(c_.rcx);
    c_.mov(c_.ecx, ra_.use_gpr(b).cvt32());
    if (bits < 32 && kind != Shift::Ror) c_.and_(c_.ecx, bits - 1);
    shift_by(ra_.def_gpr_copy(a), c_.cl);
}

void BlockEmitter::emit_clz(const ir::Inst& inst) {
    const unsigned bits = width(inst.type);
    const Reg64 src = ra_.use_gpr(inst.args[0]);
    if (ctx_.features.lzcnt) {
        const Reg64 res = ra_.def_gpr_after_reads();
        c_.lzcnt(op_reg(res, bits), op_reg(src, bits));
        if (bits < 32) c_.sub(res.cvt32(), 32 - bits);
        return;
    }
    // bsr gives the index of the top set bit (undefined for 0, flagged by ZF):
    // clz = (op_bits - 1) - index, and index -1 stands for zero.
    const unsigned op_bits = bits == 64 ? 64 : 32;
    const Reg64 minus_one = ra_.scratch_gpr();
    const Reg64 res = ra_.def_gpr_after_reads();
    c_.mov(minus_one, -1);
    c_.bsr(op_reg(res, op_bits), op_reg(src, op_bits));
    c_.cmovz(op_reg(res, op_bits), op_reg(minus_one, op_bits));
    c_.neg(op_reg(res, op_bits));
    c_.add(op_reg(res, op_bits), bits - 1);
}

void BlockEmitter::emit_byte_rev(const ir::Inst& inst) {
    const unsigned bits = width(inst.type);
    const Reg64 res = ra_.def_gpr_copy(inst.args[0]);
    if (bits == 16) c_.rol(res.cvt16(), 8);
    else if (bits >= 32) c_.bswap(op_reg(res, bits));
}

void BlockEmitter::emit_zero_ext(const ir::Inst& inst) {
    // The source is already zero-extended: a copy (free when it dies here).
    ra_.def_gpr_copy(inst.args[0]);
}

void BlockEmitter::emit_sign_ext(const ir::Inst& inst) {
    const unsigned bits = width(inst.type);
    const unsigned from = width(arg(inst, 0).type);
    Reg64 res;
    if (from == 1) {
        res = ra_.def_gpr_copy(inst.args[0]);
        c_.neg(res);
    } else {
        const Reg64 src = ra_.use_gpr(inst.args[0]);
        res = ra_.def_gpr_after_reads();
        if (from == 32) c_.movsxd(res, src.cvt32());
        else if (from < 32) c_.movsx(res, exact_reg(src, from));
        else c_.mov(res, src);
    }
    if (bits < 64) zero_extend(res, bits);
}

void BlockEmitter::emit_trunc(const ir::Inst& inst) {
    const unsigned bits = width(inst.type);
    if (arg(inst, 0).type == ir::Type::U128) {
        const Xmm src = ra_.use_xmm(inst.args[0]);
        const Reg64 res = ra_.def_gpr();
        c_.movq(res, src);
        zero_extend(res, bits);
        return;
    }
    if (bits == 32 && get_loads_low_half(inst.args[0])) {
        ra_.def_gpr_copy(inst.args[0]);  // already loaded as 32 bits
        return;
    }
    const Reg64 src = ra_.use_gpr(inst.args[0]);
    const Reg64 res = ra_.def_gpr_after_reads();
    switch (bits) {
    case 1: c_.mov(res.cvt32(), src.cvt32()); c_.and_(res.cvt32(), 1); break;
    case 8: c_.movzx(res.cvt32(), src.cvt8()); break;
    case 16: c_.movzx(res.cvt32(), src.cvt16()); break;
    case 32: c_.mov(res.cvt32(), src.cvt32()); break;
    default: c_.mov(res, src); break;
    }
}

void BlockEmitter::emit_select(const ir::Inst& inst) {
    const unsigned bits = width(inst.type);
    const std::optional<Cond> fused = fused_cond(inst.args[0]);
    const Reg64 cond = fused ? Reg64() : ra_.use_gpr(inst.args[0]);
    const Reg64 if_true = ra_.use_gpr(inst.args[1]);
    const Reg64 res = ra_.def_gpr_copy(inst.args[2]);
    if (!fused) c_.test(cond.cvt32(), cond.cvt32());
    cmovcc(op_reg(res, bits), op_reg(if_true, bits), fused.value_or(Cond::NE));
}

// A U1 that is a condition of the x86 flags: set them, then leave the value
// there for its only user (a Select or a Branch right after), or materialise it.
void BlockEmitter::emit_condition(const ir::Inst& inst, ir::ValueId id) {
    const Cond cond = emit_compare_flags(inst);
    if (only_user_is_next(id)) {
        fused_ = FusedFlags{id, cond};
        return;
    }
    set_bool(ra_.def_gpr_after_reads(), cond);
}

BlockEmitter::Cond BlockEmitter::emit_compare_flags(const ir::Inst& inst) {
    switch (inst.op) {
    case ir::Opcode::Eq: {
        // Canonical values compare equal as 64-bit registers whatever their type.
        ir::ValueId a = inst.args[0], b = inst.args[1];
        if (ra_.is_const(a) && !ra_.is_const(b)) std::swap(a, b);
        alu(Alu::Cmp, ra_.use_gpr(a), source(b, 64));
        return Cond::E;
    }
    case ir::Opcode::IsZero: {
        const Reg64 a = ra_.use_gpr(inst.args[0]);
        c_.test(a, a);
        return Cond::E;
    }
    case ir::Opcode::TestBit: {
        const Reg64 a = ra_.use_gpr(inst.args[0]);
        if (inst.imm0 < 32) {
            c_.test(a.cvt32(), static_cast<uint32_t>(1u << inst.imm0));
            return Cond::NE;
        }
        c_.bt(a, static_cast<uint8_t>(inst.imm0));
        return Cond::B;
    }
    default: return emit_cond_compare_flags(inst);
    }
}

// ConditionHolds(cond, flags of the comparison) read from the x86 flags of
// the same comparison. N, Z and V agree with SF, ZF and OF; Arm's C is NOT
// x86's borrow after cmp, and the carry itself after add; test clears CF and
// OF as C and V are clear. HI after add (C AND NOT Z) becomes x86's A (NOT CF
// AND NOT ZF) once cmc inverts CF. An odd condition negates the even one below
// it, as an x86 condition does by flipping bit 0.
BlockEmitter::Cond BlockEmitter::emit_cond_compare_flags(const ir::Inst& inst) {
    const unsigned cond = static_cast<unsigned>(inst.imm0) & 0xf;
    if ((cond >> 1) == 7) {  // AL, NV: comparing a register with itself sets ZF
        c_.cmp(abi::kState, abi::kState);
        return Cond::E;
    }
    //                                   EQ       CS        MI       VS       HI        GE        GT
    static constexpr Cond kAfterCmp[] = {Cond::E, Cond::AE, Cond::S, Cond::O, Cond::A, Cond::GE, Cond::G};
    static constexpr Cond kAfterAdd[] = {Cond::E, Cond::B, Cond::S, Cond::O, Cond::A, Cond::GE, Cond::G};
    static constexpr Cond kAfterTest[] = {Cond::E, Cond::B, Cond::S, Cond::O, Cond::B, Cond::GE, Cond::G};
    const unsigned bits = static_cast<unsigned>(inst.imm1 >> 8);
    const ir::ValueId a = inst.args[0], b = inst.args[1];
    const Reg64 ra = ra_.use_gpr(a);
    const Source src = b == a ? Source{std::nullopt, ra} : source(b, bits);
    Cond holds;
    switch (static_cast<ir::CompareKind>(inst.imm1 & 0xff)) {
    case ir::CompareKind::Sub:
        alu(Alu::Cmp, exact_reg(ra, bits), src);
        holds = kAfterCmp[cond >> 1];
        break;
    case ir::CompareKind::Add: {
        const Reg64 sum = ra_.scratch_gpr();
        c_.mov(sum, ra);
        alu(Alu::Add, exact_reg(sum, bits), src);
        if ((cond >> 1) == 4) c_.cmc();
        holds = kAfterAdd[cond >> 1];
        break;
    }
    default:  // Logic
        if (src.imm) c_.test(exact_reg(ra, bits), *src.imm);
        else c_.test(exact_reg(ra, bits), exact_reg(src.reg, bits));
        holds = kAfterTest[cond >> 1];
        break;
    }
    return static_cast<Cond>(static_cast<uint8_t>(holds) ^ (cond & 1));
}

void BlockEmitter::emit_eq_u128(const ir::Inst& inst) {
    const Xmm xa = ra_.use_xmm(inst.args[0]), xb = ra_.use_xmm(inst.args[1]);
    const Xmm equal = ra_.scratch_xmm();
    const Reg64 res = ra_.def_gpr();
    c_.movdqa(equal, xa);
    c_.pcmpeqb(equal, xb);
    c_.pmovmskb(res.cvt32(), equal);
    c_.cmp(res.cvt32(), 0xFFFF);
    set_bool(res, Cond::E);
}

void BlockEmitter::emit_is_zero_u128(const ir::Inst& inst) {
    const Xmm x = ra_.use_xmm(inst.args[0]);
    if (ctx_.features.sse41) {
        c_.ptest(x, x);
        set_bool(ra_.def_gpr(), Cond::E);
        return;
    }
    const Xmm zero = ra_.scratch_xmm();
    const Reg64 res = ra_.def_gpr();
    c_.pxor(zero, zero);
    c_.pcmpeqb(zero, x);
    c_.pmovmskb(res.cvt32(), zero);
    c_.cmp(res.cvt32(), 0xFFFF);
    set_bool(res, Cond::E);
}

// NZCV of AddWithCarry(a, b, c) from the flags of the x86 add/adc, and of
// AddWithCarry(a, NOT b, c) = a - b - (1 - c) from those of sub/sbb with
// borrow-in NOT c: N, Z and V agree, and Arm's C is NOT x86's borrow.
void BlockEmitter::emit_nzcv_add(const ir::Inst& inst, bool subtract) {
    const unsigned bits = static_cast<unsigned>(inst.imm0);
    const ir::ValueId a = inst.args[0], b = inst.args[1], carry = inst.args[2];
    const std::optional<bool> known_carry =
        ra_.is_const(carry) ? std::optional<bool>(ra_.const_value(carry) & 1) : std::nullopt;
    ra_.claim(c_.rax);
    const Reg64 carry_reg = known_carry ? Reg64() : ra_.use_gpr(carry);
    const Reg64 ra = ra_.use_gpr(a);
    const Source src = source(b, bits);
    if (subtract && known_carry == true) {
        alu(Alu::Cmp, exact_reg(ra, bits), src);
    } else {
        const Reg64 work = ra_.scratch_gpr();
        const Reg dst = exact_reg(work, bits);
        c_.mov(work, ra);
        if (!known_carry) {
            c_.bt(carry_reg.cvt32(), 0);
            if (subtract) c_.cmc();
            alu(subtract ? Alu::Sbb : Alu::Adc, dst, src);
        } else if (subtract) {  // carry 0: borrow 1
            c_.stc();
            alu(Alu::Sbb, dst, src);
        } else if (*known_carry) {
            c_.stc();
            alu(Alu::Adc, dst, src);
        } else {
            alu(Alu::Add, dst, src);
        }
    }
    pack_flags_into_rax(subtract);
    ra_.def_fixed(c_.rax);
}

void BlockEmitter::emit_nzcv_logic(const ir::Inst& inst) {
    const unsigned bits = static_cast<unsigned>(inst.imm0);
    ra_.claim(c_.rax);
    const Reg r = exact_reg(ra_.use_gpr(inst.args[0]), bits);
    c_.test(r, r);  // clears CF and OF
    pack_flags_into_rax(false);
    ra_.def_fixed(c_.rax);
}

// ConditionHolds(cond, nzcv). The simple conditions test one flag bit; the
// compound ones first compute, in bit 31, HI = C AND NOT Z, LT = N EOR V or
// LE = (N EOR V) OR Z.
void BlockEmitter::emit_cond_holds(const ir::Inst& inst) {
    const unsigned cond = static_cast<unsigned>(inst.imm0) & 0xf;
    if ((cond >> 1) == 7) {  // AL, NV
        c_.mov(ra_.def_gpr().cvt32(), 1);
        return;
    }
    const bool invert = cond & 1;
    const Reg32 nzcv = ra_.use_gpr(inst.args[0]).cvt32();
    static constexpr uint8_t kFlagBit[] = {30, 29, 31, 28};  // EQ: Z, CS: C, MI: N, VS: V
    if ((cond >> 1) < 4) {
        c_.bt(nzcv, kFlagBit[cond >> 1]);
        set_bool(ra_.def_gpr_after_reads(), invert ? Cond::AE : Cond::B);
        return;
    }
    const Reg64 res = ra_.def_gpr();
    const Reg32 r = res.cvt32();
    bool holds_when_set = !invert;
    switch (cond >> 1) {
    case 4: {  // HI: C AND NOT Z
        const Reg32 z = ra_.scratch_gpr().cvt32();
        c_.mov(r, nzcv);
        c_.shl(r, 2);
        c_.mov(z, nzcv);
        c_.shl(z, 1);
        c_.not_(z);
        c_.and_(r, z);
        break;
    }
    case 5:  // GE = NOT LT
        c_.mov(r, nzcv);
        c_.shl(r, 3);
        c_.xor_(r, nzcv);
        holds_when_set = invert;
        break;
    default: {  // GT = NOT LE
        const Reg32 z = ra_.scratch_gpr().cvt32();
        c_.mov(r, nzcv);
        c_.shl(r, 3);
        c_.xor_(r, nzcv);
        c_.mov(z, nzcv);
        c_.shl(z, 1);
        c_.or_(r, z);
        holds_when_set = invert;
        break;
    }
    }
    c_.test(r, r);
    set_bool(res, holds_when_set ? Cond::S : Cond::NS);
}

void BlockEmitter::emit_get_carry(const ir::Inst& inst) {
    const Reg64 res = ra_.def_gpr_copy(inst.args[0]);
    c_.shr(res.cvt32(), 29);
    c_.and_(res.cvt32(), 1);
}

}  // namespace ferry::x64
