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

enum {
    SYS_OPEN = 0x01, SYS_CLOSE = 0x02, SYS_WRITEC = 0x03, SYS_WRITE0 = 0x04, SYS_WRITE = 0x05, SYS_READ = 0x06,
    SYS_ISERROR = 0x08, SYS_ISTTY = 0x09, SYS_SEEK = 0x0A, SYS_FLEN = 0x0C, SYS_CLOCK = 0x10, SYS_TIME = 0x11,
    SYS_ERRNO = 0x13, SYS_GET_CMDLINE = 0x15, SYS_HEAPINFO = 0x16, SYS_EXIT = 0x18, SYS_EXIT_EXTENDED = 0x20,
    SYS_ELAPSED = 0x30, SYS_TICKFREQ = 0x31,
};

static inline uint32_t mmio_read32(uintptr_t a) { return *(volatile uint32_t*)a; }
static inline void mmio_write32(uintptr_t a, uint32_t v) { *(volatile uint32_t*)a = v; }
