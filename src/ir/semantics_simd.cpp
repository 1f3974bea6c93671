// Reference semantics of the AdvSIMD vector opcodes (Vec*): lane loops over a
// 128-bit value, lane 0 in the low bits, as the Arm ARM's Elem[] accessor.
#include <bit>
#include <cstring>

#include "ir/semantics.h"
#include "ir/vec_flags.h"

namespace ferry::ir {

namespace sem {

namespace {
constexpr uint32_t kFpsrQC = 1u << 27;

#define SEM(name) Vec128 name(CpuState* s, const Vec128* a, uint64_t imm0, uint64_t imm1, uint32_t type)
#define UNUSED_SEM_ARGS (void)s, (void)a, (void)imm0, (void)imm1, (void)type

using u128 = unsigned __int128;

u128 to_u128(const Vec128& v) { return (static_cast<u128>(v.hi) << 64) | v.lo; }
Vec128 from_u128(u128 v) { return Vec128{static_cast<uint64_t>(v), static_cast<uint64_t>(v >> 64)}; }

unsigned lanes(unsigned esize) { return 128 / esize; }

// Elem[v, e, esize], zero-extended.
uint64_t elem(const Vec128& v, unsigned e, unsigned esize) {
    return static_cast<uint64_t>(to_u128(v) >> (e * esize)) & width_mask(esize);
}
int64_t selem(const Vec128& v, unsigned e, unsigned esize) { return sign_extend(elem(v, e, esize), esize); }

void set_elem(Vec128& v, unsigned e, unsigned esize, uint64_t value) {
    const u128 mask = static_cast<u128>(width_mask(esize)) << (e * esize);
    v = from_u128((to_u128(v) & ~mask) | ((static_cast<u128>(value & width_mask(esize)) << (e * esize)) & mask));
}

// result[e] = f(a[e], b[e]) for every lane.
template <typename F>
Vec128 lanewise(const Vec128& x, const Vec128& y, unsigned esize, F f) {
    Vec128 r{};
    for (unsigned e = 0; e < lanes(esize); ++e) set_elem(r, e, esize, f(elem(x, e, esize), elem(y, e, esize)));
    return r;
}
template <typename F>
Vec128 lanewise(const Vec128& x, unsigned esize, F f) {
    Vec128 r{};
    for (unsigned e = 0; e < lanes(esize); ++e) set_elem(r, e, esize, f(elem(x, e, esize)));
    return r;
}

uint64_t all_ones_if(bool c) { return c ? ~uint64_t{0} : 0; }

using i128 = __int128;

// Int(Elem[v, e, esize], unsigned).
i128 int_elem(const Vec128& v, unsigned e, unsigned esize, bool is_unsigned) {
    return is_unsigned ? static_cast<i128>(elem(v, e, esize)) : static_cast<i128>(selem(v, e, esize));
}

// SatQ(x, esize, unsigned): x clamped to the range, FPSR.QC set if it was not in it.
uint64_t sat_q(CpuState* s, i128 x, unsigned esize, bool is_unsigned) {
    const i128 max = is_unsigned ? (i128{1} << esize) - 1 : (i128{1} << (esize - 1)) - 1;
    const i128 min = is_unsigned ? 0 : -(i128{1} << (esize - 1));
    if (x > max || x < min) {
        s->fpsr |= kFpsrQC;
        x = x > max ? max : min;
    }
    return static_cast<uint64_t>(x) & width_mask(esize);
}

// x >> n (arithmetic) with Arm's rounding constant 1 << (n-1) when round; n > 0.
i128 shift_right(i128 x, unsigned n, bool round) {
    n = n < 100 ? n : 100;  // |x| < 2^65: any larger shift gives the same result
    return (x + (round ? i128{1} << (n - 1) : 0)) >> n;
}

// The element of [SU][Q][R]SHL by register before saturation or truncation.
i128 shift_by_byte(i128 x, uint64_t shift_lane, unsigned esize, bool round) {
    const int shift = static_cast<int8_t>(shift_lane & 0xff);
    if (shift < 0) return shift_right(x, static_cast<unsigned>(-shift), round);
    if (x == 0) return 0;
    // Past esize every nonzero value saturates and truncates to zero; keep a
    // magnitude that says so without overflowing.
    if (static_cast<unsigned>(shift) >= esize) return x < 0 ? -(i128{1} << 100) : i128{1} << 100;
    return x * (i128{1} << shift);
}

// Combines two esize-bit lanes (zero-extended) as VecReduceOp says.
uint64_t reduce_step(VecReduceOp op, uint64_t x, uint64_t y, unsigned esize) {
    const int64_t sx = sign_extend(x, esize), sy = sign_extend(y, esize);
    switch (op) {
    case VecReduceOp::Add:
    case VecReduceOp::AddLongU:
    case VecReduceOp::AddLongS: return x + y;
    case VecReduceOp::MaxU: return x > y ? x : y;
    case VecReduceOp::MinU: return x < y ? x : y;
    case VecReduceOp::MaxS: return sx > sy ? x : y;
    case VecReduceOp::MinS: return sx < sy ? x : y;
    }
    return 0;
}
}  // namespace

SEM(VecFromU64) { UNUSED_SEM_ARGS; return Vec128{a[0].lo, 0}; }
SEM(VecFromU64x2) { UNUSED_SEM_ARGS; return Vec128{a[0].lo, a[1].lo}; }
SEM(VecLow64) { UNUSED_SEM_ARGS; return scalar(a[0].lo); }
SEM(VecHigh64) { UNUSED_SEM_ARGS; return scalar(a[0].hi); }
SEM(VecGetLane) { UNUSED_SEM_ARGS; return scalar(elem(a[0], static_cast<unsigned>(imm1), static_cast<unsigned>(imm0))); }
SEM(VecSetLane) {
    UNUSED_SEM_ARGS;
    Vec128 r = a[0];
    set_elem(r, static_cast<unsigned>(imm1), static_cast<unsigned>(imm0), a[1].lo);
    return r;
}
SEM(VecDup) {
    UNUSED_SEM_ARGS;
    return lanewise(Vec128{}, static_cast<unsigned>(imm0), [&](uint64_t) { return a[0].lo; });
}

// ---- Bitwise ----
SEM(VecAnd) { UNUSED_SEM_ARGS; return Vec128{a[0].lo & a[1].lo, a[0].hi & a[1].hi}; }
SEM(VecOr) { UNUSED_SEM_ARGS; return Vec128{a[0].lo | a[1].lo, a[0].hi | a[1].hi}; }
SEM(VecXor) { UNUSED_SEM_ARGS; return Vec128{a[0].lo ^ a[1].lo, a[0].hi ^ a[1].hi}; }
SEM(VecAndNot) { UNUSED_SEM_ARGS; return Vec128{a[0].lo & ~a[1].lo, a[0].hi & ~a[1].hi}; }
SEM(VecOrNot) { UNUSED_SEM_ARGS; return Vec128{a[0].lo | ~a[1].lo, a[0].hi | ~a[1].hi}; }
SEM(VecNot) { UNUSED_SEM_ARGS; return Vec128{~a[0].lo, ~a[0].hi}; }
SEM(VecBsl) {
    UNUSED_SEM_ARGS;
    return Vec128{(a[0].lo & a[1].lo) | (~a[0].lo & a[2].lo), (a[0].hi & a[1].hi) | (~a[0].hi & a[2].hi)};
}

// ---- Lane arithmetic ----
#define LANES2(name, expr)                                                                     \
    SEM(name) {                                                                                \
        UNUSED_SEM_ARGS;                                                                       \
        const unsigned esize = static_cast<unsigned>(imm0);                                    \
        return lanewise(a[0], a[1], esize, [esize](uint64_t x, uint64_t y) {                   \
            const int64_t sx = sign_extend(x, esize), sy = sign_extend(y, esize);              \
            (void)sx, (void)sy;                                                                \
            return static_cast<uint64_t>(expr);                                                \
        });                                                                                    \
    }
LANES2(VecAdd, x + y)
LANES2(VecSub, x - y)
LANES2(VecMul, x * y)
LANES2(VecCmpEq, all_ones_if(x == y))
LANES2(VecCmpGtS, all_ones_if(sx > sy))
LANES2(VecCmpGeS, all_ones_if(sx >= sy))
LANES2(VecCmpGtU, all_ones_if(x > y))
LANES2(VecCmpGeU, all_ones_if(x >= y))
LANES2(VecCmpTst, all_ones_if((x & y) != 0))
LANES2(VecMaxU, x > y ? x : y)
LANES2(VecMinU, x < y ? x : y)
LANES2(VecMaxS, sx > sy ? x : y)
LANES2(VecMinS, sx < sy ? x : y)
#undef LANES2

SEM(VecNeg) { UNUSED_SEM_ARGS; return lanewise(a[0], static_cast<unsigned>(imm0), [](uint64_t x) { return 0 - x; }); }
SEM(VecAbs) {
    UNUSED_SEM_ARGS;
    const unsigned esize = static_cast<unsigned>(imm0);
    return lanewise(a[0], esize, [esize](uint64_t x) { return sign_extend(x, esize) < 0 ? 0 - x : x; });
}

SEM(VecPairwise) {
    UNUSED_SEM_ARGS;
    // Concatenate(b, a) read as pairs: the low half of the result from a.
    const unsigned esize = static_cast<unsigned>(imm0), half = lanes(esize) / 2;
    const auto op = static_cast<VecReduceOp>(imm1);
    Vec128 r{};
    for (unsigned e = 0; e < lanes(esize); ++e) {
        const Vec128& src = e < half ? a[0] : a[1];
        const unsigned i = 2 * (e % half);
        set_elem(r, e, esize, reduce_step(op, elem(src, i, esize), elem(src, i + 1, esize), esize));
    }
    return r;
}

SEM(VecReduce) {
    UNUSED_SEM_ARGS;
    const unsigned esize = static_cast<unsigned>(imm0), count = static_cast<unsigned>(imm1 >> 8);
    const auto op = static_cast<VecReduceOp>(imm1 & 0xff);
    const bool long_add = op == VecReduceOp::AddLongU || op == VecReduceOp::AddLongS;
    const auto lane = [&](unsigned e) {
        return op == VecReduceOp::AddLongS ? static_cast<uint64_t>(selem(a[0], e, esize)) : elem(a[0], e, esize);
    };
    uint64_t acc = lane(0);
    for (unsigned e = 1; e < count; ++e) acc = reduce_step(op, acc, lane(e), esize);
    return scalar(acc & width_mask(long_add ? 2 * esize : esize));
}

// ---- Shifts ----
SEM(VecShlImm) {
    UNUSED_SEM_ARGS;
    const unsigned shift = static_cast<unsigned>(imm1);
    return lanewise(a[0], static_cast<unsigned>(imm0), [shift](uint64_t x) { return shift >= 64 ? 0 : x << shift; });
}
SEM(VecLsrImm) {
    UNUSED_SEM_ARGS;
    const unsigned shift = static_cast<unsigned>(imm1);
    return lanewise(a[0], static_cast<unsigned>(imm0), [shift](uint64_t x) { return shift >= 64 ? 0 : x >> shift; });
}
SEM(VecAsrImm) {
    UNUSED_SEM_ARGS;
    const unsigned esize = static_cast<unsigned>(imm0), shift = static_cast<unsigned>(imm1) < 63 ? imm1 : 63;
    return lanewise(a[0], esize, [=](uint64_t x) { return static_cast<uint64_t>(sign_extend(x, esize) >> shift); });
}
SEM(VecShrNarrow) {
    UNUSED_SEM_ARGS;
    const unsigned esize = static_cast<unsigned>(imm0), shift = imm1 & 0xff;
    const bool round = (imm1 >> 8) & 1;
    Vec128 r{};
    for (unsigned e = 0; e < 64 / esize; ++e) {
        // The rounding constant is added at full precision: 128 bits hold it.
        const u128 wide = static_cast<u128>(elem(a[0], e, 2 * esize)) + (round ? u128{1} << (shift - 1) : 0);
        set_elem(r, e, esize, static_cast<uint64_t>(wide >> shift));
    }
    return r;
}
SEM(VecExtendLow) {
    UNUSED_SEM_ARGS;
    const unsigned esize = static_cast<unsigned>(imm0);
    Vec128 r{};
    for (unsigned e = 0; e < lanes(esize); ++e)
        set_elem(r, e, esize, imm1 ? static_cast<uint64_t>(selem(a[0], e, esize / 2)) : elem(a[0], e, esize / 2));
    return r;
}

SEM(VecCnt) {
    UNUSED_SEM_ARGS;
    return lanewise(a[0], 8, [](uint64_t x) { return static_cast<uint64_t>(std::popcount(x)); });
}

// ---- Permutes ----
SEM(VecZip) {
    UNUSED_SEM_ARGS;
    const unsigned esize = static_cast<unsigned>(imm0), pairs = lanes(esize) / 2, base = imm1 ? pairs : 0;
    Vec128 r{};
    for (unsigned p = 0; p < pairs; ++p) {
        set_elem(r, 2 * p, esize, elem(a[0], base + p, esize));
        set_elem(r, 2 * p + 1, esize, elem(a[1], base + p, esize));
    }
    return r;
}
SEM(VecUzp) {
    UNUSED_SEM_ARGS;
    // Even (UZP1) or odd (UZP2) lanes of the concatenation b:a.
    const unsigned esize = static_cast<unsigned>(imm0), n = lanes(esize);
    Vec128 r{};
    for (unsigned e = 0; e < n; ++e) {
        const unsigned i = 2 * e + static_cast<unsigned>(imm1);
        set_elem(r, e, esize, elem(i < n ? a[0] : a[1], i % n, esize));
    }
    return r;
}
SEM(VecTrn) {
    UNUSED_SEM_ARGS;
    const unsigned esize = static_cast<unsigned>(imm0), part = static_cast<unsigned>(imm1);
    Vec128 r{};
    for (unsigned p = 0; p < lanes(esize) / 2; ++p) {
        set_elem(r, 2 * p, esize, elem(a[0], 2 * p + part, esize));
        set_elem(r, 2 * p + 1, esize, elem(a[1], 2 * p + part, esize));
    }
    return r;
}
SEM(VecExt) {
    UNUSED_SEM_ARGS;
    const unsigned pos = static_cast<unsigned>(imm1) * 8;
    if (pos == 0) return a[0];
    return from_u128((to_u128(a[0]) >> pos) | (to_u128(a[1]) << (128 - pos)));
}
SEM(VecRev) {
    UNUSED_SEM_ARGS;
    const unsigned esize = static_cast<unsigned>(imm0), per_container = static_cast<unsigned>(imm1) / esize;
    Vec128 r{};
    for (unsigned e = 0; e < lanes(esize); ++e) {
        const unsigned first = e - e % per_container;
        set_elem(r, e, esize, elem(a[0], first + (per_container - 1 - e % per_container), esize));
    }
    return r;
}
SEM(VecTableLookup) {
    UNUSED_SEM_ARGS;
    Vec128 r{};
    for (unsigned e = 0; e < 16; ++e) {
        const uint64_t index = elem(a[1], e, 8);
        set_elem(r, e, 8, index < 16 ? elem(a[0], static_cast<unsigned>(index), 8) : elem(a[2], e, 8));
    }
    return r;
}

// ---- Saturating, halving, rounding and widening lane arithmetic ----

// result[e] = f(Int(a[e]), Int(b[e]), e) over every lane, with imm0 = esize.
template <typename F>
Vec128 lanewise_int(const Vec128* a, unsigned esize, bool is_unsigned, bool second_unsigned, F f) {
    Vec128 r{};
    for (unsigned e = 0; e < lanes(esize); ++e)
        set_elem(r, e, esize, f(int_elem(a[0], e, esize, is_unsigned), int_elem(a[1], e, esize, second_unsigned), e));
    return r;
}

SEM(VecSatAdd) {
    UNUSED_SEM_ARGS;
    const unsigned esize = static_cast<unsigned>(imm0);
    const bool is_unsigned = imm1 & vec::kUnsigned, subtract = imm1 & vec::kSubtract;
    const bool second_unsigned = is_unsigned != ((imm1 & vec::kMixed) != 0);
    return lanewise_int(a, esize, is_unsigned, second_unsigned, [&](i128 x, i128 y, unsigned) {
        return sat_q(s, subtract ? x - y : x + y, esize, is_unsigned);
    });
}
SEM(VecHalvingAdd) {
    UNUSED_SEM_ARGS;
    const bool is_unsigned = imm1 & vec::kUnsigned, subtract = imm1 & vec::kSubtract, round = imm1 & vec::kRound;
    return lanewise_int(a, static_cast<unsigned>(imm0), is_unsigned, is_unsigned, [&](i128 x, i128 y, unsigned) {
        return static_cast<uint64_t>(shift_right(subtract ? x - y : x + y, 1, round));
    });
}
SEM(VecAbsDiff) {
    UNUSED_SEM_ARGS;
    const bool is_unsigned = imm1 & vec::kUnsigned;
    return lanewise_int(a, static_cast<unsigned>(imm0), is_unsigned, is_unsigned,
                        [](i128 x, i128 y, unsigned) { return static_cast<uint64_t>(x > y ? x - y : y - x); });
}
SEM(VecShiftReg) {
    UNUSED_SEM_ARGS;
    const unsigned esize = static_cast<unsigned>(imm0);
    const bool is_unsigned = imm1 & vec::kUnsigned, round = imm1 & vec::kRound;
    return lanewise_int(a, esize, is_unsigned, true, [&](i128 x, i128 shift, unsigned) {
        return static_cast<uint64_t>(shift_by_byte(x, static_cast<uint64_t>(shift), esize, round));
    });
}
SEM(VecSatShiftReg) {
    UNUSED_SEM_ARGS;
    const unsigned esize = static_cast<unsigned>(imm0);
    const bool is_unsigned = imm1 & vec::kUnsigned, round = imm1 & vec::kRound;
    const bool result_unsigned = is_unsigned || (imm1 & vec::kResultUnsigned);
    return lanewise_int(a, esize, is_unsigned, true, [&](i128 x, i128 shift, unsigned) {
        return sat_q(s, shift_by_byte(x, static_cast<uint64_t>(shift), esize, round), esize, result_unsigned);
    });
}
SEM(VecSatNarrow) {
    UNUSED_SEM_ARGS;
    const unsigned esize = static_cast<unsigned>(imm0), shift = static_cast<unsigned>(imm1 >> vec::kShiftPos);
    const bool is_unsigned = imm1 & vec::kUnsigned, round = imm1 & vec::kRound;
    const bool result_unsigned = is_unsigned || (imm1 & vec::kResultUnsigned);
    Vec128 r{};
    for (unsigned e = 0; e < 64 / esize; ++e) {
        const i128 x = int_elem(a[0], e, 2 * esize, is_unsigned);
        set_elem(r, e, esize, sat_q(s, shift ? shift_right(x, shift, round) : x, esize, result_unsigned));
    }
    return r;
}
SEM(VecSatDoublingMul) {
    UNUSED_SEM_ARGS;
    const unsigned esize = static_cast<unsigned>(imm0);
    const bool high = imm1 & vec::kHigh, round = imm1 & vec::kRound;
    return lanewise_int(a, esize, false, false, [&](i128 x, i128 y, unsigned) {
        // 2*x*y fits: the high form is used up to esize 32, the low (long)
        // form on lanes sign-extended from esize/2.
        i128 product = 2 * x * y + (round ? i128{1} << (esize - 1) : 0);
        if (high) product >>= esize;
        return sat_q(s, product, esize, false);
    });
}
SEM(VecPolyMul) {
    UNUSED_SEM_ARGS;
    // Carry-less products of esize lanes: the low esize bits, or (Long) the
    // 2*esize-bit products of the lanes of the low half.
    const unsigned esize = static_cast<unsigned>(imm0);
    const bool is_long = imm1 & vec::kLong;
    const unsigned out = is_long ? 2 * esize : esize;
    Vec128 r{};
    for (unsigned e = 0; e < lanes(out); ++e) {
        const uint64_t x = elem(a[0], e, esize), y = elem(a[1], e, esize);
        u128 product = 0;
        for (unsigned i = 0; i < esize; ++i)
            if ((y >> i) & 1) product ^= static_cast<u128>(x) << i;
        set_elem(r, e, out, static_cast<uint64_t>(product));
    }
    return r;
}

// ---- Bit counts ----
SEM(VecClz) {
    UNUSED_SEM_ARGS;
    const unsigned esize = static_cast<unsigned>(imm0);
    return lanewise(a[0], esize, [esize](uint64_t x) { return static_cast<uint64_t>(std::countl_zero(x) - (64 - esize)); });
}
SEM(VecCls) {
    UNUSED_SEM_ARGS;
    // CountLeadingSignBits(x) = CountLeadingZeroBits(x<esize-1:1> EOR x<esize-2:0>).
    const unsigned esize = static_cast<unsigned>(imm0);
    return lanewise(a[0], esize, [esize](uint64_t x) {
        const uint64_t differing = ((x >> 1) ^ x) & width_mask(esize - 1);
        return static_cast<uint64_t>(std::countl_zero(differing) - (64 - (esize - 1)));
    });
}
SEM(VecRbit) {
    UNUSED_SEM_ARGS;
    return lanewise(a[0], 8, [](uint64_t x) {
        uint64_t r = 0;
        for (unsigned i = 0; i < 8; ++i) r |= ((x >> i) & 1) << (7 - i);
        return r;
    });
}

}  // namespace sem

}  // namespace ferry::ir
