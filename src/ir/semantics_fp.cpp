// Reference semantics of the floating-point opcodes (FP*), bit-exact to the
// Arm ARM pseudocode (FPUnpack, FPProcessNaNs, FPRound, FPToFixed, ...) with
// FPCR.AH = 0 and no FP exception traps (Linux user space runs untrapped).
//
// The arithmetic is done in integers, not on the host FPU: every result is
// first computed exactly (a wide mantissa, an exponent and a sticky bit for
// what lies below) and then rounded once by round_to(), which is FPRound. That
// gives Arm's behaviour where x86 differs: tininess is detected before
// rounding, flush-to-zero happens before rounding and raises only UFC, the
// default NaN is positive, and NaN operands are chosen in Arm's order.
#include <array>
#include <bit>
#include <cmath>

#include "ir/fp_estimates.h"
#include "ir/semantics.h"

namespace ferry::ir {

namespace sem {

namespace {
#define SEM(name) Vec128 name(CpuState* s, const Vec128* a, uint64_t imm0, uint64_t imm1, uint32_t type)
#define UNUSED_SEM_ARGS (void)s, (void)a, (void)imm0, (void)imm1, (void)type

using u128 = unsigned __int128;

// FPSR cumulative exception bits and the FPCR controls used here.
constexpr uint32_t kIOC = 1u << 0, kDZC = 1u << 1, kOFC = 1u << 2, kUFC = 1u << 3, kIXC = 1u << 4, kIDC = 1u << 7;
constexpr uint32_t kFpcrAHP = 1u << 26, kFpcrDN = 1u << 25, kFpcrFZ = 1u << 24;

struct Format {
    unsigned bits, E, F;  // total, exponent and fraction widths
    int bias() const { return (1 << (E - 1)) - 1; }
    int min_exp() const { return 1 - bias(); }
    uint64_t exp_ones() const { return (uint64_t{1} << E) - 1; }
    uint64_t frac_mask() const { return (uint64_t{1} << F) - 1; }
    uint64_t sign_bit() const { return uint64_t{1} << (bits - 1); }
    uint64_t quiet_bit() const { return uint64_t{1} << (F - 1); }
};

Format format_of(uint64_t bits) {
    switch (bits) {
    case 16: return {16, 5, 10};
    case 32: return {32, 8, 23};
    default: return {64, 11, 52};
    }
}

// The state an FP operation runs in: FPCR controls and the FPSR to update.
class FpEnv {
public:
    FpEnv(uint32_t fpcr, uint32_t& fpsr) : fpsr_(fpsr), fpcr_(fpcr) {}
    explicit FpEnv(CpuState* s) : FpEnv(s->fpcr, s->fpsr) {}
    bool fz() const { return fpcr_ & kFpcrFZ; }
    bool dn() const { return fpcr_ & kFpcrDN; }
    bool ahp() const { return fpcr_ & kFpcrAHP; }
    FPRounding fpcr_rounding() const { return static_cast<FPRounding>((fpcr_ >> 22) & 3); }
    FPRounding resolve(FPRounding r) const { return r == FPRounding::Fpcr ? fpcr_rounding() : r; }
    void raise(uint32_t flags) { fpsr_ |= flags; }

private:
    uint32_t& fpsr_;
    uint32_t fpcr_;
};

enum class FPType { Zero, Finite, Infinity, QNaN, SNaN };

// FPUnpack: a finite nonzero value is mant * 2^exp.
struct Unpacked {
    FPType type;
    bool sign;
    uint64_t mant = 0;
    int exp = 0;
    bool is_nan() const { return type == FPType::QNaN || type == FPType::SNaN; }
};

// FPUnpack / FPUnpackCV. FZ flushes single and double denormals to zero and
// raises IDC; half precision is never flushed here (FZ16 does not apply to
// the conversions, the only half-precision users). AHP makes the top exponent
// of a half an ordinary one.
Unpacked unpack(FpEnv& env, const Format& f, uint64_t v) {
    const bool sign = (v >> (f.bits - 1)) & 1;
    const uint64_t exp = (v >> f.F) & f.exp_ones(), frac = v & f.frac_mask();
    if (exp == 0) {
        if (frac == 0) return {FPType::Zero, sign};
        if (env.fz() && f.bits != 16) {
            env.raise(kIDC);
            return {FPType::Zero, sign};
        }
        return {FPType::Finite, sign, frac, f.min_exp() - static_cast<int>(f.F)};
    }
    if (exp == f.exp_ones() && !(f.bits == 16 && env.ahp())) {
        if (frac == 0) return {FPType::Infinity, sign};
        return {(frac & f.quiet_bit()) ? FPType::QNaN : FPType::SNaN, sign};
    }
    return {FPType::Finite, sign, frac | (uint64_t{1} << f.F), static_cast<int>(exp) - f.bias() - static_cast<int>(f.F)};
}

uint64_t fp_zero(const Format& f, bool sign) { return sign ? f.sign_bit() : 0; }
uint64_t fp_infinity(const Format& f, bool sign) { return fp_zero(f, sign) | (f.exp_ones() << f.F); }
uint64_t fp_max_normal(const Format& f, bool sign) {
    return fp_zero(f, sign) | ((f.exp_ones() - 1) << f.F) | f.frac_mask();
}
uint64_t fp_default_nan(const Format& f) { return fp_infinity(f, false) | f.quiet_bit(); }

// FPProcessNaN: quiet a signalling NaN (raising IOC); DN gives the default NaN.
uint64_t process_nan(FpEnv& env, const Format& f, FPType type, uint64_t op) {
    uint64_t result = op & (f.sign_bit() | (f.sign_bit() - 1));
    if (type == FPType::SNaN) {
        result |= f.quiet_bit();
        env.raise(kIOC);
    }
    return env.dn() ? fp_default_nan(f) : result;
}

// FPProcessNaNs / FPProcessNaNs3: the first signalling NaN, else the first
// quiet NaN, in operand order.
template <size_t N>
bool process_nans(FpEnv& env, const Format& f, const Unpacked (&u)[N], const uint64_t (&ops)[N], uint64_t& result) {
    for (FPType wanted : {FPType::SNaN, FPType::QNaN})
        for (size_t i = 0; i < N; ++i)
            if (u[i].type == wanted) {
                result = process_nan(env, f, wanted, ops[i]);
                return true;
            }
    return false;
}

bool rounds_up(FPRounding r, bool sign, bool odd, bool above_half, bool exactly_half, bool inexact) {
    switch (r) {
    case FPRounding::TieEven: return above_half || (exactly_half && odd);
    case FPRounding::TieAway: return above_half || exactly_half;
    case FPRounding::PosInf: return inexact && !sign;
    case FPRounding::NegInf: return inexact && sign;
    default: return false;
    }
}

// A result too large for the format: infinity or the largest finite number,
// whichever the rounding direction gives.
uint64_t overflow(FpEnv& env, const Format& f, FPRounding r, bool sign) {
    const bool to_inf = r == FPRounding::TieEven || r == FPRounding::TieAway || (r == FPRounding::PosInf && !sign) ||
                        (r == FPRounding::NegInf && sign);
    env.raise(kOFC | kIXC);  // overflow is always inexact
    return to_inf ? fp_infinity(f, sign) : fp_max_normal(f, sign);
}

// FPRound(FPRoundBase) of the nonzero value (mant + sticky) * 2^exp, where
// sticky means "a little more than mant, less than one more".
uint64_t round_to(FpEnv& env, const Format& f, FPRounding rounding, bool sign, u128 mant, int exp, bool sticky) {
    // Normalise to a 64-bit mantissa with its top bit set.
    if (mant >> 64) {
        const int excess = 64 - std::countl_zero(static_cast<uint64_t>(mant >> 64));
        sticky |= (mant & ((u128{1} << excess) - 1)) != 0;
        mant >>= excess;
        exp += excess;
    }
    uint64_t m = static_cast<uint64_t>(mant);
    const int lz = std::countl_zero(m);
    m <<= lz;
    exp -= lz;
    const int exponent = exp + 63;  // value = 1.xxx * 2^exponent
    const int min_exp = f.min_exp();

    // Flush-to-zero comes before rounding and raises only Underflow.
    if (env.fz() && f.bits != 16 && exponent < min_exp) {
        env.raise(kUFC);
        return fp_zero(f, sign);
    }
    int biased_exp = exponent - min_exp + 1;
    int drop = 63 - static_cast<int>(f.F);
    if (biased_exp <= 0) {
        drop += 1 - biased_exp;
        biased_exp = 0;
    }
    if (drop > 65) drop = 65;  // all of m is then below half an ulp, as for any larger drop
    uint64_t int_mant = static_cast<uint64_t>(static_cast<u128>(m) >> drop);
    const u128 rest = m & ((u128{1} << drop) - 1), half = u128{1} << (drop - 1);
    const bool inexact = rest != 0 || sticky;
    const bool above_half = rest > half || (rest == half && sticky);
    const bool exactly_half = rest == half && !sticky;

    // Underflow: tiny before rounding and inexact.
    if (biased_exp == 0 && inexact) env.raise(kUFC);
    if (rounds_up(env.resolve(rounding), sign, int_mant & 1, above_half, exactly_half, inexact)) {
        ++int_mant;
        if (int_mant == (uint64_t{1} << f.F)) biased_exp = 1;  // denormal rounded up to normal
        if (int_mant == (uint64_t{1} << (f.F + 1))) {
            ++biased_exp;
            int_mant >>= 1;
        }
    }
    if (!(f.bits == 16 && env.ahp())) {
        if (biased_exp >= static_cast<int>(f.exp_ones())) return overflow(env, f, env.resolve(rounding), sign);
    } else if (biased_exp > static_cast<int>(f.exp_ones())) {
        env.raise(kIOC);  // alternative half precision has no infinity: saturate, not inexact
        return fp_zero(f, sign) | (f.sign_bit() - 1);
    }
    if (inexact) env.raise(kIXC);
    return fp_zero(f, sign) | (static_cast<uint64_t>(biased_exp) << f.F) | (int_mant & f.frac_mask());
}

// An exactly computed result: (mant + sticky) * 2^exp with a sign.
struct Exact {
    bool sign;
    u128 mant;
    int exp;
    bool sticky = false;
};

// The result of an exact computation that is not zero, rounded; exact zero
// has the sign the rounding mode gives (FPAdd, FPMulAdd).
uint64_t round_exact(FpEnv& env, const Format& f, const Exact& x) {
    if (x.mant == 0 && !x.sticky) return fp_zero(f, env.fpcr_rounding() == FPRounding::NegInf);
    return round_to(env, f, FPRounding::Fpcr, x.sign, x.mant, x.exp, x.sticky);
}

// x + y exactly enough to round once: both aligned with their top bit at 125;
// bits of the smaller shifted out below bit 0 are jammed into bit 0, which
// cannot change the rounding since the larger operand's low bits are zero.
Exact add_exact(bool sign_x, u128 mx, int ex, bool sign_y, u128 my, int ey) {
    if (mx == 0) return {sign_y, my, ey};
    if (my == 0) return {sign_x, mx, ex};
    const auto top_at_125 = [](u128& m, int& e) {
        const int width = (m >> 64) ? 128 - std::countl_zero(static_cast<uint64_t>(m >> 64))
                                    : 64 - std::countl_zero(static_cast<uint64_t>(m));
        m <<= 126 - width;
        e -= 126 - width;
    };
    top_at_125(mx, ex);
    top_at_125(my, ey);
    if (ex < ey || (ex == ey && mx < my)) {
        std::swap(mx, my);
        std::swap(ex, ey);
        std::swap(sign_x, sign_y);
    }
    const int d = ex - ey;
    if (d >= 127) {
        my = 1;
    } else if (d > 0) {
        const bool lost = (my & ((u128{1} << d) - 1)) != 0;
        my = (my >> d) | lost;
    }
    return {sign_x, sign_x == sign_y ? mx + my : mx - my, ex};
}

// Integer square root of a 128-bit value and whether it was exact.
uint64_t isqrt(u128 v, bool& exact) {
    u128 result = 0, bit = u128{1} << 126;
    while (bit > v) bit >>= 2;
    while (bit) {
        if (v >= result + bit) {
            v -= result + bit;
            result = (result >> 1) + bit;
        } else {
            result >>= 1;
        }
        bit >>= 2;
    }
    exact = v == 0;
    return static_cast<uint64_t>(result);
}

long double real_value(const Unpacked& u) {
    switch (u.type) {
    case FPType::Zero: return 0.0L;
    case FPType::Infinity: return u.sign ? -INFINITY : INFINITY;
    default: {
        const long double magnitude = std::ldexp(static_cast<long double>(u.mant), u.exp);
        return u.sign ? -magnitude : magnitude;
    }
    }
}

// ---- Arithmetic -----------------------------------------------------------------

enum class Arith { Add, Sub, Mul, Div };

uint64_t fp_arith(FpEnv& env, const Format& f, Arith op, uint64_t op1, uint64_t op2) {
    Unpacked u[2] = {unpack(env, f, op1), unpack(env, f, op2)};
    uint64_t result;
    if (process_nans(env, f, u, {op1, op2}, result)) return result;
    if (op == Arith::Sub) u[1].sign = !u[1].sign;  // FPSub is FPAdd of the negation once NaNs are out
    const bool inf1 = u[0].type == FPType::Infinity, inf2 = u[1].type == FPType::Infinity;
    const bool zero1 = u[0].type == FPType::Zero, zero2 = u[1].type == FPType::Zero;
    const auto invalid = [&] {
        env.raise(kIOC);
        return fp_default_nan(f);
    };
    switch (op) {
    case Arith::Add:
    case Arith::Sub:
        if (inf1 && inf2 && u[0].sign != u[1].sign) return invalid();
        if (inf1 || inf2) return fp_infinity(f, inf1 ? u[0].sign : u[1].sign);
        if (zero1 && zero2 && u[0].sign == u[1].sign) return fp_zero(f, u[0].sign);
        return round_exact(env, f, add_exact(u[0].sign, u[0].mant, u[0].exp, u[1].sign, u[1].mant, u[1].exp));
    case Arith::Mul: {
        const bool sign = u[0].sign != u[1].sign;
        if ((inf1 && zero2) || (zero1 && inf2)) return invalid();
        if (inf1 || inf2) return fp_infinity(f, sign);
        if (zero1 || zero2) return fp_zero(f, sign);
        return round_to(env, f, FPRounding::Fpcr, sign, static_cast<u128>(u[0].mant) * u[1].mant, u[0].exp + u[1].exp,
                        false);
    }
    case Arith::Div: {
        const bool sign = u[0].sign != u[1].sign;
        if ((inf1 && inf2) || (zero1 && zero2)) return invalid();
        if (inf1 || zero2) {
            if (!inf1) env.raise(kDZC);
            return fp_infinity(f, sign);
        }
        if (zero1 || inf2) return fp_zero(f, sign);
        const int width = 64 - std::countl_zero(u[0].mant);
        const u128 dividend = static_cast<u128>(u[0].mant) << (127 - width);
        const u128 q = dividend / u[1].mant;
        return round_to(env, f, FPRounding::Fpcr, sign, q, u[0].exp - (127 - width) - u[1].exp,
                        dividend % u[1].mant != 0);
    }
    }
    return 0;
}

// FPMax/FPMin (max = true for FPMax).
uint64_t fp_max_min(FpEnv& env, const Format& f, bool max, uint64_t op1, uint64_t op2) {
    const Unpacked u[2] = {unpack(env, f, op1), unpack(env, f, op2)};
    uint64_t result;
    if (process_nans(env, f, u, {op1, op2}, result)) return result;
    const long double v1 = real_value(u[0]), v2 = real_value(u[1]);
    const bool first = max ? v1 > v2 : v1 < v2;
    if ((first ? u[0] : u[1]).type == FPType::Zero)  // Max(+0, -0) is +0 and Min is -0, in either order
        return fp_zero(f, max ? (u[0].sign && u[1].sign) : (u[0].sign || u[1].sign));
    return first ? op1 : op2;  // exact: FPRound of an operand's own value
}

// FPMaxNum/FPMinNum: a lone quiet NaN loses to a number.
uint64_t fp_max_min_num(FpEnv& env, const Format& f, bool max, uint64_t op1, uint64_t op2) {
    const FPType t1 = unpack(env, f, op1).type, t2 = unpack(env, f, op2).type;
    const uint64_t loser = fp_infinity(f, max);  // -Inf for max, +Inf for min
    if (t1 == FPType::QNaN && t2 != FPType::QNaN) op1 = loser;
    else if (t1 != FPType::QNaN && t2 == FPType::QNaN) op2 = loser;
    return fp_max_min(env, f, max, op1, op2);
}

// FPMulAdd: addend + op1 * op2 with one rounding.
uint64_t fp_mul_add(FpEnv& env, const Format& f, uint64_t addend, uint64_t op1, uint64_t op2) {
    const Unpacked u[3] = {unpack(env, f, addend), unpack(env, f, op1), unpack(env, f, op2)};
    const Unpacked &ua = u[0], &u1 = u[1], &u2 = u[2];
    const bool inf1 = u1.type == FPType::Infinity, inf2 = u2.type == FPType::Infinity;
    const bool zero1 = u1.type == FPType::Zero, zero2 = u2.type == FPType::Zero;
    uint64_t result;
    const bool done = process_nans(env, f, u, {addend, op1, op2}, result);
    if (ua.type == FPType::QNaN && ((inf1 && zero2) || (zero1 && inf2))) {
        env.raise(kIOC);
        return fp_default_nan(f);
    }
    if (done) return result;
    const bool infA = ua.type == FPType::Infinity, zeroA = ua.type == FPType::Zero;
    const bool signP = u1.sign != u2.sign, infP = inf1 || inf2, zeroP = zero1 || zero2;
    if ((inf1 && zero2) || (zero1 && inf2) || (infA && infP && ua.sign != signP)) {
        env.raise(kIOC);
        return fp_default_nan(f);
    }
    if (infA || infP) return fp_infinity(f, infA ? ua.sign : signP);
    if (zeroA && zeroP && ua.sign == signP) return fp_zero(f, ua.sign);
    const u128 product = zeroP ? 0 : static_cast<u128>(u1.mant) * u2.mant;
    return round_exact(env, f, add_exact(ua.sign, ua.mant, ua.exp, signP, product, u1.exp + u2.exp));
}

uint64_t fp_sqrt(FpEnv& env, const Format& f, uint64_t op) {
    const Unpacked u = unpack(env, f, op);
    if (u.is_nan()) return process_nan(env, f, u.type, op);
    if (u.type == FPType::Zero) return fp_zero(f, u.sign);
    if (u.sign) {
        env.raise(kIOC);
        return fp_default_nan(f);
    }
    if (u.type == FPType::Infinity) return fp_infinity(f, false);
    // sqrt(m * 2^e) with e even: shift m up so the root has 64 bits.
    int exp = u.exp;
    u128 m = u.mant;
    if (exp & 1) {
        m <<= 1;
        exp -= 1;
    }
    const int width = 64 - std::countl_zero(static_cast<uint64_t>(m));
    const int shift = (127 - width) & ~1;
    bool exact;
    const uint64_t root = isqrt(m << shift, exact);
    return round_to(env, f, FPRounding::Fpcr, false, root, (exp - shift) / 2, !exact);
}

uint32_t fp_compare(FpEnv& env, const Format& f, uint64_t op1, uint64_t op2, bool signal_nans) {
    const Unpacked u1 = unpack(env, f, op1), u2 = unpack(env, f, op2);
    if (u1.is_nan() || u2.is_nan()) {
        if (u1.type == FPType::SNaN || u2.type == FPType::SNaN || signal_nans) env.raise(kIOC);
        return 0x3u << 28;  // unordered: C and V
    }
    const long double v1 = real_value(u1), v2 = real_value(u2);
    if (v1 == v2) return 0x6u << 28;
    return v1 < v2 ? 0x8u << 28 : 0x2u << 28;
}

// The integer and fraction of |value| * 2^fbits: the integer part saturated at
// 2^64 (anything larger overflows every destination), the fraction classified
// against one half.
struct Split {
    u128 integer;
    bool inexact, above_half, exactly_half;
};
Split split(const Unpacked& u, int fbits) {
    if (u.type == FPType::Zero) return {0, false, false, false};
    const int exp = u.exp + fbits;
    if (exp >= 0) return {exp >= 64 ? u128{1} << 64 : static_cast<u128>(u.mant) << exp, false, false, false};
    if (exp <= -65) return {0, true, false, false};  // mant < 2^64 <= half of 2^-exp
    const int drop = -exp;
    const u128 m = u.mant, rest = m & ((u128{1} << drop) - 1), half = u128{1} << (drop - 1);
    return {m >> drop, rest != 0, rest > half, rest == half};
}

// Magnitude rounding to an integer in mode r (sign given separately).
u128 round_integer(const Split& x, FPRounding r, bool sign) {
    return x.integer + rounds_up(r, sign, static_cast<uint64_t>(x.integer) & 1, x.above_half, x.exactly_half, x.inexact);
}

uint64_t fp_round_int(FpEnv& env, const Format& f, uint64_t op, FPRounding rounding, bool exact) {
    const Unpacked u = unpack(env, f, op);
    if (u.is_nan()) return process_nan(env, f, u.type, op);
    if (u.type == FPType::Infinity) return fp_infinity(f, u.sign);
    if (u.type == FPType::Zero) return fp_zero(f, u.sign);
    if (u.exp >= 0) return op;  // already an integer
    const Split x = split(u, 0);
    const u128 n = round_integer(x, env.resolve(rounding), u.sign);
    if (x.inexact && exact) env.raise(kIXC);
    if (n == 0) return fp_zero(f, u.sign);
    return round_to(env, f, FPRounding::Zero, u.sign, n, 0, false);
}

uint64_t fp_to_fixed(FpEnv& env, const Format& f, uint64_t op, unsigned int_bits, bool is_unsigned,
                     FPRounding rounding, int fbits) {
    const Unpacked u = unpack(env, f, op);
    if (u.is_nan()) {
        env.raise(kIOC);
        return 0;
    }
    const Split x = u.type == FPType::Infinity ? Split{u128{1} << 64, false, false, false} : split(u, fbits);
    const u128 n = round_integer(x, env.resolve(rounding), u.sign);
    // Saturate as SignedSatQ/UnsignedSatQ do.
    const u128 max_positive = is_unsigned ? (u128{1} << int_bits) - 1 : (u128{1} << (int_bits - 1)) - 1;
    const u128 max_negative = is_unsigned ? 0 : u128{1} << (int_bits - 1);
    const u128 limit = u.sign ? max_negative : max_positive;
    uint64_t result;
    if (n > limit) {
        env.raise(kIOC);
        result = static_cast<uint64_t>(limit);
    } else {
        if (x.inexact) env.raise(kIXC);
        result = static_cast<uint64_t>(n);
    }
    if (u.sign) result = 0 - result;
    return result & width_mask(int_bits);
}

uint64_t fixed_to_fp(FpEnv& env, const Format& f, uint64_t op, unsigned int_bits, bool is_unsigned, int fbits) {
    op &= width_mask(int_bits);
    const bool sign = !is_unsigned && ((op >> (int_bits - 1)) & 1);
    const uint64_t magnitude = sign ? (0 - op) & width_mask(int_bits) : op;
    if (magnitude == 0) return fp_zero(f, false);
    return round_to(env, f, FPRounding::Fpcr, sign, magnitude, -fbits, false);
}

// FPConvert (FCVT) between half, single and double.
uint64_t fp_convert(FpEnv& env, const Format& from, const Format& to, uint64_t op) {
    const Unpacked u = unpack(env, from, op);
    const bool alt_hp = to.bits == 16 && env.ahp();
    if (u.is_nan()) {
        if (u.type == FPType::SNaN || alt_hp) env.raise(kIOC);
        if (alt_hp) return fp_zero(to, u.sign);
        if (env.dn()) return fp_default_nan(to);
        // FPConvertNaN: keep the sign and the top fraction bits, set quiet.
        const uint64_t frac = op & from.frac_mask();
        const uint64_t moved = to.F >= from.F ? frac << (to.F - from.F) : frac >> (from.F - to.F);
        return fp_infinity(to, u.sign) | to.quiet_bit() | moved;
    }
    if (u.type == FPType::Infinity) {
        if (!alt_hp) return fp_infinity(to, u.sign);
        env.raise(kIOC);
        return fp_zero(to, u.sign) | (to.sign_bit() - 1);
    }
    if (u.type == FPType::Zero) return fp_zero(to, u.sign);
    return round_to(env, to, FPRounding::Fpcr, u.sign, u.mant, u.exp, false);
}

// ---- Estimates and Newton-Raphson steps -------------------------------------

// RecipEstimate: for a in [256, 512), a/512 in [0.5, 1), the reciprocal to 8
// fraction bits, in [256, 512) for [1, 2).
constexpr unsigned recip_estimate_of(unsigned a) {
    a = a * 2 + 1;  // the midpoint of the input interval, in units of 1/1024
    const unsigned b = (1u << 19) / a;
    return (b + 1) / 2;  // round to nearest
}

// RecipSqrtEstimate: for a in [128, 512), a/512 in [0.25, 1), the reciprocal
// square root to 8 fraction bits, in [256, 512) for [1, 2).
constexpr unsigned rsqrt_estimate_of(unsigned a) {
    if (a < 256) a = a * 2 + 1;           // [0.25, 0.5): the midpoint, in units of 1/1024
    else a = (((a >> 1) << 1) + 1) * 2;  // [0.5, 1): the bottom bit dropped, the midpoint
    unsigned b = 512;  // the largest b with a * (b+1)^2 < 2^28, i.e. b < 2^14 / sqrt(a)
    while (uint64_t{a} * (b + 1) * (b + 1) < (uint64_t{1} << 28)) ++b;
    return (b + 1) / 2;  // round to nearest
}

// The architected tables, indexed by the 9-bit scaled input.
template <unsigned (*Estimate)(unsigned), unsigned First>
constexpr std::array<uint16_t, 512> estimate_table() {
    std::array<uint16_t, 512> table{};
    for (unsigned a = First; a < 512; ++a) table[a] = static_cast<uint16_t>(Estimate(a));
    return table;
}
constexpr auto kRecipEstimate = estimate_table<recip_estimate_of, 256>();
constexpr auto kRSqrtEstimate = estimate_table<rsqrt_estimate_of, 128>();

// The biased exponent and the fraction widened to double's 52 bits, as the
// estimate pseudocode scales its operand.
struct ScaledOperand {
    int exp;
    uint64_t fraction;
};
constexpr uint64_t kFraction52 = (uint64_t{1} << 52) - 1;
ScaledOperand scaled_operand(const Format& f, uint64_t op) {
    return {static_cast<int>((op >> f.F) & f.exp_ones()), (op & f.frac_mask()) << (52 - f.F)};
}

// FPRecipEstimate.
uint64_t recip_estimate(FpEnv& env, const Format& f, uint64_t op) {
    const Unpacked u = unpack(env, f, op);
    if (u.is_nan()) return process_nan(env, f, u.type, op);
    if (u.type == FPType::Infinity) return fp_zero(f, u.sign);
    if (u.type == FPType::Zero) {
        env.raise(kDZC);
        return fp_infinity(f, u.sign);
    }
    auto [exp, fraction] = scaled_operand(f, op);
    if (exp == 0 && (fraction >> 50) == 0)  // below 2^-(bias+1): the reciprocal overflows
        return overflow(env, f, env.fpcr_rounding(), u.sign);
    if (env.fz() && f.bits != 16 && exp >= 2 * f.bias() - 1) {  // the reciprocal is below the normal range
        env.raise(kUFC);
        return fp_zero(f, u.sign);
    }
    if (exp == 0) {  // a denormal: normalise by one or two places
        if ((fraction >> 51) == 0) {
            exp = -1;
            fraction = (fraction << 2) & kFraction52;
        } else {
            fraction = (fraction << 1) & kFraction52;
        }
    }
    int result_exp = 2 * f.bias() - 1 - exp;
    fraction = uint64_t{kRecipEstimate[256 | (fraction >> 44)] & 0xffu} << 44;
    if (result_exp == 0) {  // a denormal result
        fraction = (uint64_t{1} << 51) | (fraction >> 1);
    } else if (result_exp == -1) {
        fraction = (uint64_t{1} << 50) | (fraction >> 2);
        result_exp = 0;
    }
    return fp_zero(f, u.sign) | (static_cast<uint64_t>(result_exp) << f.F) | (fraction >> (52 - f.F));
}

// FPRSqrtEstimate.
uint64_t rsqrt_estimate(FpEnv& env, const Format& f, uint64_t op) {
    const Unpacked u = unpack(env, f, op);
    if (u.is_nan()) return process_nan(env, f, u.type, op);
    if (u.type == FPType::Zero) {
        env.raise(kDZC);
        return fp_infinity(f, u.sign);
    }
    if (u.sign) {
        env.raise(kIOC);
        return fp_default_nan(f);
    }
    if (u.type == FPType::Infinity) return fp_zero(f, false);
    auto [exp, fraction] = scaled_operand(f, op);
    if (exp == 0) {  // a denormal: normalise
        while ((fraction >> 51) == 0) {
            fraction <<= 1;
            --exp;
        }
        fraction = (fraction << 1) & kFraction52;
    }
    // An even exponent scales into [0.5, 1), an odd one into [0.25, 0.5).
    const unsigned scaled = (exp & 1) == 0 ? 256 | (fraction >> 44) : 128 | (fraction >> 45);
    const int result_exp = (3 * f.bias() - 1 - exp) / 2;
    return (static_cast<uint64_t>(result_exp) << f.F) | (uint64_t{kRSqrtEstimate[scaled] & 0xffu} << (f.F - 8));
}

// FPRecipStepFused (constant 2, not halved) and FPRSqrtStepFused (constant 3,
// halved): (constant - op1*op2) [/ 2] rounded once. 0 * inf is not invalid
// here: it gives the result for a zero product.
uint64_t step_fused(FpEnv& env, const Format& f, uint64_t op1, uint64_t op2, unsigned constant, bool halve) {
    op1 ^= f.sign_bit();  // FPNeg before the NaN checks: a NaN op1 comes out negated
    const Unpacked u[2] = {unpack(env, f, op1), unpack(env, f, op2)};
    uint64_t result;
    if (process_nans(env, f, u, {op1, op2}, result)) return result;
    const bool inf1 = u[0].type == FPType::Infinity, inf2 = u[1].type == FPType::Infinity;
    const bool zero1 = u[0].type == FPType::Zero, zero2 = u[1].type == FPType::Zero;
    const int scale = halve ? -1 : 0;
    if ((inf1 && zero2) || (zero1 && inf2)) return round_to(env, f, FPRounding::Zero, false, constant, scale, false);
    if (inf1 || inf2) return fp_infinity(f, u[0].sign != u[1].sign);
    const u128 product = zero1 || zero2 ? 0 : static_cast<u128>(u[0].mant) * u[1].mant;
    Exact x = add_exact(false, constant, 0, u[0].sign != u[1].sign, product, u[0].exp + u[1].exp);
    x.exp += scale;
    return round_exact(env, f, x);
}

// FPRecpX: the exponent inverted (the largest finite one for zeros and
// denormals), the fraction cleared.
uint64_t recpx(FpEnv& env, const Format& f, uint64_t op) {
    const Unpacked u = unpack(env, f, op);
    if (u.is_nan()) return process_nan(env, f, u.type, op);
    const uint64_t exp = (op >> f.F) & f.exp_ones();
    const uint64_t result_exp = exp == 0 ? f.exp_ones() - 1 : ~exp & f.exp_ones();
    return fp_zero(f, u.sign) | (result_exp << f.F);
}

uint64_t low_bits(const Vec128& v, const Format& f) { return v.lo & width_mask(f.bits); }
}  // namespace

#define FP_BINARY(name, expr)                                       \
    SEM(name) {                                                     \
        UNUSED_SEM_ARGS;                                            \
        FpEnv env(s);                                               \
        const Format f = format_of(imm0);                           \
        const uint64_t x = low_bits(a[0], f), y = low_bits(a[1], f); \
        return scalar(expr);                                        \
    }
FP_BINARY(FPAdd, fp_arith(env, f, Arith::Add, x, y))
FP_BINARY(FPSub, fp_arith(env, f, Arith::Sub, x, y))
FP_BINARY(FPMul, fp_arith(env, f, Arith::Mul, x, y))
FP_BINARY(FPDiv, fp_arith(env, f, Arith::Div, x, y))
FP_BINARY(FPMax, fp_max_min(env, f, true, x, y))
FP_BINARY(FPMin, fp_max_min(env, f, false, x, y))
FP_BINARY(FPMaxNum, fp_max_min_num(env, f, true, x, y))
FP_BINARY(FPMinNum, fp_max_min_num(env, f, false, x, y))
FP_BINARY(FPCompare, fp_compare(env, f, x, y, imm1 & 1))
// FCCMP: the comparison (and its exceptions) only when the condition holds.
FP_BINARY(FPCondCompare, (a[2].lo & 1) ? fp_compare(env, f, x, y, imm1 & 1) : ((imm1 >> 4) & 0xf) << 28)
#undef FP_BINARY

SEM(FPMulAdd) {
    UNUSED_SEM_ARGS;
    FpEnv env(s);
    const Format f = format_of(imm0);
    return scalar(fp_mul_add(env, f, low_bits(a[0], f), low_bits(a[1], f), low_bits(a[2], f)));
}
SEM(FPSqrt) {
    UNUSED_SEM_ARGS;
    FpEnv env(s);
    const Format f = format_of(imm0);
    return scalar(fp_sqrt(env, f, low_bits(a[0], f)));
}
SEM(FPRoundInt) {
    UNUSED_SEM_ARGS;
    FpEnv env(s);
    const Format f = format_of(imm0);
    return scalar(fp_round_int(env, f, low_bits(a[0], f), static_cast<FPRounding>(imm1 & 0xf), (imm1 >> 4) & 1));
}
SEM(FPConvert) {
    UNUSED_SEM_ARGS;
    FpEnv env(s);
    const Format from = format_of(imm0), to = format_of(imm1);
    return scalar(fp_convert(env, from, to, low_bits(a[0], from)));
}
SEM(FPToFixed) {
    UNUSED_SEM_ARGS;
    FpEnv env(s);
    const Format f = format_of(imm0);
    return scalar(fp_to_fixed(env, f, low_bits(a[0], f), imm1 & 0x7f, (imm1 >> 7) & 1,
                              static_cast<FPRounding>((imm1 >> 8) & 0xf), static_cast<int>((imm1 >> 12) & 0x7f)));
}
SEM(FixedToFP) {
    UNUSED_SEM_ARGS;
    FpEnv env(s);
    const Format f = format_of(imm0);
    return scalar(fixed_to_fp(env, f, a[0].lo, imm1 & 0x7f, (imm1 >> 7) & 1, static_cast<int>((imm1 >> 12) & 0x7f)));
}

SEM(FPRecipEstimate) {
    UNUSED_SEM_ARGS;
    return scalar(fp_recip_estimate(a[0].lo, imm0, s->fpcr, s->fpsr));
}
SEM(FPRSqrtEstimate) {
    UNUSED_SEM_ARGS;
    return scalar(fp_rsqrt_estimate(a[0].lo, imm0, s->fpcr, s->fpsr));
}
SEM(FPRecipStep) {
    UNUSED_SEM_ARGS;
    return scalar(fp_recps(a[0].lo, a[1].lo, imm0, s->fpcr, s->fpsr));
}
SEM(FPRSqrtStep) {
    UNUSED_SEM_ARGS;
    return scalar(fp_rsqrts(a[0].lo, a[1].lo, imm0, s->fpcr, s->fpsr));
}
SEM(FPRecpX) {
    UNUSED_SEM_ARGS;
    return scalar(fp_recpx(a[0].lo, imm0, s->fpcr, s->fpsr));
}
SEM(URecipEstimate) {
    UNUSED_SEM_ARGS;
    return scalar(unsigned_recip_estimate(static_cast<uint32_t>(a[0].lo)));
}
SEM(URSqrtEstimate) {
    UNUSED_SEM_ARGS;
    return scalar(unsigned_rsqrt_estimate(static_cast<uint32_t>(a[0].lo)));
}

}  // namespace sem

// ---- fp_estimates.h ----------------------------------------------------------

namespace {
// Runs op on the low esize bits of each operand in an FpEnv of (fpcr, fpsr).
template <typename Op, typename... Operands>
uint64_t with_env(unsigned esize, uint32_t fpcr, uint32_t& fpsr, Op op, Operands... operands) {
    sem::FpEnv env(fpcr, fpsr);
    return op(env, sem::format_of(esize), (operands & width_mask(esize))...);
}
}  // namespace

uint64_t fp_recip_estimate(uint64_t op, unsigned esize, uint32_t fpcr, uint32_t& fpsr) {
    return with_env(esize, fpcr, fpsr, sem::recip_estimate, op);
}
uint64_t fp_rsqrt_estimate(uint64_t op, unsigned esize, uint32_t fpcr, uint32_t& fpsr) {
    return with_env(esize, fpcr, fpsr, sem::rsqrt_estimate, op);
}
uint64_t fp_recps(uint64_t op1, uint64_t op2, unsigned esize, uint32_t fpcr, uint32_t& fpsr) {
    return with_env(esize, fpcr, fpsr, [](auto& env, const auto& f, uint64_t x, uint64_t y) {
        return sem::step_fused(env, f, x, y, 2, false);
    }, op1, op2);
}
uint64_t fp_rsqrts(uint64_t op1, uint64_t op2, unsigned esize, uint32_t fpcr, uint32_t& fpsr) {
    return with_env(esize, fpcr, fpsr, [](auto& env, const auto& f, uint64_t x, uint64_t y) {
        return sem::step_fused(env, f, x, y, 3, true);
    }, op1, op2);
}
uint64_t fp_recpx(uint64_t op, unsigned esize, uint32_t fpcr, uint32_t& fpsr) {
    return with_env(esize, fpcr, fpsr, sem::recpx, op);
}

// UnsignedRecipEstimate: the operand is a fixed-point fraction 0.xxx; below
// one half the estimate saturates.
uint32_t unsigned_recip_estimate(uint32_t op) {
    if ((op >> 31) == 0) return ~0u;
    return uint32_t{sem::kRecipEstimate[op >> 23]} << 23;
}
// UnsignedRSqrtEstimate: below one quarter the estimate saturates.
uint32_t unsigned_rsqrt_estimate(uint32_t op) {
    if ((op >> 30) == 0) return ~0u;
    return uint32_t{sem::kRSqrtEstimate[op >> 23]} << 23;
}

}  // namespace ferry::ir
