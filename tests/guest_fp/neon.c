// NEON intrinsics (arm_neon.h), integer and FP: arithmetic, saturating,
// table lookups, structure loads and stores, widening and narrowing,
// reductions, estimates. Every vector is printed; the integer results are also
// checked against plain C computations of the same lanes.
#include <arm_neon.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int failures;

static void print_u8(const char* what, uint8x16_t v) {
    uint8_t b[16];
    vst1q_u8(b, v);
    printf("%s:", what);
    for (int i = 0; i < 16; ++i) printf(" %02x", b[i]);
    printf("\n");
}
static void print_f32(const char* what, float32x4_t v) {
    float f[4];
    vst1q_f32(f, v);
    printf("%s: %a %a %a %a\n", what, f[0], f[1], f[2], f[3]);
}
static void print_f64(const char* what, float64x2_t v) {
    double d[2];
    vst1q_f64(d, v);
    printf("%s: %a %a\n", what, d[0], d[1]);
}
static void check(const char* what, const void* got, const void* want, size_t n) {
    if (memcmp(got, want, n) != 0) {
        printf("MISMATCH %s\n", what);
        ++failures;
    }
}

// Deterministic test data.
static uint8_t data[256];
static void fill(void) {
    uint32_t x = 12345;
    for (int i = 0; i < 256; ++i) {
        x = x * 1103515245 + 12345;
        data[i] = (uint8_t)(x >> 16);
    }
    data[0] = 0x7f, data[1] = 0x80, data[2] = 0xff, data[3] = 0x00;  // saturation edges
}

