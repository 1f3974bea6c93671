// Reference semantics of the Crypto-extension opcodes: AES (FIPS-197 rounds in
// the Arm ARM's byte order), SHA-1 and SHA-256 (the Arm ARM's SHA1C/SHA256H
// ... pseudocode, four rounds per instruction) and the 64x64 polynomial
// multiply of PMULL.
#include "ir/semantics_crypto.h"

#include <array>
#include <bit>

#include "ir/semantics.h"

namespace ferry::ir {

Vec128 polynomial_multiply(uint64_t op1, uint64_t op2) {
    Vec128 result{0, 0};
    for (unsigned i = 0; i < 64; ++i) {
        if (((op1 >> i) & 1) == 0) continue;
        result.lo ^= op2 << i;
        if (i != 0) result.hi ^= op2 >> (64 - i);
    }
    return result;
}

namespace sem {

namespace {
#define SEM(name) Vec128 name(CpuState* s, const Vec128* a, uint64_t imm0, uint64_t imm1, uint32_t type)
#define UNUSED_SEM_ARGS (void)s, (void)a, (void)imm0, (void)imm1, (void)type

// ---- AES (FIPS-197) -------------------------------------------------------------
// The 128-bit state holds byte r + 4c (row r, column c) at bits 8*(r+4c).

using Bytes = std::array<uint8_t, 16>;

Bytes to_bytes(const Vec128& v) {
    Bytes b;
    for (unsigned i = 0; i < 16; ++i) b[i] = static_cast<uint8_t>((i < 8 ? v.lo : v.hi) >> (8 * (i % 8)));
    return b;
}
Vec128 from_bytes(const Bytes& b) {
    Vec128 v{0, 0};
    for (unsigned i = 0; i < 16; ++i) (i < 8 ? v.lo : v.hi) |= uint64_t{b[i]} << (8 * (i % 8));
    return v;
}

// Multiplication in GF(2^8) modulo x^8 + x^4 + x^3 + x + 1 (FIPS-197 4.2).
constexpr uint8_t gf_mul(uint8_t x, uint8_t y) {
    uint8_t product = 0;
    for (; y; y >>= 1) {
        if (y & 1) product ^= x;
        x = static_cast<uint8_t>((x << 1) ^ ((x & 0x80) ? 0x1b : 0));
    }
    return product;
}

// The S-box (FIPS-197 5.1.1): the multiplicative inverse in GF(2^8) (0 for
// 0), then the affine transformation b ^ rotl(b,1..4) ^ 0x63.
struct SBoxes {
    std::array<uint8_t, 256> forward{}, inverse{};
};
constexpr SBoxes make_sboxes() {
    SBoxes s;
    for (unsigned x = 0; x < 256; ++x) {
        uint8_t inv = 0;
        for (unsigned y = 1; y < 256 && x != 0; ++y)
            if (gf_mul(static_cast<uint8_t>(x), static_cast<uint8_t>(y)) == 1) inv = static_cast<uint8_t>(y);
        const uint8_t b = static_cast<uint8_t>(inv ^ std::rotl(inv, 1) ^ std::rotl(inv, 2) ^ std::rotl(inv, 3) ^
                                               std::rotl(inv, 4) ^ 0x63);
        s.forward[x] = b;
        s.inverse[b] = static_cast<uint8_t>(x);
    }
    return s;
}
constexpr SBoxes kSBoxes = make_sboxes();

// (Inv)ShiftRows then (Inv)SubBytes: row r rotates left (right for the
// inverse) by r columns.
Bytes aes_round(const Bytes& in, bool inverse) {
    const auto& sbox = inverse ? kSBoxes.inverse : kSBoxes.forward;
    Bytes out;
    for (unsigned c = 0; c < 4; ++c)
        for (unsigned r = 0; r < 4; ++r) {
            const unsigned from_column = inverse ? (c + 4 - r) % 4 : (c + r) % 4;
            out[r + 4 * c] = sbox[in[r + 4 * from_column]];
        }
    return out;
}

// (Inv)MixColumns: each column times the circulant matrix whose first row is
// {2, 3, 1, 1} ({e, b, d, 9} for the inverse).
Bytes aes_mix_columns(const Bytes& in, bool inverse) {
    static constexpr uint8_t kForward[4] = {2, 3, 1, 1}, kInverse[4] = {0xe, 0xb, 0xd, 0x9};
    const uint8_t* row0 = inverse ? kInverse : kForward;
    Bytes out{};
    for (unsigned c = 0; c < 4; ++c)
        for (unsigned r = 0; r < 4; ++r)
            for (unsigned j = 0; j < 4; ++j) out[r + 4 * c] ^= gf_mul(row0[(j + 4 - r) % 4], in[j + 4 * c]);
    return out;
}

// ---- SHA (FIPS 180-4, in the Arm ARM's four-rounds-per-instruction form) -----

using Words = std::array<uint32_t, 4>;  // Elem[v, e, 32]

Words to_words(const Vec128& v) {
    return {static_cast<uint32_t>(v.lo), static_cast<uint32_t>(v.lo >> 32), static_cast<uint32_t>(v.hi),
            static_cast<uint32_t>(v.hi >> 32)};
}
Vec128 from_words(const Words& w) {
    return Vec128{w[0] | (uint64_t{w[1]} << 32), w[2] | (uint64_t{w[3]} << 32)};
}

uint32_t sha_choose(uint32_t x, uint32_t y, uint32_t z) { return ((y ^ z) & x) ^ z; }
uint32_t sha_parity(uint32_t x, uint32_t y, uint32_t z) { return x ^ y ^ z; }
uint32_t sha_majority(uint32_t x, uint32_t y, uint32_t z) { return (x & y) | ((x | y) & z); }

using ShaFunction = uint32_t (*)(uint32_t, uint32_t, uint32_t);

// SHA1C/SHA1P/SHA1M: abcd, e and four words of W+K; returns the new abcd.
Words sha1_hash(Words abcd, uint32_t e, const Words& wk, ShaFunction f) {
    for (unsigned i = 0; i < 4; ++i) {
        const uint32_t t = e + std::rotl(abcd[0], 5) + f(abcd[1], abcd[2], abcd[3]) + wk[i];
        e = abcd[3];  // <Y, X> = ROL(Y:X, 32): the words move up, the new one enters at 0
        abcd = {t, abcd[0], std::rotl(abcd[1], 30), abcd[2]};
    }
    return abcd;
}

// SHA1SU1: the last step of the message schedule W[i] = ROL(W[i-3] ^ ..., 1),
// where the fourth word depends on the first.
Words sha1_su1(const Words& x, const Words& y) {
    const Words t = {x[0] ^ y[1], x[1] ^ y[2], x[2] ^ y[3], x[3]};
    return {std::rotl(t[0], 1), std::rotl(t[1], 1), std::rotl(t[2], 1), std::rotl(t[3], 1) ^ std::rotl(t[0], 2)};
}

uint32_t sigma0_hash(uint32_t x) { return std::rotr(x, 2) ^ std::rotr(x, 13) ^ std::rotr(x, 22); }
uint32_t sigma1_hash(uint32_t x) { return std::rotr(x, 6) ^ std::rotr(x, 11) ^ std::rotr(x, 25); }
uint32_t sigma0_schedule(uint32_t x) { return std::rotr(x, 7) ^ std::rotr(x, 18) ^ (x >> 3); }
uint32_t sigma1_schedule(uint32_t x) { return std::rotr(x, 17) ^ std::rotr(x, 19) ^ (x >> 10); }

// SHA256hash: four rounds on x = abcd, y = efgh; part1 returns the new abcd
// (SHA256H), otherwise the new efgh (SHA256H2).
Words sha256_hash(Words x, Words y, const Words& wk, bool part1) {
    for (unsigned i = 0; i < 4; ++i) {
        const uint32_t t = y[3] + sigma1_hash(y[0]) + sha_choose(y[0], y[1], y[2]) + wk[i];
        x[3] += t;
        y[3] = t + sigma0_hash(x[0]) + sha_majority(x[0], x[1], x[2]);
        // <Y, X> = ROL(Y:X, 256-bit, 32)
        const uint32_t x_top = x[3];
        x = {y[3], x[0], x[1], x[2]};
        y = {x_top, y[0], y[1], y[2]};
    }
    return part1 ? x : y;
}

// SHA256SU0: W[i-16] + sigma0(W[i-15]) for four words.
Words sha256_su0(const Words& w0, const Words& w4) {
    const Words t = {w0[1], w0[2], w0[3], w4[0]};
    Words result;
    for (unsigned e = 0; e < 4; ++e) result[e] = sigma0_schedule(t[e]) + w0[e];
    return result;
}

// SHA256SU1: adds W[i-7] and sigma1(W[i-2]); the upper two words use the
// lower two just computed.
Words sha256_su1(const Words& partial, const Words& w8, const Words& w12) {
    const Words t0 = {w8[1], w8[2], w8[3], w12[0]};
    Words result;
    for (unsigned e = 0; e < 4; ++e) {
        const uint32_t w_minus_2 = e < 2 ? w12[e + 2] : result[e - 2];
        result[e] = sigma1_schedule(w_minus_2) + partial[e] + t0[e];
    }
    return result;
}

}  // namespace

SEM(AESRound) {
    UNUSED_SEM_ARGS;
    return from_bytes(aes_round(to_bytes(a[0]), imm0 & 1));
}
SEM(AESMixColumns) {
    UNUSED_SEM_ARGS;
    return from_bytes(aes_mix_columns(to_bytes(a[0]), imm0 & 1));
}
SEM(SHA1Hash) {
    UNUSED_SEM_ARGS;
    static constexpr ShaFunction kFunctions[] = {sha_choose, sha_parity, sha_majority};
    return from_words(sha1_hash(to_words(a[0]), static_cast<uint32_t>(a[1].lo), to_words(a[2]), kFunctions[imm0 % 3]));
}
SEM(SHA1SU1) {
    UNUSED_SEM_ARGS;
    return from_words(sha1_su1(to_words(a[0]), to_words(a[1])));
}
SEM(SHA256Hash) {
    UNUSED_SEM_ARGS;
    const bool part1 = imm0 == 0;
    const Words d = to_words(a[0]), n = to_words(a[1]);
    return from_words(sha256_hash(part1 ? d : n, part1 ? n : d, to_words(a[2]), part1));
}
SEM(SHA256SU0) {
    UNUSED_SEM_ARGS;
    return from_words(sha256_su0(to_words(a[0]), to_words(a[1])));
}
SEM(SHA256SU1) {
    UNUSED_SEM_ARGS;
    return from_words(sha256_su1(to_words(a[0]), to_words(a[1]), to_words(a[2])));
}
SEM(PolyMul64) {
    UNUSED_SEM_ARGS;
    return polynomial_multiply(a[0].lo, a[1].lo);
}

}  // namespace sem
}  // namespace ferry::ir
