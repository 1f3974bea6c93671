// AdvSIMD scalar classes (Arm ARM C4.1.90): copy, pairwise, three same,
// three different, two-register misc and shift by immediate on lane 0. Each
// applies the vector form's operation to vectors holding only lane 0.
#include "frontend/a64/translate_simd.h"

namespace ferry::a64 {

using namespace simd;

bool SIMD_scalar_copy(Translator& t, Insn in) {
    const unsigned imm5 = in["imm5"];
    const unsigned size = static_cast<unsigned>(std::countr_zero(imm5));
    if (in["op"] || in["imm4"] != 0 || size > 3) return false;
    const unsigned esize = 8u << size;
    write_fp(t, in["Rd"], lane(t, V(t, in["Rn"]), esize, imm5 >> (size + 1)));
    return true;
}

bool SIMD_scalar_pairwise(Translator& t, Insn in) {
    const unsigned size = in["size"], opcode = in["opcode"];
    const Value n = V(t, in["Rn"]);
    if (!in["U"]) {  // ADDP (scalar)
        if (size != 3 || opcode != 0b11011) return false;
        write_fp(t, in["Rd"], t.ir.add(low64(t, n), high64(t, n)));
        return true;
    }
    const bool min = size >> 1;
    const unsigned bits = (size & 1) ? 64 : 32;
    Opcode op;
    switch (opcode) {
    case 0b01100: op = min ? Opcode::FPMinNum : Opcode::FPMaxNum; break;  // FMAXNMP, FMINNMP
    case 0b01101: if (min) return false; op = Opcode::FPAdd; break;       // FADDP
    case 0b01111: op = min ? Opcode::FPMin : Opcode::FPMax; break;        // FMAXP, FMINP
    default: return false;
    }
    write_fp(t, in["Rd"], fp_op(t, op, bits, lane(t, n, bits, 0), lane(t, n, bits, 1)));
    return true;
}

namespace {
// The scalar three-same integer opcodes: the saturating ones at every size,
// SQDMULH/SQRDMULH at H and S, the rest at D only.
bool scalar_three_same_size_ok(unsigned opcode, unsigned size) {
    switch (opcode) {
    case 0b00001: case 0b00101: case 0b01001: case 0b01011: return true;
    case 0b00110: case 0b00111: case 0b01000: case 0b01010: case 0b10000: case 0b10001: return size == 3;
    case 0b10110: return size == 1 || size == 2;
    default: return false;
    }
}

// The FP three-same ops that have a scalar form.
bool is_scalar_fp_three_same(unsigned key) {
    switch (key) {
    case 0b00011: case 0b00100: case 0b00111: case 0b01111:  // FMULX, FCMEQ, FRECPS, FRSQRTS
    case 0b10100: case 0b10101: case 0b11010: case 0b11100: case 0b11101: return true;  // FCMGE, FACGE, FABD, FCMGT, FACGT
    default: return false;
    }
}
}  // namespace

bool SIMD_scalar_three_same(Translator& t, Insn in) {
    const bool u = in["U"];
    const unsigned size = in["size"], opcode = in["opcode"], rd = in["Rd"], esize = 8u << size;
    const Value n = V(t, in["Rn"]), m = V(t, in["Rm"]);
    if (opcode >= 0b11000) {
        const unsigned key = (u << 4) | ((size >> 1) << 3) | (opcode & 7), bits = (size & 1) ? 64 : 32;
        if (!is_scalar_fp_three_same(key)) return false;
        write_fp(t, rd, (*fp_three_same_op(t, key, bits))({}, lane(t, n, bits, 0), lane(t, m, bits, 0)));
        return true;
    }
    if (!scalar_three_same_size_ok(opcode, size)) return false;
    const auto r = integer_three_same(t, u, opcode, esize, {}, scalar_operand(t, n, esize), scalar_operand(t, m, esize));
    write_scalar(t, rd, *r, esize);
    return true;
}

bool SIMD_scalar_three_different(Translator& t, Insn in) {
    const unsigned size = in["size"], opcode = in["opcode"], rd = in["Rd"], esize = 8u << size, wide = 2 * esize;
    if (in["U"] || (size != 1 && size != 2)) return false;
    if (opcode != 0b1001 && opcode != 0b1011 && opcode != 0b1101) return false;  // SQDMLAL, SQDMLSL, SQDMULL
    const auto widen = [&](unsigned r) { return widen_part(t, scalar_operand(t, V(t, r), esize), esize, false, false); };
    const auto r = long_multiply(t, false, opcode, wide, scalar_operand(t, V(t, rd), wide), widen(in["Rn"]),
                                 widen(in["Rm"]));
    write_scalar(t, rd, *r, wide);
    return true;
}

bool SIMD_scalar_two_reg_misc(Translator& t, Insn in) {
    const bool u = in["U"];
    const unsigned size = in["size"], opcode = in["opcode"], rd = in["Rd"], esize = 8u << size;
    const Value n = V(t, in["Rn"]);
    if (opcode < 0b01100) {  // SUQADD/USQADD and SQABS/SQNEG at every size; CM** #0, ABS, NEG at D
        if (opcode != 0b00011 && opcode != 0b00111 && size != 3) return false;
        const auto r = integer_two_reg_misc(t, u, opcode, esize, scalar_operand(t, V(t, rd), esize),
                                            scalar_operand(t, n, esize));
        if (!r) return false;
        write_scalar(t, rd, *r, esize);
        return true;
    }
    if (opcode == 0b10010 || opcode == 0b10100) {  // SQXTUN, SQXTN, UQXTN
        if (size == 3) return false;
        const auto r = extract_narrow(t, u, opcode, esize, scalar_operand(t, n, 2 * esize), true);
        if (!r) return false;
        write_scalar(t, rd, *r, esize);
        return true;
    }
    if (opcode == 0b10110) {  // FCVTXN (scalar)
        if (!u || size != 1) return false;
        write_fp(t, rd, fp_op(t, Opcode::FPConvertOdd, 64, low64(t, n)));
        return true;
    }
    const bool a = size >> 1;
    const unsigned bits = (size & 1) ? 64 : 32;
    const Value x = lane(t, n, bits, 0);
    if (opcode == 0b11111 && a && !u) {  // FRECPX
        write_fp(t, rd, fp_op(t, Opcode::FPRecpX, bits, x));
        return true;
    }
    const auto op = fp_two_reg_misc_op(t, u, a, opcode, bits);
    if (!op) return false;
    write_fp(t, rd, (*op)(x));
    return true;
}

bool SIMD_scalar_shift_imm(Translator& t, Insn in) {
    const unsigned immh = in["immh"], rd = in["Rd"];
    if (immh == 0) return false;
    const bool u = in["U"];
    const unsigned immhb = (immh << 3) | in["immb"], opcode = in["opcode"];
    const unsigned esize = 8u << (std::bit_width(immh) - 1);
    const Value n = V(t, in["Rn"]);
    if (opcode >= 0b10000 && opcode <= 0b10011) {  // SQSHRN ... SQRSHRUN: esize is the narrow size
        if (esize == 64) return false;
        const auto r = narrow_by_imm(t, u, opcode, esize, immhb, scalar_operand(t, n, 2 * esize), true);
        if (!r) return false;
        write_scalar(t, rd, *r, esize);
        return true;
    }
    std::optional<Value> r;
    const bool saturating = opcode == 0b01100 || opcode == 0b01110;  // SQSHLU, [SU]QSHL: every size
    if (saturating || esize == 64)
        r = shift_by_imm(t, u, opcode, esize, immhb, scalar_operand(t, V(t, rd), esize), scalar_operand(t, n, esize));
    if (!r) r = fixed_point_by_imm(t, u, opcode, esize, immhb, 1, n);
    if (!r) return false;
    write_scalar(t, rd, *r, esize);
    return true;
}

}  // namespace ferry::a64
