// AES, SHA-1, SHA-256 and 64-bit polynomial multiplication through the ACLE
// crypto intrinsics, on the standard test vectors (FIPS-197, FIPS 180-4) and
// on longer data. Built for the host (no __ARM_FEATURE_CRYPTO), the same
// program uses portable C versions of each instruction, so its output is the
// value computed independently of any Arm implementation.
// cflags: -march=armv8-a+crypto
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#if defined(__ARM_FEATURE_CRYPTO) || defined(__ARM_FEATURE_AES)
#include <arm_neon.h>
typedef uint8x16_t block;
typedef uint32x4_t words;
static block load_block(const uint8_t* p) { return vld1q_u8(p); }
static void store_block(uint8_t* p, block b) { vst1q_u8(p, b); }
static block xor_block(block a, block b) { return veorq_u8(a, b); }
static block aese(block s, block k) { return vaeseq_u8(s, k); }
static block aesd(block s, block k) { return vaesdq_u8(s, k); }
static block aesmc(block s) { return vaesmcq_u8(s); }
static block aesimc(block s) { return vaesimcq_u8(s); }
static words load_words(const uint32_t* p) { return vld1q_u32(p); }
static void store_words(uint32_t* p, words w) { vst1q_u32(p, w); }
static words add_words(words a, words b) { return vaddq_u32(a, b); }
static words sha256h(words abcd, words efgh, words wk) { return vsha256hq_u32(abcd, efgh, wk); }
static words sha256h2(words efgh, words abcd, words wk) { return vsha256h2q_u32(efgh, abcd, wk); }
static words sha256su0(words w0, words w4) { return vsha256su0q_u32(w0, w4); }
static words sha256su1(words w0, words w8, words w12) { return vsha256su1q_u32(w0, w8, w12); }
static words sha1c(words abcd, uint32_t e, words wk) { return vsha1cq_u32(abcd, e, wk); }
static words sha1p(words abcd, uint32_t e, words wk) { return vsha1pq_u32(abcd, e, wk); }
static words sha1m(words abcd, uint32_t e, words wk) { return vsha1mq_u32(abcd, e, wk); }
static uint32_t sha1h(uint32_t a) { return vsha1h_u32(a); }
static words sha1su0(words w0, words w4, words w8) { return vsha1su0q_u32(w0, w4, w8); }
static words sha1su1(words tw, words w12) { return vsha1su1q_u32(tw, w12); }
static uint32_t lane0(words w) { return vgetq_lane_u32(w, 0); }
static void clmul(uint64_t a, uint64_t b, uint64_t r[2]) {
    const poly128_t p = vmull_p64((poly64_t)a, (poly64_t)b);
    memcpy(r, &p, 16);
}
static void clmul_high(const uint64_t a[2], const uint64_t b[2], uint64_t r[2]) {
    const poly128_t p = vmull_high_p64(vreinterpretq_p64_u64(vld1q_u64(a)), vreinterpretq_p64_u64(vld1q_u64(b)));
    memcpy(r, &p, 16);
}
#else
#include "crypto_portable.h"
#endif

static void print_hex(const char* what, const uint8_t* p, size_t n) {
    printf("%s: ", what);
    for (size_t i = 0; i < n; ++i) printf("%02x", p[i]);
    printf("\n");
}

// ---- AES-128 (FIPS-197) ------------------------------------------------------

static uint32_t sub_word(uint32_t w) {  // AESE with a zero key on four copies of w
    uint32_t copies[4] = {w, w, w, w};
    uint8_t zero[16] = {0}, out[16];
    store_block(out, aese(load_block((const uint8_t*)copies), load_block(zero)));
    memcpy(&w, out, 4);
    return w;
}

static void expand_key(const uint8_t key[16], uint8_t round_keys[11][16]) {
    uint32_t w[44];
    memcpy(w, key, 16);
    uint32_t rcon = 1;
    for (int i = 4; i < 44; ++i) {
        uint32_t t = w[i - 1];
        if (i % 4 == 0) {
            t = sub_word((t >> 8) | (t << 24)) ^ rcon;
            rcon = (rcon << 1) ^ ((rcon & 0x80) ? 0x11b : 0);
        }
        w[i] = w[i - 4] ^ t;
    }
    memcpy(round_keys, w, sizeof w);
}

