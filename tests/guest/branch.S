// Branches: B.cond for every condition and NZCV value, B/BL/BR/BLR/RET,
// CBZ/CBNZ (W tests only the low 32 bits), TBZ/TBNZ, a jump table,
// recursion (return prediction) and a long loop (block chaining).
        .include "common.inc"
        TEST_BEGIN branch

// acc |= ConditionHolds(cond) << x14, decided by a conditional branch.
.macro BCOND_BIT acc, cond
        b.\cond 1f
        b       2f
1:      mov     x15, #1
        lsl     x15, x15, x14
        orr     \acc, \acc, x15
2:
.endm

        .irp    r, x0, x1, x2, x3, x4, x5, x6, x7, x8, x9, x10, x11, x12, x13
        mov     \r, #0
        .endr
        mov     x14, #0
bcond_loop:
        lsl     x17, x14, #28
        msr     nzcv, x17
        BCOND_BIT x0, eq
        BCOND_BIT x1, ne
        BCOND_BIT x2, cs
        BCOND_BIT x3, cc
        BCOND_BIT x4, mi
        BCOND_BIT x5, pl
        BCOND_BIT x6, vs
        BCOND_BIT x7, vc
        BCOND_BIT x8, hi
        BCOND_BIT x9, ls
        BCOND_BIT x10, ge
        BCOND_BIT x11, lt
        BCOND_BIT x12, gt
        BCOND_BIT x13, le
        add     x14, x14, #1
        cmp     x14, #16
        b.ne    bcond_loop
        CHECK   x0, 0xf0f0
        CHECK   x1, 0x0f0f
        CHECK   x2, 0xcccc
        CHECK   x3, 0x3333
        CHECK   x4, 0xff00
        CHECK   x5, 0x00ff
        CHECK   x6, 0xaaaa
        CHECK   x7, 0x5555
        CHECK   x8, 0x0c0c
        CHECK   x9, 0xf3f3
        CHECK   x10, 0xaa55
        CHECK   x11, 0x55aa
        CHECK   x12, 0x0a05
        CHECK   x13, 0xf5fa
        msr     nzcv, xzr
        mov     x0, #0
        b.al    1f
        mov     x0, #1
1:      CHECK   x0, 0

        // BL writes the return address; RET, BR, BLR and RET Xn.
        bl      leaf
bl_return:
        adr     x1, bl_return
        sub     x1, x30, x1
        CHECK   x1, 0
        CHECK   x0, 0x1eaf
        adr     x2, leaf
        blr     x2
blr_return:
        adr     x1, blr_return
        sub     x1, x30, x1
        CHECK   x1, 0
        adr     x30, leaf               // BLR X30: target read before the link is written
        blr     x30
blr30_return:
        adr     x1, blr30_return
        sub     x1, x30, x1
        CHECK   x1, 0
        adr     x3, after_br
        mov     x0, #0
        br      x3
        mov     x0, #1
after_br:
        CHECK   x0, 0
        adr     x5, after_ret5
        mov     x0, #0
        ret     x5
        mov     x0, #1
after_ret5:
        CHECK   x0, 0
        b       forward
backward:
        mov     x0, #0xb
        b       after_backward
forward:
        b       backward
after_backward:
        CHECK   x0, 0xb

        // CBZ/CBNZ: the W forms see only bits 31:0.
        mov     x0, #0
        MOV64   x1, 0x100000000
        cbz     w1, 1f
        mov     x0, #1
1:      CHECK   x0, 0
        cbz     x1, 1f
        mov     x0, #2
1:      CHECK   x0, 2
        cbnz    x1, 1f
        mov     x0, #3
1:      CHECK   x0, 2
        cbnz    w1, 1f
        mov     x0, #4
1:      CHECK   x0, 4
        cbnz    xzr, 1f
        mov     x0, #5
1:      CHECK   x0, 5

        // TBZ/TBNZ on bits 0, 31, 32 and 63.
        MOV64   x1, 0x8000000080000001
        mov     x0, #0
        tbz     x1, #0, 1f
        add     x0, x0, #1
1:      tbnz    x1, #31, 1f
        add     x0, x0, #0x10
1:      tbnz    x1, #32, 1f
        add     x0, x0, #0x100
1:      tbz     x1, #63, 1f
        add     x0, x0, #0x1000
1:      tbz     w1, #30, 1f
        add     x0, x0, #0x10000
1:      CHECK   x0, 0x1101

        // Jump table: computed indirect branches, each target seen twice.
        mov     x19, #0
        mov     x20, #0
jt_loop:
        and     x1, x20, #3
        adr     x2, jump_table
        ldr     x3, [x2, x1, lsl #3]
        br      x3
case0:  add     x19, x19, #1
        b       jt_next
case1:  add     x19, x19, #10
        b       jt_next
case2:  add     x19, x19, #100
        b       jt_next
case3:  add     x19, x19, #1000
jt_next:
        add     x20, x20, #1
        cmp     x20, #8
        b.lo    jt_loop
        CHECK   x19, 2222

        // Recursion: fib(20) through BL/RET with frames on the stack.
        mov     x0, #20
        bl      fib
        CHECK   x0, 6765

        // A long counted loop: sum of 1..1000000.
        mov     x0, #0
        mov     x1, #1
        MOV64   x2, 1000000
sum_loop:
        add     x0, x0, x1
        add     x1, x1, #1
        cmp     x1, x2
        b.ls    sum_loop
        CHECK   x0, 500000500000

        TEST_END

leaf:
        mov     x0, #0x1eaf
        ret

// x0 = fib(x0), naive recursion.
fib:
        cmp     x0, #2
        b.lo    1f
        stp     x29, x30, [sp, #-32]!
        str     x19, [sp, #16]
        sub     x19, x0, #2
        sub     x0, x0, #1
        bl      fib
        mov     x1, x0
        mov     x0, x19
        mov     x19, x1
        bl      fib
        add     x0, x0, x19
        ldr     x19, [sp, #16]
        ldp     x29, x30, [sp], #32
1:      ret

        .data
        .balign 8
jump_table:
        .quad   case0, case1, case2, case3