static void integer_arithmetic(void) {
    const int8x16_t a = vld1q_s8((const int8_t*)data), b = vld1q_s8((const int8_t*)data + 16);
    int8_t x[16], y[16], sat[16], usat[16], want[16], uwant[16];
    vst1q_s8(x, a);
    vst1q_s8(y, b);
    vst1q_s8(sat, vqaddq_s8(a, b));
    vst1q_u8((uint8_t*)usat, vqsubq_u8(vreinterpretq_u8_s8(a), vreinterpretq_u8_s8(b)));
    for (int i = 0; i < 16; ++i) {
        const int s = x[i] + y[i];
        want[i] = (int8_t)(s > 127 ? 127 : s < -128 ? -128 : s);
        const int d = (uint8_t)x[i] - (uint8_t)y[i];
        uwant[i] = (int8_t)(d < 0 ? 0 : d);
    }
    check("vqaddq_s8", sat, want, 16);
    check("vqsubq_u8", usat, uwant, 16);
    print_u8("vqaddq_s8", vreinterpretq_u8_s8(vqaddq_s8(a, b)));
    print_u8("vqsubq_u8", vqsubq_u8(vreinterpretq_u8_s8(a), vreinterpretq_u8_s8(b)));
    print_u8("vaddq_s8", vreinterpretq_u8_s8(vaddq_s8(a, b)));
    print_u8("vmulq_s8", vreinterpretq_u8_s8(vmulq_s8(a, b)));
    print_u8("vabdq_u8", vabdq_u8(vreinterpretq_u8_s8(a), vreinterpretq_u8_s8(b)));
    print_u8("vhaddq_u8", vhaddq_u8(vreinterpretq_u8_s8(a), vreinterpretq_u8_s8(b)));
    print_u8("vrhaddq_u8", vrhaddq_u8(vreinterpretq_u8_s8(a), vreinterpretq_u8_s8(b)));
    print_u8("vcgtq_s8", vcgtq_s8(a, b));
    print_u8("vbslq_u8", vbslq_u8(vcgtq_s8(a, b), vreinterpretq_u8_s8(a), vreinterpretq_u8_s8(b)));
    print_u8("vshlq_n_u8", vshlq_n_u8(vreinterpretq_u8_s8(a), 3));
    print_u8("vrshrq_n_s8", vreinterpretq_u8_s8(vrshrq_n_s8(a, 2)));
    print_u8("vqshlq_n_s8", vreinterpretq_u8_s8(vqshlq_n_s8(a, 2)));
    print_u8("vcntq_u8", vcntq_u8(vreinterpretq_u8_s8(a)));
    print_u8("vclzq_u8", vclzq_u8(vreinterpretq_u8_s8(a)));
    print_u8("vrev64q_u8", vrev64q_u8(vreinterpretq_u8_s8(a)));
    print_u8("vextq_u8", vextq_u8(vreinterpretq_u8_s8(a), vreinterpretq_u8_s8(b), 5));
    print_u8("vzip1q_u8", vzip1q_u8(vreinterpretq_u8_s8(a), vreinterpretq_u8_s8(b)));
    print_u8("vuzp2q_u8", vuzp2q_u8(vreinterpretq_u8_s8(a), vreinterpretq_u8_s8(b)));
    print_u8("vtrn1q_u8", vtrn1q_u8(vreinterpretq_u8_s8(a), vreinterpretq_u8_s8(b)));

    const int16x8_t h = vld1q_s16((const int16_t*)data), g = vld1q_s16((const int16_t*)data + 8);
    print_u8("vqdmulhq_s16", vreinterpretq_u8_s16(vqdmulhq_s16(h, g)));
    print_u8("vqrdmulhq_s16", vreinterpretq_u8_s16(vqrdmulhq_s16(h, g)));
    print_u8("vmlaq_n_s16", vreinterpretq_u8_s16(vmlaq_n_s16(h, g, 7)));
    print_u8("vmulq_lane_s16", vreinterpretq_u8_s16(vmulq_lane_s16(h, vget_low_s16(g), 3)));
    const int32x4_t w = vld1q_s32((const int32_t*)data), v = vld1q_s32((const int32_t*)data + 4);
    print_u8("vqsubq_s32", vreinterpretq_u8_s32(vqsubq_s32(w, v)));
    print_u8("vshlq_s32", vreinterpretq_u8_s32(vshlq_s32(w, vdupq_n_s32(-3))));
    print_u8("vmulq_s32", vreinterpretq_u8_s32(vmulq_s32(w, v)));
    print_u8("vaddq_u64", vreinterpretq_u8_u64(vaddq_u64(vreinterpretq_u64_s32(w), vreinterpretq_u64_s32(v))));
}

static void widening_and_narrowing(void) {
    const uint8x16_t a = vld1q_u8(data + 32), b = vld1q_u8(data + 48);
    print_u8("vmovl_u8", vreinterpretq_u8_u16(vmovl_u8(vget_low_u8(a))));
    print_u8("vmovl_high_s8", vreinterpretq_u8_s16(vmovl_high_s8(vreinterpretq_s8_u8(a))));
    print_u8("vaddl_u8", vreinterpretq_u8_u16(vaddl_u8(vget_low_u8(a), vget_low_u8(b))));
    print_u8("vmull_u8", vreinterpretq_u8_u16(vmull_u8(vget_low_u8(a), vget_low_u8(b))));
    print_u8("vmull_high_s16", vreinterpretq_u8_s32(vmull_high_s16(vreinterpretq_s16_u8(a), vreinterpretq_s16_u8(b))));
    print_u8("vsubw_u8", vreinterpretq_u8_u16(vsubw_u8(vreinterpretq_u16_u8(a), vget_high_u8(b))));
    print_u8("vpaddlq_u8", vreinterpretq_u8_u16(vpaddlq_u8(a)));
    const int32x4_t wide = vld1q_s32((const int32_t*)(data + 64));
    int16_t narrowed[4], want[4];
    int32_t lanes[4];
    vst1_s16(narrowed, vqmovn_s32(wide));
    vst1q_s32(lanes, wide);
    for (int i = 0; i < 4; ++i) want[i] = (int16_t)(lanes[i] > 32767 ? 32767 : lanes[i] < -32768 ? -32768 : lanes[i]);
    check("vqmovn_s32", narrowed, want, sizeof want);
    print_u8("vqmovn_s32", vreinterpretq_u8_s16(vcombine_s16(vqmovn_s32(wide), vmovn_s32(wide))));
    print_u8("vqmovun_s16", vcombine_u8(vqmovun_s16(vreinterpretq_s16_u8(a)), vqmovn_u16(vreinterpretq_u16_u8(b))));
    print_u8("vshrn_n_u16", vcombine_u8(vshrn_n_u16(vreinterpretq_u16_u8(a), 5), vrshrn_n_u16(vreinterpretq_u16_u8(b), 3)));
    print_u8("vqrshrn_n_s32", vreinterpretq_u8_s16(vcombine_s16(vqrshrn_n_s32(wide, 7), vqshrn_n_s32(wide, 12))));
    print_u8("vaddhn_u16", vcombine_u8(vaddhn_u16(vreinterpretq_u16_u8(a), vreinterpretq_u16_u8(b)),
                                       vsubhn_u16(vreinterpretq_u16_u8(a), vreinterpretq_u16_u8(b))));
}

