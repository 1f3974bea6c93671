// AdvSIMD workload for tests and benchmarks, written with arm_neon.h
// intrinsics: an 8-bit alpha blend of two images (widening multiply-add,
// rounding narrow), a saturating brighten, a 16-bit dot product (widening
// multiply-accumulate, across-lanes add), a byte histogram of nibbles through
// a table lookup, a population count and a maximum across lanes.
// `neon_kernel N` runs N passes over 64 KiB images and prints checksums.
// Built for another host, the same computations run in portable C (one lane
// at a time), which must print the same numbers.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#ifdef __aarch64__
#include <arm_neon.h>
#endif

#define PIXELS 65536

static uint8_t image_a[PIXELS], image_b[PIXELS], blended[PIXELS], brightened[PIXELS];
static int16_t signal_a[PIXELS], signal_b[PIXELS];

static uint32_t rng_state = 12345;
static uint32_t next_random(void) {  // xorshift32
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

// A checksum of every 61st byte (measure() sees all of them).
static uint32_t sample_checksum(const uint8_t *p, size_t n) {
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i += 61) h = (h ^ p[i]) * 16777619u;
    return h;
}

static const uint8_t kNibbleWeights[16] = {3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3};

struct results {
    uint32_t dot, weights, bits;
    uint8_t max;
};

#ifdef __aarch64__
static void blend(uint8_t alpha) {
    const uint8x8_t va = vdup_n_u8(alpha), vb = vdup_n_u8(255 - alpha);
    for (int i = 0; i < PIXELS; i += 16) {
        const uint8x16_t a = vld1q_u8(image_a + i), b = vld1q_u8(image_b + i);
        uint16x8_t lo = vmull_u8(vget_low_u8(a), va), hi = vmull_u8(vget_high_u8(a), va);
        lo = vmlal_u8(lo, vget_low_u8(b), vb);
        hi = vmlal_u8(hi, vget_high_u8(b), vb);
        vst1q_u8(blended + i, vcombine_u8(vrshrn_n_u16(lo, 8), vrshrn_n_u16(hi, 8)));
    }
}

static void brighten(uint8_t amount) {
    const uint8x16_t v = vdupq_n_u8(amount);
    for (int i = 0; i < PIXELS; i += 16) vst1q_u8(brightened + i, vqaddq_u8(vld1q_u8(blended + i), v));
}

static struct results measure(void) {
    int32x4_t dot = vdupq_n_s32(0);
    for (int i = 0; i < PIXELS; i += 8) {
        const int16x8_t a = vld1q_s16(signal_a + i), b = vld1q_s16(signal_b + i);
        dot = vmlal_s16(dot, vget_low_s16(a), vget_low_s16(b));
        dot = vmlal_high_s16(dot, a, b);
    }
    const uint8x16_t table = vld1q_u8(kNibbleWeights), low_nibble = vdupq_n_u8(15);
    uint32x4_t weights = vdupq_n_u32(0), bits = vdupq_n_u32(0);
    uint8x16_t max = vdupq_n_u8(0);
    for (int i = 0; i < PIXELS; i += 16) {
        const uint8x16_t p = vld1q_u8(brightened + i);
        const uint8x16_t w = vaddq_u8(vqtbl1q_u8(table, vandq_u8(p, low_nibble)), vqtbl1q_u8(table, vshrq_n_u8(p, 4)));
        weights = vpadalq_u16(weights, vpaddlq_u8(w));
        bits = vpadalq_u16(bits, vpaddlq_u8(vcntq_u8(p)));
        max = vmaxq_u8(max, p);
    }
    return (struct results){(uint32_t)vaddvq_s32(dot), vaddvq_u32(weights), vaddvq_u32(bits), vmaxvq_u8(max)};
}
#else
static void blend(uint8_t alpha) {
    for (int i = 0; i < PIXELS; i++) blended[i] = (uint8_t)((image_a[i] * alpha + image_b[i] * (255 - alpha) + 128) >> 8);
}

static void brighten(uint8_t amount) {
    for (int i = 0; i < PIXELS; i++) {
        const int v = blended[i] + amount;
        brightened[i] = (uint8_t)(v > 255 ? 255 : v);
    }
}

static struct results measure(void) {
    struct results r = {0, 0, 0, 0};
    for (int i = 0; i < PIXELS; i++) r.dot += (uint32_t)(signal_a[i] * signal_b[i]);
    for (int i = 0; i < PIXELS; i++) {
        const uint8_t p = brightened[i];
        r.weights += kNibbleWeights[p & 15] + kNibbleWeights[p >> 4];
        r.bits += (uint32_t)__builtin_popcount(p);
        if (p > r.max) r.max = p;
    }
    return r;
}
#endif

int main(int argc, char **argv) {
    long passes = argc > 1 ? atol(argv[1]) : 4;
    for (int i = 0; i < PIXELS; i++) {
        image_a[i] = (uint8_t)next_random();
        image_b[i] = (uint8_t)(i * 7 + (next_random() & 15));
        signal_a[i] = (int16_t)next_random();
        signal_b[i] = (int16_t)(next_random() >> 3);
    }
    uint32_t sum = 0;
    for (long pass = 0; pass < passes; pass++) {
        blend((uint8_t)(pass * 37 + 11));
        brighten((uint8_t)(pass * 13));
        const struct results r = measure();
        sum = sum * 31 + sample_checksum(brightened, PIXELS) + r.dot + r.weights + r.bits + r.max;
        signal_a[pass % PIXELS] ^= (int16_t)r.dot;
        if (pass < 4) printf("pass %ld: dot %u weights %u bits %u max %u\n", pass, r.dot, r.weights, r.bits, r.max);
    }
    printf("checksum %08x\n", sum);
    return 0;
}
