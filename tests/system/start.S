// Boot stub: from whatever EL the machine starts in (EL3 with secure=on, EL2
// with virtualization=on, else EL1) drop to EL1h, set the stack, zero BSS and
// call kernel_main; its return value is the semihosting exit code.
    .section .text.boot, "ax"
    .weak   el2_vectors
    .global _start
_start:
    mrs     x19, CurrentEL
    lsr     x19, x19, #2            // the EL we were entered at, for kernel_main
    cmp     x19, #3
    b.eq    from_el3
    cmp     x19, #2
    b.eq    from_el2
    b       at_el1

from_el3:
    mov     x0, #(1 << 10) | 1      // SCR_EL3.RW (lower ELs AArch64) | NS
    msr     scr_el3, x0
    mov     x0, #0x3c5              // EL1h, DAIF masked
    msr     spsr_el3, x0
    adr     x0, at_el1
    msr     elr_el3, x0
    eret

from_el2:
    ldr     x0, =el2_vectors        // a test's EL2 vector table (weak: 0 if it has none)
    msr     vbar_el2, x0
    mov     x0, #(1 << 31)          // HCR_EL2.RW: EL1 is AArch64
    msr     hcr_el2, x0
    mov     x0, #0x3c5
    msr     spsr_el2, x0
    adr     x0, at_el1
    msr     elr_el2, x0
    eret

at_el1:
    ldr     x0, =__stack_top
    mov     sp, x0
    ldr     x1, =__bss_start
    ldr     x2, =__bss_end
1:  cmp     x1, x2
    b.hs    2f
    str     xzr, [x1], #8
    b       1b
2:  mov     x0, x19
    bl      kernel_main
    bl      semihost_exit
3:  wfi
    b       3b
