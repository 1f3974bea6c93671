// Crypto-extension workload for tests and benchmarks: AES-128 in counter
// mode over a 64 KiB buffer with the ACLE intrinsics (AESE, AESMC), and a
// carry-less multiply-accumulate over the ciphertext (PMULL 64x64, as GHASH
// does, without the reduction). `aes_loop N` runs N passes and prints
// checksums. Built for x86-64, the same computation runs on AES-NI and
// PCLMULQDQ (x86 splits the AES rounds differently: AddRoundKey comes last
// in aesenc, first in AESE). The key schedule is portable C on both.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __aarch64__
#pragma GCC target("+crypto")
#include <arm_neon.h>
#else
#include <smmintrin.h>
#include <wmmintrin.h>
#endif

#define BLOCKS 4096

static uint8_t buffer[BLOCKS * 16];

static const uint8_t kSbox[256] = {
    0x63, 0x7c, 0x77, 0x7b, 0xf2, 0x6b, 0x6f, 0xc5, 0x30, 0x01, 0x67, 0x2b, 0xfe, 0xd7, 0xab, 0x76, 0xca, 0x82, 0xc9,
    0x7d, 0xfa, 0x59, 0x47, 0xf0, 0xad, 0xd4, 0xa2, 0xaf, 0x9c, 0xa4, 0x72, 0xc0, 0xb7, 0xfd, 0x93, 0x26, 0x36, 0x3f,
    0xf7, 0xcc, 0x34, 0xa5, 0xe5, 0xf1, 0x71, 0xd8, 0x31, 0x15, 0x04, 0xc7, 0x23, 0xc3, 0x18, 0x96, 0x05, 0x9a, 0x07,
    0x12, 0x80, 0xe2, 0xeb, 0x27, 0xb2, 0x75, 0x09, 0x83, 0x2c, 0x1a, 0x1b, 0x6e, 0x5a, 0xa0, 0x52, 0x3b, 0xd6, 0xb3,
    0x29, 0xe3, 0x2f, 0x84, 0x53, 0xd1, 0x00, 0xed, 0x20, 0xfc, 0xb1, 0x5b, 0x6a, 0xcb, 0xbe, 0x39, 0x4a, 0x4c, 0x58,
    0xcf, 0xd0, 0xef, 0xaa, 0xfb, 0x43, 0x4d, 0x33, 0x85, 0x45, 0xf9, 0x02, 0x7f, 0x50, 0x3c, 0x9f, 0xa8, 0x51, 0xa3,
    0x40, 0x8f, 0x92, 0x9d, 0x38, 0xf5, 0xbc, 0xb6, 0xda, 0x21, 0x10, 0xff, 0xf3, 0xd2, 0xcd, 0x0c, 0x13, 0xec, 0x5f,
    0x97, 0x44, 0x17, 0xc4, 0xa7, 0x7e, 0x3d, 0x64, 0x5d, 0x19, 0x73, 0x60, 0x81, 0x4f, 0xdc, 0x22, 0x2a, 0x90, 0x88,
    0x46, 0xee, 0xb8, 0x14, 0xde, 0x5e, 0x0b, 0xdb, 0xe0, 0x32, 0x3a, 0x0a, 0x49, 0x06, 0x24, 0x5c, 0xc2, 0xd3, 0xac,
    0x62, 0x91, 0x95, 0xe4, 0x79, 0xe7, 0xc8, 0x37, 0x6d, 0x8d, 0xd5, 0x4e, 0xa9, 0x6c, 0x56, 0xf4, 0xea, 0x65, 0x7a,
    0xae, 0x08, 0xba, 0x78, 0x25, 0x2e, 0x1c, 0xa6, 0xb4, 0xc6, 0xe8, 0xdd, 0x74, 0x1f, 0x4b, 0xbd, 0x8b, 0x8a, 0x70,
    0x3e, 0xb5, 0x66, 0x48, 0x03, 0xf6, 0x0e, 0x61, 0x35, 0x57, 0xb9, 0x86, 0xc1, 0x1d, 0x9e, 0xe1, 0xf8, 0x98, 0x11,
    0x69, 0xd9, 0x8e, 0x94, 0x9b, 0x1e, 0x87, 0xe9, 0xce, 0x55, 0x28, 0xdf, 0x8c, 0xa1, 0x89, 0x0d, 0xbf, 0xe6, 0x42,
    0x68, 0x41, 0x99, 0x2d, 0x0f, 0xb0, 0x54, 0xbb, 0x16};

// FIPS-197 key expansion for AES-128: 11 round keys of 16 bytes.
static void expand_key(const uint8_t key[16], uint8_t round_keys[11][16]) {
    static const uint8_t kRcon[10] = {0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0x1b, 0x36};
    memcpy(round_keys[0], key, 16);
    for (int r = 1; r <= 10; r++) {
        const uint8_t *prev = round_keys[r - 1];
        uint8_t *next = round_keys[r];
        const uint8_t t[4] = {(uint8_t)(kSbox[prev[13]] ^ kRcon[r - 1]), kSbox[prev[14]], kSbox[prev[15]], kSbox[prev[12]]};
        for (int i = 0; i < 4; i++) next[i] = prev[i] ^ t[i];
        for (int i = 4; i < 16; i++) next[i] = prev[i] ^ next[i - 4];
    }
}

