// Scalar floating point on the host's SSE unit, exact to the Arm ARM.
//
// MXCSR holds the guest's rounding mode (FPCR.RMode as RC) while translated
// code runs, every exception masked: run() loads it, SetFPCR reloads it.
// Each inline op has three paths:
//
// - fast, inline: when FPCR.FZ = FPCR.DN = 0 and FPSR.IXC is already set (so
//   that whether this op is inexact does not matter: IXC is sticky, and
//   programs set it early), the SSE instruction runs and its result is
//   screened by its exponent alone: x86 and Arm agree on the value and on
//   every other flag unless the result is a NaN or infinite or may have
//   overflowed (exponent at the top), or, for ops that can underflow, is
//   zero, subnormal or may have been rounded up to the smallest normal
//   (exponent 0 or 1: Arm detects tininess before rounding, x86 after).
//   Screened-out results take the checked path. Operands that are
//   subnormal need nothing: without FZ both compute with them exactly.
// - checked, out of line: MXCSR's flags cleared, the SSE instruction again,
//   then the flags read back: IE (x86's default NaN is negative, and its NaN
//   choice differs for signalling NaNs), ZE, OE, UE, or a result that is the
//   smallest normal go to the reference; PE sets FPSR.IXC.
// - reference, out of line: the opcode's reference function (software FP),
//   which also sets FPSR exactly. FZ and DN have no x86 twin with Arm's
//   flags (IDC, UFC, default NaN), so with either set every op comes here.
//
// Half precision, FRINTA/FCVTA* (ties away), fixed-point conversions and the
// estimates always call the reference.
#include "backend/x64/block_emitter.h"
#include "backend/x64/jit_abi.h"

