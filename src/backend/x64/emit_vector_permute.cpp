// Vector lane moves and rearrangements on SSE: lane get/set, ZIP/UZP/TRN,
// EXT, REV, TBL, widening (xXTL), narrowing (XTN/SHRN/RSHRN), CNT, and the
// pairwise and across-lanes reductions. Byte permutations without a single
// SSE form are pshufb with constant masks.
#include <cstring>

#include "backend/x64/block_emitter.h"

namespace ferry::x64 {

using namespace Xbyak;
using ir::Opcode;
using ir::VecReduceOp;

namespace {
constexpr uint8_t kZeroByte = 0xff;  // in a byte permutation: a zero byte

// The lane opcode that combines two lanes as a VecReduceOp does (the long
// adds have none).
std::optional<Opcode> reduce_lane_op(VecReduceOp op) {
    switch (op) {
    case VecReduceOp::Add: return Opcode::VecAdd;
    case VecReduceOp::MaxU: return Opcode::VecMaxU;
    case VecReduceOp::MinU: return Opcode::VecMinU;
    case VecReduceOp::MaxS: return Opcode::VecMaxS;
    case VecReduceOp::MinS: return Opcode::VecMinS;
    default: return std::nullopt;
    }
}

// Fills `from` (bytes 0..15 of a, 16..31 of b) with lane l of the result
// taken from lane source(l) of a:b, each lane esize bits.
template <typename F>
void lane_permutation(uint8_t (&from)[16], unsigned esize, F source) {
    const unsigned bytes = esize / 8;
    for (unsigned l = 0; l < 16 / bytes; ++l)
        for (unsigned k = 0; k < bytes; ++k) from[l * bytes + k] = static_cast<uint8_t>(source(l) * bytes + k);
}
}  // namespace

bool BlockEmitter::emit_vector_permute(const ir::Inst& inst) {
    const bool ssse3 = ctx_.features.ssse3;
    switch (inst.op) {
    case Opcode::VecGetLane:
        if (!ctx_.features.sse41 && !(inst.imm0 == 16 || (inst.imm1 == 0 && inst.imm0 >= 32))) return false;
        emit_vec_get_lane(inst);
        return true;
    case Opcode::VecSetLane: return emit_vec_set_lane(inst);
    case Opcode::VecZip: emit_vec_zip(inst); return true;
    case Opcode::VecUzp:
    case Opcode::VecTrn:
        if (!ssse3 && inst.imm0 != 64) return false;
        emit_vec_permute_lanes(inst);
        return true;
    case Opcode::VecExt:
        if (!ssse3) return false;
        emit_vec_ext(inst);
        return true;
    case Opcode::VecRev:
        if (!ssse3) return false;
        emit_vec_rev(inst);
        return true;
    case Opcode::VecTableLookup:
        if (!ssse3) return false;
        emit_vec_table_lookup(inst);
        return true;
    case Opcode::VecExtendLow: return emit_vec_extend_low(inst);
    case Opcode::VecCnt:
        if (!ssse3) return false;
        emit_vec_cnt(inst);
        return true;
    case Opcode::VecReduce: return emit_vec_reduce(inst);
    case Opcode::VecPairwise: return ssse3 && emit_vec_pairwise(inst);
    case Opcode::VecShrNarrow: return ssse3 && emit_vec_shr_narrow(inst);
    default: return false;
    }
}

// Lane imm1 of esize imm0, zero-extended. 32- and 64-bit lanes, often FP
// operands, also get an XMM shadow (emit_fp.cpp): the lane alone in the low
// bits, bits 32..63 clear for a single.
void BlockEmitter::emit_vec_get_lane(const ir::Inst& inst) {
    const auto index = static_cast<uint8_t>(inst.imm1);
    const bool shadowed = (inst.imm0 == 32 && ctx_.features.sse41) || inst.imm0 == 64;
    const Xmm v = ra_.use_xmm(inst.args[0]);
    const Xmm shadow = shadowed ? ra_.scratch_xmm() : Xmm();
    const Reg64 res = ra_.def_gpr();
    switch (inst.imm0) {
    case 8: c_.pextrb(res.cvt32(), v, index); break;
    case 16: c_.pextrw(res.cvt32(), v, index); break;
    case 32: index == 0 ? c_.movd(res.cvt32(), v) : c_.pextrd(res.cvt32(), v, index); break;
    default: index == 0 ? c_.movq(res, v) : c_.pextrq(res, v, index); break;
    }
    if (!shadowed) return;
    if (inst.imm0 == 32) c_.insertps(shadow, v, static_cast<uint8_t>(index << 6 | 0b1110));  // lane 0 = v[index], rest 0
    else if (index == 0) c_.movq(shadow, v);
    else c_.pshufd(shadow, v, 0xEE);  // the high quadword in both halves
    ra_.keep_fp_shadow(shadow);
}

// A shadowed value goes in from its XMM (no GPR-to-XMM transfer).
bool BlockEmitter::emit_vec_set_lane(const ir::Inst& inst) {
    const auto index = static_cast<uint8_t>(inst.imm1);
    if (!ctx_.features.sse41 && inst.imm0 != 16) return false;
    const Reg64 x = ra_.use_gpr(inst.args[1]);
    const std::optional<Xmm> shadow = inst.imm0 >= 32 ? ra_.fp_shadow(inst.args[1]) : std::nullopt;
    const Xmm res = ra_.def_xmm_copy(inst.args[0]);
    switch (inst.imm0) {
    case 8: c_.pinsrb(res, x.cvt32(), index); break;
    case 16: c_.pinsrw(res, x.cvt32(), index); break;
    case 32:
        if (shadow) c_.insertps(res, *shadow, static_cast<uint8_t>(index << 4));
        else c_.pinsrd(res, x.cvt32(), index);
        break;
    default:
        if (!shadow) c_.pinsrq(res, x, index);
        else if (index == 0) c_.movsd(res, *shadow);
        else c_.movlhps(res, *shadow);
        break;
    }
    return true;
}

// ZIP1/ZIP2 are x86's unpack low/high.
void BlockEmitter::emit_vec_zip(const ir::Inst& inst) {
    const bool high = inst.imm1 != 0;
    const Xmm b = ra_.use_xmm(inst.args[1]);
    const Xmm res = ra_.def_xmm_copy(inst.args[0]);
    switch (inst.imm0) {
    case 8: high ? c_.punpckhbw(res, b) : c_.punpcklbw(res, b); break;
    case 16: high ? c_.punpckhwd(res, b) : c_.punpcklwd(res, b); break;
    case 32: high ? c_.punpckhdq(res, b) : c_.punpckldq(res, b); break;
    default: high ? c_.punpckhqdq(res, b) : c_.punpcklqdq(res, b); break;
    }
}

// res = the bytes of a:b that `from` names (0..15 from a, 16..31 from b,
// kZeroByte for zero): one pshufb per source. res must be neither a nor b.
void BlockEmitter::permute_bytes(const Xmm& res, const Xmm& a, const Xmm& b, const uint8_t (&from)[16]) {
    uint8_t mask_a[16], mask_b[16];
    bool uses_b = false;
    for (int i = 0; i < 16; ++i) {
        mask_a[i] = from[i] < 16 ? from[i] : 0x80;
        mask_b[i] = from[i] >= 16 && from[i] < 32 ? from[i] - 16 : 0x80;
        uses_b |= mask_b[i] != 0x80;
    }
    uint64_t words[4] = {};
    std::memcpy(words, mask_a, 16);
    std::memcpy(words + 2, mask_b, 16);
    c_.movdqa(res, a);
    c_.pshufb(res, vec_constant(words[0], words[1]));
    if (!uses_b) return;
    const Xmm t = ra_.scratch_xmm();
    c_.movdqa(t, b);
    c_.pshufb(t, vec_constant(words[2], words[3]));
    c_.por(res, t);
}

// UZP (even or odd lanes of a:b) and TRN (lanes 2p + part of a and b, interleaved).
void BlockEmitter::emit_vec_permute_lanes(const ir::Inst& inst) {
    const unsigned esize = static_cast<unsigned>(inst.imm0), part = static_cast<unsigned>(inst.imm1);
    const Xmm a = ra_.use_xmm(inst.args[0]), b = ra_.use_xmm(inst.args[1]);
    if (esize == 64) {  // both are the unpacks
        const Xmm res = ra_.def_xmm();
        c_.movdqa(res, a);
        part ? c_.punpckhqdq(res, b) : c_.punpcklqdq(res, b);
        return;
    }
    const unsigned n = 128 / esize;
    uint8_t from[16];
    if (inst.op == Opcode::VecUzp) lane_permutation(from, esize, [&](unsigned l) { return 2 * l + part; });
    else lane_permutation(from, esize, [&](unsigned l) { return (l & ~1u) + part + (l & 1) * n; });
    permute_bytes(ra_.def_xmm(), a, b, from);
}

// EXT: bytes imm1.. of b:a.
void BlockEmitter::emit_vec_ext(const ir::Inst& inst) {
    const Xmm a = ra_.use_xmm(inst.args[0]);
    const Xmm res = ra_.def_xmm_copy(inst.args[1]);
    if (inst.imm1 == 0) c_.movdqa(res, a);
    else c_.palignr(res, a, static_cast<int>(inst.imm1));
}

// REV16/32/64: esize lanes reversed within each imm1-bit container.
void BlockEmitter::emit_vec_rev(const ir::Inst& inst) {
    const unsigned esize = static_cast<unsigned>(inst.imm0), per = static_cast<unsigned>(inst.imm1) / esize;
    const Xmm a = ra_.use_xmm(inst.args[0]);
    uint8_t from[16];
    lane_permutation(from, esize, [&](unsigned l) { return l - l % per + (per - 1 - l % per); });
    permute_bytes(ra_.def_xmm(), a, a, from);
}

// TBL/TBX step: table[index] for indices below 16 (pshufb reads only their
// low nibble), the fallback's byte elsewhere.
void BlockEmitter::emit_vec_table_lookup(const ir::Inst& inst) {
    const Xmm table = ra_.use_xmm(inst.args[0]), index = ra_.use_xmm(inst.args[1]);
    const Xmm fallback = ra_.use_xmm(inst.args[2]);
    const Xmm in_range = ra_.scratch_xmm();
    const Xmm res = ra_.def_xmm();
    c_.movdqa(in_range, index);
    c_.pminub(in_range, splat_constant(15, 8));
    c_.pcmpeqb(in_range, index);
    c_.movdqa(res, table);
    c_.pshufb(res, index);
    c_.pand(res, in_range);
    c_.pandn(in_range, fallback);
    c_.por(res, in_range);
}

// UXTL/SXTL: pmovzx/pmovsx of the low half.
bool BlockEmitter::emit_vec_extend_low(const ir::Inst& inst) {
    if (!ctx_.features.sse41) return false;
    const bool is_signed = inst.imm1 != 0;
    const Xmm a = ra_.use_xmm(inst.args[0]);
    const Xmm res = ra_.def_xmm();
    switch (inst.imm0) {
    case 16: is_signed ? c_.pmovsxbw(res, a) : c_.pmovzxbw(res, a); break;
    case 32: is_signed ? c_.pmovsxwd(res, a) : c_.pmovzxwd(res, a); break;
    default: is_signed ? c_.pmovsxdq(res, a) : c_.pmovzxdq(res, a); break;
    }
    return true;
}

// CNT: the popcount of each nibble from a 16-entry table, added per byte.
void BlockEmitter::emit_vec_cnt(const ir::Inst& inst) {
    const Xmm a = ra_.use_xmm(inst.args[0]);
    const Xmm high = ra_.scratch_xmm(), counts = ra_.scratch_xmm();
    const Xmm res = ra_.def_xmm();
    const Address nibbles = splat_constant(0x0f, 8);
    const Address popcounts = vec_constant(0x0302020102010100, 0x0403030203020201);
    c_.movdqa(high, a);
    c_.psrlw(high, 4);
    c_.pand(high, nibbles);
    c_.movdqa(res, a);
    c_.pand(res, nibbles);
    c_.movdqa(counts, popcounts);
    c_.pshufb(counts, res);
    c_.movdqa(res, popcounts);
    c_.pshufb(res, high);
    c_.paddb(res, counts);
}

// ADDV, [SU]MAXV, [SU]MINV over the first count lanes: halve the active
// bytes, combining the upper half into the lower, down to one lane.
bool BlockEmitter::emit_vec_reduce(const ir::Inst& inst) {
    const unsigned esize = static_cast<unsigned>(inst.imm0), count = static_cast<unsigned>(inst.imm1 >> 8);
    const auto lane_op = reduce_lane_op(static_cast<VecReduceOp>(inst.imm1 & 0xff));
    if (!lane_op) return false;
    const auto combine = lane_insn(*lane_op, esize);
    if (!combine) return false;
    const Xmm a = ra_.use_xmm(inst.args[0]);
    const Xmm acc = ra_.scratch_xmm(), upper = ra_.scratch_xmm();
    const Reg64 res = ra_.def_gpr();
    c_.movdqa(acc, a);
    for (unsigned bytes = count * esize / 8; bytes > esize / 8; bytes /= 2) {
        c_.movdqa(upper, acc);
        c_.psrldq(upper, static_cast<int>(bytes / 2));
        (*combine)(c_, acc, upper);
    }
    switch (esize) {
    case 8:
        c_.movd(res.cvt32(), acc);
        c_.movzx(res.cvt32(), res.cvt8());
        break;
    case 16:
        c_.movd(res.cvt32(), acc);
        c_.movzx(res.cvt32(), res.cvt16());
        break;
    case 32: c_.movd(res.cvt32(), acc); break;
    default: c_.movq(res, acc); break;
    }
    return true;
}

// ADDP, [SU]MAXP, [SU]MINP: the even lanes of a:b combined with the odd ones
// (phadd does it in one for halfword and word adds).
bool BlockEmitter::emit_vec_pairwise(const ir::Inst& inst) {
    const unsigned esize = static_cast<unsigned>(inst.imm0);
    const auto lane_op = reduce_lane_op(static_cast<VecReduceOp>(inst.imm1));
    if (!lane_op) return false;
    const auto combine = lane_insn(*lane_op, esize);
    if (!combine) return false;
    const Xmm a = ra_.use_xmm(inst.args[0]), b = ra_.use_xmm(inst.args[1]);
    if (*lane_op == Opcode::VecAdd && (esize == 16 || esize == 32)) {
        const Xmm res = ra_.def_xmm();
        c_.movdqa(res, a);
        esize == 16 ? c_.phaddw(res, b) : c_.phaddd(res, b);
        return true;
    }
    const Xmm odd = ra_.scratch_xmm();
    const Xmm res = ra_.def_xmm();
    uint8_t even_lanes[16], odd_lanes[16];
    lane_permutation(even_lanes, esize, [](unsigned l) { return 2 * l; });
    lane_permutation(odd_lanes, esize, [](unsigned l) { return 2 * l + 1; });
    permute_bytes(odd, a, b, odd_lanes);
    permute_bytes(res, a, b, even_lanes);
    (*combine)(c_, res, odd);
    return true;
}

// XTN, SHRN, RSHRN: each 2*esize lane (+ rounding) shifted right, its low
// esize bits packed into the low half. A carry out of the wide lane would
// land at or above bit esize of the shifted value, outside the result.
bool BlockEmitter::emit_vec_shr_narrow(const ir::Inst& inst) {
    const unsigned esize = static_cast<unsigned>(inst.imm0), wide = 2 * esize;
    const auto shift = static_cast<uint8_t>(inst.imm1 & 0xff);
    const bool round = (inst.imm1 >> 8) & 1;
    if (esize == 64 || shift > esize) return false;
    const Xmm a = ra_.use_xmm(inst.args[0]);
    const Xmm shifted = ra_.scratch_xmm();
    c_.movdqa(shifted, a);
    if (round && shift > 0) {
        const auto add = *lane_insn(Opcode::VecAdd, wide);
        add(c_, shifted, splat_constant(uint64_t{1} << (shift - 1), wide));
    }
    if (shift > 0) wide == 16 ? c_.psrlw(shifted, shift) : wide == 32 ? c_.psrld(shifted, shift) : c_.psrlq(shifted, shift);
    uint8_t from[16];
    lane_permutation(from, esize, [&](unsigned l) { return 2 * l; });  // the low half of each wide lane
    for (int i = 8; i < 16; ++i) from[i] = kZeroByte;
    permute_bytes(ra_.def_xmm(), shifted, shifted, from);
    return true;
}

}  // namespace ferry::x64
