// AdvSIMD floating point (Arm ARM C4.1.90): the FP three-same, two-register
// misc and across-lanes ops, lane by lane on the scalar FP IR ops, and the
// lane functions the scalar and by-element classes share.
#include "frontend/a64/translate_simd.h"

namespace ferry::a64 {

using namespace simd;
using ir::FPRounding;

namespace {

// Condition codes tested on FPCompare's NZCV (unordered fails all three).
constexpr unsigned kCondEQ = 0b0000, kCondGE = 0b1010, kCondGT = 0b1100;

// FPCompareEQ/GE/GT(x, y) as an all-ones or all-zeros lane. EQ is quiet (only a
// signalling NaN raises Invalid Operation), GE and GT signal on any NaN.
Value fp_compare_mask(Translator& t, unsigned bits, unsigned cond, Value x, Value y) {
    const Value nzcv = fp_op(t, Opcode::FPCompare, bits, x, y, {}, cond == kCondEQ ? 0 : 1);
    return t.ir.select(t.ir.cond_holds(cond, nzcv), t.ir.imm64(ones(bits)), t.ir.imm64(0));
}

uint64_t frint_imm(unsigned key) {
    // (U, a, opcode<0>) of FRINT*: N, M, P, Z, A, X, -, I.
    static constexpr FPRounding kRounding[8] = {FPRounding::TieEven, FPRounding::NegInf, FPRounding::PosInf,
                                                FPRounding::Zero,    FPRounding::TieAway, FPRounding::Fpcr,
                                                FPRounding::Fpcr,    FPRounding::Fpcr};
    return static_cast<uint64_t>(kRounding[key]) | (uint64_t{key == 5} << 4);
}

}  // namespace

namespace simd {

std::optional<LaneOp3> fp_three_same_op(Translator& t, unsigned key, unsigned bits) {
    const auto binary = [&t, bits](Opcode o) -> LaneOp3 {
        return [&t, bits, o](Value, Value x, Value y) { return fp_op(t, o, bits, x, y); };
    };
    const auto compare = [&t, bits](unsigned cond, bool absolute) -> LaneOp3 {
        return [&t, bits, cond, absolute](Value, Value x, Value y) {
            if (absolute) x = fp_abs(t, x, bits), y = fp_abs(t, y, bits);
            return fp_compare_mask(t, bits, cond, x, y);
        };
    };
    switch (key) {
    case 0b00000: return binary(Opcode::FPMaxNum);  // FMAXNM
    case 0b01000: return binary(Opcode::FPMinNum);  // FMINNM
    case 0b00001:                                   // FMLA
    case 0b01001:                                   // FMLS: the product of -x and y
        return [&t, bits, key](Value d, Value x, Value y) {
            return fp_op(t, Opcode::FPMulAdd, bits, d, key == 0b01001 ? fp_neg(t, x, bits) : x, y);
        };
    case 0b00010: return binary(Opcode::FPAdd);
    case 0b01010: return binary(Opcode::FPSub);
    case 0b00011: return binary(Opcode::FPMulX);      // FMULX
    case 0b10011: return binary(Opcode::FPMul);
    case 0b00110: return binary(Opcode::FPMax);
    case 0b01110: return binary(Opcode::FPMin);
    case 0b10111: return binary(Opcode::FPDiv);
    case 0b00111: return binary(Opcode::FPRecipStep);  // FRECPS
    case 0b01111: return binary(Opcode::FPRSqrtStep);  // FRSQRTS
    case 0b11010:                                      // FABD
        return [&t, bits](Value, Value x, Value y) { return fp_abs(t, fp_op(t, Opcode::FPSub, bits, x, y), bits); };
    case 0b00100: return compare(kCondEQ, false);  // FCMEQ
    case 0b10100: return compare(kCondGE, false);  // FCMGE
    case 0b11100: return compare(kCondGT, false);  // FCMGT
    case 0b10101: return compare(kCondGE, true);   // FACGE
    case 0b11101: return compare(kCondGT, true);   // FACGT
    default: return std::nullopt;
    }
}

std::optional<Opcode> fp_pairwise_op(unsigned key) {
    switch (key) {
    case 0b10000: return Opcode::FPMaxNum;  // FMAXNMP
    case 0b11000: return Opcode::FPMinNum;  // FMINNMP
    case 0b10010: return Opcode::FPAdd;     // FADDP
    case 0b10110: return Opcode::FPMax;     // FMAXP
    case 0b11110: return Opcode::FPMin;     // FMINP
    default: return std::nullopt;
    }
}

std::optional<LaneOp1> fp_two_reg_misc_op(Translator& t, bool u, bool a, unsigned opcode, unsigned bits) {
    // FPCompare*(x, 0) or, swapped, (0, x).
    const auto compare_zero = [&t, bits](unsigned cond, bool swapped) -> LaneOp1 {
        return [&t, bits, cond, swapped](Value x) {
            const Value zero = t.ir.imm64(0);
            return swapped ? fp_compare_mask(t, bits, cond, zero, x) : fp_compare_mask(t, bits, cond, x, zero);
        };
    };
    const auto unary = [&t, bits](Opcode o) -> LaneOp1 { return [&t, bits, o](Value x) { return fp_op(t, o, bits, x); }; };
    if (a) {
        switch ((u << 5) | opcode) {
        case 0b001100: return compare_zero(kCondGT, false);  // FCMGT #0
        case 0b001101: return compare_zero(kCondEQ, false);  // FCMEQ #0
        case 0b001110: return compare_zero(kCondGT, true);   // FCMLT #0
        case 0b101100: return compare_zero(kCondGE, false);  // FCMGE #0
        case 0b101101: return compare_zero(kCondGE, true);   // FCMLE #0
        case 0b011101: return unary(Opcode::FPRecipEstimate);  // FRECPE
        case 0b111101: return unary(Opcode::FPRSqrtEstimate);  // FRSQRTE
        default: break;
        }
    }
    if (opcode == 0b11101 && !a)  // SCVTF, UCVTF
        return [&t, bits, u](Value x) { return fp_convert_lane(t, bits, x, false, u, FPRounding::Fpcr, 0); };
    if (const auto rounding = fp_convert_rounding(opcode, a))  // FCVT[NPMZA][SU]
        return [&t, bits, u, r = *rounding](Value x) { return fp_convert_lane(t, bits, x, true, u, r, 0); };
    return std::nullopt;
}

namespace {

// FCVTN/FCVTXN (narrowing to the part Q) and FCVTL (widening from it).
bool fp_convert_vector(Translator& t, bool q, bool u, bool sz, unsigned opcode, unsigned rd, Value n) {
    const unsigned wide = sz ? 64 : 32, narrow = wide / 2, count = 64 / wide * 2;
    if (opcode == 0b10111) {  // FCVTL
        if (u) return false;
        const Value src = q ? upper_half(t, n) : n;
        t.ir.set_v(rd, per_lane(t, true, wide, [&](unsigned e) {
            return t.ir.emit(Opcode::FPConvert, Type::U64, lane(t, src, narrow, e), {}, {}, narrow, wide);
        }));
        return true;
    }
    if (u && !sz) return false;  // FCVTXN is double to single only
    Value result = zero_vec(t);
    for (unsigned e = 0; e < count; ++e) {
        const Value x = lane(t, n, wide, e);
        const Value r = u ? fp_op(t, Opcode::FPConvertOdd, 64, x)
                          : t.ir.emit(Opcode::FPConvert, Type::U64, x, {}, {}, wide, narrow);
        result = set_lane(t, result, narrow, e, r);
    }
    write_narrow(t, rd, result, q);
    return true;
}

}  // namespace

bool fp_two_reg_misc(Translator& t, bool q, bool u, unsigned size, unsigned opcode, unsigned rd, Value n) {
    const bool a = size >> 1, sz = size & 1;
    const unsigned bits = sz ? 64 : 32;
    if (!a && (opcode == 0b10110 || opcode == 0b10111)) return fp_convert_vector(t, q, u, sz, opcode, rd, n);
    if (sz && !q) return false;
    LaneOp1 f;
    if (opcode == 0b01111 && a) {  // FABS, FNEG
        f = [&](Value x) { return u ? fp_neg(t, x, bits) : fp_abs(t, x, bits); };
    } else if (opcode == 0b11111 && a && u) {  // FSQRT
        f = [&](Value x) { return fp_op(t, Opcode::FPSqrt, bits, x); };
    } else if (opcode == 0b11100 && a) {  // URECPE, URSQRTE
        if (sz) return false;
        f = [&](Value x) {
            return t.ir.zext(Type::U64, t.ir.emit(u ? Opcode::URSqrtEstimate : Opcode::URecipEstimate, Type::U32,
                                                  t.ir.trunc(Type::U32, x)));
        };
    } else if (opcode == 0b11000 || opcode == 0b11001) {  // FRINT*
        const unsigned key = (u << 2) | (a << 1) | (opcode & 1);
        if (key == 6) return false;
        f = [&, imm1 = frint_imm(key)](Value x) { return fp_op(t, Opcode::FPRoundInt, bits, x, {}, {}, imm1); };
    } else if (auto op = fp_two_reg_misc_op(t, u, a, opcode, bits)) {
        f = std::move(*op);
    } else {
        return false;
    }
    set_V(t, rd, per_lane(t, q, bits, [&](unsigned e) { return f(lane(t, n, bits, e)); }), q);
    return true;
}

bool fp_across(Translator& t, bool q, unsigned size, unsigned opcode, unsigned rd, Value n) {
    if (!q || (size & 1)) return false;  // 4S only (the half-precision forms are FEAT_FP16)
    const bool min = size >> 1;
    const Opcode op = opcode == 0b01100 ? (min ? Opcode::FPMinNum : Opcode::FPMaxNum)
                                        : (min ? Opcode::FPMin : Opcode::FPMax);
    // Reduce() halves recursively: op(op(e0, e1), op(e2, e3)).
    const auto x = [&](unsigned e) { return lane(t, n, 32, e); };
    write_fp(t, rd, fp_op(t, op, 32, fp_op(t, op, 32, x(0), x(1)), fp_op(t, op, 32, x(2), x(3))));
    return true;
}

}  // namespace simd

bool SIMD_three_same_fp(Translator& t, Insn in) {
    const bool q = in["Q"], u = in["U"], a = in["a"], sz = in["sz"];
    const unsigned opcode = in["opcode"], rd = in["Rd"], bits = sz ? 64 : 32;
    const unsigned key = (u << 4) | (a << 3) | opcode;
    if (sz && !q) return false;
    const Value vn = V(t, in["Rn"]), vm = V(t, in["Rm"]), vd = V(t, rd);
    if (const auto op = fp_pairwise_op(key)) {
        // Pairs of the concatenation m:n over the datasize, n's pairs first.
        const unsigned count = (q ? 128 : 64) / bits, half = count / 2;
        set_V(t, rd, per_lane(t, q, bits, [&](unsigned e) {
            const Value src = e < half ? vn : vm;
            const unsigned i = 2 * (e % half);
            return fp_op(t, *op, bits, lane(t, src, bits, i), lane(t, src, bits, i + 1));
        }), q);
        return true;
    }
    const auto op = fp_three_same_op(t, key, bits);
    if (!op) return false;
    set_V(t, rd, per_lane(t, q, bits, [&](unsigned e) {
        return (*op)(lane(t, vd, bits, e), lane(t, vn, bits, e), lane(t, vm, bits, e));
    }), q);
    return true;
}

}  // namespace ferry::a64