static void table_lookups(void) {
    const uint8x16_t table = vld1q_u8(data + 80);
    const uint8x16_t indices = vandq_u8(vld1q_u8(data + 96), vdupq_n_u8(0x1f));  // some out of range
    uint8_t got[16], want[16], idx[16], tab[16];
    vst1q_u8(got, vqtbl1q_u8(table, indices));
    vst1q_u8(idx, indices);
    vst1q_u8(tab, table);
    for (int i = 0; i < 16; ++i) want[i] = idx[i] < 16 ? tab[idx[i]] : 0;
    check("vqtbl1q_u8", got, want, 16);
    print_u8("vqtbl1q_u8", vqtbl1q_u8(table, indices));
    print_u8("vqtbx1q_u8", vqtbx1q_u8(vdupq_n_u8(0xaa), table, indices));
    const uint8x16x2_t table2 = {{table, vld1q_u8(data + 112)}};
    print_u8("vqtbl2q_u8", vqtbl2q_u8(table2, vandq_u8(vld1q_u8(data + 128), vdupq_n_u8(0x3f))));
    const uint8x16x4_t table4 = {{table, vld1q_u8(data + 112), vld1q_u8(data + 128), vld1q_u8(data + 144)}};
    print_u8("vqtbl4q_u8", vqtbl4q_u8(table4, vld1q_u8(data + 160)));
}

static void structure_loads(void) {
    const uint8x16x2_t two = vld2q_u8(data);
    const uint8x16x3_t three = vld3q_u8(data);
    const uint8x16x4_t four = vld4q_u8(data);
    uint8_t want[16];
    for (int i = 0; i < 16; ++i) want[i] = data[3 * i + 1];
    uint8_t got[16];
    vst1q_u8(got, three.val[1]);
    check("vld3q_u8", got, want, 16);
    print_u8("vld2q_u8.0", two.val[0]);
    print_u8("vld2q_u8.1", two.val[1]);
    print_u8("vld3q_u8.2", three.val[2]);
    print_u8("vld4q_u8.3", four.val[3]);
    const uint16x8x4_t four16 = vld4q_u16((const uint16_t*)data);
    print_u8("vld4q_u16.1", vreinterpretq_u8_u16(four16.val[1]));
    const uint32x4x3_t three32 = vld3q_u32((const uint32_t*)data);
    print_u8("vld3q_u32.0", vreinterpretq_u8_u32(three32.val[0]));
    print_u8("vld1q_dup_u32", vreinterpretq_u8_u32(vld1q_dup_u32((const uint32_t*)(data + 4))));
    const uint16x8x2_t pair = {{four16.val[0], four16.val[2]}};
    print_u8("vld2q_lane_u16", vreinterpretq_u8_u16(vld2q_lane_u16((const uint16_t*)(data + 200), pair, 5).val[1]));
    uint8_t out[64];
    vst4q_u8(out, four);
    check("vst4q_u8", out, data, 64);
    vst3q_u8(out, three);
    check("vst3q_u8", out, data, 48);
    uint8x16x2_t swapped = {{two.val[1], two.val[0]}};
    vst2q_u8(out, swapped);
    print_u8("vst2q_u8 swapped", vld1q_u8(out));
}

