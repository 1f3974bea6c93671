// A generic-timer interrupt through the GICv2: the EL1 physical timer (PPI 14,
// INTID 30) fires while the CPU waits in WFI; the handler acknowledges it
// through GICC_IAR, masks the timer and ends it through GICC_EOIR.
#include "lib.h"

#define GICD 0x08000000UL
#define GICC 0x08010000UL
#define TIMER_INTID 30

extern char vectors[];
static volatile int interrupts_taken;
static volatile uint32_t last_intid;

void irq_handler(void) {
    const uint32_t iar = mmio_read32(GICC + 0x0C);
    last_intid = iar & 0x3FF;
    if (last_intid == TIMER_INTID) __asm__ volatile("msr cntp_ctl_el0, %0" ::"r"(3ul));  // ENABLE | IMASK
    mmio_write32(GICC + 0x10, iar);
    interrupts_taken++;
}

int kernel_main(uint64_t entry_el) {
    (void)entry_el;
    __asm__ volatile("msr vbar_el1, %0; isb" ::"r"(vectors));
    mmio_write32(GICD + 0x000, 1);                                   // GICD_CTLR: enable
    *(volatile uint8_t*)(GICD + 0x400 + TIMER_INTID) = 0x80;            // GICD_IPRIORITYR, one byte
    mmio_write32(GICD + 0x100, 1u << TIMER_INTID);                   // GICD_ISENABLER0
    mmio_write32(GICC + 0x04, 0xF0);                                 // GICC_PMR
    mmio_write32(GICC + 0x00, 1);                                    // GICC_CTLR: enable

    uint64_t freq;
    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(freq));
    uart_puts("timer frequency nonzero: ");
    uart_puts(freq ? "yes\n" : "no\n");
    __asm__ volatile("msr cntp_tval_el0, %0; msr cntp_ctl_el0, %1; isb" ::"r"(freq / 100), "r"(1ul));
    __asm__ volatile("msr daifclr, #2");
    while (!interrupts_taken) __asm__ volatile("wfi");
    __asm__ volatile("msr daifset, #2");
    uart_puts("interrupt taken, INTID ");
    uart_put_dec(last_intid);
    uart_puts("\n");
    uart_puts("spurious after EOI: ");
    uart_puts((mmio_read32(GICC + 0x0C) & 0x3FF) == 1023 ? "yes\n" : "no\n");
    return 0;
}