static void aes128_encrypt(const uint8_t rk[11][16], const uint8_t in[16], uint8_t out[16]) {
    block s = load_block(in);
    for (int r = 0; r < 9; ++r) s = aesmc(aese(s, load_block(rk[r])));
    store_block(out, xor_block(aese(s, load_block(rk[9])), load_block(rk[10])));
}

static void aes128_decrypt(const uint8_t rk[11][16], const uint8_t in[16], uint8_t out[16]) {
    block s = aesd(load_block(in), load_block(rk[10]));
    for (int r = 9; r >= 1; --r) s = aesd(aesimc(s), aesimc(load_block(rk[r])));
    store_block(out, xor_block(s, load_block(rk[0])));
}

static void aes_tests(void) {
    static const uint8_t key_b[16] = {0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6,
                                      0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c};
    static const uint8_t in_b[16] = {0x32, 0x43, 0xf6, 0xa8, 0x88, 0x5a, 0x30, 0x8d,
                                     0x31, 0x31, 0x98, 0xa2, 0xe0, 0x37, 0x07, 0x34};
    uint8_t rk[11][16], out[16], back[16];
    expand_key(key_b, rk);
    print_hex("aes128 key schedule round 10", rk[10], 16);
    aes128_encrypt(rk, in_b, out);
    print_hex("aes128 FIPS-197 appendix B", out, 16);
    aes128_decrypt(rk, out, back);
    print_hex("aes128 decrypted", back, 16);

    uint8_t key_c[16], in_c[16];
    for (int i = 0; i < 16; ++i) key_c[i] = (uint8_t)i, in_c[i] = (uint8_t)(i * 0x11);
    expand_key(key_c, rk);
    aes128_encrypt(rk, in_c, out);
    print_hex("aes128 FIPS-197 C.1", out, 16);

    // CBC over 4 KiB of a counter pattern, then a digest of the ciphertext by XOR folding.
    static uint8_t buffer[4096];
    for (int i = 0; i < 4096; ++i) buffer[i] = (uint8_t)(i * 7 + (i >> 8));
    uint8_t iv[16] = {0}, fold[16] = {0};
    for (int off = 0; off < 4096; off += 16) {
        for (int i = 0; i < 16; ++i) buffer[off + i] ^= iv[i];
        aes128_encrypt(rk, buffer + off, iv);
        memcpy(buffer + off, iv, 16);
        for (int i = 0; i < 16; ++i) fold[i] ^= iv[i];
    }
    print_hex("aes128-cbc 4KiB last block", iv, 16);
    print_hex("aes128-cbc 4KiB xor of blocks", fold, 16);
}

// ---- SHA-256 and SHA-1 (FIPS 180-4) ------------------------------------------

static const uint32_t kSha256K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