static void reductions(void) {
    const uint8x16_t a = vld1q_u8(data + 176);
    uint8_t b[16];
    vst1q_u8(b, a);
    unsigned sum = 0, max = 0, min = 255;
    for (int i = 0; i < 16; ++i) {
        sum += b[i];
        max = b[i] > max ? b[i] : max;
        min = b[i] < min ? b[i] : min;
    }
    const unsigned got[3] = {vaddlvq_u8(a), vmaxvq_u8(a), vminvq_u8(a)}, want[3] = {sum, max, min};
    check("reductions", got, want, sizeof got);
    printf("vaddvq_u8 %u vaddlvq_u8 %u vmaxvq_u8 %u vminvq_u8 %u\n", vaddvq_u8(a), vaddlvq_u8(a), vmaxvq_u8(a),
           vminvq_u8(a));
    const int16x8_t s = vreinterpretq_s16_u8(a);
    printf("vaddvq_s16 %d vmaxvq_s16 %d vminvq_s16 %d vaddlvq_s16 %d\n", vaddvq_s16(s), vmaxvq_s16(s), vminvq_s16(s),
           vaddlvq_s16(s));
    const uint32x4_t w = vreinterpretq_u32_u8(a);
    printf("vaddvq_u32 %u vmaxvq_u32 %u vaddvq_u64 %llu\n", vaddvq_u32(w), vmaxvq_u32(w),
           (unsigned long long)vaddvq_u64(vreinterpretq_u64_u8(a)));
    print_u8("vpaddq_u8", vpaddq_u8(a, vld1q_u8(data)));
    print_u8("vpmaxq_s8", vreinterpretq_u8_s8(vpmaxq_s8(vreinterpretq_s8_u8(a), vld1q_s8((const int8_t*)data))));
}