namespace ferry::x64 {

using namespace Xbyak;
using ir::FPRounding;
using ir::Opcode;

namespace {

constexpr uint8_t kMxcsrIE = 0x01, kMxcsrZE = 0x04, kMxcsrOE = 0x08, kMxcsrUE = 0x10, kMxcsrPE = 0x20;
constexpr uint8_t kMxcsrDivert = kMxcsrIE | kMxcsrZE | kMxcsrOE | kMxcsrUE;
constexpr uint8_t kFpsrIXC = 1u << 4;
// FPCR.FZ (bit 24) and FPCR.DN (bit 25), as bits of FPCR's top byte.
constexpr uint8_t kFpcrFZ_DN_TopByte = 0b11;
constexpr uint8_t kFpcrFZ_TopByte = 0b01;
constexpr uint32_t kNzcvLess = 0x8u << 28, kNzcvEqual = 0x6u << 28, kNzcvGreater = 0x2u << 28;

Address fpcr_top_byte() { return util::byte[abi::kState + offsetof(CpuState, fpcr) + 3]; }
Address fpsr_low_byte() { return util::byte[abi::kState + offsetof(CpuState, fpsr)]; }
Address mxcsr_scratch() { return util::dword[util::rsp + abi::kMxcsrScratchOffset]; }
Address guest_mxcsr() { return util::dword[util::rsp + abi::kGuestMxcsrOffset]; }

// roundsd's immediate for an Arm rounding (bit 2 = use MXCSR.RC).
std::optional<uint8_t> sse_rounding(FPRounding r) {
    switch (r) {
    case FPRounding::TieEven: return 0;
    case FPRounding::NegInf: return 1;
    case FPRounding::PosInf: return 2;
    case FPRounding::Zero: return 3;
    case FPRounding::Fpcr: return 4;
    default: return std::nullopt;  // TieAway
    }
}

unsigned exponent_ones(unsigned bits) { return bits == 64 ? 0x7ff : 0xff; }

}  // namespace

bool BlockEmitter::emit_fp(const ir::Inst& inst) {
    const unsigned bits = static_cast<unsigned>(inst.imm0);
    const bool single_or_double = bits == 32 || bits == 64;
    switch (inst.op) {
    case Opcode::FPAdd:
    case Opcode::FPSub:
    case Opcode::FPMul:
    case Opcode::FPMulX:
    case Opcode::FPDiv:
    case Opcode::FPSqrt:
        if (!single_or_double) return false;
        emit_fp_arith(inst);
        return true;
    case Opcode::FPMulAdd:
        if (!single_or_double || !ctx_.features.fma) return false;
        emit_fp_mul_add(inst);
        return true;
    case Opcode::FPMax:
    case Opcode::FPMin:
    case Opcode::FPMaxNum:
    case Opcode::FPMinNum:
        if (!single_or_double) return false;
        emit_fp_max_min(inst);
        return true;
    case Opcode::FPCompare:
    case Opcode::FPCondCompare:
        if (!single_or_double) return false;
        emit_fp_compare(inst);
        return true;
    case Opcode::FPRoundInt: {
        const auto rounding = sse_rounding(static_cast<FPRounding>(inst.imm1 & 0xf));
        if (!single_or_double || !rounding || !ctx_.features.sse41) return false;
        emit_fp_round_int(inst, *rounding, (inst.imm1 >> 4) & 1);
        return true;
    }
    case Opcode::FPConvert:
        if (!single_or_double || !(inst.imm1 == 32 || inst.imm1 == 64) || inst.imm0 == inst.imm1) return false;
        emit_fp_convert(inst);
        return true;
    case Opcode::FPToFixed: return emit_fp_to_int(inst);
    case Opcode::FixedToFP: return emit_int_to_fp(inst);
    default: return false;
    }
}

// The guest value r (the low `bits`) into x, and back.
void BlockEmitter::fp_to_xmm(const Xmm& x, const Reg64& r, unsigned bits) {
    if (bits == 64) c_.movq(x, r);
    else c_.movd(x, r.cvt32());
}
void BlockEmitter::fp_from_xmm(const Reg64& r, const Xmm& x, unsigned bits) {
    if (bits == 64) c_.movq(r, x);
    else c_.movd(r.cvt32(), x);
}

BlockEmitter::FpOperand BlockEmitter::fp_operand(ir::ValueId v) {
    const Reg64 gpr = ra_.use_gpr(v);
    return {gpr, ra_.fp_shadow(v)};
}

// x = the operand (to be overwritten).
void BlockEmitter::load_fp(const Xmm& x, const FpOperand& o, unsigned bits) {
    if (o.shadow) c_.movaps(x, *o.shadow);
    else fp_to_xmm(x, o.gpr, bits);
}

// The operand as an SSE source: its shadow, or `scratch` loaded from its GPR.
Xmm BlockEmitter::fp_source(const FpOperand& o, const Xmm& scratch, unsigned bits) {
    if (o.shadow) return *o.shadow;
    fp_to_xmm(scratch, o.gpr, bits);
    return scratch;
}

// t = the biased exponent of the FP bits in `value` (t is scratch).
void BlockEmitter::fp_exponent(const Reg64& t, const Reg64& value, unsigned bits) {
    if (bits == 64) c_.lea(t, c_.ptr[value + value]);  // without the sign
    else c_.lea(t.cvt32(), c_.ptr[value + value]);
    c_.shr(t, bits == 64 ? 53 : 24);
}

// Jumps to `out` unless the exponent of the result in `value` is in the
// range where x86 and Arm agree:
// below the top two (no NaN, infinity or overflow) and, when `low_too`,
// above 1 (no zero, subnormal or tiny result rounded up to normal).
void BlockEmitter::screen_result(const Reg64& value, const Reg64& t, unsigned bits, bool low_too, Label& out) {
    fp_exponent(t, value, bits);
    if (low_too) {
        c_.sub(t.cvt32(), 2);
        c_.cmp(t.cvt32(), exponent_ones(bits) - 3);
    } else {
        c_.cmp(t.cvt32(), exponent_ones(bits) - 1);
    }
    c_.jae(out, CodeGenerator::T_NEAR);
}

// The three paths of an inline op (see the top of the file) around
// `compute`, which emits the SSE instruction(s) leaving the result in x from
// operand registers it does not change. The fast path runs when FPCR.FZ =
// FPCR.DN = 0 and, if `needs_ixc`, FPSR.IXC is set; `screen` checks its
// result in res (res holds no operand) and may jump to the checked path.
// `underflows`: the checked path sends a result equal to the smallest normal
// to the reference, and NaN results too with `nan_to_reference`. Every
// register was allocated before: nothing here may spill.
void BlockEmitter::fp_with_fallbacks(const ir::Inst& inst, std::initializer_list<Reg> args, const Reg64& res,
                                     const Xmm& x, const Reg64& t, unsigned result_bits, bool needs_ixc,
                                     bool underflows, const std::function<void(Label& checked)>& screen,
                                     const std::function<void()>& compute, bool nan_to_reference) {
    Label& reference = new_label();
    Label& checked = new_label();
    Label& resume = new_label();
    c_.test(fpcr_top_byte(), kFpcrFZ_DN_TopByte);
    c_.jnz(reference, CodeGenerator::T_NEAR);
    if (needs_ixc) {
        c_.test(fpsr_low_byte(), kFpsrIXC);
        c_.jz(checked, CodeGenerator::T_NEAR);
    }
    compute();
    fp_from_xmm(res, x, result_bits);
    screen(checked);
    c_.L(resume);
    out_of_line_.push_back([this, compute, x, t, res, result_bits, underflows, nan_to_reference, &checked, &reference,
                            &resume] {
        c_.L(checked);
        c_.ldmxcsr(guest_mxcsr());  // no flags
        compute();
        c_.stmxcsr(mxcsr_scratch());
        c_.test(c_.byte[c_.rsp + abi::kMxcsrScratchOffset], kMxcsrDivert);
        c_.jnz(reference, CodeGenerator::T_NEAR);
        if (nan_to_reference) {
            result_bits == 64 ? c_.ucomisd(x, x) : c_.ucomiss(x, x);
            c_.jp(reference, CodeGenerator::T_NEAR);
        }
        if (underflows) {
            fp_from_xmm(t, x, result_bits);
            c_.add(t, t);
            if (result_bits == 64) {
                c_.ror(t, 53);  // 2 * the smallest normal, 0x0020000000000000, becomes 1
                c_.cmp(t, 1);
            } else {
                c_.cmp(t.cvt32(), 0x00800000u << 1);
            }
            c_.je(reference, CodeGenerator::T_NEAR);
        }
        merge_inexact();
        fp_from_xmm(res, x, result_bits);
        c_.jmp(resume, CodeGenerator::T_NEAR);
    });
    // A double result keeps x as its shadow (a single's x may hold garbage in
    // bits 32..63, which a double op reading the shadow would see).
    const bool shadowed = result_bits == 64;
    fallback_out_of_line(inst, args, res, reference, resume, shadowed ? std::optional<Xmm>(x) : std::nullopt);
    if (shadowed) ra_.keep_fp_shadow(x);
}

// FPSR.IXC |= MXCSR.PE, from the copy at the MXCSR scratch slot.
void BlockEmitter::merge_inexact() {
    Label exact;
    c_.test(c_.byte[c_.rsp + abi::kMxcsrScratchOffset], kMxcsrPE);
    c_.jz(exact);
    c_.or_(fpsr_low_byte(), kFpsrIXC);
    c_.L(exact);
}

// ADD/SUB/MUL/MULX/DIV/SQRT. MULX differs from MUL only for 0 * inf, an
// invalid operation on x86. Sums and roots are never tiny and inexact at
// once, so only their top exponents are screened.
void BlockEmitter::emit_fp_arith(const ir::Inst& inst) {
    const unsigned bits = static_cast<unsigned>(inst.imm0);
    const bool unary = inst.op == Opcode::FPSqrt, additive = inst.op == Opcode::FPAdd || inst.op == Opcode::FPSub;
    const bool underflows = !unary && !additive;
    const FpOperand a = fp_operand(inst.args[0]);
    const FpOperand b = unary ? a : fp_operand(inst.args[1]);
    const Xmm x = ra_.scratch_xmm(), scratch = ra_.scratch_xmm();
    const Reg64 t = ra_.scratch_gpr();
    const Reg64 res = ra_.def_gpr();  // not an operand's register: the operands stay for the other paths
    const bool d = bits == 64;
    const auto compute = [this, &inst, a, b, x, scratch, bits, d, unary] {
        load_fp(x, a, bits);
        const Xmm y = unary ? x : fp_source(b, scratch, bits);
        switch (inst.op) {
        case Opcode::FPAdd: d ? c_.addsd(x, y) : c_.addss(x, y); break;
        case Opcode::FPSub: d ? c_.subsd(x, y) : c_.subss(x, y); break;
        case Opcode::FPDiv: d ? c_.divsd(x, y) : c_.divss(x, y); break;
        case Opcode::FPSqrt: d ? c_.sqrtsd(x, x) : c_.sqrtss(x, x); break;
        default: d ? c_.mulsd(x, y) : c_.mulss(x, y); break;
        }
    };
    const auto screen = [&](Label& checked) { screen_result(res, t, bits, underflows, checked); };
    if (unary) fp_with_fallbacks(inst, {a.gpr}, res, x, t, bits, true, false, screen, compute);
    else fp_with_fallbacks(inst, {a.gpr, b.gpr}, res, x, t, bits, true, underflows, screen, compute);
}

// addend + op1 * op2 with one rounding (vfmadd231: x = y * z + x). NaN
// results always go to the reference: Arm makes qNaN + inf * 0 the default
// NaN.
void BlockEmitter::emit_fp_mul_add(const ir::Inst& inst) {
    const unsigned bits = static_cast<unsigned>(inst.imm0);
    const FpOperand a = fp_operand(inst.args[0]), b = fp_operand(inst.args[1]), c = fp_operand(inst.args[2]);
    const Xmm x = ra_.scratch_xmm(), y = ra_.scratch_xmm(), z = ra_.scratch_xmm();
    const Reg64 t = ra_.scratch_gpr();
    const Reg64 res = ra_.def_gpr();
    const auto compute = [this, a, b, c, x, y, z, bits] {
        load_fp(x, a, bits);
        const Xmm op1 = fp_source(b, y, bits), op2 = fp_source(c, z, bits);
        bits == 64 ? c_.vfmadd231sd(x, op1, op2) : c_.vfmadd231ss(x, op1, op2);
    };
    const auto screen = [&](Label& checked) { screen_result(res, t, bits, true, checked); };
    fp_with_fallbacks(inst, {a.gpr, b.gpr, c.gpr}, res, x, t, bits, true, true, screen, compute, true);
}

// FMAX/FMIN(NM) of two numbers: x86's max/min, except that Arm orders the
// zeros (max(+0, -0) = +0, min = -0), which the AND (max) or OR (min) of
// equal operands' bits gives. NaN operands go to the reference.
void BlockEmitter::emit_fp_max_min(const ir::Inst& inst) {
    const unsigned bits = static_cast<unsigned>(inst.imm0);
    const bool is_max = inst.op == Opcode::FPMax || inst.op == Opcode::FPMaxNum;
    const FpOperand fa = fp_operand(inst.args[0]), fb = fp_operand(inst.args[1]);
    const Reg64 a = fa.gpr, b = fb.gpr;
    const Xmm x = ra_.scratch_xmm(), scratch = ra_.scratch_xmm();
    const Reg64 equal = ra_.scratch_gpr();
    const Reg64 res = ra_.def_gpr();
    Label& slow = new_label();
    Label& resume = new_label();
    c_.test(fpcr_top_byte(), kFpcrFZ_TopByte);  // FZ flushes subnormal operands (IDC)
    c_.jnz(slow, CodeGenerator::T_NEAR);
    const Reg32e eq = op_reg(equal, bits);  // a single's operands may have garbage above bit 31
    c_.mov(eq, op_reg(a, bits));
    if (is_max) c_.and_(eq, op_reg(b, bits));
    else c_.or_(eq, op_reg(b, bits));
    load_fp(x, fa, bits);
    const Xmm y = fp_source(fb, scratch, bits);
    const bool d = bits == 64;
    d ? c_.ucomisd(x, y) : c_.ucomiss(x, y);
    c_.jp(slow, CodeGenerator::T_NEAR);
    if (is_max) d ? c_.maxsd(x, y) : c_.maxss(x, y);
    else d ? c_.minsd(x, y) : c_.minss(x, y);
    fp_from_xmm(res, x, bits);
    c_.cmove(op_reg(res, bits), eq);  // ZF from ucomis: the operands compare equal
    c_.L(resume);
    fallback_out_of_line(inst, {a, b}, res, slow, resume);
}

// FCMP/FCMPE (and FCCMP when its condition holds) as NZCV: less 1000, equal
// 0110, greater 0010. Unordered operands go to the reference (IOC rules).
void BlockEmitter::emit_fp_compare(const ir::Inst& inst) {
    const unsigned bits = static_cast<unsigned>(inst.imm0);
    const bool conditional = inst.op == Opcode::FPCondCompare;
    const FpOperand fa = fp_operand(inst.args[0]), fb = fp_operand(inst.args[1]);
    const Reg64 a = fa.gpr, b = fb.gpr;
    const Reg64 cond = conditional ? ra_.use_gpr(inst.args[2]) : Reg64();
    const Xmm scratch_x = ra_.scratch_xmm(), scratch_y = ra_.scratch_xmm();
    const Reg64 t = ra_.scratch_gpr();
    const Reg64 res = ra_.def_gpr();
    Label& slow = new_label();
    Label& resume = new_label();
    if (conditional) {
        c_.mov(res.cvt32(), static_cast<uint32_t>((inst.imm1 >> 4) & 0xf) << 28);
        c_.test(cond.cvt32(), 1);
        c_.jz(resume, CodeGenerator::T_NEAR);
    }
    c_.test(fpcr_top_byte(), kFpcrFZ_TopByte);
    c_.jnz(slow, CodeGenerator::T_NEAR);
    const Xmm x = fp_source(fa, scratch_x, bits), y = fp_source(fb, scratch_y, bits);
    bits == 64 ? c_.ucomisd(x, y) : c_.ucomiss(x, y);
    c_.jp(slow, CodeGenerator::T_NEAR);
    c_.mov(res.cvt32(), kNzcvGreater);
    c_.mov(t.cvt32(), kNzcvEqual);
    c_.cmove(res.cvt32(), t.cvt32());
    c_.mov(t.cvt32(), kNzcvLess);
    c_.cmovb(res.cvt32(), t.cvt32());
    c_.L(resume);
    if (conditional) fallback_out_of_line(inst, {a, b, cond}, res, slow, resume);
    else fallback_out_of_line(inst, {a, b}, res, slow, resume);
}

// FRINT*: roundsd in the instruction's mode. Only FRINTX reports inexact
// (PE; the others suppress it with immediate bit 3); only a NaN or infinite
// result needs screening.
void BlockEmitter::emit_fp_round_int(const ir::Inst& inst, uint8_t mode, bool exact) {
    const unsigned bits = static_cast<unsigned>(inst.imm0);
    const FpOperand a = fp_operand(inst.args[0]);
    const Xmm x = ra_.scratch_xmm();
    const Reg64 t = ra_.scratch_gpr();
    const Reg64 res = ra_.def_gpr();
    const auto compute = [this, a, x, bits, imm = static_cast<uint8_t>(mode | (exact ? 0 : 8))] {
        const Xmm src = fp_source(a, x, bits);
        bits == 64 ? c_.roundsd(x, src, imm) : c_.roundss(x, src, imm);
    };
    const auto screen = [&](Label& checked) { screen_result(res, t, bits, false, checked); };
    fp_with_fallbacks(inst, {a.gpr}, res, x, t, bits, exact, false, screen, compute);
}

// FCVT between single and double. A quiet NaN keeps the top of its payload
// on both (screened out all the same); narrowing can overflow and underflow.
void BlockEmitter::emit_fp_convert(const ir::Inst& inst) {
    const unsigned from = static_cast<unsigned>(inst.imm0), to = static_cast<unsigned>(inst.imm1);
    const FpOperand a = fp_operand(inst.args[0]);
    const Xmm x = ra_.scratch_xmm();
    const Reg64 t = ra_.scratch_gpr();
    const Reg64 res = ra_.def_gpr();
    const auto compute = [this, a, x, from] {
        fp_to_xmm(x, a.gpr, from);  // from the GPR: x's other bits must be zero for a double's shadow
        from == 32 ? c_.cvtss2sd(x, x) : c_.cvtsd2ss(x, x);
    };
    const bool narrowing = to == 32;
    const auto screen = [&](Label& checked) { screen_result(res, t, to, narrowing, checked); };
    fp_with_fallbacks(inst, {a.gpr}, res, x, t, to, narrowing, narrowing, screen, compute);
}

// FCVT[NMPZ][SU] and the FCVTZ* of FP-to-integer moves: the value rounded to
// an integer in the instruction's mode (roundsd, PE when inexact), then
// truncated by cvttsd2si (or converted in the guest's mode by cvtsd2si).
// x86 gives the "integer indefinite" (the most negative value) for NaNs and
// out-of-range values with IE; the fast path sends that value, and for
// unsigned results anything outside the range, to the checked path, which
// sends IE and the range misses to the reference (it saturates). Fixed point
// (fbits) and ties-away always use the reference.
bool BlockEmitter::emit_fp_to_int(const ir::Inst& inst) {
    const unsigned bits = static_cast<unsigned>(inst.imm0);
    const unsigned int_bits = inst.imm1 & 0x7f, fbits = (inst.imm1 >> 12) & 0x7f;
    const bool is_unsigned = (inst.imm1 >> 7) & 1;
    const auto rounding = static_cast<FPRounding>((inst.imm1 >> 8) & 0xf);
    const auto mode = sse_rounding(rounding);
    if (!(bits == 32 || bits == 64) || !(int_bits == 32 || int_bits == 64) || fbits != 0 || !mode) return false;
    const bool round_first = rounding != FPRounding::Zero && rounding != FPRounding::Fpcr;
    if (round_first && !ctx_.features.sse41) return false;
    const FpOperand fa = fp_operand(inst.args[0]);
    const Reg64 a = fa.gpr;
    const Xmm scratch = ra_.scratch_xmm();
    const Reg64 n = ra_.scratch_gpr(), t = ra_.scratch_gpr();
    const Reg64 res = ra_.def_gpr_after_reads();
    // Signed 32-bit results convert to 32 bits; unsigned 32-bit ones to 64, then must fit.
    const bool narrow = int_bits == 32 && !is_unsigned;
    const auto convert = [this, fa, scratch, n, bits, narrow, round_first, rounding, m = *mode] {
        Xmm x = fp_source(fa, scratch, bits);
        if (round_first) {
            bits == 64 ? c_.roundsd(scratch, x, m) : c_.roundss(scratch, x, m);
            x = scratch;
        }
        const Reg dst = narrow ? Reg(n.cvt32()) : Reg(n);
        if (rounding == FPRounding::Fpcr) bits == 64 ? c_.cvtsd2si(dst, x) : c_.cvtss2si(dst, x);
        else bits == 64 ? c_.cvttsd2si(dst, x) : c_.cvttss2si(dst, x);
    };
    // Jumps to `out` when n is not a result Arm agrees with (the indefinite
    // value is the only one whose negation overflows).
    const auto check_range = [this, n, t, narrow, is_unsigned, int_bits](Label& out) {
        if (narrow) {
            c_.mov(t.cvt32(), n.cvt32());
            c_.neg(t.cvt32());
            c_.jo(out, CodeGenerator::T_NEAR);
        } else if (!is_unsigned) {
            c_.mov(t, n);
            c_.neg(t);
            c_.jo(out, CodeGenerator::T_NEAR);
        } else if (int_bits == 32) {
            c_.mov(t, n);
            c_.shr(t, 32);
            c_.jnz(out, CodeGenerator::T_NEAR);
        } else {
            c_.test(n, n);  // negative or indefinite
            c_.js(out, CodeGenerator::T_NEAR);
        }
    };
    Label& reference = new_label();
    Label& checked = new_label();
    Label& resume = new_label();
    c_.test(fpcr_top_byte(), kFpcrFZ_TopByte);
    c_.jnz(reference, CodeGenerator::T_NEAR);
    c_.test(fpsr_low_byte(), kFpsrIXC);
    c_.jz(checked, CodeGenerator::T_NEAR);
    convert();
    check_range(checked);
    c_.mov(res, n);
    c_.L(resume);
    out_of_line_.push_back([this, convert, check_range, n, res, &checked, &reference, &resume] {
        c_.L(checked);
        c_.ldmxcsr(guest_mxcsr());
        convert();
        c_.stmxcsr(mxcsr_scratch());
        c_.test(c_.byte[c_.rsp + abi::kMxcsrScratchOffset], kMxcsrIE);
        c_.jnz(reference, CodeGenerator::T_NEAR);
        check_range(reference);
        merge_inexact();
        c_.mov(res, n);
        c_.jmp(resume, CodeGenerator::T_NEAR);
    });
    fallback_out_of_line(inst, {a}, res, reference, resume);
    return true;
}

// SCVTF/UCVTF from 32- and 64-bit integers, rounded by MXCSR (the guest's
// mode). Only PE can happen, so with IXC set nothing is checked; otherwise
// MXCSR's flags are cleared before and read after. Unsigned 64-bit and fixed
// point use the reference.
bool BlockEmitter::emit_int_to_fp(const ir::Inst& inst) {
    const unsigned bits = static_cast<unsigned>(inst.imm0);
    const unsigned int_bits = inst.imm1 & 0x7f, fbits = (inst.imm1 >> 12) & 0x7f;
    const bool is_unsigned = (inst.imm1 >> 7) & 1;
    if (!(bits == 32 || bits == 64) || !(int_bits == 32 || int_bits == 64) || fbits != 0) return false;
    if (is_unsigned && int_bits == 64) return false;
    const Reg64 a = ra_.use_gpr(inst.args[0]);
    const Xmm x = ra_.scratch_xmm();
    const Reg64 wide = ra_.scratch_gpr();
    const Reg64 res = ra_.def_gpr_after_reads();
    Reg src = a;
    if (int_bits == 32 && is_unsigned) {
        c_.mov(wide.cvt32(), a.cvt32());  // zero-extended: exact in a 64-bit conversion
        src = wide;
    } else if (int_bits == 32) {
        src = a.cvt32();
    }
    Label known_inexact, done;
    c_.test(fpsr_low_byte(), kFpsrIXC);
    c_.jnz(known_inexact);
    c_.ldmxcsr(guest_mxcsr());
    c_.L(known_inexact);
    c_.xorps(x, x);  // cvtsi2s* merge into x: no dependency on its old value
    bits == 64 ? c_.cvtsi2sd(x, src) : c_.cvtsi2ss(x, src);
    c_.test(fpsr_low_byte(), kFpsrIXC);
    c_.jnz(done);
    c_.stmxcsr(mxcsr_scratch());
    merge_inexact();
    c_.L(done);
    fp_from_xmm(res, x, bits);
    if (bits == 64) ra_.keep_fp_shadow(x);
    return true;
}

}  // namespace ferry::x64
