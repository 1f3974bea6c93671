// Operand helpers shared by the FP and AdvSIMD translators: V registers as
// whole vectors, as scalars (the low bits, the rest zeroed on write) and as
// lanes, after the Arm ARM's V[], Vpart[] and Elem[] accessors.
#pragma once
#include <cstdint>

#include "frontend/a64/translate_common.h"
#include "frontend/a64/translator.h"

namespace ferry::a64::simd {

using ir::Opcode;

// The scalar FP size selected by ftype (00 single, 01 double, 11 half); 0
// for the unallocated 10.
constexpr unsigned fp_size(unsigned ftype) {
    constexpr unsigned kSizes[] = {32, 64, 0, 16};
    return kSizes[ftype & 3];
}

inline Value vec_const(Translator& t, uint64_t lo, uint64_t hi) {
    return t.ir.emit(Opcode::VecFromU64x2, Type::U128, t.ir.imm64(lo), t.ir.imm64(hi));
}
inline Value zero_vec(Translator& t) { return vec_const(t, 0, 0); }
inline Value low64(Translator& t, Value v) { return t.ir.emit(Opcode::VecLow64, Type::U64, v); }
inline Value high64(Translator& t, Value v) { return t.ir.emit(Opcode::VecHigh64, Type::U64, v); }
inline Value from_u64(Translator& t, Value v) { return t.ir.emit(Opcode::VecFromU64, Type::U128, v); }
inline Value from_u64x2(Translator& t, Value lo, Value hi) {
    return t.ir.emit(Opcode::VecFromU64x2, Type::U128, lo, hi);
}

inline Value V(Translator& t, unsigned r) { return t.ir.get_v(r); }
// V[r] = value, keeping only the low 64 bits when the operation is 64 bits wide (Q = 0).
inline void set_V(Translator& t, unsigned r, Value v, bool q = true) {
    t.ir.set_v(r, q ? v : from_u64(t, low64(t, v)));
}
// V[r] at the operation's datasize: for Q = 0 the upper half reads as zero,
// so that the saturating ops see only the instruction's lanes (FPSR.QC).
inline Value V_part(Translator& t, unsigned r, bool q) { return q ? V(t, r) : from_u64(t, low64(t, V(t, r))); }
// The upper half of Vn as a vector's lower half (the "2" forms' source).
inline Value upper_half(Translator& t, Value v) { return from_u64(t, high64(t, v)); }

// Elem[v, index, esize] zero-extended to 64 bits, and its update.
inline Value lane(Translator& t, Value v, unsigned esize, unsigned index) {
    return t.ir.emit(Opcode::VecGetLane, Type::U64, v, {}, {}, esize, index);
}
inline Value set_lane(Translator& t, Value v, unsigned esize, unsigned index, Value x) {
    return t.ir.emit(Opcode::VecSetLane, Type::U128, v, t.ir.zext(Type::U64, x), {}, esize, index);
}
inline Value dup(Translator& t, unsigned esize, Value x) {
    return t.ir.emit(Opcode::VecDup, Type::U128, t.ir.zext(Type::U64, x), {}, {}, esize);
}
inline Value dup_const(Translator& t, unsigned esize, uint64_t x) {
    const uint64_t r = replicate(x, esize, 64);
    return vec_const(t, r, r);
}

// Two- and one-operand vector ops with imm0 = esize.
inline Value vop(Translator& t, Opcode op, unsigned esize, Value a, Value b = {}, uint64_t imm1 = 0) {
    return t.ir.emit(op, Type::U128, a, b, {}, esize, imm1);
}

// A scalar FP register: the low `bits` of V[r], zero-extended to 64 bits.
inline Value read_fp(Translator& t, unsigned r, unsigned bits) {
    const Value v = low64(t, V(t, r));
    return bits == 64 ? v : t.ir.zext(Type::U64, t.ir.trunc(ir::int_type_of_width(bits), v));
}
// V[r] = a scalar (already zero-extended), clearing the rest of the register.
inline void write_fp(Translator& t, unsigned r, Value v) { t.ir.set_v(r, from_u64(t, t.ir.zext(Type::U64, v))); }

// FP ops on raw bits: imm0 = size in bits.
inline Value fp_op(Translator& t, Opcode op, unsigned bits, Value a, Value b = {}, Value c = {}, uint64_t imm1 = 0) {
    return t.ir.emit(op, op == Opcode::FPCompare || op == Opcode::FPCondCompare ? Type::U32 : Type::U64, a, b, c,
                     bits, imm1);
}
inline uint64_t sign_bit(unsigned bits) { return uint64_t{1} << (bits - 1); }
inline Value fp_neg(Translator& t, Value v, unsigned bits) { return t.ir.xor_(v, t.ir.imm64(sign_bit(bits))); }
inline Value fp_abs(Translator& t, Value v, unsigned bits) { return t.ir.and_(v, t.ir.imm64(sign_bit(bits) - 1)); }

// imm1 of FPToFixed/FixedToFP.
inline uint64_t fixed_imm(unsigned int_bits, bool is_unsigned, ir::FPRounding rounding, unsigned fbits) {
    return int_bits | (uint64_t{is_unsigned} << 7) | (uint64_t{static_cast<uint8_t>(rounding)} << 8) |
           (uint64_t{fbits} << 12);
}

// Applies a scalar operation to each esize lane of the (q ? 128 : 64)-bit
// operands, as the Arm ARM's `for e = 0 to elements-1` loops do.
template <typename F>
Value per_lane(Translator& t, bool q, unsigned esize, F f) {
    Value result = zero_vec(t);
    for (unsigned e = 0; e < (q ? 128u : 64u) / esize; ++e) result = set_lane(t, result, esize, e, f(e));
    return result;
}

}  // namespace ferry::a64::simd
