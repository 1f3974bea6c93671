// ARMv8.1 LSE atomics: LDADD, LDCLR, LDEOR, LDSET, LDSMAX, LDSMIN, LDUMAX,
// LDUMIN, SWP, CAS and CASP, at every size (B, H, W, X; CASP W and X
// pairs) and every ordering (none, A, L, AL), plus the ST* aliases. Bits of
// the operand register above the access size are junk and must be ignored;
// bytes of memory outside the access must stay; the old value is returned
// zero-extended. Each LSE_OP row checks 4 orderings x (old value, memory).
        .include "common.inc"
        TEST_BEGIN lse

        adr     x1, cell

// Emits `op<ord><sz>` with the operands for the size:
// Rs = x4/w4 (operand), Rt = x5/w5 (old value).
.macro LSE_INSN op, ord, sz
    .ifc \sz, x
        \op\ord x4, x5, [x1]
    .else
    .ifc \sz, w
        \op\ord w4, w5, [x1]
    .else
        \op\ord\()\sz w4, w5, [x1]
    .endif
    .endif
.endm

.macro LSE_OP op, sz, init, operand, old, new
    .irp ord, ,a,l,al
        MOV64   x2, \init
        str     x2, [x1]
        MOV64   x4, \operand
        mov     x5, #-1
        LSE_INSN \op, \ord, \sz
        CHECK   x5, \old
        ldr     x6, [x1]
        CHECK   x6, \new
    .endr
.endm

// CAS<ord><sz> Rs=x4 (compare, gets old), Rt=x5 (new value).
.macro CAS_OP sz, init, compare, newval, old, new
    .irp ord, ,a,l,al
        MOV64   x2, \init
        str     x2, [x1]
        MOV64   x4, \compare
        MOV64   x5, \newval
        LSE_INSN cas, \ord, \sz
        CHECK   x4, \old
        ldr     x6, [x1]
        CHECK   x6, \new
    .endr
