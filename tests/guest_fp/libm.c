// libm and printf of doubles: sin, cos, exp, log, pow, fma, sqrt (and a few
// more) over ordinary and special operands, every result printed exactly
// (%a) and as the shortest decimal that round-trips (%.17g). Also the float
// versions and the rounding-mode dependent functions.
// cflags: -frounding-math -lm
#include <fenv.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static const double kSpecial[] = {
    0.0, -0.0, 1.0, -1.0, 0.5, 2.0, 3.0, 10.0, 100.0, 1e300, -1e300, 1e-300, 4.9406564584124654e-324,
    2.2250738585072014e-308, 1.7976931348623157e308, 0.1, 0.7853981633974483, 1.5707963267948966,
    3.141592653589793, 6.283185307179586, 710.0, -745.1, 1e22, 123456.789, -2.5, INFINITY, -INFINITY, NAN,
};
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static void show(const char* what, double x, double r) { printf("%s(%.17g) = %a = %.17g\n", what, x, r, r); }
static void show2(const char* what, double x, double y, double r) {
    printf("%s(%.17g, %.17g) = %a = %.17g\n", what, x, y, r, r);
}

// Deterministic operands spread over many binades.
static double sample(unsigned i) {
    static unsigned long long state = 0x9e3779b97f4a7c15ull;
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    const double mantissa = (double)(state >> 11) / 9007199254740992.0;  // [0, 1)
    const int exponent = (int)(i % 40) - 20;
    return ldexp(mantissa + 0.5, exponent) * ((i & 1) ? -1 : 1);
}

int main(void) {
    for (unsigned i = 0; i < COUNT(kSpecial); ++i) {
        const double x = kSpecial[i];
        show("sin", x, sin(x));
        show("cos", x, cos(x));
        show("tan", x, tan(x));
        show("exp", x, exp(x));
        show("log", x, log(x));
        show("sqrt", x, sqrt(x));
        show("atan", x, atan(x));
        show("cbrt", x, cbrt(x));
        show("floor", x, floor(x));
        show("round", x, round(x));
        show("trunc", x, trunc(x));
        for (unsigned j = 0; j < COUNT(kSpecial); j += 3) {
            show2("pow", x, kSpecial[j], pow(x, kSpecial[j]));
            show2("atan2", x, kSpecial[j], atan2(x, kSpecial[j]));
            show2("fmod", x, kSpecial[j], fmod(x, kSpecial[j]));
            printf("fma(%a, %a, 0.1) = %a\n", x, kSpecial[j], fma(x, kSpecial[j], 0.1));
        }
    }
    double sum = 0;
    for (unsigned i = 0; i < 2000; ++i) {
        const double x = sample(i), y = sample(i + 7);
        const double r[] = {sin(x), cos(x), exp(x / 8), log(fabs(x)), pow(fabs(x), y / 16), fma(x, y, x), sqrt(fabs(x)),
                            hypot(x, y), expm1(x / 8), log1p(fabs(x))};
        for (unsigned k = 0; k < COUNT(r); ++k) sum += r[k];
        if (i % 50 == 0)
            for (unsigned k = 0; k < COUNT(r); ++k) printf("sample %u.%u: %a\n", i, k, r[k]);
    }
    printf("sum = %.17g\n", sum);

    // Single precision.
    for (unsigned i = 0; i < COUNT(kSpecial); ++i) {
        const float x = (float)kSpecial[i];
        printf("f(%a): sinf %a cosf %a expf %a logf %a sqrtf %a powf %a fmaf %a\n", x, sinf(x), cosf(x), expf(x),
               logf(x), sqrtf(x), powf(x, 1.5f), fmaf(x, 3.0f, -1.0f));
    }

    // Rounding modes: rint, nearbyint, lrint and arithmetic follow fesetround.
    static const int kModes[] = {FE_TONEAREST, FE_UPWARD, FE_DOWNWARD, FE_TOWARDZERO};
    static const char* const kModeNames[] = {"nearest", "upward", "downward", "towardzero"};
    for (unsigned m = 0; m < 4; ++m) {
        fesetround(kModes[m]);
        volatile double one = 1.0, three = 3.0, x = 2.5, y = -3.5, half = 0.5;  // not folded at compile time
        printf("%s: 1/3 = %a, rint(2.5) = %a, rint(-2.5) = %a, lrint(-3.5) = %ld, nearbyint(0.5) = %a\n",
               kModeNames[m], one / three, rint(x), rint(-x), lrint(y), nearbyint(half));
    }
    fesetround(FE_TONEAREST);

    // Exceptions as fetestexcept sees them (FPSR on AArch64).
    feclearexcept(FE_ALL_EXCEPT);
    volatile double zero = 0.0, big = 1e308, tiny = 1e-308;
    volatile double r1 = 1.0 / zero;
    printf("1/0 = %g divbyzero %d\n", r1, fetestexcept(FE_DIVBYZERO) != 0);
    feclearexcept(FE_ALL_EXCEPT);
    volatile double r2 = big * 10;
    printf("1e308*10 = %g overflow %d inexact %d\n", r2, fetestexcept(FE_OVERFLOW) != 0,
           fetestexcept(FE_INEXACT) != 0);
    feclearexcept(FE_ALL_EXCEPT);
    volatile double r3 = tiny / 1e10;
    printf("1e-308/1e10 = %a underflow %d\n", r3, fetestexcept(FE_UNDERFLOW) != 0);
    feclearexcept(FE_ALL_EXCEPT);
    volatile double r4 = sqrt(-big);
    printf("sqrt(-1e308) is nan %d invalid %d\n", isnan(r4), fetestexcept(FE_INVALID) != 0);

    // Decimal conversions both ways.
    static const char* const kDecimals[] = {"0.1", "1e23", "2.2250738585072011e-308", "4.9e-324", "1.7976931348623158e308",
                                            "123456789012345678901234567890", "0x1.fffffffffffffp-1", "-0.0"};
    for (unsigned i = 0; i < COUNT(kDecimals); ++i) {
        const double d = strtod(kDecimals[i], NULL);
        printf("strtod(%s) = %a = %.17g = %.3e = %f\n", kDecimals[i], d, d, d, d < 1e30 ? d : 0.0);
    }
    return 0;
}
