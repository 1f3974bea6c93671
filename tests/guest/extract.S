// Extract: EXTR (X and W, lsb 0, middle, width-1) and its ROR alias.
        .include "common.inc"
        TEST_BEGIN extract

        MOV64   x1, 0x0123456789abcdef
        MOV64   x2, 0xfedcba9876543210

        extr    x0, x1, x2, #0
        CHECK   x0, 0xfedcba9876543210
        extr    x0, x1, x2, #63
        CHECK   x0, 0x02468acf13579bdf
        extr    x0, x1, x2, #8
        CHECK   x0, 0xeffedcba98765432
        ror     x0, x1, #8
        CHECK   x0, 0xef0123456789abcd
        ror     x0, x1, #0
        CHECK   x0, 0x0123456789abcdef
        extr    w0, w1, w2, #16
        CHECK   x0, 0xcdef7654
        extr    w0, w1, w2, #31
        CHECK   x0, 0x13579bde
        extr    w0, w1, w2, #0
        CHECK   x0, 0x76543210
        ror     w0, w1, #4
        CHECK   x0, 0xf89abcde
        ror     w0, w1, #0
        CHECK   x0, 0x89abcdef
        extr    x0, xzr, x1, #32
        CHECK   x0, 0x01234567
        extr    x0, x1, xzr, #32
        CHECK   x0, 0x89abcdef00000000

        TEST_END
