// 128-bit vector lane arithmetic on SSE: logic, add/sub/mul, compares,
// min/max, abs/neg, shifts by immediate, saturating add/sub (with FPSR.QC),
// bit select. Lane moves, permutes, tables and reductions are in
// emit_vector_permute.cpp. What has no short SSE form (64-bit multiplies,
// widening/narrowing saturation, ...) calls its reference function.
#include <algorithm>

#include "backend/x64/block_emitter.h"
#include "backend/x64/jit_abi.h"
#include "ir/semantics.h"
#include "ir/vec_flags.h"

namespace ferry::x64 {

using namespace Xbyak;
using ir::Opcode;

namespace {
constexpr uint32_t kFpsrQC = 1u << 27;

uint64_t replicate(uint64_t value, unsigned esize) {
    uint64_t r = 0;
    for (unsigned i = 0; i < 64; i += esize) r |= value << i;
    return r;
}
}  // namespace

bool BlockEmitter::emit_vector(const ir::Inst& inst) {
    switch (inst.op) {
    case Opcode::VecAnd:
    case Opcode::VecOr:
    case Opcode::VecXor: emit_vec_logic(inst); return true;
    case Opcode::VecAndNot:
    case Opcode::VecOrNot:
    case Opcode::VecNot: emit_vec_not_variant(inst); return true;
    case Opcode::VecBsl: emit_vec_bsl(inst); return true;
    case Opcode::VecAdd:
    case Opcode::VecSub:
    case Opcode::VecMul:
    case Opcode::VecCmpEq:
    case Opcode::VecCmpGtS:
    case Opcode::VecMaxU:
    case Opcode::VecMinU:
    case Opcode::VecMaxS:
    case Opcode::VecMinS: return emit_vec_lanes(inst);
    case Opcode::VecCmpGeS:
    case Opcode::VecCmpGtU:
    case Opcode::VecCmpGeU:
    case Opcode::VecCmpTst: return emit_vec_compare(inst);
    case Opcode::VecFromU64: emit_vec_from_u64(inst); return true;
    case Opcode::VecFromU64x2: emit_vec_from_u64x2(inst); return true;
    case Opcode::VecLow64: emit_vec_half(inst, false); return true;
    case Opcode::VecHigh64: emit_vec_half(inst, true); return true;
    case Opcode::VecShlImm:
    case Opcode::VecLsrImm:
    case Opcode::VecAsrImm: return emit_vec_shift_imm(inst);
    case Opcode::VecNeg: emit_vec_neg(inst); return true;
    case Opcode::VecAbs: return emit_vec_abs(inst);
    case Opcode::VecDup: emit_vec_dup(inst); return true;
    case Opcode::VecSatAdd: return emit_vec_sat_add(inst);
    default: return emit_vector_permute(inst);
    }
}

void BlockEmitter::all_ones(const Xmm& x) { c_.pcmpeqd(x, x); }

// A 128-bit constant, placed after the block's code.
Address BlockEmitter::vec_constant(uint64_t lo, uint64_t hi) {
    for (const VecConstant& k : constants_)
        if (k.lo == lo && k.hi == hi) return c_.xword[c_.rip + k.label];
    VecConstant& k = constants_.emplace_back();
    k.lo = lo;
    k.hi = hi;
    return c_.xword[c_.rip + k.label];
}
Address BlockEmitter::splat_constant(uint64_t value, unsigned esize) {
    const uint64_t r = replicate(value & ir::width_mask(esize), esize);
    return vec_constant(r, r);
}

void BlockEmitter::emit_vec_logic(const ir::Inst& inst) {
    ir::ValueId a = inst.args[0], b = inst.args[1];
    if (!ra_.dies_here(a) && ra_.dies_here(b)) std::swap(a, b);  // commutative: update the dying one
    const Xmm other = ra_.use_xmm(b);
    const Xmm res = ra_.def_xmm_copy(a);
    switch (inst.op) {
    case Opcode::VecAnd: c_.pand(res, other); break;
    case Opcode::VecOr: c_.por(res, other); break;
    default: c_.pxor(res, other); break;
    }
}

void BlockEmitter::emit_vec_not_variant(const ir::Inst& inst) {
    if (inst.op == Opcode::VecNot) {
        const Xmm ones = ra_.scratch_xmm();
        const Xmm res = ra_.def_xmm_copy(inst.args[0]);
        all_ones(ones);
        c_.pxor(res, ones);
        return;
    }
    // a & ~b = pandn(b, a); a | ~b = (b ^ ones) | a.
    const Xmm a = ra_.use_xmm(inst.args[0]);
    const Xmm res = ra_.def_xmm_copy(inst.args[1]);
    if (inst.op == Opcode::VecAndNot) {
        c_.pandn(res, a);
        return;
    }
    const Xmm ones = ra_.scratch_xmm();
    all_ones(ones);
    c_.pxor(res, ones);
    c_.por(res, a);
}

// (m & a) | (~m & b) = ((a ^ b) & m) ^ b.
void BlockEmitter::emit_vec_bsl(const ir::Inst& inst) {
    const Xmm m = ra_.use_xmm(inst.args[0]), b = ra_.use_xmm(inst.args[2]);
    const Xmm res = ra_.def_xmm_copy(inst.args[1]);
    c_.pxor(res, b);
    c_.pand(res, m);
    c_.pxor(res, b);
}

// The SSE instruction for dst = dst op src over esize lanes, if this host has one.
std::optional<BlockEmitter::LaneInsn> BlockEmitter::lane_insn(Opcode op, unsigned esize) const {
    using G = CodeGenerator;
    const bool sse41 = ctx_.features.sse41;
    const int size = esize == 8 ? 0 : esize == 16 ? 1 : esize == 32 ? 2 : 3;
    const auto pick = [size](LaneInsn b, LaneInsn h, LaneInsn s, LaneInsn d) -> std::optional<LaneInsn> {
        const LaneInsn forms[] = {b, h, s, d};
        if (!forms[size]) return std::nullopt;
        return forms[size];
    };
    const auto sse41_only = [sse41](LaneInsn f) { return sse41 ? f : nullptr; };
    switch (op) {
    case Opcode::VecAdd: return pick(&sse<&G::paddb>, &sse<&G::paddw>, &sse<&G::paddd>, &sse<&G::paddq>);
    case Opcode::VecSub: return pick(&sse<&G::psubb>, &sse<&G::psubw>, &sse<&G::psubd>, &sse<&G::psubq>);
    case Opcode::VecMul: return pick(nullptr, &sse<&G::pmullw>, sse41_only(&sse<&G::pmulld>), nullptr);
    case Opcode::VecCmpEq:
        return pick(&sse<&G::pcmpeqb>, &sse<&G::pcmpeqw>, &sse<&G::pcmpeqd>, sse41_only(&sse<&G::pcmpeqq>));
    case Opcode::VecCmpGtS:  // pcmpgtq is SSE4.2
        return pick(&sse<&G::pcmpgtb>, &sse<&G::pcmpgtw>, &sse<&G::pcmpgtd>, nullptr);
    case Opcode::VecMaxU:
        return pick(&sse<&G::pmaxub>, sse41_only(&sse<&G::pmaxuw>), sse41_only(&sse<&G::pmaxud>), nullptr);
    case Opcode::VecMinU:
        return pick(&sse<&G::pminub>, sse41_only(&sse<&G::pminuw>), sse41_only(&sse<&G::pminud>), nullptr);
    case Opcode::VecMaxS:
        return pick(sse41_only(&sse<&G::pmaxsb>), &sse<&G::pmaxsw>, sse41_only(&sse<&G::pmaxsd>), nullptr);
    case Opcode::VecMinS:
        return pick(sse41_only(&sse<&G::pminsb>), &sse<&G::pminsw>, sse41_only(&sse<&G::pminsd>), nullptr);
    default: return std::nullopt;
    }
}

// Lane-wise operations: imm0 is the element size.
bool BlockEmitter::emit_vec_lanes(const ir::Inst& inst) {
    const unsigned esize = static_cast<unsigned>(inst.imm0);
    if (inst.op == Opcode::VecMul && esize == 8) return emit_vec_mul8(inst);
    const auto insn = lane_insn(inst.op, esize);
    if (!insn) return false;
    const Xmm b = ra_.use_xmm(inst.args[1]);
    const Xmm res = ra_.def_xmm_copy(inst.args[0]);
    (*insn)(c_, res, b);
    return true;
}

// Bytes have no multiply: the even bytes' products from one pmullw, the odd
// bytes' from another on the words shifted down.
bool BlockEmitter::emit_vec_mul8(const ir::Inst& inst) {
    const Xmm a = ra_.use_xmm(inst.args[0]), b = ra_.use_xmm(inst.args[1]);
    const Xmm odd_a = ra_.scratch_xmm(), odd_b = ra_.scratch_xmm();
    const Xmm res = ra_.def_xmm();
    c_.movdqa(res, a);
    c_.pmullw(res, b);
    c_.pand(res, splat_constant(0x00ff, 16));
    c_.movdqa(odd_a, a);
    c_.psrlw(odd_a, 8);
    c_.movdqa(odd_b, b);
    c_.psrlw(odd_b, 8);
    c_.pmullw(odd_a, odd_b);
    c_.psllw(odd_a, 8);
    c_.por(res, odd_a);
    return true;
}

// GE signed = NOT(b > a); unsigned compares on biased (sign-flipped) lanes;
// TST = NOT((a & b) == 0).
bool BlockEmitter::emit_vec_compare(const ir::Inst& inst) {
    const unsigned esize = static_cast<unsigned>(inst.imm0);
    if (esize == 64 && inst.op != Opcode::VecCmpTst) return false;
    if (esize == 64 && !ctx_.features.sse41) return false;
    const auto gt = *lane_insn(Opcode::VecCmpGtS, esize == 64 ? 32 : esize);
    const auto eq = *lane_insn(Opcode::VecCmpEq, esize);
    const Xmm a = ra_.use_xmm(inst.args[0]), b = ra_.use_xmm(inst.args[1]);
    const Xmm t = ra_.scratch_xmm();
    const Xmm res = ra_.def_xmm();
    switch (inst.op) {
    case Opcode::VecCmpGeS:  // ~(b > a)
        c_.movdqa(res, b);
        gt(c_, res, a);
        c_.pxor(res, splat_constant(~uint64_t{0}, esize));
        break;
    case Opcode::VecCmpGtU:  // (a ^ bias) > (b ^ bias)
        c_.movdqa(res, a);
        c_.pxor(res, splat_constant(uint64_t{1} << (esize - 1), esize));
        c_.movdqa(t, b);
        c_.pxor(t, splat_constant(uint64_t{1} << (esize - 1), esize));
        gt(c_, res, t);
        break;
    case Opcode::VecCmpGeU:  // ~((b ^ bias) > (a ^ bias))
        c_.movdqa(res, b);
        c_.pxor(res, splat_constant(uint64_t{1} << (esize - 1), esize));
        c_.movdqa(t, a);
        c_.pxor(t, splat_constant(uint64_t{1} << (esize - 1), esize));
        gt(c_, res, t);
        c_.pxor(res, splat_constant(~uint64_t{0}, esize));
        break;
    default:  // VecCmpTst
        c_.movdqa(res, a);
        c_.pand(res, b);
        c_.pxor(t, t);
        eq(c_, res, t);
        c_.pxor(res, splat_constant(~uint64_t{0}, esize));
        break;
    }
    return true;
}

// From an FP result's XMM shadow when it has one (movq clears the upper half).
void BlockEmitter::emit_vec_from_u64(const ir::Inst& inst) {
    const Reg64 v = ra_.use_gpr(inst.args[0]);
    const std::optional<Xmm> shadow = ra_.fp_shadow(inst.args[0]);
    const Xmm res = ra_.def_xmm();
    if (shadow) c_.movq(res, *shadow);
    else c_.movq(res, v);
}

void BlockEmitter::emit_vec_from_u64x2(const ir::Inst& inst) {
    const Reg64 lo = ra_.use_gpr(inst.args[0]), hi = ra_.use_gpr(inst.args[1]);
    const Xmm high = ra_.scratch_xmm();
    const Xmm res = ra_.def_xmm();
    c_.movq(res, lo);
    c_.movq(high, hi);
    c_.punpcklqdq(res, high);
}

void BlockEmitter::emit_vec_half(const ir::Inst& inst, bool high) {
    const Xmm v = ra_.use_xmm(inst.args[0]);
    if (!high) {
        // The low half is often an FP operand: it keeps an XMM shadow too.
        const Xmm shadow = ra_.scratch_xmm();
        const Reg64 res = ra_.def_gpr();
        c_.movq(res, v);
        c_.movq(shadow, v);
        ra_.keep_fp_shadow(shadow);
        return;
    }
    const Reg64 res = ra_.def_gpr();
    if (ctx_.features.sse41) {
        c_.pextrq(res, v, 1);
    } else {
        const Xmm t = ra_.scratch_xmm();
        c_.pshufd(t, v, 0xEE);
        c_.movq(res, t);
    }
}

// Shifts by an immediate 0..esize: SSE gives 0 (logical) or the sign
// (arithmetic) for counts of esize and more, as Arm does. Bytes shift as
// words with the bits that cross into the neighbour masked off; arithmetic
// shifts without an SSE form are logical ones with the sign extended by
// ((x >> n) ^ m) - m, m = the shifted sign bit.
bool BlockEmitter::emit_vec_shift_imm(const ir::Inst& inst) {
    const unsigned esize = static_cast<unsigned>(inst.imm0);
    const bool is_asr = inst.op == Opcode::VecAsrImm;
    const auto n = static_cast<uint8_t>(std::min<uint64_t>(inst.imm1, is_asr ? esize - 1 : esize));
    const Xmm res = ra_.def_xmm_copy(inst.args[0]);
    const auto logical_right = [&] {
        switch (esize) {
        case 8:
            if (n >= 8) return c_.pxor(res, res);
            c_.psrlw(res, n);
            return c_.pand(res, splat_constant(0xff >> n, 8));
        case 16: return c_.psrlw(res, n);
        case 32: return c_.psrld(res, n);
        default: return c_.psrlq(res, n);
        }
    };
    switch (inst.op) {
    case Opcode::VecShlImm:
        switch (esize) {
        case 8:
            if (n >= 8) {
                c_.pxor(res, res);
            } else {
                c_.psllw(res, n);
                c_.pand(res, splat_constant(0xff << n, 8));
            }
            break;
        case 16: c_.psllw(res, n); break;
        case 32: c_.pslld(res, n); break;
        default: c_.psllq(res, n); break;
        }
        break;
    case Opcode::VecLsrImm: logical_right(); break;
    default:
        if (esize == 16) {
            c_.psraw(res, n);
        } else if (esize == 32) {
            c_.psrad(res, n);
        } else {
            logical_right();
            const Address m = splat_constant((uint64_t{1} << (esize - 1)) >> n, esize);
            c_.pxor(res, m);
            esize == 8 ? c_.psubb(res, m) : c_.psubq(res, m);
        }
        break;
    }
    return true;
}

// 0 - a, lane-wise.
void BlockEmitter::emit_vec_neg(const ir::Inst& inst) {
    const Xmm a = ra_.use_xmm(inst.args[0]);
    const Xmm res = ra_.def_xmm();
    c_.pxor(res, res);
    (*lane_insn(Opcode::VecSub, static_cast<unsigned>(inst.imm0)))(c_, res, a);
}

// ABS keeps the most negative value, as pabs* does.
bool BlockEmitter::emit_vec_abs(const ir::Inst& inst) {
    const unsigned esize = static_cast<unsigned>(inst.imm0);
    if (esize == 64 || !ctx_.features.ssse3) return false;
    const Xmm a = ra_.use_xmm(inst.args[0]);
    const Xmm res = ra_.def_xmm();
    esize == 8 ? c_.pabsb(res, a) : esize == 16 ? c_.pabsw(res, a) : c_.pabsd(res, a);
    return true;
}

void BlockEmitter::emit_vec_dup(const ir::Inst& inst) {
    const Reg64 v = ra_.use_gpr(inst.args[0]);
    const Xmm res = ra_.def_xmm();
    switch (inst.imm0) {
    case 8:
        c_.movd(res, v.cvt32());
        c_.punpcklbw(res, res);
        c_.pshuflw(res, res, 0);
        c_.punpcklqdq(res, res);
        break;
    case 16:
        c_.movd(res, v.cvt32());
        c_.pshuflw(res, res, 0);
        c_.punpcklqdq(res, res);
        break;
    case 32:
        c_.movd(res, v.cvt32());
        c_.pshufd(res, res, 0);
        break;
    default:
        c_.movq(res, v);
        c_.punpcklqdq(res, res);
        break;
    }
}

// [SU]QADD/[SU]QSUB on bytes and halfwords: SSE's saturating forms. FPSR.QC
// is set when a lane saturated, i.e. differs from the wrapping result.
bool BlockEmitter::emit_vec_sat_add(const ir::Inst& inst) {
    using G = CodeGenerator;
    const unsigned esize = static_cast<unsigned>(inst.imm0);
    const bool is_unsigned = inst.imm1 & ir::vec::kUnsigned, subtract = inst.imm1 & ir::vec::kSubtract;
    if ((inst.imm1 & ir::vec::kMixed) || !(esize == 8 || esize == 16) || !ctx_.features.sse41) return false;
    static constexpr LaneInsn kSaturating[2][2][2] = {  // [subtract][unsigned][halfword]
        {{&sse<&G::paddsb>, &sse<&G::paddsw>}, {&sse<&G::paddusb>, &sse<&G::paddusw>}},
        {{&sse<&G::psubsb>, &sse<&G::psubsw>}, {&sse<&G::psubusb>, &sse<&G::psubusw>}}};
    const LaneInsn saturating = kSaturating[subtract][is_unsigned][esize == 16];
    const LaneInsn wrapping = *lane_insn(subtract ? Opcode::VecSub : Opcode::VecAdd, esize);
    const Xmm a = ra_.use_xmm(inst.args[0]), b = ra_.use_xmm(inst.args[1]);
    const Xmm wrapped = ra_.scratch_xmm();
    const Xmm res = ra_.def_xmm();
    c_.movdqa(res, a);
    saturating(c_, res, b);
    c_.movdqa(wrapped, a);
    wrapping(c_, wrapped, b);
    c_.pxor(wrapped, res);
    Label exact;
    c_.ptest(wrapped, wrapped);
    c_.jz(exact);
    c_.or_(c_.dword[abi::kState + offsetof(CpuState, fpsr)], kFpsrQC);
    c_.L(exact);
    return true;
}

}  // namespace ferry::x64
