// Read straight from the CPU's state, so that a debugger looking at a
// register has no effect on the guest, whatever the current EL may access.
#include "system/cpu/debug_registers.h"

#include "system/cpu/cpu_context.h"

namespace ferry::system {

namespace {

// SP_ELx: the live stack pointer is in CpuState::sp while PSTATE selects that bank.
uint64_t& stack_pointer(CpuContext& c, unsigned el) {
    const unsigned live = (c.state.pstate & pstate::SPSel) ? c.el() : 0;
    return el == live ? c.state.sp : c.state.sp_el[el];
}

}  // namespace

void DebugRegisters::add(std::string name, Register r) {
    names_.push_back(std::move(name));
    registers_.push_back(std::move(r));
}

DebugRegisters::DebugRegisters(const CpuContext& context) {
    auto plain = [this](std::string name, uint64_t SysRegs::*field) {
        add(std::move(name), {[field](CpuContext& c) { return c.regs.*field; },
                              [field](CpuContext& c, uint64_t v) { c.regs.*field = v; }});
    };
    auto banked = [this](const char* name, uint64_t (SysRegs::*field)[4], unsigned el) {
        add(std::string(name) + "_EL" + std::to_string(el),
            {[field, el](CpuContext& c) { return (c.regs.*field)[el]; },
             [field, el](CpuContext& c, uint64_t v) { (c.regs.*field)[el] = v; }});
    };
    auto timer = [this](std::string name, TimerOutput which) {
        add(name + "_CTL", {[which](CpuContext& c) { return c.timer.ctl(which); },
                            [which](CpuContext& c, uint64_t v) { c.timer.set_ctl(which, v); }});
        add(name + "_CVAL", {[which](CpuContext& c) { return c.timer.cval(which); },
                             [which](CpuContext& c, uint64_t v) { c.timer.set_cval(which, v); }});
    };
    auto read_only = [this](std::string name, std::function<uint64_t(CpuContext&)> read) {
        add(std::move(name), {std::move(read), nullptr});
    };

    read_only("CurrentEL", [](CpuContext& c) { return uint64_t{c.el()} << 2; });
    read_only("MIDR_EL1", [](CpuContext& c) { return c.ids.midr; });
    read_only("MPIDR_EL1", [](CpuContext& c) { return c.ids.mpidr; });
    const unsigned top = context.highest_el();
    for (unsigned el = 1; el <= top; ++el) {
        if (!context.el_implemented(el)) continue;
        banked("SCTLR", &SysRegs::sctlr, el);
        banked("TCR", &SysRegs::tcr, el);
        banked("TTBR0", &SysRegs::ttbr0, el);
        if (el == 1) plain("TTBR1_EL1", &SysRegs::ttbr1_el1);
        banked("MAIR", &SysRegs::mair, el);
        banked("VBAR", &SysRegs::vbar, el);
        banked("ESR", &SysRegs::esr, el);
        banked("FAR", &SysRegs::far, el);
        banked("ELR", &SysRegs::elr, el);
        banked("SPSR", &SysRegs::spsr, el);
        banked("TPIDR", &SysRegs::tpidr, el);
    }
    for (unsigned el = 0; el <= top; ++el) {
        if (!context.el_implemented(el)) continue;
        add("SP_EL" + std::to_string(el), {[el](CpuContext& c) { return stack_pointer(c, el); },
                                           [el](CpuContext& c, uint64_t v) { stack_pointer(c, el) = v; }});
    }
    add("TPIDR_EL0", {[](CpuContext& c) { return c.state.tpidr_el0; },
                      [](CpuContext& c, uint64_t v) { c.state.tpidr_el0 = v; }});
    plain("CPACR_EL1", &SysRegs::cpacr_el1);
    plain("CONTEXTIDR_EL1", &SysRegs::contextidr_el1);
    plain("PAR_EL1", &SysRegs::par_el1);
    if (context.el_implemented(2)) plain("HCR_EL2", &SysRegs::hcr_el2);
    if (context.el_implemented(3)) plain("SCR_EL3", &SysRegs::scr_el3);
    plain("CNTFRQ_EL0", &SysRegs::cntfrq);
    read_only("CNTPCT_EL0", [](CpuContext& c) { return c.timer.physical_count(); });
    read_only("CNTVCT_EL0", [](CpuContext& c) { return c.timer.virtual_count(); });
    plain("CNTKCTL_EL1", &SysRegs::cntkctl_el1);
    timer("CNTP", TimerOutput::El1Physical);
    timer("CNTV", TimerOutput::El1Virtual);
    if (context.el_implemented(2)) {
        plain("CNTHCTL_EL2", &SysRegs::cnthctl_el2);
        add("CNTVOFF_EL2", {[](CpuContext& c) { return c.timer.cntvoff(); },
                            [](CpuContext& c, uint64_t v) { c.timer.set_cntvoff(v); }});
        timer("CNTHP", TimerOutput::El2Physical);
    }
}

uint64_t DebugRegisters::read(CpuContext& c, size_t index) const {
    return index < registers_.size() ? registers_[index].read(c) : 0;
}

bool DebugRegisters::write(CpuContext& c, size_t index, uint64_t value) const {
    if (index >= registers_.size() || !registers_[index].write) return false;
    registers_[index].write(c, value);
    // The debugger changed state that translations and the TLB depend on,
    // behind the guest's back: drop both rather than track which.
    c.flush_all_code = true;
    c.mapping_changed();
    c.timer.update();
    return true;
}

}  // namespace ferry::system
