// A first slice of FP/SIMD (what static glibc and busybox need most):
// FMOV (immediate, general <-> FP, upper lane), FADD/FSUB/FMUL/FDIV/FSQRT/
// FMADD, SCVTF/UCVTF, FCVTZS/FCVTZU (rounding toward zero, saturation, NaN),
// FCMP flags including unordered, FCSEL, LD1/ST1 (one and two registers,
// post-index), CMEQ, ADDP (vector and scalar), ADD, DUP, INS/UMOV, MOVI,
// EOR/BIC, UMAXP, SHRN and CNT.
        .include "common.inc"
        TEST_BEGIN fpsimd

        fmov    d0, #1.0
        fmov    x0, d0
        CHECK   x0, 0x3ff0000000000000
        fmov    s1, #-2.5
        fmov    w0, s1
        CHECK   x0, 0xc0200000
        fmov    x0, d1                  // a scalar S write zeroes bits 127:32
        CHECK   x0, 0xc0200000
        MOV64   x1, 0x3ff8000000000000  // 1.5
        MOV64   x2, 0x4002000000000000  // 2.25
        fmov    d2, x1
        fmov    d3, x2
        fadd    d4, d2, d3
        fmov    x0, d4
        CHECK   x0, 0x400e000000000000  // 3.75
        fsub    d4, d2, d3
        fmov    x0, d4
        CHECK   x0, 0xbfe8000000000000  // -0.75
        fmul    d4, d2, d3
        fmov    x0, d4
        CHECK   x0, 0x400b000000000000  // 3.375
        fmadd   d4, d2, d3, d0          // 1.5 * 2.25 + 1
        fmov    x0, d4
        CHECK   x0, 0x4011800000000000  // 4.375
        fmov    d5, #3.0
        fdiv    d4, d0, d5
        fmov    x0, d4
        CHECK   x0, 0x3fd5555555555555
        fmov    d5, #2.0
        fsqrt   d4, d5
        fmov    x0, d4
        CHECK   x0, 0x3ff6a09e667f3bcd
        fmov    s6, #0.5
        fmov    s7, #0.25
        fadd    s8, s6, s7
        fmov    w0, s8
        CHECK   x0, 0x3f400000
        MOV64   x1, 0x3fb999999999999a  // 0.1 + 0.2, rounded to nearest even
        MOV64   x2, 0x3fc999999999999a
        fmov    d2, x1
        fmov    d3, x2
        fadd    d4, d2, d3
        fmov    x0, d4
        CHECK   x0, 0x3fd3333333333334
        fmov    v4.d[1], x1             // the upper lane of a Q register
        fmov    x0, v4.d[1]
        CHECK   x0, 0x3fb999999999999a
        fmov    x0, d4
        CHECK   x0, 0x3fd3333333333334

        // Integer <-> FP conversions.
        mov     x1, #-3
        scvtf   d0, x1
        fmov    x0, d0
        CHECK   x0, 0xc008000000000000
        mov     w1, #7
        scvtf   s0, w1
        fmov    w0, s0
        CHECK   x0, 0x40e00000
        mov     x1, #-1
        ucvtf   d0, x1
        fmov    x0, d0
        CHECK   x0, 0x43f0000000000000
        MOV64   x1, 0x8000000000000000
        scvtf   d0, x1
        fmov    x0, d0
        CHECK   x0, 0xc3e0000000000000
        MOV64   x1, 0xc00e000000000000  // -3.75
        fmov    d0, x1
        fcvtzs  x0, d0
        CHECK   x0, -3
        fcvtzs  w0, d0
        CHECK   x0, 0xfffffffd
        fcvtzu  x0, d0                  // negative -> 0
        CHECK   x0, 0
        MOV64   x1, 0x4415af1d78b58c40  // 1e20: saturates
        fmov    d0, x1
        fcvtzs  w0, d0
        CHECK   x0, 0x7fffffff
        fcvtzs  x0, d0
        CHECK   x0, 0x7fffffffffffffff
        fcvtzu  w0, d0
        CHECK   x0, 0xffffffff
        MOV64   x1, 0x7ff8000000000000  // NaN -> 0
        fmov    d0, x1
        fcvtzs  x0, d0
        CHECK   x0, 0
        mrs     x0, fpsr                // invalid operation was signalled
        and     x0, x0, #1
        CHECK   x0, 1
        msr     fpsr, xzr

        // FCMP: less, equal, greater, unordered; then FCSEL.
        fmov    d0, #1.0
        fmov    d1, #2.0
        fcmp    d0, d1
        CHECK_NZCV 0b1000
        fcmp    d0, d0
        CHECK_NZCV 0b0110
        fcmp    d1, d0
        CHECK_NZCV 0b0010
        fcmp    d0, #0.0
        CHECK_NZCV 0b0010
        MOV64   x1, 0x7ff8000000000000
        fmov    d2, x1
        fcmp    d0, d2
        CHECK_NZCV 0b0011
        fcmp    d0, d1
        fcsel   d3, d0, d1, lt
        fmov    x0, d3
        CHECK   x0, 0x3ff0000000000000
        fcmp    d2, d2
        fcsel   d3, d0, d1, eq
        fmov    x0, d3
        CHECK   x0, 0x4000000000000000

        // Vector loads and stores.
        adr     x1, vec_a
        ld1     {v0.16b}, [x1]
        fmov    x0, d0
        CHECK   x0, 0x0706050403020100
        mov     x0, v0.d[1]
        CHECK   x0, 0x0f0e0d0c0b0a0908
        mov     x2, x1
        ld1     {v0.4s, v1.4s}, [x2], #32
        sub     x2, x2, x1
        CHECK   x2, 32
        mov     x0, v1.d[1]
        CHECK   x0, 0x0f0e0dff0b0a0908
        adr     x3, vec_out
        st1     {v1.2d}, [x3]
        ldr     x0, [x3]
        CHECK   x0, 0xff0605ff03ff0100
        st1     {v0.16b, v1.16b}, [x3], #32
        adr     x4, vec_out
        sub     x4, x3, x4
        CHECK   x4, 32
        ldr     x0, [x3, #-16]
        CHECK   x0, 0xff0605ff03ff0100

        // Integer vector operations.
        cmeq    v2.16b, v0.16b, v1.16b
        fmov    x0, d2
        CHECK   x0, 0x00ffff00ff00ffff
        mov     x0, v2.d[1]
        CHECK   x0, 0xffffff00ffffffff
        cmeq    v3.16b, v1.16b, #0
        fmov    x0, d3
        CHECK   x0, 0xff
        mov     x0, v3.d[1]
        CHECK   x0, 0
        addp    v4.4s, v0.4s, v0.4s
        fmov    x0, d4
        CHECK   x0, 0x1a1816140a080604
        mov     x0, v4.d[1]
        CHECK   x0, 0x1a1816140a080604
        addp    d5, v0.2d
        fmov    x0, d5
        CHECK   x0, 0x161412100e0c0a08
        add     v6.4s, v0.4s, v1.4s
        fmov    x0, d6
        CHECK   x0, 0x060c0b0307010200
        mov     x0, v6.d[1]
        CHECK   x0, 0x1e1c1b0b16141210
        mov     w1, #0x5678
        movk    w1, #0x1234, lsl #16
        dup     v7.4s, w1
        mov     x0, v7.d[1]
        CHECK   x0, 0x1234567812345678
        ins     v7.s[1], wzr
        fmov    x0, d7
        CHECK   x0, 0x12345678
        umov    w0, v7.b[3]
        CHECK   x0, 0x12
        movi    v8.16b, #0xff
        eor     v8.16b, v8.16b, v0.16b
        fmov    x0, d8
        CHECK   x0, 0xf8f9fafbfcfdfeff
        bic     v9.16b, v1.16b, v0.16b
        fmov    x0, d9
        CHECK   x0, 0xf80000fb00fd0000
        mov     x0, v9.d[1]
        CHECK   x0, 0xf300000000
        umaxp   v10.16b, v0.16b, v0.16b
        fmov    x0, d10
        CHECK   x0, 0x0f0d0b0907050301
        shrn    v11.8b, v2.8h, #4
        fmov    x0, d11
        CHECK   x0, 0xfff0ffff0ff0f0ff
        cnt     v12.16b, v1.16b
        fmov    x0, d12
        CHECK   x0, 0x0802020802080100
        mov     x0, v12.d[1]
        CHECK   x0, 0x0403030803020201
        movi    v13.2d, #0
        fmov    x0, d13
        CHECK   x0, 0

        TEST_END

        .data
        .balign 16
vec_a:
        .byte   0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
vec_b:
        .byte   0, 1, 0xff, 3, 0xff, 5, 6, 0xff, 8, 9, 10, 11, 0xff, 13, 14, 15
        .bss
        .balign 16
vec_out:
        .skip   64