// The message words of one 64-byte block (big-endian).
static void block_words(const uint8_t* p, uint32_t m[16]) {
    for (int i = 0; i < 16; ++i)
        m[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
}

static void sha256_block(uint32_t state[8], const uint8_t* p) {
    uint32_t m[16];
    block_words(p, m);
    words w[4] = {load_words(m), load_words(m + 4), load_words(m + 8), load_words(m + 12)};
    const words abcd0 = load_words(state), efgh0 = load_words(state + 4);
    words abcd = abcd0, efgh = efgh0;
    for (int i = 0; i < 16; ++i) {
        const words wk = add_words(w[i % 4], load_words(kSha256K + 4 * i));
        const words old_abcd = abcd;
        abcd = sha256h(abcd, efgh, wk);
        efgh = sha256h2(efgh, old_abcd, wk);
        if (i < 12) w[i % 4] = sha256su1(sha256su0(w[i % 4], w[(i + 1) % 4]), w[(i + 2) % 4], w[(i + 3) % 4]);
    }
    store_words(state, add_words(abcd, abcd0));
    store_words(state + 4, add_words(efgh, efgh0));
}

static void sha1_block(uint32_t state[5], const uint8_t* p) {
    static const uint32_t kK[4] = {0x5a827999, 0x6ed9eba1, 0x8f1bbcdc, 0xca62c1d6};
    uint32_t m[16];
    block_words(p, m);
    words w[4] = {load_words(m), load_words(m + 4), load_words(m + 8), load_words(m + 12)};
    const words abcd0 = load_words(state);
    words abcd = abcd0;
    uint32_t e = state[4];
    for (int i = 0; i < 20; ++i) {
        const uint32_t k[4] = {kK[i / 5], kK[i / 5], kK[i / 5], kK[i / 5]};
        const words wk = add_words(w[i % 4], load_words(k));
        const uint32_t next_e = sha1h(lane0(abcd));
        abcd = i < 5 ? sha1c(abcd, e, wk) : (i < 10 || i >= 15) ? sha1p(abcd, e, wk) : sha1m(abcd, e, wk);
        e = next_e;
        if (i < 16) w[i % 4] = sha1su1(sha1su0(w[i % 4], w[(i + 1) % 4], w[(i + 2) % 4]), w[(i + 3) % 4]);
    }
    store_words(state, add_words(abcd, abcd0));
    state[4] += e;
}

// Merkle-Damgard padding around a block function; prints the digest.
static void digest(const char* what, void (*block_fn)(uint32_t*, const uint8_t*), uint32_t* state,
                   unsigned state_words, const uint8_t* msg, size_t len) {
    size_t done = 0;
    for (; len - done >= 64; done += 64) block_fn(state, msg + done);
    uint8_t tail[128] = {0};
    const size_t rest = len - done, tail_len = rest < 56 ? 64 : 128;
    memcpy(tail, msg + done, rest);
    tail[rest] = 0x80;
    for (int i = 0; i < 8; ++i) tail[tail_len - 1 - i] = (uint8_t)((uint64_t)len * 8 >> (8 * i));
    for (size_t off = 0; off < tail_len; off += 64) block_fn(state, tail + off);
    printf("%s: ", what);
    for (unsigned i = 0; i < state_words; ++i) printf("%08x", state[i]);
    printf("\n");
}

static void sha256(const char* what, const void* msg, size_t len) {
    uint32_t state[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    digest(what, sha256_block, state, 8, msg, len);
}
static void sha1(const char* what, const void* msg, size_t len) {
    uint32_t state[5] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0};
    digest(what, sha1_block, state, 5, msg, len);
}

static void sha_tests(void) {
    static const char kLong[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    sha256("sha256(\"abc\")", "abc", 3);
    sha256("sha256(\"\")", "", 0);
    sha256("sha256(448-bit message)", kLong, strlen(kLong));
    sha1("sha1(\"abc\")", "abc", 3);
    sha1("sha1(448-bit message)", kLong, strlen(kLong));
    static uint8_t million[1000000];
    memset(million, 'a', sizeof million);
    sha256("sha256(one million a)", million, sizeof million);
    sha1("sha1(one million a)", million, sizeof million);
}

// ---- PMULL.1Q -----------------------------------------------------------------

static void pmull_tests(void) {
    static const uint64_t kOperands[][2] = {
        {3, 3}, {~0ull, ~0ull}, {1ull << 63, 1ull << 63}, {0x87, 0xc200000000000000}, {0x123456789abcdef0, 0xfedcba9876543210},
    };
    for (unsigned i = 0; i < sizeof kOperands / sizeof kOperands[0]; ++i) {
        uint64_t r[2];
        clmul(kOperands[i][0], kOperands[i][1], r);
        printf("pmull %016llx * %016llx = %016llx%016llx\n", (unsigned long long)kOperands[i][0],
               (unsigned long long)kOperands[i][1], (unsigned long long)r[1], (unsigned long long)r[0]);
    }
    const uint64_t a[2] = {0x1111, 0xdeadbeefcafef00d}, b[2] = {0x2222, 0x0123456789abcdef};
    uint64_t r[2];
    clmul_high(a, b, r);
    printf("pmull2 = %016llx%016llx\n", (unsigned long long)r[1], (unsigned long long)r[0]);
    // Powers in GF(2^64) = GF(2)[x] / (x^64 + x^4 + x^3 + x + 1), reduced with two more products.
    uint64_t acc = 1;
    for (int i = 0; i < 1000; ++i) {
        uint64_t high[2], higher[2];
        clmul(acc, 0x9e3779b97f4a7c15ull, r);
        clmul(r[1], 0x1b, high);
        clmul(high[1], 0x1b, higher);
        acc = r[0] ^ high[0] ^ higher[0];
    }
    printf("GF(2^64) power %016llx\n", (unsigned long long)acc);
}

int main(void) {
    aes_tests();
    sha_tests();
    pmull_tests();
    return 0;
}
