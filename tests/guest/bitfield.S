// Bitfield move: SBFM/UBFM/BFM and their aliases (SBFX, UBFX, SBFIZ, UBFIZ,
// BFI, BFXIL, SXT*, UXT*, LSL/LSR/ASR immediate), including the wrap-around
// case imms < immr, single-bit and full-width fields, and W forms.
        .include "common.inc"
        TEST_BEGIN bitfield

        MOV64   x1, 0x0123456789abcdef
        MOV64   x2, 0xfedcba9876543210
        MOV64   x3, 0x1111111111111111

        ubfx    x0, x1, #8, #16
        CHECK   x0, 0xabcd
        ubfx    x0, x1, #60, #4
        CHECK   x0, 0
        ubfx    x0, x2, #63, #1
        CHECK   x0, 1
        sbfx    x0, x2, #60, #4
        CHECK   x0, -1
        sbfx    x0, x1, #4, #8
        CHECK   x0, 0xffffffffffffffde
        sbfx    x0, x1, #0, #1
        CHECK   x0, -1
        ubfiz   x0, x1, #8, #16
        CHECK   x0, 0xcdef00
        sbfiz   x0, x1, #4, #8
        CHECK   x0, 0xfffffffffffffef0
        sbfiz   x0, x1, #60, #4
        CHECK   x0, 0xf000000000000000

        mov     x0, x3
        bfi     x0, x1, #8, #16
        CHECK   x0, 0x1111111111cdef11
        mov     x0, x3
        bfi     x0, x1, #60, #4
        CHECK   x0, 0xf111111111111111
        mov     x0, x3
        bfxil   x0, x1, #8, #16
        CHECK   x0, 0x111111111111abcd
        mov     x0, x3
        bfxil   x0, x2, #32, #32
        CHECK   x0, 0x11111111fedcba98
        mov     x0, x3
        bfi     x0, xzr, #16, #8        // BFC
        CHECK   x0, 0x1111111111001111

        // W forms: fields within 32 bits, upper half of Xd zeroed (BFM too).
        ubfx    w0, w1, #4, #8
        CHECK   x0, 0xde
        sbfx    w0, w1, #28, #4
        CHECK   x0, 0xfffffff8
        sbfx    w0, w1, #4, #8
        CHECK   x0, 0xffffffde
        mov     x0, x3
        bfi     w0, w1, #28, #4
        CHECK   x0, 0xf1111111
        mov     x0, x3
        bfxil   w0, w2, #16, #16
        CHECK   x0, 0x11117654
        ubfiz   w0, w1, #31, #1
        CHECK   x0, 0x80000000

        // Raw encodings: identity, imms < immr (insert), full width.
        ubfm    x0, x1, #0, #63
        CHECK   x0, 0x0123456789abcdef
        mov     x0, x3
        bfm     x0, x1, #0, #63
        CHECK   x0, 0x0123456789abcdef
        sbfm    x0, x1, #63, #63
        CHECK   x0, 0
        sbfm    x0, x2, #63, #63
        CHECK   x0, -1
        mov     x0, x3
        bfm     x0, x1, #60, #3
        CHECK   x0, 0x11111111111111f1
        mov     x0, x3
        bfm     x0, x1, #8, #3
        CHECK   x0, 0x1f11111111111111
        ubfm    x0, x1, #4, #3
        CHECK   x0, 0xf000000000000000
        sbfm    w0, w1, #16, #15
        CHECK   x0, 0xcdef0000
        sbfm    x0, x1, #32, #31        // sign bit 31 of x1 is 1: x1[31:0] << 32
        CHECK   x0, 0x89abcdef00000000

        // Extension aliases.
        sxtb    x0, w1
        CHECK   x0, 0xffffffffffffffef
        sxth    x0, w1
        CHECK   x0, 0xffffffffffffcdef
        sxtw    x0, w1
        CHECK   x0, 0xffffffff89abcdef
        sxtb    w0, w1
        CHECK   x0, 0xffffffef
        sxth    w0, w2
        CHECK   x0, 0x3210
        uxtb    w0, w1
        CHECK   x0, 0xef
        uxth    w0, w1
        CHECK   x0, 0xcdef

        // Immediate shifts, by 1 and by width-1.
        asr     x0, x2, #63
        CHECK   x0, -1
        asr     x0, x2, #1
        CHECK   x0, 0xff6e5d4c3b2a1908
        lsr     x0, x2, #1
        CHECK   x0, 0x7f6e5d4c3b2a1908
        lsr     x0, x2, #63
        CHECK   x0, 1
        lsl     x0, x1, #63
        CHECK   x0, 0x8000000000000000
        lsl     x0, x1, #1
        CHECK   x0, 0x02468acf13579bde
        asr     w0, w1, #31
        CHECK   x0, 0xffffffff
        asr     w0, w1, #4
        CHECK   x0, 0xf89abcde
        lsl     w0, w1, #31
        CHECK   x0, 0x80000000
        lsr     w0, w1, #31
        CHECK   x0, 1

        TEST_END