.endm

        LSE_OP  ldadd, b, 0xa5a5a5a5a5a5a571, 0x123456789abcde9c, 0x71, 0xa5a5a5a5a5a5a50d
        LSE_OP  ldadd, h, 0xa5a5a5a5a5a57123, 0x123456789abc9c5a, 0x7123, 0xa5a5a5a5a5a50d7d
        LSE_OP  ldadd, w, 0xa5a5a5a571234567, 0x123456789c5a3e81, 0x71234567, 0xa5a5a5a50d7d83e8
        LSE_OP  ldadd, x, 0x7123456789abcdef, 0x9c5a3e81f00d1234, 0x7123456789abcdef, 0x0d7d83e979b8e023
        LSE_OP  ldclr, b, 0xa5a5a5a5a5a5a571, 0x123456789abcde9c, 0x71, 0xa5a5a5a5a5a5a561
        LSE_OP  ldclr, h, 0xa5a5a5a5a5a57123, 0x123456789abc9c5a, 0x7123, 0xa5a5a5a5a5a56121
        LSE_OP  ldclr, w, 0xa5a5a5a571234567, 0x123456789c5a3e81, 0x71234567, 0xa5a5a5a561214166
        LSE_OP  ldclr, x, 0x7123456789abcdef, 0x9c5a3e81f00d1234, 0x7123456789abcdef, 0x6121416609a2cdcb
        LSE_OP  ldeor, b, 0xa5a5a5a5a5a5a571, 0x123456789abcde9c, 0x71, 0xa5a5a5a5a5a5a5ed
        LSE_OP  ldeor, h, 0xa5a5a5a5a5a57123, 0x123456789abc9c5a, 0x7123, 0xa5a5a5a5a5a5ed79
        LSE_OP  ldeor, w, 0xa5a5a5a571234567, 0x123456789c5a3e81, 0x71234567, 0xa5a5a5a5ed797be6
        LSE_OP  ldeor, x, 0x7123456789abcdef, 0x9c5a3e81f00d1234, 0x7123456789abcdef, 0xed797be679a6dfdb
        LSE_OP  ldset, b, 0xa5a5a5a5a5a5a571, 0x123456789abcde9c, 0x71, 0xa5a5a5a5a5a5a5fd
        LSE_OP  ldset, h, 0xa5a5a5a5a5a57123, 0x123456789abc9c5a, 0x7123, 0xa5a5a5a5a5a5fd7b
        LSE_OP  ldset, w, 0xa5a5a5a571234567, 0x123456789c5a3e81, 0x71234567, 0xa5a5a5a5fd7b7fe7
        LSE_OP  ldset, x, 0x7123456789abcdef, 0x9c5a3e81f00d1234, 0x7123456789abcdef, 0xfd7b7fe7f9afdfff
        LSE_OP  ldsmax, b, 0xa5a5a5a5a5a5a571, 0x123456789abcde9c, 0x71, 0xa5a5a5a5a5a5a571
        LSE_OP  ldsmax, b, 0xa5a5a5a5a5a5a59c, 0x123456789abcde71, 0x9c, 0xa5a5a5a5a5a5a571
        LSE_OP  ldsmax, h, 0xa5a5a5a5a5a57123, 0x123456789abc9c5a, 0x7123, 0xa5a5a5a5a5a57123
        LSE_OP  ldsmax, h, 0xa5a5a5a5a5a59c5a, 0x123456789abc7123, 0x9c5a, 0xa5a5a5a5a5a57123
        LSE_OP  ldsmax, w, 0xa5a5a5a571234567, 0x123456789c5a3e81, 0x71234567, 0xa5a5a5a571234567
        LSE_OP  ldsmax, w, 0xa5a5a5a59c5a3e81, 0x1234567871234567, 0x9c5a3e81, 0xa5a5a5a571234567
        LSE_OP  ldsmax, x, 0x7123456789abcdef, 0x9c5a3e81f00d1234, 0x7123456789abcdef, 0x7123456789abcdef
        LSE_OP  ldsmax, x, 0x9c5a3e81f00d1234, 0x7123456789abcdef, 0x9c5a3e81f00d1234, 0x7123456789abcdef
        LSE_OP  ldsmin, b, 0xa5a5a5a5a5a5a571, 0x123456789abcde9c, 0x71, 0xa5a5a5a5a5a5a59c
        LSE_OP  ldsmin, b, 0xa5a5a5a5a5a5a59c, 0x123456789abcde71, 0x9c, 0xa5a5a5a5a5a5a59c
        LSE_OP  ldsmin, h, 0xa5a5a5a5a5a57123, 0x123456789abc9c5a, 0x7123, 0xa5a5a5a5a5a59c5a
        LSE_OP  ldsmin, h, 0xa5a5a5a5a5a59c5a, 0x123456789abc7123, 0x9c5a, 0xa5a5a5a5a5a59c5a
        LSE_OP  ldsmin, w, 0xa5a5a5a571234567, 0x123456789c5a3e81, 0x71234567, 0xa5a5a5a59c5a3e81
        LSE_OP  ldsmin, w, 0xa5a5a5a59c5a3e81, 0x1234567871234567, 0x9c5a3e81, 0xa5a5a5a59c5a3e81
        LSE_OP  ldsmin, x, 0x7123456789abcdef, 0x9c5a3e81f00d1234, 0x7123456789abcdef, 0x9c5a3e81f00d1234
        LSE_OP  ldsmin, x, 0x9c5a3e81f00d1234, 0x7123456789abcdef, 0x9c5a3e81f00d1234, 0x9c5a3e81f00d1234
        LSE_OP  ldumax, b, 0xa5a5a5a5a5a5a571, 0x123456789abcde9c, 0x71, 0xa5a5a5a5a5a5a59c
        LSE_OP  ldumax, b, 0xa5a5a5a5a5a5a59c, 0x123456789abcde71, 0x9c, 0xa5a5a5a5a5a5a59c
        LSE_OP  ldumax, h, 0xa5a5a5a5a5a57123, 0x123456789abc9c5a, 0x7123, 0xa5a5a5a5a5a59c5a
        LSE_OP  ldumax, h, 0xa5a5a5a5a5a59c5a, 0x123456789abc7123, 0x9c5a, 0xa5a5a5a5a5a59c5a
        LSE_OP  ldumax, w, 0xa5a5a5a571234567, 0x123456789c5a3e81, 0x71234567, 0xa5a5a5a59c5a3e81
        LSE_OP  ldumax, w, 0xa5a5a5a59c5a3e81, 0x1234567871234567, 0x9c5a3e81, 0xa5a5a5a59c5a3e81
        LSE_OP  ldumax, x, 0x7123456789abcdef, 0x9c5a3e81f00d1234, 0x7123456789abcdef, 0x9c5a3e81f00d1234
        LSE_OP  ldumax, x, 0x9c5a3e81f00d1234, 0x7123456789abcdef, 0x9c5a3e81f00d1234, 0x9c5a3e81f00d1234
        LSE_OP  ldumin, b, 0xa5a5a5a5a5a5a571, 0x123456789abcde9c, 0x71, 0xa5a5a5a5a5a5a571
        LSE_OP  ldumin, b, 0xa5a5a5a5a5a5a59c, 0x123456789abcde71, 0x9c, 0xa5a5a5a5a5a5a571
        LSE_OP  ldumin, h, 0xa5a5a5a5a5a57123, 0x123456789abc9c5a, 0x7123, 0xa5a5a5a5a5a57123
        LSE_OP  ldumin, h, 0xa5a5a5a5a5a59c5a, 0x123456789abc7123, 0x9c5a, 0xa5a5a5a5a5a57123
        LSE_OP  ldumin, w, 0xa5a5a5a571234567, 0x123456789c5a3e81, 0x71234567, 0xa5a5a5a571234567
        LSE_OP  ldumin, w, 0xa5a5a5a59c5a3e81, 0x1234567871234567, 0x9c5a3e81, 0xa5a5a5a571234567
        LSE_OP  ldumin, x, 0x7123456789abcdef, 0x9c5a3e81f00d1234, 0x7123456789abcdef, 0x7123456789abcdef
        LSE_OP  ldumin, x, 0x9c5a3e81f00d1234, 0x7123456789abcdef, 0x9c5a3e81f00d1234, 0x7123456789abcdef
        LSE_OP  swp, b, 0xa5a5a5a5a5a5a571, 0x123456789abcde9c, 0x71, 0xa5a5a5a5a5a5a59c
        LSE_OP  swp, h, 0xa5a5a5a5a5a57123, 0x123456789abc9c5a, 0x7123, 0xa5a5a5a5a5a59c5a
        LSE_OP  swp, w, 0xa5a5a5a571234567, 0x123456789c5a3e81, 0x71234567, 0xa5a5a5a59c5a3e81
        LSE_OP  swp, x, 0x7123456789abcdef, 0x9c5a3e81f00d1234, 0x7123456789abcdef, 0x9c5a3e81f00d1234

        // CAS: equal (stores Rt) and not equal (memory kept); Rs gets the old value.
        CAS_OP  b, 0xa5a5a5a5a5a5a571, 0x1234567800000071, 0xffffffffffffff3c, 0x71, 0xa5a5a5a5a5a5a53c
        CAS_OP  b, 0xa5a5a5a5a5a5a571, 0x1234567800000072, 0xffffffffffffff3c, 0x71, 0xa5a5a5a5a5a5a571
        CAS_OP  h, 0xa5a5a5a5a5a57123, 0x1234567800007123, 0xffffffffffff3c3c, 0x7123, 0xa5a5a5a5a5a53c3c
        CAS_OP  h, 0xa5a5a5a5a5a57123, 0x1234567800017123, 0xffffffffffff3c3c, 0x7123, 0xa5a5a5a5a5a53c3c
        CAS_OP  h, 0xa5a5a5a5a5a57123, 0x1234567800007124, 0xffffffffffff3c3c, 0x7123, 0xa5a5a5a5a5a57123
        CAS_OP  w, 0xa5a5a5a571234567, 0x1234567871234567, 0xffffffff3c3c3c3c, 0x71234567, 0xa5a5a5a53c3c3c3c
        CAS_OP  w, 0xa5a5a5a571234567, 0x1234567871234568, 0xffffffff3c3c3c3c, 0x71234567, 0xa5a5a5a571234567
        CAS_OP  x, 0x7123456789abcdef, 0x7123456789abcdef, 0x3c3c3c3c3c3c3c3c, 0x7123456789abcdef, 0x3c3c3c3c3c3c3c3c
        CAS_OP  x, 0x7123456789abcdef, 0x7123456789abcdee, 0x3c3c3c3c3c3c3c3c, 0x7123456789abcdef, 0x7123456789abcdef

        // CASP: the pair (Rs, Rs+1) is compared with memory at (addr, addr+8).
    .irp ord, ,a,l,al
        MOV64   x2, 0x1111111111111111
        MOV64   x3, 0x2222222222222222
        stp     x2, x3, [x1]
        mov     x4, x2
        mov     x5, x3
        MOV64   x6, 0x3333333333333333
        MOV64   x7, 0x4444444444444444
        casp\ord x4, x5, x6, x7, [x1]
        CHECK   x4, 0x1111111111111111
        CHECK   x5, 0x2222222222222222
        ldp     x8, x9, [x1]
        CHECK   x8, 0x3333333333333333
        CHECK   x9, 0x4444444444444444
        mov     x4, x2                  // now differs in the high half
        mov     x5, x3
        casp\ord x4, x5, x2, x3, [x1]
        CHECK   x4, 0x3333333333333333
        CHECK   x5, 0x4444444444444444
        ldp     x8, x9, [x1]
        CHECK   x8, 0x3333333333333333
        CHECK   x9, 0x4444444444444444
        MOV64   x2, 0xaaaaaaaa55555555
        str     x2, [x1]
        MOV64   x4, 0xffffffff55555555
        MOV64   x5, 0xffffffffaaaaaaaa
        MOV64   x6, 0x12345678
        MOV64   x7, 0x0abcdef0
        casp\ord w4, w5, w6, w7, [x1]
        CHECK   x4, 0x55555555
        CHECK   x5, 0xaaaaaaaa
        ldr     x8, [x1]
        CHECK   x8, 0x0abcdef012345678
        mov     w4, #0x55555555
        MOV64   x5, 0x0abcdef0
        casp\ord w4, w5, w6, w7, [x1]
        CHECK   x4, 0x12345678
        CHECK   x5, 0x0abcdef0
        ldr     x8, [x1]
        CHECK   x8, 0x0abcdef012345678
    .endr

        // ST* aliases (Rt = ZR): memory only.
        MOV64   x2, 0x00000000000000f0
        str     x2, [x1]
        mov     x4, #0x0f
        stadd   x4, [x1]
        staddl  w4, [x1]
        staddb  w4, [x1]
        staddlh w4, [x1]
        ldr     x6, [x1]
        CHECK   x6, 0x12c
        mov     x4, #0x20
        stclr   x4, [x1]
        stclrlb w4, [x1]
        ldr     x6, [x1]
        CHECK   x6, 0x10c
        steor   w4, [x1]
        steorlh w4, [x1]
        steorb  w4, [x1]
        ldr     x6, [x1]
        CHECK   x6, 0x12c
        mov     x4, #0x1000
        stset   x4, [x1]
        stsetl  w4, [x1]
        ldr     x6, [x1]
        CHECK   x6, 0x112c
        mov     x4, #-1
        stsmax  x4, [x1]                // -1 < 0x112c: kept
        stumin  x4, [x1]                // kept
        ldr     x6, [x1]
        CHECK   x6, 0x112c
        stsmin  w4, [x1]
        ldr     x6, [x1]
        CHECK   x6, 0xffffffff
        stumaxb wzr, [x1]
        stsmaxlb wzr, [x1]              // 0xff is -1 as a byte: 0 is larger
        stuminh wzr, [x1, #0]
        ldr     x6, [x1]
        CHECK   x6, 0xffff0000
        mov     x4, #2
        stumaxl x4, [x1]
        stsminlh w4, [x1]
        stumin  w4, [x1]
        stsmaxb w4, [x1]
        ldr     x6, [x1]
        CHECK   x6, 2

        TEST_END

        .data
        .balign 16
cell:
        .quad   0, 0
