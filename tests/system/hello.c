// The firmware developer's first boot: entered at some EL, dropped to EL1,
// BSS zeroed, kernel_main prints over the PL011 and exits through semihosting.
#include "lib.h"

static uint64_t bss_words[64];

int kernel_main(uint64_t entry_el) {
    uint64_t el;
    __asm__ volatile("mrs %0, CurrentEL" : "=r"(el));
    uart_puts("hello from kernel_main\n");
    uart_puts("entered at EL");
    uart_put_dec(entry_el);
    uart_puts(", running at EL");
    uart_put_dec(el >> 2);
    uart_puts("\n");
    for (unsigned i = 0; i < 64; ++i)
        if (bss_words[i]) {
            uart_puts("BSS not zeroed\n");
            return 2;
        }
    uart_puts("bss zeroed\n");
    return 0;
}
