// Crypto-extension instructions end to end (decode, translate, interpret):
// AES-128 from FIPS-197's examples, SHA-1 and SHA-256 of "abc" from FIPS
// 180-4, built from the instructions the way Linux's aes-ce and sha*-ce
// drivers use them. Words from aarch64-linux-gnu-as -march=armv8-a+crypto.
#include <gtest/gtest.h>

#include <array>
#include <string>

#include "guest_runner.h"
#include "ir/semantics_crypto.h"

namespace ferry {
namespace {

using u128 = unsigned __int128;
using Bytes = std::array<uint8_t, 16>;

constexpr uint32_t AESE = 0x4e284820, AESD = 0x4e285820, AESMC = 0x4e286820, AESIMC = 0x4e287820;  // v0, v1
constexpr uint32_t SHA1C = 0x5e020020, SHA1P = 0x5e021020, SHA1M = 0x5e022020;  // q0, s1, v2.4s
constexpr uint32_t SHA1SU0 = 0x5e023020, SHA256H = 0x5e024020, SHA256H2 = 0x5e025020;
constexpr uint32_t SHA256SU1 = 0x5e026020;                                     // v0, v1, v2
constexpr uint32_t SHA1H = 0x5e280820, SHA1SU1 = 0x5e281820, SHA256SU0 = 0x5e282820;  // v0, v1
constexpr uint32_t PMULL = 0x0ee2e020, PMULL2 = 0x4ee2e020;                   // v0.1q, v1, v2

// Runs `word` with v0 = d, v1 = n, v2 = m; returns v0.
Vec128 exec(uint32_t word, Vec128 d, Vec128 n = {}, Vec128 m = {}) {
    CpuState s = test::make_state();
    s.v[0] = d;
    s.v[1] = n;
    s.v[2] = m;
    return test::run_one(s, word).v[0];
}

// A vector holding bytes in memory order (as LD1 {v.16b} loads them).
Vec128 vec(const Bytes& b) {
    Vec128 v{0, 0};
    for (unsigned i = 0; i < 16; ++i) (i < 8 ? v.lo : v.hi) |= uint64_t{b[i]} << (8 * (i % 8));
    return v;
}
Vec128 words(uint32_t w0, uint32_t w1, uint32_t w2, uint32_t w3) {
    return Vec128{w0 | (uint64_t{w1} << 32), w2 | (uint64_t{w3} << 32)};
}
uint32_t word(const Vec128& v, unsigned e) { return static_cast<uint32_t>((e < 2 ? v.lo : v.hi) >> (32 * (e % 2))); }
Vec128 add_words(const Vec128& a, const Vec128& b) {
    return words(word(a, 0) + word(b, 0), word(a, 1) + word(b, 1), word(a, 2) + word(b, 2), word(a, 3) + word(b, 3));
}
Vec128 xor_vec(const Vec128& a, const Vec128& b) { return Vec128{a.lo ^ b.lo, a.hi ^ b.hi}; }

// ---- AES ------------------------------------------------------------------------

// FIPS-197 5.2 key expansion. SubWord comes from AESE itself: with a zero
// key and the word in all four columns, ShiftRows moves nothing.
std::array<Vec128, 11> expand_key(const Bytes& key) {
    std::array<uint32_t, 44> w;
    for (unsigned i = 0; i < 4; ++i) w[i] = word(vec(key), i);
    uint32_t rcon = 1;
    for (unsigned i = 4; i < 44; ++i) {
        uint32_t temp = w[i - 1];
        if (i % 4 == 0) {
            const uint32_t rotated = (temp >> 8) | (temp << 24);  // RotWord on little-endian bytes
            temp = word(exec(AESE, words(rotated, rotated, rotated, rotated)), 0) ^ rcon;
            rcon = (rcon << 1) ^ ((rcon & 0x80) ? 0x11b : 0);
        }
        w[i] = w[i - 4] ^ temp;
    }
    std::array<Vec128, 11> round_keys;
    for (unsigned r = 0; r < 11; ++r) round_keys[r] = words(w[4 * r], w[4 * r + 1], w[4 * r + 2], w[4 * r + 3]);
    return round_keys;
}

Vec128 aes128_encrypt(const Bytes& key, const Bytes& plaintext) {
    const auto rk = expand_key(key);
    Vec128 state = vec(plaintext);
    for (unsigned r = 0; r < 9; ++r) state = exec(AESMC, {}, exec(AESE, state, rk[r]));
    return xor_vec(exec(AESE, state, rk[9]), rk[10]);
}

// The equivalent inverse cipher (FIPS-197 5.3.5): middle round keys through InvMixColumns.
Vec128 aes128_decrypt(const Bytes& key, const Vec128& ciphertext) {
    const auto rk = expand_key(key);
    Vec128 state = ciphertext;
    for (unsigned r = 10; r > 1; --r) state = exec(AESIMC, {}, exec(AESD, state, r == 10 ? rk[r] : exec(AESIMC, {}, rk[r])));
    return xor_vec(exec(AESD, state, exec(AESIMC, {}, rk[1])), rk[0]);
}

const Bytes kFipsBKey = {0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6, 0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c};
const Bytes kFipsBInput = {0x32, 0x43, 0xf6, 0xa8, 0x88, 0x5a, 0x30, 0x8d, 0x31, 0x31, 0x98, 0xa2, 0xe0, 0x37, 0x07, 0x34};
const Bytes kFipsBOutput = {0x39, 0x25, 0x84, 0x1d, 0x02, 0xdc, 0x09, 0xfb, 0xdc, 0x11, 0x85, 0x97, 0x19, 0x6a, 0x0b, 0x32};

TEST(CryptoTranslate, AesFirstRoundOfFips197AppendixB) {
    // AESE: AddRoundKey, SubBytes, ShiftRows; AESMC: MixColumns (the round-1 rows of the table).
    const Vec128 shifted = exec(AESE, vec(kFipsBInput), vec(kFipsBKey));
    EXPECT_EQ(shifted, vec({0xd4, 0xbf, 0x5d, 0x30, 0xe0, 0xb4, 0x52, 0xae, 0xb8, 0x41, 0x11, 0xf1, 0x1e, 0x27, 0x98, 0xe5}));
    const Vec128 mixed = exec(AESMC, {}, shifted);
    EXPECT_EQ(mixed, vec({0x04, 0x66, 0x81, 0xe5, 0xe0, 0xcb, 0x19, 0x9a, 0x48, 0xf8, 0xd3, 0x7a, 0x28, 0x06, 0x26, 0x4c}));
    // The inverses undo them.
    EXPECT_EQ(exec(AESIMC, {}, mixed), shifted);
    EXPECT_EQ(exec(AESD, shifted, {}), xor_vec(vec(kFipsBInput), vec(kFipsBKey)));
}

TEST(CryptoTranslate, Aes128Fips197Examples) {
    EXPECT_EQ(aes128_encrypt(kFipsBKey, kFipsBInput), vec(kFipsBOutput));
    EXPECT_EQ(aes128_decrypt(kFipsBKey, vec(kFipsBOutput)), vec(kFipsBInput));
    // Appendix C.1.
    const Bytes key = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
    const Bytes plaintext = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff};
    const Bytes ciphertext = {0x69, 0xc4, 0xe0, 0xd8, 0x6a, 0x7b, 0x04, 0x30, 0xd8, 0xcd, 0xb7, 0x80, 0x70, 0xb4, 0xc5, 0x5a};
    EXPECT_EQ(aes128_encrypt(key, plaintext), vec(ciphertext));
    EXPECT_EQ(aes128_decrypt(key, vec(ciphertext)), vec(plaintext));
}

// ---- SHA ------------------------------------------------------------------------

// The one padded 64-byte block of "abc" as 16 big-endian message words, in
// four vectors of four.
std::array<Vec128, 4> abc_block() {
    std::array<uint32_t, 16> m{};
    m[0] = 0x61626380;  // "abc" then the 1 bit
    m[15] = 24;         // the length in bits
    return {words(m[0], m[1], m[2], m[3]), words(m[4], m[5], m[6], m[7]), words(m[8], m[9], m[10], m[11]),
            words(m[12], m[13], m[14], m[15])};
}

// floor(cbrt(x)) and floor(sqrt(x)) of a 128-bit integer, exactly.
uint64_t integer_root(u128 x, unsigned degree) {
    uint64_t lo = 0, hi = uint64_t{1} << (degree == 2 ? 63 : 43);
    while (lo < hi) {
        const uint64_t mid = lo + (hi - lo + 1) / 2;
        const u128 power = degree == 2 ? u128{mid} * mid : u128{mid} * mid * mid;
        if (power <= x) lo = mid;
        else hi = mid - 1;
    }
    return lo;
}
std::array<uint32_t, 64> first_primes() {
    std::array<uint32_t, 64> primes{};
    for (unsigned n = 2, count = 0; count < 64; ++n) {
        bool prime = true;
        for (unsigned d = 2; d * d <= n; ++d) prime = prime && n % d != 0;
        if (prime) primes[count++] = n;
    }
    return primes;
}

// FIPS 180-4 4.2.2 and 5.3.3: K from the cube roots of the first 64 primes,
// H0 from the square roots of the first 8 (the first 32 fraction bits).
std::array<uint32_t, 64> sha256_k() {
    std::array<uint32_t, 64> k;
    const auto primes = first_primes();
    for (unsigned i = 0; i < 64; ++i) k[i] = static_cast<uint32_t>(integer_root(u128{primes[i]} << 96, 3));
    return k;
}
std::array<uint32_t, 8> sha256_h0() {
    std::array<uint32_t, 8> h;
    const auto primes = first_primes();
    for (unsigned i = 0; i < 8; ++i) h[i] = static_cast<uint32_t>(integer_root(u128{primes[i]} << 64, 2));
    return h;
}

TEST(CryptoTranslate, Sha256OfAbc) {
    const auto k = sha256_k();
    const auto h0 = sha256_h0();
    ASSERT_EQ(k[0], 0x428a2f98u);
    ASSERT_EQ(h0[0], 0x6a09e667u);
    const Vec128 abcd0 = words(h0[0], h0[1], h0[2], h0[3]), efgh0 = words(h0[4], h0[5], h0[6], h0[7]);
    Vec128 abcd = abcd0, efgh = efgh0;
    auto w = abc_block();
    for (unsigned i = 0; i < 16; ++i) {
        const Vec128 wk = add_words(w[i % 4], words(k[4 * i], k[4 * i + 1], k[4 * i + 2], k[4 * i + 3]));
        const Vec128 old_abcd = abcd;
        abcd = exec(SHA256H, abcd, efgh, wk);
        efgh = exec(SHA256H2, efgh, old_abcd, wk);
        if (i < 12) w[i % 4] = exec(SHA256SU1, exec(SHA256SU0, w[i % 4], w[(i + 1) % 4]), w[(i + 2) % 4], w[(i + 3) % 4]);
    }
    abcd = add_words(abcd, abcd0);
    efgh = add_words(efgh, efgh0);
    EXPECT_EQ(abcd, words(0xba7816bf, 0x8f01cfea, 0x414140de, 0x5dae2223));
    EXPECT_EQ(efgh, words(0xb00361a3, 0x96177a9c, 0xb410ff61, 0xf20015ad));
}

TEST(CryptoTranslate, Sha1OfAbc) {
    static constexpr uint32_t kK[4] = {0x5a827999, 0x6ed9eba1, 0x8f1bbcdc, 0xca62c1d6};
    const Vec128 abcd0 = words(0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476);
    const uint32_t e0 = 0xc3d2e1f0;
    Vec128 abcd = abcd0;
    uint32_t e = e0;
    auto w = abc_block();
    for (unsigned i = 0; i < 20; ++i) {
        const uint32_t kw = kK[i / 5];
        const Vec128 wk = add_words(w[i % 4], words(kw, kw, kw, kw));
        const uint32_t next_e = word(exec(SHA1H, {}, Vec128{word(abcd, 0), 0}), 0);  // ROL(a, 30)
        const uint32_t op = i < 5 ? SHA1C : (i < 10 || i >= 15) ? SHA1P : SHA1M;
        abcd = exec(op, abcd, Vec128{e, 0}, wk);
        e = next_e;
        if (i < 16) w[i % 4] = exec(SHA1SU1, exec(SHA1SU0, w[i % 4], w[(i + 1) % 4], w[(i + 2) % 4]), w[(i + 3) % 4]);
    }
    EXPECT_EQ(add_words(abcd, abcd0), words(0xa9993e36, 0x4706816a, 0xba3e2571, 0x7850c26c));
    EXPECT_EQ(e + e0, 0x9cd0d89du);
}

TEST(CryptoTranslate, Sha1HClearsTheRestOfTheRegister) {
    EXPECT_EQ(exec(SHA1H, Vec128{~0ull, ~0ull}, Vec128{0x80000001'00000003, 5}), (Vec128{0xc0000000, 0}));
}

// ---- PMULL ---------------------------------------------------------------------

TEST(CryptoTranslate, PolynomialMultiply) {
    EXPECT_EQ(ir::polynomial_multiply(3, 3), (Vec128{5, 0}));  // (x + 1)^2 = x^2 + 1
    EXPECT_EQ(ir::polynomial_multiply(~0ull, ~0ull), (Vec128{0x5555555555555555, 0x5555555555555555}));
    EXPECT_EQ(ir::polynomial_multiply(uint64_t{1} << 63, 6), (Vec128{0, 3}));
    EXPECT_EQ(ir::polynomial_multiply(0xff, 0xff), (Vec128{0x5555, 0}));  // the 8-bit PMULL's products
}

TEST(CryptoTranslate, Pmull64) {
    const Vec128 n{0x8000000000000001, 3}, m{0x2, 0xffffffffffffffff};
    EXPECT_EQ(exec(PMULL, {}, n, m), (Vec128{0x2, 1}));   // (x^63 + 1) * x, the low halves
    EXPECT_EQ(exec(PMULL2, {}, n, m), (Vec128{0x1, 1}));  // (x + 1) * (x^63 + ... + 1), the high halves
}

}  // namespace
}  // namespace ferry
