// Portable C versions of the crypto instructions crypto.c uses, for its host
// build: FIPS-197 for AES, the Arm ARM's SHA1C/SHA256H/... pseudocode for SHA.
// Vectors are plain arrays in lane order.
#include <stdint.h>
#include <string.h>

typedef struct { uint8_t b[16]; } block;
typedef struct { uint32_t w[4]; } words;

static block load_block(const uint8_t* p) { block r; memcpy(r.b, p, 16); return r; }
static void store_block(uint8_t* p, block b) { memcpy(p, b.b, 16); }
static block xor_block(block a, block b) {
    for (int i = 0; i < 16; ++i) a.b[i] ^= b.b[i];
    return a;
}

static uint8_t gf_mul(uint8_t x, uint8_t y) {
    uint8_t p = 0;
    for (; y; y >>= 1) {
        if (y & 1) p ^= x;
        x = (uint8_t)((x << 1) ^ ((x & 0x80) ? 0x1b : 0));
    }
    return p;
}
static uint8_t rotl8(uint8_t x, int n) { return (uint8_t)((x << n) | (x >> (8 - n))); }
static uint8_t sbox[256], inv_sbox[256];
static void make_sboxes(void) {
    for (int x = 0; x < 256; ++x) {
        uint8_t inv = 0;
        for (int y = 1; y < 256 && x; ++y)
            if (gf_mul((uint8_t)x, (uint8_t)y) == 1) inv = (uint8_t)y;
        const uint8_t s = inv ^ rotl8(inv, 1) ^ rotl8(inv, 2) ^ rotl8(inv, 3) ^ rotl8(inv, 4) ^ 0x63;
        sbox[x] = s;
        inv_sbox[s] = (uint8_t)x;
    }
}
// AddRoundKey, then (Inv)ShiftRows and (Inv)SubBytes; byte r + 4c is row r, column c.
static block aes_round(block s, block k, int inverse) {
    if (!sbox[0]) make_sboxes();
    s = xor_block(s, k);
    block r;
    for (int c = 0; c < 4; ++c)
        for (int row = 0; row < 4; ++row) {
            const int from = inverse ? (c + 4 - row) % 4 : (c + row) % 4;
            r.b[row + 4 * c] = (inverse ? inv_sbox : sbox)[s.b[row + 4 * from]];
        }
    return r;
}
static block mix_columns(block s, const uint8_t row0[4]) {
    block r;
    memset(&r, 0, sizeof r);
    for (int c = 0; c < 4; ++c)
        for (int row = 0; row < 4; ++row)
            for (int j = 0; j < 4; ++j) r.b[row + 4 * c] ^= gf_mul(row0[(j + 4 - row) % 4], s.b[j + 4 * c]);
    return r;
}
static block aese(block s, block k) { return aes_round(s, k, 0); }
static block aesd(block s, block k) { return aes_round(s, k, 1); }
static block aesmc(block s) { static const uint8_t m[4] = {2, 3, 1, 1}; return mix_columns(s, m); }
static block aesimc(block s) { static const uint8_t m[4] = {14, 11, 13, 9}; return mix_columns(s, m); }

static words load_words(const uint32_t* p) { words r; memcpy(r.w, p, 16); return r; }
static void store_words(uint32_t* p, words w) { memcpy(p, w.w, 16); }
static words add_words(words a, words b) {
    for (int i = 0; i < 4; ++i) a.w[i] += b.w[i];
    return a;
}
static uint32_t lane0(words w) { return w.w[0]; }
static uint32_t rol(uint32_t x, int n) { return (x << n) | (x >> (32 - n)); }
static uint32_t ror(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }
static uint32_t choose(uint32_t x, uint32_t y, uint32_t z) { return ((y ^ z) & x) ^ z; }
static uint32_t parity(uint32_t x, uint32_t y, uint32_t z) { return x ^ y ^ z; }
static uint32_t majority(uint32_t x, uint32_t y, uint32_t z) { return (x & y) | ((x | y) & z); }

