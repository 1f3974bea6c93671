// Exclusives: LDXR/STXR (B/H/W/X), LDAXR/STLXR, LDXP/STXP and LDAXP/STLXP
// (W and X pairs). A store-exclusive may fail spuriously, so successes are
// retried a bounded number of times; failures that the architecture
// requires (no open monitor: after CLREX, or a second store-exclusive) are
// checked to leave memory untouched and report status 1.
        .include "common.inc"
        TEST_BEGIN exclusive

        adr     x1, cell

// x0 = number of tries the `ldinsn/stinsn` pair needed to store `val`
// (from register vreg) to [x1], old value in x2. Gives up after 100.
.macro XCHG_RETRY ldinsn, stinsn, treg, vreg
        mov     x0, #0
1:      add     x0, x0, #1
        cmp     x0, #100
        b.hi    2f
        \ldinsn \treg, [x1]
        \stinsn w3, \vreg, [x1]
        cbnz    w3, 1b
2:
.endm

        MOV64   x5, 0x0123456789abcdef
        str     x5, [x1]
        MOV64   x6, 0xfedcba9876543210
        XCHG_RETRY ldxr, stxr, x2, x6
        CHECK   x2, 0x0123456789abcdef
        CHECK   x3, 0
        ldr     x4, [x1]
        CHECK   x4, 0xfedcba9876543210

        // A second store-exclusive without a new load-exclusive fails.
        stxr    w3, x5, [x1]
        CHECK   x3, 1
        ldr     x4, [x1]
        CHECK   x4, 0xfedcba9876543210

        // CLREX clears the monitor: the store-exclusive fails.
        ldxr    x2, [x1]
        clrex
        stxr    w3, x5, [x1]
        CHECK   x3, 1
        ldr     x4, [x1]
        CHECK   x4, 0xfedcba9876543210

        // Sizes: loads zero-extend, stores write only their size.
        mov     w7, #0x55aa
        XCHG_RETRY ldxrb, stxrb, w2, w7
        CHECK   x2, 0x10
        ldr     x4, [x1]
        CHECK   x4, 0xfedcba98765432aa
        XCHG_RETRY ldxrh, stxrh, w2, w7
        CHECK   x2, 0x32aa
        ldr     x4, [x1]
        CHECK   x4, 0xfedcba98765455aa
        MOV64   x7, 0x8badf00d
        XCHG_RETRY ldxr, stxr, w2, w7
        CHECK   x2, 0x765455aa
        ldr     x4, [x1]
        CHECK   x4, 0xfedcba988badf00d
        XCHG_RETRY ldaxr, stlxr, x2, x5
        CHECK   x2, 0xfedcba988badf00d
        ldr     x4, [x1]
        CHECK   x4, 0x0123456789abcdef
        mov     w7, #0x7f
        XCHG_RETRY ldaxrb, stlxrb, w2, w7
        CHECK   x2, 0xef
        mov     w7, #0x1234
        XCHG_RETRY ldaxrh, stlxrh, w2, w7
        CHECK   x2, 0xcd7f
        XCHG_RETRY ldaxr, stlxr, w2, wzr
        CHECK   x2, 0x89ab1234
        ldr     x4, [x1]
        CHECK   x4, 0x0123456700000000

        // Pairs: LDXP/STXP of two X registers (16-byte aligned) and two W.
        MOV64   x8, 0x1111111111111111
        MOV64   x9, 0x2222222222222222
        stp     x5, x6, [x1]
        mov     x0, #0
1:      add     x0, x0, #1
        cmp     x0, #100
        b.hi    2f
        ldxp    x10, x11, [x1]
        stxp    w3, x8, x9, [x1]
        cbnz    w3, 1b
2:      CHECK   x3, 0
        CHECK   x10, 0x0123456789abcdef
        CHECK   x11, 0xfedcba9876543210
        ldp     x12, x13, [x1]
        CHECK   x12, 0x1111111111111111
        CHECK   x13, 0x2222222222222222
        mov     x0, #0
1:      add     x0, x0, #1
        cmp     x0, #100
        b.hi    2f
        ldaxp   w10, w11, [x1]
        stlxp   w3, w9, w8, [x1]
        cbnz    w3, 1b
2:      CHECK   x3, 0
        CHECK   x10, 0x11111111
        CHECK   x11, 0x11111111
        ldp     x12, x13, [x1]
        CHECK   x12, 0x1111111122222222
        CHECK   x13, 0x2222222222222222
        mov     x0, #0
1:      add     x0, x0, #1
        cmp     x0, #100
        b.hi    2f
        ldaxp   x10, x11, [x1]
        stlxp   w3, x6, x5, [x1]
        cbnz    w3, 1b
2:      CHECK   x3, 0
        CHECK   x10, 0x1111111122222222
        ldp     x12, x13, [x1]
        CHECK   x12, 0xfedcba9876543210
        CHECK   x13, 0x0123456789abcdef
        ldxp    x10, x11, [x1]
        clrex
        stxp    w3, x8, x9, [x1]
        CHECK   x3, 1
        ldp     x12, x13, [x1]
        CHECK   x12, 0xfedcba9876543210
        CHECK   x13, 0x0123456789abcdef

        // A spin-style atomic counter: 1000 LDXR/ADD/STXR increments.
        str     xzr, [x1]
        mov     x14, #1000
inc_loop:
        ldaxr   x2, [x1]
        add     x2, x2, #1
        stlxr   w3, x2, [x1]
        cbnz    w3, inc_loop
        subs    x14, x14, #1
        b.ne    inc_loop
        ldr     x4, [x1]
        CHECK   x4, 1000

        TEST_END

        .data
        .balign 16
cell:
        .quad   0, 0
