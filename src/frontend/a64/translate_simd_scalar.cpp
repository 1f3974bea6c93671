// AdvSIMD scalar classes (Arm ARM C4.1.90): the 64-bit integer forms and the
// FP conversions that compilers use to keep integers in V registers.
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
    if (in["U"] || in["size"] != 3 || in["opcode"] != 0b11011) return false;  // only ADDP (scalar)
    const Value n = V(t, in["Rn"]);
    write_fp(t, in["Rd"], t.ir.add(low64(t, n), high64(t, n)));
    return true;
}

bool SIMD_scalar_three_same(Translator& t, Insn in) {
    if (in["size"] != 3) return false;
    const auto r = integer_three_same(t, in["U"], in["opcode"], 64, V(t, in["Rn"]), V(t, in["Rm"]));
    if (!r) return false;
    write_fp(t, in["Rd"], low64(t, *r));
    return true;
}

bool SIMD_scalar_two_reg_misc(Translator& t, Insn in) {
    const bool u = in["U"];
    const unsigned size = in["size"], opcode = in["opcode"], rd = in["Rd"];
    const Value n = V(t, in["Rn"]);
    if (opcode >= 0b01000 && opcode <= 0b01011) {  // CM** #0, ABS, NEG: 64-bit only
        if (size != 3 || (u && opcode == 0b01010)) return false;
        const Value r = opcode == 0b01011 ? vop(t, u ? Opcode::VecNeg : Opcode::VecAbs, 64, n)
                                          : compare_zero(t, ((opcode & 3) << 1) | u, 64, n);
        write_fp(t, rd, low64(t, r));
        return true;
    }
    const bool a = size >> 1;
    const unsigned bits = (size & 1) ? 64 : 32;
    const Value x = lane(t, n, bits, 0);
    if (opcode == 0b11101 && !a) {  // SCVTF, UCVTF
        write_fp(t, rd, fp_convert_lane(t, bits, x, false, u, ir::FPRounding::Fpcr, 0));
        return true;
    }
    const auto rounding = fp_convert_rounding(opcode, a);
    if (!rounding) return false;
    write_fp(t, rd, fp_convert_lane(t, bits, x, true, u, *rounding, 0));
    return true;
}

bool SIMD_scalar_shift_imm(Translator& t, Insn in) {
    const unsigned immh = in["immh"], rd = in["Rd"];
    if (immh == 0) return false;
    const bool u = in["U"];
    const unsigned immhb = (immh << 3) | in["immb"], opcode = in["opcode"];
    const unsigned esize = 8u << (std::bit_width(immh) - 1);
    const Value n = V(t, in["Rn"]);
    std::optional<Value> r;
    if (esize == 64) r = shift_by_imm(t, u, opcode, 64, immhb, V(t, rd), n);
    if (!r) r = fixed_point_by_imm(t, u, opcode, esize, immhb, 1, n);
    if (!r) return false;
    write_fp(t, rd, low64(t, *r));
    return true;
}

}  // namespace ferry::a64
