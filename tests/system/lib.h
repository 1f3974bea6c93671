// What the bare-metal tests share: PL011 output and semihosting calls.
#pragma once
#include <stddef.h>
#include <stdint.h>

#define UART_BASE 0x09000000UL

void uart_putc(char c);
void uart_puts(const char* s);
void uart_put_hex(uint64_t v);
void uart_put_dec(uint64_t v);

// HLT #0xF000 with op in w0 and param in x1; returns x0.
int64_t semihost(uint32_t op, const void* param);
void semihost_exit(int code) __attribute__((noreturn));

void unexpected_exception(void);
void irq_handler(void);
void sync_handler(uint64_t* frame);

// A synchronous exception a test provokes on purpose: after
// expect_exception(), the next one is recorded in `taken` (the EL1 registers
// as the handler found them) and the handler resumes after the faulting
// instruction; for an exception on an instruction fetch (abort, PC
// alignment) it returns to x30, so tests reach those targets with BLR. An
// exception from EL0 returns to EL1 at the end of run_at_el0().
struct taken_exception {
    uint64_t esr, elr, far, spsr;
    unsigned count;
};
extern volatile struct taken_exception taken;
void expect_exception(void);
// Runs code at EL0 (EL0t, interrupts masked) until it takes an exception.
void run_at_el0(void (*code)(void));

// Runs one instruction (operands from %1 on; x9 is free to use) that must
// take a synchronous exception; evaluates to its address.
#define FAULTING(insn, ...)                                                                        \
    ({                                                                                             \
        uint64_t at_;                                                                              \
        expect_exception();                                                                        \
        __asm__ volatile("adr %0, 1f\n1: " insn : "=&r"(at_) : __VA_ARGS__ : "x9", "memory");      \
        at_;                                                                                       \
    })

// Prints whether exactly one exception was taken with this ESR, ELR (at +
// elr_offset) and FAR (not checked when NO_FAR), counting failures in
// test_failures; then forgets it.
#define NO_FAR 1
extern int test_failures;
void check_taken(const char* name, uint64_t at, uint32_t esr, int64_t elr_offset, uint64_t far);

// ESR_ELx fields and the exception classes the tests see.
#define ESR_EC(esr) ((uint32_t)((esr) >> 26) & 0x3F)
#define ESR_IL (1u << 25)
#define ESR_ISS(esr) ((uint32_t)(esr) & 0x1FFFFFF)
enum {
    EC_UNKNOWN = 0x00, EC_SVC = 0x15, EC_HVC = 0x16, EC_SMC = 0x17, EC_IABT_LOWER = 0x20, EC_IABT = 0x21,
    EC_PC_ALIGNMENT = 0x22, EC_DABT_LOWER = 0x24, EC_DABT = 0x25, EC_BRK = 0x3C,
};
#define ESR(ec, iss) (((uint32_t)(ec) << 26) | ESR_IL | (iss))
#define ISS_WNR (1u << 6)

enum {
    SYS_OPEN = 0x01, SYS_CLOSE = 0x02, SYS_WRITEC = 0x03, SYS_WRITE0 = 0x04, SYS_WRITE = 0x05, SYS_READ = 0x06,
    SYS_ISERROR = 0x08, SYS_ISTTY = 0x09, SYS_SEEK = 0x0A, SYS_FLEN = 0x0C, SYS_CLOCK = 0x10, SYS_TIME = 0x11,
    SYS_ERRNO = 0x13, SYS_GET_CMDLINE = 0x15, SYS_HEAPINFO = 0x16, SYS_EXIT = 0x18, SYS_EXIT_EXTENDED = 0x20,
    SYS_ELAPSED = 0x30, SYS_TICKFREQ = 0x31,
};

static inline uint32_t mmio_read32(uintptr_t a) { return *(volatile uint32_t*)a; }
static inline void mmio_write32(uintptr_t a, uint32_t v) { *(volatile uint32_t*)a = v; }
