// AdvSIMD vector data processing (Arm ARM C4.1.90): copy, modified
// immediate, three same, three different, two-register misc, across lanes,
// shift by immediate. Permutes, EXT and TBL are in translate_simd_permute.cpp,
// the scalar (AdvSIMD scalar) classes in translate_simd_scalar.cpp.
#include "frontend/a64/translate_simd.h"

#include "frontend/a64/translate_crypto.h"

namespace ferry::a64 {

using namespace simd;
using ir::FPRounding;
using ir::VecReduceOp;

namespace simd {

namespace vec = ir::vec;

Value widen_part(Translator& t, Value v, unsigned esize, bool upper, bool is_unsigned) {
    return vop(t, Opcode::VecExtendLow, 2 * esize, upper ? upper_half(t, v) : v, {}, is_unsigned ? 0 : 1);
}

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

std::optional<Value> integer_three_same(Translator& t, bool u, unsigned opcode, unsigned esize, Value d, Value n,
                                        Value m) {
    const uint64_t sign = u ? vec::kUnsigned : 0;
    switch (opcode) {
    case 0b00000: return vop(t, Opcode::VecHalvingAdd, esize, n, m, sign);                    // [SU]HADD
    case 0b00001: return vop(t, Opcode::VecSatAdd, esize, n, m, sign);                        // [SU]QADD
    case 0b00010: return vop(t, Opcode::VecHalvingAdd, esize, n, m, sign | vec::kRound);      // [SU]RHADD
    case 0b00100: return vop(t, Opcode::VecHalvingAdd, esize, n, m, sign | vec::kSubtract);   // [SU]HSUB
    case 0b00101: return vop(t, Opcode::VecSatAdd, esize, n, m, sign | vec::kSubtract);       // [SU]QSUB
    case 0b00110: return vop(t, u ? Opcode::VecCmpGtU : Opcode::VecCmpGtS, esize, n, m);      // CMGT/CMHI
    case 0b00111: return vop(t, u ? Opcode::VecCmpGeU : Opcode::VecCmpGeS, esize, n, m);      // CMGE/CMHS
    case 0b01000: return vop(t, Opcode::VecShiftReg, esize, n, m, sign);                      // [SU]SHL
    case 0b01001: return vop(t, Opcode::VecSatShiftReg, esize, n, m, sign);                   // [SU]QSHL
    case 0b01010: return vop(t, Opcode::VecShiftReg, esize, n, m, sign | vec::kRound);        // [SU]RSHL
    case 0b01011: return vop(t, Opcode::VecSatShiftReg, esize, n, m, sign | vec::kRound);     // [SU]QRSHL
    case 0b01100: return vop(t, u ? Opcode::VecMaxU : Opcode::VecMaxS, esize, n, m);
    case 0b01101: return vop(t, u ? Opcode::VecMinU : Opcode::VecMinS, esize, n, m);
    case 0b01110: return vop(t, Opcode::VecAbsDiff, esize, n, m, sign);                       // [SU]ABD
    case 0b01111: return vop(t, Opcode::VecAdd, esize, d, vop(t, Opcode::VecAbsDiff, esize, n, m, sign));  // [SU]ABA
    case 0b10000: return vop(t, u ? Opcode::VecSub : Opcode::VecAdd, esize, n, m);
    case 0b10001: return vop(t, u ? Opcode::VecCmpEq : Opcode::VecCmpTst, esize, n, m);
    case 0b10010: return vop(t, u ? Opcode::VecSub : Opcode::VecAdd, esize, d, vop(t, Opcode::VecMul, esize, n, m));
    case 0b10011: return u ? vop(t, Opcode::VecPolyMul, esize, n, m) : vop(t, Opcode::VecMul, esize, n, m);
    case 0b10110: return vop(t, Opcode::VecSatDoublingMul, esize, n, m, vec::kHigh | (u ? vec::kRound : 0));
    default: return std::nullopt;
    }
}

std::optional<Value> integer_two_reg_misc(Translator& t, bool u, unsigned opcode, unsigned esize, Value d, Value n) {
    switch (opcode) {
    case 0b00011:  // SUQADD/USQADD: Vd + Vn with Vn of the other signedness
        return vop(t, Opcode::VecSatAdd, esize, d, n, vec::kMixed | (u ? vec::kUnsigned : 0));
    case 0b00111: {  // SQABS/SQNEG
        const Value negated = vop(t, Opcode::VecSatAdd, esize, zero_vec(t), n, vec::kSubtract);
        if (u) return negated;
        return t.ir.emit(Opcode::VecBsl, Type::U128, compare_zero(t, CmLt0, esize, n), negated, n);
    }
    case 0b01000: case 0b01001: case 0b01010:  // CM** #0
        if (u && opcode == 0b01010) return std::nullopt;
        return compare_zero(t, ((opcode & 3) << 1) | u, esize, n);
    case 0b01011: return vop(t, u ? Opcode::VecNeg : Opcode::VecAbs, esize, n);  // ABS/NEG
    default: return std::nullopt;
    }
}

std::optional<Value> extract_narrow(Translator& t, bool u, unsigned opcode, unsigned esize, Value n, bool scalar) {
    if (opcode == 0b10010) {
        if (!u) return scalar ? std::nullopt : std::optional(vop(t, Opcode::VecShrNarrow, esize, n, {}, 0));  // XTN
        return vop(t, Opcode::VecSatNarrow, esize, n, {}, vec::kResultUnsigned);                         // SQXTUN
    }
    if (opcode == 0b10100) return vop(t, Opcode::VecSatNarrow, esize, n, {}, u ? vec::kUnsigned : 0);  // [SU]QXTN
    return std::nullopt;
}

std::optional<Value> long_multiply(Translator& t, bool u, unsigned opcode, unsigned wide, Value d, Value n, Value m) {
    const auto doubling = [&] { return vop(t, Opcode::VecSatDoublingMul, wide, n, m); };
    switch (opcode) {
    case 0b1000: return vop(t, Opcode::VecAdd, wide, d, vop(t, Opcode::VecMul, wide, n, m));  // [SU]MLAL
    case 0b1010: return vop(t, Opcode::VecSub, wide, d, vop(t, Opcode::VecMul, wide, n, m));  // [SU]MLSL
    case 0b1100: return vop(t, Opcode::VecMul, wide, n, m);                                   // [SU]MULL
    case 0b1001: if (u) return std::nullopt; return vop(t, Opcode::VecSatAdd, wide, d, doubling());  // SQDMLAL
    case 0b1011:  // SQDMLSL
        if (u) return std::nullopt;
        return vop(t, Opcode::VecSatAdd, wide, d, doubling(), vec::kSubtract);
    case 0b1101: if (u) return std::nullopt; return doubling();  // SQDMULL
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

namespace {
// Sizes the three-same integer opcodes allow besides "no 64-bit lanes in a
// 64-bit vector": those without 64-bit lanes, PMUL (bytes) and SQDMULH (H, S).
bool three_same_size_ok(bool u, unsigned opcode, unsigned size) {
    switch (opcode) {
    case 0b00001: case 0b00101: case 0b00110: case 0b00111: case 0b01000: case 0b01001:
    case 0b01010: case 0b01011: case 0b10000: case 0b10001: case 0b10111: return true;
    case 0b10011: return u ? size == 0 : size != 3;  // PMUL, MUL
    case 0b10110: return size == 1 || size == 2;      // SQDMULH, SQRDMULH
    default: return size != 3;
    }
}
}  // namespace

bool SIMD_three_same(Translator& t, Insn in) {
    const bool q = in["Q"], u = in["U"];
    const unsigned size = in["size"], opcode = in["opcode"], rd = in["Rd"], esize = 8u << size;
    const Value n = V_part(t, in["Rn"], q), m = V_part(t, in["Rm"], q);
    if (opcode == 0b00011) {
        set_V(t, rd, logical_three_same(t, u, size, V(t, rd), n, m), q);
        return true;
    }
    if ((size == 3 && !q) || !three_same_size_ok(u, opcode, size)) return false;
    if (const auto r = integer_three_same(t, u, opcode, esize, V(t, rd), n, m)) {
        set_V(t, rd, *r, q);
        return true;
    }
    VecReduceOp op;
    switch ((u << 5) | opcode) {
    case 0b010100: op = VecReduceOp::MaxS; break;  // SMAXP
    case 0b110100: op = VecReduceOp::MaxU; break;  // UMAXP
    case 0b010101: op = VecReduceOp::MinS; break;  // SMINP
    case 0b110101: op = VecReduceOp::MinU; break;  // UMINP
    case 0b010111: op = VecReduceOp::Add; break;   // ADDP (vector)
    default: return false;
    }
    set_V(t, rd, pairwise(t, q, esize, op, n, m), q);
    return true;
}

// ---- Three different ----

bool SIMD_three_different(Translator& t, Insn in) {
    const bool q = in["Q"], u = in["U"];
    const unsigned size = in["size"], opcode = in["opcode"], rd = in["Rd"];
    const unsigned esize = 8u << size, wide = 2 * esize;
    if (size == 3) return opcode == 0b1110 && !u && translate_pmull64(t, in);  // PMULL.1Q: crypto
    const Value vn = V(t, in["Rn"]), vm = V(t, in["Rm"]);
    // Vpart[n, part]: the lower or (for the "2" forms) upper half, widened.
    const auto widen = [&](Value v) { return widen_part(t, v, esize, q, u); };
    const auto narrow_high = [&](Opcode op) {  // [R]ADDHN/[R]SUBHN: the high halves of the wide sums
        const Value sum = vop(t, op, wide, vn, vm);
        write_narrow(t, rd, vop(t, Opcode::VecShrNarrow, esize, sum, {}, esize | (uint64_t{u} << 8)), q);
        return true;
    };
    const uint64_t sign = u ? ir::vec::kUnsigned : 0;
    Value result;
    switch (opcode) {
    case 0b0000: result = vop(t, Opcode::VecAdd, wide, widen(vn), widen(vm)); break;  // [SU]ADDL
    case 0b0001: result = vop(t, Opcode::VecAdd, wide, vn, widen(vm)); break;         // [SU]ADDW
    case 0b0010: result = vop(t, Opcode::VecSub, wide, widen(vn), widen(vm)); break;  // [SU]SUBL
    case 0b0011: result = vop(t, Opcode::VecSub, wide, vn, widen(vm)); break;         // [SU]SUBW
    case 0b0100: return narrow_high(Opcode::VecAdd);
    case 0b0110: return narrow_high(Opcode::VecSub);
    case 0b0101:  // [SU]ABAL
        result = vop(t, Opcode::VecAdd, wide, V(t, rd), vop(t, Opcode::VecAbsDiff, wide, widen(vn), widen(vm), sign));
        break;
    case 0b0111: result = vop(t, Opcode::VecAbsDiff, wide, widen(vn), widen(vm), sign); break;  // [SU]ABDL
    case 0b1110: {  // PMULL (8-bit lanes)
        if (u || size != 0) return false;
        const Value pn = q ? upper_half(t, vn) : vn, pm = q ? upper_half(t, vm) : vm;
        result = vop(t, Opcode::VecPolyMul, 8, pn, pm, ir::vec::kLong);
        break;
    }
    default: {
        const bool doubling = opcode == 0b1001 || opcode == 0b1011 || opcode == 0b1101;
        if (doubling && size == 0) return false;
        const auto r = long_multiply(t, u, opcode, wide, V(t, rd), widen(vn), widen(vm));
        if (!r) return false;
        result = *r;
        break;
    }
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

// [SU]ADDLP, [SU]ADALP: the sums of adjacent esize lanes in 2*esize lanes.
Value add_pairs_long(Translator& t, bool u, unsigned esize, Value n) {
    const unsigned wide = 2 * esize;
    const Value low = u ? vop(t, Opcode::VecAnd, 8, n, dup_const(t, wide, ones(esize)))
                        : vop(t, Opcode::VecAsrImm, wide, vop(t, Opcode::VecShlImm, wide, n, {}, esize), {}, esize);
    const Value high = vop(t, u ? Opcode::VecLsrImm : Opcode::VecAsrImm, wide, n, {}, esize);
    return vop(t, Opcode::VecAdd, wide, low, high);
}
}  // namespace

bool SIMD_two_reg_misc(Translator& t, Insn in) {
    const bool q = in["Q"], u = in["U"];
    const unsigned size = in["size"], opcode = in["opcode"], rd = in["Rd"], esize = 8u << size;
    const Value n = V(t, in["Rn"]);
    const auto done = [&](Value r) {
        set_V(t, rd, r, q);
        return true;
    };
    switch ((u << 5) | opcode) {
    case 0b000000: return reverse(t, q, size, 64, rd, n);  // REV64
    case 0b100000: return reverse(t, q, size, 32, rd, n);  // REV32
    case 0b000001: return reverse(t, q, size, 16, rd, n);  // REV16
    case 0b000010: case 0b100010:  // [SU]ADDLP
        if (size == 3) return false;
        return done(add_pairs_long(t, u, esize, n));
    case 0b000110: case 0b100110:  // [SU]ADALP
        if (size == 3) return false;
        return done(vop(t, Opcode::VecAdd, 2 * esize, V(t, rd), add_pairs_long(t, u, esize, n)));
    case 0b000100: case 0b100100:  // CLS, CLZ
        if (size == 3) return false;
        return done(vop(t, u ? Opcode::VecClz : Opcode::VecCls, esize, n));
    case 0b000101:  // CNT
        if (size != 0) return false;
        return done(vop(t, Opcode::VecCnt, 8, n));
    case 0b100101:  // NOT, RBIT
        if (size > 1) return false;
        return done(vop(t, size ? Opcode::VecRbit : Opcode::VecNot, 8, n));
    case 0b010010: case 0b110010: case 0b010100: case 0b110100: {  // XTN, SQXTUN, [SU]QXTN
        if (size == 3) return false;
        write_narrow(t, rd, *extract_narrow(t, u, opcode, esize, n, false), q);
        return true;
    }
    case 0b110011:  // SHLL: widen and shift by esize
        if (size == 3) return false;
        t.ir.set_v(rd, vop(t, Opcode::VecShlImm, 2 * esize, widen_part(t, n, esize, q, true), {}, esize));
        return true;
    default: break;
    }
    if (opcode < 0b01100) {
        if (size == 3 && !q) return false;
        const auto r = integer_two_reg_misc(t, u, opcode, esize, V_part(t, rd, q), V_part(t, in["Rn"], q));
        return r && done(*r);
    }
    return fp_two_reg_misc(t, q, u, size, opcode, rd, n);
}

// ---- Across lanes ----

bool SIMD_across(Translator& t, Insn in) {
    const bool q = in["Q"], u = in["U"];
    const unsigned size = in["size"], opcode = in["opcode"], esize = 8u << size;
    if (u && (opcode == 0b01100 || opcode == 0b01111)) return fp_across(t, q, size, opcode, in["Rd"], V(t, in["Rn"]));
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
// The rounding right shifts are rounding shifts by register by -right.
std::optional<Value> shift_by_imm(Translator& t, bool u, unsigned opcode, unsigned esize, unsigned immhb, Value d,
                                  Value n) {
    const unsigned right = 2 * esize - immhb, left = immhb - esize;
    const uint64_t sign = u ? vec::kUnsigned : 0;
    const auto rounding_right = [&] {
        return vop(t, Opcode::VecShiftReg, esize, n, dup_const(t, esize, (0 - right) & 0xff), sign | vec::kRound);
    };
    switch ((u << 5) | opcode) {
    case 0b000000: return vop(t, Opcode::VecAsrImm, esize, n, {}, right);  // SSHR
    case 0b100000: return vop(t, Opcode::VecLsrImm, esize, n, {}, right);  // USHR
    case 0b000010: return vop(t, Opcode::VecAdd, esize, d, vop(t, Opcode::VecAsrImm, esize, n, {}, right));  // SSRA
    case 0b100010: return vop(t, Opcode::VecAdd, esize, d, vop(t, Opcode::VecLsrImm, esize, n, {}, right));  // USRA
    case 0b000100: case 0b100100: return rounding_right();                                     // [SU]RSHR
    case 0b000110: case 0b100110: return vop(t, Opcode::VecAdd, esize, d, rounding_right());   // [SU]RSRA
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
    case 0b101100:  // SQSHLU
        return vop(t, Opcode::VecSatShiftReg, esize, n, dup_const(t, esize, left), vec::kResultUnsigned);
    case 0b001110: case 0b101110:  // [SU]QSHL (immediate)
        return vop(t, Opcode::VecSatShiftReg, esize, n, dup_const(t, esize, left), sign);
    default: return std::nullopt;
    }
}

std::optional<Value> narrow_by_imm(Translator& t, bool u, unsigned opcode, unsigned esize, unsigned immhb, Value n,
                                   bool scalar) {
    const uint64_t shift = 2 * esize - immhb, round = (opcode & 1) ? vec::kRound : 0;
    switch (opcode) {
    case 0b10000: case 0b10001:
        if (u)  // SQSHRUN, SQRSHRUN
            return vop(t, Opcode::VecSatNarrow, esize, n, {}, (shift << vec::kShiftPos) | round | vec::kResultUnsigned);
        if (scalar) return std::nullopt;
        return vop(t, Opcode::VecShrNarrow, esize, n, {}, shift | (uint64_t{round != 0} << 8));  // SHRN, RSHRN
    case 0b10010: case 0b10011:  // [SU]QSHRN, [SU]QRSHRN
        return vop(t, Opcode::VecSatNarrow, esize, n, {}, (shift << vec::kShiftPos) | round | (u ? vec::kUnsigned : 0));
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
    if (opcode >= 0b10000 && opcode <= 0b10011) {  // narrowing: esize is the narrow size
        if (esize == 64) return false;
        const auto narrow = narrow_by_imm(t, u, opcode, esize, immhb, n, false);
        if (!narrow) return false;
        write_narrow(t, rd, *narrow, q);
        return true;
    }
    if (opcode == 0b10100) {  // SSHLL/USHLL (UXTL/SXTL), "2" forms from the upper half
        if (esize == 64) return false;
        t.ir.set_v(rd, vop(t, Opcode::VecShlImm, 2 * esize, widen_part(t, n, esize, q, u), {}, immhb - esize));
        return true;
    }
    if (esize == 64 && !q) return false;
    auto result = shift_by_imm(t, u, opcode, esize, immhb, V(t, rd), V_part(t, in["Rn"], q));
    if (!result) result = fixed_point_by_imm(t, u, opcode, esize, immhb, (q ? 128 : 64) / esize, n);
    if (!result) return false;
    set_V(t, rd, *result, q);
    return true;
}

}  // namespace ferry::a64
