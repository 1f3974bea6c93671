// EL1 vector table: IRQs from the current EL (SP_EL1) call irq_handler(),
// synchronous exceptions from the current EL (SP_EL1) or from EL0 call
// sync_handler(frame) with the saved registers; anything else prints the
// syndrome through unexpected_exception() and stops.
    .macro save_and_call handler
    stp     x29, x30, [sp, #-16]!
    stp     x17, x18, [sp, #-16]!
    stp     x15, x16, [sp, #-16]!
    stp     x13, x14, [sp, #-16]!
    stp     x11, x12, [sp, #-16]!
    stp     x9, x10, [sp, #-16]!
    stp     x7, x8, [sp, #-16]!
    stp     x5, x6, [sp, #-16]!
    stp     x3, x4, [sp, #-16]!
    stp     x1, x2, [sp, #-16]!
    str     x0, [sp, #-16]!
    mov     x0, sp                  // the frame, for handlers that look at it
    bl      \handler
    ldr     x0, [sp], #16
    ldp     x1, x2, [sp], #16
    ldp     x3, x4, [sp], #16
    ldp     x5, x6, [sp], #16
    ldp     x7, x8, [sp], #16
    ldp     x9, x10, [sp], #16
    ldp     x11, x12, [sp], #16
    ldp     x13, x14, [sp], #16
    ldp     x15, x16, [sp], #16
    ldp     x17, x18, [sp], #16
    ldp     x29, x30, [sp], #16
    eret
    .endm

    .macro unexpected
    .balign 0x80
    b       unexpected_exception
    .endm

    .text
    .balign 0x800
    .global vectors
vectors:
    unexpected          // current EL, SP_EL0: sync
    unexpected          // IRQ
    unexpected          // FIQ
    unexpected          // SError
    .balign 0x80        // current EL, SP_ELx: sync
    b       sync_entry
    .balign 0x80        // IRQ
    b       irq_entry
    unexpected          // FIQ
    unexpected          // SError
    .balign 0x80        // lower EL, AArch64: sync
    b       sync_entry
    unexpected
    unexpected
    unexpected
    unexpected          // lower EL, AArch32 x4
    unexpected
    unexpected
    unexpected

irq_entry:
    save_and_call irq_handler

sync_entry:
    save_and_call sync_handler
