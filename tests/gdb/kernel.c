// The bare-metal program tests/gdb/run.sh debugs under ferry-system -S -gdb:
// kernel_main reads config_word and writes counter (watchpoints), then spins
// until the debugger clears `spin` (Ctrl-C, set var, detach).
#include "lib.h"

volatile uint64_t counter;
volatile uint64_t config_word = 7;
volatile int spin = 1;

static void bump(void) { counter = counter + config_word; }

int kernel_main(uint64_t entry_el) {
    (void)entry_el;
    bump();
    bump();
    uart_puts("spinning\n");
    while (spin) {
    }
    uart_puts("done\n");
    return counter == 14 ? 0 : 1;
}
