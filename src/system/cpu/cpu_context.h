// Everything the CPU side of system mode keeps for one core, and the
// SystemHooks through which the reference semantics reach it: memory through
// the MMU (memory.cpp), system registers and SYS operations (sysregs.cpp).
// Exception entry and return are in exceptions.cpp, the run loop in
// cpu_loop.cpp.
#pragma once
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

#include "core/system_hooks.h"
#include "system/cpu/id_registers.h"
#include "system/cpu/mmu.h"
#include "system/cpu/sysregs.h"
#include "system/cpu/system_cpu.h"
#include "system/cpu/timer.h"

namespace ferry::system {

// ESR_ELx.EC values the CPU raises. The abort classes name the same-EL
// variant; taking one to a higher EL uses the lower-EL class (one less).
enum class ExceptionClass : uint8_t {
    Unknown = 0x00,
    WfxTrap = 0x01,
    IllegalState = 0x0e,
    Svc = 0x15,
    Hvc = 0x16,
    Smc = 0x17,
    SysRegTrap = 0x18,
    InstructionAbort = 0x21,
    PcAlignment = 0x22,
    DataAbort = 0x25,
    SError = 0x2f,
    Brk = 0x3c,
};

struct Syndrome {
    ExceptionClass ec = ExceptionClass::Unknown;
    uint32_t iss = 0;
    std::optional<uint64_t> far;  // aborts: the faulting virtual address
};

// Data abort ISS bits.
inline constexpr uint32_t kIssWnR = 1u << 6;

class CpuContext final : public SystemHooks {
public:
    CpuContext(CpuState& state, Bus& bus, TimerSink& timers, const SystemCpuCallbacks& callbacks,
               const SystemCpuConfig& config);

    // SystemHooks: memory (memory.cpp).
    Vec128 load(CpuState& s, uint64_t va, unsigned bytes, uint64_t pc) override;
    void store(CpuState& s, uint64_t va, const Vec128& value, unsigned bytes, uint64_t pc) override;
    uint8_t* rmw_pointer(CpuState& s, uint64_t va, unsigned bytes, uint64_t pc) override;
    // SystemHooks: system registers and SYS operations (sysregs.cpp).
    uint64_t read_sysreg(CpuState& s, uint32_t id, uint64_t pc) override;
    void write_sysreg(CpuState& s, uint32_t id, uint64_t value, uint64_t pc) override;

    // The engine's instruction fetch at the current EL; on a fault returns
    // false and leaves the syndrome in fetch_fault.
    bool fetch(uint64_t pc, uint32_t& word);
    // Virtual memory as the current EL sees it, without raising faults.
    bool access_virtual(uint64_t va, void* data, size_t bytes, Access access);

    unsigned el() const { return current_el(state); }
    bool el_implemented(unsigned el) const { return el <= 1 || (el == 2 && config.has_el2) || (el == 3 && config.has_el3); }
    unsigned highest_el() const { return config.has_el3 ? 3 : config.has_el2 ? 2 : 1; }
    // Sets PSTATE.EL and SPSel, moving the live stack pointer to its bank.
    void set_el_and_spsel(unsigned el, bool spsel);
    // What blocks are translated for (Engine::translation_flags).
    uint64_t translation_flags() const;
    // Makes translated code return to the run loop at the next block entry.
    void request_exit() { __atomic_store_n(&state.exit_request, 1u, __ATOMIC_RELEASE); }
    void exit_if_interrupt_pending();  // after a write that may unmask one

    // Translated code to drop at the next block boundary (never inside the
    // block that asked: it may be running). Ranges where no code was
    // translated are ignored.
    void invalidate_code(uint64_t lo, uint64_t hi);
    void invalidate_code_for_full_tlbi();  // what a TLBI of everything may have made stale
    // The code translated for the lower VA range under one ASID (TLBI ASIDE1).
    void invalidate_asid_code(uint16_t asid);
    // Were blocks with these translation flags made under asid's mappings?
    static bool translated_for_asid(uint64_t flags, uint16_t asid);
    static bool survives_full_tlbi(uint64_t pc, uint64_t flags);  // if pc's page keeps its mapping
    // The regime's translation changed: TLB and translated code go.
    void mapping_changed();

    // Back to the reset state of the config.
    void reset();

    CpuState& state;
    Bus& bus;
    const SystemCpuCallbacks& callbacks;
    const SystemCpuConfig config;
    SysRegs regs;
    const IdRegisters ids;
    Mmu mmu;
    GenericTimer timer;
    bool os_lock = false;   // OSLSR_EL1.OSLK, set by OSLAR_EL1

    // The synchronous exception that the last raise_guest_fault from here
    // stands for (the run loop takes it).
    std::optional<Syndrome> pending;
    std::optional<Syndrome> fetch_fault;
    bool flush_all_code = false;
    bool flush_code_for_full_tlbi = false;
    std::vector<std::pair<uint64_t, uint64_t>> flush_code_ranges;
    std::vector<uint16_t> flush_code_asids;

    // Interrupt lines (bit per CpuLine), set from any thread; the mutex and
    // condition variable let a WFI sleep until one rises.
    std::atomic<uint32_t> lines{0};
    std::atomic<bool> wake_requested{false};
    // The event register WFE waits on: set by SEV/SEVL and exception returns.
    bool event_register = false;
    std::atomic<bool> stop_requested{false};
    std::atomic<bool> debugger_interrupt{false};  // SystemCpu::interrupt_for_debugger
    std::mutex wait_mutex;
    std::condition_variable wait_cv;
    void notify_waiter();

    // Leaves guest code with a synchronous exception (memory.cpp, sysregs.cpp).
    [[noreturn]] void raise(const Syndrome& syndrome, ExitReason reason, uint64_t pc);
    [[noreturn]] void raise_undefined(uint64_t pc);

private:
    Target data_target(uint64_t va, unsigned bytes, Access access, uint64_t pc);
    void note_write(const Target& t);
    bool strict_alignment() const;  // SCTLR_ELx.A
    Vec128 load_within_page(uint64_t va, unsigned bytes, uint64_t pc);
    [[noreturn]] void raise_data_abort(uint64_t va, uint8_t fault_status, Access access, uint64_t pc);
    uint64_t mmio_read(const Target& t, uint64_t va, unsigned bytes, uint64_t pc);
    void mmio_write(const Target& t, uint64_t va, uint64_t value, unsigned bytes, uint64_t pc);

    // sysregs.cpp
    [[noreturn]] void trap_to_el1(uint32_t id, bool read, uint64_t pc);
    std::optional<uint64_t> read_special(uint32_t id, uint64_t pc);
    bool write_special(uint32_t id, uint64_t value, uint64_t pc);
    bool write_pstate_field(uint32_t id, uint64_t imm, uint64_t pc);
    bool system_operation(uint32_t id, uint64_t value, uint64_t pc);
    void address_translate(uint32_t id, uint64_t va);
    void tlb_invalidate(uint32_t id, uint64_t value);
    [[noreturn]] void unimplemented(uint32_t id, bool read, uint64_t pc);
};

}  // namespace ferry::system
