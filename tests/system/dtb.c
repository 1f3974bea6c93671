// The device tree sits at the start of RAM for an ELF image loaded high
// enough above it to leave room for QEMU's 1 MiB tree (built twice: at
// 0x40080000, with no tree, and at 0x40200000).
#include "lib.h"

static uint32_t be32(const void* p) {
    const uint8_t* b = p;
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

int kernel_main(uint64_t entry_el) {
    (void)entry_el;
    const uint8_t* dtb = (const uint8_t*)0x40000000;
    if (be32(dtb) != 0xd00dfeed) {
        uart_puts("no device tree at 0x40000000\n");
        return 0;
    }
    uart_puts("device tree at 0x40000000\n");
    // The strings block must hold the names every virt tree uses.
    const char* strings = (const char*)dtb + be32(dtb + 12);
    const uint32_t size = be32(dtb + 32);
    static const char* const wanted[] = {"compatible", "interrupts", "stdout-path", "clock-frequency"};
    for (unsigned i = 0; i < 4; ++i) {
        int found = 0;
        for (uint32_t at = 0; at < size && !found; at++) {
            const char* a = strings + at;
            const char* b = wanted[i];
            while (*b && *a == *b) ++a, ++b;
            found = !*b && !*a;
            while (strings[at]) ++at;
        }
        uart_puts(wanted[i]);
        uart_puts(found ? ": present\n" : ": missing\n");
    }
    return 0;
}
