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

volatile struct taken_exception taken;
static volatile int exception_expected;
static uint64_t el0_return;  // run_at_el0()'s return address (at EL1)

void expect_exception(void) { exception_expected = 1; }

void run_at_el0(void (*code)(void)) {
    __asm__ volatile(
        "adr x9, 1f\n"
        "str x9, %0\n"
        "msr elr_el1, %1\n"
        "msr spsr_el1, %2\n"  // EL0t with DAIF masked
        "eret\n"
        "1:"
        : "=m"(el0_return)
        : "r"(code), "r"(0x3c0ul)
        : "x9", "memory");
}

static int fetch_fault(uint32_t ec) { return ec == EC_IABT_LOWER || ec == EC_IABT || ec == EC_PC_ALIGNMENT; }
static int call_class(uint32_t ec) { return ec == EC_SVC || ec == EC_HVC || ec == EC_SMC; }

// vectors.S: frame holds x0..x18, x29 and x30 (x30 at index 21).
void sync_handler(uint64_t* frame) {
    if (!exception_expected) unexpected_exception();
    exception_expected = 0;
    uint64_t esr, elr, far, spsr;
    __asm__ volatile("mrs %0, esr_el1; mrs %1, elr_el1; mrs %2, far_el1; mrs %3, spsr_el1"
                     : "=r"(esr), "=r"(elr), "=r"(far), "=r"(spsr));
    taken.esr = esr;
    taken.elr = elr;
    taken.far = far;
    taken.spsr = spsr;
    taken.count++;
    const uint32_t ec = ESR_EC(esr);
    uint64_t resume = call_class(ec) ? elr : fetch_fault(ec) ? frame[21] : elr + 4;
    if ((spsr & 0xC) == 0) {  // from EL0: back to run_at_el0() at EL1h
        resume = el0_return;
        __asm__ volatile("msr spsr_el1, %0" ::"r"(0x3c5ul));
    }
    __asm__ volatile("msr elr_el1, %0" ::"r"(resume));
}

int test_failures;

static void show(const char* what, uint64_t value) {
    uart_puts(what);
    uart_put_hex(value);
}

void check_taken(const char* name, uint64_t at, uint32_t esr, int64_t elr_offset, uint64_t far) {
    const int ok = taken.count == 1 && taken.esr == esr && taken.elr == at + elr_offset &&
                   (far == NO_FAR || taken.far == far);
    uart_puts(ok ? "ok   " : "FAIL ");
    uart_puts(name);
    show(": ESR ", taken.esr);
    uart_puts(elr_offset ? " ELR insn+4" : " ELR insn");
    if (taken.elr != at + elr_offset) show(" (wrong: insn+", taken.elr - at), uart_puts(")");
    if (far != NO_FAR) show(" FAR ", taken.far);
    if (taken.count != 1) show(" exceptions taken: ", taken.count);
    if (!ok) show(" expected ESR ", esr), show(" FAR ", far);
    uart_puts("\n");
    test_failures += !ok;
    taken.count = 0;
}

// Tests that take interrupts define their own.
__attribute__((weak)) void irq_handler(void) {
    uart_puts("unexpected IRQ\n");
    semihost_exit(4);
}
