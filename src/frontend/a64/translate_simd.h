// Pieces of the AdvSIMD translators shared by the vector and scalar classes.
#pragma once
#include <functional>
#include <optional>

#include "frontend/a64/translate_simd_common.h"

namespace ferry::a64::simd {

// CMGT/CMGE/CMEQ/CMLE/CMLT against zero, numbered ((opcode & 3) << 1) | U.
enum CompareZero : unsigned { CmGt0, CmGe0, CmEq0, CmLe0, CmLt0 };
Value compare_zero(Translator& t, unsigned kind, unsigned esize, Value n);

// The three-same ops with a scalar form too (CMGT/CMHI/CMGE/CMHS/ADD/SUB/
// CMTST/CMEQ); nullopt for other opcodes.
std::optional<Value> integer_three_same(Translator& t, bool u, unsigned opcode, unsigned esize, Value n, Value m);

// One lane of FCVT*S/U (to_int) or SCVTF/UCVTF, integer size = FP size.
Value fp_convert_lane(Translator& t, unsigned bits, Value x, bool to_int, bool is_unsigned, ir::FPRounding rounding,
                      unsigned fbits);
// The rounding of the two-register-misc FCVT[NPMZA][SU] opcodes; nullopt for others.
std::optional<ir::FPRounding> fp_convert_rounding(unsigned opcode, bool a);

// Shift by immediate (SSHR/USHR/SSRA/USRA/SHL/SRI/SLI) and the fixed-point
// conversions by immediate; nullopt for other opcodes.
std::optional<Value> shift_by_imm(Translator& t, bool u, unsigned opcode, unsigned esize, unsigned immhb, Value d,
                                  Value n);
std::optional<Value> fixed_point_by_imm(Translator& t, bool u, unsigned opcode, unsigned esize, unsigned immhb,
                                        unsigned count, Value n);

}  // namespace ferry::a64::simd
