// Bare-metal program for -d unimp and -d guest_errors in ferry-system: an
// IMPLEMENTATION DEFINED system register Ferry does not implement (the guest
// must get UNDEF), PL011 accesses at an unknown offset and to a read-only
// register, a PSCI call with an unknown function id and an unknown
// semihosting operation.
#include "lib.h"

#define UART_UNKNOWN_OFFSET 0x100
#define UART_FR 0x18
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
