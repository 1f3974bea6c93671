// Scalar floating point (Arm ARM C4.1.90: FP data-processing 1/2/3 source,
// compare, conditional compare/select, immediate, FP<->integer and
// FP<->fixed-point conversions). The arithmetic itself is in the FP* IR ops.
#include "frontend/a64/translate_simd_common.h"

namespace ferry::a64 {

using namespace simd;
using ir::FPRounding;

namespace {

// VFPExpandImm(imm8) for an N-bit format with E exponent bits.
uint64_t vfp_expand_imm(unsigned imm8, unsigned bits) {
    const unsigned E = bits == 64 ? 11 : bits == 32 ? 8 : 5, F = bits - E - 1;
    const uint64_t sign = (imm8 >> 7) & 1, b6 = (imm8 >> 6) & 1;
    const uint64_t exp = ((b6 ^ 1) << (E - 1)) | ((b6 ? ones(E - 3) : 0) << 2) | ((imm8 >> 4) & 3);
    const uint64_t frac = uint64_t{imm8 & 0xf} << (F - 4);
    return (sign << (bits - 1)) | (exp << F) | frac;
}

// FMOV/FABS/FNEG (bit operations, no FP exceptions).
Value fp_move(Translator& t, unsigned opcode, unsigned bits, Value x) {
    switch (opcode) {
    case 1: return fp_abs(t, x, bits);
    case 2: return fp_neg(t, x, bits);
    default: return x;
    }
}

}  // namespace

bool FP_dp1(Translator& t, Insn in) {
    const unsigned bits = fp_size(in["ftype"]), opcode = in["opcode"], rd = in["Rd"];
    if (bits == 0) return false;
    const Value x = read_fp(t, in["Rn"], bits);
    if ((opcode >> 2) == 0b0001) {  // FCVT
        const unsigned to = fp_size(opcode & 3);
        if (to == 0 || to == bits) return false;
        write_fp(t, rd, t.ir.emit(Opcode::FPConvert, Type::U64, x, {}, {}, bits, to));
        return true;
    }
    if (bits == 16) return false;  // FEAT_FP16
    static constexpr FPRounding kFrint[8] = {FPRounding::TieEven, FPRounding::PosInf, FPRounding::NegInf,
                                             FPRounding::Zero,    FPRounding::TieAway, FPRounding::Fpcr,
                                             FPRounding::Fpcr,    FPRounding::Fpcr};
    switch (opcode) {
    case 0b000000:
    case 0b000001:
    case 0b000010: write_fp(t, rd, fp_move(t, opcode, bits, x)); return true;
    case 0b000011: write_fp(t, rd, fp_op(t, Opcode::FPSqrt, bits, x)); return true;
    case 0b001000: case 0b001001: case 0b001010: case 0b001011:
    case 0b001100: case 0b001110: case 0b001111: {  // FRINTN/P/M/Z/A/X/I
        const bool exact = opcode == 0b001110;
        const uint64_t imm1 = static_cast<uint64_t>(kFrint[opcode & 7]) | (uint64_t{exact} << 4);
        write_fp(t, rd, fp_op(t, Opcode::FPRoundInt, bits, x, {}, {}, imm1));
        return true;
    }
    default: return false;
    }
}

bool FP_dp2(Translator& t, Insn in) {
    static constexpr Opcode kOps[] = {Opcode::FPMul,    Opcode::FPDiv,    Opcode::FPAdd, Opcode::FPSub,
                                      Opcode::FPMax,    Opcode::FPMin,    Opcode::FPMaxNum,
                                      Opcode::FPMinNum, Opcode::FPMul};
    const unsigned bits = fp_size(in["ftype"]), opcode = in["opcode"];
    if (bits == 0 || bits == 16 || opcode > 0b1000) return false;
    Value result = fp_op(t, kOps[opcode], bits, read_fp(t, in["Rn"], bits), read_fp(t, in["Rm"], bits));
    if (opcode == 0b1000) result = fp_neg(t, result, bits);  // FNMUL negates the product, NaN or not
    write_fp(t, in["Rd"], result);
    return true;
}

// FMADD: Ra + Rn*Rm; FMSUB: Ra - Rn*Rm; FNMADD: -Ra - Rn*Rm; FNMSUB: -Ra + Rn*Rm.
// The negations apply to the operands before the fused operation, as in the
// Arm ARM, so a NaN operand comes out with its sign flipped.
bool FP_dp3(Translator& t, Insn in) {
    const unsigned bits = fp_size(in["ftype"]);
    if (bits == 0 || bits == 16) return false;
    const bool negate_addend = in["o1"], negate_product = in["o1"] != in["o0"];
    Value addend = read_fp(t, in["Ra"], bits), n = read_fp(t, in["Rn"], bits);
    if (negate_addend) addend = fp_neg(t, addend, bits);
    if (negate_product) n = fp_neg(t, n, bits);
    write_fp(t, in["Rd"], fp_op(t, Opcode::FPMulAdd, bits, addend, n, read_fp(t, in["Rm"], bits)));
    return true;
}

bool FP_compare(Translator& t, Insn in) {
    const unsigned bits = fp_size(in["ftype"]), opcode2 = in["opcode2"];
    if (bits == 0 || bits == 16 || in["op"] != 0 || (opcode2 & 7) != 0) return false;
    const bool with_zero = (opcode2 >> 3) & 1, signal_nans = (opcode2 >> 4) & 1;
    const Value m = with_zero ? t.ir.imm64(0) : read_fp(t, in["Rm"], bits);
    t.ir.set_nzcv(fp_op(t, Opcode::FPCompare, bits, read_fp(t, in["Rn"], bits), m, {}, signal_nans));
    return true;
}

bool FP_condcmp(Translator& t, Insn in) {
    const unsigned bits = fp_size(in["ftype"]);
    if (bits == 0 || bits == 16) return false;
    const Value holds = condition_holds(t, in["cond"]);
    const uint64_t imm1 = in["op"] | (uint64_t{in["nzcv"]} << 4);
    t.ir.set_nzcv(fp_op(t, Opcode::FPCondCompare, bits, read_fp(t, in["Rn"], bits), read_fp(t, in["Rm"], bits),
                        holds, imm1));
    return true;
}

bool FP_condsel(Translator& t, Insn in) {
    const unsigned bits = fp_size(in["ftype"]);
    if (bits == 0 || bits == 16) return false;
    const Value holds = condition_holds(t, in["cond"]);
    write_fp(t, in["Rd"], t.ir.select(holds, read_fp(t, in["Rn"], bits), read_fp(t, in["Rm"], bits)));
    return true;
}

bool FP_imm(Translator& t, Insn in) {
    const unsigned bits = fp_size(in["ftype"]);
    if (bits == 0 || bits == 16 || in["imm5"] != 0) return false;
    write_fp(t, in["Rd"], t.ir.imm64(vfp_expand_imm(in["imm8"], bits)));
    return true;
}

namespace {
// FPToFixed into Rd (W or X), or FixedToFP from Rn into a scalar register.
void fp_to_int(Translator& t, bool sf, unsigned rd, Value x, unsigned bits, bool is_unsigned, FPRounding rounding,
               unsigned fbits) {
    const unsigned int_bits = sf ? 64 : 32;
    const Value r = t.ir.emit(Opcode::FPToFixed, Type::U64, x, {}, {}, bits,
                              fixed_imm(int_bits, is_unsigned, rounding, fbits));
    t.set_reg(sf, rd, sf ? r : t.ir.trunc(Type::U32, r));
}
void int_to_fp(Translator& t, bool sf, unsigned rd, unsigned rn, unsigned bits, bool is_unsigned, unsigned fbits) {
    const unsigned int_bits = sf ? 64 : 32;
    write_fp(t, rd, t.ir.emit(Opcode::FixedToFP, Type::U64, t.X(rn), {}, {}, bits,
                              fixed_imm(int_bits, is_unsigned, FPRounding::Fpcr, fbits)));
}

// FMOV between a general register and a V register (all of 32 or 64 bits, or
// the upper 64 bits of the vector with part = 1).
bool fmov_general(Translator& t, bool sf, unsigned ftype, unsigned rmode, bool to_fp, unsigned rn, unsigned rd) {
    const bool single = !sf && ftype == 0 && rmode == 0, dbl = sf && ftype == 1 && rmode == 0;
    const bool top = sf && ftype == 2 && rmode == 1;
    if (!single && !dbl && !top) return false;  // the half forms are FEAT_FP16
    if (to_fp) {
        if (top) t.ir.set_v(rd, set_lane(t, V(t, rd), 64, 1, t.X(rn)));
        else write_fp(t, rd, single ? t.ir.zext(Type::U64, t.W(rn)) : t.X(rn));
    } else {
        const Value v = V(t, rn);
        t.set_reg(sf, rd, top ? high64(t, v) : single ? t.ir.trunc(Type::U32, low64(t, v)) : low64(t, v));
    }
    return true;
}
}  // namespace

bool FP_fixed(Translator& t, Insn in) {
    const unsigned bits = fp_size(in["ftype"]), scale = in["scale"];
    const bool sf = in["sf"];
    if (bits == 0 || bits == 16 || (!sf && scale < 32)) return false;
    const unsigned fbits = 64 - scale;
    switch ((in["rmode"] << 3) | in["opcode"]) {
    case 0b00010: int_to_fp(t, sf, in["Rd"], in["Rn"], bits, false, fbits); return true;  // SCVTF
    case 0b00011: int_to_fp(t, sf, in["Rd"], in["Rn"], bits, true, fbits); return true;   // UCVTF
    case 0b11000:
    case 0b11001:  // FCVTZS, FCVTZU
        fp_to_int(t, sf, in["Rd"], read_fp(t, in["Rn"], bits), bits, in["opcode"] & 1, FPRounding::Zero, fbits);
        return true;
    default: return false;
    }
}

bool FP_int(Translator& t, Insn in) {
    const unsigned ftype = in["ftype"], bits = fp_size(ftype), rmode = in["rmode"], opcode = in["opcode"];
    const bool sf = in["sf"];
    if (opcode >= 0b110) return fmov_general(t, sf, ftype, rmode, opcode == 0b111, in["Rn"], in["Rd"]);
    if (bits == 0 || bits == 16) return false;
    switch (opcode) {
    case 0b000:
    case 0b001:  // FCVTNS/NU, FCVTPS/PU, FCVTMS/MU, FCVTZS/ZU: rmode is the rounding
        fp_to_int(t, sf, in["Rd"], read_fp(t, in["Rn"], bits), bits, opcode & 1, static_cast<FPRounding>(rmode), 0);
        return true;
    case 0b100:
    case 0b101:  // FCVTAS, FCVTAU
        if (rmode != 0) return false;
        fp_to_int(t, sf, in["Rd"], read_fp(t, in["Rn"], bits), bits, opcode & 1, FPRounding::TieAway, 0);
        return true;
    default:  // SCVTF, UCVTF
        if (rmode != 0) return false;
        int_to_fp(t, sf, in["Rd"], in["Rn"], bits, opcode & 1, 0);
        return true;
    }
}

}  // namespace ferry::a64
