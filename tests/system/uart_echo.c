// The console's input path: prints "ready", then reports every byte the
// PL011 receives as hex ("rx 61"), forever; the test driver quits with Ctrl-A X.
#include "lib.h"

#define UART_FR (*(volatile uint32_t*)(UART_BASE + 0x18))
#define UART_DR (*(volatile uint32_t*)(UART_BASE + 0x00))
#define FR_RXFE (1u << 4)

int kernel_main(uint64_t entry_el) {
    (void)entry_el;
    uart_puts("ready\n");
    for (;;) {
        while (UART_FR & FR_RXFE) {}
        uart_puts("rx ");
        uart_put_hex(UART_DR & 0xff);
        uart_puts("\n");
    }
}
