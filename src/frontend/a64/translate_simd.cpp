// AdvSIMD vector data processing (Arm ARM C4.1.90): copy, modified
// immediate, three same, three different, two-register misc, across lanes,
// shift by immediate. Permutes, EXT and TBL are in translate_simd_permute.cpp,
// the scalar (AdvSIMD scalar) classes in translate_simd_scalar.cpp.
#include "frontend/a64/translate_simd.h"

namespace ferry::a64 {

using namespace simd;
using ir::FPRounding;
using ir::VecReduceOp;

namespace simd {

Value compare_zero(Translator& t, unsigned kind, unsigned esize, Value n) {
    const Value zero = zero_vec(t);
    switch (kind) {
    case CmGt0: return vop(t, Opcode::VecCmpGtS, esize, n, zero);
    case CmGe0: return vop(t, Opcode::VecCmpGeS, esize, n, zero);
    case CmEq0: return vop(t, Opcode::VecCmpEq, esize, n, zero);
    case CmLe0: return vop(t, Opcode::VecCmpGeS, esize, zero, n);
    default: return vop(t, Opcode::VecCmpGtS, esize, zero, n);  // CmLt0
    }
}

std::optional<Value> integer_three_same(Translator& t, bool u, unsigned opcode, unsigned esize, Value n, Value m) {
    switch (opcode) {
    case 0b00110: return vop(t, u ? Opcode::VecCmpGtU : Opcode::VecCmpGtS, esize, n, m);  // CMGT/CMHI
    case 0b00111: return vop(t, u ? Opcode::VecCmpGeU : Opcode::VecCmpGeS, esize, n, m);  // CMGE/CMHS
    case 0b10000: return vop(t, u ? Opcode::VecSub : Opcode::VecAdd, esize, n, m);
    case 0b10001: return vop(t, u ? Opcode::VecCmpEq : Opcode::VecCmpTst, esize, n, m);
    default: return std::nullopt;
    }
}

Value fp_convert_lane(Translator& t, unsigned bits, Value x, bool to_int, bool is_unsigned, FPRounding rounding,
                      unsigned fbits) {
    if (to_int)
        return t.ir.emit(Opcode::FPToFixed, Type::U64, x, {}, {}, bits, fixed_imm(bits, is_unsigned, rounding, fbits));
    return t.ir.emit(Opcode::FixedToFP, Type::U64, x, {}, {}, bits,
                     fixed_imm(bits, is_unsigned, FPRounding::Fpcr, fbits));
}

std::optional<FPRounding> fp_convert_rounding(unsigned opcode, bool a) {
    switch (opcode) {
    case 0b11010: return a ? FPRounding::PosInf : FPRounding::TieEven;  // FCVTP* / FCVTN*
    case 0b11011: return a ? FPRounding::Zero : FPRounding::NegInf;     // FCVTZ* / FCVTM*
    case 0b11100: if (!a) return FPRounding::TieAway; return std::nullopt;  // FCVTA*
    default: return std::nullopt;
    }
}

}  // namespace simd

// ---- Copy ----

bool SIMD_copy(Translator& t, Insn in) {
    const unsigned imm5 = in["imm5"], imm4 = in["imm4"], rd = in["Rd"], rn = in["Rn"];
    const bool q = in["Q"];
    const unsigned size = static_cast<unsigned>(std::countr_zero(imm5));
    if (size > 3) return false;
    const unsigned esize = 8u << size, index = imm5 >> (size + 1);
    if (in["op"]) {  // INS (element)
        if (!q) return false;
        t.ir.set_v(rd, set_lane(t, V(t, rd), esize, index, lane(t, V(t, rn), esize, imm4 >> size)));
        return true;
    }
    switch (imm4) {
    case 0b0000:  // DUP (element)
        if (size == 3 && !q) return false;
        set_V(t, rd, dup(t, esize, lane(t, V(t, rn), esize, index)), q);
        return true;
    case 0b0001:  // DUP (general)
        if (size == 3 && !q) return false;
        set_V(t, rd, dup(t, esize, t.X(rn)), q);
        return true;
    case 0b0011:  // INS (general)
        if (!q) return false;
        t.ir.set_v(rd, set_lane(t, V(t, rd), esize, index, t.X(rn)));
        return true;
    case 0b0101: {  // SMOV
        if (size >= (q ? 3u : 2u)) return false;
        const Value x = t.ir.trunc(ir::int_type_of_width(esize), lane(t, V(t, rn), esize, index));
        t.set_reg(q, rd, t.ir.sext(q ? Type::U64 : Type::U32, x));
        return true;
    }
    case 0b0111: {  // UMOV
        if (q ? size != 3 : size == 3) return false;
        const Value x = lane(t, V(t, rn), esize, index);
        t.set_reg(q, rd, q ? x : t.ir.trunc(Type::U32, x));
        return true;
    }
    default: return false;
    }
}

// ---- Modified immediate ----

namespace {
// AdvSIMDExpandImm(op, cmode, imm8); nullopt for the FP16 and unallocated forms.
std::optional<uint64_t> expand_imm(bool op, unsigned cmode, uint64_t imm8) {
    switch (cmode >> 1) {
    case 0: return replicate(imm8, 32, 64);
    case 1: return replicate(imm8 << 8, 32, 64);
    case 2: return replicate(imm8 << 16, 32, 64);
    case 3: return replicate(imm8 << 24, 32, 64);
    case 4: return replicate(imm8, 16, 64);
    case 5: return replicate(imm8 << 8, 16, 64);
    case 6: return replicate((cmode & 1) ? (imm8 << 16) | 0xffff : (imm8 << 8) | 0xff, 32, 64);
    default:
        if (!(cmode & 1)) {
            if (!op) return replicate(imm8, 8, 64);
            uint64_t bytes = 0;
            for (unsigned i = 0; i < 8; ++i)
                if ((imm8 >> i) & 1) bytes |= uint64_t{0xff} << (8 * i);
            return bytes;
        }
        const uint64_t b6 = (imm8 >> 6) & 1, sign = imm8 >> 7, low = imm8 & 0x3f;
        if (!op) {  // FMOV (vector, single)
            const uint64_t f = (sign << 31) | ((b6 ^ 1) << 30) | ((b6 ? ones(5) : 0) << 25) | (low << 19);
            return replicate(f, 32, 64);
        }
        return (sign << 63) | ((b6 ^ 1) << 62) | ((b6 ? ones(8) : 0) << 54) | (low << 48);  // FMOV (double)
    }
}
}  // namespace

bool SIMD_modified_imm(Translator& t, Insn in) {
    const bool q = in["Q"], op = in["op"];
    const unsigned cmode = in["cmode"], rd = in["Rd"];
    if (in["o2"]) return false;  // FMOV (half): FEAT_FP16
    if (cmode == 0b1111 && op && !q) return false;
    const auto imm = expand_imm(op, cmode, (in["abc"] << 5) | in["defgh"]);
    if (!imm) return false;
    // ORR/BIC for the shifted 32- and 16-bit forms with cmode<0> = 1.
    const bool logical = (cmode < 0b1100) && (cmode & 1);
    if (logical) {
        const Value c = vec_const(t, *imm, *imm);
        set_V(t, rd, vop(t, op ? Opcode::VecAndNot : Opcode::VecOr, 8, V(t, rd), c), q);
        return true;
    }
    // MVNI inverts; the 64-bit MOVI and FMOV forms have op = 1 without inverting.
    const bool invert = op && cmode < 0b1110;
    const uint64_t value = invert ? ~*imm : *imm;
    set_V(t, rd, vec_const(t, value, value), q);
    return true;
}

// ---- Three same ----

namespace {
Value logical_three_same(Translator& t, bool u, unsigned opc, Value d, Value n, Value m) {
    if (!u) {
        static constexpr Opcode kOps[] = {Opcode::VecAnd, Opcode::VecAndNot, Opcode::VecOr, Opcode::VecOrNot};
        return vop(t, kOps[opc], 8, n, m);
    }
    switch (opc) {
    case 0: return vop(t, Opcode::VecXor, 8, n, m);
    case 1: return t.ir.emit(Opcode::VecBsl, Type::U128, d, n, m);  // BSL: d selects n over m
    case 2: return t.ir.emit(Opcode::VecBsl, Type::U128, m, n, d);  // BIT: insert n where m is set
    default: return t.ir.emit(Opcode::VecBsl, Type::U128, m, d, n); // BIF: insert n where m is clear
    }
}

// Pairwise ops over the operation's datasize: for Q = 0 the pairs come from
// the 128-bit concatenation n<63:0>:m<63:0>.
Value pairwise(Translator& t, bool q, unsigned esize, VecReduceOp op, Value n, Value m) {
    const auto kind = static_cast<uint64_t>(op);
    if (q) return vop(t, Opcode::VecPairwise, esize, n, m, kind);
    const Value both = from_u64x2(t, low64(t, n), low64(t, m));
    return vop(t, Opcode::VecPairwise, esize, both, both, kind);
}
}  // namespace

bool SIMD_three_same(Translator& t, Insn in) {
    const bool q = in["Q"], u = in["U"];
    const unsigned size = in["size"], opcode = in["opcode"], rd = in["Rd"], esize = 8u << size;
    const Value n = V(t, in["Rn"]), m = V(t, in["Rm"]);
    if (opcode == 0b00011) {
        set_V(t, rd, logical_three_same(t, u, size, V(t, rd), n, m), q);
        return true;
    }
    if (size == 3 && !q) return false;
    if (const auto r = integer_three_same(t, u, opcode, esize, n, m)) {
        set_V(t, rd, *r, q);
        return true;
    }
    const bool no_64bit_lanes = size == 3;
    Value result;
    switch (opcode) {
    case 0b01100: result = vop(t, u ? Opcode::VecMaxU : Opcode::VecMaxS, esize, n, m); break;
    case 0b01101: result = vop(t, u ? Opcode::VecMinU : Opcode::VecMinS, esize, n, m); break;
    case 0b10010: {  // MLA/MLS
        if (no_64bit_lanes) return false;
        result = vop(t, u ? Opcode::VecSub : Opcode::VecAdd, esize, V(t, rd), vop(t, Opcode::VecMul, esize, n, m));
        break;
    }
    case 0b10011:  // MUL (PMUL not implemented)
        if (u || no_64bit_lanes) return false;
        result = vop(t, Opcode::VecMul, esize, n, m);
        break;
    case 0b10100:
    case 0b10101: {  // [SU]MAXP, [SU]MINP
        if (no_64bit_lanes) return false;
        const bool max = opcode == 0b10100;
        const VecReduceOp op = max ? (u ? VecReduceOp::MaxU : VecReduceOp::MaxS) : (u ? VecReduceOp::MinU : VecReduceOp::MinS);
        result = pairwise(t, q, esize, op, n, m);
        break;
    }
    case 0b10111:  // ADDP (vector)
        if (u) return false;
        result = pairwise(t, q, esize, VecReduceOp::Add, n, m);
        break;
    default: return false;
    }
    set_V(t, rd, result, q);
    return true;
}

bool SIMD_three_same_fp(Translator& t, Insn in) {
    const bool q = in["Q"], u = in["U"], a = in["a"], sz = in["sz"];
    const unsigned opcode = in["opcode"], rd = in["Rd"], rn = in["Rn"], rm = in["Rm"];
    const unsigned bits = sz ? 64 : 32;
    if (sz && !q) return false;
    // (U, a, opcode) -> the per-lane operation.
    Opcode op;
    bool fused = false, negate_n = false;
    switch ((u << 4) | (a << 3) | opcode) {
    case 0b00000: op = Opcode::FPMaxNum; break;
    case 0b01000: op = Opcode::FPMinNum; break;
    case 0b00001: op = Opcode::FPMulAdd; fused = true; break;                   // FMLA
    case 0b01001: op = Opcode::FPMulAdd; fused = true; negate_n = true; break;  // FMLS
    case 0b00010: op = Opcode::FPAdd; break;
    case 0b01010: op = Opcode::FPSub; break;
    case 0b10011: op = Opcode::FPMul; break;
    case 0b00110: op = Opcode::FPMax; break;
    case 0b01110: op = Opcode::FPMin; break;
    case 0b10111: op = Opcode::FPDiv; break;
    default: return false;
    }
    const Value vn = V(t, rn), vm = V(t, rm), vd = V(t, rd);
    set_V(t, rd, per_lane(t, q, bits, [&](unsigned e) {
        Value x = lane(t, vn, bits, e);
        const Value y = lane(t, vm, bits, e);
        if (!fused) return fp_op(t, op, bits, x, y);
        if (negate_n) x = fp_neg(t, x, bits);
        return fp_op(t, op, bits, lane(t, vd, bits, e), x, y);
    }), q);
    return true;
}

// ---- Three different (widening) ----

bool SIMD_three_different(Translator& t, Insn in) {
    const bool q = in["Q"], u = in["U"];
    const unsigned size = in["size"], opcode = in["opcode"], rd = in["Rd"];
    if (size == 3) return false;
    const unsigned esize = 8u << size, wide = 2 * esize;
    // Vpart[n, part]: the lower or (for the "2" forms) upper half, widened.
    const auto widen = [&](unsigned r) {
        const Value v = q ? upper_half(t, V(t, r)) : V(t, r);
        return vop(t, Opcode::VecExtendLow, wide, v, {}, u ? 0 : 1);
    };
    const Value m = widen(in["Rm"]);
    Value result;
    switch (opcode) {
    case 0b0000: result = vop(t, Opcode::VecAdd, wide, widen(in["Rn"]), m); break;  // [SU]ADDL
    case 0b0001: result = vop(t, Opcode::VecAdd, wide, V(t, in["Rn"]), m); break;   // [SU]ADDW
    case 0b0010: result = vop(t, Opcode::VecSub, wide, widen(in["Rn"]), m); break;  // [SU]SUBL
    case 0b0011: result = vop(t, Opcode::VecSub, wide, V(t, in["Rn"]), m); break;   // [SU]SUBW
    case 0b1000:
    case 0b1010: {  // [SU]MLAL, [SU]MLSL
        const Value product = vop(t, Opcode::VecMul, wide, widen(in["Rn"]), m);
        result = vop(t, opcode == 0b1000 ? Opcode::VecAdd : Opcode::VecSub, wide, V(t, rd), product);
        break;
    }
    case 0b1100: result = vop(t, Opcode::VecMul, wide, widen(in["Rn"]), m); break;  // [SU]MULL
    default: return false;
    }
    t.ir.set_v(rd, result);
    return true;
}

// ---- Two-register miscellaneous ----

namespace {
// REV16/REV32/REV64: esize lanes reversed within containers.
bool reverse(Translator& t, bool q, unsigned size, unsigned container, unsigned rd, Value n) {
    const unsigned esize = 8u << size;
    if (esize >= container) return false;
    set_V(t, rd, vop(t, Opcode::VecRev, esize, n, {}, container), q);
    return true;
}

bool fp_two_reg_misc(Translator& t, bool q, bool u, unsigned size, unsigned opcode, unsigned rd, Value n) {
    const bool a = size >> 1, sz = size & 1;
    const unsigned bits = sz ? 64 : 32;
    if (sz && !q) return false;
    std::function<Value(Value)> f;
    if (opcode == 0b01111 && a) {  // FABS, FNEG
        f = [&](Value x) { return u ? fp_neg(t, x, bits) : fp_abs(t, x, bits); };
    } else if (opcode == 0b11111 && a && u) {  // FSQRT
        f = [&](Value x) { return fp_op(t, Opcode::FPSqrt, bits, x); };
    } else if (opcode == 0b11101 && !a) {  // SCVTF, UCVTF
        f = [&](Value x) { return fp_convert_lane(t, bits, x, false, u, FPRounding::Fpcr, 0); };
    } else if (const auto rounding = fp_convert_rounding(opcode, a)) {  // FCVT[NPMZA][SU]
        f = [&, r = *rounding](Value x) { return fp_convert_lane(t, bits, x, true, u, r, 0); };
    } else if (opcode == 0b11000 || opcode == 0b11001) {  // FRINT*
        // (U, a, opcode<0>): N, M, P, Z, A, X, -, I.
        static constexpr int kRounding[8] = {0, 2, 1, 3, 4, 7, -1, 7};
        const unsigned key = (u << 2) | (a << 1) | (opcode & 1);
        if (kRounding[key] < 0) return false;
        const uint64_t imm1 = static_cast<uint64_t>(kRounding[key]) | (uint64_t{key == 5} << 4);
        f = [&, imm1](Value x) { return fp_op(t, Opcode::FPRoundInt, bits, x, {}, {}, imm1); };
    } else {
        return false;
    }
    set_V(t, rd, per_lane(t, q, bits, [&](unsigned e) { return f(lane(t, n, bits, e)); }), q);
    return true;
}
}  // namespace

bool SIMD_two_reg_misc(Translator& t, Insn in) {
    const bool q = in["Q"], u = in["U"];
    const unsigned size = in["size"], opcode = in["opcode"], rd = in["Rd"], esize = 8u << size;
    const Value n = V(t, in["Rn"]);
    switch ((u << 5) | opcode) {
    case 0b000000: return reverse(t, q, size, 64, rd, n);  // REV64
    case 0b100000: return reverse(t, q, size, 32, rd, n);  // REV32
    case 0b000001: return reverse(t, q, size, 16, rd, n);  // REV16
    case 0b000101:  // CNT
        if (size != 0) return false;
        set_V(t, rd, vop(t, Opcode::VecCnt, 8, n), q);
        return true;
    case 0b100101:  // NOT (RBIT not implemented)
        if (size != 0) return false;
        set_V(t, rd, vop(t, Opcode::VecNot, 8, n), q);
        return true;
    case 0b001000: case 0b101000: case 0b001001: case 0b101001: case 0b001010: {  // CM** #0
        if (size == 3 && !q) return false;
        const unsigned kind = ((opcode & 3) << 1) | u;  // CmGt0, CmGe0, CmEq0, CmLe0, CmLt0
        set_V(t, rd, compare_zero(t, kind, esize, n), q);
        return true;
    }
    case 0b001011:
    case 0b101011:  // ABS, NEG
        if (size == 3 && !q) return false;
        set_V(t, rd, vop(t, u ? Opcode::VecNeg : Opcode::VecAbs, esize, n), q);
        return true;
    case 0b010010: {  // XTN, XTN2
        if (size == 3) return false;
        const Value narrow = vop(t, Opcode::VecShrNarrow, esize, n, {}, 0);
        t.ir.set_v(rd, q ? from_u64x2(t, low64(t, V(t, rd)), low64(t, narrow)) : narrow);
        return true;
    }
    default: return fp_two_reg_misc(t, q, u, size, opcode, rd, n);
    }
}

// ---- Across lanes ----

bool SIMD_across(Translator& t, Insn in) {
    const bool q = in["Q"], u = in["U"];
    const unsigned size = in["size"], opcode = in["opcode"], esize = 8u << size;
    if (size == 3 || (size == 2 && !q)) return false;
    VecReduceOp op;
    switch ((u << 5) | opcode) {
    case 0b000011: op = VecReduceOp::AddLongS; break;  // SADDLV
    case 0b100011: op = VecReduceOp::AddLongU; break;  // UADDLV
    case 0b001010: op = VecReduceOp::MaxS; break;
    case 0b101010: op = VecReduceOp::MaxU; break;
    case 0b011010: op = VecReduceOp::MinS; break;
    case 0b111010: op = VecReduceOp::MinU; break;
    case 0b011011: op = VecReduceOp::Add; break;       // ADDV
    default: return false;
    }
    const unsigned count = (q ? 128 : 64) / esize;
    const uint64_t imm1 = static_cast<uint64_t>(op) | (count << 8);
    write_fp(t, in["Rd"], t.ir.emit(Opcode::VecReduce, Type::U64, V(t, in["Rn"]), {}, {}, esize, imm1));
    return true;
}

// ---- Shift by immediate ----

namespace simd {

// The shifts by immediate shared by the vector and scalar forms (elements of
// esize bits, right shifts by 2*esize - immh:immb, left by immh:immb - esize).
std::optional<Value> shift_by_imm(Translator& t, bool u, unsigned opcode, unsigned esize, unsigned immhb, Value d,
                                  Value n) {
    const unsigned right = 2 * esize - immhb, left = immhb - esize;
    switch ((u << 5) | opcode) {
    case 0b000000: return vop(t, Opcode::VecAsrImm, esize, n, {}, right);  // SSHR
    case 0b100000: return vop(t, Opcode::VecLsrImm, esize, n, {}, right);  // USHR
    case 0b000010: return vop(t, Opcode::VecAdd, esize, d, vop(t, Opcode::VecAsrImm, esize, n, {}, right));  // SSRA
    case 0b100010: return vop(t, Opcode::VecAdd, esize, d, vop(t, Opcode::VecLsrImm, esize, n, {}, right));  // USRA
    case 0b001010: return vop(t, Opcode::VecShlImm, esize, n, {}, left);  // SHL
    case 0b101000: {  // SRI: the top `right` bits of each lane keep d
        const uint64_t mask = right >= esize ? 0 : ones(esize) >> right;
        return t.ir.emit(Opcode::VecBsl, Type::U128, dup_const(t, esize, mask),
                         vop(t, Opcode::VecLsrImm, esize, n, {}, right), d);
    }
    case 0b101010: {  // SLI
        const uint64_t mask = (ones(esize) << left) & ones(esize);
        return t.ir.emit(Opcode::VecBsl, Type::U128, dup_const(t, esize, mask),
                         vop(t, Opcode::VecShlImm, esize, n, {}, left), d);
    }
    default: return std::nullopt;
    }
}

// SCVTF/UCVTF/FCVTZS/FCVTZU (vector and scalar, fixed-point) over `lanes` lanes.
std::optional<Value> fixed_point_by_imm(Translator& t, bool u, unsigned opcode, unsigned esize, unsigned immhb,
                                        unsigned count, Value n) {
    if ((opcode != 0b11100 && opcode != 0b11111) || esize < 32) return std::nullopt;
    const bool to_int = opcode == 0b11111;
    const unsigned fbits = 2 * esize - immhb;
    Value result = zero_vec(t);
    for (unsigned e = 0; e < count; ++e)
        result = set_lane(t, result, esize, e,
                          fp_convert_lane(t, esize, lane(t, n, esize, e), to_int, u, FPRounding::Zero, fbits));
    return result;
}

}  // namespace simd

bool SIMD_shift_imm(Translator& t, Insn in) {
    const bool q = in["Q"], u = in["U"];
    const unsigned immh = in["immh"], opcode = in["opcode"], rd = in["Rd"];
    if (immh == 0) return false;  // modified immediate, decoded by its own row
    const unsigned immhb = (immh << 3) | in["immb"];
    const unsigned esize = 8u << (std::bit_width(immh) - 1);
    const Value n = V(t, in["Rn"]);
    switch (opcode) {
    case 0b10000:
    case 0b10001: {  // SHRN/RSHRN (and the "2" forms): esize is the narrow size
        if (u || esize == 64) return false;
        const uint64_t imm1 = (2 * esize - immhb) | (uint64_t{opcode & 1} << 8);
        const Value narrow = vop(t, Opcode::VecShrNarrow, esize, n, {}, imm1);
        t.ir.set_v(rd, q ? from_u64x2(t, low64(t, V(t, rd)), low64(t, narrow)) : narrow);
        return true;
    }
    case 0b10100: {  // SSHLL/USHLL (UXTL/SXTL), "2" forms from the upper half
        if (esize == 64) return false;
        const Value src = q ? upper_half(t, n) : n;
        const Value wide = vop(t, Opcode::VecExtendLow, 2 * esize, src, {}, u ? 0 : 1);
        t.ir.set_v(rd, vop(t, Opcode::VecShlImm, 2 * esize, wide, {}, immhb - esize));
        return true;
    }
    default: break;
    }
    if (esize == 64 && !q) return false;
    auto result = shift_by_imm(t, u, opcode, esize, immhb, V(t, rd), n);
    if (!result) result = fixed_point_by_imm(t, u, opcode, esize, immhb, (q ? 128 : 64) / esize, n);
    if (!result) return false;
    set_V(t, rd, *result, q);
    return true;
}

}  // namespace ferry::a64
