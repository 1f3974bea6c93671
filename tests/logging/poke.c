// Bare-metal program for -d unimp and -d guest_errors in ferry-system: an
// IMPLEMENTATION DEFINED system register Ferry does not implement (the guest
// must get UNDEF), PL011 accesses at an unknown offset, to a read-only
// register and of a bad size, a reserved GIC distributor offset, a PSCI call
// with an unknown function id and an unknown semihosting operation; and for
// -d mmu, an AT instruction with the MMU off.
#include "lib.h"

#define UART_UNKNOWN_OFFSET 0x100
#define UART_FR 0x18
#define GICD_BASE 0x08000000UL
#define GICD_RESERVED_OFFSET 0x20
#define AT_VA 0x40001000UL
#define PSCI_UNKNOWN_FUNCTION 0x8400ff00UL
#define SEMIHOSTING_UNKNOWN_OP 0x99

static int64_t psci_call(uint64_t function) {
    register uint64_t x0 __asm__("x0") = function;
    __asm__ volatile("hvc #0" : "+r"(x0)::"x1", "x2", "x3", "memory");
    return (int64_t)x0;
}

extern char vectors[];

int kernel_main(void) {
    __asm__ volatile("msr vbar_el1, %0; isb" ::"r"(vectors));
    check_taken("mrs S3_1_C15_C2_0", FAULTING("mrs x9, S3_1_C15_C2_0"), ESR(EC_UNKNOWN, 0), 0, NO_FAR);
    (void)mmio_read32(UART_BASE + UART_UNKNOWN_OFFSET);
    mmio_write32(UART_BASE + UART_FR, 0);
    (void)*(volatile uint64_t*)(UART_BASE + UART_FR);
    (void)mmio_read32(GICD_BASE + GICD_RESERVED_OFFSET);
    uint64_t par;
    __asm__ volatile("at s1e1r, %1; isb; mrs %0, par_el1" : "=r"(par) : "r"(AT_VA));
    if (par & 1) {
        uart_puts("FAIL at s1e1r with the MMU off faulted\n");
        test_failures++;
    }
    if (psci_call(PSCI_UNKNOWN_FUNCTION) != -1) {
        uart_puts("FAIL psci: unknown function not NOT_SUPPORTED\n");
        test_failures++;
    }
    if (semihost(SEMIHOSTING_UNKNOWN_OP, 0) != -1) {
        uart_puts("FAIL semihosting: unknown operation did not return -1\n");
        test_failures++;
    }
    uart_puts(test_failures ? "poke: FAILED\n" : "poke: all as expected\n");
    return test_failures;
}
