// Stage 1 translation in the EL1&0 regime (Arm ARM D5) with each granule the
// CPU advertises in ID_AA64MMFR0_EL1: page tables built at run time with
// 39-bit VA ranges, RAM and the UART identity-mapped with level 2 blocks,
// then through level 3 pages at another VA: an alias of a RAM page, a
// read-only alias (permission fault on a store), a page with AF = 0 (access
// flag fault until the table sets it and TLBI drops the old entry), an
// invalid page, missing tables and an out-of-range VA (translation faults at
// levels 3, 1 or 2, and 0), an execute-never alias (instruction abort), a
// remapping after TLBI, and a kernel-style TTBR1 mapping of RAM at
// 0xffffff80_00000000.
#include "lib.h"

#define VA_BITS 39
#define RAM_BASE 0x40000000UL
#define RAM_SIZE 0x08000000UL  // -m 128M, the default
#define TEST_VA 0x80000000UL   // level 3 pages here (outside the identity blocks)
#define HIGH_BASE 0xffffff8000000000UL  // TTBR1: VA = HIGH_BASE + PA
#define ABSENT_TABLE_VA 0xc0000000UL  // no table covers this
#define OUT_OF_RANGE_VA (1UL << VA_BITS)

// Descriptor bits (D5.3).
#define DESC_VALID 1UL
#define DESC_TABLE 3UL  // also a level 3 page
#define DESC_BLOCK 1UL
#define ATTR_DEVICE (0UL << 2)  // MAIR_EL1 attribute 0
#define ATTR_NORMAL (1UL << 2)  // MAIR_EL1 attribute 1
#define AP_READ_ONLY (1UL << 7)
#define SH_INNER (3UL << 8)
#define AF (1UL << 10)
#define PXN (1UL << 53)
#define UXN (1UL << 54)
#define NORMAL (ATTR_NORMAL | SH_INNER | AF)
#define DEVICE (ATTR_DEVICE | AF | PXN | UXN)

#define MAIR_VALUE 0xff00UL  // attribute 0 Device-nGnRnE, 1 Normal write-back
#define SCTLR_M (1UL << 0)
#define SCTLR_A (1UL << 1)
#define SCTLR_C (1UL << 2)
#define SCTLR_I (1UL << 12)
#define SCTLR_WXN (1UL << 19)

#define DFSC_TRANSLATION 0x04
#define DFSC_ACCESS_FLAG 0x08
#define DFSC_PERMISSION 0x0c

struct granule {
    const char* name;
    unsigned shift;
    uint64_t tg0, tg1;  // TCR_EL1 encodings
    unsigned mmfr0_lsb;  // ID_AA64MMFR0_EL1.TGranN
    uint64_t supported_if_not;  // TGran4/64: 0xf means absent; TGran16: 0 means absent
};

static const struct granule granules[] = {
    {"4K", 12, 0, 2, 28, 0xf},
    {"16K", 14, 2, 1, 20, 0},
    {"64K", 16, 1, 3, 24, 0xf},
};

static unsigned gshift;  // the granule being tested
static uint8_t table_pool[8 << 16] __attribute__((aligned(1 << 16)));
static uint8_t* pool_next;
static uint8_t page_a[1 << 16] __attribute__((aligned(1 << 16)));
static uint8_t page_b[1 << 16] __attribute__((aligned(1 << 16)));
static volatile uint64_t kernel_word = 0x6b65726e656c2121;  // reached through TTBR1

static uint64_t granule_bytes(void) { return 1UL << gshift; }
static unsigned stride(void) { return gshift - 3; }
static unsigned level_shift(unsigned level) { return gshift + stride() * (3 - level); }
static unsigned start_level(void) { return 4 - (VA_BITS - gshift + stride() - 1) / stride(); }

static uint64_t* new_table(void) {
    uint64_t* t = (uint64_t*)pool_next;
    pool_next += granule_bytes();
    for (uint64_t i = 0; i < granule_bytes() / 8; ++i) t[i] = 0;
    return t;
}

static unsigned table_index(uint64_t va, unsigned level) {
    const unsigned shift = level_shift(level);
    const unsigned bits = level == start_level() ? VA_BITS - shift : stride();
    return (va >> shift) & ((1UL << bits) - 1);
}

// The descriptor for va at level, with the tables above it made as needed.
static volatile uint64_t* descriptor(uint64_t* root, uint64_t va, unsigned level) {
    uint64_t* table = root;
    for (unsigned l = start_level(); l < level; ++l) {
        uint64_t* entry = &table[table_index(va, l)];
        if (!(*entry & DESC_VALID)) *entry = (uint64_t)new_table() | DESC_TABLE;
        table = (uint64_t*)(*entry & 0xfffffffff000UL & ~(granule_bytes() - 1));
    }
    return &table[table_index(va, level)];
}

