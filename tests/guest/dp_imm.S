// Data processing (immediate): ADD/SUB(S) imm, logical imm, move wide, ADR/ADRP.
        .include "common.inc"
        TEST_BEGIN dp_imm

        // ADD/SUB immediate, with and without LSL #12; W forms wrap at 32 bits.
        mov     x1, #5
        add     x0, x1, #4095
        CHECK   x0, 4100
        mov     x1, #1
        add     x0, x1, #1, lsl #12
        CHECK   x0, 0x1001
        mov     x1, #0
        sub     x0, x1, #1
        CHECK   x0, -1
        sub     x0, x1, #4095, lsl #12
        CHECK   x0, -(4095 << 12)
        mov     x1, #-1
        add     w0, w1, #1
        CHECK   x0, 0
        add     w0, w1, #0
        CHECK   x0, 0xffffffff

        // ADDS/SUBS flags: N Z C V for each interesting boundary.
        MOV64   x1, 0x7fffffffffffffff
        adds    x0, x1, #1
        CHECK_NZCV 0b1001
        CHECK   x0, 0x8000000000000000
        mov     x1, #-1
        adds    x0, x1, #1
        CHECK_NZCV 0b0110
        CHECK   x0, 0
        MOV64   x1, 0xffffffff7fffffff
        adds    w0, w1, #1
        CHECK_NZCV 0b1001
        CHECK   x0, 0x80000000
        mov     x1, #0
        subs    x0, x1, #1
        CHECK_NZCV 0b1000
        CHECK   x0, -1
        mov     x1, #1
        subs    x0, x1, #1
        CHECK_NZCV 0b0110
        CHECK   x0, 0
        MOV64   x1, 0x8000000000000000
        subs    x0, x1, #1
        CHECK_NZCV 0b0011
        CHECK   x0, 0x7fffffffffffffff
        MOV64   x1, 0x80000000
        subs    w0, w1, #1
        CHECK_NZCV 0b0011
        CHECK   x0, 0x7fffffff
        mov     x1, #5
        cmp     x1, #5
        CHECK_NZCV 0b0110
        cmp     x1, #6
        CHECK_NZCV 0b1000
        cmp     x1, #4
        CHECK_NZCV 0b0010
        mov     x1, #-1
        cmn     x1, #1
        CHECK_NZCV 0b0110
        mov     w1, #-2
        cmn     w1, #1
        CHECK_NZCV 0b1000
        mov     x1, #0x1000
        subs    x0, x1, #1, lsl #12
        CHECK_NZCV 0b0110

        // SP as source and destination of ADD/SUB immediate.
        mov     x3, sp
        sub     sp, sp, #32
        mov     x4, sp
        sub     x4, x3, x4
        CHECK   x4, 32
        add     x5, sp, #0
        add     x5, x5, #32
        sub     x5, x5, x3
        CHECK   x5, 0
        add     sp, sp, #32
        mov     x4, sp
        sub     x4, x4, x3
        CHECK   x4, 0
        cmp     sp, #0                  // SP is a small positive address
        CHECK_NZCV 0b0010
        adds    x6, sp, #16
        sub     x6, x6, x3
        CHECK   x6, 16

        // Logical immediate: assorted element sizes, runs and rotations.
        MOV64   x1, 0x123456789abcdef0
        and     x0, x1, #0xff00ff00ff00ff00
        CHECK   x0, 0x120056009a00de00
        eor     x0, x1, #0x0f0f0f0f0f0f0f0f
        CHECK   x0, 0x1d3b597795b3d1ff
        orr     x0, x1, #0xc000000000000003
        CHECK   x0, 0xd23456789abcdef3
        orr     x0, xzr, #0x5555555555555555
        CHECK   x0, 0x5555555555555555
        orr     x0, xzr, #0x1
        CHECK   x0, 1
        orr     x0, xzr, #0x7fffffffffffffff
        CHECK   x0, 0x7fffffffffffffff
        orr     x0, xzr, #0x8000000000000000
        CHECK   x0, 0x8000000000000000
        orr     x0, xzr, #0xfffffffffffffffe
        CHECK   x0, 0xfffffffffffffffe
        orr     x0, xzr, #0x00000000ffffffff
        CHECK   x0, 0xffffffff
        orr     x0, xzr, #0x0000ffff0000ffff
        CHECK   x0, 0x0000ffff0000ffff
        orr     x0, xzr, #0x3333333333333333
        CHECK   x0, 0x3333333333333333
        orr     x0, xzr, #0x0101010101010101
        CHECK   x0, 0x0101010101010101
        orr     x0, xzr, #0x7e7e7e7e7e7e7e7e
        CHECK   x0, 0x7e7e7e7e7e7e7e7e
        orr     w0, wzr, #0xfffffffe
        CHECK   x0, 0xfffffffe
        mov     x1, #-1
        and     w0, w1, #0x3
        CHECK   x0, 3
        eor     w0, w1, #0x80000000
        CHECK   x0, 0x7fffffff
        orr     w0, wzr, #0xf000000f
        CHECK   x0, 0xf000000f
        orr     w0, wzr, #0x00ff00ff
        CHECK   x0, 0x00ff00ff

        // ANDS sets N and Z and clears C and V.
        mov     x1, #-1
        adds    x2, x1, x1              // C=1, N=1 first
        MOV64   x1, 0x8000000000000001
        ands    x0, x1, #0x8000000000000000
        CHECK_NZCV 0b1000
        MOV64   x1, 0x7fffffffffffffff
        adds    x2, x1, #1              // N=1, V=1
        ands    x0, x1, #0x8000000000000000
        CHECK_NZCV 0b0100
        CHECK   x0, 0
        mov     w1, #0x80000000
        tst     w1, #0x80000000
        CHECK_NZCV 0b1000
        tst     x1, #0x80000000
        CHECK_NZCV 0b0000

        // AND/ORR/EOR immediate may write SP.
        mov     x3, sp
        add     x0, x3, #8
        and     sp, x0, #0xfffffffffffffff0
        mov     x4, sp
        sub     x4, x4, x3
        CHECK   x4, 0

        // Move wide: every shift, MOVN and MOVK, W forms zero the upper half.
        movz    x0, #0x1234, lsl #48
        CHECK   x0, 0x1234000000000000
        movz    x0, #0xabcd, lsl #32
        CHECK   x0, 0x0000abcd00000000
        movz    x0, #0xffff, lsl #16
        CHECK   x0, 0xffff0000
        movz    w0, #0xffff, lsl #16
        CHECK   x0, 0xffff0000
        movn    x0, #0
        CHECK   x0, -1
        movn    x0, #0x1234, lsl #16
        CHECK   x0, 0xffffffffedcbffff
        movn    x0, #0xffff, lsl #48
        CHECK   x0, 0x0000ffffffffffff
        movn    w0, #0x1234
        CHECK   x0, 0xffffedcb
        movn    w0, #0
        CHECK   x0, 0xffffffff
        MOV64   x0, 0x1111111111111111
        movk    x0, #0xbeef, lsl #32
        CHECK   x0, 0x1111beef11111111
        movk    x0, #0, lsl #48
        CHECK   x0, 0x0000beef11111111
        mov     x0, #-1
        movk    w0, #0xbeef, lsl #16
        CHECK   x0, 0xbeefffff

        // ADR and ADRP agree with each other and with the data they address.
        adr     x0, dp_imm_data
        adrp    x1, dp_imm_data
        and     x2, x1, #0xfff
        CHECK   x2, 0
        add     x1, x1, :lo12:dp_imm_data
        sub     x2, x1, x0
        CHECK   x2, 0
        ldr     x3, [x0]
        CHECK   x3, 0x0123456789abcdef
adr_here:
        adr     x4, adr_here
        adr     x5, .
        sub     x6, x5, x4
        CHECK   x6, 4
        adr     x5, adr_back            // forward
        b       adr_back
        nop
adr_back:
        adr     x6, .
        sub     x7, x6, x5
        CHECK   x7, 0
        adr     x7, adr_here            // backward
        sub     x7, x6, x7
        cmp     x7, #64
        CHECK_NZCV 0b0010               // more than 64 bytes back, positive

        TEST_END

        .data
        .balign 8
dp_imm_data:
        .quad   0x0123456789abcdef
