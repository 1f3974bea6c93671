#include "operands.h"

#include <bit>
#include <iterator>

namespace qemu_diff {
namespace {

template <typename T, size_t N>
T pick(const T (&values)[N], Rng& rng) {
    return values[rng() % N];
}

bool coin(Rng& rng) { return rng() & 1; }

// One IEEE 754 binary format: the fields and exact values built from them.
struct FpFormat {
    unsigned bits, fraction_bits;

    static FpFormat of(unsigned bits) { return bits == 16 ? FpFormat{16, 10} : bits == 32 ? FpFormat{32, 23} : FpFormat{64, 52}; }
    unsigned exponent_bits() const { return bits - 1 - fraction_bits; }
    uint64_t max_exponent() const { return (uint64_t{1} << exponent_bits()) - 1; }  // infinities and NaNs
    int bias() const { return (1 << (exponent_bits() - 1)) - 1; }
    uint64_t fraction_mask() const { return (uint64_t{1} << fraction_bits) - 1; }
    uint64_t quiet_bit() const { return uint64_t{1} << (fraction_bits - 1); }

    uint64_t pack(bool negative, uint64_t exponent, uint64_t fraction) const {
        return uint64_t{negative} << (bits - 1) | exponent << fraction_bits | (fraction & fraction_mask());
    }
    // m * 2^e for 0 < m < 2^(fraction_bits + 1): exact unless it falls outside the normal range
    // (then infinity, or a subnormal that drops m's low bits).
    uint64_t exact(bool negative, uint64_t m, int e) const {
        const int top = std::bit_width(m) - 1;
        const int exponent = top + e + bias();
        if (exponent >= static_cast<int>(max_exponent())) return pack(negative, max_exponent(), 0);
        const uint64_t significand = m << (fraction_bits - top);
        if (exponent <= 0) return pack(negative, 0, exponent > -64 ? significand >> (1 - exponent) : 0);
        return pack(negative, static_cast<uint64_t>(exponent), significand);
    }
};

// 2^k a few ulps either way, for the k where conversions to integers saturate or lose precision.
uint64_t conversion_edge(const FpFormat& f, bool negative, Rng& rng) {
    static constexpr int kPowers[] = {7, 8, 15, 16, 24, 31, 32, 52, 53, 63, 64};
    const uint64_t magnitude = f.exact(false, 1, pick(kPowers, rng)) + rng() % 5 - 2;
    return uint64_t{negative} << (f.bits - 1) | (magnitude & ((uint64_t{1} << (f.bits - 1)) - 1));
}

uint64_t truncate(uint64_t v, unsigned bits) { return bits == 64 ? v : v & ((uint64_t{1} << bits) - 1); }

}  // namespace

uint64_t draw_fp(unsigned bits, Rng& rng) {
    const FpFormat f = FpFormat::of(bits);
    const bool negative = coin(rng);
    const uint64_t fraction = rng() & f.fraction_mask();
    const uint64_t max = f.max_exponent();
    switch (rng() % 16) {
    case 0: return f.pack(negative, 0, 0);
    case 1: return f.pack(negative, max, 0);
    case 2: return f.pack(negative, max, f.quiet_bit() | fraction);  // quiet NaN
    case 3: {                                                           // signalling NaN
        const uint64_t payload = fraction & (f.quiet_bit() - 1);
        return f.pack(negative, max, payload ? payload : 1);
    }
    case 4: return f.pack(negative, 0, pick({uint64_t{1}, f.fraction_mask(), fraction}, rng));   // subnormal
    case 5: return pick({f.pack(negative, 1, 0), f.pack(negative, max - 1, f.fraction_mask()),   // normal extremes
                         f.pack(negative, 1, fraction), f.pack(negative, max - 1, fraction)}, rng);
    case 6: return f.exact(negative, 1, static_cast<int>(rng() % 3) - 1);  // 0.5, 1.0, 2.0
    case 7: return conversion_edge(f, negative, rng);
    case 8: return f.exact(negative, 2 * (rng() % 8) + 1, -1 - static_cast<int>(rng() % 2));  // ties: 0.5, 1.5, 2.5, 0.25...
    case 9: return f.exact(negative, 1 + rng() % 1000, 0);  // small integers
    case 10: return f.pack(negative, 1 + rng() % 4, fraction);        // results will underflow
    case 11: return f.pack(negative, max - 1 - rng() % 4, fraction);  // results will overflow
    case 12: return rng() & (bits == 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1);
    default: {  // ordinary values around 1.0, so that results are ordinary too
        const int spread = f.bias() / 4;
        const int exponent = f.bias() + static_cast<int>(rng() % (2 * spread + 1)) - spread;
        return f.pack(negative, static_cast<uint64_t>(exponent), fraction);
    }
    }
}

uint64_t draw_lane_int(unsigned bits, Rng& rng) {
    const uint64_t min = uint64_t{1} << (bits - 1), max = min - 1;
    switch (rng() % 6) {
    case 0: return truncate(pick({uint64_t{0}, uint64_t{1}, ~uint64_t{0}, min, max, min + 1, max - 1, uint64_t{2}}, rng), bits);
    case 1: return truncate(uint64_t{1} << rng() % bits, bits);
    case 2: return truncate(rng() >> (64 - bits + rng() % bits), bits);  // a random bit length
    case 3: return truncate(-(rng() % 256), bits);
    case 4: return rng() % 256;
    default: return truncate(rng(), bits);
    }
}

uint64_t draw_int(Rng& rng) {
    static constexpr uint64_t kSpecials[] = {
        0, 1, 2, 31, 32, 63, 64, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff, 0x80000000, 0x80000001,
        0xffffffff, 0x100000000, 0x7fffffffffffffff, 0x8000000000000000, 0x8000000000000001, ~uint64_t{0},
        0xffffffff80000000, 0xffffffff7fffffff};
    // Integers whose conversion to single or double rounds: ties to even and just off them.
    static constexpr int kRoundingPowers[] = {24, 25, 53, 54, 62, 63};
    switch (rng() % 9) {
    case 0: return pick(kSpecials, rng);
    case 1: {
        const uint64_t v = (uint64_t{1} << pick(kRoundingPowers, rng)) + rng() % 5;
        return coin(rng) ? -v : v;
    }
    case 2: return coin(rng) ? draw_lane_int(64, rng) : draw_lane_int(32, rng);
    case 3: return coin(rng) ? draw_fp(64, rng) : draw_fp(32, rng);
    case 4: return rng() % 4096;
    case 5: return -(rng() % 4096);
    case 6: {
        const uint64_t v = rng() >> rng() % 64;  // a random bit length
        return coin(rng) ? -v : v;
    }
    default: return rng();
    }
}

VectorLayout draw_layout(Rng& rng) {
    switch (rng() % 8) {
    case 0: case 1: case 2: return {VectorLayout::FpLanes, pick({16u, 32u, 32u, 64u, 64u}, rng)};
    case 3: case 4: return {VectorLayout::IntLanes, pick({8u, 16u, 32u, 64u}, rng)};
    case 5: return {VectorLayout::Random, 0};
    default: return {VectorLayout::Mixed, 0};
    }
}

ferry::Vec128 draw_vector(VectorLayout layout, Rng& rng) {
    while (layout.kind == VectorLayout::Mixed) layout = draw_layout(rng);
    if (layout.kind == VectorLayout::Random) return {rng(), rng()};
    uint64_t half[2] = {};
    for (uint64_t& h : half)
        for (unsigned at = 0; at < 64; at += layout.lane_bits)
            h |= (layout.kind == VectorLayout::FpLanes ? draw_fp(layout.lane_bits, rng) : draw_lane_int(layout.lane_bits, rng))
                 << at;
    return {half[0], half[1]};
}

uint32_t draw_fpcr(Rng& rng) {
    constexpr unsigned kAhpDnFzRMode = 22;  // FPCR[26:22]: AHP, DN, FZ, RMode[1:0]
    return rng() % 4 == 0 ? 0 : static_cast<uint32_t>(rng() & 0x1f) << kAhpDnFzRMode;
}

}  // namespace qemu_diff
