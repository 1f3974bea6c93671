// Synchronous exceptions taken to EL1 (and HVC to EL2) with their ESR, ELR
// and FAR as the Arm ARM defines them (D17.2.37 ESR_ELx): SVC, HVC, SMC,
// BRK, UDF, data aborts on an unassigned physical address (MMU off: a
// synchronous external abort), alignment faults (SCTLR_EL1.A, exclusives)
// and PC alignment, from EL1 and from EL0. Run on plain virt (no EL2: HVC is
// the PSCI conduit, SMC is UNDEF) and with virtualization=on (HVC traps to
// EL2; HCR_EL2.HCD makes it UNDEF).
#include "lib.h"

#define UNASSIGNED 0x50000000UL  // above -m 128M of RAM: nothing answers there
#define DFSC_SYNC_EXTERNAL 0x10
#define DFSC_ALIGNMENT 0x21
#define SCTLR_A (1ul << 1)

static uint8_t buffer[32] __attribute__((aligned(16)));

// ---- EL1 ---------------------------------------------------------------------

static void el1_calls(void) {
    check_taken("svc #0x123", FAULTING("svc #0x123"), ESR(EC_SVC, 0x123), 4, NO_FAR);
    check_taken("brk #0x3e8", FAULTING("brk #0x3e8"), ESR(EC_BRK, 0x3e8), 0, NO_FAR);
    check_taken("udf #0x5a5a", FAULTING("udf #0x5a5a"), ESR(EC_UNKNOWN, 0), 0, NO_FAR);
    // An EL2 register from EL1 is UNDEFINED.
    check_taken("mrs hcr_el2 at EL1", FAULTING("mrs x9, hcr_el2"), ESR(EC_UNKNOWN, 0), 0, NO_FAR);
}

static void el1_aborts(void) {
    check_taken("ldr from unassigned PA", FAULTING("ldr x9, [%1]", "r"(UNASSIGNED + 8)),
                ESR(EC_DABT, DFSC_SYNC_EXTERNAL), 0, UNASSIGNED + 8);
    check_taken("strb to unassigned PA", FAULTING("strb wzr, [%1]", "r"(UNASSIGNED + 3)),
                ESR(EC_DABT, ISS_WNR | DFSC_SYNC_EXTERNAL), 0, UNASSIGNED + 3);
}

static void el1_alignment(void) {
    uint64_t sctlr;
    const uint64_t odd = (uint64_t)buffer + 1;
    // Exclusives must be aligned whatever SCTLR_EL1.A says. (Not STXR: QEMU
    // checks the monitor first, which no unaligned LDXR can have armed.)
    check_taken("ldxr unaligned", FAULTING("ldxr x9, [%1]", "r"(odd)), ESR(EC_DABT, DFSC_ALIGNMENT), 0, odd);


    __asm__ volatile("mrs %0, sctlr_el1" : "=r"(sctlr));
    __asm__ volatile("msr sctlr_el1, %0; isb" ::"r"(sctlr | SCTLR_A));
    // Aligned accesses still work; unaligned ones fault.
    __asm__ volatile("ldr x9, [%0]; str x9, [%0]" ::"r"(buffer) : "x9", "memory");
    check_taken("ldr w unaligned, SCTLR.A=1", FAULTING("ldr w9, [%1]", "r"(odd + 1)),
                ESR(EC_DABT, DFSC_ALIGNMENT), 0, odd + 1);
    check_taken("strh unaligned, SCTLR.A=1", FAULTING("strh wzr, [%1]", "r"(odd + 4)),
                ESR(EC_DABT, ISS_WNR | DFSC_ALIGNMENT), 0, odd + 4);
    __asm__ volatile("msr sctlr_el1, %0; isb" ::"r"(sctlr));
}

// A misaligned branch target: the exception is taken on the fetch, with ELR
// and FAR the misaligned PC (the handler returns to x30).
static void el1_pc_alignment(void) {
    uint64_t target;
    expect_exception();
    __asm__ volatile("adr %0, 1f + 2\n"
                     "blr %0\n"
                     "b 2f\n"
                     "1: nop\n"
                     "nop\n"
                     "2:"
                     : "=&r"(target)::"x30", "memory");
    check_taken("blr to pc+2 (PC alignment)", target, ESR(EC_PC_ALIGNMENT, 0), 0, target);
}

// ---- HVC and SMC ---------------------------------------------------------------

