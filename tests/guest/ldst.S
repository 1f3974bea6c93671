// Loads and stores, single register: unsigned offset (scaled, largest),
// unscaled, pre- and post-index, register offset with every extend and
// scaling, literal, acquire/release, unprivileged, prefetch, SP as base,
// sign/zero extension at every size, and FP/SIMD registers B/H/S/D/Q.
        .include "common.inc"
        TEST_BEGIN ldst

        adr     x1, data                // bytes 0..31 of `data`, see below
        adr     x3, scratch             // 128 zero bytes
        MOV64   x5, 0x0102030405060708
        mov     w7, #0xabcd

        // Unsigned offset, every size, sign and zero extension.
        ldr     x0, [x1]
        CHECK   x0, 0x8877665544332211
        ldr     x0, [x1, #8]
        CHECK   x0, 0xf0e0d0c0b0a09080
        ldr     w0, [x1, #4]
        CHECK   x0, 0x88776655
        ldrh    w0, [x1, #6]
        CHECK   x0, 0x8877
        ldrb    w0, [x1, #15]
        CHECK   x0, 0xf0
        ldrsb   x0, [x1, #8]
        CHECK   x0, 0xffffffffffffff80
        ldrsb   w0, [x1, #8]
        CHECK   x0, 0xffffff80
        ldrsb   x0, [x1, #1]
        CHECK   x0, 0x22
        ldrsh   x0, [x1, #14]
        CHECK   x0, 0xfffffffffffff0e0
        ldrsh   w0, [x1, #14]
        CHECK   x0, 0xfffff0e0
        ldrsh   w0, [x1, #2]
        CHECK   x0, 0x4433
        ldrsw   x0, [x1, #12]
        CHECK   x0, 0xfffffffff0e0d0c0
        ldrsw   x0, [x1, #20]
        CHECK   x0, 0x01234567
        ldr     xzr, [x1]               // load into XZR: discarded

        // Unscaled (LDUR/STUR), unaligned, negative offsets, limits.
        ldur    x0, [x1, #1]
        CHECK   x0, 0x8088776655443322
        ldur    w0, [x1, #3]
        CHECK   x0, 0x77665544
        add     x2, x1, #16
        ldur    x0, [x2, #-8]
        CHECK   x0, 0xf0e0d0c0b0a09080
        ldursb  x0, [x2, #-1]
        CHECK   x0, 0xfffffffffffffff0
        ldursh  w0, [x2, #-2]
        CHECK   x0, 0xfffff0e0
        ldursw  x0, [x2, #-4]
        CHECK   x0, 0xfffffffff0e0d0c0
        ldurh   w0, [x2, #1]
        CHECK   x0, 0xabcd
        ldurb   w0, [x2, #-16]
        CHECK   x0, 0x11

        // Stores of every size into zeroed memory; partial overwrites.
        strb    w5, [x3, #1]
        strh    w5, [x3, #2]
        str     w5, [x3, #4]
        ldr     x0, [x3]
        CHECK   x0, 0x0506070807080800
        stur    x5, [x3, #9]
        ldr     x0, [x3, #8]
        CHECK   x0, 0x0203040506070800
        ldr     x0, [x3, #16]
        CHECK   x0, 0x01
        sturh   w7, [x3, #17]
        sturb   w7, [x3, #19]
        stur    w7, [x3, #20]
        ldr     x0, [x3, #16]
        CHECK   x0, 0x0000abcdcdabcd01
        str     xzr, [x3, #16]
        ldr     x0, [x3, #16]
        CHECK   x0, 0

        // Pre- and post-index loads: value and written-back base.
        mov     x4, x1
        ldr     x0, [x4, #8]!
        CHECK   x0, 0xf0e0d0c0b0a09080
        sub     x6, x4, x1
        CHECK   x6, 8
        ldr     x0, [x4], #8
        CHECK   x0, 0xf0e0d0c0b0a09080
        sub     x6, x4, x1
        CHECK   x6, 16
        ldr     w0, [x4, #-4]!
        CHECK   x0, 0xf0e0d0c0
        ldrb    w0, [x4], #-12
        CHECK   x0, 0xc0
        sub     x6, x4, x1
        CHECK   x6, 0
        ldrsh   x0, [x4, #14]!
        CHECK   x0, 0xfffffffffffff0e0
        ldrsb   w0, [x4], #1
        CHECK   x0, 0xffffffe0
        sub     x6, x4, x1
        CHECK   x6, 15
        ldrsw   x0, [x4, #1]!
        CHECK   x0, 0xffffffff89abcdef
        ldrh    w0, [x4], #255
        CHECK   x0, 0xcdef
        sub     x6, x4, x1
        CHECK   x6, 271
        ldr     x0, [x4, #-255]!
        CHECK   x0, 0x0123456789abcdef

        // Pre- and post-index stores.
        add     x6, x3, #32
        str     x5, [x6, #8]!
        strh    w7, [x6], #-2
        strb    w7, [x6, #-1]!
        sub     x8, x6, x3
        CHECK   x8, 37
        ldr     x0, [x3, #40]
        CHECK   x0, 0x010203040506abcd
        ldr     x0, [x3, #32]
        CHECK   x0, 0x0000cd0000000000
        str     w7, [x6], #3
        sub     x8, x6, x3
        CHECK   x8, 40
        ldr     x0, [x3, #32]
        CHECK   x0, 0x00abcd0000000000
        ldr     x0, [x3, #40]
        CHECK   x0, 0x010203040506ab00

        // Register offset: LSL 0/scaled, UXTW, SXTW (negative), SXTX.
        mov     x2, #8
        ldr     x0, [x1, x2]
        CHECK   x0, 0xf0e0d0c0b0a09080
        mov     x2, #3
        ldr     x0, [x1, x2, lsl #3]
        CHECK   x0, 0xfedcba9876543210
        MOV64   x2, 0xffffffff00000002
        ldr     x0, [x1, w2, uxtw #3]
        CHECK   x0, 0x0123456789abcdef
        ldr     w0, [x1, w2, uxtw]
        CHECK   x0, 0x66554433
        add     x4, x1, #16
        mov     x2, #-8
        ldr     x0, [x4, w2, sxtw]
        CHECK   x0, 0xf0e0d0c0b0a09080
        mov     x2, #0xffffffff         // w2 = -1
        ldr     x0, [x4, w2, sxtw #3]
        CHECK   x0, 0xf0e0d0c0b0a09080
        mov     x2, #-2
        ldr     x0, [x4, x2, sxtx #3]
        CHECK   x0, 0x8877665544332211
        mov     x2, #7
        ldrh    w0, [x1, x2, lsl #1]
        CHECK   x0, 0xf0e0
        mov     x2, #9
        ldrb    w0, [x1, x2]
        CHECK   x0, 0x90
        ldrb    w0, [x1, x2, lsl #0]
        CHECK   x0, 0x90
        mov     x2, #4
        ldrsw   x0, [x1, x2, lsl #2]
        CHECK   x0, 0xffffffff89abcdef
        mov     x2, #31
        ldrsb   x0, [x1, x2]
        CHECK   x0, -2
        mov     w2, #15
        ldrsh   w0, [x1, w2, uxtw #1]
        CHECK   x0, 0xfffffedc
        mov     x2, #6
        str     x5, [x3, x2, lsl #3]
        strb    w7, [x3, w2, uxtw]
        ldr     x0, [x3, #48]
        CHECK   x0, 0x0102030405060708
        ldr     x0, [x3]
        CHECK   x0, 0x05cd070807080800
        mov     x2, #-1
        add     x4, x3, #64
        strh    w7, [x4, x2, sxtx #1]
        ldr     x0, [x3, #56]
        CHECK   x0, 0xabcd000000000000

        // Literal loads (PC-relative) and prefetches (no effect).
        ldr     x0, lit_quad
        CHECK   x0, 0x1122334455667788
        ldr     w0, lit_word
        CHECK   x0, 0x80000001
        ldrsw   x0, lit_word
        CHECK   x0, 0xffffffff80000001
        prfm    pldl1keep, lit_quad
        prfm    pldl1keep, [x1]
        prfm    pstl2strm, [x1, #8]
        prfm    plil3keep, [x1, x2, lsl #3]
        prfum   pldl1keep, [x1, #1]
        prfm    #0x1f, [x1]
        ldr     q0, lit_quad
        fmov    x0, d0
        CHECK   x0, 0x1122334455667788
        mov     x0, v0.d[1]
        CHECK   x0, 0x99aabbccddeeff00
        ldr     s0, lit_word
        fmov    w0, s0
        CHECK   x0, 0x80000001

        // Largest scaled offsets, and LDUR/STUR limits.
        adr     x9, big
        str     x5, [x9, #32760]
        ldr     x0, [x9, #32760]
        CHECK   x0, 0x0102030405060708
        strh    w7, [x9, #8190]
        ldrh    w0, [x9, #8190]
        CHECK   x0, 0xabcd
        strb    w7, [x9, #4095]
        ldrb    w0, [x9, #4095]
        CHECK   x0, 0xcd
        str     w7, [x9, #16380]
        ldr     w0, [x9, #16380]
        CHECK   x0, 0xabcd
        add     x10, x9, #256
        stur    x5, [x10, #-256]
        ldr     x0, [x9]
        CHECK   x0, 0x0102030405060708
        stur    w7, [x9, #255]
        ldur    w0, [x10, #-1]
        CHECK   x0, 0xabcd

        // SP as base register.
        mov     x11, sp
        str     x5, [sp, #-16]!
        str     x7, [sp, #8]
        ldr     x0, [sp]
        CHECK   x0, 0x0102030405060708
        ldr     x0, [sp, #8]
        CHECK   x0, 0xabcd
        ldr     x0, [sp], #16
        mov     x12, sp
        sub     x12, x12, x11
        CHECK   x12, 0

        // Acquire/release.
        add     x8, x3, #96
        stlr    x5, [x8]
        ldar    x0, [x8]
        CHECK   x0, 0x0102030405060708
        stlrb   w7, [x8]
        ldarb   w0, [x8]
        CHECK   x0, 0xcd
        add     x9, x8, #2
        stlrh   w7, [x9]
        ldarh   w0, [x9]
        CHECK   x0, 0xabcd
        ldar    w0, [x8]
        CHECK   x0, 0xabcd07cd
        stlr    w7, [x8]
        ldr     x0, [x8]
        CHECK   x0, 0x010203040000abcd
        ldaxr   x0, [x8]                // acquire exclusive, then clear
        clrex
        CHECK   x0, 0x010203040000abcd

        // Unprivileged loads and stores (act as normal ones at EL0).
        sttr    x5, [x3, #104]
        ldtr    x0, [x3, #104]
        CHECK   x0, 0x0102030405060708
        sttrb   w7, [x3, #104]
        sttrh   w7, [x3, #106]
        sttr    w7, [x3, #108]
        ldtr    x0, [x3, #104]
        CHECK   x0, 0x0000abcdabcd07cd
        ldtrb   w0, [x1, #8]
        CHECK   x0, 0x80
        ldtrh   w0, [x1, #14]
        CHECK   x0, 0xf0e0
        ldtr    w0, [x1, #-0]
        CHECK   x0, 0x44332211
        ldtrsb  x0, [x1, #8]
        CHECK   x0, 0xffffffffffffff80
        ldtrsh  w0, [x1, #14]
        CHECK   x0, 0xfffff0e0
        ldtrsw  x0, [x1, #12]
        CHECK   x0, 0xfffffffff0e0d0c0

        // FP/SIMD registers: B/H/S/D/Q loads zero the rest of the register.
        ldr     q0, [x1]
        fmov    x0, d0
        CHECK   x0, 0x8877665544332211
        mov     x0, v0.d[1]
        CHECK   x0, 0xf0e0d0c0b0a09080
        ldr     s2, [x1, #4]
        fmov    w0, s2
        CHECK   x0, 0x88776655
        mov     x0, v2.d[1]
        CHECK   x0, 0
        fmov    x0, d2
        CHECK   x0, 0x88776655
        ldr     h3, [x1, #2]
        umov    w0, v3.h[0]
        CHECK   x0, 0x4433
        fmov    x0, d3
        CHECK   x0, 0x4433
        ldr     b4, [x1, #15]
        fmov    x0, d4
        CHECK   x0, 0xf0
        ldr     d5, [x1, #8]
        fmov    x0, d5
        CHECK   x0, 0xf0e0d0c0b0a09080
        ldur    q6, [x1, #1]
        fmov    x0, d6
        CHECK   x0, 0x8088776655443322
        mov     x0, v6.d[1]
        CHECK   x0, 0xeff0e0d0c0b0a090
        mov     x2, #1
        ldr     q7, [x1, x2, lsl #4]
        fmov    x0, d7
        CHECK   x0, 0x0123456789abcdef
        mov     x10, x1
        ldr     q8, [x10, #16]!
        mov     x0, v8.d[1]
        CHECK   x0, 0xfedcba9876543210
        sub     x10, x10, x1
        CHECK   x10, 16
        ldr     d9, [x10, x1]           // register offset, base + index both used
        fmov    x0, d9
        CHECK   x0, 0x0123456789abcdef
        str     d5, [x3, #80]
        str     s2, [x3, #88]
        str     h3, [x3, #92]
        str     b4, [x3, #94]
        strb    wzr, [x3, #95]
        ldr     x0, [x3, #80]
        CHECK   x0, 0xf0e0d0c0b0a09080
        ldr     x0, [x3, #88]
        CHECK   x0, 0x00f0443388776655
        str     q6, [x3, #112]
        ldr     x0, [x3, #120]
        CHECK   x0, 0xeff0e0d0c0b0a090
        add     x10, x3, #112
        str     q0, [x10], #-16
        ldr     x0, [x3, #112]
        CHECK   x0, 0x8877665544332211
        sub     x10, x10, x3
        CHECK   x10, 96

        TEST_END

        .balign 8
lit_quad:
        .quad   0x1122334455667788, 0x99aabbccddeeff00
lit_word:
        .word   0x80000001

        .data
        .balign 16
data:
        .quad   0x8877665544332211, 0xf0e0d0c0b0a09080
        .quad   0x0123456789abcdef, 0xfedcba9876543210
        .skip   256

        .bss
        .balign 16
scratch:
        .skip   128
big:
        .skip   40000
