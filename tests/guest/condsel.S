// Conditional select and compare: every condition code against every NZCV
// value (via MSR NZCV + CSET), CSEL/CSINC/CSINV/CSNEG and aliases,
// CCMP/CCMN register and immediate, condition true and false.
        .include "common.inc"
        TEST_BEGIN condsel

// acc |= ConditionHolds(cond) << x14, using x15 as a temporary.
.macro COND_BIT acc, cond
        cset    x15, \cond
        lsl     x15, x15, x14
        orr     \acc, \acc, x15
.endm

        .irp    r, x0, x1, x2, x3, x4, x5, x6, x7, x8, x9, x10, x11, x12, x13
        mov     \r, #0
        .endr
        mov     x14, #0
cond_loop:
        lsl     x17, x14, #28
        msr     nzcv, x17
        COND_BIT x0, eq
        COND_BIT x1, ne
        COND_BIT x2, cs
        COND_BIT x3, cc
        COND_BIT x4, mi
        COND_BIT x5, pl
        COND_BIT x6, vs
        COND_BIT x7, vc
        COND_BIT x8, hi
        COND_BIT x9, ls
        COND_BIT x10, ge
        COND_BIT x11, lt
        COND_BIT x12, gt
        COND_BIT x13, le
        add     x14, x14, #1
        cmp     x14, #16
        b.ne    cond_loop
        // Bit f of each mask: the condition holds when NZCV = f.
        CHECK   x0, 0xf0f0
        CHECK   x1, 0x0f0f
        CHECK   x2, 0xcccc
        CHECK   x3, 0x3333
        CHECK   x4, 0xff00
        CHECK   x5, 0x00ff
        CHECK   x6, 0xaaaa
        CHECK   x7, 0x5555
        CHECK   x8, 0x0c0c
        CHECK   x9, 0xf3f3
        CHECK   x10, 0xaa55
        CHECK   x11, 0x55aa
        CHECK   x12, 0x0a05
        CHECK   x13, 0xf5fa

        // AL and NV both mean "always" in CSEL.
        mov     x1, #1
        mov     x2, #2
        msr     nzcv, xzr
        csel    x0, x1, x2, al
        CHECK   x0, 1
        msr     nzcv, xzr
        csel    x0, x1, x2, nv
        CHECK   x0, 1

        // CSEL family, condition true (EQ after cmp equal) and false.
        MOV64   x1, 0x0123456789abcdef
        MOV64   x2, 0x8877665544332211
        cmp     x1, x1
        csel    x0, x1, x2, eq
        CHECK   x0, 0x0123456789abcdef
        cmp     x1, x2
        csel    x0, x1, x2, eq
        CHECK   x0, 0x8877665544332211
        cmp     x1, x1
        csinc   x0, x1, x2, ne
        CHECK   x0, 0x8877665544332212
        cmp     x1, x1
        csinv   x0, x1, x2, ne
        CHECK   x0, 0x778899aabbccddee
        cmp     x1, x1
        csinv   x0, x1, x2, hi          // C=1 Z=1: HI false
        CHECK   x0, 0x778899aabbccddee
        cmp     x1, x2
        csinv   x0, x1, x2, ne
        CHECK   x0, 0x0123456789abcdef
        cmp     x1, x2
        csneg   x0, x1, x2, eq
        CHECK   x0, 0x778899aabbccddef
        cmp     x2, x1
        csneg   x0, x1, x1, eq
        CHECK   x0, 0xfedcba9876543211
        cmp     x1, x1
        csinc   w0, w1, w2, ne
        CHECK   x0, 0x44332212
        cmp     x1, x1
        csneg   w0, w2, w1, ne
        CHECK   x0, 0x76543211
        cmp     x1, x1
        csel    w0, w1, w2, eq
        CHECK   x0, 0x89abcdef
        mov     x3, #-1
        cmp     x1, x1
        csinc   w0, wzr, w3, ne         // 0xffffffff + 1 wraps in 32 bits
        CHECK   x0, 0
        cmp     x1, x1
        csinc   x0, xzr, x3, ne
        CHECK   x0, 0

        // Aliases.
        cmp     x1, x2
        cset    x0, lo                  // unsigned 0x01.. < 0xfe..
        CHECK   x0, 1
        cmp     x1, x2
        cset    w0, lt                  // signed: positive > negative
        CHECK   x0, 0
        cmp     x1, x2
        csetm   x0, gt
        CHECK   x0, -1
        cmp     x1, x2
        csetm   w0, gt
        CHECK   x0, 0xffffffff
        cmp     x1, x2
        cinc    x0, x1, ne
        CHECK   x0, 0x0123456789abcdf0
        cmp     x1, x2
        cinv    x0, x1, ne
        CHECK   x0, 0xfedcba9876543210
        cmp     x1, x2
        cneg    x0, x1, ne
        CHECK   x0, 0xfedcba9876543211
        cmp     x1, x2
        cneg    x0, x1, eq
        CHECK   x0, 0x0123456789abcdef

        // CCMP/CCMN: when the condition holds, flags come from the compare,
        // otherwise from the immediate nzcv.
        mov     x1, #5
        mov     x2, #7
        cmp     x1, x1                  // EQ holds
        ccmp    x1, x2, #0b0100, eq     // 5 - 7
        CHECK_NZCV 0b1000
        cmp     x1, x2                  // EQ fails
        ccmp    x1, x2, #0b0110, eq
        CHECK_NZCV 0b0110
        cmp     x1, x2
        ccmp    x1, x2, #0b1001, eq
        CHECK_NZCV 0b1001
        cmp     x1, x1
        ccmp    x2, #7, #0b0000, eq     // immediate form, 7 - 7
        CHECK_NZCV 0b0110
        cmp     x1, x1
        ccmp    x2, #31, #0b0000, ne
        CHECK_NZCV 0b0000
        cmp     x1, x1
        ccmp    x2, #31, #0b0000, eq    // 7 - 31
        CHECK_NZCV 0b1000
        mov     x3, #-1
        cmp     x1, x1
        ccmn    x3, #1, #0b0000, eq     // -1 + 1
        CHECK_NZCV 0b0110
        cmp     x1, x1
        ccmn    x3, x3, #0b0000, ge     // -1 + -1
        CHECK_NZCV 0b1010
        MOV64   x4, 0x7fffffff
        cmp     x1, x1
        ccmn    w4, #1, #0b0000, eq     // 32-bit overflow
        CHECK_NZCV 0b1001
        cmp     x1, x1
        ccmn    x4, #1, #0b0000, eq     // no 64-bit overflow
        CHECK_NZCV 0b0000
        cmp     x1, x1
        ccmp    w3, w4, #0b0000, eq     // 0xffffffff - 0x7fffffff
        CHECK_NZCV 0b1010
        cmp     x2, x1                  // GT holds: ccmp chain as in `a > b && c == d`
        ccmp    x3, x3, #0, gt
        cset    x0, eq
        CHECK   x0, 1

        TEST_END