struct sums {
    uint64_t xor_lo, xor_hi, mac_lo, mac_hi;
};

#ifdef __aarch64__
static struct sums encrypt_pass(const uint8_t round_keys[11][16], uint64_t counter, uint64_t hash_key) {
    uint8x16_t rk[11];
    for (int i = 0; i < 11; i++) rk[i] = vld1q_u8(round_keys[i]);
    uint64x2_t acc = vdupq_n_u64(0), mac = vdupq_n_u64(0);
    for (int i = 0; i < BLOCKS; i++) {
        uint8x16_t b = vreinterpretq_u8_u64(vcombine_u64(vcreate_u64(counter + (uint64_t)i), vcreate_u64(counter)));
        for (int r = 0; r < 9; r++) b = vaesmcq_u8(vaeseq_u8(b, rk[r]));
        b = veorq_u8(vaeseq_u8(b, rk[9]), rk[10]);
        b = veorq_u8(b, vld1q_u8(buffer + 16 * i));
        vst1q_u8(buffer + 16 * i, b);
        const uint64x2_t c = vreinterpretq_u64_u8(b);
        acc = veorq_u64(acc, c);
        const poly128_t product = vmull_p64(vgetq_lane_u64(c, 0) ^ vgetq_lane_u64(mac, 1), hash_key);
        mac = veorq_u64(vreinterpretq_u64_p128(product), vdupq_n_u64(vgetq_lane_u64(c, 1)));
    }
    return (struct sums){vgetq_lane_u64(acc, 0), vgetq_lane_u64(acc, 1), vgetq_lane_u64(mac, 0), vgetq_lane_u64(mac, 1)};
}
#else
__attribute__((target("aes,pclmul,sse4.1"))) static struct sums encrypt_pass(const uint8_t round_keys[11][16],
                                                                              uint64_t counter, uint64_t hash_key) {
    __m128i rk[11];
    for (int i = 0; i < 11; i++) rk[i] = _mm_loadu_si128((const __m128i *)round_keys[i]);
    __m128i acc = _mm_setzero_si128(), mac = _mm_setzero_si128();
    for (int i = 0; i < BLOCKS; i++) {
        __m128i b = _mm_set_epi64x((long long)counter, (long long)(counter + (uint64_t)i));
        b = _mm_xor_si128(b, rk[0]);
        for (int r = 1; r < 10; r++) b = _mm_aesenc_si128(b, rk[r]);
        b = _mm_aesenclast_si128(b, rk[10]);
        b = _mm_xor_si128(b, _mm_loadu_si128((const __m128i *)(buffer + 16 * i)));
        _mm_storeu_si128((__m128i *)(buffer + 16 * i), b);
        acc = _mm_xor_si128(acc, b);
        const uint64_t lo = (uint64_t)_mm_extract_epi64(b, 0) ^ (uint64_t)_mm_extract_epi64(mac, 1);
        const __m128i product = _mm_clmulepi64_si128(_mm_set_epi64x(0, (long long)lo), _mm_set_epi64x(0, (long long)hash_key), 0x00);
        mac = _mm_xor_si128(product, _mm_set1_epi64x(_mm_extract_epi64(b, 1)));
    }
    return (struct sums){(uint64_t)_mm_extract_epi64(acc, 0), (uint64_t)_mm_extract_epi64(acc, 1),
                         (uint64_t)_mm_extract_epi64(mac, 0), (uint64_t)_mm_extract_epi64(mac, 1)};
}
#endif

int main(int argc, char **argv) {
    long passes = argc > 1 ? atol(argv[1]) : 4;
    uint8_t key[16], round_keys[11][16];
    for (int i = 0; i < 16; i++) key[i] = (uint8_t)(i * 17 + 3);
    expand_key(key, round_keys);
    for (size_t i = 0; i < sizeof buffer; i++) buffer[i] = (uint8_t)(i * 31 + (i >> 8));
    struct sums total = {0, 0, 0, 0};
    for (long pass = 0; pass < passes; pass++) {
        const struct sums s = encrypt_pass(round_keys, (uint64_t)pass << 32, 0x87ull + (uint64_t)pass * 0x9e3779b97f4a7c15ull);
        if (pass < 4)
            printf("pass %ld: %016llx%016llx mac %016llx%016llx\n", pass, (unsigned long long)s.xor_hi,
                   (unsigned long long)s.xor_lo, (unsigned long long)s.mac_hi, (unsigned long long)s.mac_lo);
        total.xor_lo ^= s.xor_lo;
        total.xor_hi ^= s.xor_hi;
        total.mac_lo += s.mac_lo;
        total.mac_hi += s.mac_hi;
    }
    printf("total %016llx%016llx %016llx%016llx\n", (unsigned long long)total.xor_hi, (unsigned long long)total.xor_lo,
           (unsigned long long)total.mac_hi, (unsigned long long)total.mac_lo);
    return 0;
}
