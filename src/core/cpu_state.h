// The guest CPU as one plain struct. Translated code addresses it at fixed
// offsets from a pinned host register, so its layout is part of the JIT ABI:
// keep it standard-layout and append new fields rather than reorder.
#pragma once
#include <cstddef>
#include <cstdint>

namespace ferry {

struct SoftTlbEntry;  // core/soft_tlb.h

struct alignas(16) Vec128 {
    uint64_t lo = 0, hi = 0;
    bool operator==(const Vec128&) const = default;
};

// Why a block returned to the run loop (CpuState::exit_reason).
enum class ExitReason : uint32_t {
    None = 0,
    Syscall,         // SVC: exit_info = imm16; pc = next instruction
    Undefined,       // UNDEF: pc = faulting instruction, exit_info = instruction word
    Breakpoint,      // BRK: exit_info = imm16
    Halt,            // HLT: exit_info = imm16 (semihosting in system mode)
    DataAbort,       // guest memory fault: fault_address, pc = faulting instruction
    InstructionAbort,// fetch from unmapped/non-executable memory: pc
    Alignment,       // misaligned exclusive/atomic
    ExitRequest,     // exit_request was set (signals, timers, debugger)
    CodeModified,    // a translated code page was written: pc = next block
    // System mode only (CpuState::system set):
    HypervisorCall,  // HVC: exit_info = imm16; pc = next instruction
    SecureMonitorCall,  // SMC: exit_info = imm16; pc = next instruction
    WaitForInterrupt,   // WFI: pc = next instruction
    ExceptionReturn,    // ERET: pc = the ERET (the run loop performs it)
    WaitForEvent,       // WFE: pc = next instruction
    SendEvent,          // SEV/SEVL: pc = next instruction
    // Debugging (core/debug.h); the instruction at pc has not executed:
    DebugBreakpoint,    // a debugger breakpoint at pc
    Watchpoint,         // an access by the instruction at pc hit a watchpoint:
                        // fault_address = the address accessed, exit_info = the
                        // WatchKind of the watchpoint it hit
};

struct CpuState {
    uint64_t x[31] = {};   // X0..X30
    uint64_t sp = 0;       // SP_EL0 (user mode)
    uint64_t pc = 0;
    uint32_t nzcv = 0;     // PSTATE.NZCV in bits 31:28, the MRS NZCV layout
    uint32_t fpcr = 0;
    uint32_t fpsr = 0;
    uint32_t exit_request = 0;  // non-zero: leave translated code at the next block entry
    Vec128 v[32] = {};     // V0..V31, lane 0 in the low bits

    uint64_t tpidr_el0 = 0;
    uint64_t tpidrro_el0 = 0;

    // Local exclusive monitor (LDXR/STXR): address, size in bytes and the value
    // seen, so that STXR can complete with one host compare-and-swap.
    uint64_t exclusive_addr = 0;
    Vec128 exclusive_value = {};
    uint32_t exclusive_size = 0;   // 0 = open (no reservation)

    // Filled in when a block exits to the run loop.
    ExitReason exit_reason = ExitReason::None;
    uint32_t exit_info = 0;
    uint64_t fault_address = 0;
    uint64_t fault_pc = 0;         // guest pc of an access made outside inline JIT code
    uint32_t fault_is_write = 0;

    // User-mode memory: guest address g lives at host guest_base + (g & guest_mask).
    uint64_t guest_base = 0;
    uint64_t guest_mask = 0;

    // Owned by the backend: the x64 JIT keeps its dispatch tables here.
    void* jit_context = nullptr;
    void* runtime = nullptr;       // the Engine running this CPU

    // Non-zero: generic-timer counter reads return this value. Lockstep runs
    // a block twice and needs both runs to see the same time.
    uint64_t frozen_counter = 0;

    // ---- System mode (ferry-system); user mode leaves all of this zero ----
    // The machine behind memory accesses, system registers and SYS operations
    // (a SystemHooks*, core/system_hooks.h); nullptr in user mode.
    void* system = nullptr;
    // PSTATE other than NZCV, in the SPSR layout: M[3:0] = EL:SPSel, F (6),
    // I (7), A (8), D (9), IL (20), SS (21).
    uint32_t pstate = 0;
    // SP_EL0..SP_EL3. The stack pointer PSTATE selects lives in sp instead
    // (translated code is the same at every EL); its slot here is stale.
    uint64_t sp_el[4] = {};
    // The softmmu TLB of the current EL (core/soft_tlb.h), which translated
    // code looks up inline; kept by the system CPU whenever PSTATE.EL changes.
    const SoftTlbEntry* soft_tlb = nullptr;

    // ---- Debugging ----
    // The debugger's watchpoints (a const WatchList*, core/debug.h), or
    // nullptr: the reference memory accesses check each access against them.
    const void* watchpoints = nullptr;

    // ---- Statistics (--stats) ----
    // The BlockProfile (core/profile.h) of the block entered last, so that a
    // block left early (a fault) counts only the instructions it ran.
    void* current_block = nullptr;
};

}  // namespace ferry
