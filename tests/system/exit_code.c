// SYS_EXIT_EXTENDED's subcode becomes the machine's exit status.
#include "lib.h"

int kernel_main(uint64_t entry_el) {
    (void)entry_el;
    semihost(SYS_WRITE0, "exiting with 42\n");
    const uint64_t block[2] = {0x20026, 42};
    semihost(SYS_EXIT_EXTENDED, block);
    return 1;  // not reached
}
