// Multiply and divide: MADD/MSUB (and MUL/MNEG), the long forms
// SMADDL/SMSUBL/UMADDL/UMSUBL (SMULL/UMULL), SMULH/UMULH, SDIV/UDIV with
// division by zero (result 0) and INT_MIN / -1 (result INT_MIN).
        .include "common.inc"
        TEST_BEGIN muldiv

        MOV64   x1, 0x0123456789abcdef
        MOV64   x2, 0xfedcba9876543210
        MOV64   x3, 0x1111111111111111

        madd    x0, x1, x2, x3
        CHECK   x0, 0x3347e9a0f6729e01
        msub    x0, x1, x2, x3
        CHECK   x0, 0xeeda38812baf8421
        mul     x0, x1, x2
        CHECK   x0, 0x2236d88fe5618cf0
        mneg    x0, x1, x2
        CHECK   x0, 0xddc927701a9e7310
        madd    w0, w1, w2, w3
        CHECK   x0, 0xf6729e01
        mul     w0, w1, w2
        CHECK   x0, 0xe5618cf0
        smaddl  x0, w1, w2, x3
        CHECK   x0, 0xda5f5738f6729e01
        smsubl  x0, w1, w2, x3
        CHECK   x0, 0x47c2cae92baf8421
        umaddl  x0, w1, w2, x3
        CHECK   x0, 0x50b38948f6729e01
        umsubl  x0, w1, w2, x3
        CHECK   x0, 0xd16e98d92baf8421
        smull   x0, w1, w2
        CHECK   x0, 0xc94e4627e5618cf0
        umull   x0, w1, w2
        CHECK   x0, 0x3fa27837e5618cf0
        smulh   x0, x1, x2
        CHECK   x0, 0xfffeb49923cc0953
        umulh   x0, x1, x2
        CHECK   x0, 0x0121fa00ad77d742
        mov     x4, #-1
        smulh   x0, x4, x4
        CHECK   x0, 0
        umulh   x0, x4, x4
        CHECK   x0, 0xfffffffffffffffe
        MOV64   x5, 0x8000000000000000
        smulh   x0, x5, x5
        CHECK   x0, 0x4000000000000000
        smulh   x0, x5, x4
        CHECK   x0, 0
        mul     x0, x5, x4              // wraps back to INT_MIN
        CHECK   x0, 0x8000000000000000

        // Divide: truncation toward zero, signs, W forms.
        sdiv    x0, x2, x1
        CHECK   x0, -1
        udiv    x0, x2, x1
        CHECK   x0, 0xe0
        mov     x6, #-7
        mov     x7, #2
        sdiv    x0, x6, x7
        CHECK   x0, -3
        mov     x6, #7
        mov     x7, #-2
        sdiv    x0, x6, x7
        CHECK   x0, -3
        neg     x6, x6
        sdiv    x0, x6, x7
        CHECK   x0, 3
        udiv    w0, w2, w1
        CHECK   x0, 0
        mov     x8, #0x1234
        MOV64   x9, 0xffffffff87654321
        sdiv    w0, w9, w8
        CHECK   x0, 0xfff95fe1
        udiv    w0, w9, w8
        CHECK   x0, 0x77023
        sdiv    x0, x9, x8              // 64-bit: x9 is a small negative
        CHECK   x0, 0xfffffffffff95fe1

        // Division by zero gives 0 (no trap), for every size and signedness.
        sdiv    x0, x1, xzr
        CHECK   x0, 0
        udiv    x0, x1, xzr
        CHECK   x0, 0
        sdiv    w0, w1, wzr
        CHECK   x0, 0
        udiv    w0, w1, wzr
        CHECK   x0, 0
        mov     x10, #0
        sdiv    x0, x5, x10
        CHECK   x0, 0

        // INT_MIN / -1 overflows to INT_MIN (no trap).
        sdiv    x0, x5, x4
        CHECK   x0, 0x8000000000000000
        mov     w11, #0x80000000
        sdiv    w0, w11, w4
        CHECK   x0, 0x80000000
        udiv    x0, x5, x4
        CHECK   x0, 0
        sdiv    x0, x4, x5
        CHECK   x0, 0
        sdiv    x0, x5, x5
        CHECK   x0, 1

        TEST_END
