// System instructions reachable at EL0: MRS/MSR of TPIDR_EL0, NZCV, FPCR,
// FPSR, DCZID_EL0, CTR_EL0, CNTVCT_EL0/CNTFRQ_EL0; DC ZVA (zeroes exactly
// one aligned block of the size DCZID_EL0 reports); hints and barriers; SVC
// (a real syscall, and -ENOSYS for an unknown number).
        .include "common.inc"
        TEST_BEGIN system

        // TPIDR_EL0 starts at 0 in a new process and holds any 64-bit value.
        mrs     x0, tpidr_el0
        CHECK   x0, 0
        MOV64   x1, 0xfedcba9876543210
        msr     tpidr_el0, x1
        mov     x1, #0
        mrs     x0, tpidr_el0
        CHECK   x0, 0xfedcba9876543210
        mrs     x0, tpidrro_el0
        CHECK   x0, 0

        // NZCV: only bits 31:28 exist.
        mov     x1, #-1
        msr     nzcv, x1
        mrs     x0, nzcv
        CHECK   x0, 0xf0000000
        mov     x1, #0x60000000
        msr     nzcv, x1
        CHECK_NZCV 0b0110
        msr     nzcv, xzr
        CHECK_NZCV 0b0000
        mov     x1, #0x90000000
        msr     nzcv, x1
        CHECK_NZCV 0b1001

        // FPCR (AHP, DN, FZ, RMode) and FPSR (QC, cumulative flags) round-trip.
        MOV64   x1, 0x07c00000
        msr     fpcr, x1
        mrs     x0, fpcr
        CHECK   x0, 0x07c00000
        msr     fpcr, xzr
        mrs     x0, fpcr
        CHECK   x0, 0
        MOV64   x1, 0x0800009f
        msr     fpsr, x1
        mrs     x0, fpsr
        CHECK   x0, 0x0800009f
        msr     fpsr, xzr
        mrs     x0, fpsr
        CHECK   x0, 0

        // CTR_EL0: bit 31 is RES1; the line sizes are not zero.
        mrs     x0, ctr_el0
        lsr     x1, x0, #31
        and     x1, x1, #1
        CHECK   x1, 1
        ubfx    x1, x0, #16, #4         // DminLine
        cmp     x1, #0
        cset    x1, ne
        CHECK   x1, 1

        // Generic timer: a non-zero frequency and a counter that advances.
        mrs     x0, cntfrq_el0
        cmp     x0, #0
        cset    x1, ne
        CHECK   x1, 1
        mrs     x2, cntvct_el0
        mov     x3, #20000
1:      subs    x3, x3, #1
        b.ne    1b
        isb
        mrs     x4, cntvct_el0
        cmp     x4, x2
        cset    x1, hs
        CHECK   x1, 1

        // DCZID_EL0: DZP = 0 (DC ZVA allowed), block of 16..2048 bytes.
        mrs     x0, dczid_el0
        ubfx    x1, x0, #4, #1
        CHECK   x1, 0
        and     x1, x0, #0xf
        mov     x2, #4
        lsl     x19, x2, x1             // x19 = block size in bytes
        cmp     x19, #16
        cset    x1, hs
        CHECK   x1, 1
        cmp     x19, #2048
        cset    x1, ls
        CHECK   x1, 1

        // DC ZVA with an address inside the block zeroes the whole block.
        adr     x20, zva_buf
        add     x20, x20, #2048
        and     x20, x20, #~2047        // x20: 2048-aligned, 2048 bytes either side
        sub     x21, x20, #2048
        mov     x22, #4096
        mov     w1, #0xa5
1:      strb    w1, [x21], #1
        subs    x22, x22, #1
        b.ne    1b
        add     x1, x20, #5
        dc      zva, x1
        mov     x2, #0                  // OR of the block's bytes
        mov     x3, #0
2:      ldrb    w4, [x20, x3]
        orr     x2, x2, x4
        add     x3, x3, #1
        cmp     x3, x19
        b.lo    2b
        CHECK   x2, 0
        ldrb    w4, [x20, #-1]
        CHECK   x4, 0xa5
        ldrb    w4, [x20, x19]
        CHECK   x4, 0xa5

        // Hints and barriers have no architectural effect here.
        mov     x5, #42
        nop
        yield
        hint    #0x7f
        dmb     ish
        dmb     ishld
        dsb     sy
        isb
        CHECK   x5, 42

        // SVC: getpid (172) succeeds; an unknown number returns -ENOSYS.
        mov     x8, #172
        svc     #0
        cmp     x0, #0
        cset    x1, gt
        CHECK   x1, 1
        mov     x8, #4000
        svc     #0
        CHECK   x0, -38
        // Writing 0 bytes returns 0; the registers other than x0 survive.
        mov     x0, #1
        adr     x1, zva_buf
        mov     x2, #0
        mov     x9, #0x99
        mov     x8, #SYS_write
        svc     #0
        CHECK   x0, 0
        CHECK   x9, 0x99
        CHECK   x2, 0

        TEST_END

        .bss
        .balign 16
zva_buf:
        .skip   8192
