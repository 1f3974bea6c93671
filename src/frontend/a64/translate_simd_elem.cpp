// AdvSIMD vector x indexed element and scalar x indexed element (Arm ARM
// C4.1.90): the three-same and three-different operations with the second
// operand one lane of Vm, duplicated.
#include "frontend/a64/translate_simd.h"

namespace ferry::a64 {

using namespace simd;

namespace {

// The decoded element operand: Elem[V[m], index, esize].
struct Element {
    unsigned esize, rm, index;
};

// Integer forms: H lanes come from V0-V15 with index H:L:M, S lanes from
// V0-V31 with index H:L. Other sizes are unallocated.
std::optional<Element> integer_element(Insn in) {
    const unsigned size = in["size"], h = in["H"], l = in["L"], m = in["M"], rm = in["Rm"];
    if (size == 1) return Element{16, rm, (h << 2) | (l << 1) | m};
    if (size == 2) return Element{32, (m << 4) | rm, (h << 1) | l};
    return std::nullopt;
}

// FP forms (size 1x): single lanes with index H:L, double with index H (L = 1 unallocated).
std::optional<Element> fp_element(Insn in) {
    const unsigned size = in["size"], h = in["H"], l = in["L"], rm = (in["M"] << 4) | in["Rm"];
    if (size == 2) return Element{32, rm, (h << 1) | l};
    if (size == 3 && !l) return Element{64, rm, h};
    return std::nullopt;
}

// The FP three-same key of FMLA/FMLS/FMUL/FMULX (by element).
std::optional<unsigned> fp_element_key(bool u, unsigned opcode) {
    switch ((u << 4) | opcode) {
    case 0b00001: return 0b00001;  // FMLA
    case 0b00101: return 0b01001;  // FMLS
    case 0b01001: return 0b10011;  // FMUL
    case 0b11001: return 0b00011;  // FMULX
    default: return std::nullopt;
    }
}

// The three-same opcode (and U) of MLA, MLS, MUL, SQDMULH, SQRDMULH by element.
struct SameOp {
    bool u;
    unsigned opcode;
};
std::optional<SameOp> same_size_op(bool u, unsigned opcode) {
    switch ((u << 4) | opcode) {
    case 0b10000: return SameOp{false, 0b10010};  // MLA
    case 0b10100: return SameOp{true, 0b10010};   // MLS
    case 0b01000: return SameOp{false, 0b10011};  // MUL
    case 0b01100: return SameOp{false, 0b10110};  // SQDMULH
    case 0b01101: return SameOp{true, 0b10110};   // SQRDMULH
    default: return std::nullopt;
    }
}

// The three-different opcode of the long forms: [SU]MLAL 0010, SQDMLAL 0011,
// [SU]MLSL 0110, SQDMLSL 0111, [SU]MULL 1010, SQDMULL 1011.
std::optional<unsigned> long_op(unsigned opcode) {
    if ((opcode & 0b0010) == 0 || opcode >= 0b1100) return std::nullopt;
    return 0b1000 | ((opcode >> 2) << 1) | (opcode & 1);
}

bool fp_by_element(Translator& t, Insn in, bool q, bool scalar) {
    const auto key = fp_element_key(in["U"], in["opcode"]);
    const auto elem = fp_element(in);
    if (!key || !elem || (!scalar && elem->esize == 64 && !q)) return false;
    const unsigned bits = elem->esize, rd = in["Rd"];
    const auto op = fp_three_same_op(t, *key, bits);
    const Value y = lane(t, V(t, elem->rm), bits, elem->index), vn = V(t, in["Rn"]), vd = V(t, rd);
    if (scalar) {
        write_fp(t, rd, (*op)(lane(t, vd, bits, 0), lane(t, vn, bits, 0), y));
        return true;
    }
    set_V(t, rd, per_lane(t, q, bits, [&](unsigned e) { return (*op)(lane(t, vd, bits, e), lane(t, vn, bits, e), y); }),
          q);
    return true;
}

}  // namespace

bool SIMD_by_element(Translator& t, Insn in) {
    const bool q = in["Q"], u = in["U"];
    const unsigned opcode = in["opcode"], rd = in["Rd"];
    if (fp_element_key(u, opcode)) return fp_by_element(t, in, q, false);
    const auto elem = integer_element(in);
    if (!elem) return false;
    const unsigned esize = elem->esize;
    const Value m = dup(t, esize, lane(t, V(t, elem->rm), esize, elem->index)), n = V(t, in["Rn"]);
    if (const auto same = same_size_op(u, opcode)) {
        set_V(t, rd, *integer_three_same(t, same->u, same->opcode, esize, V(t, rd), V_part(t, in["Rn"], q), m), q);
        return true;
    }
    const auto diff = long_op(opcode);
    if (!diff) return false;
    const auto r = long_multiply(t, u, *diff, 2 * esize, V(t, rd), widen_part(t, n, esize, q, u),
                                 widen_part(t, m, esize, false, u));
    if (!r) return false;
    t.ir.set_v(rd, *r);
    return true;
}

bool SIMD_scalar_by_element(Translator& t, Insn in) {
    const bool u = in["U"];
    const unsigned opcode = in["opcode"], rd = in["Rd"];
    if (fp_element_key(u, opcode)) return fp_by_element(t, in, true, true);
    const auto elem = integer_element(in);
    if (!elem || u) return false;
    const unsigned esize = elem->esize;
    const Value m = from_u64(t, lane(t, V(t, elem->rm), esize, elem->index));
    const Value n = scalar_operand(t, V(t, in["Rn"]), esize);
    if (opcode == 0b1100 || opcode == 0b1101) {  // SQDMULH, SQRDMULH
        write_scalar(t, rd, *integer_three_same(t, opcode & 1, 0b10110, esize, {}, n, m), esize);
        return true;
    }
    if (opcode != 0b0011 && opcode != 0b0111 && opcode != 0b1011) return false;  // SQDMLAL, SQDMLSL, SQDMULL
    const unsigned wide = 2 * esize;
    const auto r = long_multiply(t, false, *long_op(opcode), wide, scalar_operand(t, V(t, rd), wide),
                                 widen_part(t, n, esize, false, false), widen_part(t, m, esize, false, false));
    write_scalar(t, rd, *r, wide);
    return true;
}

}  // namespace ferry::a64
