// The EL1 virtual timer (CNTV, PPI 11 = INTID 27) through the GIC, with WFI
// woken by its interrupt: a few periodic ticks, each acknowledged and ended
// at the GIC and re-armed through CNTV_TVAL_EL0; ISTATUS set while the
// condition holds (also with IMASK, which only stops the interrupt);
// CNTVCT_EL0 advancing; WFI with PSTATE.I set still woken. GICv2 (memory-
// mapped CPU interface) or GICv3 (ICC_* system registers, redistributor),
// whichever ID_AA64PFR0_EL1.GIC says: run with gic-version=2 and 3.
#include "lib.h"

#define GICD 0x08000000UL
#define GICC 0x08010000UL          // GICv2 CPU interface
#define GICR 0x080A0000UL          // GICv3 redistributor of CPU 0 (RD_base)
#define GICR_SGI (GICR + 0x10000)  // its SGI_base frame
#define TIMER_INTID 27
#define TICKS 5
#define CTL_ENABLE 1ul
#define CTL_IMASK 2ul
#define CTL_ISTATUS 4ul

static int gic_v3;
static uint64_t period;
static volatile unsigned ticks;
static volatile unsigned wrong_intid, istatus_clear_in_handler;

static uint32_t acknowledge(void) {
    uint64_t iar;
    if (gic_v3)
        __asm__ volatile("mrs %0, S3_0_C12_C12_0" : "=r"(iar));  // ICC_IAR1_EL1
    else
        iar = mmio_read32(GICC + 0x0C);  // GICC_IAR
    return (uint32_t)iar;
}

static void end_of_interrupt(uint32_t iar) {
    if (gic_v3)
        __asm__ volatile("msr S3_0_C12_C12_1, %0; isb" ::"r"((uint64_t)iar));  // ICC_EOIR1_EL1
    else
        mmio_write32(GICC + 0x10, iar);  // GICC_EOIR
}

static uint64_t timer_ctl(void) {
    uint64_t ctl;
    __asm__ volatile("mrs %0, cntv_ctl_el0" : "=r"(ctl));
    return ctl;
}

static uint64_t virtual_count(void) {
    uint64_t count;
    __asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(count));
    return count;
}

static void arm_timer(uint64_t tval, uint64_t ctl) {
    __asm__ volatile("msr cntv_tval_el0, %0; msr cntv_ctl_el0, %1; isb" ::"r"(tval), "r"(ctl));
}

void irq_handler(void) {
    const uint32_t iar = acknowledge();
    if ((iar & 0xFFFFFF) != TIMER_INTID) {
        wrong_intid = iar;
        end_of_interrupt(iar);
        return;
    }
    if (!(timer_ctl() & CTL_ISTATUS)) istatus_clear_in_handler++;
    // The next tick, or off after the last; either way the line drops.
    if (++ticks < TICKS)
        arm_timer(period, CTL_ENABLE);
    else
        arm_timer(0, 0);
    end_of_interrupt(iar);
}

static void gicv2_init(void) {
    mmio_write32(GICD + 0x000, 1);                          // GICD_CTLR: enable
    *(volatile uint8_t*)(GICD + 0x400 + TIMER_INTID) = 0x80;  // GICD_IPRIORITYR
    mmio_write32(GICD + 0x100, 1u << TIMER_INTID);          // GICD_ISENABLER0
    mmio_write32(GICC + 0x04, 0xF0);                        // GICC_PMR
    mmio_write32(GICC + 0x00, 1);                           // GICC_CTLR: enable
}

static void gicv3_init(void) {
    mmio_write32(GICD + 0x000, (1u << 4) | 3);  // GICD_CTLR: ARE, EnableGrp1, EnableGrp0 (one security state)
    // Wake the redistributor: clear GICR_WAKER.ProcessorSleep, wait for ChildrenAsleep to clear.
    mmio_write32(GICR + 0x14, mmio_read32(GICR + 0x14) & ~(1u << 1));
    while (mmio_read32(GICR + 0x14) & (1u << 2)) {
    }
    mmio_write32(GICR_SGI + 0x080, mmio_read32(GICR_SGI + 0x080) | 1u << TIMER_INTID);  // GICR_IGROUPR0: Group 1
    *(volatile uint8_t*)(GICR_SGI + 0x400 + TIMER_INTID) = 0x80;                          // GICR_IPRIORITYR
    mmio_write32(GICR_SGI + 0x100, 1u << TIMER_INTID);                                    // GICR_ISENABLER0
    __asm__ volatile("msr S3_0_C12_C12_5, %0; isb" ::"r"(1ul));   // ICC_SRE_EL1.SRE
    __asm__ volatile("msr S3_0_C4_C6_0, %0" ::"r"(0xF0ul));       // ICC_PMR_EL1
    __asm__ volatile("msr S3_0_C12_C12_7, %0; isb" ::"r"(1ul));   // ICC_IGRPEN1_EL1
}

static void report(const char* what, int ok) {
    uart_puts(ok ? "ok   " : "FAIL ");
    uart_puts(what);
    uart_puts("\n");
    test_failures += !ok;
}

extern char vectors[];

int kernel_main(uint64_t entry_el) {
    (void)entry_el;
    __asm__ volatile("msr vbar_el1, %0; isb" ::"r"(vectors));
    uint64_t pfr0, freq;
    __asm__ volatile("mrs %0, id_aa64pfr0_el1; mrs %1, cntfrq_el0" : "=r"(pfr0), "=r"(freq));
    gic_v3 = ((pfr0 >> 24) & 0xF) != 0;
    uart_puts(gic_v3 ? "GICv3 system register interface\n" : "GICv2\n");
    if (gic_v3)
        gicv3_init();
    else
        gicv2_init();
    period = freq / 1000;  // 1 ms

    // IMASK: the condition shows in ISTATUS, no interrupt is taken.
    arm_timer(0, CTL_ENABLE | CTL_IMASK);
    __asm__ volatile("msr daifclr, #2; isb; nop; nop; msr daifset, #2" ::: "memory");
    report("ISTATUS with IMASK, no interrupt taken", (timer_ctl() & CTL_ISTATUS) && ticks == 0);
    arm_timer(period * 1000, CTL_ENABLE);
    report("ISTATUS clear before the compare value", !(timer_ctl() & CTL_ISTATUS));

    // WFI wakes for a pending interrupt that PSTATE.I masks.
    arm_timer(period, CTL_ENABLE);
    while (!(timer_ctl() & CTL_ISTATUS)) __asm__ volatile("wfi");
    report("WFI with PSTATE.I=1 woken once the timer fires", ticks == 0);

    const uint64_t start = virtual_count();
    __asm__ volatile("msr daifclr, #2" ::: "memory");  // the pending tick comes in at once
    while (ticks < TICKS) __asm__ volatile("wfi");
    __asm__ volatile("msr daifset, #2" ::: "memory");
    const uint64_t elapsed = virtual_count() - start;
    report("timer ticks taken through the GIC while in WFI", ticks == TICKS && !wrong_intid);
    report("ISTATUS set in every handler", istatus_clear_in_handler == 0);
    report("CNTVCT_EL0 advanced by the ticks' periods", elapsed >= (TICKS - 1) * period);
    report("no interrupt left pending", (acknowledge() & 0xFFFFFF) == 1023);
    uart_puts(test_failures ? "timer_wfi: FAILED\n" : "timer_wfi: all as expected\n");
    return test_failures;
}
