#include "system/cpu/cpu_context.h"

namespace ferry::system {

CpuContext::CpuContext(CpuState& s, Bus& b, TimerSink& timers, const SystemCpuCallbacks& cb, const SystemCpuConfig& c)
    : state(s), bus(b), callbacks(cb), config(c), ids(id_registers(c)), mmu(regs, b), timer(timers) {
    reset();
}

void CpuContext::set_el_and_spsel(unsigned new_el, bool spsel) {
    auto bank = [](unsigned el, bool sp_elx) { return sp_elx ? el : 0; };
    state.sp_el[bank(el(), state.pstate & pstate::SPSel)] = state.sp;
    state.pstate = (state.pstate & ~(pstate::ElMask | pstate::SPSel)) | (new_el << pstate::ElShift) |
                   (spsel ? pstate::SPSel : 0);
    state.sp = state.sp_el[bank(new_el, spsel)];
    state.soft_tlb = mmu.tlb(new_el);
}

namespace {
constexpr uint64_t kFlagElMask = 3, kFlagMmuOn = 4, kFlagAsidTagged = 8;
constexpr unsigned kFlagAsidShift = 16;
}  // namespace

// EL, MMU on, and for the ASID-tagged lower VA range of EL1&0 the ASID: a
// block translated under one of these never runs under another.
uint64_t CpuContext::translation_flags() const {
    const unsigned current = el();
    const bool mmu_on = mmu.enabled(current);
    uint64_t flags = current | (mmu_on ? kFlagMmuOn : 0);
    const bool lower_range = !(state.pc >> 55 & 1);
    if (mmu_on && current <= 1 && lower_range) flags |= kFlagAsidTagged | uint64_t{mmu.asid()} << kFlagAsidShift;
    return flags;
}

bool CpuContext::translated_for_asid(uint64_t flags, uint16_t asid) {
    return (flags & kFlagAsidTagged) && (flags >> kFlagAsidShift) == asid;
}

// MMU-off code does not depend on translation tables; EL1 code of the upper
// (global, kernel) range depends only on its page's mapping, which the
// caller checks. Code under any other regime goes with a TLBI of everything.
bool CpuContext::survives_full_tlbi(uint64_t pc, uint64_t flags) {
    const bool mmu_on = flags & kFlagMmuOn;
    const bool el1_upper_range = (flags & kFlagElMask) == 1 && (pc >> 55 & 1);
    return !mmu_on || el1_upper_range;
}

void CpuContext::invalidate_code(uint64_t lo, uint64_t hi) {
    if (!mmu.code_pages().take_virtual(lo, hi)) return;
    flush_code_ranges.emplace_back(lo, hi);
    request_exit();
}

void CpuContext::invalidate_asid_code(uint16_t asid) {
    flush_code_asids.push_back(asid);
    request_exit();
}

void CpuContext::invalidate_code_for_full_tlbi() {
    flush_code_for_full_tlbi = true;
    request_exit();
}

// A translation register changed. Cached translations go; translated code
// stays: it is keyed by EL, MMU state and ASID, and a change of mappings
// under the same ASID needs a TLBI, which drops the code. The translation
// flags may have changed: the run loop looks the next block up (translated
// code chains past system register writes only while exit_request is clear).
void CpuContext::mapping_changed() {
    mmu.flush_all();
    request_exit();
}

void CpuContext::notify_waiter() {
    { std::lock_guard lock(wait_mutex); }
    wait_cv.notify_all();
}

void CpuContext::reset() {
    regs = SysRegs{};
    regs.sctlr[1] = kSctlrEl1Reset;
    regs.sctlr[2] = regs.sctlr[3] = kSctlrEl23Reset;
    regs.vpidr_el2 = ids.midr;
    regs.vmpidr_el2 = ids.mpidr;
    os_lock = true;  // the OS lock is set at a cold reset
    const unsigned start = config.start_el ? config.start_el : highest_el();
    // Below the highest EL: the ELs above are set up as QEMU's boot code leaves them.
    if (config.has_el3 && start < 3)
        regs.scr_el3 = bits::SCR_NS | bits::SCR_RW | (config.has_el2 ? bits::SCR_HCE : 0);
    if (config.has_el2 && start < 2) regs.hcr_el2 = bits::HCR_RW;

    const CpuState fresh;
    void* const system = state.system;
    const void* const watchpoints = state.watchpoints;  // a debugger's outlive a reset
    state = fresh;
    state.system = system;
    state.watchpoints = watchpoints;
    state.pstate = (start << pstate::ElShift) | pstate::SPSel | pstate::DAIF;
    state.pc = config.entry_pc;
    state.x[0] = config.x0;
    state.soft_tlb = mmu.tlb(start);

    mmu.flush_all();
    timer.reset();
    pending.reset();
    fetch_fault.reset();
    flush_all_code = true;
    flush_code_for_full_tlbi = false;
    flush_code_ranges.clear();
    flush_code_asids.clear();
}

}  // namespace ferry::system