static void map_block(uint64_t* root, uint64_t va, uint64_t pa, uint64_t attrs) {
    *descriptor(root, va, 2) = pa | attrs | DESC_BLOCK;
}

static uint64_t test_va(unsigned n) { return TEST_VA + n * granule_bytes(); }
static void map_test_page(uint64_t* root, unsigned n, const void* pa, uint64_t attrs) {
    *descriptor(root, test_va(n), 3) = (uint64_t)pa | attrs | DESC_TABLE;
}

static void tlbi_va(uint64_t va) {
    __asm__ volatile("dsb ishst; tlbi vae1is, %0; dsb ish; isb" ::"r"(va >> 12) : "memory");
}

static void report(const char* what, int ok) {
    uart_puts(ok ? "ok   " : "FAIL ");
    uart_puts(what);
    uart_puts("\n");
    test_failures += !ok;
}

enum { PAGE_ALIAS, PAGE_READ_ONLY, PAGE_NO_AF, PAGE_INVALID, PAGE_EXECUTE_NEVER, PAGE_REMAPPED };

static void build_tables(uint64_t* root0, uint64_t* root1) {
    const uint64_t block = 1UL << level_shift(2);
    for (uint64_t pa = RAM_BASE & ~(block - 1); pa < RAM_BASE + RAM_SIZE; pa += block) map_block(root0, pa, pa, NORMAL);
    map_block(root0, UART_BASE & ~(block - 1), UART_BASE & ~(block - 1), DEVICE);
    for (uint64_t pa = RAM_BASE & ~(block - 1); pa < RAM_BASE + RAM_SIZE; pa += block)
        map_block(root1, HIGH_BASE + pa, pa, NORMAL | UXN | PXN);
    map_test_page(root0, PAGE_ALIAS, page_a, NORMAL);
    map_test_page(root0, PAGE_READ_ONLY, page_a, NORMAL | AP_READ_ONLY);
    map_test_page(root0, PAGE_NO_AF, page_a, NORMAL & ~AF);
    map_test_page(root0, PAGE_EXECUTE_NEVER, page_a, NORMAL | PXN | UXN);
    map_test_page(root0, PAGE_REMAPPED, page_a, NORMAL);
    __asm__ volatile("dsb ish" ::: "memory");
}

static void mmu_on(const struct granule* g, uint64_t* root0, uint64_t* root1, uint64_t sctlr) {
    const uint64_t t0sz = 64 - VA_BITS, walk_attrs = 1UL << 8 | 1UL << 10 | 3UL << 12;  // WB, inner shareable
    const uint64_t tcr = t0sz | walk_attrs | g->tg0 << 14 | t0sz << 16 | walk_attrs << 16 | g->tg1 << 30;
    __asm__ volatile("msr mair_el1, %0; msr tcr_el1, %1; msr ttbr0_el1, %2; msr ttbr1_el1, %3; isb; "
                     "tlbi vmalle1; dsb ish; isb" ::"r"(MAIR_VALUE),
                     "r"(tcr), "r"(root0), "r"(root1)
                     : "memory");
    __asm__ volatile("msr sctlr_el1, %0; isb" ::"r"((sctlr | SCTLR_M | SCTLR_C | SCTLR_I) & ~(SCTLR_A | SCTLR_WXN))
                     : "memory");
}

static void mmu_off(uint64_t sctlr) {
    __asm__ volatile("msr sctlr_el1, %0; isb; tlbi vmalle1; dsb ish; isb" ::"r"(sctlr) : "memory");
}

static uint64_t read64(uint64_t va) { return *(volatile uint64_t*)va; }
static void write64(uint64_t va, uint64_t v) { *(volatile uint64_t*)va = v; }

static void aliases(void) {
    write64((uint64_t)page_a + 8, 0x1111222233334444);
    report("load through an alias sees the identity-mapped store", read64(test_va(PAGE_ALIAS) + 8) == 0x1111222233334444);
    write64(test_va(PAGE_ALIAS) + 16, 0x5555666677778888);
    report("store through an alias reaches the page", read64((uint64_t)page_a + 16) == 0x5555666677778888);
    report("read-only alias reads", read64(test_va(PAGE_READ_ONLY) + 8) == 0x1111222233334444);

    const uint64_t ro = test_va(PAGE_READ_ONLY) + 0x20;
    check_taken("store to a read-only page", FAULTING("str xzr, [%1]", "r"(ro)),
                ESR(EC_DABT, ISS_WNR | (DFSC_PERMISSION + 3)), 0, ro);
    report("the faulting store left the page alone", read64((uint64_t)page_a + 0x20) == 0);
}

static void access_flag(uint64_t* root0) {
    const uint64_t va = test_va(PAGE_NO_AF) + 8;
    check_taken("load from a page with AF=0", FAULTING("ldr x9, [%1]", "r"(va)), ESR(EC_DABT, DFSC_ACCESS_FLAG + 3), 0,
                va);
    *descriptor(root0, va, 3) |= AF;
    tlbi_va(va);
    report("after setting AF and TLBI VAE1IS the load works", read64(va) == 0x1111222233334444);
}

