// Load/store pair: LDP/STP (W, X, S, D, Q), LDPSW, LDNP/STNP, with signed
// offset (including the imm7 limits), pre-index and post-index.
        .include "common.inc"
        TEST_BEGIN ldst_pair

        adr     x1, data
        adr     x3, scratch
        MOV64   x10, 0x0102030405060708
        MOV64   x11, 0x1112131415161718

        ldp     x4, x5, [x1]
        CHECK   x4, 0x8877665544332211
        CHECK   x5, 0xf0e0d0c0b0a09080
        ldp     x4, x5, [x1, #16]
        CHECK   x4, 0x0123456789abcdef
        CHECK   x5, 0xfedcba9876543210
        ldp     w4, w5, [x1, #4]
        CHECK   x4, 0x88776655
        CHECK   x5, 0xb0a09080
        ldpsw   x4, x5, [x1, #8]
        CHECK   x4, 0xffffffffb0a09080
        CHECK   x5, 0xfffffffff0e0d0c0
        ldpsw   x4, x5, [x1, #20]
        CHECK   x4, 0x01234567
        CHECK   x5, 0x76543210
        add     x6, x1, #32
        ldp     x4, x5, [x6, #-16]
        CHECK   x4, 0x0123456789abcdef
        CHECK   x5, 0xfedcba9876543210
        ldnp    x4, x5, [x1, #8]
        CHECK   x4, 0xf0e0d0c0b0a09080
        CHECK   x5, 0x0123456789abcdef
        ldnp    w4, w5, [x1, #16]
        CHECK   x4, 0x89abcdef
        CHECK   x5, 0x01234567

        // Pre- and post-index with written-back base.
        mov     x6, x1
        ldp     x4, x5, [x6, #16]!
        CHECK   x4, 0x0123456789abcdef
        CHECK   x5, 0xfedcba9876543210
        sub     x7, x6, x1
        CHECK   x7, 16
        ldp     x4, x5, [x6], #-16
        CHECK   x4, 0x0123456789abcdef
        sub     x7, x6, x1
        CHECK   x7, 0
        ldp     w4, w5, [x6], #8
        CHECK   x4, 0x44332211
        CHECK   x5, 0x88776655
        ldpsw   x4, x5, [x6, #4]!
        CHECK   x4, 0xfffffffff0e0d0c0
        CHECK   x5, 0xffffffff89abcdef
        sub     x7, x6, x1
        CHECK   x7, 12
        ldpsw   x4, x5, [x6], #-12
        sub     x7, x6, x1
        CHECK   x7, 0

        // Stores.
        stp     x10, x11, [x3]
        ldr     x4, [x3]
        CHECK   x4, 0x0102030405060708
        ldr     x4, [x3, #8]
        CHECK   x4, 0x1112131415161718
        stp     w11, w10, [x3, #4]
        ldr     x4, [x3]
        CHECK   x4, 0x1516171805060708
        ldr     x4, [x3, #8]
        CHECK   x4, 0x1112131405060708
        stp     xzr, xzr, [x3]
        ldp     x4, x5, [x3]
        CHECK   x4, 0
        CHECK   x5, 0
        mov     x6, x3
        stp     x10, x11, [x6, #16]!
        stp     w10, w11, [x6], #-8
        sub     x7, x6, x3
        CHECK   x7, 8
        ldp     x4, x5, [x3, #16]
        CHECK   x4, 0x1516171805060708
        CHECK   x5, 0x1112131415161718
        stnp    x11, x10, [x3, #32]
        ldp     x4, x5, [x3, #32]
        CHECK   x4, 0x1112131415161718
        CHECK   x5, 0x0102030405060708

        // imm7 limits: X pairs reach -512..504, W pairs -256..252.
        adr     x9, big
        add     x9, x9, #512
        stp     x10, x11, [x9, #504]
        ldp     x4, x5, [x9, #504]
        CHECK   x4, 0x0102030405060708
        CHECK   x5, 0x1112131415161718
        stp     x11, x10, [x9, #-512]
        ldp     x4, x5, [x9, #-512]
        CHECK   x4, 0x1112131415161718
        CHECK   x5, 0x0102030405060708
        stp     w10, w11, [x9, #252]
        ldp     w4, w5, [x9, #252]
        CHECK   x4, 0x05060708
        CHECK   x5, 0x15161718
        stp     w11, w10, [x9, #-256]
        ldpsw   x4, x5, [x9, #-256]
        CHECK   x4, 0x15161718
        CHECK   x5, 0x05060708

        // SP as base: the usual frame push/pop.
        mov     x12, sp
        mov     x29, #0x29
        mov     x30, #0x30
        stp     x29, x30, [sp, #-32]!
        stp     x10, x11, [sp, #16]
        mov     x29, #0
        mov     x30, #0
        ldp     x4, x5, [sp, #16]
        CHECK   x5, 0x1112131415161718
        ldp     x29, x30, [sp], #32
        CHECK   x29, 0x29
        CHECK   x30, 0x30
        mov     x13, sp
        sub     x13, x13, x12
        CHECK   x13, 0

        // FP/SIMD pairs.
        ldp     q0, q1, [x1]
        fmov    x4, d0
        CHECK   x4, 0x8877665544332211
        mov     x4, v0.d[1]
        CHECK   x4, 0xf0e0d0c0b0a09080
        fmov    x4, d1
        CHECK   x4, 0x0123456789abcdef
        mov     x4, v1.d[1]
        CHECK   x4, 0xfedcba9876543210
        stp     q1, q0, [x3, #64]
        ldp     x4, x5, [x3, #64]
        CHECK   x4, 0x0123456789abcdef
        CHECK   x5, 0xfedcba9876543210
        ldp     x4, x5, [x3, #80]
        CHECK   x4, 0x8877665544332211
        CHECK   x5, 0xf0e0d0c0b0a09080
        ldp     d2, d3, [x1, #8]
        fmov    x4, d2
        CHECK   x4, 0xf0e0d0c0b0a09080
        fmov    x4, d3
        CHECK   x4, 0x0123456789abcdef
        mov     x4, v3.d[1]
        CHECK   x4, 0
        ldp     s4, s5, [x1, #24]
        fmov    x4, d4
        CHECK   x4, 0x76543210
        fmov    x4, d5
        CHECK   x4, 0xfedcba98
        mov     x6, x3
        stp     d3, d2, [x6, #-8]!
        ldr     x4, [x3]
        CHECK   x4, 0xf0e0d0c0b0a09080
        stp     s4, s5, [x6], #8
        ldr     x4, [x3, #-8]
        CHECK   x4, 0xfedcba9876543210
        sub     x7, x6, x3
        CHECK   x7, 0
        ldnp    q6, q7, [x1]
        mov     x4, v7.d[1]
        CHECK   x4, 0xfedcba9876543210
        stnp    q7, q6, [x3, #96]
        ldr     x4, [x3, #96]
        CHECK   x4, 0x0123456789abcdef
        ldp     q8, q9, [x3, #64]!      // the Q pre-index form too
        fmov    x4, d9
        CHECK   x4, 0x8877665544332211

        TEST_END

        .data
        .balign 16
data:
        .quad   0x8877665544332211, 0xf0e0d0c0b0a09080
        .quad   0x0123456789abcdef, 0xfedcba9876543210

        .bss
        .balign 16
        .skip   16                      // room for the store at scratch - 8
scratch:
        .skip   128
big:
        .skip   1024
