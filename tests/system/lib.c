#include "lib.h"

#define UART_DR 0x00
#define UART_FR 0x18
#define UART_FR_TXFF (1u << 5)

void uart_putc(char c) {
    while (mmio_read32(UART_BASE + UART_FR) & UART_FR_TXFF) {
    }
    mmio_write32(UART_BASE + UART_DR, (uint8_t)c);
}

void uart_puts(const char* s) {
    while (*s) uart_putc(*s++);
}

void uart_put_hex(uint64_t v) {
    uart_puts("0x");
    for (int shift = 60; shift >= 0; shift -= 4) uart_putc("0123456789abcdef"[(v >> shift) & 0xF]);
}

void uart_put_dec(uint64_t v) {
    char digits[21];
    int n = 0;
    do digits[n++] = (char)('0' + v % 10); while ((v /= 10) != 0);
    while (n) uart_putc(digits[--n]);
}

int64_t semihost(uint32_t op, const void* param) {
    register uint64_t x0 __asm__("x0") = op;
    register const void* x1 __asm__("x1") = param;
    __asm__ volatile("hlt #0xf000" : "+r"(x0) : "r"(x1) : "memory");
    return (int64_t)x0;
}

void semihost_exit(int code) {
    const uint64_t block[2] = {0x20026, (uint64_t)code};  // ADP_Stopped_ApplicationExit
    semihost(SYS_EXIT, block);
    for (;;) __asm__ volatile("wfi");
}

// vectors.S: any exception a test does not expect ends it with status 3.
void unexpected_exception(void) {
    uint64_t esr, elr, far;
    __asm__ volatile("mrs %0, esr_el1; mrs %1, elr_el1; mrs %2, far_el1" : "=r"(esr), "=r"(elr), "=r"(far));
    uart_puts("unexpected exception, ESR ");
    uart_put_hex(esr);
    uart_puts(" ELR ");
    uart_put_hex(elr);
    uart_puts(" FAR ");
    uart_put_hex(far);
    uart_puts("\n");
    semihost_exit(3);
}

// Tests that take interrupts define their own.
__attribute__((weak)) void irq_handler(void) {
    uart_puts("unexpected IRQ\n");
    semihost_exit(4);
}