static void floating_point(void) {
    const float32x4_t a = {1.5f, -2.25f, 3.0e38f, 1.0e-40f}, b = {0.1f, 4.0f, 10.0f, -0.0f};
    print_f32("vaddq_f32", vaddq_f32(a, b));
    print_f32("vmulq_f32", vmulq_f32(a, b));
    print_f32("vdivq_f32", vdivq_f32(a, b));
    print_f32("vfmaq_f32", vfmaq_f32(b, a, b));
    print_f32("vfmsq_f32", vfmsq_f32(b, a, b));
    print_f32("vmaxq_f32", vmaxq_f32(a, b));
    print_f32("vminnmq_f32", vminnmq_f32(a, (float32x4_t){NAN, 1.0f, NAN, 2.0f}));
    print_f32("vabsq_f32", vabsq_f32(a));
    print_f32("vabdq_f32", vabdq_f32(a, b));
    print_f32("vsqrtq_f32", vsqrtq_f32(vabsq_f32(a)));
    print_f32("vrndnq_f32", vrndnq_f32((float32x4_t){2.5f, -2.5f, 0.5f, 1e10f}));
    print_f32("vrndmq_f32", vrndmq_f32((float32x4_t){2.5f, -2.5f, 0.5f, 1e10f}));
    print_f32("vrndaq_f32", vrndaq_f32((float32x4_t){2.5f, -2.5f, 0.5f, 1e10f}));
    print_f32("vpaddq_f32", vpaddq_f32(a, b));
    printf("vmaxvq_f32 %a vminvq_f32 %a vmaxnmvq_f32 %a\n", vmaxvq_f32(b), vminvq_f32(b), vmaxnmvq_f32(a));
    print_u8("vcgtq_f32", vreinterpretq_u8_u32(vcgtq_f32(a, b)));
    print_u8("vcleq_f32", vreinterpretq_u8_u32(vcleq_f32(a, vdupq_n_f32(0.0f))));
    print_u8("vcvtq_s32_f32", vreinterpretq_u8_s32(vcvtq_s32_f32(a)));
    print_u8("vcvtnq_u32_f32", vreinterpretq_u8_u32(vcvtnq_u32_f32(a)));
    print_f32("vcvtq_f32_s32", vcvtq_f32_s32((int32x4_t){-7, 16777217, 0x7fffffff, 3}));
    print_f32("vcvtq_n_f32_u32", vcvtq_n_f32_u32((uint32x4_t){1, 256, 0xffffffffu, 12345}, 8));

    // Reciprocal and reciprocal square root: estimates refined by Newton-Raphson steps.
    const float32x4_t x = {3.0f, 0.1f, 1e30f, -7.5f};
    float32x4_t r = vrecpeq_f32(x);
    print_f32("vrecpeq_f32", r);
    for (int i = 0; i < 2; ++i) r = vmulq_f32(r, vrecpsq_f32(x, r));
    print_f32("1/x refined", r);
    const float32x4_t y = {3.0f, 0.1f, 1e30f, 7.5f};
    float32x4_t q = vrsqrteq_f32(y);
    print_f32("vrsqrteq_f32", q);
    for (int i = 0; i < 2; ++i) q = vmulq_f32(q, vrsqrtsq_f32(vmulq_f32(y, q), q));
    print_f32("1/sqrt(x) refined", q);
    print_u8("vrecpeq_u32", vreinterpretq_u8_u32(vrecpeq_u32((uint32x4_t){0x80000000u, 0x9abcdef0u, 0x12345678u, ~0u})));
    print_u8("vrsqrteq_u32", vreinterpretq_u8_u32(vrsqrteq_u32((uint32x4_t){0x40000000u, 0x9abcdef0u, 0x12345678u, ~0u})));
    printf("vrecpxs_f32 %a vrecpes_f32 %a vrsqrted_f64 %a\n", vrecpxs_f32(5.0f), vrecpes_f32(5.0f), vrsqrted_f64(5.0));

    const float64x2_t d = {1.0 / 3.0, -1e300}, e = {3.0, 1e10};
    print_f64("vmulq_f64", vmulq_f64(d, e));
    print_f64("vfmaq_f64", vfmaq_f64(d, d, e));
    print_f64("vdivq_f64", vdivq_f64(e, d));
    print_f64("vsqrtq_f64", vsqrtq_f64(vabsq_f64(d)));
    print_f64("vrecpeq_f64", vrecpeq_f64(e));
    print_f64("vcvt_f64_f32", vcvt_f64_f32(vget_low_f32(a)));
    print_f32("vcvt_f32_f64", vcombine_f32(vcvt_f32_f64(d), vcvtx_f32_f64(e)));

    // A dot product of 64 floats with four accumulators.
    float values[64];
    for (int i = 0; i < 64; ++i) values[i] = (float)(data[i] - 128) / 16.0f;
    float32x4_t acc = vdupq_n_f32(0.0f);
    for (int i = 0; i < 64; i += 4) acc = vfmaq_f32(acc, vld1q_f32(values + i), vld1q_f32(values + (60 - i)));
    printf("dot %a\n", vaddvq_f32(acc));
}

int main(void) {
    fill();
    integer_arithmetic();
    widening_and_narrowing();
    table_lookups();
    structure_loads();
    reductions();
    floating_point();
    printf("%s\n", failures ? "FAILED" : "all checks passed");
    return failures != 0;
}
