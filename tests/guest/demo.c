// The `make run` demo: a banner, the primes below 100, and the Mandelbrot
// set in ASCII computed with 16.16 fixed-point integers.
#include <stdint.h>
#include <stdio.h>
#include <sys/utsname.h>

static void primes_below(int limit) {
    printf("primes below %d:", limit);
    for (int n = 2; n < limit; n++) {
        int prime = 1;
        for (int d = 2; d * d <= n; d++)
            if (n % d == 0) prime = 0;
        if (prime) printf(" %d", n);
    }
    printf("\n");
}

static void mandelbrot(int width, int height) {
    static const char shades[] = " .:-=+*#";  // by the bit length of the escape time
    const int64_t one = 1 << 16;
    for (int row = 0; row < height; row++) {
        char line[128];
        int col;
        for (col = 0; col < width; col++) {
            int64_t cr = -2 * one + (int64_t)col * 3 * one / width;       // -2 .. 1
            int64_t ci = -one + (int64_t)row * 2 * one / height;          // -1 .. 1
            int64_t zr = 0, zi = 0;
            int iter = 0;
            while (iter < 64 && zr * zr + zi * zi < 4 * one * one) {
                int64_t t = (zr * zr - zi * zi) / one + cr;
                zi = 2 * zr * zi / one + ci;
                zr = t;
                iter++;
            }
            int bits = 0;
            for (int i = iter; i > 0; i >>= 1) bits++;
            line[col] = iter == 64 ? '@' : shades[bits];
        }
        line[col] = '\0';
        printf("%s\n", line);
    }
}

int main(void) {
    struct utsname u;
    uname(&u);
    printf("Ferry demo: an AArch64 program running on a %s kernel as machine '%s'\n", u.sysname,
           u.machine);
    primes_below(100);
    mandelbrot(72, 24);
    return 0;
}