static words sha256_hash(words x, words y, words wk, int part1) {
    for (int e = 0; e < 4; ++e) {
        const uint32_t t = y.w[3] + (ror(y.w[0], 6) ^ ror(y.w[0], 11) ^ ror(y.w[0], 25)) +
                           choose(y.w[0], y.w[1], y.w[2]) + wk.w[e];
        x.w[3] += t;
        y.w[3] = t + (ror(x.w[0], 2) ^ ror(x.w[0], 13) ^ ror(x.w[0], 22)) + majority(x.w[0], x.w[1], x.w[2]);
        const words ox = x, oy = y;  // <Y, X> = ROL(Y : X, 32)
        x = (words){{oy.w[3], ox.w[0], ox.w[1], ox.w[2]}};
        y = (words){{ox.w[3], oy.w[0], oy.w[1], oy.w[2]}};
    }
    return part1 ? x : y;
}
static words sha256h(words abcd, words efgh, words wk) { return sha256_hash(abcd, efgh, wk, 1); }
static words sha256h2(words efgh, words abcd, words wk) { return sha256_hash(abcd, efgh, wk, 0); }
static words sha256su0(words w0, words w4) {
    const uint32_t t[4] = {w0.w[1], w0.w[2], w0.w[3], w4.w[0]};
    for (int e = 0; e < 4; ++e) w0.w[e] += ror(t[e], 7) ^ ror(t[e], 18) ^ (t[e] >> 3);
    return w0;
}
static words sha256su1(words w0, words w8, words w12) {
    const uint32_t t0[4] = {w8.w[1], w8.w[2], w8.w[3], w12.w[0]};
    words r;
    for (int e = 0; e < 4; ++e) {
        const uint32_t x = e < 2 ? w12.w[e + 2] : r.w[e - 2];
        r.w[e] = (ror(x, 17) ^ ror(x, 19) ^ (x >> 10)) + w0.w[e] + t0[e];
    }
    return r;
}
static words sha1_hash(words x, uint32_t y, words wk, uint32_t (*f)(uint32_t, uint32_t, uint32_t)) {
    for (int e = 0; e < 4; ++e) {
        y += rol(x.w[0], 5) + f(x.w[1], x.w[2], x.w[3]) + wk.w[e];
        x.w[1] = rol(x.w[1], 30);
        const uint32_t top = x.w[3];
        x = (words){{y, x.w[0], x.w[1], x.w[2]}};
        y = top;
    }
    return x;
}
static words sha1c(words abcd, uint32_t e, words wk) { return sha1_hash(abcd, e, wk, choose); }
static words sha1p(words abcd, uint32_t e, words wk) { return sha1_hash(abcd, e, wk, parity); }
static words sha1m(words abcd, uint32_t e, words wk) { return sha1_hash(abcd, e, wk, majority); }
static uint32_t sha1h(uint32_t a) { return rol(a, 30); }
static words sha1su0(words w0, words w4, words w8) {
    const words t = {{w0.w[2], w0.w[3], w4.w[0], w4.w[1]}};
    for (int e = 0; e < 4; ++e) w0.w[e] ^= t.w[e] ^ w8.w[e];
    return w0;
}
static words sha1su1(words tw, words w12) {
    const uint32_t t[4] = {tw.w[0] ^ w12.w[1], tw.w[1] ^ w12.w[2], tw.w[2] ^ w12.w[3], tw.w[3]};
    return (words){{rol(t[0], 1), rol(t[1], 1), rol(t[2], 1), rol(t[3], 1) ^ rol(t[0], 2)}};
}

static void clmul(uint64_t a, uint64_t b, uint64_t r[2]) {
    r[0] = r[1] = 0;
    for (int i = 0; i < 64; ++i)
        if ((a >> i) & 1) {
            r[0] ^= b << i;
            if (i) r[1] ^= b >> (64 - i);
        }
}
static void clmul_high(const uint64_t a[2], const uint64_t b[2], uint64_t r[2]) { clmul(a[1], b[1], r); }
