// Pieces of the AdvSIMD translators shared by the vector, scalar and
// by-element classes. They work on whole vectors (or lanes) so that a scalar
// form is its vector form applied to a vector holding only lane 0
// (scalar_operand): the other lanes are zero and never saturate.
#pragma once
#include <functional>
#include <optional>

#include "frontend/a64/translate_simd_common.h"
#include "ir/vec_flags.h"

namespace ferry::a64::simd {

// Elem[v, 0, esize] alone in a vector, the operand of a scalar form.
inline Value scalar_operand(Translator& t, Value v, unsigned esize) { return from_u64(t, lane(t, v, esize, 0)); }
// Vd = the esize-bit lane 0 of `v` (a scalar result), the rest zeroed.
inline void write_scalar(Translator& t, unsigned rd, Value v, unsigned esize) { write_fp(t, rd, lane(t, v, esize, 0)); }
// A narrowing result (in the low 64 bits of `narrow`) to Vd: the lower half
// with the upper cleared, or for the "2" forms (q) the upper half, keeping the lower.
inline void write_narrow(Translator& t, unsigned rd, Value narrow, bool q) {
    t.ir.set_v(rd, q ? from_u64x2(t, low64(t, V(t, rd)), low64(t, narrow)) : narrow);
}
// Vpart[v, part] widened to 2*esize lanes (sign- or zero-extended).
Value widen_part(Translator& t, Value v, unsigned esize, bool upper, bool is_unsigned);

// CMGT/CMGE/CMEQ/CMLE/CMLT against zero, numbered ((opcode & 3) << 1) | U.
enum CompareZero : unsigned { CmGt0, CmGe0, CmEq0, CmLe0, CmLt0 };
Value compare_zero(Translator& t, unsigned kind, unsigned esize, Value n);

// AdvSIMD three same (integer) except the pairwise ops, on esize lanes; nullopt
// for unallocated opcodes (the callers check the sizes).
std::optional<Value> integer_three_same(Translator& t, bool u, unsigned opcode, unsigned esize, Value d, Value n,
                                        Value m);
// Two-register misc ops with a scalar form: SUQADD/USQADD, SQABS/SQNEG, CM** #0,
// ABS/NEG; nullopt for others.
std::optional<Value> integer_two_reg_misc(Translator& t, bool u, unsigned opcode, unsigned esize, Value d, Value n);
// XTN/SQXTN/UQXTN/SQXTUN of 2*esize lanes to esize (opcode 10010/10100);
// `scalar` excludes XTN, which has no scalar form.
std::optional<Value> extract_narrow(Translator& t, bool u, unsigned opcode, unsigned esize, Value n, bool scalar);
// Three-different ops on operands already widened to `wide` lanes: [SU]MLAL,
// SQDMLAL, [SU]MLSL, SQDMLSL, [SU]MULL, SQDMULL (opcodes 1000..1101).
std::optional<Value> long_multiply(Translator& t, bool u, unsigned opcode, unsigned wide, Value d, Value n, Value m);

// One lane of FCVT*S/U (to_int) or SCVTF/UCVTF, integer size = FP size.
Value fp_convert_lane(Translator& t, unsigned bits, Value x, bool to_int, bool is_unsigned, ir::FPRounding rounding,
                      unsigned fbits);
// The rounding of the two-register-misc FCVT[NPMZA][SU] opcodes; nullopt for others.
std::optional<ir::FPRounding> fp_convert_rounding(unsigned opcode, bool a);

// Shifts by immediate that keep the element size (SSHR ... SQSHLU), on esize
// lanes; nullopt for other opcodes.
std::optional<Value> shift_by_imm(Translator& t, bool u, unsigned opcode, unsigned esize, unsigned immhb, Value d,
                                  Value n);
// The narrowing shifts (SHRN ... SQRSHRUN; `scalar` excludes SHRN/RSHRN),
// esize the narrow size; the result in the low 64 bits.
std::optional<Value> narrow_by_imm(Translator& t, bool u, unsigned opcode, unsigned esize, unsigned immhb, Value n,
                                   bool scalar);
std::optional<Value> fixed_point_by_imm(Translator& t, bool u, unsigned opcode, unsigned esize, unsigned immhb,
                                        unsigned count, Value n);

// ---- FP (translate_simd_fp.cpp). Lane functions take raw bits of `bits` width. ----

// A per-lane operation: (d, x, y) -> result for three-same ops (d the
// accumulator of FMLA/FMLS), x -> result for two-register ops.
using LaneOp3 = std::function<Value(Value d, Value x, Value y)>;
using LaneOp1 = std::function<Value(Value x)>;
// The FP three-same op keyed (U << 4) | (a << 3) | opcode; nullopt for the
// pairwise and unallocated keys.
std::optional<LaneOp3> fp_three_same_op(Translator& t, unsigned key, unsigned bits);
// The two-register-misc FP ops with both vector and scalar forms (compares
// against zero, FCVT*, SCVTF/UCVTF, FRECPE/FRSQRTE).
std::optional<LaneOp1> fp_two_reg_misc_op(Translator& t, bool u, bool a, unsigned opcode, unsigned bits);
// FMAXNMP/FMINNMP/FADDP/FMAXP/FMINP keyed as fp_three_same_op: the op
// combining a pair; nullopt for other keys.
std::optional<Opcode> fp_pairwise_op(unsigned key);
// The vector FP two-register misc ops (the integer ones are decoded first).
bool fp_two_reg_misc(Translator& t, bool q, bool u, unsigned size, unsigned opcode, unsigned rd, Value n);
// FMAXNMV/FMINNMV/FMAXV/FMINV.
bool fp_across(Translator& t, bool q, unsigned size, unsigned opcode, unsigned rd, Value n);

}  // namespace ferry::a64::simd