static void translation_faults(void) {
    const uint64_t invalid = test_va(PAGE_INVALID) + 0x18;
    check_taken("load from an invalid level 3 entry", FAULTING("ldr x9, [%1]", "r"(invalid)),
                ESR(EC_DABT, DFSC_TRANSLATION + 3), 0, invalid);
    // 4K: 1 GiB level 1 entries, so the walk stops at level 1; 16K and 64K
    // tables cover ABSENT_TABLE_VA at level 2.
    const unsigned level = gshift == 12 ? 1 : 2;
    check_taken("store where no table is", FAULTING("str xzr, [%1]", "r"(ABSENT_TABLE_VA)),
                ESR(EC_DABT, ISS_WNR | (DFSC_TRANSLATION + level)), 0, ABSENT_TABLE_VA);
    check_taken("load above the 39-bit TTBR0 range", FAULTING("ldr x9, [%1]", "r"(OUT_OF_RANGE_VA)),
                ESR(EC_DABT, DFSC_TRANSLATION + 0), 0, OUT_OF_RANGE_VA);
}

// mov x0, #42; ret, written into page_a at 0x800 and run through the aliases.
static void execute(void) {
    volatile uint32_t* code = (volatile uint32_t*)(page_a + 0x800);
    code[0] = 0xd2800540;
    code[1] = 0xd65f03c0;
    __asm__ volatile("dc cvau, %0; dsb ish; ic ivau, %0; dsb ish; isb" ::"r"(code) : "memory");
    const uint64_t runs = test_va(PAGE_ALIAS) + 0x800, never = test_va(PAGE_EXECUTE_NEVER) + 0x800;
    register uint64_t x0 __asm__("x0");
    __asm__ volatile("blr %1" : "=r"(x0) : "r"(runs) : "x1", "x2", "x9", "x30", "memory");
    report("code runs through an executable alias", x0 == 42);
    expect_exception();
    __asm__ volatile("blr %0" ::"r"(never) : "x0", "x30", "memory");
    check_taken("execute from a PXN page", never, ESR(EC_IABT, DFSC_PERMISSION + 3), 0, never);
}

static void remap(uint64_t* root0) {
    const uint64_t va = test_va(PAGE_REMAPPED) + 0x28;
    write64((uint64_t)page_a + 0x28, 0xaaaa);
    write64((uint64_t)page_b + 0x28, 0xbbbb);
    const uint64_t before = read64(va);
    *descriptor(root0, va, 3) = (uint64_t)page_b | NORMAL | DESC_TABLE;
    tlbi_va(va);
    report("remapped page after TLBI VAE1IS", before == 0xaaaa && read64(va) == 0xbbbb);
}

static void high_mapping(void) {
    const uint64_t high = HIGH_BASE + (uint64_t)&kernel_word;
    report("TTBR1 mapping reads RAM", read64(high) == 0x6b65726e656c2121);
    write64(high, 0x1234);
    report("TTBR1 mapping writes RAM", kernel_word == 0x1234);
    kernel_word = 0x6b65726e656c2121;
}

static void test_granule(const struct granule* g, uint64_t mmfr0, uint64_t sctlr) {
    const uint64_t tgran = (mmfr0 >> g->mmfr0_lsb) & 0xf;
    uart_puts(g->name);
    if (tgran == g->supported_if_not) {
        uart_puts(" granule: not advertised in ID_AA64MMFR0_EL1, skipped\n");
        return;
    }
    uart_puts(" granule:\n");
    gshift = g->shift;
    pool_next = table_pool;
    for (uint64_t i = 0; i < sizeof page_a; ++i) page_a[i] = page_b[i] = 0;
    uint64_t* root0 = new_table();
    uint64_t* root1 = new_table();
    build_tables(root0, root1);
    mmu_on(g, root0, root1, sctlr);
    report("MMU on: running from the identity map, UART through a Device block", 1);
    aliases();
    access_flag(root0);
    translation_faults();
    execute();
    remap(root0);
    high_mapping();
    mmu_off(sctlr);
}

extern char vectors[];

int kernel_main(uint64_t entry_el) {
    (void)entry_el;
    __asm__ volatile("msr vbar_el1, %0; isb" ::"r"(vectors));
    uint64_t mmfr0, sctlr;
    __asm__ volatile("mrs %0, id_aa64mmfr0_el1; mrs %1, sctlr_el1" : "=r"(mmfr0), "=r"(sctlr));
    for (unsigned i = 0; i < sizeof granules / sizeof granules[0]; ++i) test_granule(&granules[i], mmfr0, sctlr);
    uart_puts(test_failures ? "mmu: FAILED\n" : "mmu: all as expected\n");
    return test_failures;
}
