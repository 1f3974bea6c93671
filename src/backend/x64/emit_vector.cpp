// 128-bit vector operations with a direct SSE form. The rest (saturating,
// pairwise, permutes, FP, ...) call their reference functions.
#include <algorithm>

#include "backend/x64/block_emitter.h"

namespace ferry::x64 {

using namespace Xbyak;
using ir::Opcode;

bool BlockEmitter::emit_vector(const ir::Inst& inst) {
    switch (inst.op) {
    case Opcode::VecAnd:
    case Opcode::VecOr:
    case Opcode::VecXor: emit_vec_logic(inst); return true;
    case Opcode::VecAndNot:
    case Opcode::VecOrNot:
    case Opcode::VecNot: emit_vec_not_variant(inst); return true;
    case Opcode::VecAdd:
    case Opcode::VecSub:
    case Opcode::VecCmpEq:
    case Opcode::VecCmpGtS: return emit_vec_lanes(inst);
    case Opcode::VecFromU64: emit_vec_from_u64(inst); return true;
    case Opcode::VecFromU64x2: emit_vec_from_u64x2(inst); return true;
    case Opcode::VecLow64: emit_vec_half(inst, false); return true;
    case Opcode::VecHigh64: emit_vec_half(inst, true); return true;
    case Opcode::VecShlImm:
    case Opcode::VecLsrImm:
    case Opcode::VecAsrImm: return emit_vec_shift_imm(inst);
    case Opcode::VecNeg: emit_vec_neg(inst); return true;
    case Opcode::VecDup: emit_vec_dup(inst); return true;
    default: return false;
    }
}

void BlockEmitter::all_ones(const Xmm& x) { c_.pcmpeqd(x, x); }

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

// Lane-wise operations: imm0 is the element size.
bool BlockEmitter::emit_vec_lanes(const ir::Inst& inst) {
    using Emit = void (*)(CodeGenerator&, const Xmm&, const Xmm&);
    struct Forms { Emit b, h, s, d; };
    static constexpr Forms kAdd{
        [](CodeGenerator& c, const Xmm& x, const Xmm& y) { c.paddb(x, y); },
        [](CodeGenerator& c, const Xmm& x, const Xmm& y) { c.paddw(x, y); },
        [](CodeGenerator& c, const Xmm& x, const Xmm& y) { c.paddd(x, y); },
        [](CodeGenerator& c, const Xmm& x, const Xmm& y) { c.paddq(x, y); }};
    static constexpr Forms kSub{
        [](CodeGenerator& c, const Xmm& x, const Xmm& y) { c.psubb(x, y); },
        [](CodeGenerator& c, const Xmm& x, const Xmm& y) { c.psubw(x, y); },
        [](CodeGenerator& c, const Xmm& x, const Xmm& y) { c.psubd(x, y); },
        [](CodeGenerator& c, const Xmm& x, const Xmm& y) { c.psubq(x, y); }};
    static constexpr Forms kCmpEq{
        [](CodeGenerator& c, const Xmm& x, const Xmm& y) { c.pcmpeqb(x, y); },
        [](CodeGenerator& c, const Xmm& x, const Xmm& y) { c.pcmpeqw(x, y); },
        [](CodeGenerator& c, const Xmm& x, const Xmm& y) { c.pcmpeqd(x, y); },
        [](CodeGenerator& c, const Xmm& x, const Xmm& y) { c.pcmpeqq(x, y); }};
    static constexpr Forms kCmpGtS{
        [](CodeGenerator& c, const Xmm& x, const Xmm& y) { c.pcmpgtb(x, y); },
        [](CodeGenerator& c, const Xmm& x, const Xmm& y) { c.pcmpgtw(x, y); },
        [](CodeGenerator& c, const Xmm& x, const Xmm& y) { c.pcmpgtd(x, y); },
        nullptr};  // pcmpgtq is SSE4.2
    const Forms& forms = inst.op == Opcode::VecAdd ? kAdd
                       : inst.op == Opcode::VecSub ? kSub
                       : inst.op == Opcode::VecCmpEq ? kCmpEq : kCmpGtS;
    Emit emit = nullptr;
    switch (inst.imm0) {
    case 8: emit = forms.b; break;
    case 16: emit = forms.h; break;
    case 32: emit = forms.s; break;
    case 64: emit = inst.op == Opcode::VecCmpEq && !ctx_.features.sse41 ? nullptr : forms.d; break;
    default: break;
    }
    if (!emit) return false;
    const Xmm b = ra_.use_xmm(inst.args[1]);
    const Xmm res = ra_.def_xmm_copy(inst.args[0]);
    emit(c_, res, b);
    return true;
}

void BlockEmitter::emit_vec_from_u64(const ir::Inst& inst) {
    const Reg64 v = ra_.use_gpr(inst.args[0]);
    c_.movq(ra_.def_xmm(), v);
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
    const Reg64 res = ra_.def_gpr();
    if (!high) {
        c_.movq(res, v);
    } else if (ctx_.features.sse41) {
        c_.pextrq(res, v, 1);
    } else {
        const Xmm t = ra_.scratch_xmm();
        c_.pshufd(t, v, 0xEE);
        c_.movq(res, t);
    }
}

// Shifts by an immediate 0..esize: SSE gives 0 (logical) or the sign (arithmetic)
// for counts of esize and more, as Arm does. There are no byte shifts.
bool BlockEmitter::emit_vec_shift_imm(const ir::Inst& inst) {
    const unsigned esize = static_cast<unsigned>(inst.imm0);
    const bool is_asr = inst.op == Opcode::VecAsrImm;
    if (esize == 8 || (is_asr && esize == 64)) return false;
    const Xmm res = ra_.def_xmm_copy(inst.args[0]);
    const auto n = static_cast<uint8_t>(std::min<uint64_t>(inst.imm1, esize));
    switch (inst.op) {
    case Opcode::VecShlImm:
        if (esize == 16) c_.psllw(res, n);
        else if (esize == 32) c_.pslld(res, n);
        else c_.psllq(res, n);
        break;
    case Opcode::VecLsrImm:
        if (esize == 16) c_.psrlw(res, n);
        else if (esize == 32) c_.psrld(res, n);
        else c_.psrlq(res, n);
        break;
    default:
        if (esize == 16) c_.psraw(res, n);
        else c_.psrad(res, n);
        break;
    }
    return true;
}

// 0 - a, lane-wise.
void BlockEmitter::emit_vec_neg(const ir::Inst& inst) {
    const Xmm a = ra_.use_xmm(inst.args[0]);
    const Xmm res = ra_.def_xmm();
    c_.pxor(res, res);
    switch (inst.imm0) {
    case 8: c_.psubb(res, a); break;
    case 16: c_.psubw(res, a); break;
    case 32: c_.psubd(res, a); break;
    default: c_.psubq(res, a); break;
    }
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

}  // namespace ferry::x64
