// CRC32 and CRC32C at every data size (B, H, W, X). The instructions do no
// pre- or post-inversion; the standard check values of "123456789"
// (0xcbf43926 and 0xe3069283) come out with init ~0 and a final NOT.
// Data bits above the size and accumulator bits 63:32 are ignored.
        .include "common.inc"
        TEST_BEGIN crc

        MOV64   x1, 0x0123456789abcdef  // data
        MOV64   x2, 0xdeadbeefffffffff  // accumulator ~0 (upper half junk)
        mov     x3, #0
        MOV64   x4, 0x12345678

.macro CRC_ROW insn, data, r_ones, r_zero, r_1234
        \insn   w0, w2, \data
        CHECK   x0, \r_ones
        \insn   w0, w3, \data
        CHECK   x0, \r_zero
        \insn   w0, w4, \data
        CHECK   x0, \r_1234
.endm

        CRC_ROW crc32b, w1, 0x1d48ef9b, 0x30b5ffe9, 0x6e7932b1
        CRC_ROW crc32h, w1, 0x8215bc2e, 0x3c33512e, 0x59dd4425
        CRC_ROW crc32w, w1, 0x10472a38, 0xcefc0adb, 0x40d55215
        CRC_ROW crc32x, x1, 0xbbc41db8, 0x21193d2e, 0x9b62eadf
        CRC_ROW crc32cb, w1, 0x10a13890, 0xbd23943e, 0x4670acaa
        CRC_ROW crc32ch, w1, 0xee1d3738, 0xe083bf15, 0xb54a8725
        CRC_ROW crc32cw, w1, 0xee8c8012, 0x5914342a, 0xa360621e
        CRC_ROW crc32cx, x1, 0x9a4f27dc, 0xe9986aa9, 0xa3d207be

        // Check values, byte at a time.
        adr     x5, check_string
        mov     w0, #-1
        mov     w6, #-1
        mov     x7, #9
1:      ldrb    w8, [x5], #1
        crc32b  w0, w0, w8
        crc32cb w6, w6, w8
        subs    x7, x7, #1
        b.ne    1b
        mvn     w0, w0
        mvn     w6, w6
        CHECK   x0, 0xcbf43926
        CHECK   x6, 0xe3069283

        // The same with one 8-byte step and one 1-byte step.
        adr     x5, check_string
        ldr     x8, [x5]
        ldrb    w9, [x5, #8]
        mov     w0, #-1
        crc32x  w0, w0, x8
        crc32b  w0, w0, w9
        mvn     w0, w0
        CHECK   x0, 0xcbf43926
        mov     w6, #-1
        crc32cx w6, w6, x8
        crc32cb w6, w6, w9
        mvn     w6, w6
        CHECK   x6, 0xe3069283
        // And with W + H + H + B.
        ldr     w8, [x5]
        ldrh    w9, [x5, #4]
        ldrh    w10, [x5, #6]
        mov     w0, #-1
        crc32w  w0, w0, w8
        crc32h  w0, w0, w9
        crc32h  w0, w0, w10
        ldrb    w9, [x5, #8]
        crc32b  w0, w0, w9
        mvn     w0, w0
        CHECK   x0, 0xcbf43926

        TEST_END

check_string:
        .ascii  "123456789"
        .balign 4
