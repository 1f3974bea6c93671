// Data processing (register): shifted and extended ADD/SUB, ADC/SBC,
// logical shifted register, variable shifts, one-source ops (RBIT, REV*, CLZ, CLS).
        .include "common.inc"
        TEST_BEGIN dp_reg

        MOV64   x1, 0x0123456789abcdef
        MOV64   x2, 0xfedcba9876543210
        MOV64   x3, 0xffffffff87654321

        // ADD/SUB shifted register: LSL/LSR/ASR by 0, small, width-1.
        add     x0, x1, x2
        CHECK   x0, 0xffffffffffffffff
        add     x0, x1, x2, lsl #0
        CHECK   x0, 0xffffffffffffffff
        add     x0, x1, x2, lsl #4
        CHECK   x0, 0xeeeeeeeeeeeeeeef
        add     x0, x1, x2, lsr #63
        CHECK   x0, 0x0123456789abcdf0
        add     x0, x1, x2, asr #63
        CHECK   x0, 0x0123456789abcdee
        sub     x0, x1, x2, asr #4
        CHECK   x0, 0x013579be02468ace
        add     x0, x1, x2, lsl #63     // x2 is even: adds 0
        CHECK   x0, 0x0123456789abcdef
        add     w0, w1, w3, lsl #31
        CHECK   x0, 0x09abcdef
        add     w0, w1, w3, lsr #31
        CHECK   x0, 0x89abcdf0
        add     w0, w1, w3, asr #31
        CHECK   x0, 0x89abcdee
        sub     w0, w1, w3, lsl #4
        CHECK   x0, 0x13579bdf
        neg     x0, x1
        CHECK   x0, 0xfedcba9876543211
        neg     x0, x1, lsl #1
        CHECK   x0, 0xfdb97530eca86422
        neg     w0, w1
        CHECK   x0, 0x76543211

        // ADDS/SUBS/CMP/NEGS register flags.
        adds    x0, x1, x2
        CHECK_NZCV 0b1000
        subs    x0, x1, x1
        CHECK_NZCV 0b0110
        CHECK   x0, 0
        cmp     x1, x2
        CHECK_NZCV 0b0000               // 0x0123.. - 0xfedc..: borrow, positive result
        cmp     x2, x1
        CHECK_NZCV 0b1010
        cmp     x1, x2, lsl #1
        CHECK_NZCV 0b0000
        negs    x0, xzr
        CHECK_NZCV 0b0110
        MOV64   x4, 0x8000000000000000
        negs    x0, x4
        CHECK_NZCV 0b1001
        CHECK   x0, 0x8000000000000000
        mov     w4, #0x7fffffff
        adds    w0, w4, w4
        CHECK_NZCV 0b1001
        CHECK   x0, 0xfffffffe
        cmn     w4, w4, lsr #30         // 0x7fffffff + 1
        CHECK_NZCV 0b1001

        // ADD/SUB extended register: every extend, shifts 0..4.
        mov     x5, #0x1000
        MOV64   x6, 0xfedcba9880008080
        add     x0, x5, w2, uxtb
        CHECK   x0, 0x1010
        add     x0, x5, w2, uxtb #4
        CHECK   x0, 0x1100
        add     x0, x5, w2, uxth
        CHECK   x0, 0x4210
        add     x0, x5, w2, uxth #1
        CHECK   x0, 0x7420
        add     x0, x5, w2, uxtw
        CHECK   x0, 0x76544210
        add     x0, x5, w2, uxtw #2
        CHECK   x0, 0x1d950d840
        add     x0, x5, x2, uxtx #3
        CHECK   x0, 0xf6e5d4c3b2a1a080
        add     x0, x5, w6, sxtb
        CHECK   x0, 0xf80
        sub     x0, x5, w6, sxtb #1
        CHECK   x0, 0x1100
        add     x0, x5, w6, sxth
        CHECK   x0, 0xffffffffffff9080
        add     x0, x5, w6, sxth #2
        CHECK   x0, 0xfffffffffffe1200
        add     x0, x5, w6, sxtw
        CHECK   x0, 0xffffffff80009080
        add     x0, x5, w6, sxtw #3
        CHECK   x0, 0xfffffffc00041400
        add     x0, x5, x2, sxtx #4
        CHECK   x0, 0xedcba98765433100
        add     w0, w1, w6, sxtb
        CHECK   x0, 0x89abcd6f
        add     w0, w5, w3, uxth
        CHECK   x0, 0x5321
        adds    x0, x5, w6, sxtb #4     // 0x1000 - 0x800
        CHECK_NZCV 0b0010
        CHECK   x0, 0x800
        cmp     x5, w5, uxth
        CHECK_NZCV 0b0110

        // Extended register forms with SP as Rn and Rd.
        mov     x7, sp
        sub     sp, sp, x5              // SUB (extended) with Rd = Rn = SP
        mov     x8, sp
        sub     x8, x7, x8
        CHECK   x8, 0x1000
        add     x9, sp, w5, uxtw
        sub     x9, x9, x7
        CHECK   x9, 0
        add     sp, sp, x5
        mov     x8, sp
        sub     x8, x8, x7
        CHECK   x8, 0
        mov     x10, sp
        cmp     sp, x10
        CHECK_NZCV 0b0110

        // ADC/SBC and the flag-setting forms, with C clear and set.
        cmp     xzr, xzr                // C=1
        adc     x0, x1, x2
        CHECK   x0, 0
        cmn     xzr, xzr                // C=0
        adc     x0, x1, x2
        CHECK   x0, 0xffffffffffffffff
        cmp     xzr, xzr
        mov     x4, #-1
        adcs    x0, x4, xzr             // -1 + 0 + 1
        CHECK_NZCV 0b0110
        CHECK   x0, 0
        mov     w4, #0x7fffffff
        adcs    w0, w4, wzr             // C from the ADCS above is 1
        CHECK_NZCV 0b1001
        CHECK   x0, 0x80000000
        cmp     xzr, xzr
        sbc     x0, x1, x2
        CHECK   x0, 0x02468acf13579bdf
        cmn     xzr, xzr
        sbc     x0, x1, x2
        CHECK   x0, 0x02468acf13579bde
        cmn     xzr, xzr
        sbcs    w0, wzr, wzr            // 0 - 0 - 1
        CHECK_NZCV 0b1000
        CHECK   x0, 0xffffffff
        cmp     xzr, xzr
        sbcs    x0, x5, x5
        CHECK_NZCV 0b0110
        cmn     xzr, xzr
        ngc     x0, x5
        CHECK   x0, -0x1001
        cmp     xzr, xzr
        ngc     w0, w5
        CHECK   x0, 0xfffff000

        // Logical shifted register, including ROR and the inverted forms.
        MOV64   x4, 0xff00ff00ff00ff00
        and     x0, x1, x4, ror #8
        CHECK   x0, 0x0023006700ab00ef
        bic     x0, x1, x4, lsl #4
        CHECK   x0, 0x0120056009a00def
        orr     x0, x1, x4, lsr #4
        CHECK   x0, 0x0ff34ff78ffbcfff
        orn     x0, x1, x4, asr #4
        CHECK   x0, 0x012ff56ff9affdef
        eor     x0, x1, x4, ror #8
        CHECK   x0, 0x01dc45988954cd10
        eon     x0, x1, x4, lsl #8
        CHECK   x0, 0xfe23ba6776ab3210
        and     w0, w1, w4, ror #31
        CHECK   x0, 0x8801cc01
        orn     w0, w1, w4
        CHECK   x0, 0x89ffcdff
        mvn     x0, x1
        CHECK   x0, 0xfedcba9876543210
        mvn     w0, w1
        CHECK   x0, 0x76543210
        mov     x0, x1
        CHECK   x0, 0x0123456789abcdef
        mov     w0, w1
        CHECK   x0, 0x89abcdef
        cmp     xzr, xzr                // C=1: logical S forms must clear it
        ands    x0, x1, x4
        CHECK_NZCV 0b0000
        bics    x0, x4, x4
        CHECK_NZCV 0b0100
        ands    w0, w4, w4
        CHECK_NZCV 0b1000
        tst     x1, x1, lsl #63         // bit 0 moved to bit 63, where x1 has 0
        CHECK_NZCV 0b0100
        tst     x2, x1, lsl #63
        CHECK_NZCV 0b1000

        // Variable shifts take the amount modulo the register width.
        mov     x4, #68
        lslv    x0, x1, x4
        CHECK   x0, 0x123456789abcdef0
        mov     x4, #33
        lsrv    w0, w1, w4
        CHECK   x0, 0x44d5e6f7
        mov     x4, #4
        asrv    x0, x2, x4
        CHECK   x0, 0xffedcba987654321
        mov     x4, #(64 + 7)
        asrv    w0, w2, w4
        CHECK   x0, 0x00eca864
        mov     x4, #72
        rorv    x0, x1, x4
        CHECK   x0, 0xef0123456789abcd
        mov     x4, #36
        rorv    w0, w1, w4
        CHECK   x0, 0xf89abcde
        rorv    x0, x1, xzr
        CHECK   x0, 0x0123456789abcdef
        mov     x4, #63
        lsl     x0, x1, x4
        CHECK   x0, 0x8000000000000000
        lsr     x0, x2, x4
        CHECK   x0, 1

        // One-source: RBIT, REV, REV16, REV32, CLZ, CLS.
        rbit    x0, x1
        CHECK   x0, 0xf7b3d591e6a2c480
        rbit    w0, w1
        CHECK   x0, 0xf7b3d591
        rev     x0, x1
        CHECK   x0, 0xefcdab8967452301
        rev     w0, w1
        CHECK   x0, 0xefcdab89
        rev16   x0, x1
        CHECK   x0, 0x23016745ab89efcd
        rev16   w0, w1
        CHECK   x0, 0xab89efcd
        rev32   x0, x1
        CHECK   x0, 0x67452301efcdab89
        clz     x0, x1
        CHECK   x0, 7
        clz     x0, xzr
        CHECK   x0, 64
        clz     w0, wzr
        CHECK   x0, 32
        clz     w0, w1
        CHECK   x0, 0
        mov     x4, #1
        clz     x0, x4
        CHECK   x0, 63
        cls     x0, xzr
        CHECK   x0, 63
        mov     x4, #-1
        cls     x0, x4
        CHECK   x0, 63
        cls     w0, w4
        CHECK   x0, 31
        mov     x4, #1
        cls     x0, x4
        CHECK   x0, 62
        cls     x0, x2
        CHECK   x0, 6
        cls     w0, w1
        CHECK   x0, 0

        TEST_END