// EL2's vector table (start.S installs it): a synchronous exception from
// EL1 returns ESR_EL2 in x0 and ELR_EL2 in x1; HVC #1 also sets
// HCR_EL2.HCD. Anything else ends the test with status 5.
__asm__(".text\n"
        ".balign 0x800\n"
        ".global el2_vectors\n"
        "el2_vectors:\n"
        ".rept 8\n"
        ".balign 0x80\n"
        "b el2_unexpected\n"
        ".endr\n"
        ".balign 0x80\n"  // lower EL, AArch64, synchronous
        "mrs x0, esr_el2\n"
        "mrs x1, elr_el2\n"
        "and x2, x0, #0xffff\n"
        "cmp x2, #1\n"
        "b.ne 1f\n"
        "mrs x2, hcr_el2\n"
        "orr x2, x2, #(1 << 29)\n"
        "msr hcr_el2, x2\n"
        "isb\n"
        "1: eret\n"
        ".rept 7\n"
        ".balign 0x80\n"
        "b el2_unexpected\n"
        ".endr\n"
        "el2_unexpected:\n"
        "adr x1, 2f\n"
        "mov x0, #0x18\n"
        "hlt #0xf000\n"
        "b .\n"
        ".balign 8\n"
        "2: .quad 0x20026, 5\n");

static void hvc_to_el2(void) {
    register uint64_t x0 __asm__("x0");
    register uint64_t x1 __asm__("x1");
    uint64_t at;
    __asm__ volatile("adr %2, 1f\n1: hvc #0x4d2" : "=r"(x0), "=r"(x1), "=&r"(at)::"x2", "memory");
    taken = (struct taken_exception){x0, x1, 0, 0, 1};
    check_taken("hvc #0x4d2 to EL2 (ESR_EL2, ELR_EL2)", at, ESR(EC_HVC, 0x4d2), 4, NO_FAR);

    // HVC #1 sets HCR_EL2.HCD: from then on HVC is UNDEFINED at EL1.
    __asm__ volatile("hvc #1" ::: "x0", "x1", "x2", "memory");
    check_taken("hvc with HCR_EL2.HCD=1", FAULTING("hvc #0x22"), ESR(EC_UNKNOWN, 0), 0, NO_FAR);
}

// Without EL2 or EL3, QEMU's virt firmware takes HVC as its PSCI conduit and
// SMC is UNDEFINED.
static void calls_without_el2(void) {
    register uint64_t x0 __asm__("x0") = 0x84000000;  // PSCI_VERSION
    __asm__ volatile("hvc #0" : "+r"(x0)::"x1", "x2", "x3", "memory");
    uart_puts("hvc PSCI_VERSION: ");
    uart_put_hex(x0);
    uart_puts("\n");
    check_taken("smc without EL3", FAULTING("smc #0x11"), ESR(EC_UNKNOWN, 0), 0, NO_FAR);
}

// ---- EL0 -----------------------------------------------------------------------

void el0_svc(void);
void el0_hvc(void);
void el0_brk(void);
void el0_udf(void);
void el0_mrs(void);
void el0_load(void);
__asm__(".text\n"
        ".global el0_svc, el0_hvc, el0_brk, el0_udf, el0_mrs, el0_load\n"
        "el0_svc: svc #0x77\n"
        "el0_hvc: hvc #0x42\n"
        "el0_brk: brk #0x9\n"
        "el0_udf: udf #0\n"
        "el0_mrs: mrs x9, sctlr_el1\n"
        "el0_load: movz x9, #0x5000, lsl #16\n"
        "ldr x9, [x9, #0x10]\n");

static void at_el0(const char* name, void (*code)(void), unsigned offset, uint32_t esr, int64_t elr_offset,
                   uint64_t far) {
    expect_exception();
    run_at_el0(code);
    check_taken(name, (uint64_t)code + offset, esr, elr_offset, far);
    if ((taken.spsr & 0xF) != 0) {
        uart_puts("FAIL SPSR_EL1.M is not EL0t: ");
        uart_put_hex(taken.spsr);
        uart_puts("\n");
        test_failures++;
    }
}

static void el0_exceptions(void) {
    at_el0("el0: svc #0x77", el0_svc, 0, ESR(EC_SVC, 0x77), 4, NO_FAR);
    at_el0("el0: hvc (UNDEFINED at EL0)", el0_hvc, 0, ESR(EC_UNKNOWN, 0), 0, NO_FAR);
    at_el0("el0: brk #9", el0_brk, 0, ESR(EC_BRK, 9), 0, NO_FAR);
    at_el0("el0: udf", el0_udf, 0, ESR(EC_UNKNOWN, 0), 0, NO_FAR);
    at_el0("el0: mrs sctlr_el1", el0_mrs, 0, ESR(EC_UNKNOWN, 0), 0, NO_FAR);
    at_el0("el0: ldr from unassigned PA", el0_load, 4, ESR(EC_DABT_LOWER, DFSC_SYNC_EXTERNAL), 0,
           UNASSIGNED + 0x10);
}

extern char vectors[];

int kernel_main(uint64_t entry_el) {
    __asm__ volatile("msr vbar_el1, %0; isb" ::"r"(vectors));
    el1_calls();
    el1_aborts();
    el1_alignment();
    el1_pc_alignment();
    if (entry_el == 2)
        hvc_to_el2();
    else
        calls_without_el2();
    el0_exceptions();
    uart_puts(test_failures ? "exceptions: FAILED\n" : "exceptions: all as expected\n");
    return test_failures;
}
